// SPDX-License-Identifier: MIT
// VulkanHost: a minimal stand-in for an engine that embeds ntex: its own instance (validation layer
// on, messages counted), device with timeline semaphores, one graphics queue and a command pool.
// With want_external_fd it picks a device offering VK_KHR_external_memory_fd and
// VK_KHR_external_semaphore_fd (a discrete GPU first; else one with the memory extension) and enables
// those it offers (the CUDA zero-copy path needs both).
#pragma once

#include <ntex/ntex_vulkan.h>
#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ntex_test {

// What create_context may change from its defaults.
struct ContextOptions {
    PFN_ntexLogCallback log = nullptr;
    void* log_user = nullptr;
    PFN_vkGetInstanceProcAddr get_instance_proc = nullptr;   // nullptr: the loader's vkGetInstanceProcAddr
    const VkAllocationCallbacks* allocator = nullptr;
    const void* next = nullptr;   // chained after the NtexVulkanDeviceInfo (e.g. an NtexMessengerCreateInfo)
    uint32_t queue_family = UINT32_MAX;   // NtexVulkanDeviceInfo::queueFamilyIndex; UINT32_MAX: queue_family
};

class VulkanHost {
public:
    // with_validation false: no validation layer (benchmarks, whose timings it would distort).
    // want_synchronization2: enable VK_KHR_synchronization2 and its feature where the device has them.
    // second_family_layer: also create a queue and command pool on a second queue family with compute
    // (other_family, other_queue, other_pool), enabling this layer below the validation layer first when
    // it is installed (VK_LAYER_NTEX_test_queue_family_split gives a one-family device a virtual second
    // family); throws when the device then has no second family.
    explicit VulkanHost(bool want_external_fd = false, bool with_validation = true,
                        bool want_synchronization2 = true,
                        const char* second_family_layer = nullptr);   // throws std::runtime_error naming the failing step
    ~VulkanHost();
    VulkanHost(const VulkanHost&) = delete;
    VulkanHost& operator=(const VulkanHost&) = delete;

    VkInstance instance = VK_NULL_HANDLE;
    VkPhysicalDevice physical_device = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    uint32_t queue_family = 0;
    VkQueue queue = VK_NULL_HANDLE;
    VkCommandPool pool = VK_NULL_HANDLE;
    uint32_t other_family = UINT32_MAX;          // with second_family_layer: a family other than queue_family
    VkQueue other_queue = VK_NULL_HANDLE;        // its queue 0
    VkCommandPool other_pool = VK_NULL_HANDLE;   // resettable command buffers of other_family
    bool validation = false;
    std::atomic<int> errors{0};
    std::atomic<int> warnings{0};
    std::string device_name;
    bool external_fd = false;          // both fd extensions enabled on `device`
    bool external_memory_fd = false;   // VK_KHR_external_memory_fd enabled
    bool fp16 = false;                 // shaderFloat16 and storageBuffer16BitAccess enabled (where supported)
    bool synchronization2 = false;     // VK_KHR_synchronization2 and its feature enabled

    // Records with `record`, submits, waits idle. When `record` returns a value v > 0 the submit
    // also signals the timeline `semaphore` to v (what ntexCmdUpdateTextureSet asks of a host).
    void submit(const std::function<uint64_t(VkCommandBuffer)>& record, VkSemaphore semaphore = VK_NULL_HANDLE);
    // One frame of a texture-set host: ntexCmdUpdateTextureSet recorded and submitted with the signal it
    // asks for. Its result, except NTEX_ERROR_UNKNOWN for a SUCCESS that asked for no signal value.
    NtexResult update_and_submit(NtexTextureSet set);
    // Copies mip `level` of an image in `layout` (SHADER_READ_ONLY_OPTIMAL, or GENERAL for the CUDA
    // path) into host memory (tightly packed rows).
    // width x height: the image's mip-0 extent; `layer`: the array layer read.
    std::vector<uint8_t> read_image(VkImage image, uint32_t width, uint32_t height, uint32_t texel_bytes, uint32_t level,
                                    VkImageLayout layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, uint32_t layer = 0);
    uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const;
    // A host-visible, coherent, persistently mapped TRANSFER_DST buffer (read-backs); destroy with destroy().
    struct HostBuffer {
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        void* mapped = nullptr;
    };
    HostBuffer create_host_buffer(VkDeviceSize size) const;   // throws std::runtime_error
    void destroy(HostBuffer& b) const noexcept;
    // Records a copy of mip `level` (w x h texels) of `image`, in `layout`, into `buffer` as a renderer's
    // read would: barriers chained after the fragment/compute stages ntex makes texels visible to, the
    // image back in `layout` for those stages afterwards, and the buffer made visible to the host.
    // consumers: the stages the image is read in around the copy (a compute-only family: COMPUTE_SHADER).
    static void record_image_read(VkCommandBuffer cmd, VkImage image, VkImageLayout layout, uint32_t level, uint32_t w, uint32_t h,
                                  VkBuffer buffer, uint32_t layer = 0,
                                  VkPipelineStageFlags consumers = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
    // An engine's own image (device-local, OPTIMAL tiling, dedicated memory) with a 2D-array view of all
    // its levels and layers, every subresource cleared to `clear` (the same float in every channel) and
    // left in SHADER_READ_ONLY_OPTIMAL, as a bindless array's other textures would be; destroy with destroy().
    struct Image {
        VkImage image = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkImageView view = VK_NULL_HANDLE;
    };
    Image create_image(VkFormat format, uint32_t width, uint32_t height, uint32_t mip_levels, uint32_t layers, VkImageUsageFlags usage,
                       float clear);   // throws std::runtime_error
    void destroy(Image& image) const noexcept;
    // This device as ntex takes it (vkGetInstanceProcAddr of the loader, no allocator).
    NtexVulkanDeviceInfo device_info() const;
    // An ntex context on this device (device_info() chained, 2 CPU threads) for `backend`.
    NtexResult create_context(NtexBackend backend, NtexContext* context, const ContextOptions& options = {}) const;

private:
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
};

}  // namespace ntex_test
