// SPDX-License-Identifier: MIT
// The CPU plan (ntex's kernels and oneDNN's) against the naive reference: circular pad, wrap-around
// upsample, and whole tiny random models (several op mixes and sizes); recomputation only when
// inputs change; tileability.
#include "backends/cpu/circular.h"
#include "backends/cpu/cpu_plan.h"
#include "core/error.h"
#include "naive_reference.h"
#include "runtime/hash_noise.h"
#include "runtime/style.h"
#include "runtime/texture_generator.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include <unistd.h>

namespace ntex {
namespace {

using test::Chw;

Chw random_chw(int c, int h, int w, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    Chw x{c, h, w, {}};
    x.v.resize(static_cast<std::size_t>(c) * h * w);
    for (auto& v : x.v) v = dist(rng);
    return x;
}

std::vector<float> to_nhwc(const Chw& x) {
    std::vector<float> out(x.v.size());
    for (int c = 0; c < x.c; ++c)
        for (int y = 0; y < x.h; ++y)
            for (int xx = 0; xx < x.w; ++xx) out[(static_cast<std::size_t>(y) * x.w + xx) * x.c + c] = x.at(c, y, xx);
    return out;
}

// Max abs difference between an NHWC buffer and a CHW reference.
double max_diff(const float* nhwc, const Chw& ref) {
    double m = 0;
    for (int c = 0; c < ref.c; ++c)
        for (int y = 0; y < ref.h; ++y)
            for (int x = 0; x < ref.w; ++x) {
                double d = std::fabs(static_cast<double>(nhwc[(static_cast<std::size_t>(y) * ref.w + x) * ref.c + c]) - ref.at(c, y, x));
                if (!(d <= m)) m = d;
            }
    return m;
}

std::shared_ptr<const LoadedModel> build(const test::TinyModel& tiny) {
    test::TempDir dir;
    return LoadedModel::load(tiny.write(dir.path()));
}

TEST(CircularPad, MatchesReference) {
    for (int halo : {0, 1, 2, 3, 5}) {
        for (auto [h, w] : {std::pair{4, 4}, std::pair{3, 7}, std::pair{1, 2}}) {
            Chw x = random_chw(5, h, w, static_cast<uint32_t>(halo * 100 + h * 10 + w));
            std::vector<float> src = to_nhwc(x);
            std::vector<float> dst(static_cast<std::size_t>(5) * (h + 2 * halo) * (w + 2 * halo), -99.0f);
            cpu::circular_pad_nhwc(src.data(), dst.data(), 5, h, w, halo);
            EXPECT_EQ(max_diff(dst.data(), test::reference_circular_pad(x, halo)), 0.0) << "halo " << halo << " " << h << "x" << w;
        }
    }
}

// fill_halo_nhwc (the native kernels' in-place halo) equals the circular pad of the interior, also
// when the halo is wider than the grid (a k5 conv at one cell: review robustness-2026-12 #2, which
// overlapped memcpy ranges and left unwrapped texels).
TEST(CircularPad, FillHaloMatchesPadForAnyHalo) {
    for (int halo : {1, 2, 3, 5, 7}) {
        for (auto [h, w] : {std::pair{4, 4}, std::pair{3, 7}, std::pair{1, 2}, std::pair{2, 1}}) {
            Chw x = random_chw(3, h, w, static_cast<uint32_t>(halo * 100 + h * 10 + w));
            std::vector<float> src = to_nhwc(x);
            std::vector<float> padded(static_cast<std::size_t>(3) * (h + 2 * halo) * (w + 2 * halo), -99.0f);
            cpu::circular_pad_nhwc(src.data(), padded.data(), 3, h, w, halo);
            std::vector<float> filled(padded.size(), -99.0f);
            const int pw = w + 2 * halo;
            for (int y = 0; y < h; ++y) {   // the interior only
                std::copy_n(src.data() + static_cast<std::size_t>(y) * w * 3, static_cast<std::size_t>(w) * 3,
                            filled.data() + (static_cast<std::size_t>(y + halo) * pw + halo) * 3);
            }
            cpu::fill_halo_nhwc(filled.data(), 3, h, w, halo);
            EXPECT_EQ(filled, padded) << "halo " << halo << " " << h << "x" << w;
        }
    }
}

TEST(CircularPad, CropInvertsPad) {
    Chw x = random_chw(3, 6, 5, 9);
    std::vector<float> src = to_nhwc(x), padded(3 * 10 * 9), back(src.size());
    cpu::circular_pad_nhwc(src.data(), padded.data(), 3, 6, 5, 2);
    cpu::crop_nhwc(padded.data(), 9, back.data(), 3, 6, 5, 2);
    EXPECT_EQ(back, src);
}

// A model whose synthesis is only noise_input + two wrap-around upsamples: isolates the
// pad -> oneDNN resampling -> crop path.
TEST(WrapUpsample, MatchesReference) {
    test::TinyModel tiny = test::make_tiny_model();
    nlohmann::json ops = nlohmann::json::array();
    ops.push_back(tiny.description["synthesis"]["ops"][0]);
    ops.push_back({{"op", "upsample"}, {"factor", 2}, {"mode", "bilinear"}});
    ops.push_back({{"op", "upsample"}, {"factor", 2}, {"mode", "bilinear"}});
    tiny.description["synthesis"]["ops"] = ops;
    nlohmann::json tensors = nlohmann::json::object();
    for (auto it = tiny.description["tensors"].begin(); it != tiny.description["tensors"].end(); ++it)
        if (it.key().rfind("mapping.", 0) == 0) tensors[it.key()] = it.value();
    tiny.description["tensors"] = tensors;
    auto model = build(tiny);
    for (auto [w, h] : {std::pair{16, 16}, std::pair{4, 8}, std::pair{24, 12}}) {
        GeneratorSettings s;
        s.threads = 2;
        TextureGenerator gen(model, w, h, s);
        gen.set_params(11, nullptr, 1.0f);
        gen.generate();
        Chw input{4, h / 4, w / 4, {}};
        input.v.resize(static_cast<std::size_t>(4) * input.h * input.w);
        for (int c = 0; c < 4; ++c)
            for (int y = 0; y < input.h; ++y)
                for (int x = 0; x < input.w; ++x) input.at(c, y, x) = gauss(11, static_cast<uint32_t>(c), x, y);
        Chw ref = test::reference_upsample(test::reference_upsample(input));
        EXPECT_LT(max_diff(gen.output(), ref), 1e-5) << w << "x" << h;
    }
}

TEST(Mapping, MatchesReference) {
    auto model = build(test::make_tiny_model());
    std::vector<float> z = latent_from_seed(5, 8);
    for (float psi : {1.0f, 0.5f, 0.0f}) {
        std::vector<float> a = run_mapping(*model, z.data(), psi);
        std::vector<float> b = test::reference_mapping(*model, z, psi);
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-5);
    }
}

struct PlanCase {
    const char* name;
    test::TinyModelOptions options;
};

class TinyModelPlan : public ::testing::TestWithParam<PlanCase> {};

TEST_P(TinyModelPlan, MatchesNaiveReference) {
    auto model = build(test::make_tiny_model(GetParam().options));
    for (auto [w, h] : {std::pair{16, 16}, std::pair{8, 24}, std::pair{4, 4}, std::pair{32, 12}}) {
        for (int threads : {1, 2}) {
            for (cpu::CpuKernels kernels : {cpu::CpuKernels::Native, cpu::CpuKernels::OneDnn}) {
                GeneratorSettings s;
                s.threads = threads;
                s.cpu_kernels = kernels;
                TextureGenerator gen(model, w, h, s);
                for (auto [seed, psi] : {std::pair{3u, 1.0f}, std::pair{4000000000u, 0.7f}}) {
                    gen.set_params(seed, nullptr, psi);
                    gen.generate();
                    Chw ref = test::reference_generate(*model, w, h, seed, latent_from_seed(seed, 8), psi);
                    ASSERT_EQ(gen.output_channels(), ref.c);
                    EXPECT_LT(max_diff(gen.output(), ref), 1e-4) << GetParam().name << " " << w << "x" << h << " seed " << seed
                                                                 << " threads " << threads << " kernels "
                                                                 << (kernels == cpu::CpuKernels::Native ? "native" : "oneDNN");
                }
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Variants, TinyModelPlan,
                         ::testing::Values(PlanCase{"default", {}}, PlanCase{"tanh", {2, true, false, false}},
                                           PlanCase{"noise_before_output", {3, false, true, false}},
                                           PlanCase{"output_after_upsample", {4, true, false, true}}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(TinyModelPlanParams, ExplicitZ) {
    auto model = build(test::make_tiny_model());
    GeneratorSettings s;
    TextureGenerator gen(model, 16, 8, s);
    std::vector<float> z = {0.5f, -1.0f, 2.0f, 0.0f, 0.1f, 0.2f, -0.3f, 1.5f};
    gen.set_params(9, z.data(), 0.8f);
    gen.generate();
    Chw ref = test::reference_generate(*model, 16, 8, 9, z, 0.8f);
    EXPECT_LT(max_diff(gen.output(), ref), 1e-4);
}

TEST(TinyModelPlanParams, RecomputesOnlyWhatChanged) {
    auto model = build(test::make_tiny_model());
    GeneratorSettings s;
    TextureGenerator gen(model, 8, 8, s);
    std::vector<float> z = latent_from_seed(1, 8);
    gen.set_params(1, z.data(), 1.0f);
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), 1);
    EXPECT_EQ(gen.seed_updates(), 1);
    gen.generate();
    gen.set_params(1, z.data(), 1.0f);
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), 1);
    EXPECT_EQ(gen.seed_updates(), 1);
    gen.set_params(2, z.data(), 1.0f);  // new seed, same explicit z: noise only
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), 1);
    EXPECT_EQ(gen.seed_updates(), 2);
    gen.set_params(2, z.data(), 0.5f);  // new psi: mapping only
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), 2);
    EXPECT_EQ(gen.seed_updates(), 2);
    gen.set_params(3, nullptr, 0.5f);  // z from a new seed: both
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), 3);
    EXPECT_EQ(gen.seed_updates(), 3);
    Chw ref = test::reference_generate(*model, 8, 8, 3, latent_from_seed(3, 8), 0.5f);
    EXPECT_LT(max_diff(gen.output(), ref), 1e-4);
}

