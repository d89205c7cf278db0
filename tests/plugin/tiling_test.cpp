// SPDX-License-Identifier: MIT
// Tiling modes: infinite-mode regions agree across their borders (halo + absolute noise
// coordinates), origins rerun only the noise, and tileable outputs have no seam in any map.
#include "core/error.h"
#include "runtime/texture_generator.h"
#include "runtime/tiling.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace ntex {
namespace {

struct Region {
    int w, h, x, y;
};

std::vector<float> generate_region(const std::shared_ptr<const LoadedModel>& model, const Region& r, uint32_t seed) {
    GeneratorSettings s;
    s.threads = 2;
    s.tiling = NTEX_TILING_MODE_INFINITE;
    TextureGenerator gen(model, r.w, r.h, s);
    GeneratorParams p;
    p.seed = seed;
    p.psi = 0.8f;
    p.origin_x = r.x;
    p.origin_y = r.y;
    gen.set_params(p);
    gen.generate();
    return gen.material();
}

// Largest difference between `part` (a region) and the same texels of `whole`, over every channel.
double region_diff(const std::vector<float>& whole, const Region& wr, const std::vector<float>& part, const Region& pr, int c) {
    double worst = 0.0;
    for (int y = 0; y < pr.h; ++y) {
        for (int x = 0; x < pr.w; ++x) {
            const int wx = pr.x + x - wr.x, wy = pr.y + y - wr.y;
            for (int k = 0; k < c; ++k) {
                const float a = part[(static_cast<std::size_t>(y) * static_cast<std::size_t>(pr.w) + static_cast<std::size_t>(x)) * c + k];
                const float b = whole[(static_cast<std::size_t>(wy) * static_cast<std::size_t>(wr.w) + static_cast<std::size_t>(wx)) * c + k];
                worst = std::max(worst, static_cast<double>(std::fabs(a - b)));
            }
        }
    }
    return worst;
}

void expect_chunks_agree(const std::shared_ptr<const LoadedModel>& model, int size, const char* what) {
    const int c = [&] {
        int n = 0;
        for (const OutputMap& m : model->description().outputs) n += m.channel_count();
        return n;
    }();
    struct Case {
        Region whole;
        Region parts[2];
    };
    const Case cases[] = {
        {{2 * size, size, 0, 0}, {{size, size, 0, 0}, {size, size, size, 0}}},                        // horizontal
        {{size, 2 * size, 0, 0}, {{size, size, 0, 0}, {size, size, 0, size}}},                        // vertical
        {{2 * size, 2 * size, -size, -size}, {{size, size, -size, -size}, {size, size, 0, 0}}},       // negative, diagonal
    };
    double worst = 0.0;
    for (const Case& cs : cases) {
        const std::vector<float> whole = generate_region(model, cs.whole, 9);
        for (const Region& part : cs.parts) {
            const double d = region_diff(whole, cs.whole, generate_region(model, part, 9), part, c);
            EXPECT_LT(d, 1.0 / 255.0) << what << ": region " << part.w << "x" << part.h << " at (" << part.x << ", " << part.y << ")";
            worst = std::max(worst, d);
        }
    }
    std::printf("[ info ] %s: %dx%d chunks vs one region, every map: max abs difference %.2e (halo %d)\n", what, size, size, worst,
                halo_pixels(model->description()));
    EXPECT_LT(worst, 1e-4) << what;
}

TEST(InfiniteMode, TinyMaterialChunksAgree) {
    test::TinyModelOptions o;
    o.material = true;
    expect_chunks_agree(test::load_in_memory(test::make_tiny_model(o)), 16, "tiny material model");
}

TEST(InfiniteMode, ShippedModelChunksAgree) {
    if (!std::filesystem::exists(test::shipped_model_json())) GTEST_SKIP() << "albedo_v1 absent";
    expect_chunks_agree(LoadedModel::load(test::shipped_model_json()), 64, "albedo_v1");
}

TEST(InfiniteMode, ShippedMaterialVariantChunksAgree) {
    if (!std::filesystem::exists(test::shipped_model_json())) GTEST_SKIP() << "albedo_v1 absent";
    expect_chunks_agree(test::load_in_memory(test::make_shipped_material_variant()), 64, "albedo_v1 material variant");
}

// The trained material model, when present (models/material_v1.json is written by models/training).
TEST(InfiniteMode, MaterialV1ChunksAgree) {
    const auto path = test::source_dir() / "models" / "material_v1.json";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent";
    expect_chunks_agree(LoadedModel::load(path), 64, "material_v1");
}

// Moving the origin reruns the noise only; the result differs from the first region's.
TEST(InfiniteMode, OriginRerunsNoiseNotMapping) {
    test::TinyModelOptions o;
    o.material = true;
    auto model = test::load_in_memory(test::make_tiny_model(o));
    GeneratorSettings s;
    s.threads = 1;
    s.tiling = NTEX_TILING_MODE_INFINITE;
    TextureGenerator gen(model, 16, 16, s);
    EXPECT_EQ(gen.halo(), 20);
    EXPECT_EQ(gen.plan_width(), 56);
    GeneratorParams p;
    p.seed = 3;
    gen.set_params(p);
    gen.generate();
    const std::vector<float> first = gen.material();
    const int mapping = gen.mapping_runs(), styles = gen.style_updates(), seeds = gen.seed_updates();
    p.origin_x = 16;
    p.origin_y = -32;
    gen.set_params(p);
    gen.generate();
    EXPECT_EQ(gen.mapping_runs(), mapping);
    EXPECT_EQ(gen.style_updates(), styles);
    EXPECT_EQ(gen.seed_updates(), seeds + 1);
    EXPECT_NE(gen.material(), first);
    gen.set_params(p);   // same origin: nothing reruns
    gen.generate();
    EXPECT_EQ(gen.seed_updates(), seeds + 1);
    // Origins are multiples of the cell size and stay inside int32 with the halo.
    p.origin_x = 6;
    EXPECT_THROW(gen.validate(p), Error);
    p.origin_x = INT32_MAX - 15;
    EXPECT_THROW(gen.validate(p), Error);
    p.origin_x = INT32_MIN;
    EXPECT_THROW(gen.validate(p), Error);
    // Tileable: the origin must be 0.
    s.tiling = NTEX_TILING_MODE_TILEABLE;
    TextureGenerator tileable(model, 16, 16, s);
    p.origin_x = 16;
    try {
        tileable.validate(p);
        FAIL() << "origin accepted in tileable mode";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_INVALID_ARGUMENT);
        EXPECT_STREQ(e.what(), "originX 16 must be 0 in NTEX_TILING_MODE_TILEABLE");
    }
}

