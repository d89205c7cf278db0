// SPDX-License-Identifier: MIT
// Texture sets on a host-owned Vulkan device (lavapipe in CI): ntex records the uploads into the
// host's command buffer; the images must hold exactly the texels ntexReadMap returns, the mips must
// be filtered copies, the ring must never overwrite a staging buffer the GPU still reads, misuse
// must return errors, and the validation layer (with synchronization validation) must stay silent.
#include "formats.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
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

class TextureSetTest : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path(GetParam()))) GTEST_SKIP() << "model " << GetParam() << " is not in models/";
        host = std::make_unique<VulkanHost>();
        // The validation layer is part of the test (scripts/install_deps.sh installs it).
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
        std::fprintf(stderr, "host device: %s, validation + synchronization validation on\n", host->device_name.c_str());
        ASSERT_EQ(host->create_context(NTEX_BACKEND_CPU, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        const std::string path = model_path(GetParam());
        NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
        li.pPath = path.c_str();
        ASSERT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
        gi.model = model;
        gi.width = 64;
        gi.height = 32;
        ASSERT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    void TearDown() override {
        ntexDestroyTextureSet(set);
        ntexDestroyGenerator(generator);
        ntexDestroyModel(model);
        ntexDestroyContext(context);
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
    NtexResult update_and_submit() {
        NtexResult result = NTEX_SUCCESS;
        uint64_t value = 0;
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        EXPECT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
        host->submit(
            [&](VkCommandBuffer cmd) {
                result = ntexCmdUpdateTextureSet(set, cmd, &value);
                return value;
            },
            images.semaphore);
        return result == NTEX_SUCCESS && value == 0 ? NTEX_ERROR_UNKNOWN : result;
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
    // A format ntex cannot write is refused.
    ntexDestroyTextureSet(set);
    set = nullptr;
    std::vector<VkFormat> bad(formats.size(), VK_FORMAT_B8G8R8A8_UNORM);
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.pFormats = bad.data();
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("VkFormat"), std::string::npos);
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

INSTANTIATE_TEST_SUITE_P(Models, TextureSetTest, ::testing::Values("albedo_v1", "material_v1"));

// A context that asks for AUTO on a Vulkan device without the external-fd extensions: whatever AUTO
// resolves to (CPU here; CUDA on an NVIDIA machine), the texture set uses host copies (the CUDA path
// falls back with a logged reason) and behaves exactly like the CPU path.
TEST(TextureSetFallback, AutoBackendWithoutExternalExtensionsUsesHostCopies) {
    const std::string path = model_path("albedo_v1");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "model albedo_v1 is not in models/";
    VulkanHost host;   // no external-fd extensions enabled
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    NtexVulkanDeviceInfo vk{NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO};
    vk.instance = host.instance;
    vk.physicalDevice = host.physical_device;
    vk.device = host.device;
    vk.queueFamilyIndex = host.queue_family;
    vk.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    NtexContextCreateInfo ci{NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO};
    ci.pNext = &vk;
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.backend = NTEX_BACKEND_AUTO;
    ci.threadCount = 2;
    NtexContext context = nullptr;
    ASSERT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
    li.pPath = path.c_str();
    NtexModel model = nullptr;
    ASSERT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
    gi.model = model;
    gi.width = 32;
    gi.height = 32;
    NtexGenerator generator = nullptr;
    ASSERT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
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
