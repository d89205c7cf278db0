// SPDX-License-Identifier: MIT
// Channel packing on the host (NtexChannelPacking through ntexReadMap(s)): every component of a packed
// image equals the same component of its source map read on its own, in every host format, at every
// material mip level; constants; and the one-line errors for bad sources.
#include "core/error.h"
#include "core/half.h"
#include "runtime/async_generator.h"
#include "test_support.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace ntex {
namespace {

constexpr uint32_t kSize = 32;
// The tiny material model's maps: albedo (3), normal (3), roughness (1), height (1).
constexpr uint32_t kAlbedo = 0, kNormal = 1, kRoughness = 2, kHeight = 3;

NtexChannelPacking packing(NtexChannelSource r, NtexChannelSource g, NtexChannelSource b, NtexChannelSource a) {
    NtexChannelPacking p{};
    p.sType = NTEX_STRUCTURE_TYPE_CHANNEL_PACKING;
    p.channels[0] = r;
    p.channels[1] = g;
    p.channels[2] = b;
    p.channels[3] = a;
    return p;
}

constexpr NtexChannelSource kOne{NTEX_CHANNEL_SOURCE_ONE, 0};
constexpr NtexChannelSource kZero{NTEX_CHANNEL_SOURCE_ZERO, 0};

class ChannelPacking : public ::testing::Test {
protected:
    void SetUp() override {
        test::TinyModelOptions o;
        o.material = true;
        m_json = test::make_tiny_model(o).write(m_dir.path());
        ASSERT_NO_FATAL_FAILURE(test::open_generator(m_json, 1, kSize, &m_context, &m_model, &m_generator));
        ASSERT_EQ(ntexGenerate(m_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    void TearDown() override {
        ntexDestroyGenerator(m_generator);
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
    }

    // Map `map` read on its own as RGBA32F (the values packing selects from).
    std::vector<float> map_floats(uint32_t map) const {
        std::vector<float> out(std::size_t(kSize) * kSize * 4);
        NtexHostImage im{};
        im.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        im.format = NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT;
        im.pData = out.data();
        im.rowPitch = kSize * 16;
        im.size = out.size() * sizeof(float);
        EXPECT_EQ(ntexReadMap(m_generator, map, &im), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return out;
    }

    NtexResult read_packed(const NtexChannelPacking& p, NtexHostFormat format, std::size_t texel, std::vector<uint8_t>& out) const {
        out.assign(std::size_t(kSize) * kSize * texel, 0xAB);
        NtexHostImage im{};
        im.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        im.pNext = &p;
        im.format = format;
        im.pData = out.data();
        im.rowPitch = kSize * texel;
        im.size = out.size();
        return ntexReadMap(m_generator, NTEX_MAP_INDEX_PACKED, &im);
    }

    test::TempDir m_dir;
    std::filesystem::path m_json;
    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
    NtexGenerator m_generator = nullptr;
};

uint8_t unorm8(float v) { return static_cast<uint8_t>(std::floor(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f)); }

TEST_F(ChannelPacking, EveryComponentIsItsSourceMapsComponent) {
    const std::vector<float> albedo = map_floats(kAlbedo), normal = map_floats(kNormal), rough = map_floats(kRoughness),
                             height = map_floats(kHeight);
    // The two packings engines use most: normal.xy + roughness + height, and ORM + height.
    const NtexChannelPacking nrh = packing({kNormal, 0}, {kNormal, 1}, {kRoughness, 0}, {kHeight, 0});
    const NtexChannelPacking orm = packing(kOne, {kRoughness, 0}, kZero, {kHeight, 0});
    const NtexChannelPacking swizzle = packing({kAlbedo, 2}, {kAlbedo, 1}, {kAlbedo, 0}, {kNormal, 2});
    const std::size_t texels = std::size_t(kSize) * kSize;
    for (const NtexChannelPacking* p : {&nrh, &orm, &swizzle}) {
        // The expected float per component.
        std::vector<float> want(texels * 4);
        for (std::size_t t = 0; t < texels; ++t) {
            for (std::size_t k = 0; k < 4; ++k) {
                const NtexChannelSource s = p->channels[k];
                const std::vector<float>* src = s.mapIndex == kAlbedo ? &albedo : s.mapIndex == kNormal ? &normal
                                                : s.mapIndex == kRoughness ? &rough : s.mapIndex == kHeight ? &height : nullptr;
                want[t * 4 + k] = src != nullptr ? (*src)[t * 4 + s.component] : (s.mapIndex == NTEX_CHANNEL_SOURCE_ONE ? 1.0f : 0.0f);
            }
        }
        std::vector<uint8_t> f32, u8, bgra, rg8, r16, f16;
        ASSERT_EQ(read_packed(*p, NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, 16, f32), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(read_packed(*p, NTEX_HOST_FORMAT_R8G8B8A8, 4, u8), NTEX_SUCCESS);
        ASSERT_EQ(read_packed(*p, NTEX_HOST_FORMAT_B8G8R8A8, 4, bgra), NTEX_SUCCESS);
        ASSERT_EQ(read_packed(*p, NTEX_HOST_FORMAT_R8G8_UNORM, 2, rg8), NTEX_SUCCESS);
        ASSERT_EQ(read_packed(*p, NTEX_HOST_FORMAT_R16_UNORM, 2, r16), NTEX_SUCCESS);
        ASSERT_EQ(read_packed(*p, NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT, 8, f16), NTEX_SUCCESS);
        int varied = 0;
        for (std::size_t t = 0; t < texels; ++t) {
            for (std::size_t k = 0; k < 4; ++k) {
                const float v = want[t * 4 + k];
                float got;
                std::memcpy(&got, f32.data() + (t * 4 + k) * 4, 4);
                ASSERT_EQ(got, v) << "texel " << t << " component " << k;
                ASSERT_EQ(u8[t * 4 + k], unorm8(v));
                ASSERT_EQ(bgra[t * 4 + (k < 3 ? 2 - k : 3)], unorm8(v));
                if (k < 2) {
                    ASSERT_EQ(rg8[t * 2 + k], unorm8(v));
                }
                uint16_t h;
                std::memcpy(&h, f16.data() + (t * 4 + k) * 2, 2);
                ASSERT_EQ(h, float_to_half(v));
            }
            uint16_t r;
            std::memcpy(&r, r16.data() + t * 2, 2);
            ASSERT_EQ(r, static_cast<uint16_t>(std::floor(std::clamp(want[t * 4], 0.0f, 1.0f) * 65535.0f + 0.5f)));
            varied += want[t * 4 + 1] != want[1];
        }
        EXPECT_GT(varied, 0) << "a constant image cannot show the packing";
    }
}

TEST_F(ChannelPacking, ReadMapsMixesPackedAndPlainImagesFromOneResult) {
    const NtexChannelPacking orm = packing(kOne, {kRoughness, 0}, kZero, {kHeight, 0});
    std::vector<uint8_t> packed(std::size_t(kSize) * kSize * 4), rough(std::size_t(kSize) * kSize);
    NtexHostImage im[2]{};
    im[0].sType = im[1].sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    im[0].pNext = &orm;
    im[0].format = NTEX_HOST_FORMAT_R8G8B8A8;
    im[0].pData = packed.data();
    im[0].rowPitch = kSize * 4;
    im[0].size = packed.size();
    im[1].format = NTEX_HOST_FORMAT_R8_UNORM;
    im[1].pData = rough.data();
    im[1].rowPitch = kSize;
    im[1].size = rough.size();
    const uint32_t maps[2] = {NTEX_MAP_INDEX_PACKED, kRoughness};
    uint64_t id = 0;
    ASSERT_EQ(ntexReadMaps(m_generator, 2, maps, im, &id), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(id, 1u);
    for (std::size_t t = 0; t < rough.size(); ++t) {
        ASSERT_EQ(packed[t * 4 + 0], 255);
        ASSERT_EQ(packed[t * 4 + 1], rough[t]);
        ASSERT_EQ(packed[t * 4 + 2], 0);
    }
}

TEST_F(ChannelPacking, BadSourcesAreRefusedWithOneLine) {
    std::vector<uint8_t> out;
    auto error_of = [&](const NtexChannelPacking& p, uint32_t map = NTEX_MAP_INDEX_PACKED) {
        out.assign(std::size_t(kSize) * kSize * 4, 0);
        NtexHostImage im{};
        im.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        im.pNext = &p;
        im.format = NTEX_HOST_FORMAT_R8G8B8A8;
        im.pData = out.data();
        im.rowPitch = kSize * 4;
        im.size = out.size();
        EXPECT_EQ(ntexReadMap(m_generator, map, &im), NTEX_ERROR_INVALID_ARGUMENT);
        const std::string message = ntexGetLastErrorMessage();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        for (uint8_t b : out) EXPECT_EQ(b, 0) << "nothing is written on an error";
        return message;
    };
    EXPECT_NE(error_of(packing({4, 0}, kOne, kOne, kOne)).find("channels[0].mapIndex 4 is out of range (the model has 4 maps"),
              std::string::npos);
    EXPECT_NE(error_of(packing(kOne, kOne, {kRoughness, 1}, kOne)).find("channels[2].component 1 is out of range (map 2 has 1 channel)"),
              std::string::npos);
    EXPECT_NE(error_of(packing(kOne, kOne, kOne, {kAlbedo, 3})).find("channels[3].component 3"), std::string::npos);
    EXPECT_NE(error_of(packing({NTEX_CHANNEL_SOURCE_ZERO - 1, 0}, kOne, kOne, kOne)).find("mapIndex 4294967293"), std::string::npos);
    EXPECT_NE(error_of(packing(kOne, kOne, kOne, kOne), kRoughness).find("its map index must be NTEX_MAP_INDEX_PACKED"),
              std::string::npos);
    NtexChannelPacking wrong = packing(kOne, kOne, kOne, kOne);
    wrong.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    EXPECT_NE(error_of(wrong).find("pImage->pNext has sType 6"), std::string::npos);
    NtexChannelPacking chained = packing(kOne, kOne, kOne, kOne);
    chained.pNext = &wrong;
    EXPECT_NE(error_of(chained).find("pNext->pNext must be NULL"), std::string::npos);
    // The packed map index without a packing.
    NtexHostImage plain{};
    plain.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    plain.format = NTEX_HOST_FORMAT_R8G8B8A8;
    plain.pData = out.data();
    plain.rowPitch = kSize * 4;
    plain.size = out.size();
    EXPECT_EQ(ntexReadMap(m_generator, NTEX_MAP_INDEX_PACKED, &plain), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("chains no NtexChannelPacking"), std::string::npos);
}

// Material mips (runtime/material_mips.h) with packing: each level's packed components are the levels of
// their source maps, filtered as those maps (the albedo in linear light, the normal renormalised).
TEST(ChannelPackingLevels, PackedLevelsAreTheSourceMapsLevels) {
    test::TinyModelOptions o;
    o.material = true;
    GeneratorSettings s;
    s.threads = 1;
    AsyncGenerator gen(test::load_in_memory(test::make_tiny_model(o)), 16, 16, s);
    gen.generate();
    constexpr uint32_t kLevels = 5;
    const uint32_t maps[2] = {kNormal, kAlbedo};
    std::vector<std::vector<float>> plain(kLevels * 2), packed(kLevels);
    std::vector<HostImageView> plain_views(kLevels * 2), packed_views(kLevels);
    const std::array<NtexChannelSource, 4> sources{NtexChannelSource{kNormal, 0}, NtexChannelSource{kNormal, 1},
                                                   NtexChannelSource{kAlbedo, 1}, kZero};
    for (uint32_t l = 0; l < kLevels; ++l) {
        const std::size_t n = std::size_t(16 >> l) * std::size_t(16 >> l) * 4;
        for (uint32_t i = 0; i < 2; ++i) {
            plain[l * 2 + i].resize(n);
            plain_views[l * 2 + i] = HostImageView{NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, plain[l * 2 + i].data(), std::size_t(16 >> l) * 16,
                                                   n * 4, std::nullopt};
        }
        packed[l].resize(n);
        packed_views[l] = HostImageView{NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT, packed[l].data(), std::size_t(16 >> l) * 16, n * 4, sources};
    }
    std::unique_ptr<MaterialMips> scratch;
    gen.read_map_levels(2, maps, kLevels, plain_views.data(), scratch, nullptr);
    const uint32_t packed_index = NTEX_MAP_INDEX_PACKED;
    gen.read_map_levels(1, &packed_index, kLevels, packed_views.data(), scratch, nullptr);
    for (uint32_t l = 0; l < kLevels; ++l) {
        const std::vector<float>& normal = plain[l * 2];
        const std::vector<float>& albedo = plain[l * 2 + 1];
        for (std::size_t t = 0; t < packed[l].size() / 4; ++t) {
            ASSERT_EQ(packed[l][t * 4 + 0], normal[t * 4 + 0]) << "level " << l;
            ASSERT_EQ(packed[l][t * 4 + 1], normal[t * 4 + 1]) << "level " << l;
            ASSERT_EQ(packed[l][t * 4 + 2], albedo[t * 4 + 1]) << "level " << l;
            ASSERT_EQ(packed[l][t * 4 + 3], 0.0f);
        }
    }
}

}  // namespace
}  // namespace ntex
