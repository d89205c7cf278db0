// SPDX-License-Identifier: MIT
// MaterialMips (runtime/material_mips.h) on synthetic materials whose mips are known in closed form.
#include "runtime/material_mips.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

namespace {

using ntex::MapSemantic;
using ntex::MaterialMips;

// albedo (sRGB, 3) | normal (3) | roughness (1) | height (1): material_v1's layout.
ntex::ModelDescription material_description() {
    ntex::ModelDescription d;
    auto map = [](const char* name, MapSemantic s, std::vector<int> channels, const char* space) {
        ntex::OutputMap m;
        m.name = name;
        m.semantic = s;
        m.channels = std::move(channels);
        m.color_space = space;
        return m;
    };
    d.outputs = {map("albedo", MapSemantic::Albedo, {0, 1, 2}, "srgb"), map("normal", MapSemantic::Normal, {3, 4, 5}, "linear"),
                 map("roughness", MapSemantic::Roughness, {6}, "linear"), map("height", MapSemantic::Height, {7}, "linear")};
    return d;
}

struct Texel {
    float albedo[3];
    float normal[3];   // unit vector (encoded by fill)
    float roughness, height;
};

std::vector<float> fill(int w, int h, const std::function<Texel(int, int)>& f) {
    std::vector<float> m(std::size_t(w) * h * 8);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const Texel t = f(x, y);
            float* p = m.data() + (std::size_t(y) * w + x) * 8;
            for (int k = 0; k < 3; ++k) p[k] = t.albedo[k];
            for (int k = 0; k < 3; ++k) p[3 + k] = t.normal[k] * 0.5f + 0.5f;
            p[6] = t.roughness;
            p[7] = t.height;
        }
    }
    return m;
}

TEST(MaterialMips, AConstantMaterialKeepsItsValuesAtEveryLevel) {
    const ntex::ModelDescription d = material_description();
    MaterialMips mips(d, ntex::make_material_layout(d));
    const float s = std::sin(0.3f), c = std::cos(0.3f);
    const std::vector<float> level0 = fill(16, 8, [&](int, int) { return Texel{{0.2f, 0.5f, 0.9f}, {s, 0.0f, c}, 0.4f, 0.7f}; });
    mips.set_level0(level0.data(), 16, 8);
    mips.compute(5);
    for (int l = 1; l < 5; ++l) {
        const int n = MaterialMips::level_size(16, l) * MaterialMips::level_size(8, l);
        for (int t = 0; t < n; ++t) {
            for (int k = 0; k < 8; ++k) EXPECT_NEAR(mips.level(l)[t * 8 + k], level0[std::size_t(k)], 1e-5) << "level " << l << " channel " << k;
        }
    }
}

TEST(MaterialMips, ASmoothTiltedSurfaceStaysSmooth) {
    // Constant tilted normals: |Na| is 1 up to float rounding, which must not read as variance (at r = 0.02
    // a spurious 2e-7 of alpha^2 would add 20% of roughness).
    const ntex::ModelDescription d = material_description();
    MaterialMips mips(d, ntex::make_material_layout(d));
    const float s = std::sin(0.7f), c = std::cos(0.7f);
    const std::vector<float> level0 = fill(32, 32, [&](int, int) { return Texel{{0.5f, 0.5f, 0.5f}, {s * 0.6f, s * 0.8f, c}, 0.02f, 0.5f}; });
    mips.set_level0(level0.data(), 32, 32);
    mips.compute(6);
    for (int l = 1; l < 6; ++l) EXPECT_NEAR(mips.level(l)[6], 0.02f, 1e-4) << "level " << l;
}