TEST(TinyModelPlanParams, RejectsNonFiniteInputs) {
    auto model = build(test::make_tiny_model());
    GeneratorSettings s;
    TextureGenerator gen(model, 8, 8, s);
    std::vector<float> z(8, 0.0f);
    z[3] = std::nanf("");
    EXPECT_THROW(gen.set_params(1, z.data(), 1.0f), Error);
    EXPECT_THROW(gen.set_params(1, nullptr, INFINITY), Error);
}

// Seam statistics: neighbour differences across the wrap seam look like those inside the image.
double seam_ratio(const float* nhwc, int w, int h, int c) {
    auto px = [&](int x, int y, int ch) { return nhwc[(static_cast<std::size_t>(y) * w + x) * c + ch]; };
    double inner = 0, seam = 0;
    int n_inner = 0, n_seam = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) {
                double dx = std::fabs(px(x, y, ch) - px((x + 1) % w, y, ch));
                double dy = std::fabs(px(x, y, ch) - px(x, (y + 1) % h, ch));
                if (x == w - 1) seam += dx, ++n_seam; else inner += dx, ++n_inner;
                if (y == h - 1) seam += dy, ++n_seam; else inner += dy, ++n_inner;
            }
    return (seam / n_seam) / (inner / n_inner);
}

TEST(Tileability, TinyModelSeamLooksLikeInterior) {
    auto model = build(test::make_tiny_model());
    GeneratorSettings s;
    s.threads = 2;
    TextureGenerator gen(model, 64, 64, s);
    gen.set_params(21, nullptr, 1.0f);
    gen.generate();
    double r = seam_ratio(gen.output(), 64, 64, gen.output_channels());
    EXPECT_LT(r, 1.3);
    EXPECT_GT(r, 0.7);
}

