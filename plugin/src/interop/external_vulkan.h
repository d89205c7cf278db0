// SPDX-License-Identifier: MIT
// The Vulkan half of the CUDA zero-copy path: exportable images (dedicated allocations) and exportable
// timeline semaphores on the host's device, and the checks that the device can export them as opaque
// POSIX fds (VK_KHR_external_memory_fd, VK_KHR_external_semaphore_fd). No CUDA here: the fds go to
// cuda_interop.h. RAII: each object destroys what it created; an fd handed out belongs to the caller.
#pragma once

#include "interop/vulkan_device.h"

#include <memory>

namespace ntex::interop {

// Throws Error(UNSUPPORTED) naming what is missing when the device cannot share images and timeline
// semaphores through opaque fds: the two extensions not offered or not enabled by the host (their
// entry points are NULL), or the Vulkan 1.1 queries not exposed.
void require_external_fd_support(const VulkanDevice& device);

// How an image of `format` is created for CUDA: the usage (STORAGE included, so the driver picks a
// layout CUDA surface stores can address), and for formats without storage support (sRGB) the
// MUTABLE_FORMAT | EXTENDED_USAGE flags with `view_format_alias` (the UNORM twin) as the other view format.
struct ExternalImageDesc {
    VkFormat format = VK_FORMAT_UNDEFINED;
    uint32_t width = 0;
    uint32_t height = 0;
    uint32_t mip_levels = 1;
    VkImageUsageFlags usage = 0;
    VkImageCreateFlags flags = 0;
    VkFormat view_format_alias = VK_FORMAT_UNDEFINED;   // UNDEFINED: none
};

// Whether the exported image carries VK_IMAGE_USAGE_STORAGE_BIT. CUDA learns the image's layout from
// the dedicated allocation, not from usage (NVIDIA's vulkanImageCUDA sample uses none), so STORAGE is
// tried first (the layout CUDA surface stores were written against) and dropped when the format or the
// driver refuses it (review cuda-first-gpu #9).
enum class StorageUsage { Prefer, Never };

// Fills usage/flags for `format` and checks with vkGetPhysicalDeviceImageFormatProperties2 +
// VkPhysicalDeviceExternalImageFormatInfo(OPAQUE_FD) that such an image is EXPORTABLE as an opaque fd,
// within the size and mip limits: with STORAGE first (Prefer), then without. Throws Error(UNSUPPORTED)
// with the reasons. Sets *dedicated_only.
ExternalImageDesc describe_external_image(const VulkanDevice& device, VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels,
                                          bool* dedicated_only, StorageUsage storage = StorageUsage::Prefer);

// An OPTIMAL-tiled image with VkExternalMemoryImageCreateInfo(OPAQUE_FD), bound to its own dedicated
// exportable allocation (always dedicated: CUDA then knows the image's layout, and DEDICATED_ONLY
// formats are honoured), plus a view of every mip level.
class ExternalImage {
public:
    ExternalImage(std::shared_ptr<const VulkanDevice> device, const ExternalImageDesc& desc);   // throws ntex::Error
    ~ExternalImage();
    ExternalImage(const ExternalImage&) = delete;
    ExternalImage& operator=(const ExternalImage&) = delete;

    // A new fd for the allocation (vkGetMemoryFdKHR); the caller owns it. Throws Error(BACKEND).
    int export_fd() const;
    VkImage image() const noexcept { return m_image; }
    VkImageView view() const noexcept { return m_view; }
    VkDeviceSize allocation_size() const noexcept { return m_size; }

private:
    void destroy() noexcept;

    std::shared_ptr<const VulkanDevice> m_device;
    VkImage m_image = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    VkImageView m_view = VK_NULL_HANDLE;
    VkDeviceSize m_size = 0;
};

// The one-time UNDEFINED -> GENERAL transition of a new external image, recorded with
// srcStage TOP_OF_PIPE, dstStage the set's consumer stages (TextureSetSource::consumer_stages, also
// NtexTextureSetImages::readyStageMask); it must execute before CUDA's first write.
VkImageMemoryBarrier first_use_barrier(VkImage image, uint32_t mip_levels) noexcept;
// After CUDA wrote the image: the queue-family acquire from VK_QUEUE_FAMILY_EXTERNAL to `queue_family`
// (GENERAL stays), recorded with srcStage = dstStage = the consumer stages, i.e. after the submit's wait on
// the ready semaphore at those stages, before the shaders read.
VkImageMemoryBarrier acquire_from_external_barrier(VkImage image, uint32_t queue_family, uint32_t mip_levels) noexcept;

// A timeline semaphore (initial value 0) exportable as an opaque fd (VkExportSemaphoreCreateInfo).
class ExternalTimeline {
public:
    explicit ExternalTimeline(std::shared_ptr<const VulkanDevice> device);   // throws ntex::Error
    ~ExternalTimeline();
    ExternalTimeline(const ExternalTimeline&) = delete;
    ExternalTimeline& operator=(const ExternalTimeline&) = delete;

    int export_fd() const;   // vkGetSemaphoreFdKHR; the caller owns the fd. Throws Error(BACKEND).
    VkSemaphore get() const noexcept { return m_semaphore; }

private:
    std::shared_ptr<const VulkanDevice> m_device;
    VkSemaphore m_semaphore = VK_NULL_HANDLE;
};

}  // namespace ntex::interop
