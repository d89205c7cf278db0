// SPDX-License-Identifier: MIT
// CudaPlan's custom kernels: hash noise, modulation, conv epilogue, upsample, output op.
// Every kernel maps one thread to one element of its destination (halo included, computed from the
// wrapped source position): no inter-thread communication, and the halo costs only its own size.
#include "backends/cuda/plan_kernels.h"

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/device_math.cuh"

#include <cuda_fp16.h>

namespace ntex::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocks_for(std::size_t n) {
    const std::size_t b = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(b < 65535u * 16u ? (b > 0 ? b : 1) : 65535u * 16u);   // grid-stride loops cover the rest
}

__device__ __forceinline__ float load(const void* p, DType t, std::size_t i) {
    return t == DType::F16 ? __half2float(static_cast<const __half*>(p)[i]) : static_cast<const float*>(p)[i];
}
__device__ __forceinline__ void store(void* p, DType t, std::size_t i, float v) {
    if (t == DType::F16) static_cast<__half*>(p)[i] = __float2half_rn(v);
    else static_cast<float*>(p)[i] = v;
}

// Decomposes a padded-destination element index into (interior y, interior x, channel) of the
// wrapped source position.
struct Pos {
    int y, x, ch;
};
__device__ __forceinline__ Pos padded_pos(std::size_t idx, int c, int h, int w, int halo) {
    const int pw = w + 2 * halo;
    const int ch = static_cast<int>(idx % static_cast<std::size_t>(c));
    const std::size_t px = idx / static_cast<std::size_t>(c);
    const int x = static_cast<int>(px % static_cast<std::size_t>(pw));
    const int y = static_cast<int>(px / static_cast<std::size_t>(pw));
    return {d_wrap(y - halo, h), d_wrap(x - halo, w), ch};
}
__device__ __forceinline__ std::size_t padded_count(const TensorView& t) {
    return static_cast<std::size_t>(t.c) * static_cast<std::size_t>(t.h + 2 * t.halo) * static_cast<std::size_t>(t.w + 2 * t.halo);
}

__global__ void noise_grid_kernel(TensorView dst, uint32_t seed, int32_t cx0, int32_t cy0) {
    const std::size_t n = padded_count(dst);
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const Pos p = padded_pos(i, dst.c, dst.h, dst.w, dst.halo);
        // Plane coordinates wrap as int32 -> uint32 (two's complement), as on the host.
        const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(cx0) + static_cast<uint32_t>(p.x));
        const int32_t y = static_cast<int32_t>(static_cast<uint32_t>(cy0) + static_cast<uint32_t>(p.y));
        store(dst.data, dst.type, i, d_gauss(seed, static_cast<uint32_t>(p.ch), x, y));
    }
}

__global__ void noise_map_kernel(float* dst, int w, int h, uint32_t seed, uint32_t stream_id, int32_t x0, int32_t y0) {
    const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const int x = static_cast<int>(i % static_cast<std::size_t>(w));
        const int y = static_cast<int>(i / static_cast<std::size_t>(w));
        const int32_t gx = static_cast<int32_t>(static_cast<uint32_t>(x0) + static_cast<uint32_t>(x));
        const int32_t gy = static_cast<int32_t>(static_cast<uint32_t>(y0) + static_cast<uint32_t>(y));
        dst[i] = d_gauss(seed, stream_id, gx, gy);
    }
}

__global__ void affine_kernel(const float* a_w, const float* a_b, const float* w, int in, int w_dim, float* s) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= in) return;
    // Sequential sum in the CPU's order (style.cpp modulated_weights_into).
    float acc = 0.0f;
    for (int k = 0; k < w_dim; ++k) acc = fmaf(a_w[static_cast<std::size_t>(i) * w_dim + k], w[k], acc);
    s[i] = acc + a_b[i];
}

