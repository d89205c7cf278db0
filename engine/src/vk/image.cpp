// SPDX-License-Identifier: MIT
// image.cpp: device-local 2D images and the common sync2 layout transition.
#include "engine/image.h"

#include "engine/context.h"
#include "engine/error.h"

#include <algorithm>
#include <utility>

namespace engine {

Image::Image(const Context& ctx, const ImageDesc& desc) : m_device(ctx.device()), m_desc(desc) {
    try {
        VkImageCreateInfo ci{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
        ci.imageType = VK_IMAGE_TYPE_2D;
        ci.format = desc.format;
        ci.extent = {desc.extent.width, desc.extent.height, 1};
        ci.mipLevels = desc.mip_levels;
        ci.arrayLayers = 1;
        ci.samples = VK_SAMPLE_COUNT_1_BIT;
        ci.tiling = VK_IMAGE_TILING_OPTIMAL;
        ci.usage = desc.usage;
        ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        ci.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
        ENGINE_VK_CHECK(vkCreateImage(m_device, &ci, nullptr, &m_image));

        VkMemoryRequirements req;
        vkGetImageMemoryRequirements(m_device, m_image, &req);
        VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        ai.allocationSize = req.size;
        ai.memoryTypeIndex = ctx.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        ENGINE_VK_CHECK(vkAllocateMemory(m_device, &ai, nullptr, &m_memory));
        ENGINE_VK_CHECK(vkBindImageMemory(m_device, m_image, m_memory, 0));

        VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        vi.image = m_image;
        vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
        vi.format = desc.format;
        vi.subresourceRange = {desc.aspect, 0, desc.mip_levels, 0, 1};
        ENGINE_VK_CHECK(vkCreateImageView(m_device, &vi, nullptr, &m_view));
    } catch (...) {
        reset();
        throw;
    }
}

Image::~Image() { reset(); }

Image::Image(Image&& other) noexcept { *this = std::move(other); }

Image& Image::operator=(Image&& other) noexcept {
    if (this != &other) {
        reset();
        m_device = std::exchange(other.m_device, VK_NULL_HANDLE);
        m_image = std::exchange(other.m_image, VK_NULL_HANDLE);
        m_memory = std::exchange(other.m_memory, VK_NULL_HANDLE);
        m_view = std::exchange(other.m_view, VK_NULL_HANDLE);
        m_desc = other.m_desc;
    }
    return *this;
}

void Image::reset() noexcept {
    if (m_device == VK_NULL_HANDLE) return;
    if (m_view != VK_NULL_HANDLE) vkDestroyImageView(m_device, m_view, nullptr);
    if (m_image != VK_NULL_HANDLE) vkDestroyImage(m_device, m_image, nullptr);
    if (m_memory != VK_NULL_HANDLE) vkFreeMemory(m_device, m_memory, nullptr);
    m_view = VK_NULL_HANDLE;
    m_image = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
}

uint32_t mip_count(VkExtent2D extent) {
    uint32_t size = std::max(extent.width, extent.height);
    uint32_t levels = 1;
    while (size > 1) {
        size >>= 1;
        ++levels;
    }
    return levels;
}

void transition_image(VkCommandBuffer cmd, VkImage image, VkImageAspectFlags aspect, VkImageLayout from,
                      VkImageLayout to, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                      VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
    VkImageMemoryBarrier2 barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
    barrier.srcStageMask = src_stage;
    barrier.srcAccessMask = src_access;
    barrier.dstStageMask = dst_stage;
    barrier.dstAccessMask = dst_access;
    barrier.oldLayout = from;
    barrier.newLayout = to;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image;
    barrier.subresourceRange = {aspect, 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS};
    VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dep.imageMemoryBarrierCount = 1;
    dep.pImageMemoryBarriers = &barrier;
    vkCmdPipelineBarrier2(cmd, &dep);
}

}  // namespace engine
