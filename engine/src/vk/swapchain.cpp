// SPDX-License-Identifier: MIT
// swapchain.cpp: sRGB surface format, MAILBOX when offered (else FIFO), rebuild on resize.
#include "engine/swapchain.h"

#include "engine/context.h"
#include "engine/error.h"

#include <algorithm>

namespace engine {

Swapchain::Swapchain(const Context& ctx, VkExtent2D framebuffer_size) : m_ctx(ctx) {
    create(framebuffer_size, VK_NULL_HANDLE);
}

Swapchain::~Swapchain() {
    destroy_views();
    if (m_swapchain != VK_NULL_HANDLE) vkDestroySwapchainKHR(m_ctx.device(), m_swapchain, nullptr);
}

void Swapchain::destroy_views() noexcept {
    for (VkImageView v : m_views) vkDestroyImageView(m_ctx.device(), v, nullptr);
    for (VkSemaphore s : m_render_finished) vkDestroySemaphore(m_ctx.device(), s, nullptr);
    m_views.clear();
    m_render_finished.clear();
    m_images.clear();
}

void Swapchain::recreate(VkExtent2D framebuffer_size) {
    destroy_views();
    VkSwapchainKHR old = m_swapchain;
    m_swapchain = VK_NULL_HANDLE;
    try {
        create(framebuffer_size, old);
    } catch (...) {
        vkDestroySwapchainKHR(m_ctx.device(), old, nullptr);
        throw;
    }
    vkDestroySwapchainKHR(m_ctx.device(), old, nullptr);
    ++m_generation;
}

void Swapchain::create(VkExtent2D framebuffer_size, VkSwapchainKHR old) {
    const VkPhysicalDevice pd = m_ctx.physical_device();
    const VkSurfaceKHR surface = m_ctx.surface();
    VkSurfaceCapabilitiesKHR caps;
    ENGINE_VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(pd, surface, &caps));

    uint32_t count = 0;
    vkGetPhysicalDeviceSurfaceFormatsKHR(pd, surface, &count, nullptr);
    std::vector<VkSurfaceFormatKHR> formats(count);
    vkGetPhysicalDeviceSurfaceFormatsKHR(pd, surface, &count, formats.data());
    if (formats.empty()) throw Error("vulkan: the window surface offers no formats");
    // An sRGB format lets the hardware encode the shaders' linear output.
    VkSurfaceFormatKHR chosen = formats[0];
    for (const auto& f : formats)
        if ((f.format == VK_FORMAT_B8G8R8A8_SRGB || f.format == VK_FORMAT_R8G8B8A8_SRGB) &&
            f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
            chosen = f;
            break;
        }
    m_format = chosen.format;
    m_color_space = chosen.colorSpace;

    vkGetPhysicalDeviceSurfacePresentModesKHR(pd, surface, &count, nullptr);
    std::vector<VkPresentModeKHR> modes(count);
    vkGetPhysicalDeviceSurfacePresentModesKHR(pd, surface, &count, modes.data());
    // MAILBOX: no tearing and no blocking on vsync (the generator's cost shows in frame times).
    VkPresentModeKHR mode = VK_PRESENT_MODE_FIFO_KHR;   // always supported
    if (std::find(modes.begin(), modes.end(), VK_PRESENT_MODE_MAILBOX_KHR) != modes.end())
        mode = VK_PRESENT_MODE_MAILBOX_KHR;

    if (caps.currentExtent.width != UINT32_MAX) {
        m_extent = caps.currentExtent;
    } else {
        m_extent.width = std::clamp(framebuffer_size.width, caps.minImageExtent.width, caps.maxImageExtent.width);
        m_extent.height = std::clamp(framebuffer_size.height, caps.minImageExtent.height, caps.maxImageExtent.height);
    }
    m_min_image_count = std::max(caps.minImageCount + 1, 2u);
    if (caps.maxImageCount > 0) m_min_image_count = std::min(m_min_image_count, caps.maxImageCount);

    VkSwapchainCreateInfoKHR ci{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    ci.surface = surface;
    ci.minImageCount = m_min_image_count;
    ci.imageFormat = m_format;
    ci.imageColorSpace = m_color_space;
    ci.imageExtent = m_extent;
    ci.imageArrayLayers = 1;
    ci.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
    ci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    ci.preTransform = caps.currentTransform;
    ci.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    if (!(caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR))
        ci.compositeAlpha = VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR;
    ci.presentMode = mode;
    ci.clipped = VK_TRUE;
    ci.oldSwapchain = old;
    ENGINE_VK_CHECK(vkCreateSwapchainKHR(m_ctx.device(), &ci, nullptr, &m_swapchain));

    vkGetSwapchainImagesKHR(m_ctx.device(), m_swapchain, &count, nullptr);
    m_images.resize(count);
    vkGetSwapchainImagesKHR(m_ctx.device(), m_swapchain, &count, m_images.data());
    for (VkImage image : m_images) {
        VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        vi.image = image;
        vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
        vi.format = m_format;
        vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        VkImageView view = VK_NULL_HANDLE;
        ENGINE_VK_CHECK(vkCreateImageView(m_ctx.device(), &vi, nullptr, &view));
        m_views.push_back(view);
        VkSemaphoreCreateInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        VkSemaphore sem = VK_NULL_HANDLE;
        ENGINE_VK_CHECK(vkCreateSemaphore(m_ctx.device(), &si, nullptr, &sem));
        m_render_finished.push_back(sem);
    }
}

SwapchainStatus Swapchain::acquire(VkSemaphore image_available, uint32_t* image_index) {
    const VkResult r =
        vkAcquireNextImageKHR(m_ctx.device(), m_swapchain, UINT64_MAX, image_available, VK_NULL_HANDLE, image_index);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) return SwapchainStatus::kOutOfDate;
    if (r == VK_SUBOPTIMAL_KHR) return SwapchainStatus::kSuboptimal;   // acquired; rebuild after present
    vk_check(r, "vkAcquireNextImageKHR");
    return SwapchainStatus::kOk;
}

SwapchainStatus Swapchain::present(uint32_t image_index) {
    VkPresentInfoKHR pi{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    pi.waitSemaphoreCount = 1;
    pi.pWaitSemaphores = &m_render_finished[image_index];
    pi.swapchainCount = 1;
    pi.pSwapchains = &m_swapchain;
    pi.pImageIndices = &image_index;
    const VkResult r = vkQueuePresentKHR(m_ctx.queue(), &pi);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) return SwapchainStatus::kOutOfDate;
    if (r == VK_SUBOPTIMAL_KHR) return SwapchainStatus::kSuboptimal;
    vk_check(r, "vkQueuePresentKHR");
    return SwapchainStatus::kOk;
}

}  // namespace engine
