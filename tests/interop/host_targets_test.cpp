// SPDX-License-Identifier: MIT
// Host-owned targets (issue 15, NtexTextureSetTargetsInfo): a host hands ntex layers of its own
// bindless-style array images (or a mip range of an atlas-like image) and ntex writes the texels there
// instead of into images of its own. The written subresources must hold exactly the texels of
// ntexReadMap (Vulkan compute path: within 1 LSB of the CPU's), every other layer and level must keep
// the host's content, the host's chosen final layout must be the one left behind, every wrong
// description must be refused with a message naming the target and field, and the validation layer
// (with synchronization validation) must stay silent.
#include "formats.h"
#include "load_generator.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>
#include <ntex/ntex_vulkan.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

using ntex_test::host_format;
using ntex_test::texel_bytes;
using ntex_test::VulkanHost;

std::string model_path(const char* name) { return std::string(NTEX_SOURCE_DIR) + "/models/" + name + ".json"; }

constexpr uint32_t kWidth = 64, kHeight = 32;
constexpr uint32_t kFullChain = 7;   // 64 -> 1
constexpr VkImageUsageFlags kUsage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;

class HostTargetsTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path("material_v1"))) GTEST_SKIP() << "model material_v1 is not in models/";
        host = std::make_unique<VulkanHost>();
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
        open(NTEX_BACKEND_CPU, &context, &model, &generator);
    }

    void TearDown() override {
        ntex_test::destroy_in_order(set, generator, model, context);
        if (host) {
            for (VulkanHost::Image& image : images) host->destroy(image);
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    void open(NtexBackend backend, NtexContext* c, NtexModel* m, NtexGenerator* g) {
        ASSERT_EQ(host->create_context(backend, c), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_TRUE(ntex_test::load_generator(*c, model_path("material_v1"), kWidth, kHeight, m, g));
    }

    static void set_seed(NtexGenerator g, uint32_t seed) {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = 0.8f;
        ASSERT_EQ(ntexSetGeneratorParams(g, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    // The model's default format per map (what the set would have chosen itself).
    std::vector<VkFormat> default_formats() const {
        NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
        EXPECT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
        std::vector<VkFormat> formats;
        for (uint32_t i = 0; i < info.mapCount; ++i) {
            switch (info.mapSemantics[i]) {
                case NTEX_MAP_SEMANTIC_ALBEDO: formats.push_back(VK_FORMAT_R8G8B8A8_SRGB); break;
                case NTEX_MAP_SEMANTIC_ROUGHNESS: formats.push_back(VK_FORMAT_R8_UNORM); break;
                case NTEX_MAP_SEMANTIC_HEIGHT: formats.push_back(VK_FORMAT_R16_UNORM); break;
                default: formats.push_back(VK_FORMAT_R8G8B8A8_UNORM); break;
            }
        }
        return formats;
    }

    // A bindless-style array per map: 4 layers, the full mip chain, cleared to 1.0 (no generated map has that mean); ring slot s writes
    // layer s + 1, so layers 0 and 3 stand for the engine's other textures.
    std::vector<NtexTextureSetTarget> bindless_targets(const std::vector<VkFormat>& formats, uint32_t ring) {
        std::vector<NtexTextureSetTarget> targets;
        for (VkFormat f : formats) images.push_back(host->create_image(f, kWidth, kHeight, kFullChain, ring + 2, kUsage, 1.0f));
        for (uint32_t slot = 0; slot < ring; ++slot) {
            for (std::size_t i = 0; i < formats.size(); ++i) {
                NtexTextureSetTarget t{};
                t.image = images[i].image;
                t.view = images[i].view;
                t.format = formats[i];
                t.usage = kUsage;
                t.extent = {kWidth, kHeight};
                t.imageMipLevels = kFullChain;
                t.imageArrayLayers = ring + 2;
                t.baseMipLevel = 0;
                t.arrayLayer = slot + 1;
                targets.push_back(t);
            }
        }
        return targets;
    }

    NtexResult create(const std::vector<NtexTextureSetTarget>& targets, uint32_t ring, uint32_t mip_levels = 0,
                      VkImageLayout final_layout = VK_IMAGE_LAYOUT_UNDEFINED, NtexContext in = nullptr, NtexGenerator g = nullptr,
                      NtexTextureSet* out = nullptr) {
        NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
        ti.targetCount = static_cast<uint32_t>(targets.size());
        ti.pTargets = targets.data();
        ti.finalLayout = final_layout;
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &ti;
        si.generator = g ? g : generator;
        si.ringSize = ring;
        si.mipLevels = mip_levels;
        return ntexCreateTextureSet(in ? in : context, &si, out ? out : &set);
    }

    // Records an update of `s` and submits it with the signal ntex asks for.
    NtexResult update_and_submit(NtexTextureSet s) { return host->update_and_submit(s); }

    // ntexReadMap of map `map` of `g` in the texel format of `format`.
    static std::vector<uint8_t> read_map(NtexGenerator g, uint32_t map, VkFormat format) {
        const uint32_t bytes = texel_bytes(format);
        std::vector<uint8_t> texels(std::size_t{kWidth} * kHeight * bytes);
        NtexHostImage hi{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
        hi.format = host_format(format);
        hi.pData = texels.data();
        hi.rowPitch = std::size_t{kWidth} * bytes;
        hi.size = texels.size();
        EXPECT_EQ(ntexReadMap(g, map, &hi), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return texels;
    }

    // Every level and the untouched layers of the bindless arrays after an update of the current slot.
    void expect_slot_holds_read_map(uint32_t ring, const std::vector<std::vector<uint8_t>>& untouched) {
        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(set, &im), NTEX_SUCCESS);
        ASSERT_EQ(im.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
        ASSERT_EQ(im.mipLevels, kFullChain);
        for (uint32_t i = 0; i < im.mapCount; ++i) {
            EXPECT_EQ(im.images[i], images[i].image) << "map " << i << ": not the host's image";
            EXPECT_EQ(im.views[i], images[i].view) << "map " << i << ": not the host's view";
            const uint32_t bytes = texel_bytes(im.formats[i]);
            const uint32_t layer = im.slot + 1;
            const std::vector<uint8_t> level0 = host->read_image(im.images[i], kWidth, kHeight, bytes, 0, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, layer);
            EXPECT_EQ(level0, read_map(generator, im.mapIndices[i], im.formats[i])) << "map " << i << ", layer " << layer;
            // The last level holds something written (the mean of the map), not the 1.0 clear of the engine's layers.
            const std::vector<uint8_t> last = host->read_image(im.images[i], kWidth, kHeight, bytes, kFullChain - 1,
                                                               VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, layer);
            EXPECT_NE(last, untouched[i * 2 + 1]) << "map " << i << ": the last mip level of layer " << layer << " was not written";
            EXPECT_EQ(host->read_image(im.images[i], kWidth, kHeight, bytes, 0, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, 0), untouched[i * 2])
                << "map " << i << ": layer 0 (the engine's own texture) changed";
            EXPECT_EQ(host->read_image(im.images[i], kWidth, kHeight, bytes, kFullChain - 1, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, ring + 1),
                      untouched[i * 2 + 1])
                << "map " << i << ": the last layer (the engine's own texture) changed";
        }
    }

    std::unique_ptr<VulkanHost> host;
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    std::vector<VulkanHost::Image> images;
};

// Four layers per map, two slots: layers 1 and 2 take the ring's texels in turn, layers 0 and 3 keep the
// host's content, and a slot written again leaves SHADER_READ_ONLY_OPTIMAL from it (not from UNDEFINED).
TEST_F(HostTargetsTest, LayersOfABindlessArrayHoldTheGeneratedTexels) {
    const std::vector<VkFormat> formats = default_formats();
    const std::vector<NtexTextureSetTarget> targets = bindless_targets(formats, 2);
    ASSERT_EQ(create(targets, 2), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    std::vector<std::vector<uint8_t>> untouched;   // per map: layer 0 level 0, last layer last level, as cleared
    for (std::size_t i = 0; i < formats.size(); ++i) {
        const uint32_t bytes = texel_bytes(formats[i]);
        untouched.push_back(host->read_image(images[i].image, kWidth, kHeight, bytes, 0, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, 0));
        untouched.push_back(host->read_image(images[i].image, kWidth, kHeight, bytes, kFullChain - 1, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, 3));
    }
    uint32_t slots_seen = 0;
    for (uint32_t seed = 3; seed < 6; ++seed) {   // slots 0, 1, then 0 again
        set_seed(generator, seed);
        ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(update_and_submit(set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        expect_slot_holds_read_map(2, untouched);
        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(set, &im), NTEX_SUCCESS);
        slots_seen |= 1u << im.slot;
    }
    EXPECT_EQ(slots_seen, 3u) << "both ring slots (layers 1 and 2) were written";
}

// With the material mip filter every level is a copy: targets need no TRANSFER_SRC (the blit chain
// refuses them), still get the full chain, and every written level leaves the host's clear value.
TEST_F(HostTargetsTest, MaterialMipsNeedNoTransferSrc) {
    const std::vector<VkFormat> formats = default_formats();
    constexpr VkImageUsageFlags kNoSrc = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    std::vector<NtexTextureSetTarget> targets = bindless_targets(formats, 2);
    for (NtexTextureSetTarget& t : targets) t.usage = kNoSrc;   // as described: the images themselves have more
    EXPECT_EQ(create(targets, 2), NTEX_ERROR_INVALID_ARGUMENT) << "blits read the levels: TRANSFER_SRC is required";
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("TRANSFER_SRC"), std::string::npos) << ntexGetLastErrorMessage();
    NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
    mips.filter = NTEX_MIP_FILTER_MATERIAL;
    NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
    ti.pNext = &mips;
    ti.targetCount = static_cast<uint32_t>(targets.size());
    ti.pTargets = targets.data();
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &ti;
    si.generator = generator;
    si.ringSize = 2;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    set_seed(generator, 4);
    ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update_and_submit(set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &im), NTEX_SUCCESS);
    ASSERT_EQ(im.mipLevels, kFullChain);
    for (std::size_t i = 0; i < formats.size(); ++i) {
        const uint32_t bytes = texel_bytes(formats[i]);
        EXPECT_EQ(host->read_image(images[i].image, kWidth, kHeight, bytes, 0, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, im.slot + 1),
                  read_map(generator, static_cast<uint32_t>(i), formats[i]))
            << "map " << i << " level 0";
        // The host cleared every level to 1.0 (all bytes 0xff); a written level is not all 0xff.
        for (uint32_t level = 1; level < kFullChain; ++level) {
            const std::vector<uint8_t> texels =
                host->read_image(images[i].image, kWidth, kHeight, bytes, level, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, im.slot + 1);
            EXPECT_TRUE(std::any_of(texels.begin(), texels.end(), [](uint8_t b) { return b != 0xff; })) << "map " << i << " level " << level;
        }
    }
}

// An atlas-like target: ntex writes mip levels 1.. of a 128x64 image (level 0 stays the host's) and
// leaves them in GENERAL; with one mip level the image needs no TRANSFER_SRC.
TEST_F(HostTargetsTest, MipRangeOfAnImageLeftInGeneral) {
    const VkFormat format = VK_FORMAT_R8_UNORM;   // roughness
    const uint32_t map = 2;
    images.push_back(host->create_image(format, kWidth * 2, kHeight * 2, kFullChain + 1, 1, kUsage, 0.25f));
    images.push_back(host->create_image(format, kWidth * 2, kHeight * 2, kFullChain + 1, 1, kUsage, 0.25f));
    std::vector<NtexTextureSetTarget> targets(2);
    for (uint32_t slot = 0; slot < 2; ++slot) {
        NtexTextureSetTarget& t = targets[slot];
        t.image = images[slot].image;
        t.format = format;
        t.usage = kUsage;
        t.extent = {kWidth * 2, kHeight * 2};
        t.imageMipLevels = kFullChain + 1;
        t.imageArrayLayers = 1;
        t.baseMipLevel = 1;
    }
    NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
    ti.targetCount = 2;
    ti.pTargets = targets.data();
    ti.finalLayout = VK_IMAGE_LAYOUT_GENERAL;
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &ti;
    si.generator = generator;
    si.mapMask = 1u << map;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::vector<uint8_t> level0 = host->read_image(images[0].image, kWidth * 2, kHeight * 2, 1, 0);
    for (uint32_t seed = 7; seed < 10; ++seed) {   // slots 0, 1, then slot 0 again, whose levels are in GENERAL
        set_seed(generator, seed);
        ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(update_and_submit(set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(set, &im), NTEX_SUCCESS);
        EXPECT_EQ(im.layout, VK_IMAGE_LAYOUT_GENERAL);
        EXPECT_EQ(im.mipLevels, kFullChain);
        EXPECT_EQ(im.images[0], images[im.slot].image);
        EXPECT_EQ(host->read_image(im.images[0], kWidth * 2, kHeight * 2, 1, 1, VK_IMAGE_LAYOUT_GENERAL), read_map(generator, map, format))
            << "level 1 of slot " << im.slot;
        EXPECT_EQ(host->read_image(im.images[0], kWidth * 2, kHeight * 2, 1, 0), level0) << "level 0 is the host's";
        // Level 2 (the first blitted one): a 2x2 filter of level 1, so its mean matches within rounding.
        const std::vector<uint8_t> l1 = host->read_image(im.images[0], kWidth * 2, kHeight * 2, 1, 1, VK_IMAGE_LAYOUT_GENERAL);
        const std::vector<uint8_t> l2 = host->read_image(im.images[0], kWidth * 2, kHeight * 2, 1, 2, VK_IMAGE_LAYOUT_GENERAL);
        double m1 = 0, m2 = 0;
        for (uint8_t v : l1) m1 += v;
        for (uint8_t v : l2) m2 += v;
        EXPECT_NEAR(m1 / static_cast<double>(l1.size()), m2 / static_cast<double>(l2.size()), 1.5) << "level 2 is not a filtered level 1";
    }

    // One level only: the description needs no TRANSFER_SRC (no blits).
    NtexTextureSet single = nullptr;
    for (NtexTextureSetTarget& t : targets) t.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    si.mipLevels = 1;
    ti.finalLayout = VK_IMAGE_LAYOUT_UNDEFINED;   // = SHADER_READ_ONLY_OPTIMAL
    ntexDestroyTextureSet(set);                   // the same subresources: one set at a time
    set = nullptr;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &single), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    set_seed(generator, 9);
    ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    // The levels the previous set left in GENERAL need no transition by the host: a new set's first
    // update discards what a slot held (oldLayout UNDEFINED).
    ASSERT_EQ(update_and_submit(single), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(single, &im), NTEX_SUCCESS);
    EXPECT_EQ(im.mipLevels, 1u);
    EXPECT_EQ(im.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    EXPECT_EQ(host->read_image(im.images[0], kWidth * 2, kHeight * 2, 1, 1), read_map(generator, map, format));
    ntexDestroyTextureSet(single);
}

// Every wrong description is INVALID_ARGUMENT with a message naming the target and the field, before
// anything is recorded.
TEST_F(HostTargetsTest, WrongDescriptionsAreRefused) {
    const std::vector<VkFormat> formats = default_formats();
    const std::vector<NtexTextureSetTarget> good = bindless_targets(formats, 2);
    struct Case {
        const char* what;
        std::function<void(std::vector<NtexTextureSetTarget>&, uint32_t& mips, VkImageLayout& layout)> spoil;
        const char* message;
    };
    const std::vector<Case> cases = {
        {"null image", [](auto& t, auto&, auto&) { t[1].image = VK_NULL_HANDLE; }, "pTargets[1] (slot 0, map 1).image is VK_NULL_HANDLE"},
        {"no TRANSFER_DST", [](auto& t, auto&, auto&) { t[0].usage = VK_IMAGE_USAGE_SAMPLED_BIT; }, "lacks VK_IMAGE_USAGE_TRANSFER_DST_BIT"},
        {"no TRANSFER_SRC with mips",
         [](auto& t, auto&, auto&) {
             t[1].usage &= ~VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
             t[5].usage &= ~VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
         },
         "pTargets[1].usage 0x6 lacks VK_IMAGE_USAGE_TRANSFER_SRC_BIT"},
        {"not sampled", [](auto& t, auto&, auto&) { t[2].usage &= ~VK_IMAGE_USAGE_SAMPLED_BIT; }, "has neither SAMPLED nor INPUT_ATTACHMENT"},
        {"extent", [](auto& t, auto&, auto&) { t[3].extent.width = 128; }, ".extent 128x32 is 128x32 at .baseMipLevel 0, not the generator's 64x32"},
        {"extent 0", [](auto& t, auto&, auto&) { t[3].extent.height = 0; }, ".extent 64x0 is 64x0"},
        {"layer", [](auto& t, auto&, auto&) { t[4].arrayLayer = 4; }, "pTargets[4] (slot 1, map 0).arrayLayer 4 is not below .imageArrayLayers 4"},
        {"base level", [](auto& t, auto&, auto&) { t[4].baseMipLevel = 4000000000u; }, ".baseMipLevel 4000000000 is not below .imageMipLevels 7"},
        {"no layers", [](auto& t, auto&, auto&) { t[0].imageArrayLayers = 0; }, "must both be at least 1"},
        {"format per slot", [](auto& t, auto&, auto&) { t[6].format = VK_FORMAT_R16_UNORM; }, "differs from slot 0's"},
        {"format ntex cannot write", [](auto& t, auto&, auto&) { t[0].format = VK_FORMAT_R5G6B5_UNORM_PACK16; }, "is not one ntex writes"},
        {"one subresource for two slots", [](auto& t, auto&, auto&) { t[4].arrayLayer = 1; },
         "pTargets[4] and pTargets[0] write the same subresource (layer 1"},
        {"count", [](auto& t, auto&, auto&) { t.pop_back(); }, "targetCount 7 is not ringSize x selected maps (2 x 4)"},
        {"final layout", [](auto&, auto&, auto& layout) { layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL; }, "finalLayout 7 is neither"},
        {"one image described twice differently", [](auto& t, auto&, auto&) { t[4].imageArrayLayers = 5; },
         "pTargets[4] (slot 1, map 0) describes its image differently from pTargets[0]"},
        {"layers beyond the device",
         [](auto& t, auto&, auto&) {
             for (std::size_t k = 0; k < t.size(); k += 4) {
                 t[k].imageArrayLayers = 4000000000u;
                 t[k].arrayLayer = 3999999999u - static_cast<uint32_t>(k);
             }
         },
         "cannot exist on this device"},
        {"more levels than the extent has",
         [](auto& t, auto&, auto&) {
             t[1].imageMipLevels = 9;
             t[5].imageMipLevels = 9;
         },
         "9 levels and 4 layers cannot exist"},
    };
    for (const Case& c : cases) {
        std::vector<NtexTextureSetTarget> targets = good;
        uint32_t mips = 0;
        VkImageLayout layout = VK_IMAGE_LAYOUT_UNDEFINED;
        c.spoil(targets, mips, layout);
        EXPECT_EQ(create(targets, 2, mips, layout), NTEX_ERROR_INVALID_ARGUMENT) << c.what;
        EXPECT_NE(std::string(ntexGetLastErrorMessage()).find(c.message), std::string::npos) << c.what << ": " << ntexGetLastErrorMessage();
        EXPECT_EQ(set, nullptr) << c.what;
        ntexDestroyTextureSet(set);
        set = nullptr;
    }
    // Also with a single level written, two slots cannot share a level of one layer.
    std::vector<NtexTextureSetTarget> stacked = good;
    for (std::size_t k = 4; k < 8; ++k) {
        stacked[k].arrayLayer = 1;
        stacked[k].baseMipLevel = 0;
    }
    EXPECT_EQ(create(stacked, 2, 1), NTEX_ERROR_INVALID_ARGUMENT) << "same level and layer";
    // NULL pTargets, and a count no ring can have, are refused before anything is read.
    NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
    ti.targetCount = 8;
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &ti;
    si.generator = generator;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("pTargets NULL"), std::string::npos) << ntexGetLastErrorMessage();
    ti.pTargets = good.data();
    ti.targetCount = 1u << 30;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("targetCount 1073741824 is above"), std::string::npos) << ntexGetLastErrorMessage();
    // pFormats must name the targets' formats; one NtexTextureSetTargetsInfo per chain.
    ti.targetCount = static_cast<uint32_t>(good.size());
    std::vector<VkFormat> other = formats;
    other[0] = VK_FORMAT_R8G8B8A8_UNORM;
    si.pFormats = other.data();
    si.ringSize = 2;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("differs from pFormats[0]"), std::string::npos) << ntexGetLastErrorMessage();
    si.pFormats = nullptr;
    NtexTextureSetTargetsInfo again = ti;
    ti.pNext = &again;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("twice"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(set, nullptr);
}

// The Vulkan compute path writes host targets as it writes its own images: within 1 LSB of the CPU
// path's texels (the network ran on the GPU), every map, in the host's array layers.
TEST_F(HostTargetsTest, VulkanComputePathWritesHostTargets) {
    NtexContext gpu_context = nullptr;
    NtexModel gpu_model = nullptr;
    NtexGenerator gpu_generator = nullptr;
    open(NTEX_BACKEND_VULKAN, &gpu_context, &gpu_model, &gpu_generator);
    const std::vector<VkFormat> formats = default_formats();
    const std::vector<NtexTextureSetTarget> targets = bindless_targets(formats, 2);
    NtexTextureSet gpu_set = nullptr;
    ASSERT_EQ(create(targets, 2, 0, VK_IMAGE_LAYOUT_UNDEFINED, gpu_context, gpu_generator, &gpu_set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
    NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    im.pNext = &path;
    ASSERT_EQ(ntexGetTextureSetImages(gpu_set, &im), NTEX_SUCCESS);
    EXPECT_EQ(path.path, NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE);
    set_seed(gpu_generator, 11);
    ASSERT_EQ(update_and_submit(gpu_set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    set_seed(generator, 11);
    ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    im.pNext = nullptr;
    ASSERT_EQ(ntexGetTextureSetImages(gpu_set, &im), NTEX_SUCCESS);
    for (uint32_t i = 0; i < im.mapCount; ++i) {
        EXPECT_EQ(im.images[i], images[i].image);
        const std::vector<uint8_t> got =
            host->read_image(im.images[i], kWidth, kHeight, texel_bytes(im.formats[i]), 0, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, im.slot + 1);
        const std::vector<uint8_t> want = read_map(generator, im.mapIndices[i], im.formats[i]);
        ASSERT_EQ(got.size(), want.size());
        int worst = 0;
        const bool sixteen = im.formats[i] == VK_FORMAT_R16_UNORM;
        for (std::size_t k = 0; k < got.size(); k += sixteen ? 2 : 1) {
            const int a = sixteen ? got[k] | got[k + 1] << 8 : got[k];
            const int b = sixteen ? want[k] | want[k + 1] << 8 : want[k];
            worst = std::max(worst, std::abs(a - b));
        }
        EXPECT_LE(worst, 1) << "map " << i << ": LSB difference to the CPU path";
    }
    ntexDestroyTextureSet(gpu_set);
    ntexDestroyGenerator(gpu_generator);
    ntexDestroyModel(gpu_model);
    ntexDestroyContext(gpu_context);
}

// The C++ wrapper passes targets and the final layout through TextureSet::Options.
TEST_F(HostTargetsTest, CxxWrapperTakesTargets) {
    const std::vector<VkFormat> formats = default_formats();
    const std::vector<NtexTextureSetTarget> targets = bindless_targets(formats, 3);
    {
        const ntex::VulkanDevice device(host->instance, host->physical_device, host->device, host->queue_family, vkGetInstanceProcAddr);
        const ntex::Context cxx_context(device.options(NTEX_BACKEND_CPU, 2));
        const ntex::Model cxx_model(cxx_context, model_path("material_v1"));
        ntex::Generator cxx_generator(cxx_context, cxx_model, kWidth, kHeight);
        ntex::TextureSet::Options options;
        options.ring_size = 3;
        options.targets = targets;
        ntex::TextureSet cxx_set(cxx_context, cxx_generator, options);
        ntex::Generator::Params p;
        p.seed = 12;
        cxx_generator.set_params(p);
        cxx_generator.generate();
        host->submit([&](VkCommandBuffer cmd) { return cxx_set.cmd_update(cmd); }, cxx_set.images().semaphore);
        const NtexTextureSetImages im = cxx_set.images();
        EXPECT_EQ(im.images[0], images[0].image);
        for (uint32_t slot = 0; slot < 3; ++slot) {
            EXPECT_EQ(cxx_set.slot_images(slot).images[0], images[0].image) << "slot " << slot;   // layers 1..3 of one array
            EXPECT_EQ(cxx_set.slot_images(slot).resultId == 0, slot != im.slot) << "slot " << slot;
        }
        EXPECT_EQ(host->read_image(im.images[0], kWidth, kHeight, 4, 0, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, im.slot + 1),
                  cxx_generator.read_rgba8(0));
    }
}

// The C++ wrapper's target_offsets: the albedo of two ring slots side by side in one 128x32 layer.
TEST_F(HostTargetsTest, CxxWrapperTakesAtlasOffsets) {
    const VkFormat format = VK_FORMAT_R8G8B8A8_SRGB;
    images.push_back(host->create_image(format, 2 * kWidth, kHeight, kFullChain + 1, 1, kUsage, 1.0f));
    NtexTextureSetTarget t{};
    t.image = images[0].image;
    t.format = format;
    t.usage = kUsage;
    t.extent = {2 * kWidth, kHeight};
    t.imageMipLevels = kFullChain + 1;
    t.imageArrayLayers = 1;
    {
        const ntex::VulkanDevice device(host->instance, host->physical_device, host->device, host->queue_family, vkGetInstanceProcAddr);
        const ntex::Context cxx_context(device.options(NTEX_BACKEND_CPU, 2));
        const ntex::Model cxx_model(cxx_context, model_path("material_v1"));
        ntex::Generator cxx_generator(cxx_context, cxx_model, kWidth, kHeight);
        ntex::TextureSet::Options options;
        options.map_mask = 1;   // albedo
        options.targets = {t, t};
        options.target_offsets = {{0, 0}, {static_cast<int32_t>(kWidth), 0}};
        ntex::TextureSet cxx_set(cxx_context, cxx_generator, options);
        EXPECT_EQ(cxx_set.images().mipLevels, kFullChain);
        for (uint32_t seed = 12; seed < 14; ++seed) {
            ntex::Generator::Params p;
            p.seed = seed;
            cxx_generator.set_params(p);
            cxx_generator.generate();
            host->submit([&](VkCommandBuffer cmd) { return cxx_set.cmd_update(cmd); }, cxx_set.images().semaphore);
            const NtexTextureSetImages im = cxx_set.images();
            const std::vector<uint8_t> all = host->read_image(images[0].image, 2 * kWidth, kHeight, 4, 0);
            std::vector<uint8_t> region;
            for (uint32_t y = 0; y < kHeight; ++y) {
                const auto row = all.begin() + static_cast<std::ptrdiff_t>((std::size_t(y) * 2 * kWidth + im.slot * kWidth) * 4);
                region.insert(region.end(), row, row + static_cast<std::ptrdiff_t>(kWidth * 4));
            }
            EXPECT_EQ(region, cxx_generator.read_rgba8(0)) << "slot " << im.slot;
        }
    }
}

// Atlas regions (NtexTextureSetTargetOffsetsInfo): both ring slots of every map share one 256x128 layer,
// slot 0 at (0, 0) and slot 1 at (128, 64), so the host's texels around them stand for other materials.
// At every level the written region must equal the level of a set with ntex's own images fed the same
// parameters (a second generator: copies, blits and the material filter moved, not changed), the other
// slot's region must keep what it had, and every texel outside both regions must keep the host's clear
// value. On the host-copy and Vulkan compute paths, with blitted and material mips.
class HostTargetsAtlasTest : public HostTargetsTest, public ::testing::WithParamInterface<std::pair<NtexBackend, NtexMipFilter>> {
public:
    void run() {
        NtexContext c = nullptr;
        NtexModel m[2] = {};
        NtexGenerator g[2] = {};
        open(GetParam().first, &c, &m[0], &g[0]);
        ASSERT_TRUE(ntex_test::load_generator(c, model_path("material_v1"), kWidth, kHeight, &m[1], &g[1]));
        check(c, g, GetParam().second);
        for (int i = 1; i >= 0; --i) {
            ntexDestroyGenerator(g[i]);
            ntexDestroyModel(m[i]);
        }
        ntexDestroyContext(c);
    }

private:
    void check(NtexContext c, NtexGenerator g[2], NtexMipFilter filter) {
        constexpr uint32_t kAtlasW = 256, kAtlasH = 128, kAtlasLevels = 9;   // 256 -> 1
        const VkOffset2D at[2] = {{0, 0}, {128, 64}};
        const std::vector<VkFormat> formats = default_formats();
        std::vector<NtexTextureSetTarget> targets;
        std::vector<VkOffset2D> offsets;
        for (VkFormat f : formats) images.push_back(host->create_image(f, kAtlasW, kAtlasH, kAtlasLevels, 1, kUsage, 1.0f));
        for (uint32_t slot = 0; slot < 2; ++slot) {
            for (std::size_t i = 0; i < formats.size(); ++i) {
                NtexTextureSetTarget t{};
                t.image = images[i].image;
                t.view = images[i].view;
                t.format = formats[i];
                t.usage = kUsage;
                t.extent = {kAtlasW, kAtlasH};
                t.imageMipLevels = kAtlasLevels;
                t.imageArrayLayers = 1;
                targets.push_back(t);
                offsets.push_back(at[slot]);
            }
        }
        NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
        mips.filter = filter;
        NtexTextureSetTargetOffsetsInfo oi{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO};
        oi.pNext = &mips;
        oi.offsetCount = static_cast<uint32_t>(offsets.size());
        oi.pOffsets = offsets.data();
        NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
        ti.pNext = &oi;
        ti.targetCount = static_cast<uint32_t>(targets.size());
        ti.pTargets = targets.data();
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &ti;
        si.generator = g[0];
        si.ringSize = 2;
        NtexTextureSet atlas = nullptr, reference = nullptr;   // the reference: ntex's own images
        ASSERT_EQ(ntexCreateTextureSet(c, &si, &atlas), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        si.pNext = &mips;
        si.generator = g[1];
        ASSERT_EQ(ntexCreateTextureSet(c, &si, &reference), NTEX_SUCCESS) << ntexGetLastErrorMessage();

        // Level `level` of slot `slot`'s region of map i's atlas image, tightly packed.
        auto region = [&](std::size_t i, uint32_t level, uint32_t slot) {
            const uint32_t bytes = texel_bytes(formats[i]);
            const std::vector<uint8_t> all = host->read_image(images[i].image, kAtlasW, kAtlasH, bytes, level);
            const uint32_t aw = std::max(1u, kAtlasW >> level), w = std::max(1u, kWidth >> level), h = std::max(1u, kHeight >> level);
            const uint32_t x0 = static_cast<uint32_t>(at[slot].x) >> level, y0 = static_cast<uint32_t>(at[slot].y) >> level;
            std::vector<uint8_t> out;
            for (uint32_t y = 0; y < h; ++y) {
                const auto row = all.begin() + static_cast<std::ptrdiff_t>((std::size_t(y0 + y) * aw + x0) * bytes);
                out.insert(out.end(), row, row + static_cast<std::ptrdiff_t>(std::size_t(w) * bytes));
            }
            return out;
        };
        // Every byte of level `level` of map i outside both slots' regions still holds the clear value 1.0.
        auto outside_untouched = [&](std::size_t i, uint32_t level) {
            const uint32_t bytes = texel_bytes(formats[i]);
            const std::vector<uint8_t> all = host->read_image(images[i].image, kAtlasW, kAtlasH, bytes, level);
            const uint32_t aw = std::max(1u, kAtlasW >> level), ah = std::max(1u, kAtlasH >> level);
            const uint32_t w = std::max(1u, kWidth >> level), h = std::max(1u, kHeight >> level);
            for (uint32_t y = 0; y < ah; ++y) {
                for (uint32_t x = 0; x < aw; ++x) {
                    bool inside = false;
                    for (const VkOffset2D& o : at) {
                        const uint32_t ox = static_cast<uint32_t>(o.x) >> level, oy = static_cast<uint32_t>(o.y) >> level;
                        inside = inside || (x >= ox && x < ox + w && y >= oy && y < oy + h);
                    }
                    if (inside) continue;
                    for (uint32_t b = 0; b < bytes; ++b) {
                        if (all[(std::size_t(y) * aw + x) * bytes + b] != 0xff) return false;
                    }
                }
            }
            return true;
        };

        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES}, ref{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(atlas, &im), NTEX_SUCCESS);
        ASSERT_EQ(im.mipLevels, kFullChain) << "offsets (0, 0) and (128, 64) keep the full 64x32 chain";
        std::vector<std::vector<uint8_t>> slot0;   // per map and level: slot 0's region after the first update
        for (uint32_t seed = 3; seed < 5; ++seed) {   // slot 0, then slot 1
            for (int k = 0; k < 2; ++k) {
                set_seed(g[k], seed);
                if (GetParam().first == NTEX_BACKEND_CPU) {
                    ASSERT_EQ(ntexGenerate(g[k]), NTEX_SUCCESS) << ntexGetLastErrorMessage();
                }
            }
            ASSERT_EQ(update_and_submit(atlas), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            ASSERT_EQ(update_and_submit(reference), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            ASSERT_EQ(ntexGetTextureSetImages(atlas, &im), NTEX_SUCCESS);
            ASSERT_EQ(ntexGetTextureSetImages(reference, &ref), NTEX_SUCCESS);
            ASSERT_EQ(im.slot, seed - 3);
            for (std::size_t i = 0; i < formats.size(); ++i) {
                const uint32_t bytes = texel_bytes(formats[i]);
                for (uint32_t level = 0; level < kFullChain; ++level) {
                    const std::vector<uint8_t> got = region(i, level, im.slot);
                    EXPECT_EQ(got, host->read_image(ref.images[i], kWidth, kHeight, bytes, level)) << "map " << i << " level " << level << " slot " << im.slot;
                    if (im.slot == 0) slot0.push_back(got);
                    else EXPECT_EQ(region(i, level, 0), slot0[i * kFullChain + level]) << "map " << i << " level " << level << ": slot 0's region changed";
                    EXPECT_TRUE(outside_untouched(i, level)) << "map " << i << " level " << level << ": a texel outside the regions changed";
                }
                for (uint32_t level = kFullChain; level < kAtlasLevels; ++level) {
                    const std::vector<uint8_t> rest = host->read_image(images[i].image, kAtlasW, kAtlasH, bytes, level);
                    EXPECT_TRUE(std::all_of(rest.begin(), rest.end(), [](uint8_t b) { return b == 0xff; })) << "map " << i << ": level " << level << " is the host's";
                }
            }
        }
        ntexDestroyTextureSet(atlas);
        ntexDestroyTextureSet(reference);
    }
};

TEST_P(HostTargetsAtlasTest, RegionsShareALayerAndKeepTheRest) { run(); }

INSTANTIATE_TEST_SUITE_P(Paths, HostTargetsAtlasTest,
                         ::testing::Values(std::make_pair(NTEX_BACKEND_CPU, NTEX_MIP_FILTER_BLIT), std::make_pair(NTEX_BACKEND_CPU, NTEX_MIP_FILTER_MATERIAL),
                                           std::make_pair(NTEX_BACKEND_VULKAN, NTEX_MIP_FILTER_BLIT),
                                           std::make_pair(NTEX_BACKEND_VULKAN, NTEX_MIP_FILTER_MATERIAL)),
                         [](const auto& p) {
                             return std::string(p.param.first == NTEX_BACKEND_VULKAN ? "VulkanCompute" : "HostCopies") +
                                    (p.param.second == NTEX_MIP_FILTER_MATERIAL ? "MaterialMips" : "Blits");
                         });

// Offsets on a coarser grid than the chain needs clamp the set's mip count; bad offsets are refused
// with a message naming the offset.
TEST_F(HostTargetsTest, AtlasOffsetsAreCheckedAndClampTheChain) {
    const VkFormat format = VK_FORMAT_R8_UNORM;
    images.push_back(host->create_image(format, 256, 64, 9, 1, kUsage, 1.0f));
    NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
    uint32_t roughness = 0, height = 0;
    for (uint32_t i = 0; i < info.mapCount; ++i) {
        if (info.mapSemantics[i] == NTEX_MAP_SEMANTIC_ROUGHNESS) roughness = i;
        if (info.mapSemantics[i] == NTEX_MAP_SEMANTIC_HEIGHT) height = i;
    }
    NtexTextureSetTarget t{};
    t.image = images[0].image;
    t.format = format;
    t.usage = kUsage;
    t.extent = {256, 64};
    t.imageMipLevels = 9;
    t.imageArrayLayers = 1;
    // `mask` selects the maps; targets and offsets slot-major.
    auto try_create = [&](uint32_t mask, const std::vector<VkOffset2D>& offsets, bool with_targets = true) {
        const std::vector<NtexTextureSetTarget> targets(offsets.size(), t);
        NtexTextureSetTargetOffsetsInfo oi{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO};
        oi.offsetCount = static_cast<uint32_t>(offsets.size());
        oi.pOffsets = offsets.data();
        NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
        ti.pNext = &oi;
        ti.targetCount = static_cast<uint32_t>(targets.size());
        ti.pTargets = targets.data();
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = with_targets ? static_cast<const void*>(&ti) : &oi;
        si.generator = generator;
        si.ringSize = 2;
        si.mapMask = mask;
        ntexDestroyTextureSet(set);
        set = nullptr;
        return ntexCreateTextureSet(context, &si, &set);
    };
    auto refused = [&](NtexResult r, const char* needle) {
        EXPECT_EQ(r, NTEX_ERROR_INVALID_ARGUMENT);
        EXPECT_NE(std::string(ntexGetLastErrorMessage()).find(needle), std::string::npos) << ntexGetLastErrorMessage();
        EXPECT_EQ(set, nullptr);
    };
    const uint32_t one = 1u << roughness;
    // (96, 0): 96 = 3 x 32, so levels 0..5 stay on the grid: 6 of the 7 a 64x32 chain has.
    ASSERT_EQ(try_create(one, {{0, 0}, {96, 0}}), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &im), NTEX_SUCCESS);
    EXPECT_EQ(im.mipLevels, 6u);
    refused(try_create(one, {{0, 0}, {128, 0}}, false), "without NtexTextureSetTargetsInfo");
    refused(try_create(one, {{0, 0}, {-64, 0}}), "is negative");
    refused(try_create(one, {{0, 0}, {224, 0}}), "leaves level 0");
    refused(try_create(one, {{0, 0}, {0, 40}}), "leaves level 0");
    refused(try_create(one, {{0, 0}, {INT32_MAX, INT32_MAX}}), "leaves level 0");   // no overflow in x + width
    refused(try_create(one, {{0, 0}, {32, 0}}), "with overlapping regions");
    // Two maps of one slot in one layer: one update would transition that subresource twice.
    refused(try_create(one | (1u << height), {{0, 0}, {64, 0}, {128, 0}, {192, 0}}), "in one ring slot");
    // offsetCount must match targetCount.
    {
        const std::vector<NtexTextureSetTarget> targets(2, t);
        const VkOffset2D offsets[3] = {{0, 0}, {64, 0}, {128, 0}};
        NtexTextureSetTargetOffsetsInfo oi{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGET_OFFSETS_INFO};
        oi.offsetCount = 3;
        oi.pOffsets = offsets;
        NtexTextureSetTargetsInfo ti{NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO};
        ti.pNext = &oi;
        ti.targetCount = 2;
        ti.pTargets = targets.data();
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &ti;
        si.generator = generator;
        si.ringSize = 2;
        si.mapMask = one;
        ntexDestroyTextureSet(set);
        set = nullptr;
        refused(ntexCreateTextureSet(context, &si, &set), "offsetCount 3 is not");
    }
}

}  // namespace
