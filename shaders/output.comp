#version 450
// SPDX-License-Identifier: MIT
// The standalone output op (when it does not follow a conv, whose epilogue fuses it):
// dst = clamp(src * scale + shift, 0, 1), interior read from a haloed source, destination written
// with its halo (wrapped).
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
    const int x = wrap(gx - pc.dst_halo, pc.dst_w) + pc.src_halo;
    const int y = wrap(gy - pc.dst_halo, pc.dst_h) + pc.src_halo;
    const int spw = pc.src_w + 2 * pc.src_halo;
    const int c = pc.channels;
    const int s = (y * spw + x) * c;
    const int o = (gy * dpw + gx) * c;
    for (int k = 0; k < c; ++k) STORE_DST(o + k, clamp(float(src[s + k]) * pc.scale + pc.shift, 0.0, 1.0));
}
