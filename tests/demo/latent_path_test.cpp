// SPDX-License-Identifier: MIT
// latent_path_test.cpp: the demo's latent slerp hits both ends, keeps a latent-like norm in
// between and moves smoothly.
#include "latent_path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

std::vector<float> gaussian(uint32_t seed, size_t n) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d;
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

float norm(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += double{x} * x;
    return static_cast<float>(std::sqrt(s));
}

TEST(LatentPath, EndsNormAndSmoothness) {
    const auto a = gaussian(1, 64), b = gaussian(2, 64);
    const auto s0 = demo::slerp(a, b, 0.0f), s1 = demo::slerp(a, b, 1.0f);
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(s0[i], a[i], 1e-4f);
        EXPECT_NEAR(s1[i], b[i], 1e-4f);
    }
    // Plain lerp would shrink the midpoint to about 0.7 of the norm; slerp keeps it.
    const auto mid = demo::slerp(a, b, 0.5f);
    EXPECT_NEAR(norm(mid), 0.5f * (norm(a) + norm(b)), 1e-3f);
    auto prev = s0;
    for (int i = 1; i <= 100; ++i) {
        const auto cur = demo::slerp(a, b, static_cast<float>(i) / 100.0f);
        std::vector<float> d(cur.size());
        for (size_t k = 0; k < d.size(); ++k) d[k] = cur[k] - prev[k];
        EXPECT_LT(norm(d), 0.1f * norm(a)) << "jump at step " << i;
        prev = cur;
    }
}

TEST(LatentPath, ParallelAndZeroInputs) {
    const std::vector<float> a{1, 2, 3}, twice{2, 4, 6}, zero{0, 0, 0};
    const auto p = demo::slerp(a, twice, 0.5f);
    EXPECT_NEAR(p[0], 1.5f, 1e-5f);
    EXPECT_NEAR(p[2], 4.5f, 1e-5f);
    const auto z = demo::slerp(zero, a, 0.5f);
    EXPECT_NEAR(z[1], 1.0f, 1e-5f);
}

}  // namespace
