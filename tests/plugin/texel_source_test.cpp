// SPDX-License-Identifier: MIT
// model/texel_source.h on the host: texel_components (the per-texel arithmetic the CUDA surface writer
// runs in its kernel, and texels.comp's push constants describe) gives, for every map under
// write_map's component rule and for channel packings, the values the CPU path selects from
// build_material_tensor. This tests the CUDA writer's selection and arithmetic without a GPU; the
// kernel's stores and mips are tested on a device (cuda_parity_test.cpp, CudaSurfaceWrite.*).
#include "core/error.h"
#include "model/texel_source.h"
#include "runtime/material.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace ntex {
namespace {

// A final tensor of 6 channels and 5 maps: albedo [0,1,2], height [3], roughness [4], a second height
// [5], the normal derived from the first height (material_v1's layout, map order shuffled so the
// derived map is not last) and a 4-channel map [0,1,4,5] to cover the alpha rule.
ModelDescription description() {
    using test::output_map;
    ModelDescription d;
    d.outputs.push_back(output_map("albedo", MapSemantic::Albedo, {0, 1, 2}, -1.0f, 1.0f));
    d.outputs.push_back(output_map("normal", MapSemantic::Normal, {}, 0.0f, 1.0f, 2));
    d.outputs.push_back(output_map("height", MapSemantic::Height, {3}, -2.0f, 3.0f));
    d.outputs.push_back(output_map("roughness", MapSemantic::Roughness, {4}, 0.0f, 1.0f));
    d.outputs.push_back(output_map("rgba", MapSemantic::Other, {0, 1, 4, 5}, -0.5f, 0.5f));
    d.outputs.push_back(output_map("height2", MapSemantic::Height, {5}, -1.0f, 1.0f));
    d.outputs.push_back(output_map("normal2", MapSemantic::Normal, {}, 0.0f, 1.0f, 5));
    d.height_scale = 3.0f;
    return d;
}

constexpr int kRawW = 21, kRawH = 17, kRawC = 6;
constexpr int kW = 16, kH = 13;
// Crops at the tensor's top-left and bottom-right corners: the derived normals' neighbours wrap around.
constexpr int kCrops[2][2] = {{0, 0}, {kRawW - kW, kRawH - kH}};

std::vector<float> raw_tensor() {
    std::mt19937 rng(7);
    std::normal_distribution<float> n(0.0f, 1.2f);   // values beyond every range: the clamp is the writer's
    std::vector<float> raw(static_cast<std::size_t>(kRawW) * kRawH * kRawC);
    for (float& v : raw) v = n(rng);
    return raw;
}

// Every component of every texel of the crop: texel_components against the CPU path's select.
void expect_same_as_cpu_at(const ModelDescription& d, const TexelSource& source, const ChannelSelect& select, int kOx, int kOy) {
    const MaterialLayout layout = make_material_layout(d);
    const std::vector<float> raw = raw_tensor();
    std::vector<float> material(static_cast<std::size_t>(kW) * kH * static_cast<std::size_t>(layout.channels));
    build_material_tensor(d, layout, raw.data(), kRawW, kRawH, kRawC, kOx, kOy, kW, kH, material.data());
    std::size_t bad = 0;
    float worst = 0.0f;
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            float v[4];
            texel_components(source, raw.data(), kRawW, kRawH, kRawC, kOx + x, kOy + y, v);
            const float* px = material.data() + (static_cast<std::size_t>(y) * kW + static_cast<std::size_t>(x)) * static_cast<std::size_t>(layout.channels);
            for (std::size_t k = 0; k < 4; ++k) {
                const float want = select.channel[k] >= 0 ? px[select.channel[k]] : select.value[k];
                const float diff = std::fabs(v[k] - want);
                worst = std::max(worst, diff);
                // Float rounding only (a compiler may contract a multiply-add differently per file).
                if (diff > 1e-6f) ++bad;
            }
        }
    }
    EXPECT_EQ(bad, 0u) << "components differing from the CPU path at crop (" << kOx << ", " << kOy << "); worst " << worst;
}

void expect_same_as_cpu(const ModelDescription& d, const TexelSource& source, const ChannelSelect& select) {
    for (const auto& crop : kCrops) expect_same_as_cpu_at(d, source, select, crop[0], crop[1]);
}

TEST(TexelSource, EveryMapMatchesTheCpuPathsComponentRule) {
    const ModelDescription d = description();
    const MaterialLayout layout = make_material_layout(d);
    for (uint32_t map = 0; map < d.outputs.size(); ++map) {
        SCOPED_TRACE(d.outputs[map].name);
        expect_same_as_cpu(d, texel_source_of_map(d, map), map_select(layout, map));
    }
}

TEST(TexelSource, PackingsMatchTheCpuPathsPackedSelect) {
    const ModelDescription d = description();
    const MaterialLayout layout = make_material_layout(d);
    constexpr uint32_t zero = NTEX_CHANNEL_SOURCE_ZERO, one = NTEX_CHANNEL_SOURCE_ONE;
    const std::vector<std::array<NtexChannelSource, 4>> packings = {
        {{{1, 0}, {1, 1}, {3, 0}, {2, 0}}},             // normal.xy, roughness, height
        {{{one, 0}, {3, 0}, {zero, 0}, {2, 0}}},        // ORM + height
        {{{1, 2}, {0, 2}, {4, 3}, {6, 1}}},             // derived z, albedo blue, rgba's alpha, the second normal's y
        {{{0, 1}, {0, 1}, {0, 1}, {0, 1}}},             // one component four times
    };
    // The third asks for normals from two heights: the writers derive one per image.
    for (std::size_t i = 0; i < packings.size(); ++i) {
        SCOPED_TRACE(i);
        if (i == 2) {
            test::expect_error([&] { (void)texel_source_of_packing(d, packings[i]); }, NTEX_ERROR_UNSUPPORTED, "two heights");
            continue;
        }
        expect_same_as_cpu(d, texel_source_of_packing(d, packings[i]), packed_select(layout, packings[i], "test"));
    }
    // Without the second normal it is one height again.
    const std::array<NtexChannelSource, 4> one_height = {{{1, 2}, {0, 2}, {4, 3}, {1, 1}}};
    expect_same_as_cpu(d, texel_source_of_packing(d, one_height), packed_select(layout, one_height, "test"));
}

TEST(TexelSource, RefusesWhatTheModelDoesNotHave) {
    const ModelDescription d = description();
    test::expect_error([&] { (void)texel_source_of_map(d, 7); }, NTEX_ERROR_INVALID_ARGUMENT, "map index 7 out of range");
    const std::array<NtexChannelSource, 4> past_map = {{{9, 0}, {0, 0}, {0, 0}, {0, 0}}};
    test::expect_error([&] { (void)texel_source_of_packing(d, past_map); }, NTEX_ERROR_INVALID_ARGUMENT, "map 9 component 0 is not in the model");
    const std::array<NtexChannelSource, 4> past_component = {{{0, 0}, {3, 1}, {0, 0}, {0, 0}}};
    test::expect_error([&] { (void)texel_source_of_packing(d, past_component); }, NTEX_ERROR_INVALID_ARGUMENT, "map 3 component 1");
}

}  // namespace
}  // namespace ntex
