// SPDX-License-Identifier: MIT
// Deferred final barriers (issue 15, NtexTextureSetSyncInfo::deferFinalBarriers): ntexCmdUpdateTextureSet
// leaves out the barriers that move the written images to their final layout, and the host records them
// from ntexGetTextureSetFinalBarriers in one batch with a barrier of its own, with vkCmdPipelineBarrier2
// (synchronization2) or as one vkCmdPipelineBarrier. The images must then hold exactly what a set that
// records its own barriers holds, at every map and level, on the host-copy and Vulkan compute paths; the
// validation layer (layouts, synchronization) must stay silent, which it would not be if a barrier were
// missing or wrong (the read-back transitions from SHADER_READ_ONLY_OPTIMAL).
#include "load_generator.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>
#include <ntex/ntex_vulkan.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

std::string model_path() { return std::string(NTEX_SOURCE_DIR) + "/models/material_v1.json"; }

constexpr uint32_t kWidth = 64, kHeight = 32;

struct Case {
    NtexBackend backend;
    bool synchronization2;   // the host records with vkCmdPipelineBarrier2, else vkCmdPipelineBarrier
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << (c.backend == NTEX_BACKEND_VULKAN ? "vulkan compute" : "host copies") << (c.synchronization2 ? ", sync2" : ", sync1");
}

