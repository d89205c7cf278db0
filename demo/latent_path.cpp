// SPDX-License-Identifier: MIT
// latent_path.cpp: slerp for latent codes.
#include "latent_path.h"

#include <algorithm>
#include <cmath>

namespace demo {

std::vector<float> slerp(const std::vector<float>& a, const std::vector<float>& b, float t) {
    const size_t n = std::min(a.size(), b.size());
    double na = 0.0, nb = 0.0, dot = 0.0;
    for (size_t i = 0; i < n; ++i) {
        na += double{a[i]} * a[i];
        nb += double{b[i]} * b[i];
        dot += double{a[i]} * b[i];
    }
    na = std::sqrt(na);
    nb = std::sqrt(nb);
    std::vector<float> out(n);
    if (na < 1e-12 || nb < 1e-12) {
        for (size_t i = 0; i < n; ++i) out[i] = a[i] + (b[i] - a[i]) * t;
        return out;
    }
    const double cos_omega = std::clamp(dot / (na * nb), -1.0, 1.0);
    const double omega = std::acos(cos_omega);
    const double length = na + (nb - na) * t;
    double wa = 1.0 - t, wb = t;   // nearly parallel: lerp the directions
    if (std::sin(omega) > 1e-6) {
        wa = std::sin((1.0 - t) * omega) / std::sin(omega);
        wb = std::sin(t * omega) / std::sin(omega);
    }
    double norm = 0.0;
    std::vector<double> dir(n);
    for (size_t i = 0; i < n; ++i) {
        dir[i] = wa * a[i] / na + wb * b[i] / nb;
        norm += dir[i] * dir[i];
    }
    norm = std::sqrt(std::max(norm, 1e-24));
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(dir[i] / norm * length);
    return out;
}

}  // namespace demo
