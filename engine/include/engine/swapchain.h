// SPDX-License-Identifier: MIT
// swapchain.h: the window's VkSwapchainKHR, its image views and one present semaphore per image.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <vector>

namespace engine {

class Context;

// OUT_OF_DATE / SUBOPTIMAL are control flow (the window changed): the caller rebuilds.
enum class SwapchainStatus { kOk, kSuboptimal, kOutOfDate };

class Swapchain {
public:
    Swapchain(const Context& ctx, VkExtent2D framebuffer_size);
    ~Swapchain();
    Swapchain(const Swapchain&) = delete;
    Swapchain& operator=(const Swapchain&) = delete;

    // Rebuilds for a new framebuffer size. The caller guarantees no frame in flight uses it.
    void recreate(VkExtent2D framebuffer_size);

    SwapchainStatus acquire(VkSemaphore image_available, uint32_t* image_index);
    SwapchainStatus present(uint32_t image_index);

    VkFormat format() const { return m_format; }
    VkExtent2D extent() const { return m_extent; }
    uint32_t image_count() const { return static_cast<uint32_t>(m_images.size()); }
    uint32_t min_image_count() const { return m_min_image_count; }
    VkImage image(uint32_t i) const { return m_images[i]; }
    VkImageView view(uint32_t i) const { return m_views[i]; }
    // Signalled by the frame's submit, waited by the present of image i. Per image (not per
    // frame) because a present may hold its semaphore until that image is acquired again.
    VkSemaphore render_finished(uint32_t i) const { return m_render_finished[i]; }
    uint64_t generation() const { return m_generation; }   // bumped by every recreate

private:
    void create(VkExtent2D framebuffer_size, VkSwapchainKHR old);
    void destroy_views() noexcept;

    const Context& m_ctx;
    VkSwapchainKHR m_swapchain = VK_NULL_HANDLE;
    VkFormat m_format = VK_FORMAT_UNDEFINED;
    VkColorSpaceKHR m_color_space = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
    VkExtent2D m_extent{};
    uint32_t m_min_image_count = 2;
    std::vector<VkImage> m_images;
    std::vector<VkImageView> m_views;
    std::vector<VkSemaphore> m_render_finished;
    uint64_t m_generation = 0;
};

}  // namespace engine
