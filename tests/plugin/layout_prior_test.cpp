// SPDX-License-Identifier: MIT
// The layout prior (runtime/layout_prior.h) and the AUTO layout: draws against the Python mirror,
// frequencies, tileable period fits, the model JSON's checks, and the generator resolving AUTO.
#include "core/error.h"
#include "model/model.h"
#include "runtime/layout_prior.h"
#include "runtime/texture_generator.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace ntex {
namespace {

LayoutPriorEntry entry(uint32_t count, LayoutPattern pattern, int columns, int rows) {
    LayoutPriorEntry e;
    e.count = count;
    e.spec.pattern = pattern;
    e.spec.columns = columns;
    e.spec.rows = rows;
    e.spec.period_width = e.spec.period_height = 256;
    return e;
}

// conditional tiny model (3 categories, 2 layout channels) with test::add_layout_prior's prior.
test::TinyModel tiny_with_prior() {
    test::TinyModelOptions o;
    o.categories = 3;
    o.layout_channels = kLayoutChannels;
    o.tanh_last = true;
    test::TinyModel m = test::make_tiny_model(o);
    test::add_layout_prior(m);
    return m;
}

TEST(LayoutPrior, DrawsFollowTheCounts) {
    LayoutPrior prior;
    prior.per_category = {{entry(3, LayoutPattern::Bricks, 4, 8), entry(1, LayoutPattern::Tiles, 4, 4)}, {}, {entry(1, LayoutPattern::Planks, 2, 6)}};
    int bricks = 0;
    const int n = 8000;
    for (uint32_t seed = 0; seed < static_cast<uint32_t>(n); ++seed) {
        const LayoutSpec s = sample_layout_prior(prior, 0, seed);
        ASSERT_TRUE(s.pattern == LayoutPattern::Bricks || s.pattern == LayoutPattern::Tiles);
        EXPECT_EQ(s.seed, seed) << "the draw's cells use the layout seed";
        bricks += s.pattern == LayoutPattern::Bricks;
    }
    EXPECT_NEAR(static_cast<double>(bricks) / n, 0.75, 0.03);   // 3 : 1 (the hash is deterministic: no flakiness)
    // An empty category draws "none"; "any" (-1) draws from every category by its counts.
    EXPECT_EQ(sample_layout_prior(prior, 1, 5).pattern, LayoutPattern::None);
    int planks = 0;
    for (uint32_t seed = 0; seed < static_cast<uint32_t>(n); ++seed) planks += sample_layout_prior(prior, -1, seed).pattern == LayoutPattern::Planks;
    EXPECT_NEAR(static_cast<double>(planks) / n, 0.2, 0.03);   // 1 of 5 counts
    EXPECT_EQ(sample_layout_prior(LayoutPrior{}, -1, 1).pattern, LayoutPattern::None);
}

// Every size a texture may have: the fitted layout tiles it and stays valid (Voronoi cells <= 2:1).
TEST(LayoutPrior, FittedPeriodsTileAndStayValid) {
    LayoutPrior prior;
    prior.per_category = {{entry(1, LayoutPattern::Voronoi, 8, 4), entry(1, LayoutPattern::Hexagons, 4, 8), entry(1, LayoutPattern::Bricks, 4, 8)}};
    prior.per_category[0].push_back(entry(1, LayoutPattern::Voronoi, 16, 16));
    prior.per_category[0].push_back(entry(1, LayoutPattern::Blobs, 2, 2));
    for (int w : {16, 48, 128, 256, 384, 512, 1000, 4096}) {
        for (int h : {16, 48, 64, 256, 720, 1024}) {
            for (uint32_t seed = 0; seed < 16; ++seed) {
                const LayoutSpec s = fit_layout_period(sample_layout_prior(prior, 0, seed), w, h);
                if (s.pattern == LayoutPattern::None) continue;   // a strip too thin for square cells
                EXPECT_EQ(w % s.period_width, 0) << w << "x" << h;
                EXPECT_EQ(h % s.period_height, 0) << w << "x" << h;
                EXPECT_NO_THROW(validate_layout(s)) << layout_pattern_name(s.pattern) << " " << s.columns << "x" << s.rows << " at " << w << "x" << h;
                if (s.pattern == LayoutPattern::Blobs) {
                    // Blobs' lattice cells keep their 128 px where the counts allow (2..64 per axis).
                    EXPECT_EQ(s.columns, std::clamp(static_cast<int>(std::lround(2.0 * s.period_width / 256.0)), 2, 64)) << w;
                    EXPECT_EQ(s.rows, std::clamp(static_cast<int>(std::lround(2.0 * s.period_height / 256.0)), 2, 64)) << h;
                }
            }
        }
    }
    // The shipped model's prior at strip-shaped tileable sizes (review: 256 x 16, 16 x 1024, 512 x 48).
    const auto path = test::source_dir() / "models" / "material_v2.json";
    const ModelDescription d = load_model_description(path);
    for (auto [w, h] : {std::pair{256, 16}, std::pair{16, 1024}, std::pair{512, 48}, std::pair{1008, 48}}) {
        for (int c = -1; c < static_cast<int>(d.categories.size()); ++c) {
            for (uint32_t seed = 0; seed < 64; ++seed) {
                EXPECT_NO_THROW(validate_layout(fit_layout_period(sample_layout_prior(d.layout_prior, c, seed), w, h))) << w << "x" << h;
            }
        }
    }
}

// The shipped model's prior, drawn here and by models/training/ntex_train/layout_prior.py.
TEST(LayoutPrior, DrawsMatchPython) {
    const auto model_path = test::source_dir() / "models" / "material_v2.json";
    const auto fixture_path = test::source_dir() / "tests" / "fixtures" / "layout_prior_draws.json";
    const ModelDescription d = load_model_description(model_path);
    ASSERT_FALSE(d.layout_prior.empty());
    std::ifstream in(fixture_path);
    ASSERT_TRUE(in) << fixture_path;
    const nlohmann::json fixture = nlohmann::json::parse(in);
    int compared = 0, structured = 0;
    for (const auto& c : fixture.at("cases")) {
        const int category = c.at("category").get<int>();
        const auto seed = c.at("seed").get<uint32_t>();
        const LayoutSpec s = sample_layout_prior(d.layout_prior, category, seed);
        for (const auto& [key, spec] : {std::pair{"draw", s}, std::pair{"tileable_384x128", fit_layout_period(s, 384, 128)}}) {
            const nlohmann::json& want = c.at(key);
            const std::string where = std::string(key) + " category " + std::to_string(category) + " seed " + std::to_string(seed);
            ASSERT_EQ(layout_pattern_name(spec.pattern), want.at("pattern").get<std::string>()) << where;
            EXPECT_EQ(spec.seed, want.at("seed").get<uint32_t>()) << where;
            if (spec.pattern == LayoutPattern::None) continue;
            EXPECT_EQ(spec.columns, want.at("columns").get<int>()) << where;
            EXPECT_EQ(spec.rows, want.at("rows").get<int>()) << where;
            EXPECT_EQ(spec.period_width, want.at("period_width").get<int>()) << where;
            EXPECT_EQ(spec.period_height, want.at("period_height").get<int>()) << where;
            EXPECT_EQ(spec.offset, want.at("offset").get<float>()) << where;
            EXPECT_EQ(spec.gap, want.at("gap").get<float>()) << where;
            EXPECT_EQ(spec.bevel, want.at("bevel").get<float>()) << where;
            EXPECT_EQ(spec.jitter, want.at("jitter").get<float>()) << where;
            ++structured;
        }
        ++compared;
    }
    EXPECT_GE(compared, 7 * 48);
    EXPECT_GT(structured, compared / 2) << "the fixture should mostly draw patterns, not none";
}

TEST(LayoutPrior, ModelFileIsChecked) {
    auto expect_invalid = [](const std::function<void(nlohmann::json&)>& edit, const char* needle) {
        test::TinyModel m = tiny_with_prior();
        edit(m.description["layout_prior"]);
        test::expect_error([&] { test::load_in_memory(m, "prior.json"); }, NTEX_ERROR_INVALID_MODEL, needle);
    };
    expect_invalid([](nlohmann::json& p) { p["categories"]["metal"] = p["categories"]["c0"]; }, "is not one of mapping.categories");
    expect_invalid([](nlohmann::json& p) { p["categories"].erase("c2"); }, "no entry list for category 'c2'");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][0] = 0; }, "layout_prior.categories.c0[0][0]: value 0 out of range");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][0] = 1u << 20; }, "out of range");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][1]["pattern"] = "mask"; }, "is not a procedural pattern");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][1]["pattern"] = "auto"; }, "is not a procedural pattern");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][1]["gap"] = 80.0; }, "layout.gap: 80 is outside 0..64");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][1]["gap"] = 1e300; }, "must be a finite float");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c2"][0][1]["columns"] = 1; }, "cells must be between 1:2 and 2:1");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0][1]["seed"] = 4; }, "is not a layout prior spec field");
    expect_invalid([](nlohmann::json& p) { p["categories"]["c0"][0] = {1}; }, "expected [count, spec]");
    expect_invalid([](nlohmann::json& p) { p["fit"] = 1; }, "is not a layout prior field");
    expect_invalid(
        [](nlohmann::json& p) {
            for (int i = 0; i < kMaxLayoutPriorEntries + 1; ++i) p["categories"]["c1"].push_back({1, {{"pattern", "none"}}});
        },
        "entries; at most 256");
    {
        test::TinyModel m = tiny_with_prior();   // a prior needs categories and layouts to steer
        m.description["latent"].erase("layout_channels");
        for (auto& op : m.description["synthesis"]["ops"]) op.erase("layout_gain");
        test::expect_error([&] { test::load_in_memory(m, "prior.json"); }, NTEX_ERROR_INVALID_MODEL, "layout_prior: needs latent.layout_channels");
    }
}

