// SPDX-License-Identifier: MIT
// Shared by libntex's compute shaders (conv.comp, upsample.comp, output.comp): the one descriptor
// set layout and push-constant block every plan pipeline uses, and wrap-around indexing.
// Keep in sync with plugin/src/backends/vulkan/vk_plan_layout.h (static_assert on the size).

// Tensors are dense NHWC arrays with a `halo`-pixel border around h x w interior pixels.
// Bindings a shader does not use are bound to a 16-byte dummy buffer by the plan.
//
// Precision: compiled twice (cmake/ntex_spirv.cmake). FP32: every tensor is float. FP16 (NTEX_FP16,
// devices with shaderFloat16 and storageBuffer16BitAccess): activations, the input grid, noise maps
// and filters are stored as float16_t (half the memory traffic), conv products are taken in float16
// and summed in float32; bias, layout and gains stay float32, and so does the final tensor (texels.comp
// and the read-back read floats): the step that writes it stores through dst32, an FP32 view of
// binding 1, when the shader's DST_FP32 specialization constant is set.
#ifdef NTEX_FP16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define act_t float16_t
#define filt_t f16vec4
#else
#define act_t float
#define filt_t vec4
#endif
layout(std430, set = 0, binding = 0) readonly buffer Src { act_t src[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Dst { act_t dst[]; };
#ifdef NTEX_FP16
layout(std430, set = 0, binding = 1) writeonly buffer Dst32 { float dst32[]; };
#define STORE_DST(i, v)                   \
    if (DST_FP32 != 0) dst32[i] = (v);    \
    else dst[i] = act_t(v)
#else
#define STORE_DST(i, v) dst[i] = (v)
#endif
layout(std430, set = 0, binding = 2) readonly buffer Filter { filt_t filt4[]; };    // [out/4][k][k][in] x 4 outputs
layout(std430, set = 0, binding = 3) readonly buffer Bias { float bias[]; };        // [out]
layout(std430, set = 0, binding = 4) readonly buffer Noise { act_t noise[]; };      // [h][w]
layout(std430, set = 0, binding = 5) readonly buffer Layout { float lay[]; };       // [h][w][K]
layout(std430, set = 0, binding = 6) readonly buffer LayoutGain { float gain[]; };  // [out][K]

#include "compute_push.glsl"
