// SPDX-License-Identifier: MIT
// The push-constant block every plan pipeline uses and wrap-around indexing (included by
// compute_common.glsl and by noise.comp, which binds its buffers with other types).
// Keep in sync with plugin/src/backends/vulkan/vk_pipeline.h (static_assert on the size).

layout(push_constant) uniform Push {
    int src_w, src_h, src_halo;   // source interior size and border
    int dst_w, dst_h, dst_halo;   // destination interior size and border
    int channels;                 // upsample / output: channels of both tensors
    float strength;               // conv: noise strength
    float scale, shift;           // output op: clamp(v * scale + shift, 0, 1)
    int pad0, pad1;
} pc;

// v mod n in [0, n) for any int v (GLSL `%` on negative ints is undefined).
int wrap(int v, int n) {
    int r = v - (v / n) * n;
    return r < 0 ? r + n : r;
}