// One block per output channel: the demodulation sum is a block reduction.
__global__ void modulate_kernel(const float* weight, const float* s, int in, int k, bool demodulate, void* filter, DType filter_type) {
    __shared__ float partial[kThreads];
    const int o = static_cast<int>(blockIdx.x);
    const int kk = k * k;
    const int n = in * kk;
    const float* wo = weight + static_cast<std::size_t>(o) * static_cast<std::size_t>(n);
    float sum = 0.0f;
    for (int idx = static_cast<int>(threadIdx.x); idx < n; idx += blockDim.x) {
        const float v = wo[idx] * s[idx / kk];
        sum += v * v;
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
        if (static_cast<int>(threadIdx.x) < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
        __syncthreads();
    }
    const float scale = demodulate ? 1.0f / sqrtf(partial[0] + 1e-8f) : 1.0f;
    for (int idx = static_cast<int>(threadIdx.x); idx < n; idx += blockDim.x) {
        const int i = idx / kk;   // OIHW source: idx = i * kk + (r * k + q)
        const int rq = idx % kk;
        const std::size_t out_idx = (static_cast<std::size_t>(o) * kk + rq) * static_cast<std::size_t>(in) + static_cast<std::size_t>(i);
        store(filter, filter_type, out_idx, wo[idx] * s[i] * scale);
    }
}

template <int Act>
__device__ __forceinline__ float activate(float v) {
    if constexpr (Act == kActLRelu) return v >= 0.0f ? v : 0.2f * v;   // model_description.h kLReluSlope
    if constexpr (Act == kActTanh) return tanhf(v);
    return v;
}

template <int Act>
__global__ void epilogue_kernel(EpilogueArgs a) {
    const std::size_t n = padded_count(a.dst);
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const Pos p = padded_pos(i, a.c, a.h, a.w, a.dst.halo);
        const std::size_t pixel = static_cast<std::size_t>(p.y) * static_cast<std::size_t>(a.w) + static_cast<std::size_t>(p.x);
        float v = load(a.src, a.src_type, pixel * static_cast<std::size_t>(a.c) + static_cast<std::size_t>(p.ch)) + a.bias[p.ch];
        if (a.noise != nullptr) v += a.strength * a.noise[pixel];
        if (a.layout != nullptr) {
            // K <= 8 (kMaxLayoutChannels): a short FP32 dot product in both storage precisions; the
            // level is FP32 and the halo reads the wrapped pixel like the conv output does.
            const float* l = a.layout + pixel * static_cast<std::size_t>(a.layout_channels);
            const float* g = a.layout_gain + static_cast<std::size_t>(p.ch) * static_cast<std::size_t>(a.layout_channels);
            float acc = 0.0f;
            for (int k = 0; k < a.layout_channels; ++k) acc = fmaf(g[k], l[k], acc);
            v += acc;
        }
        v = activate<Act>(v);
        if (a.output_op) v = fminf(fmaxf(v * a.scale + a.shift, 0.0f), 1.0f);
        store(a.dst.data, a.dst.type, i, v);
    }
}

__global__ void upsample_kernel(TensorView src, TensorView dst) {
    const std::size_t n = padded_count(dst);
    const int spw = src.w + 2 * src.halo;
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const Pos p = padded_pos(i, dst.c, dst.h, dst.w, dst.halo);
        // Output X covers source x = X / 2 - 0.25: even X blends (X/2 - 1, X/2) with 0.25/0.75,
        // odd X blends (X/2, X/2 + 1) with 0.75/0.25 (half-pixel centres, as oneDNN linear).
        const int x0 = (p.x >> 1) - ((p.x & 1) == 0 ? 1 : 0);
        const float fx = (p.x & 1) == 0 ? 0.75f : 0.25f;
        const int y0 = (p.y >> 1) - ((p.y & 1) == 0 ? 1 : 0);
        const float fy = (p.y & 1) == 0 ? 0.75f : 0.25f;
        auto at = [&](int y, int x) {
            const std::size_t idx =
                (static_cast<std::size_t>(d_wrap(y, src.h) + src.halo) * static_cast<std::size_t>(spw) + static_cast<std::size_t>(d_wrap(x, src.w) + src.halo)) *
                    static_cast<std::size_t>(src.c) + static_cast<std::size_t>(p.ch);
            return load(src.data, src.type, idx);
        };
        const float top = (1.0f - fx) * at(y0, x0) + fx * at(y0, x0 + 1);
        const float bottom = (1.0f - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1);
        store(dst.data, dst.type, i, (1.0f - fy) * top + fy * bottom);
    }
}

