// SPDX-License-Identifier: MIT
// image.h: a 2D VkImage with dedicated device-local memory and one view over all its mips.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>

namespace engine {

class Context;

struct ImageDesc {
    VkExtent2D extent{};
    VkFormat format = VK_FORMAT_UNDEFINED;
    VkImageUsageFlags usage = 0;
    VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT;
    uint32_t mip_levels = 1;
};

class Image {
public:
    Image() = default;
    Image(const Context& ctx, const ImageDesc& desc);
    ~Image();
    Image(Image&& other) noexcept;
    Image& operator=(Image&& other) noexcept;
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;

    VkImage handle() const { return m_image; }
    VkImageView view() const { return m_view; }
    const ImageDesc& desc() const { return m_desc; }
    explicit operator bool() const { return m_image != VK_NULL_HANDLE; }

private:
    void reset() noexcept;

    VkDevice m_device = VK_NULL_HANDLE;
    VkImage m_image = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    VkImageView m_view = VK_NULL_HANDLE;
    ImageDesc m_desc{};
};

// Full mip chain length for a size: floor(log2(max(w, h))) + 1.
uint32_t mip_count(VkExtent2D extent);

// One sync2 layout transition over all mips and layers of `image` (the common case).
void transition_image(VkCommandBuffer cmd, VkImage image, VkImageAspectFlags aspect, VkImageLayout from,
                      VkImageLayout to, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                      VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access);

}  // namespace engine
