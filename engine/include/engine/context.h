// SPDX-License-Identifier: MIT
// context.h: the Vulkan instance, optional validation messenger, physical/logical device and queue.
#pragma once

#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace engine {

// Filled by the debug messenger. Shared so the host can read the counts after the context
// (and with it the instance, whose destruction may still report leaks) is gone.
struct ValidationStats {
    std::atomic<uint32_t> errors{0};
    std::atomic<uint32_t> warnings{0};
    bool layer_enabled = false;
    std::string layer_description;   // "VK_LAYER_KHRONOS_validation 1.3.239"
};

struct ContextCreateInfo {
    bool validation = false;          // enable VK_LAYER_KHRONOS_validation + a counting messenger
    int device_index = -1;            // < 0: choose (discrete GPU first, then any usable device)
    std::vector<const char*> instance_extensions;   // e.g. what GLFW needs for a surface
    // Creates the window surface once the instance exists; empty for headless rendering.
    std::function<VkSurfaceKHR(VkInstance)> create_surface;
    std::shared_ptr<ValidationStats> validation_stats;   // required when validation is on
};

class Context {
public:
    explicit Context(const ContextCreateInfo& info);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    VkInstance instance() const { return m_instance; }
    VkPhysicalDevice physical_device() const { return m_physical_device; }
    VkDevice device() const { return m_device; }
    VkQueue queue() const { return m_queue; }
    uint32_t queue_family() const { return m_queue_family; }
    VkSurfaceKHR surface() const { return m_surface; }
    const std::string& device_name() const { return m_device_name; }
    const VkPhysicalDeviceProperties& properties() const { return m_properties; }

    // A memory type index with all `flags` among `type_bits`; throws when none exists.
    uint32_t find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags flags) const;
    // Records with `record` into a one-time command buffer, submits and waits (setup only).
    void submit_immediate(const std::function<void(VkCommandBuffer)>& record) const;
    // Waits until the queue is idle (shutdown and resource recreation only).
    void wait_idle() const;

private:
    void create_instance(const ContextCreateInfo& info);
    void pick_physical_device(int device_index);
    void create_device();
    void destroy() noexcept;

    VkInstance m_instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    VkSurfaceKHR m_surface = VK_NULL_HANDLE;
    VkPhysicalDevice m_physical_device = VK_NULL_HANDLE;
    VkPhysicalDeviceProperties m_properties{};
    VkPhysicalDeviceMemoryProperties m_memory_properties{};
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queue_family = 0;
    VkCommandPool m_setup_pool = VK_NULL_HANDLE;
    std::string m_device_name;
    std::shared_ptr<ValidationStats> m_validation_stats;
};

}  // namespace engine