__global__ void output_kernel(TensorView src, TensorView dst, float scale, float shift) {
    const std::size_t n = padded_count(dst);
    const int spw = src.w + 2 * src.halo;
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const Pos p = padded_pos(i, dst.c, dst.h, dst.w, dst.halo);
        const std::size_t idx = (static_cast<std::size_t>(p.y + src.halo) * static_cast<std::size_t>(spw) + static_cast<std::size_t>(p.x + src.halo)) *
                                    static_cast<std::size_t>(src.c) + static_cast<std::size_t>(p.ch);
        store(dst.data, dst.type, i, fminf(fmaxf(load(src.data, src.type, idx) * scale + shift, 0.0f), 1.0f));
    }
}

std::size_t count_of(const TensorView& t) {
    return static_cast<std::size_t>(t.c) * static_cast<std::size_t>(t.h + 2 * t.halo) * static_cast<std::size_t>(t.w + 2 * t.halo);
}

}  // namespace

void launch_noise_grid(const TensorView& dst, uint32_t seed, int32_t cx0, int32_t cy0, cudaStream_t stream) {
    noise_grid_kernel<<<blocks_for(count_of(dst)), kThreads, 0, stream>>>(dst, seed, cx0, cy0);
    NTEX_CUDA_CHECK_LAUNCH(noise_grid_kernel);
}

void launch_noise_map(float* dst, int w, int h, uint32_t seed, uint32_t stream_id, int32_t x0, int32_t y0, cudaStream_t stream) {
    noise_map_kernel<<<blocks_for(static_cast<std::size_t>(w) * static_cast<std::size_t>(h)), kThreads, 0, stream>>>(dst, w, h, seed,
                                                                                                                      stream_id, x0, y0);
    NTEX_CUDA_CHECK_LAUNCH(noise_map_kernel);
}

void launch_affine(const float* a_w, const float* a_b, const float* w, int in, int w_dim, float* s, cudaStream_t stream) {
    affine_kernel<<<blocks_for(static_cast<std::size_t>(in)), kThreads, 0, stream>>>(a_w, a_b, w, in, w_dim, s);
    NTEX_CUDA_CHECK_LAUNCH(affine_kernel);
}

void launch_modulate(const float* weight, const float* s, int out, int in, int k, bool demodulate, void* filter, DType filter_type,
                     cudaStream_t stream) {
    modulate_kernel<<<static_cast<unsigned>(out), kThreads, 0, stream>>>(weight, s, in, k, demodulate, filter, filter_type);
    NTEX_CUDA_CHECK_LAUNCH(modulate_kernel);
}

void launch_epilogue(const EpilogueArgs& a, cudaStream_t stream) {
    const unsigned blocks = blocks_for(count_of(a.dst));
    switch (a.activation) {
        case kActLRelu: epilogue_kernel<kActLRelu><<<blocks, kThreads, 0, stream>>>(a); break;
        case kActTanh: epilogue_kernel<kActTanh><<<blocks, kThreads, 0, stream>>>(a); break;
        default: epilogue_kernel<kActLinear><<<blocks, kThreads, 0, stream>>>(a); break;
    }
    NTEX_CUDA_CHECK_LAUNCH(epilogue_kernel);
}

void launch_upsample(const TensorView& src, const TensorView& dst, cudaStream_t stream) {
    upsample_kernel<<<blocks_for(count_of(dst)), kThreads, 0, stream>>>(src, dst);
    NTEX_CUDA_CHECK_LAUNCH(upsample_kernel);
}

void launch_output(const TensorView& src, const TensorView& dst, float scale, float shift, cudaStream_t stream) {
    output_kernel<<<blocks_for(count_of(dst)), kThreads, 0, stream>>>(src, dst, scale, shift);
    NTEX_CUDA_CHECK_LAUNCH(output_kernel);
}

}  // namespace ntex::cuda