// A legal size whose buffers exceed the generator's memory budget (4 GiB by default) is refused
// before anything is allocated, with the size and the bytes in the message: the shipped model at
// 8192^2 plans about 34 GiB (64x its 1024^2 plan).
// Many ops sharing one weight tensor: each op still gets its own modulated and packed weights, and
// the budget must see them (review robustness-2026-12 #4: 1 MB of model took 2.3 GB).
TEST(CpuPlanMemory, TheBudgetCountsEveryOpsWeights) {
    test::TinyModel one = test::make_tiny_model();
    test::TinyModel many = test::make_tiny_model();
    nlohmann::json& ops = many.description["synthesis"]["ops"];
    ASSERT_EQ(ops[3]["in"], ops[3]["out"]);   // conv 8 -> 8, k3: can repeat
    const nlohmann::json repeated = ops[3];
    for (int i = 0; i < 200; ++i) ops.insert(ops.begin() + 3, repeated);   // same tensors, 201 ops
    test::TempDir d1, d2;
    auto small = LoadedModel::load(one.write(d1.path()));
    auto amplified = LoadedModel::load(many.write(d2.path()));
    const std::size_t e1 = TextureGenerator::planned_bytes(small->description(), 16, 16, NTEX_TILING_MODE_TILEABLE);
    const std::size_t e201 = TextureGenerator::planned_bytes(amplified->description(), 16, 16, NTEX_TILING_MODE_TILEABLE);
    EXPECT_GE(e201 - e1, std::size_t{200} * 8 * 8 * 9 * sizeof(float) * 2) << e1 << " -> " << e201;
    GeneratorSettings s;
    s.threads = 1;
    s.memory_budget = (e1 + e201) / 2;   // enough for the one-op model's buffers, not for 201 ops' weights
    EXPECT_NO_THROW(TextureGenerator(small, 16, 16, s));
    try {
        TextureGenerator gen(amplified, 16, 16, s);
        FAIL() << "the amplified model was planned within the budget";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_OUT_OF_MEMORY) << e.what();
    }
}