TEST(MaterialMips, CheckeredMaterialGivesTheClosedFormLevels) {
    const ntex::ModelDescription d = material_description();
    MaterialMips mips(d, ntex::make_material_layout(d));
    const float theta = 0.5f;
    // Black and white albedo, normals tilted +-theta about y, heights 0 and 1, roughness 0.5.
    const std::vector<float> level0 = fill(4, 4, [&](int x, int y) {
        const bool odd = (x + y) % 2 != 0;
        const float v = odd ? 1.0f : 0.0f;
        return Texel{{v, v, v}, {odd ? std::sin(theta) : -std::sin(theta), 0.0f, std::cos(theta)}, 0.5f, v};
    });
    mips.set_level0(level0.data(), 4, 4);
    mips.compute(3);
    const float grey = ntex::linear_to_srgb(0.5f);
    EXPECT_NEAR(grey, 0.7354f, 1e-4);
    const float sigma2 = (1.0f - std::cos(theta)) / std::cos(theta);
    const float rough = std::pow(0.0625f + 2.0f * sigma2, 0.25f);
    for (int l = 1; l < 3; ++l) {
        const float* p = mips.level(l);
        for (int k = 0; k < 3; ++k) EXPECT_NEAR(p[k], grey, 1e-5) << "albedo, level " << l;
        EXPECT_NEAR(p[3], 0.5f, 1e-5) << "normal x, level " << l;
        EXPECT_NEAR(p[4], 0.5f, 1e-5) << "normal y, level " << l;
        EXPECT_NEAR(p[5], 1.0f, 1e-5) << "normal z, level " << l;
        EXPECT_NEAR(p[6], rough, 1e-5) << "roughness, level " << l;
        EXPECT_NEAR(p[7], 0.5f, 1e-5) << "height, level " << l;
    }
}

TEST(MaterialMips, OddSizesCountEveryTexelOnce) {
    const ntex::ModelDescription d = material_description();
    MaterialMips mips(d, ntex::make_material_layout(d));
    // 3 x 1 heights 0, 0.5, 1 -> one texel of 0.5 (a 2-texel footprint would give 0.25).
    const std::vector<float> level0 = fill(3, 1, [](int x, int) { return Texel{{0, 0, 0}, {0, 0, 1}, 0.0f, 0.5f * float(x)}; });
    mips.set_level0(level0.data(), 3, 1);
    mips.compute(2);
    EXPECT_EQ(MaterialMips::level_size(3, 1), 1);
    EXPECT_NEAR(mips.level(1)[7], 0.5f, 1e-6);
}

}  // namespace

// A model with neither normals nor roughness (albedo_v1-like, plus height) carries no moments: its
// levels are the linear-light albedo average and the plain height average.
TEST(MaterialMips, AlbedoAndHeightOnlyModelsAverageWithoutMoments) {
    ntex::ModelDescription d;
    ntex::OutputMap albedo, height;
    albedo.name = "albedo";
    albedo.semantic = MapSemantic::Albedo;
    albedo.channels = {0, 1, 2};
    albedo.color_space = "srgb";
    height.name = "height";
    height.semantic = MapSemantic::Height;
    height.channels = {3};
    height.color_space = "linear";
    d.outputs = {albedo, height};
    MaterialMips mips(d, ntex::make_material_layout(d));
    std::vector<float> level0(8 * 4 * 4);
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 8; ++x) {
            float* p = level0.data() + (std::size_t(y) * 8 + x) * 4;
            const bool odd = (x + y) % 2 != 0;
            p[0] = odd ? 1.0f : 0.0f;
            p[1] = odd ? 0.5f : 0.25f;
            p[2] = 0.75f;
            p[3] = odd ? 0.8f : 0.2f;
        }
    }
    mips.set_level0(level0.data(), 8, 4);
    mips.compute(3);
    const float lin_g = 0.5f * (ntex::srgb_to_linear(0.5f) + ntex::srgb_to_linear(0.25f));
    for (int l = 1; l < 3; ++l) {
        const int n = MaterialMips::level_size(8, l) * MaterialMips::level_size(4, l);
        for (int t = 0; t < n; ++t) {
            const float* p = mips.level(l) + t * 4;
            EXPECT_NEAR(p[0], ntex::linear_to_srgb(0.5f), 1e-5) << "level " << l;
            EXPECT_NEAR(p[1], ntex::linear_to_srgb(lin_g), 1e-5) << "level " << l;
            EXPECT_NEAR(p[2], 0.75f, 1e-5) << "level " << l;
            EXPECT_NEAR(p[3], 0.5f, 1e-6) << "level " << l;
        }
    }
}
