// SPDX-License-Identifier: MIT
// enqueue_write_surfaces: material maps and channel-packed images from the final tensor straight into
// CUDA surfaces (imported Vulkan images), with write_texels' conversions (runtime/material.cpp), then
// 2x2 box-filtered mips.
#include "backends/cuda/surface_write.h"

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_math.cuh"
#include "core/error.h"
#include "model/texel_source.h"

#include <cuda_fp16.h>

#include <algorithm>

namespace ntex::cuda {

namespace {

constexpr int kBlock = 16;

__device__ __forceinline__ float unit(float v) { return fminf(fmaxf(v, 0.0f), 1.0f); }
__device__ __forceinline__ unsigned char to_u8(float v) { return static_cast<unsigned char>(floorf(unit(v) * 255.0f + 0.5f)); }
__device__ __forceinline__ unsigned short to_u16(float v) { return static_cast<unsigned short>(floorf(unit(v) * 65535.0f + 0.5f)); }

constexpr bool is_srgb(SurfaceFormat f) { return f == SurfaceFormat::Rgba8Srgb || f == SurfaceFormat::Bgra8Srgb; }

// Round to nearest even, as core/half.h (the same bits for finite values; NaN's payload may differ).
__device__ __forceinline__ unsigned short to_half_bits(float v) { return __half_as_ushort(__float2half_rn(v)); }
__device__ __forceinline__ float from_half_bits(unsigned short b) { return __half2float(__ushort_as_half(b)); }

// One texel of surface `s` as RGBA floats (missing components 0; BGRA swizzled back to RGBA).
template <SurfaceFormat F>
__device__ void load_texel(cudaSurfaceObject_t s, int x, int y, float c[4]) {
    c[0] = c[1] = c[2] = c[3] = 0.0f;
    if constexpr (F == SurfaceFormat::Rgba8Srgb || F == SurfaceFormat::Rgba8Unorm || F == SurfaceFormat::Bgra8Srgb || F == SurfaceFormat::Bgra8Unorm) {
        const uchar4 t = surf2Dread<uchar4>(s, x * 4, y);
        const bool bgra = F == SurfaceFormat::Bgra8Srgb || F == SurfaceFormat::Bgra8Unorm;
        c[0] = (bgra ? t.z : t.x) / 255.0f, c[1] = t.y / 255.0f, c[2] = (bgra ? t.x : t.z) / 255.0f, c[3] = t.w / 255.0f;
    } else if constexpr (F == SurfaceFormat::Rg8Unorm) {
        const uchar2 t = surf2Dread<uchar2>(s, x * 2, y);
        c[0] = t.x / 255.0f, c[1] = t.y / 255.0f;
    } else if constexpr (F == SurfaceFormat::R8Unorm) {
        c[0] = surf2Dread<unsigned char>(s, x, y) / 255.0f;
    } else if constexpr (F == SurfaceFormat::R16Unorm) {
        c[0] = surf2Dread<unsigned short>(s, x * 2, y) / 65535.0f;
    } else if constexpr (F == SurfaceFormat::R16Float) {
        c[0] = from_half_bits(surf2Dread<unsigned short>(s, x * 2, y));
    } else if constexpr (F == SurfaceFormat::Rgba16Float) {
        const ushort4 t = surf2Dread<ushort4>(s, x * 8, y);
        c[0] = from_half_bits(t.x), c[1] = from_half_bits(t.y), c[2] = from_half_bits(t.z), c[3] = from_half_bits(t.w);
    } else if constexpr (F == SurfaceFormat::R32Float) {
        c[0] = surf2Dread<float>(s, x * 4, y);
    } else {
        const float4 t = surf2Dread<float4>(s, x * 16, y);
        c[0] = t.x, c[1] = t.y, c[2] = t.z, c[3] = t.w;
    }
}

// Stores RGBA floats with write_map's conversion of the format (runtime/material.cpp).
template <SurfaceFormat F>
__device__ void store_texel(cudaSurfaceObject_t s, int x, int y, const float c[4]) {
    if constexpr (F == SurfaceFormat::Rgba8Srgb || F == SurfaceFormat::Rgba8Unorm) {
        surf2Dwrite(make_uchar4(to_u8(c[0]), to_u8(c[1]), to_u8(c[2]), to_u8(c[3])), s, x * 4, y);
    } else if constexpr (F == SurfaceFormat::Bgra8Srgb || F == SurfaceFormat::Bgra8Unorm) {
        surf2Dwrite(make_uchar4(to_u8(c[2]), to_u8(c[1]), to_u8(c[0]), to_u8(c[3])), s, x * 4, y);
    } else if constexpr (F == SurfaceFormat::Rg8Unorm) {
        surf2Dwrite(make_uchar2(to_u8(c[0]), to_u8(c[1])), s, x * 2, y);
    } else if constexpr (F == SurfaceFormat::R8Unorm) {
        surf2Dwrite(to_u8(c[0]), s, x, y);
    } else if constexpr (F == SurfaceFormat::R16Unorm) {
        surf2Dwrite(to_u16(c[0]), s, x * 2, y);
    } else if constexpr (F == SurfaceFormat::R16Float) {
        surf2Dwrite(to_half_bits(c[0]), s, x * 2, y);
    } else if constexpr (F == SurfaceFormat::Rgba16Float) {
        surf2Dwrite(make_ushort4(to_half_bits(c[0]), to_half_bits(c[1]), to_half_bits(c[2]), to_half_bits(c[3])), s, x * 8, y);
    } else if constexpr (F == SurfaceFormat::R32Float) {
        surf2Dwrite(c[0], s, x * 4, y);
    } else {
        surf2Dwrite(make_float4(c[0], c[1], c[2], c[3]), s, x * 16, y);
    }
}

// Level 0: each component from its source (model/texel_source.h: a map's component rule, or a channel
// packing), stored with write_texels' conversion of the format.
template <SurfaceFormat F>
__global__ void write_level0(TexelSource src, const float* raw, int raw_w, int raw_h, int rc, int ox, int oy, int w, int h, cudaSurfaceObject_t surf) {
    const int x = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int y = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (x >= w || y >= h) return;
    float c[4];
    texel_components(src, raw, raw_w, raw_h, rc, ox + x, oy + y, c);
    store_texel<F>(surf, x, y, c);
}

__device__ __forceinline__ float srgb_to_linear(float c) { return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f); }
__device__ __forceinline__ float linear_to_srgb(float c) { return c <= 0.0031308f ? c * 12.92f : 1.055f * powf(c, 1.0f / 2.4f) - 0.055f; }

// Level i from level i - 1 (sw x sh): the mean of the 2x2 footprint (edge texels repeat on odd sizes);
// sRGB formats average their colour in linear light, as vkCmdBlitImage does.
template <SurfaceFormat F>
__global__ void write_mip(cudaSurfaceObject_t src, int sw, int sh, cudaSurfaceObject_t dst, int w, int h) {
    const int x = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int y = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (x >= w || y >= h) return;
    const int xs[2] = {min(2 * x, sw - 1), min(2 * x + 1, sw - 1)};
    const int ys[2] = {min(2 * y, sh - 1), min(2 * y + 1, sh - 1)};
    float acc[4] = {0, 0, 0, 0};
    for (int j = 0; j < 2; ++j) {
        for (int i = 0; i < 2; ++i) {
            float c[4];
            load_texel<F>(src, xs[i], ys[j], c);
            for (int k = 0; k < 4; ++k) acc[k] += (is_srgb(F) && k < 3) ? srgb_to_linear(c[k]) : c[k];
        }
    }
    float o[4];
    for (int k = 0; k < 4; ++k) o[k] = (is_srgb(F) && k < 3) ? linear_to_srgb(0.25f * acc[k]) : 0.25f * acc[k];
    store_texel<F>(dst, x, y, o);
}

dim3 grid_for(int w, int h) { return dim3(static_cast<unsigned>((w + kBlock - 1) / kBlock), static_cast<unsigned>((h + kBlock - 1) / kBlock)); }

template <SurfaceFormat F>
void write_target(const TexelSource& p, const float* raw, int raw_w, int raw_h, int rc, int ox, int oy, int w, int h, const SurfaceTarget& t,
                  cudaStream_t stream) {
    const dim3 block(kBlock, kBlock);
    write_level0<F><<<grid_for(w, h), block, 0, stream>>>(p, raw, raw_w, raw_h, rc, ox, oy, w, h, t.levels[0]);
    NTEX_CUDA_CHECK_LAUNCH(write_level0);
    for (uint32_t i = 1; i < t.mip_levels; ++i) {
        const int sw = std::max(w >> (i - 1), 1), sh = std::max(h >> (i - 1), 1);
        const int dw = std::max(w >> i, 1), dh = std::max(h >> i, 1);
        write_mip<F><<<grid_for(dw, dh), block, 0, stream>>>(t.levels[i - 1], sw, sh, t.levels[i], dw, dh);
        NTEX_CUDA_CHECK_LAUNCH(write_mip);
    }
}

}  // namespace

