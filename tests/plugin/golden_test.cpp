// SPDX-License-Identifier: MIT
// Golden test: the shipped model against the PyTorch reference outputs (max abs error <= 1e-3),
// plus the fixture reader on a synthetic fixture made from the naive reference.
#include "core/error.h"
#include "model/golden_fixture.h"
#include "naive_reference.h"
#include "runtime/hash_noise.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace ntex {
namespace {

constexpr double kTolerance = 1e-3;

TEST(Golden, ShippedModelMatchesPyTorch) {
    auto model_path = test::shipped_model_json();
    auto fixture_path = test::fixtures_dir() / "albedo_v1_golden.safetensors";
    if (!std::filesystem::exists(model_path) || !std::filesystem::exists(fixture_path)) {
        GTEST_SKIP() << "needs " << model_path << " and " << fixture_path << " (written by models/training)";
    }
    auto model = LoadedModel::load(model_path);
    auto cases = load_golden_cases(SafetensorsFile::load(fixture_path));
    auto results = run_golden_cases(model, cases, 2);
    ASSERT_FALSE(results.empty());
    for (const GoldenResult& r : results) {
        EXPECT_LE(r.max_abs_error, kTolerance) << r.name << " " << r.width << "x" << r.height;
        if (r.w_max_abs_error >= 0) {
            EXPECT_LE(r.w_max_abs_error, kTolerance) << r.name << " (w)";
        }
        std::printf("golden %s %dx%d: max abs error %.3e\n", r.name.c_str(), r.width, r.height, r.max_abs_error);
    }
}

// A fixture in the documented layout, made from the naive reference, passes; a perturbed one fails.
TEST(Golden, SyntheticFixtureRoundTrip) {
    test::TempDir dir;
    auto model = LoadedModel::load(test::make_tiny_model().write(dir.path()));
    std::vector<SafetensorsWriteTensor> tensors;
    std::map<std::string, std::string> metadata;
    std::vector<float> z = latent_from_seed(77, 8);
    test::Chw a = test::reference_generate(*model, 16, 8, 5, latent_from_seed(5, 8), 1.0f);
    test::Chw b = test::reference_generate(*model, 8, 8, 77, z, 0.5f);
    tensors.push_back({"case0.output", {1, a.c, a.h, a.w}, a.v});
    tensors.push_back({"case0.seed", {1}, {5.0f}});
    tensors.push_back({"case1.output", {b.c, b.h, b.w}, b.v});
    tensors.push_back({"case1.z", {8}, z});
    tensors.push_back({"case1.w", {6}, test::reference_mapping(*model, z, 0.5f)});
    metadata["case1.seed"] = "77";
    metadata["case1.psi"] = "0.5";
    auto cases = load_golden_cases(SafetensorsFile::parse(serialize_safetensors(tensors, metadata), "synthetic"));
    ASSERT_EQ(cases.size(), 2u);
    auto results = run_golden_cases(model, cases, 1);
    EXPECT_LT(results[0].max_abs_error, 1e-4);
    EXPECT_LT(results[1].max_abs_error, 1e-4);
    EXPECT_GE(results[1].w_max_abs_error, 0.0);
    EXPECT_LT(results[1].w_max_abs_error, 1e-5);

    cases[0].expected[3] += 0.01f;
    EXPECT_GT(run_golden_cases(model, cases, 1)[0].max_abs_error, 5e-3);

    // A fixture is a file too: a psi that is not a usable float is one error naming the case (review
    // robustness-2026-12 #15: 1e300, nan and inf were undefined casts).
    for (const char* psi : {"1e300", "nan", "inf", "-5"}) {
        metadata["case1.psi"] = psi;
        try {
            (void)load_golden_cases(SafetensorsFile::parse(serialize_safetensors(tensors, metadata), "synthetic"));
            ADD_FAILURE() << "psi " << psi << " accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("case 'case1': psi"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace ntex
