// SPDX-License-Identifier: MIT
// The last step of the zero-copy path: material maps from the final tensor on the device, written
// straight into CUDA surface objects of imported Vulkan images, then their mip chains.
#pragma once

#include "model/model_description.h"
#include "model/texel_source.h"

#include <ntex/ntex.h>

#include <cuda_runtime_api.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ntex::cuda {

// Texel layouts a surface can hold (the VkFormats ntex_vulkan.h allows).
enum class SurfaceFormat {
    Rgba8Srgb,    // VK_FORMAT_R8G8B8A8_SRGB: the albedo's sRGB-encoded values stored as bytes (no conversion)
    Rgba8Unorm,   // VK_FORMAT_R8G8B8A8_UNORM
    Bgra8Srgb,    // VK_FORMAT_B8G8R8A8_SRGB: as Rgba8Srgb, bytes in B, G, R, A order
    Bgra8Unorm,   // VK_FORMAT_B8G8R8A8_UNORM
    Rg8Unorm,     // VK_FORMAT_R8G8_UNORM: the first two components
    R8Unorm,      // VK_FORMAT_R8_UNORM
    R16Unorm,     // VK_FORMAT_R16_UNORM
    R16Float,     // VK_FORMAT_R16_SFLOAT: binary16, round to nearest even
    Rgba16Float,  // VK_FORMAT_R16G16B16A16_SFLOAT
    R32Float,     // VK_FORMAT_R32_SFLOAT
    Rgba32Float   // VK_FORMAT_R32G32B32A32_SFLOAT
};

constexpr int kMaxSurfaceMips = 16;
constexpr std::size_t kMaxSurfaceTargets = NTEX_MAX_MAPS;   // images one call writes

struct SurfaceTarget {
    uint32_t map_index = 0;                  // model output map (ModelDescription::outputs), unless packed
    bool packed = false;                     // true: the image is `packing` (NtexChannelPacking's sources)
    std::array<NtexChannelSource, 4> packing{};
    SurfaceFormat format = SurfaceFormat::Rgba8Unorm;
    uint32_t mip_levels = 1;                 // 1..kMaxSurfaceMips
    cudaSurfaceObject_t levels[kMaxSurfaceMips] = {};   // level i: max(w >> i, 1) x max(h >> i, 1)
};

// Writes each target's map (or channel-packed image) of the final tensor `raw` (device, NHWC FP32,
// raw_w x raw_h x raw_channels, already through the output op) cropped at (ox, oy) to w x h into level 0,
// with exactly the conversion of write_texels (runtime/material.h) under write_map's component rule or
// the packing: range-normalised to [0, 1], clamped, rounded floor(v * 255 + 0.5) / floor(v * 65535 +
// 0.5); 1-channel maps repeat in RGB of 4-channel formats, alpha 1; derived normals from the height map
// with wrap-around central differences over the uncropped tensor (docs/model_format.md, "Derived
// normal maps"); the per-texel arithmetic is model/texel_source.h's texel_components. Then level i from
// level i - 1 by a 2x2 box filter (sRGB formats averaged in linear light, as vkCmdBlitImage does).
// Enqueued on `stream`; no host wait. Throws INVALID_ARGUMENT for more than kMaxSurfaceTargets targets or a
// map or packing source not in `d`, UNSUPPORTED for a packing with normals from two heights (all checked
// before the first launch), Error(BACKEND) naming a failed launch.
void enqueue_write_surfaces(const ModelDescription& d, const float* raw, int raw_w, int raw_h, int raw_channels, int ox, int oy,
                            int w, int h, const SurfaceTarget* targets, std::size_t count, cudaStream_t stream);

// Writes one surface level (w x h texels) from `src` (device, NHWC FP32, w x h x src_c, e.g. a material
// mip level) by `source`, whose channels index `src` (lo 0 and inv 1 for a material level), with the same
// conversion of `format` as above. Enqueued on `stream`. Throws Error(BACKEND) naming a failed launch.
void enqueue_write_surface_level(const TexelSource& source, const float* src, int w, int h, int src_c, SurfaceFormat format, cudaSurfaceObject_t surface,
                                 cudaStream_t stream);

}  // namespace ntex::cuda
