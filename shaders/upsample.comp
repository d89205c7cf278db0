#version 450
// SPDX-License-Identifier: MIT
// Bilinear x2 upsample with wrap-around borders (half-pixel centres, as oneDNN's linear resampling
// and the CPU plan's upsample2x_circular): output X samples source x = X / 2 - 0.25, so even X
// blends (X/2 - 1, X/2) with 0.25/0.75 and odd X blends (X/2, X/2 + 1) with 0.75/0.25. Reads the
// source with wrapped indices (its halo is ignored) and writes the destination with its halo.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(constant_id = 0) const int DST_FP32 = 0;   // FP16 build: the destination is the FP32 final tensor

#include "compute_common.glsl"

void main() {
    const int dpw = pc.dst_w + 2 * pc.dst_halo;
    const int dph = pc.dst_h + 2 * pc.dst_halo;
    const int gx = int(gl_GlobalInvocationID.x);
    const int gy = int(gl_GlobalInvocationID.y);
    if (gx >= dpw || gy >= dph) return;
    const int x = wrap(gx - pc.dst_halo, pc.dst_w);
    const int y = wrap(gy - pc.dst_halo, pc.dst_h);
    const int x0 = (x >> 1) - ((x & 1) == 0 ? 1 : 0);
    const int y0 = (y >> 1) - ((y & 1) == 0 ? 1 : 0);
    const float fx = (x & 1) == 0 ? 0.75 : 0.25;
    const float fy = (y & 1) == 0 ? 0.75 : 0.25;
    const int spw = pc.src_w + 2 * pc.src_halo;
    const int c = pc.channels;
    const int xa = wrap(x0, pc.src_w) + pc.src_halo, xb = wrap(x0 + 1, pc.src_w) + pc.src_halo;
    const int ya = wrap(y0, pc.src_h) + pc.src_halo, yb = wrap(y0 + 1, pc.src_h) + pc.src_halo;
    const int p00 = (ya * spw + xa) * c, p01 = (ya * spw + xb) * c;
    const int p10 = (yb * spw + xa) * c, p11 = (yb * spw + xb) * c;
    const int o = (gy * dpw + gx) * c;
    for (int k = 0; k < c; ++k) {
        const float top = (1.0 - fx) * float(src[p00 + k]) + fx * float(src[p01 + k]);
        const float bottom = (1.0 - fx) * float(src[p10 + k]) + fx * float(src[p11 + k]);
        STORE_DST(o + k, (1.0 - fy) * top + fy * bottom);
    }
}
