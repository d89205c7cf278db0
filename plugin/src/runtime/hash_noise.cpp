// SPDX-License-Identifier: MIT
// Hash noise: the Gaussian samples.
#include "runtime/hash_noise.h"

#include <cmath>
#include <numbers>

#include "core/parallel.h"

namespace ntex {

float gauss(uint32_t seed, uint32_t stream, int32_t x, int32_t y) noexcept {
    uint32_t h = hash4(seed, stream, x, y);
    double u1 = static_cast<double>((hash_mix(h, 0) >> 8) + 1) / 16777216.0;
    double u2 = static_cast<double>(hash_mix(h, 1) >> 8) / 16777216.0;
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
}

void latent_from_seed(uint32_t seed, float* out, int count) noexcept {
    for (int k = 0; k < count; ++k) {
        out[k] = gauss(seed, kStreamLatent, k, 0);
    }
}

std::vector<float> latent_from_seed(uint32_t seed, int count) {
    std::vector<float> z(static_cast<std::size_t>(count));
    latent_from_seed(seed, z.data(), count);
    return z;
}

void fill_noise_map(float* out, uint32_t seed, uint32_t stream, int width, int height, int32_t x0, int32_t y0) {
    parallel_for(height, use_parallel(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 8), [&](int64_t i) {
        float* row = out + static_cast<std::ptrdiff_t>(i) * width;
        for (int j = 0; j < width; ++j) {
            row[j] = gauss(seed, stream, x0 + j, y0 + static_cast<int32_t>(i));
        }
    });
}

}  // namespace ntex
