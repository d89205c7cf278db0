/* SPDX-License-Identifier: MIT */
/* consumer_vulkan_host.c: see consumer_vulkan_host.h. */
#include "consumer_vulkan_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void host_check(int ok, const char* what, const char* file, int line) {
    if (ok) return;
    fprintf(stderr, "consumer: %s:%d: check failed: %s (ntex: %s)\n", file, line, what, ntexGetLastErrorMessage());
    exit(1);
}

/* The host's own choice, not ntex's: best practices notes that VK_EXT_debug_utils is a debugging extension. */
static const char* const kHostsOwnMessage = "UNASSIGNED-BestPractices-vkCreateInstance-specialuse-extension-debugging";

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
                                                 const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    Host* host = (Host*)user;
    (void)types;
    if (data != NULL && data->pMessageIdName != NULL && strcmp(data->pMessageIdName, kHostsOwnMessage) == 0) return VK_FALSE;
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        host->errors++;
    } else if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        host->warnings++;
    } else {
        return VK_FALSE;
    }
    fprintf(stderr, "validation: %s\n", data != NULL && data->pMessage != NULL ? data->pMessage : "");
    return VK_FALSE;
}

/* VkAllocationCallbacks: malloc with a header that keeps the size (for realloc) and counts. */
typedef struct Header {
    size_t size;
    size_t pad; /* keeps the payload 16-aligned */
} Header;

static void* VKAPI_CALL host_alloc(void* user, size_t size, size_t alignment, VkSystemAllocationScope scope) {
    Host* host = (Host*)user;
    Header* h;
    (void)scope;
    if (alignment > sizeof(Header)) return NULL; /* Vulkan asks for at most 16 in practice; refuse more */
    h = (Header*)malloc(sizeof(Header) + size);
    if (h == NULL) return NULL;
    h->size = size;
    host->live_host_allocations++;
    host->host_allocations++;
    return h + 1;
}

static void VKAPI_CALL host_free(void* user, void* memory) {
    Host* host = (Host*)user;
    if (memory == NULL) return;
    host->live_host_allocations--;
    free((Header*)memory - 1);
}

static void* VKAPI_CALL host_realloc(void* user, void* original, size_t size, size_t alignment, VkSystemAllocationScope scope) {
    void* p;
    if (original == NULL) return host_alloc(user, size, alignment, scope);
    if (size == 0) {
        host_free(user, original);
        return NULL;
    }
    p = host_alloc(user, size, alignment, scope);
    if (p == NULL) return NULL;
    memcpy(p, original, ((Header*)original - 1)->size < size ? ((Header*)original - 1)->size : size);
    host_free(user, original);
    return p;
}

static uint32_t memory_type(const Host* host, uint32_t bits, VkMemoryPropertyFlags flags) {
    VkPhysicalDeviceMemoryProperties mp;
    uint32_t i;
    vkGetPhysicalDeviceMemoryProperties(host->physical, &mp);
    for (i = 0; i < mp.memoryTypeCount; ++i) {
        if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & flags) == flags) return i;
    }
    HOST_CHECK(!"no memory type with the flags");
    return 0;
}

#define BLOCK_SIZE ((VkDeviceSize)8 << 20)

/* A range of `size` bytes at a multiple of `alignment` (and of bufferImageGranularity, as images and buffers
 * share blocks) in a block of a memory type allowed by `type_bits` with `flags`; a new block (at least
 * BLOCK_SIZE) when the last one is full. *mapped: its host pointer when the type is host visible. */
static VkResult host_memory(Host* host, VkDeviceSize size, VkDeviceSize alignment, uint32_t type_bits, VkMemoryPropertyFlags flags,
                            VkDeviceMemory* memory, VkDeviceSize* offset, void** mapped) {
    const uint32_t type = memory_type(host, type_bits, flags);
    uint32_t n = host->block_count[type];
    VkDeviceSize start;
    if (alignment < host->granularity) alignment = host->granularity;
    if (alignment == 0) alignment = 1;
    size = (size + host->granularity - 1) / host->granularity * host->granularity; /* the next range starts past a whole page */
    start = (host->used[type] + alignment - 1) / alignment * alignment;
    if (n == 0 || start + size > host->block_size[type][n - 1]) {
        VkPhysicalDeviceMemoryProperties mp;
        VkMemoryAllocateInfo mai;
        VkResult r;
        if (n == HOST_MAX_BLOCKS) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
        memset(&mai, 0, sizeof mai);
        mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
        mai.allocationSize = size > BLOCK_SIZE ? size : BLOCK_SIZE;
        mai.memoryTypeIndex = type;
        r = vkAllocateMemory(host->device, &mai, NULL, &host->blocks[type][n]);
        if (r != VK_SUCCESS) return r;
        host->block_size[type][n] = mai.allocationSize;
        host->mapped[type][n] = NULL;
        vkGetPhysicalDeviceMemoryProperties(host->physical, &mp);
        if (mp.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
            r = vkMapMemory(host->device, host->blocks[type][n], 0, VK_WHOLE_SIZE, 0, &host->mapped[type][n]);
            if (r != VK_SUCCESS) return r;
        }
        host->block_count[type] = ++n;
        start = 0;
    }
    host->used[type] = start + size;
    *memory = host->blocks[type][n - 1];
    *offset = start;
    *mapped = host->mapped[type][n - 1] != NULL ? (unsigned char*)host->mapped[type][n - 1] + start : NULL;
    return VK_SUCCESS;
}