void enqueue_write_surfaces(const ModelDescription& d, const float* raw, int raw_w, int raw_h, int raw_channels, int ox, int oy, int w,
                            int h, const SurfaceTarget* targets, std::size_t count, cudaStream_t stream) {
    // Every target checked before the first launch, so a refused one leaves all surfaces untouched. The
    // sources come from the current description at every update: a hot reload may change ranges.
    if (count > kMaxSurfaceTargets) fail(NTEX_ERROR_INVALID_ARGUMENT, count, " surface targets; at most ", kMaxSurfaceTargets);
    TexelSource sources[kMaxSurfaceTargets];
    for (std::size_t ti = 0; ti < count; ++ti) {
        const SurfaceTarget& t = targets[ti];
        if (!t.packed && t.map_index >= d.outputs.size()) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "surface target ", ti, ": map index ", t.map_index, " out of range (", d.outputs.size(), " maps)");
        }
        if (t.mip_levels < 1 || t.mip_levels > static_cast<uint32_t>(kMaxSurfaceMips)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "surface target ", ti, ": mip_levels ", t.mip_levels, " out of range 1..", kMaxSurfaceMips);
        }
        sources[ti] = t.packed ? texel_source_of_packing(d, t.packing) : texel_source_of_map(d, t.map_index);
    }
    for (std::size_t ti = 0; ti < count; ++ti) {
        const SurfaceTarget& t = targets[ti];
        const TexelSource& p = sources[ti];
        switch (t.format) {
            case SurfaceFormat::Rgba8Srgb: write_target<SurfaceFormat::Rgba8Srgb>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::Rgba8Unorm: write_target<SurfaceFormat::Rgba8Unorm>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::Bgra8Srgb: write_target<SurfaceFormat::Bgra8Srgb>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::Bgra8Unorm: write_target<SurfaceFormat::Bgra8Unorm>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::Rg8Unorm: write_target<SurfaceFormat::Rg8Unorm>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::R8Unorm: write_target<SurfaceFormat::R8Unorm>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::R16Unorm: write_target<SurfaceFormat::R16Unorm>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::R16Float: write_target<SurfaceFormat::R16Float>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::Rgba16Float: write_target<SurfaceFormat::Rgba16Float>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::R32Float: write_target<SurfaceFormat::R32Float>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
            case SurfaceFormat::Rgba32Float: write_target<SurfaceFormat::Rgba32Float>(p, raw, raw_w, raw_h, raw_channels, ox, oy, w, h, t, stream); break;
        }
    }
}

