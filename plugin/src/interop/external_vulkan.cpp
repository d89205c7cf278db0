// SPDX-License-Identifier: MIT
// external_vulkan.cpp: exportable images and timeline semaphores (opaque fds) on the host's device.
#include "interop/external_vulkan.h"

#include "core/error.h"

namespace ntex::interop {

void require_external_fd_support(const VulkanDevice& device) {
    const VulkanFunctions& vk = device.vk();
    if (vk.vkGetPhysicalDeviceImageFormatProperties2 == nullptr || vk.vkGetPhysicalDeviceExternalSemaphoreProperties == nullptr) {
        fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan instance does not expose vkGetPhysicalDeviceImageFormatProperties2 / "
                                     "vkGetPhysicalDeviceExternalSemaphoreProperties (create it with apiVersion >= 1.1)");
    }
    for (const char* ext : {VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME, VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME}) {
        if (!device.supports_extension(ext)) fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan device does not offer ", ext);
    }
    if (vk.vkGetMemoryFdKHR == nullptr) {
        fail(NTEX_ERROR_UNSUPPORTED, "vkGetMemoryFdKHR is NULL: enable " VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME " on the VkDevice");
    }
    if (vk.vkGetSemaphoreFdKHR == nullptr) {
        fail(NTEX_ERROR_UNSUPPORTED, "vkGetSemaphoreFdKHR is NULL: enable " VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME " on the VkDevice");
    }
    // Timeline semaphores exportable as opaque fds (what cudaImportExternalSemaphore takes).
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    VkPhysicalDeviceExternalSemaphoreInfo info{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO};
    info.pNext = &type;
    info.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
    VkExternalSemaphoreProperties props{VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES};
    vk.vkGetPhysicalDeviceExternalSemaphoreProperties(device.physical_device(), &info, &props);
    if ((props.externalSemaphoreFeatures & VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT) == 0) {
        fail(NTEX_ERROR_UNSUPPORTED, "the Vulkan device cannot export timeline semaphores as opaque fds");
    }
}

namespace {

// The UNORM twin of an sRGB format (same bits; storage-capable where the sRGB format is not).
VkFormat unorm_alias(VkFormat format) noexcept {
    switch (format) {
        case VK_FORMAT_R8G8B8A8_SRGB: return VK_FORMAT_R8G8B8A8_UNORM;
        case VK_FORMAT_B8G8R8A8_SRGB: return VK_FORMAT_B8G8R8A8_UNORM;
        default: return VK_FORMAT_UNDEFINED;
    }
}

}  // namespace

