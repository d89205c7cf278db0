// SPDX-License-Identifier: MIT
// ComputeContext: the Vulkan device, queue and command pool the compute backend runs on, either
// owned (a headless instance + device ntex creates on the first compute-capable device, for tools,
// tests and hosts without Vulkan) or borrowed (the host's device from NtexVulkanDeviceInfo). Every
// function comes from a vkGetInstanceProcAddr: the loader's (dlopen'ed, owned case) or the host's.
#pragma once

#ifndef VK_NO_PROTOTYPES
#define VK_NO_PROTOTYPES
#endif
#include <ntex/ntex_vulkan.h>

#include "core/vk_barriers.h"
#include "core/vk_result.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace ntex::vulkan {

class MemoryPool;

// Instance-level functions the owned path needs before/around device creation.
#define NTEX_VKC_INSTANCE_FUNCTIONS(X)          \
    X(vkDestroyInstance)                        \
    X(vkEnumeratePhysicalDevices)               \
    X(vkGetPhysicalDeviceProperties)            \
    X(vkGetPhysicalDeviceFeatures)              \
    X(vkGetPhysicalDeviceFeatures2)             \
    X(vkGetPhysicalDeviceMemoryProperties)      \
    X(vkGetPhysicalDeviceQueueFamilyProperties) \
    X(vkCreateDevice)                           \
    X(vkGetDeviceProcAddr)

// Device-level functions of the compute plan (all Vulkan 1.0 core).
#define NTEX_VKC_DEVICE_FUNCTIONS(X) \
    X(vkDestroyDevice)               \
    X(vkGetDeviceQueue)              \
    X(vkDeviceWaitIdle)              \
    X(vkCreateCommandPool)           \
    X(vkDestroyCommandPool)          \
    X(vkAllocateCommandBuffers)      \
    X(vkFreeCommandBuffers)          \
    X(vkBeginCommandBuffer)          \
    X(vkEndCommandBuffer)            \
    X(vkQueueSubmit)                 \
    X(vkCreateFence)                 \
    X(vkDestroyFence)                \
    X(vkWaitForFences)               \
    X(vkResetFences)                 \
    X(vkCreateBuffer)                \
    X(vkDestroyBuffer)               \
    X(vkGetBufferMemoryRequirements) \
    X(vkAllocateMemory)              \
    X(vkFreeMemory)                  \
    X(vkBindBufferMemory)            \
    X(vkMapMemory)                   \
    X(vkUnmapMemory)                 \
    X(vkCreateShaderModule)          \
    X(vkDestroyShaderModule)         \
    X(vkCreateDescriptorSetLayout)   \
    X(vkDestroyDescriptorSetLayout)  \
    X(vkCreatePipelineLayout)        \
    X(vkDestroyPipelineLayout)       \
    X(vkCreateComputePipelines)      \
    X(vkDestroyPipeline)             \
    X(vkCreateDescriptorPool)        \
    X(vkDestroyDescriptorPool)       \
    X(vkAllocateDescriptorSets)      \
    X(vkUpdateDescriptorSets)        \
    X(vkCmdBindPipeline)             \
    X(vkCmdBindDescriptorSets)       \
    X(vkCmdPushConstants)            \
    X(vkCmdDispatch)                 \
    X(vkCmdPipelineBarrier)          \
    X(vkCmdCopyBuffer)

struct ComputeFunctions {
#define NTEX_VKC_MEMBER(name) PFN_##name name = nullptr;
    NTEX_VKC_INSTANCE_FUNCTIONS(NTEX_VKC_MEMBER)
    NTEX_VKC_DEVICE_FUNCTIONS(NTEX_VKC_MEMBER)
#undef NTEX_VKC_MEMBER
};

// Throws ntex::Error(BACKEND, or OUT_OF_MEMORY for the two out-of-memory results) naming the file,
// line, call text and VkResult when `result` is negative. Positive results (statuses) pass.
void check_vk(VkResult result, const char* call, const char* file, int line);

#define NTEX_VK_CHECK(call) ::ntex::vulkan::check_vk((call), #call, __FILE__, __LINE__)

struct HeadlessOptions {
    // Enables VK_LAYER_KHRONOS_validation (with synchronization validation) when installed, and
    // counts its warning and error messages (validation_messages()); for tests.
    bool validation = false;
};

