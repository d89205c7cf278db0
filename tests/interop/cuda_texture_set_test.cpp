// SPDX-License-Identifier: MIT
// The CUDA zero-copy texture set end to end (ctest label `gpu`): a host Vulkan device with the
// external-fd extensions, a CUDA context on the same GPU, images written by CUDA through imported
// memory and read back through Vulkan. Checks: the set does not fall back; every texel is written
// (the first slot is poisoned before the first write); the images equal the CPU reference (+-1 LSB);
// 1000 frames with up to 3 in flight alternating two seeds never show a mixed or partial texture;
// the validation layer (with synchronization validation) stays silent. Skips with the reason when
// there is no CUDA device or the Vulkan device lacks VK_KHR_external_memory_fd/_semaphore_fd.
#include "../common/require_gpu.h"
#include "formats.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ntex_test::host_format;
using ntex_test::texel_bytes;
using ntex_test::VulkanHost;

constexpr uint32_t kWidth = 128;
constexpr uint32_t kHeight = 64;
constexpr uint32_t kSeedA = 11;
constexpr uint32_t kSeedB = 12;
constexpr VkPipelineStageFlags kSampling = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;

std::string model_path(const char* name) { return std::string(NTEX_SOURCE_DIR) + "/models/" + name + ".json"; }

void check_vk(VkResult r, const char* what) {
    if (r != VK_SUCCESS) throw std::runtime_error(std::string(what) + " failed: VkResult " + std::to_string(r));
}

// GPU waits are bounded (review cuda-first-gpu #8): a CUDA stall fails this test within seconds with
// the semaphore values, instead of hanging until ctest's 600 s timeout. The process exits on a stall:
// nothing after it (TearDown's vkDeviceWaitIdle included) could finish either.
constexpr uint64_t kGpuWaitNs = 10'000'000'000;