namespace {

template <SurfaceFormat F>
void write_level(const TexelSource& source, const float* src, int w, int h, int src_c, cudaSurfaceObject_t surface, cudaStream_t stream) {
    write_level0<F><<<grid_for(w, h), dim3(kBlock, kBlock), 0, stream>>>(source, src, w, h, src_c, 0, 0, w, h, surface);
    NTEX_CUDA_CHECK_LAUNCH(write_level0);
}

}  // namespace

void enqueue_write_surface_level(const TexelSource& source, const float* src, int w, int h, int src_c, SurfaceFormat format, cudaSurfaceObject_t surface,
                                 cudaStream_t stream) {
    switch (format) {
        case SurfaceFormat::Rgba8Srgb: write_level<SurfaceFormat::Rgba8Srgb>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::Rgba8Unorm: write_level<SurfaceFormat::Rgba8Unorm>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::Bgra8Srgb: write_level<SurfaceFormat::Bgra8Srgb>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::Bgra8Unorm: write_level<SurfaceFormat::Bgra8Unorm>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::Rg8Unorm: write_level<SurfaceFormat::Rg8Unorm>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::R8Unorm: write_level<SurfaceFormat::R8Unorm>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::R16Unorm: write_level<SurfaceFormat::R16Unorm>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::R16Float: write_level<SurfaceFormat::R16Float>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::Rgba16Float: write_level<SurfaceFormat::Rgba16Float>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::R32Float: write_level<SurfaceFormat::R32Float>(source, src, w, h, src_c, surface, stream); break;
        case SurfaceFormat::Rgba32Float: write_level<SurfaceFormat::Rgba32Float>(source, src, w, h, src_c, surface, stream); break;
    }
}

}  // namespace ntex::cuda