/* NtexDeviceMemoryCallbacks: ranges of the host's blocks, mapped by the host where ntex asks. */
static VkResult device_alloc(void* user, VkDeviceSize size, VkDeviceSize alignment, uint32_t type_bits, VkMemoryPropertyFlags flags,
                             VkBool32 mapped, NtexDeviceMemoryAllocation* out) {
    Host* host = (Host*)user;
    void* pointer = NULL;
    const VkResult r = host_memory(host, size, alignment, type_bits, flags, &out->memory, &out->offset, &pointer);
    if (r != VK_SUCCESS) return r;
    if (mapped && pointer == NULL) return VK_ERROR_MEMORY_MAP_FAILED;
    out->pMapped = mapped ? pointer : NULL;
    out->pHostData = host;
    host->device_blocks_allocated++;
    return VK_SUCCESS;
}

static void device_free(void* user, const NtexDeviceMemoryAllocation* allocation) {
    Host* host = (Host*)user;
    HOST_CHECK(allocation->pHostData == host);
    host->device_blocks_freed++; /* a bump allocator: the range goes with its block at host_destroy */
}

void host_create(Host* host) {
    VkApplicationInfo app;
    VkInstanceCreateInfo ici;
    VkValidationFeatureEnableEXT enables[2] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT,
                                              VK_VALIDATION_FEATURE_ENABLE_BEST_PRACTICES_EXT};
    VkValidationFeaturesEXT features;
    VkDebugUtilsMessengerCreateInfoEXT mci;
    const char* layer = "VK_LAYER_KHRONOS_validation";
    const char* extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    VkLayerProperties layers[64];
    uint32_t n = 64, i, count = 0;
    int have_validation = 0;
    VkQueueFamilyProperties families[16];
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qci;
    VkPhysicalDeviceVulkan12Features f12;
    VkDeviceCreateInfo dci;
    VkCommandPoolCreateInfo pci;
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger;

    memset(host, 0, sizeof *host);
    host->allocator.pUserData = host;
    host->allocator.pfnAllocation = host_alloc;
    host->allocator.pfnReallocation = host_realloc;
    host->allocator.pfnFree = host_free;
    host->device_memory.sType = NTEX_STRUCTURE_TYPE_DEVICE_MEMORY_CALLBACKS;
    host->device_memory.pfnAllocate = device_alloc;
    host->device_memory.pfnFree = device_free;
    host->device_memory.pUserData = host;

    HOST_CHECK(vkEnumerateInstanceLayerProperties(&n, layers) >= 0);
    for (i = 0; i < n; ++i) have_validation |= strcmp(layers[i].layerName, layer) == 0;
    HOST_CHECK(have_validation && "VK_LAYER_KHRONOS_validation is installed (vulkan-validationlayers)");
    memset(&app, 0, sizeof app);
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.apiVersion = VK_API_VERSION_1_2;
    memset(&features, 0, sizeof features);
    features.sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT;
    features.enabledValidationFeatureCount = 2;
    features.pEnabledValidationFeatures = enables;
    memset(&mci, 0, sizeof mci);
    mci.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
    mci.pNext = &features;
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    mci.pfnUserCallback = on_message;
    mci.pUserData = host;
    memset(&ici, 0, sizeof ici);
    ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ici.pNext = &mci; /* messages of vkCreateInstance itself */
    ici.pApplicationInfo = &app;
    ici.enabledLayerCount = 1;
    ici.ppEnabledLayerNames = &layer;
    ici.enabledExtensionCount = 1;
    ici.ppEnabledExtensionNames = &extension;
    HOST_CHECK(vkCreateInstance(&ici, NULL, &host->instance) == VK_SUCCESS);
    create_messenger = (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(host->instance, "vkCreateDebugUtilsMessengerEXT");
    HOST_CHECK(create_messenger != NULL);
    mci.pNext = NULL;
    HOST_CHECK(create_messenger(host->instance, &mci, NULL, &host->messenger) == VK_SUCCESS);
    n = 1;
    HOST_CHECK(vkEnumeratePhysicalDevices(host->instance, &n, &host->physical) >= 0 && n == 1);
    {
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(host->physical, &props);
        host->granularity = props.limits.bufferImageGranularity > 0 ? props.limits.bufferImageGranularity : 1;
    }

    vkGetPhysicalDeviceQueueFamilyProperties(host->physical, &count, NULL);
    if (count > 16) count = 16;
    vkGetPhysicalDeviceQueueFamilyProperties(host->physical, &count, families);
    host->family = count;
    for (i = 0; i < count; ++i) {
        if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) {
            host->family = i;
            break;
        }
    }
    HOST_CHECK(host->family < count);
    memset(&qci, 0, sizeof qci);
    qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    qci.queueFamilyIndex = host->family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    memset(&f12, 0, sizeof f12);
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    f12.timelineSemaphore = VK_TRUE; /* ntex needs timeline semaphores */
    memset(&dci, 0, sizeof dci);
    dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    dci.pNext = &f12;
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    HOST_CHECK(vkCreateDevice(host->physical, &dci, NULL, &host->device) == VK_SUCCESS);
    vkGetDeviceQueue(host->device, host->family, 0, &host->queue);
    memset(&pci, 0, sizeof pci);
    pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pci.queueFamilyIndex = host->family;
    HOST_CHECK(vkCreateCommandPool(host->device, &pci, NULL, &host->pool) == VK_SUCCESS);
}

