// SPDX-License-Identifier: MIT
// DirectConv: ISA choice, weight packing and the row loop (the row kernels are per ISA).
#include "backends/cpu/direct_conv.h"

#include "core/error.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace ntex::cpu {

CpuIsa detect_isa() noexcept {
    CpuIsa isa = CpuIsa::None;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) isa = CpuIsa::Avx512;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isa = CpuIsa::Avx2;
#endif
    // NTEX_CPU_ISA=avx2 caps an AVX-512 machine at AVX2 (to measure what AVX2-only CPUs run).
    const char* cap = std::getenv("NTEX_CPU_ISA");
    if (cap != nullptr && std::strcmp(cap, "avx2") == 0 && isa == CpuIsa::Avx512) isa = CpuIsa::Avx2;
    return isa;
}

const char* isa_name(CpuIsa isa) noexcept {
    switch (isa) {
        case CpuIsa::Avx512: return "avx512";
        case CpuIsa::Avx2: return "avx2";
        case CpuIsa::None: break;
    }
    return "none";
}

DirectConv::DirectConv(CpuIsa isa, int in, int out, int kernel, int width, int height, const float* bias)
    : m_isa(isa), m_in(in), m_out(out), m_kernel(kernel), m_width(width), m_height(height) {
    if (isa == CpuIsa::None) fail(NTEX_ERROR_BACKEND, "ntex CPU kernels need AVX2+FMA or AVX-512F");
    if (kernel < 1 || kernel % 2 == 0) fail(NTEX_ERROR_BACKEND, "ntex CPU kernels support odd kernel sizes only, not ", kernel);
    if (in < 1 || out < 1 || width < 1 || height < 1) fail(NTEX_ERROR_BACKEND, "ntex CPU kernels: empty convolution");
    m_lanes = isa == CpuIsa::Avx512 ? avx512::kLanes : avx2::kLanes;
    m_block_vectors = isa == CpuIsa::Avx512 ? avx512::kBlockVectors : avx2::kBlockVectors;
    const int block_channels = m_lanes * m_block_vectors;
    m_blocks = (out + block_channels - 1) / block_channels;
    m_packed_floats = static_cast<std::size_t>(m_blocks) * static_cast<std::size_t>(block_channels) *
                      static_cast<std::size_t>(in) * static_cast<std::size_t>(kernel * kernel);
    m_bias = AlignedBuffer(static_cast<std::size_t>(m_blocks) * static_cast<std::size_t>(block_channels));
    if (bias != nullptr) std::copy(bias, bias + out, m_bias.data());
}

void DirectConv::pack_weights(const float* oihw, float* packed) const noexcept {
    const int block_channels = m_lanes * m_block_vectors;
    const std::size_t taps = static_cast<std::size_t>(m_kernel * m_kernel);
    std::memset(packed, 0, m_packed_floats * sizeof(float));
    for (int b = 0; b < m_blocks; ++b) {
        const int c0 = b * block_channels;
        // Vectors in this block: the last block keeps only the vectors that hold channels, and
        // the kernel strides its weights by that count (direct_conv_kernel.inl).
        const int nv = std::min(m_block_vectors, (m_out - c0 + m_lanes - 1) / m_lanes);
        const int width = nv * m_lanes;
        float* block = packed + static_cast<std::size_t>(b) * taps * static_cast<std::size_t>(m_in) * static_cast<std::size_t>(block_channels);
        for (int o = c0; o < std::min(m_out, c0 + width); ++o) {
            for (int i = 0; i < m_in; ++i) {
                for (std::size_t t = 0; t < taps; ++t) {
                    const float value = oihw[(static_cast<std::size_t>(o) * static_cast<std::size_t>(m_in) + static_cast<std::size_t>(i)) * taps + t];
                    block[(t * static_cast<std::size_t>(m_in) + static_cast<std::size_t>(i)) * static_cast<std::size_t>(width) +
                          static_cast<std::size_t>(o - c0)] = value;
                }
            }
        }
    }
}

void DirectConv::run(const float* src, const float* packed, float* dst, int dst_halo, const ConvEpilogue& epilogue,
                     bool parallel) const noexcept {
    const int halo = m_kernel / 2;
    ConvRowArgs a{};
    a.src = src;
    a.weights = packed;
    a.bias = m_bias.data();
    a.dst = dst;
    a.src_row_floats = static_cast<std::size_t>(m_width + 2 * halo) * static_cast<std::size_t>(m_in);
    a.dst_row_floats = static_cast<std::size_t>(m_width + 2 * dst_halo) * static_cast<std::size_t>(m_out);
    a.in = m_in;
    a.out = m_out;
    a.kernel = m_kernel;
    a.width = m_width;
    a.dst_halo = dst_halo;
    a.blocks = m_blocks;
    a.epilogue = epilogue;
    void (*row)(const ConvRowArgs&, int) noexcept = m_isa == CpuIsa::Avx512 ? &avx512::conv_row : &avx2::conv_row;
    const int rows = m_height;
    if (parallel) {
#pragma omp parallel for schedule(static)
        for (int y = 0; y < rows; ++y) row(a, y);
    } else {
        for (int y = 0; y < rows; ++y) row(a, y);
    }
}

}  // namespace ntex::cpu