// Wrapped seam differences |p[W-1] - p[0]| look like interior neighbour differences, in every map.
// The seam lies on a noise-cell border, so it is compared with the interior pairs that straddle a
// cell border too (x + 1 a multiple of the cell size): pairs inside a cell are smoother.
double seam_ratio(const std::vector<float>& m, int w, int h, int c, int first, int count, int cell) {
    auto px = [&](int x, int y, int ch) { return m[(static_cast<std::size_t>(y) * w + x) * c + ch]; };
    double inner = 0, seam = 0;
    long n_inner = 0, n_seam = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int ch = first; ch < first + count; ++ch) {
                const double dx = std::fabs(px(x, y, ch) - px((x + 1) % w, y, ch));
                const double dy = std::fabs(px(x, y, ch) - px(x, (y + 1) % h, ch));
                if (x == w - 1) seam += dx, ++n_seam; else if ((x + 1) % cell == 0) inner += dx, ++n_inner;
                if (y == h - 1) seam += dy, ++n_seam; else if ((y + 1) % cell == 0) inner += dy, ++n_inner;
            }
    return (seam / static_cast<double>(n_seam)) / (inner / static_cast<double>(n_inner));
}

void expect_seamless(const std::shared_ptr<const LoadedModel>& model, int size, const char* what) {
    GeneratorSettings s;
    s.threads = 2;
    TextureGenerator gen(model, size, size, s);
    const MaterialLayout& layout = gen.material_layout();
    // Mean over seeds: one seed gives only 2 * size seam pairs per channel.
    std::vector<double> ratio(layout.counts.size(), 0.0);
    const uint32_t seeds = 4;
    for (uint32_t seed = 1; seed <= seeds; ++seed) {
        gen.set_params(seed, nullptr, 1.0f);
        gen.generate();
        const std::vector<float> m = gen.material();
        for (std::size_t map = 0; map < layout.counts.size(); ++map) {
            ratio[map] += seam_ratio(m, size, size, layout.channels, layout.offsets[map], layout.counts[map], model->description().cell_size) / seeds;
        }
    }
    for (std::size_t map = 0; map < layout.counts.size(); ++map) {
        std::printf("[ info ] %s: map %s seam / interior difference ratio %.3f\n", what, model->description().outputs[map].name.c_str(), ratio[map]);
        EXPECT_LT(ratio[map], 1.25) << what << " map " << model->description().outputs[map].name;
        EXPECT_GT(ratio[map], 0.8) << what << " map " << model->description().outputs[map].name;
    }
}

TEST(TileableMode, EveryMapSeamless) {
    test::TinyModelOptions o;
    o.material = true;
    expect_seamless(test::load_in_memory(test::make_tiny_model(o)), 64, "tiny material model");
    if (!std::filesystem::exists(test::shipped_model_json())) GTEST_SKIP() << "albedo_v1 absent";
    expect_seamless(test::load_in_memory(test::make_shipped_material_variant()), 256, "albedo_v1 material variant");
}

// Cost of the halo: an infinite-mode 256^2 chunk runs a 448^2 plan for albedo_v1.
TEST(InfiniteMode, TimingVersusTileable) {
    if (!std::filesystem::exists(test::shipped_model_json())) GTEST_SKIP() << "albedo_v1 absent";
    auto model = LoadedModel::load(test::shipped_model_json());
    double ms[2] = {0, 0};
    for (int mode = 0; mode < 2; ++mode) {
        GeneratorSettings s;
        s.threads = 2;
        s.tiling = mode ? NTEX_TILING_MODE_INFINITE : NTEX_TILING_MODE_TILEABLE;
        TextureGenerator gen(model, 256, 256, s);
        std::vector<float> material(static_cast<std::size_t>(256 * 256 * gen.material_layout().channels));
        gen.set_params(1, nullptr, 1.0f);
        gen.generate();
        const int runs = 3;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < runs; ++i) {
            gen.generate();
            gen.build_material(material.data());
        }
        ms[mode] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / runs;
    }
    std::printf("[ info ] albedo_v1 256x256, 2 threads: tileable %.1f ms, infinite %.1f ms (plan 448x448)\n", ms[0], ms[1]);
    SUCCEED();
}

}  // namespace
}  // namespace ntex
