// SPDX-License-Identifier: MIT
// BarrierRecorder (core/vk_barriers.h): what it hands to a (fake) vkCmdPipelineBarrier2 for sync1
// barrier lists, i.e. the same stages and accesses on every barrier, lists longer than one chunk split
// without losing any, an execution-only dependency kept as an empty memory barrier, and the sync1 call
// when synchronization2 is off; and that ntex's own headless device records with synchronization2
// where the device has Vulkan 1.3.
#include "backends/vulkan/vulkan_backend.h"
#include "backends/vulkan/vk_compute_context.h"
#include "core/vk_barriers.h"

#include <gtest/gtest.h>

#include <vector>

namespace ntex {
namespace {

struct Captured {
    std::vector<VkMemoryBarrier2> memory;
    std::vector<VkBufferMemoryBarrier2> buffers;
    std::vector<VkImageMemoryBarrier2> images;
    int calls = 0, legacy_calls = 0;
} g_seen;

VKAPI_ATTR void VKAPI_CALL fake_barrier2(VkCommandBuffer, const VkDependencyInfo* d) {
    ++g_seen.calls;
    EXPECT_EQ(d->sType, VK_STRUCTURE_TYPE_DEPENDENCY_INFO);
    EXPECT_EQ(d->dependencyFlags, 0u);
    EXPECT_LE(d->memoryBarrierCount + d->bufferMemoryBarrierCount + d->imageMemoryBarrierCount, 3 * BarrierRecorder::kChunk);
    g_seen.memory.insert(g_seen.memory.end(), d->pMemoryBarriers, d->pMemoryBarriers + d->memoryBarrierCount);
    g_seen.buffers.insert(g_seen.buffers.end(), d->pBufferMemoryBarriers, d->pBufferMemoryBarriers + d->bufferMemoryBarrierCount);
    g_seen.images.insert(g_seen.images.end(), d->pImageMemoryBarriers, d->pImageMemoryBarriers + d->imageMemoryBarrierCount);
}

VKAPI_ATTR void VKAPI_CALL fake_barrier(VkCommandBuffer, VkPipelineStageFlags, VkPipelineStageFlags, VkDependencyFlags, uint32_t,
                                        const VkMemoryBarrier*, uint32_t, const VkBufferMemoryBarrier*, uint32_t images,
                                        const VkImageMemoryBarrier*) {
    ++g_seen.legacy_calls;
    g_seen.images.resize(images);
}

VkImageMemoryBarrier image_barrier(uint32_t level) {
    VkImageMemoryBarrier b{};
    b.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_EXTERNAL;
    b.image = reinterpret_cast<VkImage>(static_cast<uintptr_t>(0x1000 + level));
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, level, 1, 0, 1};
    return b;
}

TEST(BarrierRecorder, Synchronization2KeepsEveryBarrierStageAndAccess) {
    g_seen = Captured{};
    const BarrierRecorder recorder(fake_barrier, fake_barrier2);
    ASSERT_TRUE(recorder.synchronization2());
    std::vector<VkImageMemoryBarrier> images;
    for (uint32_t level = 0; level < 2 * BarrierRecorder::kChunk + 3; ++level) images.push_back(image_barrier(level));   // 3 chunks
    VkBufferMemoryBarrier buffer{};
    buffer.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
    buffer.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    buffer.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    buffer.srcQueueFamilyIndex = buffer.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    buffer.buffer = reinterpret_cast<VkBuffer>(static_cast<uintptr_t>(0x77));
    buffer.offset = 256;
    buffer.size = VK_WHOLE_SIZE;
    // TOP_OF_PIPE as the source, BOTTOM_OF_PIPE in the destination: passed through as they are.
    const VkPipelineStageFlags src = VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    const VkPipelineStageFlags dst = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT;
    recorder.record(VK_NULL_HANDLE, src, dst, {}, {&buffer, 1}, images);
    EXPECT_EQ(g_seen.calls, 3);
    EXPECT_EQ(g_seen.legacy_calls, 0);
    ASSERT_EQ(g_seen.images.size(), images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
        const VkImageMemoryBarrier2& o = g_seen.images[i];
        EXPECT_EQ(o.sType, VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2);
        EXPECT_EQ(o.srcStageMask, VkPipelineStageFlags2{src});
        EXPECT_EQ(o.dstStageMask, VkPipelineStageFlags2{dst});
        EXPECT_EQ(o.srcAccessMask, VkAccessFlags2{VK_ACCESS_TRANSFER_WRITE_BIT});
        EXPECT_EQ(o.dstAccessMask, VkAccessFlags2{VK_ACCESS_SHADER_READ_BIT});
        EXPECT_EQ(o.oldLayout, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
        EXPECT_EQ(o.newLayout, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
        EXPECT_EQ(o.dstQueueFamilyIndex, VK_QUEUE_FAMILY_EXTERNAL);
        EXPECT_EQ(o.image, images[i].image) << "barrier " << i << " lost or reordered";
        EXPECT_EQ(o.subresourceRange.baseMipLevel, images[i].subresourceRange.baseMipLevel);
    }
    ASSERT_EQ(g_seen.buffers.size(), 1u);
    EXPECT_EQ(g_seen.buffers[0].buffer, buffer.buffer);
    EXPECT_EQ(g_seen.buffers[0].offset, 256u);
    EXPECT_EQ(g_seen.buffers[0].size, VK_WHOLE_SIZE);
    EXPECT_EQ(g_seen.buffers[0].srcStageMask, VkPipelineStageFlags2{src});
    EXPECT_TRUE(g_seen.memory.empty());
}

TEST(BarrierRecorder, ExecutionOnlyDependencyBecomesAnEmptyMemoryBarrier) {
    g_seen = Captured{};
    const BarrierRecorder recorder(fake_barrier, fake_barrier2);
    recorder.record(VK_NULL_HANDLE, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, {}, {}, {});
    EXPECT_EQ(g_seen.calls, 1);
    ASSERT_EQ(g_seen.memory.size(), 1u);
    EXPECT_EQ(g_seen.memory[0].srcStageMask, VkPipelineStageFlags2{VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT});
    EXPECT_EQ(g_seen.memory[0].dstStageMask, VkPipelineStageFlags2{VK_PIPELINE_STAGE_TRANSFER_BIT});
    EXPECT_EQ(g_seen.memory[0].srcAccessMask, VkAccessFlags2{0});
    EXPECT_EQ(g_seen.memory[0].dstAccessMask, VkAccessFlags2{0});
}

TEST(BarrierRecorder, WithoutSynchronization2ItIsOneSync1Call) {
    g_seen = Captured{};
    const BarrierRecorder recorder(fake_barrier, nullptr);
    EXPECT_FALSE(recorder.synchronization2());
    std::vector<VkImageMemoryBarrier> images;
    for (uint32_t level = 0; level < 40; ++level) images.push_back(image_barrier(level));
    recorder.record(VK_NULL_HANDLE, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, {}, {}, images);
    EXPECT_EQ(g_seen.legacy_calls, 1);
    EXPECT_EQ(g_seen.calls, 0);
    EXPECT_EQ(g_seen.images.size(), 40u);
}

// ntex's own headless device enables synchronization2 on a Vulkan 1.3 device (lavapipe is one) and the
// compute backend then records with it; the plan and noise tests run on this device under validation.
TEST(BarrierRecorder, HeadlessDeviceUsesSynchronization2OnVulkan13) {
    const vulkan::DeviceChoice choice = vulkan::open_headless(true);
    if (!choice.context) GTEST_SKIP() << choice.reason;
    const uint32_t api = choice.context->properties().apiVersion;
    if (api < VK_API_VERSION_1_3) GTEST_SKIP() << choice.name << " is below Vulkan 1.3";
    EXPECT_TRUE(choice.context->barriers().synchronization2()) << choice.context->synchronization2_reason();
    EXPECT_NE(choice.name.find("synchronization2"), std::string::npos) << choice.name;
}

}  // namespace
}  // namespace ntex
