// SPDX-License-Identifier: MIT
// runtime/material_mip_texel.h on the host: mip_level0_texel and mip_downsample_texel (what the CUDA
// material mip filter runs per texel) give MaterialMips' levels (the CPU path, the filter's
// specification) at every level, for odd and power-of-two sizes. This tests the CUDA filter's
// arithmetic without a GPU; its kernels are tested on a device (CudaTextureSetTest.MaterialMipsMatchTheHostCopyPath).
#include "core/error.h"
#include "runtime/material.h"
#include "runtime/material_mip_texel.h"
#include "runtime/material_mips.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace ntex {
namespace {

// albedo (sRGB) [0,1,2], a normal derived from height [3], roughness [4], height [3], and a 2-channel
// linear map [5,6]; ranges that move every channel.
ModelDescription description(bool with_normal_and_roughness = true) {
    using test::output_map;
    ModelDescription d;
    d.outputs.push_back(output_map("albedo", MapSemantic::Albedo, {0, 1, 2}, -1.0f, 1.0f));
    d.outputs.back().color_space = "srgb";
    if (with_normal_and_roughness) {
        d.outputs.push_back(output_map("normal", MapSemantic::Normal, {}, 0.0f, 1.0f, 3));
        d.outputs.push_back(output_map("roughness", MapSemantic::Roughness, {4}, -1.0f, 1.0f));
    }
    d.outputs.push_back(output_map("height", MapSemantic::Height, {3}, -2.0f, 2.0f));
    d.outputs.push_back(output_map("extra", MapSemantic::Other, {5, 6}, -1.0f, 1.0f));
    d.height_scale = 3.0f;
    return d;
}

constexpr int kRawC = 7;

void expect_levels_match(const ModelDescription& d, int w, int h) {
    const int raw_w = w + 6, raw_h = h + 4, ox = 3, oy = 2;
    std::mt19937 rng(11);
    std::normal_distribution<float> n(0.0f, 0.8f);
    std::vector<float> raw(static_cast<std::size_t>(raw_w) * raw_h * kRawC);
    for (float& v : raw) v = n(rng);
    const MaterialLayout layout = make_material_layout(d);
    const std::size_t mc = static_cast<std::size_t>(layout.channels);
    std::vector<float> level0(static_cast<std::size_t>(w) * h * mc);
    build_material_tensor(d, layout, raw.data(), raw_w, raw_h, kRawC, ox, oy, w, h, level0.data());
    const int levels = static_cast<int>(std::log2(std::max(w, h))) + 1;
    MaterialMips cpu(d, layout);
    cpu.set_level0(level0.data(), w, h);
    cpu.compute(levels);

    const MaterialMipTable t = material_mip_table(d);
    ASSERT_EQ(t.channels, layout.channels);
    const std::size_t km = static_cast<std::size_t>(t.moments);
    std::vector<float> mat(static_cast<std::size_t>(w) * h * mc), mom(static_cast<std::size_t>(w) * h * std::max<std::size_t>(km, 1));
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            mip_level0_texel(t, raw.data(), raw_w, raw_h, kRawC, ox + x, oy + y, mat.data() + i * mc, mom.data() + i * km);
        }
    }
    for (int l = 0; l < levels; ++l) {
        const int lw = MaterialMips::level_size(w, l), lh = MaterialMips::level_size(h, l);
        if (l > 0) {
            const int sw = MaterialMips::level_size(w, l - 1), sh = MaterialMips::level_size(h, l - 1);
            std::vector<float> next(static_cast<std::size_t>(lw) * lh * mc), next_mom(static_cast<std::size_t>(lw) * lh * std::max<std::size_t>(km, 1));
            for (int y = 0; y < lh; ++y) {
                for (int x = 0; x < lw; ++x) {
                    const std::size_t i = static_cast<std::size_t>(y) * lw + x;
                    mip_downsample_texel(t, mat.data(), mom.data(), sw, sh, lw, lh, x, y, next.data() + i * mc, next_mom.data() + i * km);
                }
            }
            mat.swap(next);
            mom.swap(next_mom);
        }
        const float* want = cpu.level(l);
        float worst = 0.0f;
        std::size_t bad = 0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(lw) * lh * mc; ++i) {
            const float diff = std::fabs(mat[i] - want[i]);
            worst = std::max(worst, diff);
            // Float sums against double sums and a tabulated sRGB curve: last bits (a 16-bit LSB is 1.5e-5).
            if (!(diff <= 1e-5f)) ++bad;
        }
        EXPECT_EQ(bad, 0u) << "level " << l << " (" << lw << "x" << lh << "): values off by more than 1e-5; worst " << worst;
    }
}

TEST(MaterialMipTexel, EveryLevelMatchesMaterialMipsAtPowerOfTwoSizes) { expect_levels_match(description(), 32, 16); }

TEST(MaterialMipTexel, EveryLevelMatchesMaterialMipsAtOddSizes) { expect_levels_match(description(), 37, 23); }

TEST(MaterialMipTexel, WithoutNormalOrRoughnessEverythingIsAPlainOrLinearLightAverage) {
    const ModelDescription d = description(false);
    EXPECT_EQ(material_mip_table(d).moments, 0);
    expect_levels_match(d, 19, 12);
}

TEST(MaterialMipTexel, TheTableChoosesMapsAsMaterialMips) {
    const MaterialMipTable t = material_mip_table(description());
    EXPECT_EQ(t.maps, 5);
    EXPECT_EQ(t.channels, 3 + 3 + 1 + 1 + 2);
    EXPECT_EQ(t.normal_map, 1);
    EXPECT_EQ(t.roughness_map, 2);
    EXPECT_EQ(t.moments, 4);
    EXPECT_EQ(t.map[0].srgb, 1);
    EXPECT_EQ(t.map[1].derived, 1);
    EXPECT_EQ(t.map[1].channel[0], 3);
    ModelDescription too_many = description();
    while (too_many.outputs.size() <= static_cast<std::size_t>(MaterialMipTable::kMaxMaps)) too_many.outputs.push_back(too_many.outputs.back());
    test::expect_error([&] { (void)material_mip_table(too_many); }, NTEX_ERROR_INVALID_MODEL, "at most 8 maps");
}

}  // namespace
}  // namespace ntex