// AUTO renders exactly the spec the prior draws for the category and seed (period fitted to the
// tileable size), follows category changes, and is refused by a model without a prior.
TEST(LayoutPrior, GeneratorResolvesAuto) {
    auto model = test::load_in_memory(tiny_with_prior(), "prior.json");
    ASSERT_FALSE(model->description().layout_prior.empty());
    TextureGenerator gen(model, 64, 32, GeneratorSettings{});
    LayoutSpec autospec;
    autospec.pattern = LayoutPattern::Auto;
    autospec.seed = 11;
    autospec.gap = std::nanf("");   // ignored by Auto, as every field but the seed
    for (int category : {0, 2, -1}) {
        const auto with_auto = test::generate_conditioned(gen, category, &autospec);
        const LayoutSpec drawn = fit_layout_period(sample_layout_prior(model->description().layout_prior, category, 11), 64, 32);
        EXPECT_EQ(gen.layout().pattern, drawn.pattern) << category;
        EXPECT_EQ(gen.layout().period_width, 64) << "a 256-px period stretched to the 64-px tileable width";
        const auto explicit_spec = test::generate_conditioned(gen, category, &drawn);
        EXPECT_EQ(with_auto, explicit_spec) << "category " << category;
    }
    test::generate_conditioned(gen, 1, &autospec);
    EXPECT_EQ(gen.layout().pattern, LayoutPattern::None) << "c1's prior holds only 'none'";
    test::generate_conditioned(gen, 2, &autospec);
    EXPECT_EQ(gen.layout().pattern, LayoutPattern::Voronoi) << "a category change redraws the AUTO layout";

    test::TinyModelOptions o;
    o.categories = 3;
    o.layout_channels = kLayoutChannels;
    auto without = test::load_in_memory(test::make_tiny_model(o), "noprior.json");
    TextureGenerator plain(without, 32, 32, GeneratorSettings{});
    GeneratorParams p;
    p.layout = &autospec;
    test::expect_error([&] { plain.set_params(p); }, NTEX_ERROR_INVALID_ARGUMENT, "has no layout prior");
}

}  // namespace
}  // namespace ntex
