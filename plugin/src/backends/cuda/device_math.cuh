// SPDX-License-Identifier: MIT
// Device helpers shared by the CUDA kernels: the hash noise (bit-identical integer part to
// runtime/hash_noise.h; Box-Muller in double) and wrap-around indexing.
#pragma once

#include <cstdint>

namespace ntex::cuda {

__device__ __forceinline__ uint32_t d_fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

__device__ __forceinline__ uint32_t d_hash_mix(uint32_t h, uint32_t v) { return d_fmix32(h ^ (v + 0x9E3779B9u + (h << 6) + (h >> 2))); }

// gauss(seed, stream, x, y) of runtime/hash_noise.cpp: the same integer hash, Box-Muller in double
// (CUDA's double log/cos are within 1-2 ulp of glibc's, far below float32's rounding).
__device__ __forceinline__ float d_gauss(uint32_t seed, uint32_t stream, int32_t x, int32_t y) {
    const uint32_t h = d_hash_mix(d_hash_mix(d_hash_mix(d_fmix32(seed), stream), static_cast<uint32_t>(x)), static_cast<uint32_t>(y));
    const double u1 = static_cast<double>((d_hash_mix(h, 0) >> 8) + 1) / 16777216.0;
    const double u2 = static_cast<double>(d_hash_mix(h, 1) >> 8) / 16777216.0;
    return static_cast<float>(sqrt(-2.0 * log(u1)) * cos(2.0 * 3.141592653589793238462643383279502884 * u2));
}

__device__ __forceinline__ int d_wrap(int v, int n) {
    const int r = v % n;
    return r < 0 ? r + n : r;
}

}  // namespace ntex::cuda
