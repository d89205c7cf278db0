// SPDX-License-Identifier: MIT
// VulkanDevice: the host's Vulkan device as ntex sees it: handles plus a dispatch table of exactly
// the functions ntex calls, loaded through the host's vkGetInstanceProcAddr / vkGetDeviceProcAddr
// (so ntex works with any loader setup and never links libvulkan).
#pragma once

#ifndef VK_NO_PROTOTYPES
#define VK_NO_PROTOTYPES
#endif
#include <ntex/ntex_vulkan.h>

#include "core/vk_barriers.h"
#include "core/vk_result.h"

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>

namespace ntex::interop {

// X-macro lists: one place names every function and whether it is instance- or device-level.
#define NTEX_VK_INSTANCE_FUNCTIONS(X)            \
    X(vkGetDeviceProcAddr)                       \
    X(vkGetPhysicalDeviceProperties)             \
    X(vkGetPhysicalDeviceMemoryProperties)       \
    X(vkGetPhysicalDeviceFormatProperties)       \
    X(vkGetPhysicalDeviceQueueFamilyProperties)

#define NTEX_VK_DEVICE_FUNCTIONS(X) \
    X(vkCreateBuffer)               \
    X(vkDestroyBuffer)              \
    X(vkGetBufferMemoryRequirements) \
    X(vkBindBufferMemory)           \
    X(vkCreateImage)                \
    X(vkDestroyImage)               \
    X(vkGetImageMemoryRequirements) \
    X(vkBindImageMemory)            \
    X(vkCreateImageView)            \
    X(vkDestroyImageView)           \
    X(vkAllocateMemory)             \
    X(vkFreeMemory)                 \
    X(vkMapMemory)                  \
    X(vkUnmapMemory)                \
    X(vkCreateSemaphore)            \
    X(vkDestroySemaphore)           \
    X(vkGetSemaphoreCounterValue)   \
    X(vkWaitSemaphores)             \
    X(vkCmdPipelineBarrier)         \
    X(vkCmdCopyBufferToImage)       \
    X(vkCmdBlitImage)

// Optional: loaded when exposed, left null otherwise (the CPU path never calls them). Vulkan 1.1 core
// (properties2 for the device UUID, image format properties2 for external-memory support) and the
// fd export entry points of VK_KHR_external_memory_fd / VK_KHR_external_semaphore_fd (CUDA path).
#define NTEX_VK_OPTIONAL_INSTANCE_FUNCTIONS(X)     \
    X(vkGetPhysicalDeviceProperties2)              \
    X(vkGetPhysicalDeviceFeatures2)                \
    X(vkGetPhysicalDeviceImageFormatProperties2)   \
    X(vkGetPhysicalDeviceExternalSemaphoreProperties) \
    X(vkEnumerateDeviceExtensionProperties)

#define NTEX_VK_OPTIONAL_DEVICE_FUNCTIONS(X) \
    X(vkGetMemoryFdKHR)                      \
    X(vkGetSemaphoreFdKHR)                   \
    X(vkSignalSemaphore)

struct VulkanFunctions {
#define NTEX_VK_MEMBER(name) PFN_##name name = nullptr;
    NTEX_VK_INSTANCE_FUNCTIONS(NTEX_VK_MEMBER)
    NTEX_VK_DEVICE_FUNCTIONS(NTEX_VK_MEMBER)
    NTEX_VK_OPTIONAL_INSTANCE_FUNCTIONS(NTEX_VK_MEMBER)
    NTEX_VK_OPTIONAL_DEVICE_FUNCTIONS(NTEX_VK_MEMBER)
#undef NTEX_VK_MEMBER
};

class VulkanDevice {
public:
    // Validates the host's handles and loads the functions. Throws ntex::Error: INVALID_ARGUMENT
    // (NULL handle or loader, queue family out of range or with neither graphics nor compute), UNSUPPORTED (Vulkan
    // < 1.2, or a function the device does not expose).
    // debug_utils: the host enabled VK_EXT_debug_utils (NtexVulkanDebugInfo): names and labels are
    // emitted, and a missing entry point is UNSUPPORTED. memory: the host's device-memory allocator
    // (NtexDeviceMemoryCallbacks), or nullptr for vkAllocateMemory. synchronization2: the host declared
    // the feature enabled (NtexVulkanDeviceFeatures); barriers() then uses it where the device has it.
    explicit VulkanDevice(const NtexVulkanDeviceInfo& info, bool debug_utils = false, const NtexDeviceMemoryCallbacks* memory = nullptr,
                          bool synchronization2 = false);

