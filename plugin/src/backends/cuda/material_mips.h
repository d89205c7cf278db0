// SPDX-License-Identifier: MIT
// NTEX_MIP_FILTER_MATERIAL on the CUDA path: the float material levels of a texture set computed on the
// device (runtime/material_mip_texel.h per texel, the arithmetic the host tests check against
// MaterialMips), then each level >= 1 of each image written into its surface from those levels.
#pragma once

#include "backends/cuda/surface_write.h"
#include "runtime/material_mip_texel.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <vector>

namespace ntex::cuda {

// Levels 0 .. levels - 1 of the material of the final tensor `raw` (device, NHWC FP32, raw_w x raw_h x
// raw_c) cropped at (ox, oy) to w x h, into `work` (device, layout.floats floats; material_mip_layout). Enqueued on `stream`.
// Throws Error(BACKEND) naming a failed launch.
void enqueue_material_mips(const MaterialMipTable& t, const MaterialMipLayout& layout, const float* raw, int raw_w, int raw_h, int raw_c,
                           int ox, int oy, int w, int h, int levels, float* work, cudaStream_t stream);

}  // namespace ntex::cuda
