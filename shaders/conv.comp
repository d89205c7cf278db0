#version 450
// SPDX-License-Identifier: MIT
// Modulated convolution with its whole epilogue fused (docs/model_format.md, "modconv"):
//   y = act(conv(x, W') + bias + strength * noise + layout_gain . layout) [then the output op]
// on a halo-padded NHWC input with padding 0 (the halo is the wrap-around padding), writing the
// destination *including its own halo*: a halo invocation recomputes the conv at the wrapped
// interior pixel, so no separate halo pass (and no barrier) is needed; the halo is 1-2 pixels.
// One invocation = one destination pixel x 4 OUT_VEC4 output channels: the filter is stored as vec4s
// of 4 consecutive output channels ([out/4][ky][kx][in], zero-padded past `out`), and each input value
// loaded feeds OUT_VEC4 vec4 FMAs (register blocking over output channels: one load per 4 OUT_VEC4
// multiply-adds instead of one per 4). OUT_VEC4 divides ceil(out/4) (the plan picks 4, 2 or 1), so no
// invocation reads past the filter. The accumulator array's size and its loops are specialization
// constants, so the driver unrolls them and indexes it with constants only (a dynamically indexed
// array is spilled to memory by CPU implementations such as lavapipe). Shape and epilogue are
// specialization constants: one pipeline per conv shape.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(constant_id = 0) const int IN_C = 1;
layout(constant_id = 1) const int OUT_C = 1;
layout(constant_id = 2) const int KSIZE = 1;
layout(constant_id = 3) const int ACT = 0;          // 0 linear, 1 leaky ReLU (0.2), 2 tanh
layout(constant_id = 4) const int HAS_NOISE = 0;
layout(constant_id = 5) const int LAYOUT_K = 0;     // layout channels injected here (0 = none)
layout(constant_id = 6) const int OUTPUT_OP = 0;    // the output op fused after the activation
layout(constant_id = 7) const int DST_FP32 = 0;     // FP16 build: the destination is the FP32 final tensor
layout(constant_id = 8) const int OUT_VEC4 = 1;     // vec4 output groups per invocation (divides ceil(out/4))

#include "compute_common.glsl"

float activate(float v) {
    if (ACT == 1) return v >= 0.0 ? v : 0.2 * v;
    if (ACT == 2) {
        // tanh from exp(-2|v|): never overflows (GLSL's tanh may return NaN for large |v| on some drivers).
        float t = exp(-2.0 * abs(v));
        return sign(v) * (1.0 - t) / (1.0 + t);
    }
    return v;
}

void main() {
    const int dpw = pc.dst_w + 2 * pc.dst_halo;
    const int dph = pc.dst_h + 2 * pc.dst_halo;
    const int gx = int(gl_GlobalInvocationID.x);
    const int gy = int(gl_GlobalInvocationID.y);
    if (gx >= dpw || gy >= dph) return;
    // gl_WorkGroupID, not gl_GlobalInvocationID: the same for every invocation of the workgroup as far as
    // the compiler can tell (local_size_z is 1), so the filter loads below are uniform (one load broadcast
    // to all lanes on SIMD implementations, a scalar load on GPUs) instead of a per-invocation gather.
    const int ob0 = int(gl_WorkGroupID.z) * OUT_VEC4;   // output channels 4 ob0 .. 4 (ob0 + OUT_VEC4) - 1
    // The interior pixel this destination element shows (itself, or the wrapped one for the halo).
    const int x = wrap(gx - pc.dst_halo, pc.dst_w);
    const int y = wrap(gy - pc.dst_halo, pc.dst_h);
    const int spw = pc.dst_w + 2 * pc.src_halo;   // the conv keeps the size: source interior = destination's
    const int group_stride = KSIZE * KSIZE * IN_C;  // filter vec4s per output group

    // Four named accumulators, the unused ones removed by the constant OUT_VEC4 tests: an array indexed
    // in a loop is kept in memory by lavapipe even when every index is a constant after unrolling.
    vec4 acc0 = vec4(0.0), acc1 = vec4(0.0), acc2 = vec4(0.0), acc3 = vec4(0.0);
    for (int r = 0; r < KSIZE; ++r) {
        for (int s = 0; s < KSIZE; ++s) {
            const int in_base = ((y + r) * spw + (x + s)) * IN_C;
            const int f_base = ob0 * group_stride + (r * KSIZE + s) * IN_C;
            for (int i = 0; i < IN_C; ++i) {
                const act_t v = src[in_base + i];
                const int f = f_base + i;
                acc0 += vec4(v * filt4[f]);
                if (OUT_VEC4 > 1) acc1 += vec4(v * filt4[f + group_stride]);
                if (OUT_VEC4 > 2) acc2 += vec4(v * filt4[f + 2 * group_stride]);
                if (OUT_VEC4 > 3) acc3 += vec4(v * filt4[f + 3 * group_stride]);
            }
        }
    }
    const int pixel = y * pc.dst_w + x;
    const float n = HAS_NOISE != 0 ? pc.strength * float(noise[pixel]) : 0.0;
    const int dst_base = (gy * dpw + gx) * OUT_C;
    for (int g = 0; g < OUT_VEC4; ++g) {
        const vec4 sum = g == 0 ? acc0 : g == 1 ? acc1 : g == 2 ? acc2 : acc3;
        for (int b = 0; b < 4; ++b) {
            const int oc = 4 * (ob0 + g) + b;
            if (oc >= OUT_C) break;
            float v = sum[b] + bias[oc] + n;
            for (int k = 0; k < LAYOUT_K; ++k) v += gain[oc * LAYOUT_K + k] * lay[pixel * LAYOUT_K + k];
            v = activate(v);
            if (OUTPUT_OP != 0) v = clamp(v * pc.scale + pc.shift, 0.0, 1.0);
            STORE_DST(dst_base + oc, v);
        }
    }
}