class DeferredBarriersTest : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "material_v1 is not in models/";
        host = std::make_unique<VulkanHost>(false, true, GetParam().synchronization2);
        ASSERT_TRUE(host->validation) << "VK_LAYER_KHRONOS_validation is not installed";
        if (GetParam().synchronization2 && !host->synchronization2) GTEST_SKIP() << "the device has no synchronization2";
        ASSERT_EQ(host->create_context(GetParam().backend, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        for (int i = 0; i < 2; ++i) {
            ASSERT_TRUE(ntex_test::load_generator(context, model_path(), kWidth, kHeight, &models[i], &generators[i]));
            NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
            p.seed = 7;
            p.truncationPsi = 0.8f;
            ASSERT_EQ(ntexSetGeneratorParams(generators[i], &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        }
    }

    void TearDown() override {
        for (int i = 0; i < 2; ++i) ntexDestroyTextureSet(sets[i]);
        for (int i = 0; i < 2; ++i) {
            ntexDestroyGenerator(generators[i]);
            ntexDestroyModel(models[i]);
        }
        ntexDestroyContext(context);
        if (host) {
            host->destroy(own);
            EXPECT_EQ(host->errors.load(), 0) << "validation errors";
            EXPECT_EQ(host->warnings.load(), 0) << "validation warnings";
        }
    }

    NtexResult create(int i, VkBool32 defer) {
        NtexTextureSetSyncInfo sync{NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO};
        sync.deferFinalBarriers = defer;
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &sync;
        si.generator = generators[i];
        si.ringSize = 2;
        return ntexCreateTextureSet(context, &si, &sets[i]);
    }

    // The host's frame: ntex's update, then one batch holding ntex's final barriers and a transition of
    // the host's own image. Returns the update's result; *count receives the number of ntex's barriers.
    NtexResult frame(NtexTextureSet set, uint32_t* count) {
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        EXPECT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
        NtexResult result = NTEX_ERROR_UNKNOWN;
        host->submit(
            [&](VkCommandBuffer cmd) -> uint64_t {
                uint64_t value = 0;
                result = ntexCmdUpdateTextureSet(set, cmd, &value);
                *count = 0;
                EXPECT_EQ(ntexGetTextureSetFinalBarriers(set, count, nullptr), NTEX_SUCCESS) << ntexGetLastErrorMessage();
                std::vector<VkImageMemoryBarrier2> barriers(*count);
                EXPECT_EQ(ntexGetTextureSetFinalBarriers(set, count, barriers.data()), NTEX_SUCCESS) << ntexGetLastErrorMessage();
                if (barriers.empty()) return value;
                // The host's own barrier in the same batch: its image to SHADER_READ_ONLY_OPTIMAL and back to
                // GENERAL on alternate frames (a resource of its own frame graph).
                VkImageMemoryBarrier2 mine{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
                mine.srcStageMask = VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT;
                mine.dstStageMask = VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT;
                mine.dstAccessMask = VK_ACCESS_2_SHADER_READ_BIT;
                mine.oldLayout = own_layout;
                mine.newLayout = own_layout == VK_IMAGE_LAYOUT_GENERAL ? VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL : VK_IMAGE_LAYOUT_GENERAL;
                mine.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
                mine.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
                mine.image = own.image;
                mine.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
                own_layout = mine.newLayout;
                barriers.push_back(mine);
                record(cmd, barriers);
                return value;
            },
            images.semaphore);
        return result;
    }

    void record(VkCommandBuffer cmd, const std::vector<VkImageMemoryBarrier2>& barriers) const {
        if (GetParam().synchronization2) {
            auto barrier2 = reinterpret_cast<PFN_vkCmdPipelineBarrier2KHR>(vkGetDeviceProcAddr(host->device, "vkCmdPipelineBarrier2KHR"));
            ASSERT_NE(barrier2, nullptr);
            VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
            dep.imageMemoryBarrierCount = static_cast<uint32_t>(barriers.size());
            dep.pImageMemoryBarriers = barriers.data();
            barrier2(cmd, &dep);
            return;
        }
        // Synchronization1: one call with the union of the stage masks (ntex's are Vulkan 1.0 bits).
        VkPipelineStageFlags src = 0, dst = 0;
        std::vector<VkImageMemoryBarrier> legacy;
        for (const VkImageMemoryBarrier2& b : barriers) {
            src |= static_cast<VkPipelineStageFlags>(b.srcStageMask);
            dst |= static_cast<VkPipelineStageFlags>(b.dstStageMask);
            VkImageMemoryBarrier l{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
            l.srcAccessMask = static_cast<VkAccessFlags>(b.srcAccessMask);
            l.dstAccessMask = static_cast<VkAccessFlags>(b.dstAccessMask);
            l.oldLayout = b.oldLayout;
            l.newLayout = b.newLayout;
            l.srcQueueFamilyIndex = b.srcQueueFamilyIndex;
            l.dstQueueFamilyIndex = b.dstQueueFamilyIndex;
            l.image = b.image;
            l.subresourceRange = b.subresourceRange;
            legacy.push_back(l);
        }
        vkCmdPipelineBarrier(cmd, src, dst, 0, 0, nullptr, 0, nullptr, static_cast<uint32_t>(legacy.size()), legacy.data());
    }

    std::unique_ptr<VulkanHost> host;
    NtexContext context = nullptr;
    NtexModel models[2] = {};
    NtexGenerator generators[2] = {};
    NtexTextureSet sets[2] = {};   // [0] defers its final barriers, [1] records them itself
    VulkanHost::Image own;
    VkImageLayout own_layout = VK_IMAGE_LAYOUT_GENERAL;
};

TEST_P(DeferredBarriersTest, HostRecordsTheFinalBarriersInItsOwnBatch) {
    own = host->create_image(VK_FORMAT_R8G8B8A8_UNORM, 16, 16, 1, 1, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT, 0.5f);
    host->submit([&](VkCommandBuffer cmd) -> uint64_t {   // the host's image starts in GENERAL
        VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        b.oldLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
        b.newLayout = VK_IMAGE_LAYOUT_GENERAL;
        b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        b.image = own.image;
        b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0, nullptr, 1, &b);
        return 0;
    });
    ASSERT_EQ(create(0, VK_TRUE), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(create(1, VK_FALSE), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const bool host_copies = GetParam().backend == NTEX_BACKEND_CPU;
    for (uint32_t round = 0; round < 2; ++round) {   // both ring slots
        if (round > 0) {
            for (NtexGenerator g : generators) {
                NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
                p.seed = 8;
                p.truncationPsi = 0.8f;
                ASSERT_EQ(ntexSetGeneratorParams(g, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            }
        }
        if (host_copies) {
            for (NtexGenerator g : generators) ASSERT_EQ(ntexGenerate(g), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        }
        uint32_t count = 0;
        ASSERT_EQ(frame(sets[0], &count), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        ASSERT_EQ(host->update_and_submit(sets[1]), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        NtexTextureSetImages a{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES}, b{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        ASSERT_EQ(ntexGetTextureSetImages(sets[0], &a), NTEX_SUCCESS);
        ASSERT_EQ(ntexGetTextureSetImages(sets[1], &b), NTEX_SUCCESS);
        ASSERT_EQ(a.slot, round);
        ASSERT_GT(a.mipLevels, 1u);
        // Blitted mips: per map one barrier for levels 0 .. n-2 (TRANSFER_SRC) and one for the last level.
        EXPECT_EQ(count, 2 * a.mapCount);
        for (uint32_t m = 0; m < a.mapCount; ++m) {
            const uint32_t bytes = m < 2 ? 4 : m == 2 ? 1 : 2;   // RGBA8 albedo and normal, R8 roughness, R16 height
            for (uint32_t level = 0; level < a.mipLevels; ++level) {
                EXPECT_EQ(host->read_image(a.images[m], kWidth, kHeight, bytes, level), host->read_image(b.images[m], kWidth, kHeight, bytes, level))
                    << "map " << m << " level " << level;
            }
        }
    }
    // Nothing new: NOT_READY, and no barriers to record.
    uint32_t count = 99;
    EXPECT_EQ(frame(sets[0], &count), NTEX_NOT_READY);
    EXPECT_EQ(count, 0u);
}

INSTANTIATE_TEST_SUITE_P(Paths, DeferredBarriersTest,
                         ::testing::Values(Case{NTEX_BACKEND_CPU, true}, Case{NTEX_BACKEND_CPU, false}, Case{NTEX_BACKEND_VULKAN, true},
                                           Case{NTEX_BACKEND_VULKAN, false}));

// The two-call idiom, a set that records its own barriers, bad values.
class DeferredBarriersApiTest : public DeferredBarriersTest {};

TEST_P(DeferredBarriersApiTest, CountsSetsWithoutDeferralAndBadValues) {
    ASSERT_EQ(create(0, VK_TRUE), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(create(1, VK_FALSE), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    uint32_t count = 0;
    EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[0], &count, nullptr), NTEX_SUCCESS);
    EXPECT_EQ(count, 0u) << "no update recorded yet";
    ASSERT_EQ(ntexGenerate(generators[0]), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexGenerate(generators[1]), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(sets[0], &images), NTEX_SUCCESS);
    host->submit(
        [&](VkCommandBuffer cmd) -> uint64_t {
            uint64_t value = 0;
            EXPECT_EQ(ntexCmdUpdateTextureSet(sets[0], cmd, &value), NTEX_SUCCESS) << ntexGetLastErrorMessage();
            // Too small an array: NOT_READY, the count written.
            VkImageMemoryBarrier2 few[3];
            uint32_t n = 3;
            EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[0], &n, few), NTEX_NOT_READY);
            EXPECT_EQ(n, 3u);
            n = 0;
            EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[0], &n, nullptr), NTEX_SUCCESS);
            std::vector<VkImageMemoryBarrier2> all(n);
            EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[0], &n, all.data()), NTEX_SUCCESS);
            for (int k = 0; k < 3; ++k) {   // the first three are the same barriers
                EXPECT_EQ(few[k].image, all[static_cast<std::size_t>(k)].image);
                EXPECT_EQ(few[k].oldLayout, all[static_cast<std::size_t>(k)].oldLayout);
                EXPECT_EQ(few[k].subresourceRange.baseMipLevel, all[static_cast<std::size_t>(k)].subresourceRange.baseMipLevel);
                EXPECT_EQ(few[k].subresourceRange.levelCount, all[static_cast<std::size_t>(k)].subresourceRange.levelCount);
            }
            for (const VkImageMemoryBarrier2& b : all) {
                EXPECT_EQ(b.sType, VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2);
                EXPECT_EQ(b.pNext, nullptr);
                EXPECT_EQ(b.newLayout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
                EXPECT_EQ(b.dstStageMask, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT);
                EXPECT_EQ(b.srcStageMask, VK_PIPELINE_STAGE_2_TRANSFER_BIT);
                EXPECT_NE(b.dstAccessMask & VK_ACCESS_2_SHADER_READ_BIT, 0u);
            }
            record(cmd, all);
            return value;
        },
        images.semaphore);
    // A failed update call leaves no barriers of the earlier one behind (a host fetching after every call
    // would record them twice).
    EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[0], &count, nullptr), NTEX_SUCCESS);
    EXPECT_GT(count, 0u);
    uint64_t value = 0;
    EXPECT_EQ(ntexCmdUpdateTextureSet(sets[0], VK_NULL_HANDLE, &value), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[0], &count, nullptr), NTEX_SUCCESS);
    EXPECT_EQ(count, 0u);
    // A set that records its own: never any.
    ASSERT_EQ(host->update_and_submit(sets[1]), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[1], &count, nullptr), NTEX_SUCCESS);
    EXPECT_EQ(count, 0u);
    EXPECT_EQ(ntexGetTextureSetFinalBarriers(sets[1], nullptr, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(ntexGetTextureSetFinalBarriers(nullptr, &count, nullptr), NTEX_ERROR_INVALID_ARGUMENT);
    // deferFinalBarriers is a VkBool32: anything but 0 and 1 is refused.
    ntexDestroyTextureSet(sets[1]);
    sets[1] = nullptr;
    EXPECT_EQ(create(1, 2), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("deferFinalBarriers 2"), std::string::npos) << ntexGetLastErrorMessage();
    EXPECT_EQ(sets[1], nullptr);
}

// The C++ wrapper: Options::defer_final_barriers and TextureSet::final_barriers().
TEST_P(DeferredBarriersApiTest, CxxWrapperHandsTheBarriersOver) {
    const ntex::VulkanDevice device(host->instance, host->physical_device, host->device, host->queue_family, vkGetInstanceProcAddr);
    const ntex::Context cxx_context(device.options(NTEX_BACKEND_CPU, 2));
    const ntex::Model cxx_model(cxx_context, model_path());
    ntex::Generator cxx_generator(cxx_context, cxx_model, kWidth, kHeight);
    ntex::TextureSet::Options options;
    options.defer_final_barriers = true;
    ntex::TextureSet cxx_set(cxx_context, cxx_generator, options);
    cxx_generator.generate();
    std::size_t count = 0;
    host->submit(
        [&](VkCommandBuffer cmd) {
            const uint64_t value = cxx_set.cmd_update(cmd);
            const std::vector<VkImageMemoryBarrier2> barriers = cxx_set.final_barriers();
            count = barriers.size();
            record(cmd, barriers);
            return value;
        },
        cxx_set.images().semaphore);
    EXPECT_EQ(count, 2u * cxx_set.images().mapCount);
    EXPECT_EQ(host->read_image(cxx_set.images().images[0], kWidth, kHeight, 4, 0), cxx_generator.read_rgba8(0));
}

INSTANTIATE_TEST_SUITE_P(Paths, DeferredBarriersApiTest, ::testing::Values(Case{NTEX_BACKEND_CPU, true}));

}  // namespace
