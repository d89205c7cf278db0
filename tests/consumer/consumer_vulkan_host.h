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
#define HOST_MAX_BLOCKS 16u

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
    /* The host's device memory: per memory type blocks of at least 8 MiB (persistently mapped where host
     * visible), handed out front to back, every range aligned to bufferImageGranularity too, and released at
     * host_destroy (a bump allocator that never reuses a range: enough for these hosts). */
    VkDeviceMemory blocks[VK_MAX_MEMORY_TYPES][HOST_MAX_BLOCKS];
    VkDeviceSize block_size[VK_MAX_MEMORY_TYPES][HOST_MAX_BLOCKS];
    void* mapped[VK_MAX_MEMORY_TYPES][HOST_MAX_BLOCKS];
    uint32_t block_count[VK_MAX_MEMORY_TYPES];
    VkDeviceSize used[VK_MAX_MEMORY_TYPES]; /* bytes handed out of each type's last block */
    VkDeviceSize granularity;
} Host;

/* The instance (validation required: exits when the layer is not installed), device, queue and pool. */
void host_create(Host* host);
void host_destroy(Host* host);
/* A one-time command buffer in the recording state. */
VkCommandBuffer host_begin(Host* host);
/* Ends and submits `cmd`, signalling `semaphore` to `value` when value > 0 (ntex's contract), waits idle. */
void host_submit(Host* host, VkCommandBuffer cmd, VkSemaphore semaphore, uint64_t value);
/* A read-back recorded into the host's frame: mip 0 of one layer of an image into a host-visible buffer. */
typedef struct HostRead {
    VkBuffer buffer;
    const void* mapped;
    VkFormat format;
} HostRead;
/* Records into `cmd`, right after the commands that wrote the image (in SHADER_READ_ONLY_OPTIMAL), the copy
 * of mip 0 of layer `layer` (HOST_W x HOST_H texels of `format`: R8G8B8A8*, R8 or R16 UNORM) into a buffer:
 * a barrier whose first scope is `stages` (chained after the writer's final barrier to those stages), the
 * copy, the image back in its layout and the buffer made visible to the host (TRANSFER to HOST). */
HostRead host_record_read(Host* host, VkCommandBuffer cmd, VkImage image, uint32_t layer, VkFormat format, VkPipelineStageFlags stages);
/* After the submit executed: checks that the read holds exactly what ntexReadMap returns for `generator`'s
 * map `map_index`, then frees the read's buffer. */
void host_expect_read(Host* host, HostRead* read, NtexGenerator generator, uint32_t map_index);
/* The host's own RGBA8 sRGB array image (a bindless texture array): HOST_W x HOST_H, one level, `layers`
 * layers, device-local, SAMPLED | TRANSFER_DST | TRANSFER_SRC, contents undefined; its memory is the host's
 * until host_destroy. */
VkImage host_create_array_image(Host* host, uint32_t layers);
/* Prints the validation counts and exits unless both are 0. */
void host_expect_silent_validation(const Host* host, const char* who);

#ifdef __cplusplus
}
#endif

#endif