TEST(CpuPlanMemory, RefusesPlanBeyondBudget) {
    auto path = test::shipped_model_json();
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present yet";
    auto model = LoadedModel::load(path);
    const int size = 8192 / model->description().cell_size * model->description().cell_size;
    GeneratorSettings s;
    s.threads = 2;
    try {
        TextureGenerator gen(model, size, size, s);
        FAIL() << "a " << size << "^2 generator was created";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_OUT_OF_MEMORY);
        const std::string what = e.what();
        EXPECT_NE(what.find(cat("a ", size, "x", size, " generator needs ")), std::string::npos) << what;
        EXPECT_NE(what.find(cat(TextureGenerator::planned_bytes(model->description(), size, size, NTEX_TILING_MODE_TILEABLE), " bytes")),
                  std::string::npos) << what;
        EXPECT_NE(what.find("above the memory budget of 4.00 GiB (4294967296 bytes)"), std::string::npos) << what;
        std::printf("[ info ] %s\n", e.what());
    }
    // 1024^2 fits (about 0.5 GiB); infinite mode counts the padded size.
    EXPECT_LT(TextureGenerator::planned_bytes(model->description(), 1024, 1024, NTEX_TILING_MODE_TILEABLE), kDefaultMemoryBudget);
    EXPECT_GT(TextureGenerator::planned_bytes(model->description(), 1024, 1024, NTEX_TILING_MODE_INFINITE),
              TextureGenerator::planned_bytes(model->description(), 1024, 1024, NTEX_TILING_MODE_TILEABLE));
    s.tiling = NTEX_TILING_MODE_INFINITE;
    s.memory_budget = TextureGenerator::planned_bytes(model->description(), 256, 256, NTEX_TILING_MODE_TILEABLE);
    EXPECT_THROW(TextureGenerator(model, 256, 256, s), Error);
}

