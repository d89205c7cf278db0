// SPDX-License-Identifier: MIT
// Texture sets on a host-owned Vulkan device (lavapipe in CI): ntex records the uploads into the
// host's command buffer; the images must hold exactly the texels ntexReadMap returns, the mips must
// be filtered copies, the ring must never overwrite a staging buffer the GPU still reads, misuse
// must return errors, and the validation layer (with synchronization validation) must stay silent.
#include "formats.h"
#include "host_allocator.h"
#include "load_generator.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>
#include <ntex/ntex_vulkan.hpp>

#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

std::string model_path(const char* name) { return std::string(NTEX_SOURCE_DIR) + "/models/" + name + ".json"; }

using ntex_test::host_format;
using ntex_test::texel_bytes;

using ntex_test::load_generator;


class TextureSetTest : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path(GetParam()))) GTEST_SKIP() << "model " << GetParam() << " is not in models/";
        host = std::make_unique<VulkanHost>();
        // The validation layer is part of the test (scripts/install_deps.sh installs it).
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
        std::fprintf(stderr, "host device: %s, validation + synchronization validation on\n", host->device_name.c_str());
        ASSERT_EQ(host->create_context(NTEX_BACKEND_CPU, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_TRUE(load_generator(context, model_path(GetParam()), 64, 32, &model, &generator));
    }

    void TearDown() override {
        ntex_test::destroy_in_order(set, generator, model, context);
        if (host) {
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    void generate(uint32_t seed) {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = 1.0f;
        ASSERT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    void create_set(uint32_t ring, const VkFormat* formats = nullptr) {
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.generator = generator;
        si.ringSize = ring;
        si.pFormats = formats;
        ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    // Records an update and submits it with the signal ntex asks for; returns the result.
    NtexResult update_and_submit() { return host->update_and_submit(set); }

    // NtexTextureSetMemoryInfo, chained behind an NtexTextureSetPathInfo (both in one chain).
    NtexTextureSetMemoryInfo memory_info() {
        NtexTextureSetMemoryInfo memory{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MEMORY_INFO};
        NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
        path.pNext = &memory;
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        images.pNext = &path;
        EXPECT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return memory;
    }

    // NtexTextureSetPathInfo::callerConversions: results the updating thread converted itself.
    uint64_t caller_conversions() {
        NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        images.pNext = &path;
        EXPECT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(path.path, NTEX_TEXTURE_SET_PATH_HOST_COPIES);
        return path.callerConversions;
    }

    // Compares every image of the current slot with ntexReadMap of the same map.
    void expect_images_match_read_map() {
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
        ASSERT_EQ(images.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
        for (uint32_t i = 0; i < images.mapCount; ++i) {
            const uint32_t bytes = texel_bytes(images.formats[i]);
            std::vector<uint8_t> expected(size_t(images.width) * images.height * bytes);
            NtexHostImage hi{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
            hi.format = host_format(images.formats[i]);
            hi.pData = expected.data();
            hi.rowPitch = size_t(images.width) * bytes;
            hi.size = expected.size();
            ASSERT_EQ(ntexReadMap(generator, images.mapIndices[i], &hi), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            const std::vector<uint8_t> level0 = host->read_image(images.images[i], images.width, images.height, bytes, 0);
            EXPECT_EQ(level0, expected) << "map " << i << ": the image differs from ntexReadMap";
            // Mip 1 is a 2x2 box-like filter of level 0: its mean matches within rounding.
            if (images.mipLevels > 1 && bytes == 1) {
                const std::vector<uint8_t> level1 = host->read_image(images.images[i], images.width, images.height, bytes, 1);
                double m0 = 0, m1 = 0;
                for (uint8_t v : level0) m0 += v;
                for (uint8_t v : level1) m1 += v;
                EXPECT_NEAR(m0 / static_cast<double>(level0.size()), m1 / static_cast<double>(level1.size()), 1.5) << "map " << i << " mip 1";
            }
        }
    }

    std::unique_ptr<VulkanHost> host;
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
};

TEST_P(TextureSetTest, ImagesHoldTheGeneratedTexels) {
    generate(3);
    create_set(2);
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.resultId, 0u) << "nothing recorded yet";
    EXPECT_EQ(images.width, 64u);
    EXPECT_EQ(images.height, 32u);
    EXPECT_EQ(images.mipLevels, 7u);   // 64 -> 1
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    expect_images_match_read_map();
    EXPECT_EQ(caller_conversions(), 1u) << "a result made before the set existed is converted by the first update";
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_NE(images.resultId, 0u);
    const uint32_t first_slot = images.slot;

    // Nothing new: nothing recorded.
    EXPECT_EQ(update_and_submit(), NTEX_NOT_READY);

    // A new result goes to the other slot.
    generate(4);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_NE(images.slot, first_slot);
    expect_images_match_read_map();
    EXPECT_EQ(caller_conversions(), 1u) << "a result made after the set existed is converted by the generating thread";
}

// The render thread only records: every result of a worker generating in the background is converted
// on the worker (ntexGenerateAsync without waiting, an update every frame), and the images end up
// holding exactly the newest result.
TEST_P(TextureSetTest, WorkerConvertsWhileTheRenderThreadOnlyRecords) {
    create_set(2);
    // Frames until four updates recorded a new result (however slow the worker is on this machine).
    int recorded = 0;
    uint32_t frames = 0;
    for (uint32_t frame = 0; recorded < 4; ++frame) {
        ASSERT_LT(frame, 100000u) << "no result reached the set";
        frames = frame + 1;
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = 100 + frame;
        p.truncationPsi = 0.9f;
        ASSERT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexGenerateAsync(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        const NtexResult r = update_and_submit();
        ASSERT_TRUE(r == NTEX_SUCCESS || r == NTEX_NOT_READY) << ntexResultToString(r) << ": " << ntexGetLastErrorMessage();
        if (r == NTEX_SUCCESS) ++recorded;
    }
    ASSERT_EQ(ntexWaitIdle(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    uint64_t newest = 0;
    ASSERT_EQ(ntexGetResultId(generator, &newest), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const NtexResult last = update_and_submit();
    ASSERT_TRUE(last == NTEX_SUCCESS || last == NTEX_NOT_READY) << ntexResultToString(last);
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.resultId, newest) << "the set shows the newest result once the generator is idle";
    expect_images_match_read_map();
    EXPECT_EQ(caller_conversions(), 0u) << "the render thread converted a result itself";
    std::fprintf(stderr, "%u frames: %d updates recorded, newest result %llu\n", frames, recorded, static_cast<unsigned long long>(newest));
}

// A hot reload replaces the generator's worker: the first result after it is converted by the update
// (the set attaches to the new worker then), the next ones by the worker again; ids keep increasing.
TEST_P(TextureSetTest, HotReloadReattachesTheWorkerConversion) {
    create_set(2);
    generate(1);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(caller_conversions(), 0u);
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    const uint64_t before = images.resultId;
    ASSERT_EQ(ntexReloadModel(model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    generate(2);   // runs on the reloaded model's new generator, which has no listener yet
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    expect_images_match_read_map();
    EXPECT_EQ(caller_conversions(), 1u);
    generate(3);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    expect_images_match_read_map();
    EXPECT_EQ(caller_conversions(), 1u) << "the set did not re-attach to the reloaded generator";
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_GT(images.resultId, before + 1);
    // Reloaded again and destroyed without another update: the set must not touch the replaced worker.
    ASSERT_EQ(ntexReloadModel(model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    generate(4);
}

TEST_P(TextureSetTest, BusySlotIsSkippedUntilItsUploadExecuted) {
    create_set(2);
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    // Record two updates without submitting them yet.
    VkCommandBuffer cmds[2];
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = host->pool;
    ai.commandBufferCount = 2;
    ASSERT_EQ(vkAllocateCommandBuffers(host->device, &ai, cmds), VK_SUCCESS);
    uint64_t values[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
        generate(10 + i);
        VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        ASSERT_EQ(vkBeginCommandBuffer(cmds[i], &bi), VK_SUCCESS);
        ASSERT_EQ(ntexCmdUpdateTextureSet(set, cmds[i], &values[i]), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(vkEndCommandBuffer(cmds[i]), VK_SUCCESS);
    }
    EXPECT_LT(values[0], values[1]);
    // The third update would reuse slot 0, whose upload has not executed: NOT_READY, nothing recorded.
    generate(12);
    uint64_t value = 123;
    host->submit([&](VkCommandBuffer cmd) {
        EXPECT_EQ(ntexCmdUpdateTextureSet(set, cmd, &value), NTEX_NOT_READY);
        return uint64_t{0};
    });
    EXPECT_EQ(value, 0u);
    // Execute the two uploads (each signals its value), then the third goes through.
    for (int i = 0; i < 2; ++i) {
        VkTimelineSemaphoreSubmitInfo ts{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
        ts.signalSemaphoreValueCount = 1;
        ts.pSignalSemaphoreValues = &values[i];
        VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        si.pNext = &ts;
        si.commandBufferCount = 1;
        si.pCommandBuffers = &cmds[i];
        si.signalSemaphoreCount = 1;
        si.pSignalSemaphores = &images.semaphore;
        ASSERT_EQ(vkQueueSubmit(host->queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
    }
    ASSERT_EQ(vkQueueWaitIdle(host->queue), VK_SUCCESS);
    vkFreeCommandBuffers(host->device, host->pool, 2, cmds);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    expect_images_match_read_map();
}

TEST_P(TextureSetTest, HostChosenFormats) {
    generate(5);
    NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
    std::vector<VkFormat> formats;
    for (uint32_t i = 0; i < info.mapCount; ++i) {
        formats.push_back(info.mapChannels[i] == 1 ? VK_FORMAT_R32_SFLOAT : VK_FORMAT_R32G32B32A32_SFLOAT);
    }
    create_set(2, formats.data());
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    for (uint32_t i = 0; i < images.mapCount; ++i) EXPECT_EQ(images.formats[i], formats[i]);
    expect_images_match_read_map();
    // The engine formats (BGRA8 sRGB albedo, RG8 normal, half-float roughness and height), with a mip chain
    // (level 0 compared; the blits' support for these formats is what the chain shows).
    ntexDestroyTextureSet(set);
    set = nullptr;
    for (uint32_t i = 0; i < info.mapCount; ++i) formats[i] = ntex_test::compact_format(info.mapSemantics[i]);
    create_set(2, formats.data());
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_GT(images.mipLevels, 1u);
    for (uint32_t i = 0; i < images.mapCount; ++i) EXPECT_EQ(images.formats[i], formats[i]);
    expect_images_match_read_map();
    // A format ntex cannot write is refused.
    ntexDestroyTextureSet(set);
    set = nullptr;
    std::vector<VkFormat> bad(formats.size(), VK_FORMAT_R5G6B5_UNORM_PACK16);
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.pFormats = bad.data();
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("VkFormat"), std::string::npos);
}

// Every slot's images up front (a bindless host registers them all once, then indexes by imgs.slot):
// distinct per slot, UNDEFINED and result 0 until written, and the current slot's equal
// ntexGetTextureSetImages after an update; a slot past the ring is an error.
TEST_P(TextureSetTest, EverySlotsImagesAreKnownUpFront) {
    create_set(3);
    std::vector<VkImage> seen;
    for (uint32_t s = 0; s < 3; ++s) {
        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetSlotImages(set, s, &im), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(im.slot, s);
        EXPECT_EQ(im.resultId, 0u);
        EXPECT_EQ(im.layout, VK_IMAGE_LAYOUT_UNDEFINED);
        for (uint32_t m = 0; m < im.mapCount; ++m) {
            EXPECT_NE(im.views[m], VK_NULL_HANDLE);
            EXPECT_EQ(std::count(seen.begin(), seen.end(), im.images[m]), 0) << "slot " << s << " map " << m << " shares an image";
            seen.push_back(im.images[m]);
        }
    }
    generate(5);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages current{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES}, same{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &current), NTEX_SUCCESS);
    ASSERT_EQ(ntexGetTextureSetSlotImages(set, current.slot, &same), NTEX_SUCCESS);
    EXPECT_EQ(same.resultId, current.resultId);
    EXPECT_NE(same.resultId, 0u);
    EXPECT_EQ(same.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    EXPECT_EQ(same.waitValue, current.waitValue);
    EXPECT_EQ(same.images[0], current.images[0]);
    NtexTextureSetImages other{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetSlotImages(set, (current.slot + 1) % 3, &other), NTEX_SUCCESS);
    EXPECT_EQ(other.resultId, 0u) << "a slot never written";
    EXPECT_EQ(ntexGetTextureSetSlotImages(set, 3, &other), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("slot 3 is not below the ring size 3"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexGetTextureSetSlotImages(set, 0, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
}

// The footprint query: the images' memory is their memory requirements' sum (every slot, map and mip)
// plus at most each image's alignment of padding; staging holds one slot's level-0 texels per slot;
// the whole set costs 2 vkAllocateMemory (images, staging) and changes nothing by being asked.
TEST_P(TextureSetTest, MemoryInfoReportsTheFootprint) {
    create_set(3);
    const NtexTextureSetMemoryInfo m = memory_info();
    EXPECT_EQ(m.deviceMemoryAllocations, 2u) << "one block for the images, one for the staging buffers";
    EXPECT_EQ(m.hostMemoryBlocks, 0u);
    VkDeviceSize required = 0, padding = 0, level0 = 0;
    for (uint32_t s = 0; s < 3; ++s) {
        NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetSlotImages(set, s, &im), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_GT(im.mipLevels, 1u);
        for (uint32_t i = 0; i < im.mapCount; ++i) {
            VkMemoryRequirements req{};
            vkGetImageMemoryRequirements(host->device, im.images[i], &req);
            required += req.size;
            padding += req.alignment;
            const VkDeviceSize texel = im.formats[i] == VK_FORMAT_R8_UNORM ? 1 : im.formats[i] == VK_FORMAT_R16_UNORM ? 2 : 4;
            level0 += texel * im.width * im.height;
        }
    }
    EXPECT_GE(m.imageBytes, required);
    EXPECT_LE(m.imageBytes, required + padding);
    EXPECT_GE(m.stagingBytes, level0) << "every slot's staging holds its level-0 texels";
    EXPECT_LE(m.stagingBytes, level0 + 3 * 4096) << "and little more (alignment)";
    EXPECT_LT(m.stagingBytes, m.imageBytes) << "staging has no mips";
    const NtexTextureSetMemoryInfo again = memory_info();
    EXPECT_EQ(again.imageBytes, m.imageBytes);
    EXPECT_EQ(again.stagingBytes, m.stagingBytes);
    std::fprintf(stderr, "texture set %s, ring 3: %llu image bytes, %llu staging bytes, %u allocations\n", GetParam(),
                 static_cast<unsigned long long>(m.imageBytes), static_cast<unsigned long long>(m.stagingBytes), m.deviceMemoryAllocations);
}

TEST_P(TextureSetTest, MisuseReturnsErrors) {
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.ringSize = 5;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(set, nullptr);
    si.ringSize = 2;
    si.mapMask = 1u << 9;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    si.mapMask = 0;
    si.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    si.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO;
    si.generator = nullptr;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexCreateTextureSet(context, nullptr, &set), NTEX_ERROR_INVALID_ARGUMENT);
    uint64_t value = 0;
    EXPECT_EQ(ntexCmdUpdateTextureSet(nullptr, VK_NULL_HANDLE, &value), NTEX_ERROR_INVALID_ARGUMENT);
    create_set(2);
    EXPECT_EQ(ntexCmdUpdateTextureSet(set, VK_NULL_HANDLE, &value), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("commandBuffer"), std::string::npos);
    EXPECT_EQ(ntexGetTextureSetImages(set, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyTextureSet(nullptr);

    // A context without a Vulkan device cannot make texture sets.
    NtexContextCreateInfo ci{NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO};
    ci.headerVersion = NTEX_HEADER_VERSION;
    NtexContext plain = nullptr;
    ASSERT_EQ(ntexCreateContext(&ci, &plain), NTEX_SUCCESS);
    NtexTextureSet other = nullptr;
    si.generator = generator;
    EXPECT_EQ(ntexCreateTextureSet(plain, &si, &other), NTEX_ERROR_INVALID_ARGUMENT);
    ntexDestroyContext(plain);

    // Bad device info: a clear error at context creation.
    NtexVulkanDeviceInfo vk{NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO};
    vk.instance = host->instance;
    vk.physicalDevice = host->physical_device;
    vk.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    ci.pNext = &vk;
    EXPECT_EQ(ntexCreateContext(&ci, &plain), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("device"), std::string::npos);
    vk.device = host->device;
    vk.queueFamilyIndex = 99;
    EXPECT_EQ(ntexCreateContext(&ci, &plain), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("queueFamilyIndex"), std::string::npos);
}

// The CPU backend keeps the staging path: no ready semaphore to wait for, SHADER_READ_ONLY images,
// and the CUDA-only fields stay zero before and after an update.
TEST_P(TextureSetTest, CpuPathHasNoReadySemaphore) {
    generate(6);
    create_set(3);
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.readySemaphore, VK_NULL_HANDLE);
    EXPECT_EQ(images.readyValue, 0u);
    EXPECT_EQ(images.readyStageMask, 0u);
    EXPECT_NE(images.semaphore, VK_NULL_HANDLE);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.readySemaphore, VK_NULL_HANDLE);
    EXPECT_EQ(images.readyValue, 0u);
    EXPECT_EQ(images.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    EXPECT_GT(images.waitValue, 0u);
    expect_images_match_read_map();
}

// Hosts that sample in other stages (vertex displacement from the height map) say so; ntex's barriers
// then use those stages (synchronization validation checks them), and masks that cannot sample are refused.
TEST_P(TextureSetTest, ConsumerStagesChosenByTheHost) {
    generate(7);
    NtexTextureSetSyncInfo sync{NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO};
    sync.consumerStageMask = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.pNext = &sync;
    si.generator = generator;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    expect_images_match_read_map();
    generate(8);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();   // overwrite after vertex reads
    expect_images_match_read_map();

    NtexTextureSet other = nullptr;
    sync.consumerStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &other), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("consumerStageMask"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(other, nullptr);
    NtexTextureSetPathInfo wrong{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};   // not a create-info extension
    si.pNext = &wrong;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &other), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("unknown sType"), std::string::npos) << ntexGetLastErrorMessage();
}

// NtexDeviceMemoryCallbacks (issue 15): the host's allocator supplies the set's memory, at a non-zero
// offset inside its own allocations (as VMA's blocks are), mapped by the host for the staging
// buffers; ntex asks for one block per resource group (images, staging), frees each exactly once, and
// the texels are those of ntexReadMap.
TEST_P(TextureSetTest, HostDeviceMemoryCallbacksSupplyEveryBlock) {
    ntex_test::HostAllocator allocator;
    allocator.host = host.get();
    NtexDeviceMemoryCallbacks callbacks = allocator.callbacks();
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    generator = nullptr;
    model = nullptr;
    ntex_test::ContextOptions options;
    options.next = &callbacks;
    ASSERT_EQ(host->create_context(NTEX_BACKEND_CPU, &context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_TRUE(load_generator(context, model_path(GetParam()), 64, 32, &model, &generator));
    create_set(3);
    EXPECT_EQ(allocator.allocations, 2) << "one block for the images, one for the staging buffers";
    EXPECT_EQ(allocator.mapped, 1) << "only the staging block is mapped";
    const NtexTextureSetMemoryInfo footprint = memory_info();
    EXPECT_EQ(footprint.hostMemoryBlocks, 2u);
    EXPECT_EQ(footprint.deviceMemoryAllocations, 0u) << "the host's blocks are not ntex's allocations";
    EXPECT_EQ(footprint.imageBytes + footprint.stagingBytes, allocator.bytes) << "exactly what the host was asked for";
    generate(21);
    ASSERT_EQ(update_and_submit(), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    expect_images_match_read_map();
    ntexDestroyTextureSet(set);
    set = nullptr;
    EXPECT_EQ(allocator.frees, allocator.allocations) << "every block given back once";
    std::fprintf(stderr, "host allocator: %d blocks, %llu bytes for a ring of 3\n", allocator.allocations,
                 static_cast<unsigned long long>(allocator.bytes));

    // A callbacks struct without pfnFree, or without a device to allocate on, is refused.
    NtexContext other = nullptr;
    callbacks.pfnFree = nullptr;
    EXPECT_EQ(host->create_context(NTEX_BACKEND_CPU, &other, options), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("pfnAllocate and pfnFree"), std::string::npos) << ntexGetLastErrorMessage();
}

INSTANTIATE_TEST_SUITE_P(Models, TextureSetTest, ::testing::Values("albedo_v1", "material_v1"));

// A host that records updates but never signals the values they ask for stalls the set for good: ntex
// says so once, as a warning naming the semaphore, instead of returning NOT_READY silently forever.
// The message callback (NtexMessengerCreateInfo) gets it with NTEX_NOT_READY, and every skipped busy
// slot as a DEBUG message with NTEX_NOT_READY, which the plain log callback never sees.
TEST(TextureSetStall, NeverSignalledUpdatesAreReportedOnce) {
    const std::string path = model_path("albedo_v1");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "model albedo_v1 is not in models/";
    VulkanHost host;
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    struct Log {
        std::vector<std::string> warnings;
        int debug_lines = 0;
    } log;
    const PFN_ntexLogCallback on_log = [](NtexLogLevel level, const char* message, void* user) {
        if (level == NTEX_LOG_LEVEL_WARNING) static_cast<Log*>(user)->warnings.emplace_back(message);
        if (std::string(message).find("update skipped") != std::string::npos) ++static_cast<Log*>(user)->debug_lines;
    };
    struct Messages {
        int busy_skips = 0;                 // DEBUG, NOT_READY
        std::vector<std::string> stalls;    // WARNING, NOT_READY
        int others_not_ready = 0;
    } messages;
    NtexMessengerCreateInfo messenger{NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO};
    messenger.minSeverity = NTEX_LOG_LEVEL_DEBUG;
    messenger.pUserData = &messages;
    messenger.pfnCallback = [](NtexLogLevel severity, NtexResult result, const char* message, void* user) {
        auto* m = static_cast<Messages*>(user);
        if (result != NTEX_NOT_READY) return;
        if (severity == NTEX_LOG_LEVEL_DEBUG) {
            ++m->busy_skips;
        } else if (severity == NTEX_LOG_LEVEL_WARNING) {
            m->stalls.emplace_back(message);
        } else {
            ++m->others_not_ready;
        }
    };
    NtexContext context = nullptr;
    ntex_test::ContextOptions options;
    options.log = on_log;
    options.log_user = &log;
    options.next = &messenger;
    ASSERT_EQ(host.create_context(NTEX_BACKEND_CPU, &context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    ASSERT_TRUE(load_generator(context, path, 32, 32, &model, &generator));
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    NtexTextureSet set = nullptr;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    // Each update is submitted without its signal (the mistake); new results keep coming.
    int recorded = 0;
    for (int frame = 0; frame < 130; ++frame) {
        if (frame < 3) {
            ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        }
        NtexResult r = NTEX_SUCCESS;
        host.submit([&](VkCommandBuffer cmd) {
            uint64_t value = 0;
            r = ntexCmdUpdateTextureSet(set, cmd, &value);
            return uint64_t{0};   // not signalled
        });
        ASSERT_TRUE(r == NTEX_SUCCESS || r == NTEX_NOT_READY) << ntexResultToString(r);
        if (r == NTEX_SUCCESS) ++recorded;
    }
    EXPECT_EQ(recorded, 2) << "a ring of 2: two updates, then every slot waits for a value never signalled";
    ASSERT_EQ(log.warnings.size(), 1u) << "expected exactly one stall warning";
    EXPECT_NE(log.warnings[0].find("signal"), std::string::npos) << log.warnings[0];
    EXPECT_NE(log.warnings[0].find("120 updates"), std::string::npos) << log.warnings[0];
    ASSERT_EQ(messages.stalls.size(), 1u) << "the message callback gets the stall once, with NTEX_NOT_READY";
    EXPECT_EQ(messages.stalls[0], log.warnings[0]);
    EXPECT_EQ(messages.busy_skips, 130 - recorded) << "one DEBUG message per update that skipped its busy slot";
    EXPECT_EQ(messages.others_not_ready, 0);
    EXPECT_EQ(log.debug_lines, 0) << "skipped slots are not sent to the plain log callback";
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
}

// The C++ wrapper (ntex_vulkan.hpp): a context on the host's device, a texture set with host-chosen
// consumer stages, RAII destruction, and Params::animation_time (t = 1 is exactly z(seed + 1)).
TEST(TextureSetCxx, WrapperRecordsUpdatesAndAnimates) {
    const std::string path = model_path("albedo_v1");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "model albedo_v1 is not in models/";
    VulkanHost host;
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    {
        const ntex::VulkanDevice device(host.instance, host.physical_device, host.device, host.queue_family, vkGetInstanceProcAddr);
        const ntex::Context context(device.options(NTEX_BACKEND_CPU, 2));
        const ntex::Model model(context, path);
        ntex::Generator generator(context, model, 32, 32);
        ntex::TextureSet::Options options;
        options.ring_size = 3;
        options.consumer_stages = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT;
        ntex::TextureSet set(context, generator, options);
        EXPECT_EQ(set.path().path, NTEX_TEXTURE_SET_PATH_HOST_COPIES);

        ntex::Generator::Params p;
        p.seed = 5;
        p.animation_time = 1.0f;
        generator.set_params(p);
        generator.generate();
        const std::vector<uint8_t> animated = generator.read_rgba8(0);
        host.submit([&](VkCommandBuffer cmd) { return set.cmd_update(cmd); }, set.images().semaphore);
        const NtexTextureSetImages images = set.images();
        EXPECT_NE(images.resultId, 0u);
        EXPECT_EQ(host.read_image(images.images[0], 32, 32, 4, 0), animated) << "the set's albedo is not the generated one";
        EXPECT_EQ(set.path().callerConversions, 0u);
        host.submit([&](VkCommandBuffer cmd) {
            EXPECT_EQ(set.cmd_update(cmd), 0u) << "nothing new: nothing recorded";
            return uint64_t{0};
        });

        ntex::Generator::Params q;
        q.seed = 5;
        q.z.resize(model.info().zDim);
        ASSERT_EQ(ntexLatentFromSeed(model.get(), 6, q.z.data(), static_cast<uint32_t>(q.z.size())), NTEX_SUCCESS);
        generator.set_params(q);
        generator.generate();
        EXPECT_EQ(generator.read_rgba8(0), animated) << "animation_time 1 must equal z(seed + 1) with seed's noise";
        q.z.clear();
        generator.set_params(q);   // animation_time 0: z(seed) again
        generator.generate();
        EXPECT_NE(generator.read_rgba8(0), animated);
    }
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

// Memory the way an engine with its own allocators sees it: every host allocation ntex makes through
// Vulkan goes through the host's VkAllocationCallbacks (balanced at destruction; the validation layer
// checks create/destroy pairs use compatible callbacks), and a set makes a couple of vkAllocateMemory
// calls (suballocated blocks), not one per image and staging buffer: ring 3 x 4 maps + 3 staging
// buffers used to be 15. vkAllocateMemory is counted by handing ntex a vkGetInstanceProcAddr that wraps it.
namespace memory_counting {
std::atomic<int> host_allocations{0}, host_frees{0}, device_allocations{0}, device_frees{0};
PFN_vkAllocateMemory real_allocate = nullptr;
PFN_vkFreeMemory real_free = nullptr;
PFN_vkGetDeviceProcAddr real_get_device = nullptr;

void* VKAPI_PTR allocate(void*, size_t size, size_t alignment, VkSystemAllocationScope) {
    ++host_allocations;
    const size_t a = std::max<size_t>(alignment, sizeof(void*));
    return std::aligned_alloc(a, (size + a - 1) / a * a);
}
void VKAPI_PTR release(void*, void* memory) {
    if (memory == nullptr) return;
    ++host_frees;
    std::free(memory);
}
void* VKAPI_PTR reallocate(void* user, void* original, size_t size, size_t alignment, VkSystemAllocationScope scope) {
    if (original == nullptr) return allocate(user, size, alignment, scope);
    if (size == 0) {
        release(user, original);
        return nullptr;
    }
    void* fresh = allocate(user, size, alignment, scope);
    if (fresh != nullptr) std::memcpy(fresh, original, std::min(size, malloc_usable_size(original)));
    release(user, original);
    return fresh;
}
VkResult VKAPI_PTR allocate_memory(VkDevice d, const VkMemoryAllocateInfo* info, const VkAllocationCallbacks* a, VkDeviceMemory* m) {
    ++device_allocations;
    return real_allocate(d, info, a, m);
}
void VKAPI_PTR free_memory(VkDevice d, VkDeviceMemory m, const VkAllocationCallbacks* a) {
    if (m != VK_NULL_HANDLE) ++device_frees;
    real_free(d, m, a);
}
PFN_vkVoidFunction VKAPI_PTR get_device_proc(VkDevice d, const char* name) {
    if (std::strcmp(name, "vkAllocateMemory") == 0) return reinterpret_cast<PFN_vkVoidFunction>(&allocate_memory);
    if (std::strcmp(name, "vkFreeMemory") == 0) return reinterpret_cast<PFN_vkVoidFunction>(&free_memory);
    return real_get_device(d, name);
}
PFN_vkVoidFunction VKAPI_PTR get_instance_proc(VkInstance i, const char* name) {
    if (std::strcmp(name, "vkGetDeviceProcAddr") == 0) return reinterpret_cast<PFN_vkVoidFunction>(&get_device_proc);
    return vkGetInstanceProcAddr(i, name);
}
}  // namespace memory_counting

TEST(TextureSetMemory, HostAllocatorAndSuballocatedBlocks) {
    namespace mc = memory_counting;
    const std::string path = model_path("material_v1");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "model material_v1 is not in models/";
    VulkanHost host;
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    mc::real_get_device = reinterpret_cast<PFN_vkGetDeviceProcAddr>(vkGetInstanceProcAddr(host.instance, "vkGetDeviceProcAddr"));
    mc::real_allocate = reinterpret_cast<PFN_vkAllocateMemory>(mc::real_get_device(host.device, "vkAllocateMemory"));
    mc::real_free = reinterpret_cast<PFN_vkFreeMemory>(mc::real_get_device(host.device, "vkFreeMemory"));
    VkAllocationCallbacks callbacks{};
    callbacks.pfnAllocation = &mc::allocate;
    callbacks.pfnReallocation = &mc::reallocate;
    callbacks.pfnFree = &mc::release;

    NtexContext context = nullptr;
    ntex_test::ContextOptions options;
    options.get_instance_proc = &mc::get_instance_proc;
    options.allocator = &callbacks;
    ASSERT_EQ(host.create_context(NTEX_BACKEND_CPU, &context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    ASSERT_TRUE(load_generator(context, path, 64, 32, &model, &generator));
    ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();

    const int host_before = mc::host_allocations.load();
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.ringSize = 3;
    NtexTextureSet set = nullptr;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const int set_allocations = mc::device_allocations.load();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    std::fprintf(stderr, "ring 3 x %u maps: %d vkAllocateMemory calls, %d host allocations through the callbacks\n", images.mapCount,
                 set_allocations, mc::host_allocations.load() - host_before);
    EXPECT_GE(images.mapCount, 4u);
    EXPECT_LE(set_allocations, 2) << "one block for the staging buffers and one for the images";
    EXPECT_GT(mc::host_allocations.load(), host_before) << "the driver never saw the host's VkAllocationCallbacks";
    // The set works out of its blocks: the update's images equal the generator's maps.
    host.submit([&](VkCommandBuffer cmd) {
        uint64_t value = 0;
        EXPECT_EQ(ntexCmdUpdateTextureSet(set, cmd, &value), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        return value;
    }, images.semaphore);
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    std::vector<uint8_t> albedo(64 * 32 * 4);
    NtexHostImage hi{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
    hi.format = host_format(images.formats[0]);
    hi.pData = albedo.data();
    hi.rowPitch = 64 * 4;
    hi.size = albedo.size();
    ASSERT_EQ(ntexReadMap(generator, images.mapIndices[0], &hi), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(host.read_image(images.images[0], 64, 32, 4, 0), albedo);

    ntexDestroyTextureSet(set);
    EXPECT_EQ(mc::device_frees.load(), mc::device_allocations.load()) << "device memory leaked";
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    EXPECT_EQ(mc::host_frees.load(), mc::host_allocations.load()) << "host memory allocated through the callbacks was not freed";
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

// A context that asks for AUTO on a Vulkan device without the external-fd extensions: whatever AUTO
// resolves to (CPU here; CUDA on an NVIDIA machine), the texture set uses host copies (the CUDA path
// falls back with a logged reason) and behaves exactly like the CPU path.
TEST(TextureSetFallback, AutoBackendWithoutExternalExtensionsUsesHostCopies) {
    const std::string path = model_path("albedo_v1");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "model albedo_v1 is not in models/";
    VulkanHost host;   // no external-fd extensions enabled
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    NtexContext context = nullptr;
    ASSERT_EQ(host.create_context(NTEX_BACKEND_AUTO, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    // AUTO on the host's device: not CUDA (none here), and not Vulkan compute on a CPU implementation
    // (lavapipe): the CPU backend, with both reasons.
    NtexBackendInfo backend{NTEX_STRUCTURE_TYPE_BACKEND_INFO};
    ASSERT_EQ(ntexGetContextBackendInfo(context, &backend), NTEX_SUCCESS);
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(host.physical_device, &props);
    if (props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU && backend.backend != NTEX_BACKEND_CUDA) {
        EXPECT_EQ(backend.backend, NTEX_BACKEND_CPU);
        EXPECT_NE(std::string(backend.fallbackReason).find("Vulkan compute: the Vulkan device is a CPU implementation"), std::string::npos)
            << backend.fallbackReason;
        EXPECT_NE(std::string(backend.fallbackReason).find("CUDA: "), std::string::npos) << backend.fallbackReason;
    }
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    ASSERT_TRUE(load_generator(context, path, 32, 32, &model, &generator));
    NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
    p.seed = 9;
    p.truncationPsi = 1.0f;
    ASSERT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS);
    ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    NtexTextureSet set = nullptr;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.readySemaphore, VK_NULL_HANDLE);
    uint64_t value = 0;
    NtexResult result = NTEX_ERROR_UNKNOWN;
    host.submit(
        [&](VkCommandBuffer cmd) {
            result = ntexCmdUpdateTextureSet(set, cmd, &value);
            return value;
        },
        images.semaphore);
    EXPECT_EQ(result, NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_EQ(images.layout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    EXPECT_EQ(images.readySemaphore, VK_NULL_HANDLE);
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
}

}  // namespace
