// SPDX-License-Identifier: MIT
// BarrierRecorder: sync1 barrier lists recorded as vkCmdPipelineBarrier or converted to synchronization2.
#include "vk_barriers.h"

#include <array>

namespace ntex {

void BarrierRecorder::record(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage,
                             std::span<const VkMemoryBarrier> memory, std::span<const VkBufferMemoryBarrier> buffers,
                             std::span<const VkImageMemoryBarrier> images) const noexcept {
    if (m_sync2 == nullptr) {
        m_legacy(cmd, src_stage, dst_stage, 0, static_cast<uint32_t>(memory.size()), memory.data(), static_cast<uint32_t>(buffers.size()),
                 buffers.data(), static_cast<uint32_t>(images.size()), images.data());
        return;
    }
    // Every sync1 stage and access bit has the same value and meaning in the *2 flags, TOP_OF_PIPE and
    // BOTTOM_OF_PIPE included (valid with synchronization2, meaning what they meant in each position).
    const VkPipelineStageFlags2 src = src_stage, dst = dst_stage;
    // Without any barrier sync1 still records an execution dependency between the stage masks, but a
    // VkDependencyInfo without barriers is no dependency at all: carry the stages in an empty memory barrier.
    VkMemoryBarrier execution_only{};
    execution_only.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    if (memory.empty() && buffers.empty() && images.empty()) memory = {&execution_only, 1};
    std::size_t m = 0, b = 0, i = 0;
    do {
        std::array<VkMemoryBarrier2, kChunk> mem{};
        std::array<VkBufferMemoryBarrier2, kChunk> buf{};
        std::array<VkImageMemoryBarrier2, kChunk> img{};
        VkDependencyInfo dep{};
        dep.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO;
        for (; m < memory.size() && dep.memoryBarrierCount < kChunk; ++m) {
            VkMemoryBarrier2& o = mem[dep.memoryBarrierCount++];
            o.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2;
            o.srcStageMask = src;
            o.srcAccessMask = memory[m].srcAccessMask;
            o.dstStageMask = dst;
            o.dstAccessMask = memory[m].dstAccessMask;
        }
        for (; b < buffers.size() && dep.bufferMemoryBarrierCount < kChunk; ++b) {
            const VkBufferMemoryBarrier& in = buffers[b];
            VkBufferMemoryBarrier2& o = buf[dep.bufferMemoryBarrierCount++];
            o.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2;
            o.srcStageMask = src;
            o.srcAccessMask = in.srcAccessMask;
            o.dstStageMask = dst;
            o.dstAccessMask = in.dstAccessMask;
            o.srcQueueFamilyIndex = in.srcQueueFamilyIndex;
            o.dstQueueFamilyIndex = in.dstQueueFamilyIndex;
            o.buffer = in.buffer;
            o.offset = in.offset;
            o.size = in.size;
        }
        for (; i < images.size() && dep.imageMemoryBarrierCount < kChunk; ++i) {
            img[dep.imageMemoryBarrierCount++] = image_barrier2(images[i], src_stage, dst_stage);
        }
        dep.pMemoryBarriers = mem.data();
        dep.pBufferMemoryBarriers = buf.data();
        dep.pImageMemoryBarriers = img.data();
        m_sync2(cmd, &dep);
    } while (m < memory.size() || b < buffers.size() || i < images.size());
}

void BarrierRecorder::record_or_defer(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage,
                                      std::span<const VkImageMemoryBarrier> images, std::vector<VkImageMemoryBarrier2>* deferred) const {
    if (deferred == nullptr) {
        record(cmd, src_stage, dst_stage, {}, {}, images);
        return;
    }
    for (const VkImageMemoryBarrier& b : images) deferred->push_back(image_barrier2(b, src_stage, dst_stage));
}

VkImageMemoryBarrier2 image_barrier2(const VkImageMemoryBarrier& barrier, VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage) noexcept {
    VkImageMemoryBarrier2 o{};
    o.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2;
    o.srcStageMask = src_stage;
    o.srcAccessMask = barrier.srcAccessMask;
    o.dstStageMask = dst_stage;
    o.dstAccessMask = barrier.dstAccessMask;
    o.oldLayout = barrier.oldLayout;
    o.newLayout = barrier.newLayout;
    o.srcQueueFamilyIndex = barrier.srcQueueFamilyIndex;
    o.dstQueueFamilyIndex = barrier.dstQueueFamilyIndex;
    o.image = barrier.image;
    o.subresourceRange = barrier.subresourceRange;
    return o;
}

void BarrierRecorder::memory(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                             VkAccessFlags dst_access) const noexcept {
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = src_access;
    mb.dstAccessMask = dst_access;
    record(cmd, src_stage, dst_stage, {&mb, 1}, {}, {});
}

PFN_vkCmdPipelineBarrier2 synchronization2_entry(bool declared, PFN_vkGetPhysicalDeviceFeatures2 features2, VkPhysicalDevice physical_device,
                                                 uint32_t device_api_version, PFN_vkGetDeviceProcAddr get_device, VkDevice device,
                                                 std::string& why) {
    if (!declared) {
        why = "the host did not declare synchronization2 enabled (NtexVulkanDeviceFeatures)";
        return nullptr;
    }
    if (features2 == nullptr) {
        why = "the instance has no vkGetPhysicalDeviceFeatures2";
        return nullptr;
    }
    // The KHR struct is the core 1.3 one (an alias), valid with either the extension or Vulkan 1.3.
    VkPhysicalDeviceSynchronization2Features s2{};
    s2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES;
    VkPhysicalDeviceFeatures2 f2{};
    f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    f2.pNext = &s2;
    features2(physical_device, &f2);
    if (!s2.synchronization2) {
        why = "the device does not support synchronization2";
        return nullptr;
    }
    // The extension's name first: vkGetDeviceProcAddr returns it only when the host enabled
    // VK_KHR_synchronization2. The core name is valid only on a Vulkan 1.3 device (and instance), and some
    // drivers return it even when the instance is older, so it is asked for only on a 1.3 device, where a
    // host that enabled the feature without the extension uses core 1.3.
    auto entry = reinterpret_cast<PFN_vkCmdPipelineBarrier2>(get_device(device, "vkCmdPipelineBarrier2KHR"));
    if (entry == nullptr && device_api_version >= VK_API_VERSION_1_3) {
        entry = reinterpret_cast<PFN_vkCmdPipelineBarrier2>(get_device(device, "vkCmdPipelineBarrier2"));
    }
    if (entry == nullptr) {
        why = "the device exposes neither vkCmdPipelineBarrier2 (Vulkan 1.3) nor vkCmdPipelineBarrier2KHR (VK_KHR_synchronization2)";
        return nullptr;
    }
    why.clear();
    return entry;
}

}  // namespace ntex