// With the budget lifted, the physical-memory check still refuses a plan that cannot fit.
TEST(CpuPlanMemory, RefusesPlanBeyondPhysicalMemory) {
    auto path = test::shipped_model_json();
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present yet";
    const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    if (physical > 32.0 * 1024 * 1024 * 1024) GTEST_SKIP() << "more than 32 GiB of memory: the 8192^2 plan would fit";
    auto model = LoadedModel::load(path);
    const int size = 8192 / model->description().cell_size * model->description().cell_size;
    GeneratorSettings s;
    s.threads = 2;
    s.memory_budget = SIZE_MAX;
    try {
        TextureGenerator gen(model, size, size, s);
        FAIL() << "a " << size << "^2 generator was created";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_OUT_OF_MEMORY);
        EXPECT_NE(std::string(e.what()).find("MiB of buffers, more than 3/4 of this machine's"), std::string::npos) << e.what();
    }
}

TEST(Tileability, ShippedModelSeamLooksLikeInterior) {
    auto path = test::shipped_model_json();
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present yet";
    auto model = LoadedModel::load(path);
    GeneratorSettings s;
    s.threads = 2;
    const int size = 16 * model->description().cell_size;
    TextureGenerator gen(model, size, size, s);
    for (uint32_t seed : {1u, 2u, 3u}) {
        gen.set_params(seed, nullptr, 1.0f);
        gen.generate();
        double r = seam_ratio(gen.output(), size, size, gen.output_channels());
        EXPECT_LT(r, 1.3) << "seed " << seed;
    }
}

TEST(CpuPlanDescribe, ListsFusedPostOps) {
    auto model = build(test::make_tiny_model());
    cpu::CpuPlan plan(model, 16, 16, 1, cpu::CpuKernels::OneDnn);
    EXPECT_EQ(plan.kernels_name(), "oneDNN");
    std::string d = plan.describe();
    EXPECT_NE(d.find("resampling_linear"), std::string::npos) << d;
    EXPECT_NE(d.find("post-ops: lrelu"), std::string::npos) << d;
    EXPECT_NE(d.find("linear+output"), std::string::npos) << d;
    EXPECT_NE(d.find("noise + lrelu"), std::string::npos) << d;
}

TEST(CpuPlanDescribe, NativeFusesEverythingIntoTheConv) {
    if (cpu::detect_isa() == cpu::CpuIsa::None) GTEST_SKIP() << "this CPU has neither AVX2+FMA nor AVX-512F: ntex's kernels are not used";
    auto model = build(test::make_tiny_model());
    cpu::CpuPlan plan(model, 16, 16, 1, cpu::CpuKernels::Native);
    EXPECT_EQ(plan.kernels_name(), std::string("ntex ") + cpu::isa_name(cpu::detect_isa()));
    std::string d = plan.describe();
    EXPECT_NE(d.find("direct conv"), std::string::npos) << d;
    EXPECT_NE(d.find("bias + noise + lrelu -> halo 1"), std::string::npos) << d;
    EXPECT_NE(d.find("+ output"), std::string::npos) << d;
    EXPECT_NE(d.find("ntex bilinear x2"), std::string::npos) << d;
    EXPECT_EQ(d.find("oneDNN"), std::string::npos) << d;
}

}  // namespace
}  // namespace ntex
