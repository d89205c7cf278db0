// SPDX-License-Identifier: MIT
// Hash noise: bit-exact hashes and float32 Gaussians against Python-computed vectors.
#include "runtime/hash_noise.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <climits>
#include <fstream>

namespace ntex {
namespace {

struct Vector {
    uint32_t seed, stream;
    int32_t x, y;
    uint32_t hash;
    float gauss;
};

// Computed with the spec's formulas in Python (integers, then math.log/cos in float64, np.float32).
const Vector kVectors[] = {
    {0u, 0u, 0, 0, 0xA9D2E883u, 1.09233689f},
    {1u, 2u, 3, 4, 0xA2EBEC2Eu, 1.44311464f},
    {42u, 1000u, -1, -7, 0x3E0CFFE8u, -0.636482298f},
    {4294967295u, 2000000u, 17, 0, 0xC453063Eu, -0.0385290571f},
    {123456u, 5u, 255, INT32_MIN, 0x9968561Eu, 0.252230734f},
};

TEST(HashNoise, Fmix32KnownValues) {
    EXPECT_EQ(fmix32(0u), 0u);
    EXPECT_EQ(fmix32(1u), 1364076727u);
    EXPECT_EQ(fmix32(0xdeadbeefu), 0x0de5c6a9u);
}

TEST(HashNoise, EmbeddedVectors) {
    for (const Vector& v : kVectors) {
        EXPECT_EQ(hash4(v.seed, v.stream, v.x, v.y), v.hash) << v.seed << " " << v.stream << " " << v.x << " " << v.y;
        EXPECT_EQ(gauss(v.seed, v.stream, v.x, v.y), v.gauss) << v.seed << " " << v.stream << " " << v.x << " " << v.y;
    }
}

TEST(HashNoise, LatentFromSeedUsesTheLatentStream) {
    std::vector<float> z = latent_from_seed(7, 5);
    ASSERT_EQ(z.size(), 5u);
    for (int k = 0; k < 5; ++k) EXPECT_EQ(z[static_cast<std::size_t>(k)], gauss(7, kStreamLatent, k, 0));
}

TEST(HashNoise, GaussianStatistics) {
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        double g = gauss(3, 0, i % 1000, i / 1000);
        sum += g;
        sum2 += g * g;
    }
    EXPECT_NEAR(sum / n, 0.0, 0.01);
    EXPECT_NEAR(sum2 / n, 1.0, 0.02);
}

// tests/fixtures/hash_vectors.json, written by the Python side. Accepted shapes: a list of
// entries, or an object holding such a list (e.g. {"vectors": [...]}); entries with seed,
// stream, x, y and any of hash/hash4 (integer) and gauss (float); entries with seed + z (list).
TEST(HashNoise, PythonFixtureVectors) {
    std::filesystem::path path = test::fixtures_dir() / "hash_vectors.json";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present yet (written by models/training)";
    nlohmann::json root = nlohmann::json::parse(std::ifstream(path));
    std::vector<nlohmann::json> entries;
    auto collect = [&](const nlohmann::json& list) {
        for (const auto& e : list) if (e.is_object()) entries.push_back(e);
    };
    if (root.is_array()) collect(root);
    else for (auto it = root.begin(); it != root.end(); ++it) if (it.value().is_array()) collect(it.value());
    ASSERT_FALSE(entries.empty()) << "no vectors found in " << path;
    int checked = 0;
    for (const auto& e : entries) {
        if (!e.contains("seed")) continue;
        uint32_t seed = static_cast<uint32_t>(e["seed"].get<int64_t>());
        if (e.contains("stream") && e.contains("x") && e.contains("y")) {
            uint32_t stream = static_cast<uint32_t>(e["stream"].get<int64_t>());
            int32_t x = static_cast<int32_t>(e["x"].get<int64_t>());
            int32_t y = static_cast<int32_t>(e["y"].get<int64_t>());
            for (const char* key : {"hash", "hash4"}) {
                if (e.contains(key)) {
                    EXPECT_EQ(hash4(seed, stream, x, y), static_cast<uint32_t>(e[key].get<int64_t>())) << e.dump();
                    ++checked;
                }
            }
            if (e.contains("gauss")) {
                EXPECT_EQ(gauss(seed, stream, x, y), e["gauss"].get<float>()) << e.dump();
                ++checked;
            }
        }
        if (e.contains("z") && e["z"].is_array()) {
            std::vector<float> z = latent_from_seed(seed, static_cast<int>(e["z"].size()));
            for (std::size_t k = 0; k < z.size(); ++k) EXPECT_EQ(z[k], e["z"][k].get<float>()) << "seed " << seed << " k " << k;
            ++checked;
        }
    }
    EXPECT_GT(checked, 0) << "entries found but none had recognised fields";
}

}  // namespace
}  // namespace ntex