class ComputeContext {
public:
    // Owned: loads libvulkan.so.1, creates an instance (Vulkan 1.1) and a device with one queue of
    // the first family with compute on the first device that has one (a discrete or integrated GPU
    // before a CPU implementation such as lavapipe). Throws Error(UNSUPPORTED) naming why when there
    // is no loader, no device or no compute queue.
    // Enables shaderFloat16 and storageBuffer16BitAccess where the device (Vulkan >= 1.2) has both (fp16()),
    // and synchronization2 where the device has Vulkan 1.3 and the feature (barriers()).
    static std::shared_ptr<ComputeContext> create_headless(const HeadlessOptions& options = {});
    // Borrowed: the host's device. Uses queue 0 of info.queueFamilyIndex (which must have compute);
    // this increment submits to it from the generating thread (see vulkan_plan.h). `features`: what
    // the host says it enabled (NtexVulkanDeviceFeatures, may be null). `memory`: the host's device-memory
    // allocator (NtexDeviceMemoryCallbacks, may be null; copied), which then supplies memory_pool()'s blocks.
    static std::shared_ptr<ComputeContext> borrow(const NtexVulkanDeviceInfo& info, const NtexVulkanDeviceFeatures* features = nullptr,
                                                  const NtexDeviceMemoryCallbacks* memory = nullptr);

    ~ComputeContext();
    ComputeContext(const ComputeContext&) = delete;
    ComputeContext& operator=(const ComputeContext&) = delete;

    const ComputeFunctions& vk() const noexcept { return m_vk; }
    VkDevice device() const noexcept { return m_device; }
    VkQueue queue() const noexcept { return m_queue; }
    uint32_t queue_family() const noexcept { return m_queue_family; }
    const VkPhysicalDeviceProperties& properties() const noexcept { return m_properties; }
    bool owns_device() const noexcept { return m_owned; }
    // FP16 shaders can run: shaderFloat16 and storageBuffer16BitAccess are supported and enabled.
    bool fp16() const noexcept { return m_fp16; }
    // Why fp16() is false ("" when true), for the log line of an FP16 generator computing in FP32.
    const std::string& fp16_reason() const noexcept { return m_fp16_reason; }
    // How every barrier of this backend is recorded: synchronization2 where the headless device has it
    // (enabled there) or the host declared it (NtexVulkanDeviceFeatures), else vkCmdPipelineBarrier.
    const BarrierRecorder& barriers() const noexcept { return m_barriers; }
    // Why barriers() does not use synchronization2 ("" when it does).
    const std::string& synchronization2_reason() const noexcept { return m_sync2_reason; }
    // Borrowed: the host's NtexVulkanDeviceInfo::pAllocator, for every object ntex creates on its device;
    // owned: nullptr (the driver's).
    const VkAllocationCallbacks* allocator() const noexcept { return m_allocator; }
    // Borrowed with an NtexDeviceMemoryCallbacks: the host's allocator (pfnAllocate set); else all null.
    const NtexDeviceMemoryCallbacks& memory_callbacks() const noexcept { return m_memory_callbacks; }
    // "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan 1.3, headless, synchronization2)"
    std::string describe() const;
    // A memory type allowed by `type_bits` with all of `required`, preferring one that also has
    // `preferred`; throws Error(UNSUPPORTED) when none has `required`.
    uint32_t memory_type(uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred = 0) const;
    // Validation messages (warnings + errors) seen since creation; 0 without validation.
    int validation_messages() const noexcept { return m_messages.load(); }
    bool validation_enabled() const noexcept { return m_messenger != VK_NULL_HANDLE; }
    // vkQueueSubmit needs the queue externally synchronized: every submit from ntex takes this lock.
    std::mutex& queue_mutex() noexcept { return m_queue_mutex; }
    // The suballocator every Buffer on this device draws from (vk_memory_pool.h; thread-safe).
    MemoryPool& memory_pool() const noexcept { return *m_pool; }

private:
    ComputeContext() = default;
    void load_device_functions(PFN_vkGetDeviceProcAddr get_device);
    void finish_setup();
    // declared: synchronization2 is enabled on the device (the host said so, or the headless path
    // enabled it); barriers() uses it where an entry point resolves.
    void set_barriers(bool declared, PFN_vkGetDeviceProcAddr get_device);

    void* m_library = nullptr;   // libvulkan.so.1 (owned path)
    bool m_owned = false;
    bool m_fp16 = false;
    std::string m_fp16_reason = "not checked";
    BarrierRecorder m_barriers;
    std::string m_sync2_reason = "not checked";
    const VkAllocationCallbacks* m_allocator = nullptr;
    NtexDeviceMemoryCallbacks m_memory_callbacks{};
    VkInstance m_instance = VK_NULL_HANDLE;
    VkPhysicalDevice m_physical_device = VK_NULL_HANDLE;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queue_family = 0;
    ComputeFunctions m_vk;
    PFN_vkDestroyDebugUtilsMessengerEXT m_destroy_messenger = nullptr;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    VkPhysicalDeviceProperties m_properties{};
    VkPhysicalDeviceMemoryProperties m_memory{};
    std::atomic<int> m_messages{0};
    std::mutex m_queue_mutex;
    std::unique_ptr<MemoryPool> m_pool;   // created by finish_setup, released before the device

    static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
                                                     const VkDebugUtilsMessengerCallbackDataEXT* data, void* user);
};

}  // namespace ntex::vulkan
