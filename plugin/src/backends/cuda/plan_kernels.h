// SPDX-License-Identifier: MIT
// Launchers of CudaPlan's custom kernels (plan_kernels.cu). Host-callable from plain C++: only the
// CUDA runtime API header, no device code. Every launcher enqueues on `stream` and checks the launch.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace ntex::cuda {

enum class DType { F32, F16 };
inline std::size_t dtype_size(DType t) noexcept { return t == DType::F16 ? 2 : 4; }

// An NHWC activation with a `halo`-wide wrap-around border: (h + 2 halo) x (w + 2 halo) x c elements.
struct TensorView {
    void* data = nullptr;
    DType type = DType::F32;
    int c = 0, h = 0, w = 0, halo = 0;
};

// Activation codes (model/model_description.h Activation: Linear, LRelu, Tanh).
enum KernelActivation : int { kActLinear = 0, kActLRelu = 1, kActTanh = 2 };

// dst = gauss(seed, channel, cx0 + x, cy0 + y) over the dst.w x dst.h grid; the halo holds the
// wrapped values (the input grid is periodic over the plan, as the CPU plan's circular pad).
void launch_noise_grid(const TensorView& dst, uint32_t seed, int32_t cx0, int32_t cy0, cudaStream_t stream);
// dst[y * w + x] = gauss(seed, stream_id, x0 + x, y0 + y) (runtime/hash_noise.h fill_noise_map).
void launch_noise_map(float* dst, int w, int h, uint32_t seed, uint32_t stream_id, int32_t x0, int32_t y0, cudaStream_t stream);
// s[i] = sum_k a_w[i * w_dim + k] * w[k] + a_b[i], i < in (the op's style).
void launch_affine(const float* a_w, const float* a_b, const float* w, int in, int w_dim, float* s, cudaStream_t stream);
// Modulated (and demodulated) filters from OIHW weights: filter[((o * k + r) * k + q) * in + i]
// (cuDNN's NHWC filter layout, KRSC) = weight[o][i][r][q] * s[i] * (demod ? 1/sqrt(sum_(i,r,q) (W s)^2 + 1e-8) : 1).
void launch_modulate(const float* weight, const float* s, int out, int in, int k, bool demodulate, void* filter, DType filter_type,
                     cudaStream_t stream);

// The conv epilogue: v = act(conv[y][x][c] + bias[c] + strength * noise[y][x]
// + sum_k layout_gain[c][k] * layout[y][x][k]); with output_op, v = clamp(v * scale + shift, 0, 1);
// stored into dst (its interior and its wrap-around halo).
struct EpilogueArgs {
    const void* src = nullptr;   // dense h x w x c conv output
    DType src_type = DType::F32;
    int c = 0, h = 0, w = 0;
    const float* bias = nullptr;   // device, c floats
    const float* noise = nullptr;  // device, h x w floats, or nullptr
    float strength = 0.0f;
    const float* layout = nullptr;       // device, h x w x layout_channels floats (NHWC), or nullptr
    const float* layout_gain = nullptr;  // device, c x layout_channels floats ([out][K])
    int layout_channels = 0;             // K; 0 when the op injects no layout
    int activation = kActLinear;
    bool output_op = false;
    float scale = 1.0f, shift = 0.0f;
    TensorView dst;                // same c, h, w
};
void launch_epilogue(const EpilogueArgs& a, cudaStream_t stream);

// Bilinear x2 with wrap-around (half-pixel centres: source x = (X + 0.5) / 2 - 0.5), src interior
// (src.w x src.h) -> dst interior (2 src.w x 2 src.h) and dst's halo.
void launch_upsample(const TensorView& src, const TensorView& dst, cudaStream_t stream);
// The standalone output op: dst = clamp(src * scale + shift, 0, 1) into dst (interior and halo).
void launch_output(const TensorView& src, const TensorView& dst, float scale, float shift, cudaStream_t stream);

}  // namespace ntex::cuda
