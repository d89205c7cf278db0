// SPDX-License-Identifier: MIT
// Channel-packed texture sets (NtexTextureSetPackingInfo) on a host-owned Vulkan device (lavapipe in CI),
// under the validation layer with synchronization validation: every packed image holds what
// ntexReadMap returns for the same packing; with the material mip filter every level's components equal
// the levels of a plain set's maps (packing never changes how a component is filtered); the Vulkan compute
// path packs on the device within 1 LSB of the CPU path; misuse is refused with one line.
#include "formats.h"
#include "load_generator.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>
#include <ntex/ntex_vulkan.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

std::string material_v1() { return std::string(NTEX_SOURCE_DIR) + "/models/material_v1.json"; }

// material_v1's maps: albedo 0 (3 channels), normal 1 (3), roughness 2 (1), height 3 (1).
constexpr NtexChannelSource kOne{NTEX_CHANNEL_SOURCE_ONE, 0};
constexpr NtexChannelSource kZero{NTEX_CHANNEL_SOURCE_ZERO, 0};

NtexChannelPacking packing(NtexChannelSource r, NtexChannelSource g, NtexChannelSource b, NtexChannelSource a) {
    NtexChannelPacking p{NTEX_STRUCTURE_TYPE_CHANNEL_PACKING};
    p.channels[0] = r;
    p.channels[1] = g;
    p.channels[2] = b;
    p.channels[3] = a;
    return p;
}

// The two packings engines use: normal.xy + roughness + height, and ORM (occlusion 1, metallic 0) + height.
const NtexChannelPacking kPacked[2] = {packing({1, 0}, {1, 1}, {2, 0}, {3, 0}), packing(kOne, {2, 0}, kZero, {3, 0})};

class PackedTextureSetTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(material_v1())) GTEST_SKIP() << "models/material_v1.json is absent";
        host = std::make_unique<VulkanHost>();
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
    }
    void TearDown() override {
        for (NtexTextureSet s : sets) ntexDestroyTextureSet(s);
        ntex_test::destroy_in_order(nullptr, generator, model, context);
        if (host) {
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    void open(NtexBackend backend) {
        ASSERT_EQ(host->create_context(backend, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_TRUE(ntex_test::load_generator(context, material_v1(), 64, 32, &model, &generator));
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = 21;
        p.truncationPsi = 1.0f;
        ASSERT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    // A set of `packings` (none: every map, one image each) with these formats and mip filter, on the
    // fixture's generator (destroyed in TearDown) or on `other` of context `other_context` (the caller's).
    NtexResult create(const std::vector<NtexChannelPacking>& packings, const std::vector<VkFormat>& formats, NtexMipFilter filter,
                      NtexTextureSet* out, uint32_t map_mask = 0, NtexContext other_context = nullptr, NtexGenerator other = nullptr) {
        NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
        mips.filter = filter;
        NtexTextureSetPackingInfo pack{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO};
        pack.pNext = &mips;
        pack.imageCount = static_cast<uint32_t>(packings.size());
        pack.pImages = packings.data();
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = packings.empty() ? static_cast<const void*>(&mips) : &pack;
        si.generator = other != nullptr ? other : generator;
        si.ringSize = 2;
        si.mapMask = map_mask;
        si.pFormats = formats.empty() ? nullptr : formats.data();
        const NtexResult r = ntexCreateTextureSet(other != nullptr ? other_context : context, &si, out);
        if (r == NTEX_SUCCESS && other == nullptr) sets.push_back(*out);
        return r;
    }

    NtexTextureSetImages images_of(NtexTextureSet s, NtexTextureSetPath* path = nullptr) {
        NtexTextureSetPathInfo pi{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        im.pNext = &pi;
        EXPECT_EQ(ntexGetTextureSetImages(s, &im), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        im.pNext = nullptr;
        if (path != nullptr) *path = pi.path;
        return im;
    }

    // Level 0 of packed image i read through ntexReadMap with the same packing, RGBA8.
    std::vector<uint8_t> read_packed(const NtexChannelPacking& p) {
        std::vector<uint8_t> out(64u * 32u * 4u);
        NtexHostImage hi{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
        hi.pNext = &p;
        hi.format = NTEX_HOST_FORMAT_R8G8B8A8;
        hi.pData = out.data();
        hi.rowPitch = 64 * 4;
        hi.size = out.size();
        EXPECT_EQ(ntexReadMap(generator, NTEX_MAP_INDEX_PACKED, &hi), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return out;
    }

    std::unique_ptr<VulkanHost> host;
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    std::vector<NtexTextureSet> sets;
};

TEST_F(PackedTextureSetTest, PackedImagesHoldTheirSourcesAtEveryMaterialMipLevel) {
    open(NTEX_BACKEND_CPU);
    const std::vector<NtexChannelPacking> packed(std::begin(kPacked), std::end(kPacked));
    NtexTextureSet ps = nullptr, plain = nullptr;
    ASSERT_EQ(create(packed, {}, NTEX_MIP_FILTER_MATERIAL, &ps), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    // The same maps unpacked, each in a format whose bytes are the packed image's bytes.
    ASSERT_EQ(create({}, {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R8_UNORM, VK_FORMAT_R8_UNORM},
                     NTEX_MIP_FILTER_MATERIAL, &plain),
              NTEX_SUCCESS)
        << ntexGetLastErrorMessage();
    ASSERT_EQ(host->update_and_submit(ps), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(host->update_and_submit(plain), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetPath path{};
    const NtexTextureSetImages pi = images_of(ps, &path), mi = images_of(plain);
    EXPECT_EQ(path, NTEX_TEXTURE_SET_PATH_HOST_COPIES);
    ASSERT_EQ(pi.mapCount, 2u);
    EXPECT_EQ(pi.mapIndices[0], NTEX_MAP_INDEX_PACKED);
    EXPECT_EQ(pi.formats[1], VK_FORMAT_R8G8B8A8_UNORM) << "the default format of a packed image";
    ASSERT_EQ(pi.mipLevels, mi.mipLevels);
    ASSERT_EQ(pi.mipLevels, 7u);
    ASSERT_EQ(pi.resultId, mi.resultId);
    // Level 0 equals ntexReadMap with the same packing.
    for (uint32_t i = 0; i < 2; ++i) {
        EXPECT_EQ(host->read_image(pi.images[i], 64, 32, 4, 0), read_packed(kPacked[i])) << "packed image " << i;
    }
    int varied = 0;
    for (uint32_t level = 0; level < pi.mipLevels; ++level) {
        const std::vector<uint8_t> nrh = host->read_image(pi.images[0], 64, 32, 4, level);
        const std::vector<uint8_t> orm = host->read_image(pi.images[1], 64, 32, 4, level);
        const std::vector<uint8_t> normal = host->read_image(mi.images[1], 64, 32, 4, level);
        const std::vector<uint8_t> rough = host->read_image(mi.images[2], 64, 32, 1, level);
        const std::vector<uint8_t> height = host->read_image(mi.images[3], 64, 32, 1, level);
        ASSERT_EQ(nrh.size(), rough.size() * 4);
        for (std::size_t t = 0; t < rough.size(); ++t) {
            ASSERT_EQ(nrh[t * 4 + 0], normal[t * 4 + 0]) << "level " << level << " texel " << t;
            ASSERT_EQ(nrh[t * 4 + 1], normal[t * 4 + 1]) << "level " << level << " texel " << t;
            ASSERT_EQ(nrh[t * 4 + 2], rough[t]) << "level " << level << " texel " << t;
            ASSERT_EQ(nrh[t * 4 + 3], height[t]) << "level " << level << " texel " << t;
            ASSERT_EQ(orm[t * 4 + 0], 255);
            ASSERT_EQ(orm[t * 4 + 1], rough[t]);
            ASSERT_EQ(orm[t * 4 + 2], 0);
            ASSERT_EQ(orm[t * 4 + 3], height[t]);
            varied += rough[t] != rough[0];
        }
    }
    EXPECT_GT(varied, 0) << "a flat roughness cannot show the packing";
}

TEST_F(PackedTextureSetTest, BlitMipsAndChosenFormats) {
    open(NTEX_BACKEND_CPU);
    const std::vector<NtexChannelPacking> packed = {kPacked[0]};
    NtexTextureSet ps = nullptr;
    ASSERT_EQ(create(packed, {VK_FORMAT_R8G8_UNORM}, NTEX_MIP_FILTER_BLIT, &ps), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(host->update_and_submit(ps), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const NtexTextureSetImages pi = images_of(ps);
    ASSERT_EQ(pi.formats[0], VK_FORMAT_R8G8_UNORM);
    const std::vector<uint8_t> rgba = read_packed(kPacked[0]);
    const std::vector<uint8_t> rg = host->read_image(pi.images[0], 64, 32, 2, 0);
    ASSERT_EQ(rg.size() * 2, rgba.size());
    for (std::size_t t = 0; t < rg.size() / 2; ++t) {
        ASSERT_EQ(rg[t * 2], rgba[t * 4]) << "R8G8 keeps the first two components";
        ASSERT_EQ(rg[t * 2 + 1], rgba[t * 4 + 1]);
    }
    EXPECT_GT(pi.mipLevels, 1u) << "blitted chain";
}

// The Vulkan compute path packs on the device (texels.comp: per-component sources and ranges, components
// of the derived normal, constants), level 0 from the network's output and every material mip level from
// the filter's work buffer: within 1 LSB of the CPU path's packed set at every level.
TEST_F(PackedTextureSetTest, TheVulkanComputePathPacksOnTheDevice) {
    open(NTEX_BACKEND_VULKAN);
    NtexBackendInfo info{NTEX_STRUCTURE_TYPE_BACKEND_INFO};
    ASSERT_EQ(ntexGetContextBackendInfo(context, &info), NTEX_SUCCESS);
    if (info.backend != NTEX_BACKEND_VULKAN) GTEST_SKIP() << "no Vulkan compute backend here: " << info.fallbackReason;
    // A third packing mixes every kind of source: albedo's blue, the derived normal's z, a constant and roughness.
    std::vector<NtexChannelPacking> packed(std::begin(kPacked), std::end(kPacked));
    packed.push_back(packing({0, 2}, {1, 2}, kOne, {2, 0}));
    for (const NtexMipFilter filter : {NTEX_MIP_FILTER_MATERIAL, NTEX_MIP_FILTER_BLIT}) {
        NtexTextureSet gpu = nullptr;
        ASSERT_EQ(create(packed, {}, filter, &gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        // The compute path needs no ntexGenerate: the update runs the network on the device.
        ASSERT_EQ(host->update_and_submit(gpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexTextureSetPath path{};
        const NtexTextureSetImages gi = images_of(gpu, &path);
        EXPECT_EQ(path, NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE);

        // The CPU path's packed set of the same generator parameters, on a second context.
        NtexContext cpu_context = nullptr;
        NtexModel cpu_model = nullptr;
        NtexGenerator cpu_generator = nullptr;
        NtexTextureSet cpu = nullptr;
        ASSERT_EQ(host->create_context(NTEX_BACKEND_CPU, &cpu_context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_TRUE(ntex_test::load_generator(cpu_context, material_v1(), 64, 32, &cpu_model, &cpu_generator));
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = 21;
        p.truncationPsi = 1.0f;
        ASSERT_EQ(ntexSetGeneratorParams(cpu_generator, &p), NTEX_SUCCESS);
        ASSERT_EQ(ntexGenerate(cpu_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(create(packed, {}, filter, &cpu, 0, cpu_context, cpu_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(host->update_and_submit(cpu), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        const NtexTextureSetImages ci = images_of(cpu);
        ASSERT_EQ(gi.mipLevels, ci.mipLevels);
        int worst = 0;
        for (uint32_t i = 0; i < gi.mapCount; ++i) {
            for (uint32_t level = 0; level < gi.mipLevels; ++level) {
                const std::vector<uint8_t> g = host->read_image(gi.images[i], 64, 32, 4, level);
                const std::vector<uint8_t> c = host->read_image(ci.images[i], 64, 32, 4, level);
                ASSERT_EQ(g.size(), c.size());
                for (std::size_t b = 0; b < g.size(); ++b) worst = std::max(worst, std::abs(int(g[b]) - int(c[b])));
            }
        }
        std::fprintf(stderr, "%s mips: largest difference from the CPU path %d LSB over %u levels of %u packed images\n",
                     filter == NTEX_MIP_FILTER_MATERIAL ? "material" : "blitted", worst, gi.mipLevels, gi.mapCount);
        EXPECT_LE(worst, 1) << "packed texels differ from the CPU path by more than 1 LSB";
        ntexDestroyTextureSet(cpu);
        ntex_test::destroy_in_order(nullptr, cpu_generator, cpu_model, cpu_context);
    }
}

TEST_F(PackedTextureSetTest, CxxWrapperTakesPackedImages) {
    const ntex::VulkanDevice device(host->instance, host->physical_device, host->device, host->queue_family, vkGetInstanceProcAddr);
    const ntex::Context cxx_context(device.options(NTEX_BACKEND_CPU, 2));
    const ntex::Model cxx_model(cxx_context, material_v1());
    ntex::Generator cxx_generator(cxx_context, cxx_model, 64, 32);
    ntex::TextureSet::Options options;
    options.packed_images = {kPacked[1]};
    options.packed_images[0].sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;   // the wrapper sets it
    options.mip_filter = NTEX_MIP_FILTER_MATERIAL;
    ntex::TextureSet cxx_set(cxx_context, cxx_generator, options);
    cxx_generator.generate();
    host->submit([&](VkCommandBuffer cmd) { return cxx_set.cmd_update(cmd); }, cxx_set.images().semaphore);
    const NtexTextureSetImages im = cxx_set.images();
    ASSERT_EQ(im.mapCount, 1u);
    EXPECT_EQ(im.mapIndices[0], NTEX_MAP_INDEX_PACKED);
    const std::vector<uint8_t> orm = host->read_image(im.images[0], 64, 32, 4, 0);
    const std::vector<uint8_t> rough = cxx_generator.read_rgba8(2);   // roughness repeated in R, G, B
    ASSERT_EQ(orm.size(), rough.size());
    for (std::size_t t = 0; t < orm.size() / 4; ++t) {
        ASSERT_EQ(orm[t * 4], 255);
        ASSERT_EQ(orm[t * 4 + 1], rough[t * 4]);
        ASSERT_EQ(orm[t * 4 + 2], 0);
    }
}

TEST_F(PackedTextureSetTest, MisuseIsRefusedWithOneLine) {
    open(NTEX_BACKEND_CPU);
    NtexTextureSet s = nullptr;
    auto refused = [&](const std::vector<NtexChannelPacking>& p, const char* needle, uint32_t mask = 0) {
        EXPECT_EQ(create(p, {}, NTEX_MIP_FILTER_BLIT, &s, mask), NTEX_ERROR_INVALID_ARGUMENT) << needle;
        const std::string m = ntexGetLastErrorMessage();
        EXPECT_NE(m.find(needle), std::string::npos) << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    };
    refused({kPacked[0]}, "mapMask must be 0", 1u);
    refused({packing({4, 0}, kOne, kOne, kOne)}, "pImages[0].channels[0].mapIndex 4 is out of range");
    refused({kPacked[0], packing(kOne, {3, 1}, kOne, kOne)}, "pImages[1].channels[1].component 1 is out of range (map 3 has 1 channel)");
    NtexChannelPacking wrong = kPacked[0];
    wrong.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    refused({wrong}, "pImages[0]: sType 6");
    std::vector<NtexChannelPacking> nine(9, kPacked[0]);
    refused(nine, "imageCount 9");
    // imageCount 0 with an array.
    NtexTextureSetPackingInfo pack{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO};
    pack.pImages = kPacked;
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &pack;
    si.generator = generator;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &s), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("imageCount 0"), std::string::npos);
    // Two packing infos in one chain.
    NtexTextureSetPackingInfo second = pack;
    second.imageCount = 1;
    pack.imageCount = 1;
    pack.pNext = &second;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &s), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("twice"), std::string::npos);
}

}  // namespace