void host_destroy(Host* host) {
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(host->instance, "vkDestroyDebugUtilsMessengerEXT");
    uint32_t t;
    vkDestroyCommandPool(host->device, host->pool, NULL);
    for (t = 0; t < VK_MAX_MEMORY_TYPES; ++t) {
        uint32_t b;
        for (b = 0; b < host->block_count[t]; ++b) vkFreeMemory(host->device, host->blocks[t][b], NULL);
    }
    vkDestroyDevice(host->device, NULL);
    if (destroy_messenger != NULL) destroy_messenger(host->instance, host->messenger, NULL);
    vkDestroyInstance(host->instance, NULL);
}

VkCommandBuffer host_begin(Host* host) {
    VkCommandBufferAllocateInfo ai;
    VkCommandBufferBeginInfo bi;
    VkCommandBuffer cmd;
    memset(&ai, 0, sizeof ai);
    ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ai.commandPool = host->pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    HOST_CHECK(vkAllocateCommandBuffers(host->device, &ai, &cmd) == VK_SUCCESS);
    memset(&bi, 0, sizeof bi);
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    HOST_CHECK(vkBeginCommandBuffer(cmd, &bi) == VK_SUCCESS);
    return cmd;
}

void host_submit(Host* host, VkCommandBuffer cmd, VkSemaphore semaphore, uint64_t value) {
    VkTimelineSemaphoreSubmitInfo ts;
    VkSubmitInfo si;
    HOST_CHECK(vkEndCommandBuffer(cmd) == VK_SUCCESS);
    memset(&ts, 0, sizeof ts);
    ts.sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO;
    ts.signalSemaphoreValueCount = 1;
    ts.pSignalSemaphoreValues = &value;
    memset(&si, 0, sizeof si);
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    if (value > 0) {
        si.pNext = &ts;
        si.signalSemaphoreCount = 1;
        si.pSignalSemaphores = &semaphore;
    }
    HOST_CHECK(vkQueueSubmit(host->queue, 1, &si, VK_NULL_HANDLE) == VK_SUCCESS);
    HOST_CHECK(vkQueueWaitIdle(host->queue) == VK_SUCCESS);
    vkFreeCommandBuffers(host->device, host->pool, 1, &cmd);
}

static uint32_t texel_bytes(VkFormat format) { return format == VK_FORMAT_R8_UNORM ? 1u : format == VK_FORMAT_R16_UNORM ? 2u : 4u; }

