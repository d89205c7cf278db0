/* SPDX-License-Identifier: MIT */
/* consumer_vulkan_host: the Vulkan side shared by the external hosts (consumer_vulkan.c in C99,
 * consumer_vulkan_cpp.cpp in C++20), built against the installed package like them. It is what an engine
 * already has: an instance with the Khronos validation layer (synchronization validation and best
 * practices on, every message counted), a device with timeline semaphores and one graphics queue, a
 * command pool, read-backs; plus counting allocators to hand to ntex: VkAllocationCallbacks (host memory)
 * and NtexDeviceMemoryCallbacks (device memory, as VMA would supply it: ranges of a few large blocks, never one
 * vkAllocateMemory per request, which best practices would flag). Not thread-safe: one host thread. */
#ifndef NTEX_CONSUMER_VULKAN_HOST_H_
#define NTEX_CONSUMER_VULKAN_HOST_H_

#include <ntex/ntex_vulkan.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HOST_W 64u
#define HOST_H 64u

/* Exits with a message naming the failed condition (and ntex's last error). */
#define HOST_CHECK(cond) host_check((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
void host_check(int ok, const char* what, const char* file, int line);

typedef struct Host {
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    VkQueue queue;
    uint32_t family;
    VkCommandPool pool;
    VkDebugUtilsMessengerEXT messenger;
    /* Validation messages since host_create: errors, and warnings other than the host's own choice of
     * enabling VK_EXT_debug_utils (best practices' "special-use extension" note on the instance). */
    int errors;
    int warnings;
    /* VkAllocationCallbacks counters: live host allocations made through `allocator`, and all of them. */
    VkAllocationCallbacks allocator;
    long live_host_allocations;
    long host_allocations;
    /* NtexDeviceMemoryCallbacks counters: blocks ntex asked for and gave back. */
    NtexDeviceMemoryCallbacks device_memory;
    int device_blocks_allocated;
    int device_blocks_freed;
    /* The host's device memory: per memory type one 8 MiB VkDeviceMemory (persistently mapped where host
     * visible) handed out front to back and released at host_destroy (a bump allocator: enough here). */
    VkDeviceMemory blocks[VK_MAX_MEMORY_TYPES];
    VkDeviceSize used[VK_MAX_MEMORY_TYPES];
    void* mapped[VK_MAX_MEMORY_TYPES];
} Host;

/* The instance (validation required: exits when the layer is not installed), device, queue and pool. */
void host_create(Host* host);
void host_destroy(Host* host);
/* A one-time command buffer in the recording state. */
VkCommandBuffer host_begin(Host* host);
/* Ends and submits `cmd`, signalling `semaphore` to `value` when value > 0 (ntex's contract), waits idle. */
void host_submit(Host* host, VkCommandBuffer cmd, VkSemaphore semaphore, uint64_t value);
/* Copies mip 0 of array layer `layer` of an image in SHADER_READ_ONLY_OPTIMAL, sampled in `stages`,
 * into `out` (HOST_W x HOST_H texels of texel_bytes, tightly packed). */
void host_read_back(Host* host, VkImage image, uint32_t layer, uint32_t texel_bytes, VkPipelineStageFlags stages, unsigned char* out);
/* The host's own RGBA8 sRGB array image (a bindless texture array): HOST_W x HOST_H, one level, `layers`
 * layers, device-local, SAMPLED | TRANSFER_DST | TRANSFER_SRC, contents undefined; its memory is the host's
 * until host_destroy. */
VkImage host_create_array_image(Host* host, uint32_t layers);
/* Checks that `image` (a map of `generator`'s newest result in `format`'s texels) holds exactly what
 * ntexReadMap returns for map `map_index` (mip 0, layer `layer`). */
void host_expect_map(Host* host, NtexGenerator generator, uint32_t map_index, VkImage image, uint32_t layer, VkFormat format,
                     VkPipelineStageFlags stages);
/* Prints the validation counts and exits unless both are 0. */
void host_expect_silent_validation(const Host* host, const char* who);

#ifdef __cplusplus
}
#endif

#endif
