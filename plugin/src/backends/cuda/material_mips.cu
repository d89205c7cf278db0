// SPDX-License-Identifier: MIT
// enqueue_material_mips: one kernel launch per level, one thread per texel of the level written.
#include "backends/cuda/material_mips.h"

#include "backends/cuda/cuda_check.h"

namespace ntex::cuda {

namespace {

constexpr int kBlock = 16;

__global__ void level0_kernel(MaterialMipTable t, const float* raw, int raw_w, int raw_h, int raw_c, int ox, int oy, int w, int h, float* material,
                              float* moments) {
    const int x = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int y = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (x >= w || y >= h) return;
    const long long i = static_cast<long long>(y) * w + x;
    mip_level0_texel(t, raw, raw_w, raw_h, raw_c, ox + x, oy + y, material + i * t.channels, moments + i * t.moments);
}

__global__ void downsample_kernel(MaterialMipTable t, const float* material, const float* moments, int sw, int sh, float* out, float* out_moments,
                                  int dw, int dh) {
    const int x = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int y = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (x >= dw || y >= dh) return;
    const long long i = static_cast<long long>(y) * dw + x;
    mip_downsample_texel(t, material, moments, sw, sh, dw, dh, x, y, out + i * t.channels, out_moments + i * t.moments);
}

int level_size(int size, int level) { return size >> level > 0 ? size >> level : 1; }

dim3 grid_for(int w, int h) { return dim3(static_cast<unsigned>((w + kBlock - 1) / kBlock), static_cast<unsigned>((h + kBlock - 1) / kBlock)); }

}  // namespace

void enqueue_material_mips(const MaterialMipTable& t, const MaterialMipLayout& layout, const float* raw, int raw_w, int raw_h, int raw_c,
                           int ox, int oy, int w, int h, int levels, float* work, cudaStream_t stream) {
    const dim3 block(kBlock, kBlock);
    level0_kernel<<<grid_for(w, h), block, 0, stream>>>(t, raw, raw_w, raw_h, raw_c, ox, oy, w, h, work + layout.material[0], work + layout.moments[0]);
    NTEX_CUDA_CHECK_LAUNCH(level0_kernel);
    for (int l = 1; l < levels; ++l) {
        const int sw = level_size(w, l - 1), sh = level_size(h, l - 1), dw = level_size(w, l), dh = level_size(h, l);
        const std::size_t s = static_cast<std::size_t>(l - 1), d = static_cast<std::size_t>(l);
        downsample_kernel<<<grid_for(dw, dh), block, 0, stream>>>(t, work + layout.material[s], work + layout.moments[s], sw, sh,
                                                                    work + layout.material[d], work + layout.moments[d], dw, dh);
        NTEX_CUDA_CHECK_LAUNCH(downsample_kernel);
    }
}

}  // namespace ntex::cuda
