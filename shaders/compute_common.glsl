// SPDX-License-Identifier: MIT
// Shared by libntex's compute shaders (conv.comp, upsample.comp, output.comp): the one descriptor
// set layout and push-constant block every plan pipeline uses, and wrap-around indexing.
// Keep in sync with plugin/src/backends/vulkan/vk_plan_layout.h (static_assert on the size).

// Tensors are dense NHWC float arrays with a `halo`-pixel border around h x w interior pixels.
// Bindings a shader does not use are bound to a 16-byte dummy buffer by the plan.
layout(std430, set = 0, binding = 0) readonly buffer Src { float src[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Dst { float dst[]; };
layout(std430, set = 0, binding = 2) readonly buffer Filter { vec4 filt4[]; };     // [out/4][k][k][in] x 4 outputs
layout(std430, set = 0, binding = 3) readonly buffer Bias { float bias[]; };        // [out]
layout(std430, set = 0, binding = 4) readonly buffer Noise { float noise[]; };      // [h][w]
layout(std430, set = 0, binding = 5) readonly buffer Layout { float lay[]; };       // [h][w][K]
layout(std430, set = 0, binding = 6) readonly buffer LayoutGain { float gain[]; };  // [out][K]

#include "compute_push.glsl"