HostRead host_record_read(Host* host, VkCommandBuffer cmd, VkImage image, uint32_t layer, VkFormat format, VkPipelineStageFlags stages) {
    HostRead read;
    VkBufferCreateInfo bci;
    VkMemoryRequirements req;
    VkDeviceMemory memory;
    VkDeviceSize offset;
    VkImageMemoryBarrier b;
    VkBufferMemoryBarrier hb;
    VkBufferImageCopy copy;
    void* mapped = NULL;

    memset(&read, 0, sizeof read);
    read.format = format;
    memset(&bci, 0, sizeof bci);
    bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bci.size = (VkDeviceSize)HOST_W * HOST_H * texel_bytes(format);
    bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    HOST_CHECK(vkCreateBuffer(host->device, &bci, NULL, &read.buffer) == VK_SUCCESS);
    vkGetBufferMemoryRequirements(host->device, read.buffer, &req);
    HOST_CHECK(host_memory(host, req.size, req.alignment, req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                           &memory, &offset, &mapped) == VK_SUCCESS);
    HOST_CHECK(vkBindBufferMemory(host->device, read.buffer, memory, offset) == VK_SUCCESS);
    read.mapped = mapped;

    memset(&b, 0, sizeof b);
    b.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
    b.srcAccessMask = 0; /* chained after the writer's barrier to `stages`: an execution dependency */
    b.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    b.subresourceRange.levelCount = 1;
    b.subresourceRange.baseArrayLayer = layer;
    b.subresourceRange.layerCount = 1;
    vkCmdPipelineBarrier(cmd, stages, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &b);
    memset(&copy, 0, sizeof copy);
    copy.imageSubresource.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    copy.imageSubresource.baseArrayLayer = layer;
    copy.imageSubresource.layerCount = 1;
    copy.imageExtent.width = HOST_W;
    copy.imageExtent.height = HOST_H;
    copy.imageExtent.depth = 1;
    vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, read.buffer, 1, &copy);
    b.srcAccessMask = 0;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, stages, 0, 0, NULL, 0, NULL, 1, &b);
    memset(&hb, 0, sizeof hb);
    hb.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
    hb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    hb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    hb.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    hb.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    hb.buffer = read.buffer;
    hb.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1, &hb, 0, NULL);
    return read;
}

void host_expect_read(Host* host, HostRead* read, NtexGenerator generator, uint32_t map_index) {
    static unsigned char want[HOST_W * HOST_H * 4];
    NtexHostImage hi;
    const uint32_t bytes = texel_bytes(read->format);
    memset(&hi, 0, sizeof hi);
    hi.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    hi.format = bytes == 1 ? NTEX_HOST_FORMAT_R8_UNORM : bytes == 2 ? NTEX_HOST_FORMAT_R16_UNORM : NTEX_HOST_FORMAT_R8G8B8A8;
    hi.pData = want;
    hi.rowPitch = HOST_W * bytes;
    hi.size = (size_t)HOST_W * HOST_H * bytes;
    HOST_CHECK(ntexReadMap(generator, map_index, &hi) == NTEX_SUCCESS);
    HOST_CHECK(memcmp(read->mapped, want, hi.size) == 0);
    vkDestroyBuffer(host->device, read->buffer, NULL);
    read->buffer = VK_NULL_HANDLE;
}

VkImage host_create_array_image(Host* host, uint32_t layers) {
    VkImageCreateInfo ici;
    VkImage image;
    VkMemoryRequirements req;
    VkDeviceMemory memory;
    VkDeviceSize offset;
    void* mapped;
    memset(&ici, 0, sizeof ici);
    ici.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
    ici.imageType = VK_IMAGE_TYPE_2D;
    ici.format = VK_FORMAT_R8G8B8A8_SRGB;
    ici.extent.width = HOST_W;
    ici.extent.height = HOST_H;
    ici.extent.depth = 1;
    ici.mipLevels = 1;
    ici.arrayLayers = layers;
    ici.samples = VK_SAMPLE_COUNT_1_BIT;
    ici.tiling = VK_IMAGE_TILING_OPTIMAL;
    ici.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    HOST_CHECK(vkCreateImage(host->device, &ici, NULL, &image) == VK_SUCCESS);
    vkGetImageMemoryRequirements(host->device, image, &req);
    HOST_CHECK(host_memory(host, req.size, req.alignment, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &memory, &offset, &mapped) ==
               VK_SUCCESS);
    HOST_CHECK(vkBindImageMemory(host->device, image, memory, offset) == VK_SUCCESS);
    return image;
}

void host_expect_silent_validation(const Host* host, const char* who) {
    printf("%s: validation (synchronization, best practices): %d error(s), %d warning(s)\n", who, host->errors, host->warnings);
    HOST_CHECK(host->errors == 0 && host->warnings == 0);
}
