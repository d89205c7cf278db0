// SPDX-License-Identifier: MIT
// latent_animation.cpp: slerp between the latents of consecutive seeds.
#include "runtime/latent_animation.h"

#include "runtime/hash_noise.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ntex {

void animated_latent(uint32_t seed, double t, int z_dim, float* out) {
    const double k = std::floor(t);
    const double f = t - k;
    const uint32_t s0 = seed + static_cast<uint32_t>(static_cast<uint64_t>(k));   // wraps like the seeds do
    const std::vector<float> a = latent_from_seed(s0, z_dim);
    if (f == 0.0) {
        std::copy(a.begin(), a.end(), out);
        return;
    }
    const std::vector<float> b = latent_from_seed(s0 + 1u, z_dim);
    double na = 0.0, nb = 0.0, dot = 0.0;
    for (int i = 0; i < z_dim; ++i) {
        na += double{a[i]} * a[i];
        nb += double{b[i]} * b[i];
        dot += double{a[i]} * b[i];
    }
    na = std::sqrt(na);
    nb = std::sqrt(nb);
    if (na < 1e-12 || nb < 1e-12) {
        for (int i = 0; i < z_dim; ++i) out[i] = static_cast<float>(a[i] + (b[i] - a[i]) * f);
        return;
    }
    const double omega = std::acos(std::clamp(dot / (na * nb), -1.0, 1.0));
    double wa = 1.0 - f, wb = f;   // nearly parallel: lerp the directions
    if (std::sin(omega) > 1e-6) {
        wa = std::sin((1.0 - f) * omega) / std::sin(omega);
        wb = std::sin(f * omega) / std::sin(omega);
    }
    double norm = 0.0;
    for (int i = 0; i < z_dim; ++i) {
        const double d = wa * a[i] / na + wb * b[i] / nb;
        norm += d * d;
    }
    norm = std::sqrt(std::max(norm, 1e-24));
    const double length = na + (nb - na) * f;
    for (int i = 0; i < z_dim; ++i) out[i] = static_cast<float>((wa * a[i] / na + wb * b[i] / nb) / norm * length);
}

}  // namespace ntex
