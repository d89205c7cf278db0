#version 450
// SPDX-License-Identifier: MIT
// Weight modulation and demodulation on the GPU (StyleGAN2, Karras et al. 2020, sec. 2.2; the CPU's
// runtime/style.cpp, same order of operations), for one modconv op in two passes:
//   pass 0 (channels = 0), one invocation per input channel i:  s[i] = A[i] . w + b[i]
//   pass 1 (channels = 1), one invocation per output channel o (padded to a multiple of 4):
//     W'[o][i][t] = W[o][i][t] s[i];  d[o] = 1 / sqrt(sum_{i,t} W'^2 + 1e-8) when demodulating;
//     filter[((o / 4) kk + t) in + i][o % 4] = W' d  (conv.comp's vec4 layout; 0 for padding rows)
// Only w (w_dim floats) is host-written per style change; the op's tensors are uploaded once.
// Push constants (compute_push.glsl): src_w = in, src_h = out, src_halo = kk (kernel^2),
// dst_w = w_dim, dst_h = demodulate (0/1), channels = pass.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(std430, set = 0, binding = 0) readonly buffer Style { float w[]; };            // [w_dim]
layout(std430, set = 0, binding = 1) writeonly buffer Dst { float dst[]; };           // pass 0: s [in]; pass 1 (FP32): filter
// FP16 build (NTEX_FP16, see compute_common.glsl): pass 1 writes the filter as float16_t through this
// view of binding 1; the styles s of pass 0 stay float32.
#ifdef NTEX_FP16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(std430, set = 0, binding = 1) writeonly buffer DstH { float16_t filt[]; };
#define STORE_FILTER(i, v) filt[i] = float16_t(v)
#else
#define STORE_FILTER(i, v) dst[i] = (v)
#endif
layout(std430, set = 0, binding = 2) readonly buffer Weight { float weight[]; };      // [out][in][kk]
layout(std430, set = 0, binding = 3) readonly buffer AffineW { float affine_w[]; };   // [in][w_dim]
layout(std430, set = 0, binding = 4) readonly buffer AffineB { float affine_b[]; };   // [in]
layout(std430, set = 0, binding = 5) readonly buffer Scales { float s[]; };           // [in] (pass 1)

#include "compute_push.glsl"

void main() {
    const int in_c = pc.src_w, out_c = pc.src_h, kk = pc.src_halo, w_dim = pc.dst_w;
    const int id = int(gl_GlobalInvocationID.x);
    if (pc.channels == 0) {
        if (id >= in_c) return;
        float acc = 0.0;
        for (int k = 0; k < w_dim; ++k) acc += affine_w[id * w_dim + k] * w[k];
        dst[id] = acc + affine_b[id];
        return;
    }
    const int out4 = (out_c + 3) / 4 * 4;
    if (id >= out4) return;
    const int o = id;
    const int base = ((o / 4) * kk) * in_c * 4 + o % 4;   // filter[((o/4) kk + t) in + i][o % 4]
    if (o >= out_c) {
        for (int t = 0; t < kk; ++t) {
            for (int i = 0; i < in_c; ++i) STORE_FILTER(base + (t * in_c + i) * 4, 0.0);
        }
        return;
    }
    float sum = 0.0;
    for (int i = 0; i < in_c; ++i) {
        for (int t = 0; t < kk; ++t) {
            const float v = weight[(o * in_c + i) * kk + t] * s[i];
            sum += v * v;
        }
    }
    const float scale = pc.dst_h != 0 ? 1.0 / sqrt(sum + 1e-8) : 1.0;
    for (int i = 0; i < in_c; ++i) {
        for (int t = 0; t < kk; ++t) STORE_FILTER(base + (t * in_c + i) * 4, weight[(o * in_c + i) * kk + t] * s[i] * scale);
    }
}