namespace {

ExternalImageDesc describe_with(const VulkanDevice& device, VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels,
                                bool* dedicated_only, bool storage) {
    const VulkanFunctions& vk = device.vk();
    ExternalImageDesc d;
    d.format = format;
    d.width = width;
    d.height = height;
    d.mip_levels = mip_levels;
    // SAMPLED for the host, TRANSFER_SRC/DST for its copies (and the tests' read-back); with `storage`
    // also STORAGE (see StorageUsage). CUDA maps the memory with cudaArraySurfaceLoadStore either way.
    d.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    if (storage) d.usage |= VK_IMAGE_USAGE_STORAGE_BIT;
    VkFormatProperties fp{};
    vk.vkGetPhysicalDeviceFormatProperties(device.physical_device(), format, &fp);
    if ((fp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT) == 0) {
        fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format), " cannot be sampled with optimal tiling on this device");
    }
    if (storage && (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT) == 0) {
        d.view_format_alias = unorm_alias(format);
        if (d.view_format_alias == VK_FORMAT_UNDEFINED) {
            fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format), " has no storage-image support for CUDA writes");
        }
        // STORAGE is legal on an sRGB image when a format it may be viewed as (UNORM) supports it.
        d.flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT | VK_IMAGE_CREATE_EXTENDED_USAGE_BIT;
    }

    const VkFormat view_formats[2] = {format, d.view_format_alias};
    VkImageFormatListCreateInfo list{VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO};
    list.viewFormatCount = 2;
    list.pViewFormats = view_formats;
    VkPhysicalDeviceExternalImageFormatInfo external{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO};
    external.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
    if (d.view_format_alias != VK_FORMAT_UNDEFINED) external.pNext = &list;
    VkPhysicalDeviceImageFormatInfo2 info{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2};
    info.pNext = &external;
    info.format = format;
    info.type = VK_IMAGE_TYPE_2D;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = d.usage;
    info.flags = d.flags;
    VkExternalImageFormatProperties external_props{VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES};
    VkImageFormatProperties2 props{VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
    props.pNext = &external_props;
    const VkResult r = vk.vkGetPhysicalDeviceImageFormatProperties2(device.physical_device(), &info, &props);
    if (r == VK_ERROR_FORMAT_NOT_SUPPORTED) {
        fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format), " cannot be created as an opaque-fd external image with usage 0x",
             std::hex, d.usage, std::dec, " on this device");
    }
    check_vk(r, "vkGetPhysicalDeviceImageFormatProperties2(external OPAQUE_FD)");
    const VkExternalMemoryProperties& em = external_props.externalMemoryProperties;
    if ((em.externalMemoryFeatures & VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT) == 0 ||
        (em.compatibleHandleTypes & VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT) == 0) {
        fail(NTEX_ERROR_UNSUPPORTED, "VkFormat ", static_cast<int>(format), " images are not exportable as opaque fds on this device");
    }
    *dedicated_only = (em.externalMemoryFeatures & VK_EXTERNAL_MEMORY_FEATURE_DEDICATED_ONLY_BIT) != 0;
    const VkImageFormatProperties& limits = props.imageFormatProperties;
    if (width > limits.maxExtent.width || height > limits.maxExtent.height || mip_levels > limits.maxMipLevels) {
        fail(NTEX_ERROR_UNSUPPORTED, "an external ", width, "x", height, " image with ", mip_levels, " mip levels exceeds the device's limits (",
             limits.maxExtent.width, "x", limits.maxExtent.height, ", ", limits.maxMipLevels, " levels)");
    }
    return d;
}

}  // namespace

ExternalImageDesc describe_external_image(const VulkanDevice& device, VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels,
                                          bool* dedicated_only, StorageUsage storage) {
    std::string with_storage;
    if (storage == StorageUsage::Prefer) {
        try {
            return describe_with(device, format, width, height, mip_levels, dedicated_only, true);
        } catch (const Error& e) {
            if (e.result() != NTEX_ERROR_UNSUPPORTED) throw;
            with_storage = e.what();
        }
    }
    try {
        return describe_with(device, format, width, height, mip_levels, dedicated_only, false);
    } catch (const Error& e) {
        if (with_storage.empty() || e.result() != NTEX_ERROR_UNSUPPORTED) throw;
        fail(NTEX_ERROR_UNSUPPORTED, with_storage, "; without STORAGE: ", e.what());
    }
}

ExternalImage::ExternalImage(std::shared_ptr<const VulkanDevice> device, const ExternalImageDesc& desc) : m_device(std::move(device)) {
    const VulkanFunctions& vk = m_device->vk();
    const VkDevice dev = m_device->device();
    try {
        const VkFormat view_formats[2] = {desc.format, desc.view_format_alias};
        VkImageFormatListCreateInfo list{VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO};
        list.viewFormatCount = 2;
        list.pViewFormats = view_formats;
        VkExternalMemoryImageCreateInfo external{VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO};
        external.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
        if (desc.view_format_alias != VK_FORMAT_UNDEFINED) external.pNext = &list;
        VkImageCreateInfo ici{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
        ici.pNext = &external;
        ici.flags = desc.flags;
        ici.imageType = VK_IMAGE_TYPE_2D;
        ici.format = desc.format;
        ici.extent = {desc.width, desc.height, 1};
        ici.mipLevels = desc.mip_levels;
        ici.arrayLayers = 1;
        ici.samples = VK_SAMPLE_COUNT_1_BIT;
        ici.tiling = VK_IMAGE_TILING_OPTIMAL;
        ici.usage = desc.usage;
        ici.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        ici.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;   // required for external images
        check_vk(vk.vkCreateImage(dev, &ici, m_device->allocator(), &m_image), "vkCreateImage(external)");

        VkMemoryRequirements req{};
        vk.vkGetImageMemoryRequirements(dev, m_image, &req);
        VkMemoryDedicatedAllocateInfo dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO};
        dedicated.image = m_image;
        VkExportMemoryAllocateInfo export_info{VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO};
        export_info.pNext = &dedicated;
        export_info.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
        VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        mai.pNext = &export_info;
        mai.allocationSize = req.size;
        mai.memoryTypeIndex = m_device->memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        check_vk(vk.vkAllocateMemory(dev, &mai, m_device->allocator(), &m_memory), "vkAllocateMemory(exportable, dedicated)");
        m_size = req.size;   // what cudaImportExternalMemory must be told
        check_vk(vk.vkBindImageMemory(dev, m_image, m_memory, 0), "vkBindImageMemory(external)");

        VkImageViewCreateInfo vci{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        vci.image = m_image;
        vci.viewType = VK_IMAGE_VIEW_TYPE_2D;
        vci.format = desc.format;
        vci.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, desc.mip_levels, 0, 1};
        // An EXTENDED_USAGE image's view inherits STORAGE, which its sRGB format does not support: the
        // sampled view says which usage it really has.
        VkImageViewUsageCreateInfo view_usage{VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO};
        view_usage.usage = VK_IMAGE_USAGE_SAMPLED_BIT;
        if (desc.flags & VK_IMAGE_CREATE_EXTENDED_USAGE_BIT) vci.pNext = &view_usage;
        check_vk(vk.vkCreateImageView(dev, &vci, m_device->allocator(), &m_view), "vkCreateImageView(external)");
    } catch (...) {
        destroy();
        throw;
    }
}