    VkPhysicalDevice physical_device() const noexcept { return m_physical_device; }
    VkDevice device() const noexcept { return m_device; }
    uint32_t queue_family() const noexcept { return m_queue_family; }
    // The family has graphics (blits, graphics consumer stages); without it the family is compute-only
    // (an async-compute queue): no blitted mips, and only compute and ray-tracing consumer stages.
    bool graphics() const noexcept { return m_graphics; }
    bool compute() const noexcept { return m_compute; }
    const VulkanFunctions& vk() const noexcept { return m_vk; }
    const VkPhysicalDeviceProperties& properties() const noexcept { return m_properties; }
    // The host's VkAllocationCallbacks (NtexVulkanDeviceInfo::pAllocator) for every create/destroy/
    // allocate/free call on this device; nullptr = the driver's.
    const VkAllocationCallbacks* allocator() const noexcept { return m_allocator; }
    // VkPhysicalDeviceIDProperties::deviceUUID (to pick the CUDA device with the same UUID); all zero
    // when vkGetPhysicalDeviceProperties2 is not exposed.
    const std::array<uint8_t, VK_UUID_SIZE>& device_uuid() const noexcept { return m_uuid; }
    bool has_device_uuid() const noexcept { return m_has_uuid; }
    // True when the physical device offers the extension (vkEnumerateDeviceExtensionProperties).
    // Whether the host enabled it is seen through its entry points (vk().vkGetMemoryFdKHR etc.).
    bool supports_extension(const char* name) const;

    // A memory type index allowed by `type_bits` with all `flags`; throws UNSUPPORTED if none.
    uint32_t memory_type(uint32_t type_bits, VkMemoryPropertyFlags flags) const;
    // The memory types (bits) among `type_bits` that have all `flags`.
    uint32_t memory_types_with(uint32_t type_bits, VkMemoryPropertyFlags flags) const noexcept;
    std::string describe() const;
    // The host's device-memory callbacks (pfnAllocate null: none).
    const NtexDeviceMemoryCallbacks& memory_callbacks() const noexcept { return m_memory_callbacks; }
    // VK_EXT_debug_utils (no-ops unless enabled): an object's name, a label around recorded commands.
    bool debug_utils() const noexcept { return m_set_name != nullptr; }
    void set_name(VkObjectType type, uint64_t handle, const std::string& name) const noexcept;
    // The same for a handle of any type (pointers on 64-bit builds, uint64_t on 32-bit ones).
    template <typename Handle>
    void name(VkObjectType type, Handle handle, const std::string& name) const noexcept {
        if constexpr (std::is_pointer_v<Handle>) {
            set_name(type, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(handle)), name);
        } else {
            set_name(type, static_cast<uint64_t>(handle), name);
        }
    }
    void begin_label(VkCommandBuffer cmd, const std::string& name) const noexcept;
    void end_label(VkCommandBuffer cmd) const noexcept;
    // How texture sets record their barriers (synchronization2 or vkCmdPipelineBarrier), and why not
    // synchronization2 ("" when it is used).
    const BarrierRecorder& barriers() const noexcept { return m_barriers; }
    const std::string& synchronization2_reason() const noexcept { return m_sync2_reason; }

private:
    BarrierRecorder m_barriers;
    std::string m_sync2_reason;
    NtexDeviceMemoryCallbacks m_memory_callbacks{};
    PFN_vkSetDebugUtilsObjectNameEXT m_set_name = nullptr;
    PFN_vkCmdBeginDebugUtilsLabelEXT m_begin_label = nullptr;
    PFN_vkCmdEndDebugUtilsLabelEXT m_end_label = nullptr;
    VkInstance m_instance;
    VkPhysicalDevice m_physical_device;
    VkDevice m_device;
    uint32_t m_queue_family;
    bool m_graphics = false;
    bool m_compute = false;
    const VkAllocationCallbacks* m_allocator = nullptr;
    VulkanFunctions m_vk;
    VkPhysicalDeviceProperties m_properties{};
    VkPhysicalDeviceMemoryProperties m_memory{};
    std::array<uint8_t, VK_UUID_SIZE> m_uuid{};
    bool m_has_uuid = false;
};

// Throws ntex::Error(BACKEND) naming the call and the VkResult when `result` is an error.
void check_vk(VkResult result, const char* call);

}  // namespace ntex::interop
