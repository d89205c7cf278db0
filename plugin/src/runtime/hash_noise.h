// SPDX-License-Identifier: MIT
// Hash noise shared bit-exactly with the Python reference (docs/model_format.md, "Hash noise").
#pragma once

#include <cstdint>
#include <vector>

namespace ntex {

constexpr uint32_t kStreamNoiseBase = 1000;      // noise injection of op i: 1000 + i
constexpr uint32_t kStreamLatent = 2000000;      // z[k] = gauss(seed, kStreamLatent, k, 0)

constexpr uint32_t fmix32(uint32_t h) noexcept {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

constexpr uint32_t hash_mix(uint32_t h, uint32_t v) noexcept {
    return fmix32(h ^ (v + 0x9E3779B9u + (h << 6) + (h >> 2)));
}

constexpr uint32_t hash4(uint32_t seed, uint32_t stream, int32_t x, int32_t y) noexcept {
    return hash_mix(hash_mix(hash_mix(fmix32(seed), stream), static_cast<uint32_t>(x)), static_cast<uint32_t>(y));
}

// Box-Muller in float64, rounded to float32.
float gauss(uint32_t seed, uint32_t stream, int32_t x, int32_t y) noexcept;

// z for a seed: count values.
std::vector<float> latent_from_seed(uint32_t seed, int count);
// The same into out[0..count) (no allocation; used per frame).
void latent_from_seed(uint32_t seed, float* out, int count) noexcept;

// Fills out[i * width + j] = gauss(seed, stream, x0 + j, y0 + i) for a height x width map
// (coordinates wrap as int32 -> uint32, two's complement).
void fill_noise_map(float* out, uint32_t seed, uint32_t stream, int width, int height, int32_t x0 = 0, int32_t y0 = 0);

}  // namespace ntex
