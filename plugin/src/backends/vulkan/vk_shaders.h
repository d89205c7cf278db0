// SPDX-License-Identifier: MIT
// The SPIR-V of shaders/*.comp, compiled by glslc at build time and embedded by
// cmake/ntex_spirv.cmake (bytes, 4-aligned; sizes in bytes).
#pragma once

#include <cstddef>

extern "C" {
extern const unsigned char ntex_spirv_conv_comp[];
extern const std::size_t ntex_spirv_conv_comp_size;
extern const unsigned char ntex_spirv_upsample_comp[];
extern const std::size_t ntex_spirv_upsample_comp_size;
extern const unsigned char ntex_spirv_output_comp[];
extern const std::size_t ntex_spirv_output_comp_size;
extern const unsigned char ntex_spirv_texels_comp[];
extern const std::size_t ntex_spirv_texels_comp_size;
extern const unsigned char ntex_spirv_noise_comp[];
extern const std::size_t ntex_spirv_noise_comp_size;
extern const unsigned char ntex_spirv_modulate_comp[];
extern const std::size_t ntex_spirv_modulate_comp_size;
extern const unsigned char ntex_spirv_material_mips_comp[];
extern const std::size_t ntex_spirv_material_mips_comp_size;
// FP16 variants (-DNTEX_FP16; shaders/compute_common.glsl, "Precision").
extern const unsigned char ntex_spirv_conv_comp_f16[];
extern const std::size_t ntex_spirv_conv_comp_f16_size;
extern const unsigned char ntex_spirv_upsample_comp_f16[];
extern const std::size_t ntex_spirv_upsample_comp_f16_size;
extern const unsigned char ntex_spirv_output_comp_f16[];
extern const std::size_t ntex_spirv_output_comp_f16_size;
extern const unsigned char ntex_spirv_noise_comp_f16[];
extern const std::size_t ntex_spirv_noise_comp_f16_size;
extern const unsigned char ntex_spirv_modulate_comp_f16[];
extern const std::size_t ntex_spirv_modulate_comp_f16_size;
}