[[noreturn]] void gpu_stalled(VkDevice device, NtexTextureSet set, const char* where) {
    NtexTextureSetImages im{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    std::string state = "no texture set";
    if (set != nullptr && ntexGetTextureSetImages(set, &im) == NTEX_SUCCESS) {
        uint64_t release = 0, ready = 0;
        if (im.semaphore) vkGetSemaphoreCounterValue(device, im.semaphore, &release);
        if (im.readySemaphore) vkGetSemaphoreCounterValue(device, im.readySemaphore, &ready);
        state = "release semaphore at " + std::to_string(release) + " (slot waits for " + std::to_string(im.waitValue) +
                "), ready semaphore at " + std::to_string(ready) + " (expected " + std::to_string(im.readyValue) + ")";
    }
    std::fprintf(stderr, "FATAL: the GPU did not finish within %.0f s at %s: %s\n", static_cast<double>(kGpuWaitNs) * 1e-9, where, state.c_str());
    std::fflush(stderr);
    std::_Exit(3);
}

// vkQueueWaitIdle with a bound: an empty submit with a fence, waited for kGpuWaitNs.
void bounded_queue_wait(VulkanHost& host, NtexTextureSet set, const char* where) {
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence = VK_NULL_HANDLE;
    check_vk(vkCreateFence(host.device, &fci, nullptr, &fence), "vkCreateFence");
    check_vk(vkQueueSubmit(host.queue, 0, nullptr, fence), "vkQueueSubmit(fence)");
    const VkResult r = vkWaitForFences(host.device, 1, &fence, VK_TRUE, kGpuWaitNs);
    if (r == VK_TIMEOUT) gpu_stalled(host.device, set, where);
    check_vk(r, "vkWaitForFences");
    vkDestroyFence(host.device, fence, nullptr);
}

// Texels of every map of one result, per map (tightly packed level 0).
using Maps = std::vector<std::vector<uint8_t>>;

// Equal within one step of the format's integer encoding (8-bit or 16-bit channels); half floats within
// one binary16 step at [0.5, 1); float formats within 1e-4 relative. Returns the number of differing texel components.
std::size_t count_differences(VkFormat format, const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    if (a.size() != b.size()) return std::max(a.size(), b.size());
    std::size_t bad = 0;
    if (format == VK_FORMAT_R16_UNORM) {
        for (std::size_t i = 0; i + 1 < a.size(); i += 2) {
            uint16_t x, y;
            std::memcpy(&x, &a[i], 2);
            std::memcpy(&y, &b[i], 2);
            bad += std::abs(int(x) - int(y)) > 1;
        }
    } else if (ntex_test::is_half(format)) {   // one binary16 step at [0.5, 1) (2^-11)
        for (std::size_t i = 0; i + 1 < a.size(); i += 2) {
            uint16_t x, y;
            std::memcpy(&x, &a[i], 2);
            std::memcpy(&y, &b[i], 2);
            bad += !(std::abs(ntex_test::half_value(x) - ntex_test::half_value(y)) <= 1.0f / 2048.0f);
        }
    } else if (format == VK_FORMAT_R32_SFLOAT || format == VK_FORMAT_R32G32B32A32_SFLOAT) {
        for (std::size_t i = 0; i + 3 < a.size(); i += 4) {
            float x, y;
            std::memcpy(&x, &a[i], 4);
            std::memcpy(&y, &b[i], 4);
            bad += std::abs(x - y) > 1e-4f * std::max(1.0f, std::abs(y));
        }
    } else {
        for (std::size_t i = 0; i < a.size(); ++i) bad += std::abs(int(a[i]) - int(b[i])) > 1;
    }
    return bad;
}

class CudaTextureSetTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* name = std::filesystem::exists(model_path("material_v1")) ? "material_v1" : "albedo_v1";
        if (!std::filesystem::exists(model_path(name))) GTEST_SKIP() << "no model in models/";
        host = std::make_unique<VulkanHost>(/*want_external_fd=*/true);
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
        if (host->create_context(NTEX_BACKEND_CUDA, &context) != NTEX_SUCCESS) {
            NTEX_GPU_UNAVAILABLE("no usable CUDA backend: " << ntexGetLastErrorMessage());
        }
        if (!host->external_fd) {
            NTEX_GPU_UNAVAILABLE("the Vulkan device '" << host->device_name << "' lacks VK_KHR_external_memory_fd / VK_KHR_external_semaphore_fd");
        }
        std::fprintf(stderr, "host device: %s, external fds, validation + synchronization validation on\n", host->device_name.c_str());
        const std::string path = model_path(name);
        NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
        li.pPath = path.c_str();
        ASSERT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        // FP32: the exact mode, comparable with the CPU reference to one LSB.
        NtexGeneratorPrecisionInfo precision{NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO};
        precision.precision = NTEX_PRECISION_FP32;
        NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
        gi.pNext = &precision;
        gi.model = model;
        gi.width = kWidth;
        gi.height = kHeight;
        ASSERT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();

        // The CPU reference: its own context, model and generator.
        NtexContextCreateInfo cpu{NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO};
        cpu.headerVersion = NTEX_HEADER_VERSION;
        cpu.backend = NTEX_BACKEND_CPU;
        ASSERT_EQ(ntexCreateContext(&cpu, &cpu_context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexLoadModel(cpu_context, &li, &cpu_model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        gi.pNext = nullptr;
        gi.model = cpu_model;
        ASSERT_EQ(ntexCreateGenerator(cpu_context, &gi, &cpu_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    void TearDown() override {
        if (host && host->device) vkDeviceWaitIdle(host->device);
        ntexDestroyTextureSet(set);
        ntexDestroyGenerator(generator);
        ntexDestroyModel(model);
        ntexDestroyContext(context);
        ntexDestroyGenerator(cpu_generator);
        ntexDestroyModel(cpu_model);
        ntexDestroyContext(cpu_context);
        if (host) {
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    void set_seed(NtexGenerator g, uint32_t seed) {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = 1.0f;
        ASSERT_EQ(ntexSetGeneratorParams(g, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }

    Maps cpu_maps(uint32_t seed, const NtexTextureSetImages& images) {
        set_seed(cpu_generator, seed);
        EXPECT_EQ(ntexGenerate(cpu_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        Maps maps;
        for (uint32_t i = 0; i < images.mapCount; ++i) {
            const uint32_t bytes = texel_bytes(images.formats[i]);
            std::vector<uint8_t> data(std::size_t(kWidth) * kHeight * bytes);
            NtexHostImage hi{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
            hi.format = host_format(images.formats[i]);
            hi.pData = data.data();
            hi.rowPitch = std::size_t(kWidth) * bytes;
            hi.size = data.size();
            EXPECT_EQ(ntexReadMap(cpu_generator, images.mapIndices[i], &hi), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            maps.push_back(std::move(data));
        }
        return maps;
    }

    // One frame as a renderer records it: ntex's update, then `use` (the "sampling"), submitted with
    // a wait for (readySemaphore, readyValue) and a signal of the release value ntex returned.
    NtexResult frame(VkCommandBuffer cmd, VkFence fence, const std::function<void(VkCommandBuffer, const NtexTextureSetImages&)>& use) {
        VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
        check_vk(vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
        uint64_t release = 0;
        const NtexResult r = ntexCmdUpdateTextureSet(set, cmd, &release);
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        EXPECT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
        if (use) use(cmd, images);
        check_vk(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
        // The test reads with transfers, so it waits at ALL_COMMANDS (a renderer: readyStageMask).
        const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
        VkTimelineSemaphoreSubmitInfo ts{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
        ts.waitSemaphoreValueCount = 1;
        ts.pWaitSemaphoreValues = &images.readyValue;
        ts.signalSemaphoreValueCount = release > 0 ? 1 : 0;
        ts.pSignalSemaphoreValues = &release;
        VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        si.pNext = &ts;
        si.waitSemaphoreCount = 1;
        si.pWaitSemaphores = &images.readySemaphore;
        si.pWaitDstStageMask = &wait_stage;
        si.commandBufferCount = 1;
        si.pCommandBuffers = &cmd;
        si.signalSemaphoreCount = release > 0 ? 1 : 0;
        si.pSignalSemaphores = &images.semaphore;
        check_vk(vkQueueSubmit(host->queue, 1, &si, fence), "vkQueueSubmit");
        return r;
    }

    // `set` = a ring of 2 on the generator with `next` chained, which must be on the CUDA path; its images.
    void create_cuda_set(const void* next, NtexTextureSetImages* images) {
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = next;
        si.generator = generator;
        si.ringSize = 2;
        ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(ntexGetTextureSetImages(set, images), NTEX_SUCCESS);
        ASSERT_NE(images->readySemaphore, VK_NULL_HANDLE) << "the set fell back to host copies (the log says why)";
    }

    // The first-use frame (layouts only), then one frame writing seed kSeedA; both waited for.
    void first_frames(VkCommandBuffer cmd) {
        ASSERT_EQ(frame(cmd, VK_NULL_HANDLE, nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();   // first use: layouts
        bounded_queue_wait(*host, set, "the first-use frame");
        set_seed(generator, kSeedA);
        ASSERT_EQ(frame(cmd, VK_NULL_HANDLE, nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        bounded_queue_wait(*host, set, "seed A's frame");
    }

    VkCommandBuffer allocate_command_buffer() {
        VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        ai.commandPool = host->pool;
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        ai.commandBufferCount = 1;
        VkCommandBuffer cmd = VK_NULL_HANDLE;
        check_vk(vkAllocateCommandBuffers(host->device, &ai, &cmd), "vkAllocateCommandBuffers");
        return cmd;
    }

    Maps read_back(const NtexTextureSetImages& images, uint32_t level = 0) {
        Maps maps;
        for (uint32_t i = 0; i < images.mapCount; ++i) {
            maps.push_back(host->read_image(images.images[i], images.width, images.height, texel_bytes(images.formats[i]), level,
                                            VK_IMAGE_LAYOUT_GENERAL));
        }
        return maps;
    }

    std::unique_ptr<VulkanHost> host;
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    NtexContext cpu_context = nullptr;
    NtexModel cpu_model = nullptr;
    NtexGenerator cpu_generator = nullptr;
};

// The engine formats (BGRA8 sRGB albedo, RG8 normal, half-float roughness and height) written by the CUDA
// surface writer match the CPU path's ntexReadMap conversion within one step.
TEST_F(CudaTextureSetTest, CompactFormatsMatchCpu) {
    NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
    std::vector<VkFormat> formats;
    for (uint32_t i = 0; i < info.mapCount; ++i) formats.push_back(ntex_test::compact_format(info.mapSemantics[i]));
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.ringSize = 2;
    si.pFormats = formats.data();
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    ASSERT_NE(images.readySemaphore, VK_NULL_HANDLE) << "the set fell back to host copies (the log says why)";
    VkCommandBuffer cmd = allocate_command_buffer();
    ASSERT_NO_FATAL_FAILURE(first_frames(cmd));
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_NE(images.resultId, 0u);
    const Maps gpu = read_back(images);
    const Maps cpu = cpu_maps(kSeedA, images);
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        EXPECT_EQ(images.formats[i], formats[i]);
        EXPECT_EQ(count_differences(images.formats[i], gpu[i], cpu[i]), 0u) << "map " << i << " (VkFormat " << images.formats[i] << ")";
    }
    vkFreeCommandBuffers(host->device, host->pool, 1, &cmd);
}

// Channel-packed images (normal.xy + roughness + height, and ORM + height in RGBA8) written by the CUDA
// surface writer match the CPU path's ntexReadMap of the same NtexChannelPacking within one step.
TEST_F(CudaTextureSetTest, ChannelPackedImagesMatchCpu) {
    constexpr uint32_t kNormalMap = 1, kRoughnessMap = 2, kHeightMap = 3;   // material_v1's maps
    NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
    if (info.mapCount != 4) GTEST_SKIP() << "needs models/material_v1.json (albedo, normal, roughness, height)";
    auto packing = [](NtexChannelSource r, NtexChannelSource g, NtexChannelSource b, NtexChannelSource a) {
        NtexChannelPacking p{NTEX_STRUCTURE_TYPE_CHANNEL_PACKING};
        p.channels[0] = r, p.channels[1] = g, p.channels[2] = b, p.channels[3] = a;
        return p;
    };
    const NtexChannelPacking packed[2] = {
        packing({kNormalMap, 0}, {kNormalMap, 1}, {kRoughnessMap, 0}, {kHeightMap, 0}),
        packing({NTEX_CHANNEL_SOURCE_ONE, 0}, {kRoughnessMap, 0}, {NTEX_CHANNEL_SOURCE_ZERO, 0}, {kHeightMap, 0}),
    };
    NtexTextureSetPackingInfo pack{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO};
    pack.imageCount = 2;
    pack.pImages = packed;
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_NO_FATAL_FAILURE(create_cuda_set(&pack, &images));
    ASSERT_EQ(images.mapCount, 2u);
    VkCommandBuffer cmd = allocate_command_buffer();
    ASSERT_NO_FATAL_FAILURE(first_frames(cmd));
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    const Maps gpu = read_back(images);
    set_seed(cpu_generator, kSeedA);
    ASSERT_EQ(ntexGenerate(cpu_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        EXPECT_EQ(images.formats[i], VK_FORMAT_R8G8B8A8_UNORM);
        EXPECT_EQ(images.mapIndices[i], NTEX_MAP_INDEX_PACKED);
        std::vector<uint8_t> cpu(std::size_t(kWidth) * kHeight * 4);
        NtexHostImage hi{NTEX_STRUCTURE_TYPE_HOST_IMAGE};
        hi.pNext = &packed[i];
        hi.format = NTEX_HOST_FORMAT_R8G8B8A8;
        hi.pData = cpu.data();
        hi.rowPitch = std::size_t(kWidth) * 4;
        hi.size = cpu.size();
        ASSERT_EQ(ntexReadMap(cpu_generator, NTEX_MAP_INDEX_PACKED, &hi), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(count_differences(images.formats[i], gpu[i], cpu), 0u) << "packed image " << i;
    }
    vkFreeCommandBuffers(host->device, host->pool, 1, &cmd);
}

// NTEX_MIP_FILTER_MATERIAL on the CUDA path (backends/cuda/material_mips.cu): every level of every map,
// and of a channel-packed ORM image, equals the host-copy path's (a CPU context on the same Vulkan device:
// MaterialMips on the host) within one step.
TEST_F(CudaTextureSetTest, MaterialMipsMatchTheHostCopyPath) {
    NtexModelInfo info{NTEX_STRUCTURE_TYPE_MODEL_INFO};
    ASSERT_EQ(ntexGetModelInfo(model, &info), NTEX_SUCCESS);
    if (info.mapCount != 4) GTEST_SKIP() << "needs models/material_v1.json (albedo, normal, roughness, height)";
    NtexTextureSetMipInfo mip{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
    mip.filter = NTEX_MIP_FILTER_MATERIAL;
    NtexChannelPacking orm{NTEX_STRUCTURE_TYPE_CHANNEL_PACKING};
    orm.channels[0] = {NTEX_CHANNEL_SOURCE_ONE, 0};
    orm.channels[1] = {2, 0};   // roughness (Toksvig-widened at levels >= 1)
    orm.channels[2] = {NTEX_CHANNEL_SOURCE_ZERO, 0};
    orm.channels[3] = {1, 2};   // the normal's z (renormalised)
    NtexTextureSetPackingInfo pack{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO};
    pack.imageCount = 1;
    pack.pImages = &orm;
    // The reference: host copies on a CPU context sharing the host's device.
    NtexContext ref_context = nullptr;
    NtexModel ref_model = nullptr;
    NtexGenerator ref_generator = nullptr;
    ASSERT_EQ(host->create_context(NTEX_BACKEND_CPU, &ref_context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::string path = model_path("material_v1");
    NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
    li.pPath = path.c_str();
    ASSERT_EQ(ntexLoadModel(ref_context, &li, &ref_model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
    gi.model = ref_model;
    gi.width = kWidth;
    gi.height = kHeight;
    ASSERT_EQ(ntexCreateGenerator(ref_context, &gi, &ref_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    set_seed(ref_generator, kSeedA);
    ASSERT_EQ(ntexGenerate(ref_generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    VkCommandBuffer cmd = allocate_command_buffer();
    for (const bool packed : {false, true}) {
        SCOPED_TRACE(packed ? "ORM image" : "the four maps");
        mip.pNext = packed ? &pack : nullptr;
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_NO_FATAL_FAILURE(create_cuda_set(&mip, &images));
        ASSERT_NO_FATAL_FAILURE(first_frames(cmd));
        ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
        ASSERT_GT(images.mipLevels, 1u);

        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &mip;
        si.generator = ref_generator;
        si.ringSize = 2;
        NtexTextureSet ref_set = nullptr;
        ASSERT_EQ(ntexCreateTextureSet(ref_context, &si, &ref_set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(host->update_and_submit(ref_set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(vkQueueWaitIdle(host->queue), VK_SUCCESS);
        NtexTextureSetImages ref{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(ref_set, &ref), NTEX_SUCCESS);
        ASSERT_EQ(ref.mapCount, images.mapCount);
        ASSERT_EQ(ref.mipLevels, images.mipLevels);
        for (uint32_t level = 0; level < images.mipLevels; ++level) {
            for (uint32_t i = 0; i < images.mapCount; ++i) {
                ASSERT_EQ(ref.formats[i], images.formats[i]);
                const uint32_t bytes = texel_bytes(images.formats[i]);
                const std::vector<uint8_t> got = host->read_image(images.images[i], kWidth, kHeight, bytes, level, VK_IMAGE_LAYOUT_GENERAL);
                const std::vector<uint8_t> want = host->read_image(ref.images[i], kWidth, kHeight, bytes, level, ref.layout);
                EXPECT_EQ(count_differences(images.formats[i], got, want), 0u) << "image " << i << " level " << level;
            }
        }
        ntexDestroyTextureSet(ref_set);
        ntexDestroyTextureSet(set);
        set = nullptr;
    }
    vkFreeCommandBuffers(host->device, host->pool, 1, &cmd);
    ntexDestroyGenerator(ref_generator);
    ntexDestroyModel(ref_model);
    ntexDestroyContext(ref_context);
}

TEST_F(CudaTextureSetTest, ZeroCopyMatchesCpuAndNeverTears) {
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.ringSize = 3;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    ASSERT_NE(images.readySemaphore, VK_NULL_HANDLE) << "the set fell back to host copies (the log says why)";
    EXPECT_EQ(images.readyStageMask, kSampling);
    EXPECT_EQ(images.resultId, 0u);
    EXPECT_EQ(images.mipLevels, 8u);   // 128 -> 1

    VkCommandBuffer cmd = allocate_command_buffer();
    // 1. The first update only moves the images to GENERAL. The host poisons the slot the first write
    //    will land in (it is the one reported now) in the same submit, before the release value CUDA waits for.
    ASSERT_EQ(frame(cmd, VK_NULL_HANDLE,
                    [&](VkCommandBuffer c, const NtexTextureSetImages& im) {
                        EXPECT_EQ(im.layout, VK_IMAGE_LAYOUT_GENERAL);
                        EXPECT_EQ(im.resultId, 0u);
                        std::vector<VkImageMemoryBarrier> to_clear, to_read;
                        for (uint32_t i = 0; i < im.mapCount; ++i) {
                            VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
                            b.srcAccessMask = 0;
                            b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
                            b.oldLayout = b.newLayout = VK_IMAGE_LAYOUT_GENERAL;
                            b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
                            b.image = im.images[i];
                            b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, im.mipLevels, 0, 1};
                            to_clear.push_back(b);
                            b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
                            b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
                            to_read.push_back(b);
                        }
                        vkCmdPipelineBarrier(c, kSampling, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr,
                                             static_cast<uint32_t>(to_clear.size()), to_clear.data());
                        const VkClearColorValue poison{{0.0f, 1.0f, 0.0f, 0.25f}};
                        for (uint32_t i = 0; i < im.mapCount; ++i) {
                            const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, im.mipLevels, 0, 1};
                            vkCmdClearColorImage(c, im.images[i], VK_IMAGE_LAYOUT_GENERAL, &poison, 1, &range);
                        }
                        vkCmdPipelineBarrier(c, VK_PIPELINE_STAGE_TRANSFER_BIT, kSampling, 0, 0, nullptr, 0, nullptr,
                                             static_cast<uint32_t>(to_read.size()), to_read.data());
                    }),
              NTEX_SUCCESS)
        << ntexGetLastErrorMessage();
    bounded_queue_wait(*host, set, "the first-use frame");

    // 2. Seed A into the poisoned slot; read back through Vulkan; compare with the CPU result.
    set_seed(generator, kSeedA);
    ASSERT_EQ(frame(cmd, VK_NULL_HANDLE, nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    bounded_queue_wait(*host, set, "seed A's frame");
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    EXPECT_NE(images.resultId, 0u);
    EXPECT_GT(images.readyValue, 0u);
    const Maps gpu_a = read_back(images);
    const Maps cpu_a = cpu_maps(kSeedA, images);
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        EXPECT_EQ(count_differences(images.formats[i], gpu_a[i], cpu_a[i]), 0u)
            << "map " << i << " (VkFormat " << images.formats[i] << ") differs from the CPU result by more than 1 LSB";
    }
    // The mips were written too: for plain UNORM 8-bit maps a box-filtered level keeps the mean.
    const Maps level1 = read_back(images, 1);
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        if (images.formats[i] != VK_FORMAT_R8_UNORM && images.formats[i] != VK_FORMAT_R8G8B8A8_UNORM) continue;
        double m0 = 0, m1 = 0;
        for (uint8_t v : gpu_a[i]) m0 += v;
        for (uint8_t v : level1[i]) m1 += v;
        EXPECT_NEAR(m0 / double(gpu_a[i].size()), m1 / double(level1[i].size()), 1.5) << "map " << i << " mip 1";
    }

    // 3. Seed B: the reference the frame loop compares against (exactly: same plan, same kernels).
    set_seed(generator, kSeedB);
    ASSERT_EQ(frame(cmd, VK_NULL_HANDLE, nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    bounded_queue_wait(*host, set, "seed B's frame");
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    const Maps gpu_b = read_back(images);
    const Maps cpu_b = cpu_maps(kSeedB, images);
    for (uint32_t i = 0; i < images.mapCount; ++i) EXPECT_EQ(count_differences(images.formats[i], gpu_b[i], cpu_b[i]), 0u) << "map " << i;
    ASSERT_NE(gpu_a, gpu_b) << "seeds A and B give the same texels: the test could not see a mix";
    vkFreeCommandBuffers(host->device, host->pool, 1, &cmd);

    // 4. 1000 frames, up to 3 in flight, the seed changing every other frame (the frames between sample
    //    the previous write: NOT_READY). Each frame copies what it samples into its own buffer.
    struct Frame {
        VkCommandBuffer cmd = VK_NULL_HANDLE;
        VkFence fence = VK_NULL_HANDLE;
        ntex_test::VulkanHost::HostBuffer host;
        VkBuffer buffer = VK_NULL_HANDLE;   // host.buffer
        uint8_t* mapped = nullptr;          // host.mapped
        uint32_t seed = 0;
        bool pending = false;
    };
    std::vector<VkDeviceSize> offsets;
    VkDeviceSize total = 0;
    for (const auto& m : gpu_a) {
        offsets.push_back(total);
        total += (m.size() + 15) & ~std::size_t(15);
    }
    std::array<Frame, 3> frames;
    for (Frame& f : frames) {
        f.cmd = allocate_command_buffer();
        VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        check_vk(vkCreateFence(host->device, &fci, nullptr, &f.fence), "vkCreateFence");
        f.host = host->create_host_buffer(total);
        f.buffer = f.host.buffer;
        f.mapped = static_cast<uint8_t*>(f.host.mapped);
    }
    int torn = 0, first_torn = -1, frame_index = 0, writes = 0;
    auto finish = [&](Frame& f, int index) {
        if (!f.pending) return;
        // The frames-in-flight cap, bounded.
        const VkResult waited = vkWaitForFences(host->device, 1, &f.fence, VK_TRUE, kGpuWaitNs);
        if (waited == VK_TIMEOUT) gpu_stalled(host->device, set, ("frame " + std::to_string(index)).c_str());
        check_vk(waited, "vkWaitForFences");
        check_vk(vkResetFences(host->device, 1, &f.fence), "vkResetFences");
        const Maps& expected = f.seed == kSeedA ? gpu_a : gpu_b;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            if (std::memcmp(f.mapped + offsets[i], expected[i].data(), expected[i].size()) != 0) {
                if (first_torn < 0) first_torn = index;
                ++torn;
                break;
            }
        }
        f.pending = false;
    };
    uint32_t seed = kSeedB;
    for (; frame_index < 1000; ++frame_index) {
        Frame& f = frames[static_cast<std::size_t>(frame_index) % frames.size()];
        finish(f, frame_index - static_cast<int>(frames.size()));
        const bool change = frame_index % 2 == 0;
        if (change) {
            seed = seed == kSeedA ? kSeedB : kSeedA;
            set_seed(generator, seed);
        }
        const NtexResult r = frame(f.cmd, f.fence, [&](VkCommandBuffer c, const NtexTextureSetImages& im) {
            std::vector<VkImageMemoryBarrier> barriers;
            for (uint32_t i = 0; i < im.mapCount; ++i) {
                VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
                b.srcAccessMask = 0;
                b.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
                b.oldLayout = b.newLayout = VK_IMAGE_LAYOUT_GENERAL;
                b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
                b.image = im.images[i];
                b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
                barriers.push_back(b);
            }
            vkCmdPipelineBarrier(c, kSampling, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr,
                                 static_cast<uint32_t>(barriers.size()), barriers.data());
            for (uint32_t i = 0; i < im.mapCount; ++i) {
                VkBufferImageCopy copy{};
                copy.bufferOffset = offsets[i];
                copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
                copy.imageExtent = {im.width, im.height, 1};
                vkCmdCopyImageToBuffer(c, im.images[i], VK_IMAGE_LAYOUT_GENERAL, f.buffer, 1, &copy);
            }
            VkBufferMemoryBarrier hb{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
            hb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
            hb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
            hb.srcQueueFamilyIndex = hb.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
            hb.buffer = f.buffer;
            hb.size = VK_WHOLE_SIZE;
            vkCmdPipelineBarrier(c, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &hb, 0, nullptr);
        });
        if (change) {
            ASSERT_EQ(r, NTEX_SUCCESS) << "frame " << frame_index << ": " << ntexGetLastErrorMessage();
            ++writes;
        } else {
            ASSERT_EQ(r, NTEX_NOT_READY) << "frame " << frame_index << ": nothing changed, nothing to record";
        }
        f.seed = seed;
        f.pending = true;
    }
    for (std::size_t k = 0; k < frames.size(); ++k) {
        finish(frames[static_cast<std::size_t>(frame_index) % frames.size()], frame_index - static_cast<int>(frames.size()));
        ++frame_index;
    }
    EXPECT_EQ(torn, 0) << torn << " frame(s) sampled a texture that is neither seed A's nor seed B's complete result (first: frame "
                       << first_torn << ")";
    EXPECT_EQ(writes, 500);
    for (Frame& f : frames) {
        vkDestroyFence(host->device, f.fence, nullptr);
        host->destroy(f.host);
        vkFreeCommandBuffers(host->device, host->pool, 1, &f.cmd);
    }
}

}  // namespace
