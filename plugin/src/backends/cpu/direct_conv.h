// SPDX-License-Identifier: MIT
// DirectConv: ntex's own CPU convolution (direct convolution, register-blocked, AVX-512 or
// AVX2+FMA), with bias, noise injection, activation and the output op fused into its store.
//
// Why not oneDNN here: oneDNN 2.6 allocates inside every dnnl_primitive_execute (argument map,
// scratchpad grantor, std::function wrappers; docs/robustness.md), so a frame built from oneDNN
// primitives cannot be allocation-free. These kernels allocate nothing after construction and are
// checked against oneDNN (tests/plugin/direct_conv_test.cpp), which stays the fallback for CPUs
// without AVX2.
//
// Method: the direct-convolution blocking of Georganas et al., "Anatomy of High-Performance Deep
// Learning Convolutions on SIMD Architectures" (SC'18): an output row is cut into blocks of NP
// pixels x NV vectors of output channels held in registers; for every kernel tap and input
// channel the NV weight vectors are loaded once and each pixel's input value is broadcast
// against them.
//
// Layouts: input NHWC with a K/2-pixel halo already filled (height + 2*halo rows of
// width + 2*halo pixels of `in` floats); output dense NHWC (height x width x out) or, with
// `dst_halo`, the interior of a (height + 2*dst_halo) x (width + 2*dst_halo) buffer (the halo is
// left for the caller to fill). Packed weights: per block of NVmax*L output channels,
// [kh][kw][in][nv*L] with the channels past `out` zero.
// Thread-safety: run() may be called from one thread at a time per destination; it opens an
// OpenMP region over output rows when `parallel`.
#pragma once

#include "core/aligned_buffer.h"
#include "model/model_description.h"

#include <cstddef>

namespace ntex::cpu {

enum class CpuIsa { None, Avx2, Avx512 };

// The best ISA this CPU supports for DirectConv (None: use oneDNN). The environment variable
// NTEX_CPU_ISA=avx2 caps it at AVX2 (benchmarks of what AVX2-only CPUs run). Thread-safe.
CpuIsa detect_isa() noexcept;
const char* isa_name(CpuIsa isa) noexcept;

// What is fused after the convolution, per output value v of channel c at pixel (x, y):
// v += bias[c]; v += noise_strength * noise[y * width + x] (when noise);
// v += sum_k layout_gain[k][c] * layout[(y * width + x) * K + k] (when layout); v = act(v);
// then, when output_op, v = clamp(v * scale + shift, 0, 1).
struct ConvEpilogue {
    const float* noise = nullptr;   // height x width, or null
    float noise_strength = 0.0f;
    const float* layout = nullptr;        // height x width x layout_channels (dense NHWC), or null
    int layout_channels = 0;
    const float* layout_gain = nullptr;   // [layout_channels][DirectConv::padded_out()], zero past `out`
    Activation activation = Activation::Linear;
    bool output_op = false;
    float scale = 1.0f, shift = 0.0f;
};

class DirectConv {
public:
    // Fails (NTEX_ERROR_BACKEND) for isa None or an even kernel.
    DirectConv(CpuIsa isa, int in, int out, int kernel, int width, int height, const float* bias);

    std::size_t packed_weight_floats() const noexcept { return m_packed_floats; }
    // Output channels rounded up to whole register blocks (the stride of per-channel epilogue rows).
    int padded_out() const noexcept { return m_blocks * m_block_vectors * m_lanes; }
    // oihw: out x in x kernel x kernel (PyTorch layout) -> packed (packed_weight_floats() floats).
    void pack_weights(const float* oihw, float* packed) const noexcept;
    // src: the halo-padded input; dst: see the layout above. Allocates nothing.
    void run(const float* src, const float* packed, float* dst, int dst_halo, const ConvEpilogue& epilogue,
             bool parallel) const noexcept;

    CpuIsa isa() const noexcept { return m_isa; }

private:
    CpuIsa m_isa;
    int m_in, m_out, m_kernel, m_width, m_height;
    int m_lanes, m_block_vectors, m_blocks;
    std::size_t m_packed_floats;
    AlignedBuffer m_bias;   // padded to m_blocks * m_block_vectors * m_lanes
};

// The per-ISA row kernels (direct_conv_avx512.cpp, direct_conv_avx2.cpp, built with those flags).
struct ConvRowArgs {
    const float* src;
    const float* weights;
    const float* bias;
    float* dst;
    std::size_t src_row_floats, dst_row_floats;   // floats from one row to the next
    int in, out, kernel, width, dst_halo, blocks;
    ConvEpilogue epilogue;
};
namespace avx512 {
constexpr int kLanes = 16, kBlockVectors = 4;
void conv_row(const ConvRowArgs& a, int y) noexcept;
}  // namespace avx512
namespace avx2 {
constexpr int kLanes = 8, kBlockVectors = 2;
void conv_row(const ConvRowArgs& a, int y) noexcept;
}  // namespace avx2

}  // namespace ntex::cpu