ExternalImage::~ExternalImage() { destroy(); }

void ExternalImage::destroy() noexcept {
    const VulkanFunctions& vk = m_device->vk();
    const VkDevice dev = m_device->device();
    if (m_view) vk.vkDestroyImageView(dev, m_view, m_device->allocator());
    if (m_image) vk.vkDestroyImage(dev, m_image, m_device->allocator());
    if (m_memory) vk.vkFreeMemory(dev, m_memory, m_device->allocator());
    m_view = VK_NULL_HANDLE;
    m_image = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
}

int ExternalImage::export_fd() const {
    VkMemoryGetFdInfoKHR info{VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR};
    info.memory = m_memory;
    info.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT;
    int fd = -1;
    check_vk(m_device->vk().vkGetMemoryFdKHR(m_device->device(), &info, &fd), "vkGetMemoryFdKHR");
    return fd;
}

VkImageMemoryBarrier first_use_barrier(VkImage image, uint32_t mip_levels) noexcept {
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = 0;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    b.newLayout = VK_IMAGE_LAYOUT_GENERAL;   // for good: CUDA does not know Vulkan layouts
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, mip_levels, 0, 1};
    return b;
}

VkImageMemoryBarrier acquire_from_external_barrier(VkImage image, uint32_t queue_family, uint32_t mip_levels) noexcept {
    // The semaphore wait made CUDA's writes visible to the waiting stages; the acquire hands the
    // image's ownership back to the host's family. No release is ever recorded: CUDA overwrites
    // every texel of every level and never reads, so nothing of Vulkan's must survive the transfer.
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = 0;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_GENERAL;
    b.newLayout = VK_IMAGE_LAYOUT_GENERAL;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_EXTERNAL;
    b.dstQueueFamilyIndex = queue_family;
    b.image = image;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, mip_levels, 0, 1};
    return b;
}

ExternalTimeline::ExternalTimeline(std::shared_ptr<const VulkanDevice> device) : m_device(std::move(device)) {
    VkExportSemaphoreCreateInfo export_info{VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO};
    export_info.handleTypes = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.pNext = &export_info;
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    type.initialValue = 0;
    VkSemaphoreCreateInfo sci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    sci.pNext = &type;
    check_vk(m_device->vk().vkCreateSemaphore(m_device->device(), &sci, m_device->allocator(), &m_semaphore), "vkCreateSemaphore(timeline, exportable)");
}

ExternalTimeline::~ExternalTimeline() {
    if (m_semaphore) m_device->vk().vkDestroySemaphore(m_device->device(), m_semaphore, m_device->allocator());
}

int ExternalTimeline::export_fd() const {
    VkSemaphoreGetFdInfoKHR info{VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR};
    info.semaphore = m_semaphore;
    info.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT;
    int fd = -1;
    check_vk(m_device->vk().vkGetSemaphoreFdKHR(m_device->device(), &info, &fd), "vkGetSemaphoreFdKHR");
    return fd;
}

}  // namespace ntex::interop
