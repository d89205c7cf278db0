/* SPDX-License-Identifier: MIT */
/* A minimal Vulkan host embedding ntex, in C99, built against the installed package (the listing
 * docs/embedding.md walks through). It creates its own instance and device (lavapipe without a GPU),
 * hands them to ntex, generates a material asynchronously, lets ntex record the upload into its
 * command buffer, submits it signalling ntex's timeline semaphore, then reads every map's image back
 * and checks it holds exactly the texels ntexReadMap returns.
 * Usage: ntex_consumer_vulkan <model.json>. Prints "ntex_consumer_vulkan: ok ..." and exits 0. */
#include <ntex/ntex_vulkan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 64u
#define H 64u

#define CHECK(cond)                                                                                       \
    do {                                                                                                  \
        if (!(cond)) {                                                                                    \
            fprintf(stderr, "ntex_consumer_vulkan: %s:%d: check failed: %s (ntex: %s)\n", __FILE__, __LINE__, \
                    #cond, ntexGetLastErrorMessage());                                                    \
            exit(1);                                                                                      \
        }                                                                                                 \
    } while (0)

static VkInstance instance;
static VkPhysicalDevice physical;
static VkDevice device;
static VkQueue queue;
static uint32_t family;
static VkCommandPool pool;

static void create_vulkan(void) {
    VkApplicationInfo app;
    VkInstanceCreateInfo ici;
    uint32_t n = 1, i, count = 0;
    VkQueueFamilyProperties families[16];
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qci;
    VkPhysicalDeviceVulkan12Features f12;
    VkDeviceCreateInfo dci;
    VkCommandPoolCreateInfo pci;

    memset(&app, 0, sizeof app);
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.apiVersion = VK_API_VERSION_1_2;
    memset(&ici, 0, sizeof ici);
    ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ici.pApplicationInfo = &app;
    CHECK(vkCreateInstance(&ici, NULL, &instance) == VK_SUCCESS);
    CHECK(vkEnumeratePhysicalDevices(instance, &n, &physical) >= 0 && n == 1);

    vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, NULL);
    if (count > 16) count = 16;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families);
    family = count;
    for (i = 0; i < count; ++i) {
        if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) {
            family = i;
            break;
        }
    }
    CHECK(family < count);
    memset(&qci, 0, sizeof qci);
    qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    qci.queueFamilyIndex = family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    memset(&f12, 0, sizeof f12);
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    f12.timelineSemaphore = VK_TRUE;   /* ntex needs timeline semaphores */
    memset(&dci, 0, sizeof dci);
    dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    dci.pNext = &f12;
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    CHECK(vkCreateDevice(physical, &dci, NULL, &device) == VK_SUCCESS);
    vkGetDeviceQueue(device, family, 0, &queue);
    memset(&pci, 0, sizeof pci);
    pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pci.queueFamilyIndex = family;
    CHECK(vkCreateCommandPool(device, &pci, NULL, &pool) == VK_SUCCESS);
}

static VkCommandBuffer begin(void) {
    VkCommandBufferAllocateInfo ai;
    VkCommandBufferBeginInfo bi;
    VkCommandBuffer cmd;
    memset(&ai, 0, sizeof ai);
    ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ai.commandPool = pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    CHECK(vkAllocateCommandBuffers(device, &ai, &cmd) == VK_SUCCESS);
    memset(&bi, 0, sizeof bi);
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    CHECK(vkBeginCommandBuffer(cmd, &bi) == VK_SUCCESS);
    return cmd;
}

/* Ends, submits (signalling `semaphore` to `value` when value > 0: ntex's contract), waits. */
static void submit(VkCommandBuffer cmd, VkSemaphore semaphore, uint64_t value) {
    VkTimelineSemaphoreSubmitInfo ts;
    VkSubmitInfo si;
    CHECK(vkEndCommandBuffer(cmd) == VK_SUCCESS);
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
    CHECK(vkQueueSubmit(queue, 1, &si, VK_NULL_HANDLE) == VK_SUCCESS);
    CHECK(vkQueueWaitIdle(queue) == VK_SUCCESS);
    vkFreeCommandBuffers(device, pool, 1, &cmd);
}

/* The first memory type allowed by `bits` with every flag of `flags` (checked to exist). */
static uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags flags) {
    VkPhysicalDeviceMemoryProperties mp;
    uint32_t i;
    vkGetPhysicalDeviceMemoryProperties(physical, &mp);
    for (i = 0; i < mp.memoryTypeCount; ++i) {
        if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & flags) == flags) return i;
    }
    CHECK(!"no memory type with the flags");
    return 0;
}

/* Copies mip 0 of array layer `layer` of a sampled image into host memory (tightly packed). */
static void read_back(VkImage image, uint32_t layer, uint32_t texel_bytes, unsigned char* out) {
    VkBufferCreateInfo bci;
    VkBuffer buffer;
    VkMemoryRequirements req;
    VkMemoryAllocateInfo mai;
    VkDeviceMemory memory;
    VkImageMemoryBarrier b;
    VkBufferImageCopy copy;
    VkCommandBuffer cmd;
    void* mapped;
    const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

    memset(&bci, 0, sizeof bci);
    bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bci.size = (VkDeviceSize)W * H * texel_bytes;
    bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    CHECK(vkCreateBuffer(device, &bci, NULL, &buffer) == VK_SUCCESS);
    vkGetBufferMemoryRequirements(device, buffer, &req);
    memset(&mai, 0, sizeof mai);
    mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    mai.allocationSize = req.size;
    mai.memoryTypeIndex = memory_type(req.memoryTypeBits, host);
    CHECK(vkAllocateMemory(device, &mai, NULL, &memory) == VK_SUCCESS);
    CHECK(vkBindBufferMemory(device, buffer, memory, 0) == VK_SUCCESS);

    cmd = begin();
    memset(&b, 0, sizeof b);
    b.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
    b.srcAccessMask = VK_ACCESS_SHADER_READ_BIT;
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
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &b);
    memset(&copy, 0, sizeof copy);
    copy.imageSubresource.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    copy.imageSubresource.baseArrayLayer = layer;
    copy.imageSubresource.layerCount = 1;
    copy.imageExtent.width = W;
    copy.imageExtent.height = H;
    copy.imageExtent.depth = 1;
    vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1, &copy);
    b.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, NULL, 0, NULL, 1, &b);
    submit(cmd, VK_NULL_HANDLE, 0);   /* vkQueueWaitIdle makes the transfer visible to the host */

    CHECK(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &mapped) == VK_SUCCESS);
    memcpy(out, mapped, (size_t)W * H * texel_bytes);
    vkUnmapMemory(device, memory);
    vkDestroyBuffer(device, buffer, NULL);
    vkFreeMemory(device, memory, NULL);
}

/* The host's own RGBA8 sRGB array image (as a bindless texture array would be): W x H, one level,
 * `layers` layers, device-local. */
static VkImage create_array_image(uint32_t layers, VkDeviceMemory* memory) {
    VkImageCreateInfo ici;
    VkImage image;
    VkMemoryRequirements req;
    VkMemoryAllocateInfo mai;
    memset(&ici, 0, sizeof ici);
    ici.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
    ici.imageType = VK_IMAGE_TYPE_2D;
    ici.format = VK_FORMAT_R8G8B8A8_SRGB;
    ici.extent.width = W;
    ici.extent.height = H;
    ici.extent.depth = 1;
    ici.mipLevels = 1;
    ici.arrayLayers = layers;
    ici.samples = VK_SAMPLE_COUNT_1_BIT;
    ici.tiling = VK_IMAGE_TILING_OPTIMAL;
    ici.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    CHECK(vkCreateImage(device, &ici, NULL, &image) == VK_SUCCESS);
    vkGetImageMemoryRequirements(device, image, &req);
    memset(&mai, 0, sizeof mai);
    mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    mai.allocationSize = req.size;
    mai.memoryTypeIndex = memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    CHECK(vkAllocateMemory(device, &mai, NULL, memory) == VK_SUCCESS);
    CHECK(vkBindImageMemory(device, image, *memory, 0) == VK_SUCCESS);
    return image;
}

int main(int argc, char** argv) {
    NtexVulkanDeviceInfo vk;
    NtexContextCreateInfo ci;
    NtexModelLoadInfo li;
    NtexGeneratorCreateInfo gi;
    NtexGeneratorParams params;
    NtexTextureSetCreateInfo si;
    NtexTextureSetImages images;
    NtexContext context = NULL;
    NtexModel model = NULL;
    NtexGenerator generator = NULL;
    NtexTextureSet set = NULL;
    uint64_t id = 0, signal = 0;
    VkCommandBuffer cmd;
    uint32_t m;
    static unsigned char got[W * H * 4], want[W * H * 4];

    if (argc != 2) {
        fprintf(stderr, "usage: ntex_consumer_vulkan <model.json>\n");
        return 2;
    }
    create_vulkan();

    /* 1. The context on the host's device. */
    memset(&vk, 0, sizeof vk);
    vk.sType = NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO;
    vk.instance = instance;
    vk.physicalDevice = physical;
    vk.device = device;
    vk.queueFamilyIndex = family;
    vk.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    memset(&ci, 0, sizeof ci);
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.pNext = &vk;
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.backend = NTEX_BACKEND_AUTO;
    ci.threadCount = 2;
    CHECK(ntexCreateContext(&ci, &context) == NTEX_SUCCESS);

    /* 2. Model and generator. */
    memset(&li, 0, sizeof li);
    li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    li.pPath = argv[1];
    CHECK(ntexLoadModel(context, &li, &model) == NTEX_SUCCESS);
    memset(&gi, 0, sizeof gi);
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = model;
    gi.width = W;
    gi.height = H;
    gi.tilingMode = NTEX_TILING_MODE_TILEABLE;
    CHECK(ntexCreateGenerator(context, &gi, &generator) == NTEX_SUCCESS);
    memset(&params, 0, sizeof params);
    params.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    params.seed = 42;
    params.truncationPsi = 0.8f;
    CHECK(ntexSetGeneratorParams(generator, &params) == NTEX_SUCCESS);
    CHECK(ntexGenerateAsync(generator) == NTEX_SUCCESS);   /* returns at once */

    /* 3. The texture set: images ntex fills, the host samples. */
    memset(&si, 0, sizeof si);
    si.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO;
    si.generator = generator;
    si.ringSize = 2;
    CHECK(ntexCreateTextureSet(context, &si, &set) == NTEX_SUCCESS);

    /* 4. A frame: a real host would record its passes too and never wait; here the result is
     * waited for once so the check below is deterministic. */
    CHECK(ntexWaitIdle(generator) == NTEX_SUCCESS);
    CHECK(ntexGetResultId(generator, &id) == NTEX_SUCCESS && id > 0);
    memset(&images, 0, sizeof images);
    images.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
    CHECK(ntexGetTextureSetImages(set, &images) == NTEX_SUCCESS);
    cmd = begin();
    CHECK(ntexCmdUpdateTextureSet(set, cmd, &signal) == NTEX_SUCCESS && signal > 0);
    submit(cmd, images.semaphore, signal);   /* the host signals ntex's semaphore with this submit */
    CHECK(ntexGetTextureSetImages(set, &images) == NTEX_SUCCESS);
    CHECK(images.resultId == id && images.layout == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);

    /* 5. Check: every image holds what ntexReadMap returns for its map. */
    for (m = 0; m < images.mapCount; ++m) {
        NtexHostImage hi;
        const uint32_t bytes = images.formats[m] == VK_FORMAT_R8_UNORM ? 1u : images.formats[m] == VK_FORMAT_R16_UNORM ? 2u : 4u;
        memset(&hi, 0, sizeof hi);
        hi.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        hi.format = bytes == 1 ? NTEX_HOST_FORMAT_R8_UNORM : bytes == 2 ? NTEX_HOST_FORMAT_R16_UNORM : NTEX_HOST_FORMAT_R8G8B8A8;
        hi.pData = want;
        hi.rowPitch = W * bytes;
        hi.size = (size_t)W * H * bytes;
        CHECK(ntexReadMap(generator, images.mapIndices[m], &hi) == NTEX_SUCCESS);
        read_back(images.images[m], 0, bytes, got);
        CHECK(memcmp(got, want, hi.size) == 0);
    }
    printf("ntex_consumer_vulkan: ok: %u map(s) of %ux%u, %u mip levels, result %llu, on the host's device\n", images.mapCount,
           images.width, images.height, images.mipLevels, (unsigned long long)images.resultId);

    /* 6. Host-owned targets: the albedo (map 0) written into layers 1 and 2 (ring slots 0 and 1) of the
     * host's own array image, as into a bindless texture array; ntex creates no image for it. */
    {
        NtexTextureSetTarget targets[2];
        NtexTextureSetTargetsInfo ti;
        NtexTextureSet owned = NULL;
        VkDeviceMemory memory;
        const VkImage array = create_array_image(3, &memory);
        uint32_t slot;
        NtexHostImage hi;
        for (slot = 0; slot < 2; ++slot) {
            memset(&targets[slot], 0, sizeof targets[slot]);
            targets[slot].image = array;
            targets[slot].format = VK_FORMAT_R8G8B8A8_SRGB;
            targets[slot].usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
            targets[slot].extent.width = W;
            targets[slot].extent.height = H;
            targets[slot].imageMipLevels = 1;
            targets[slot].imageArrayLayers = 3;
            targets[slot].arrayLayer = 1 + slot;
        }
        memset(&ti, 0, sizeof ti);
        ti.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_TARGETS_INFO;
        ti.targetCount = 2;
        ti.pTargets = targets;
        si.pNext = &ti;
        si.mapMask = 1u;
        CHECK(ntexCreateTextureSet(context, &si, &owned) == NTEX_SUCCESS);
        CHECK(ntexGetTextureSetImages(owned, &images) == NTEX_SUCCESS);
        cmd = begin();
        CHECK(ntexCmdUpdateTextureSet(owned, cmd, &signal) == NTEX_SUCCESS && signal > 0);
        submit(cmd, images.semaphore, signal);
        CHECK(ntexGetTextureSetImages(owned, &images) == NTEX_SUCCESS);
        CHECK(images.images[0] == array && images.mipLevels == 1 && images.layout == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
        memset(&hi, 0, sizeof hi);
        hi.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        hi.format = NTEX_HOST_FORMAT_R8G8B8A8;
        hi.pData = want;
        hi.rowPitch = W * 4;
        hi.size = (size_t)W * H * 4;
        CHECK(ntexReadMap(generator, 0, &hi) == NTEX_SUCCESS);
        read_back(array, 1 + images.slot, 4, got);
        CHECK(memcmp(got, want, hi.size) == 0);
        printf("ntex_consumer_vulkan: ok: map 0 in layer %u of the host's own 3-layer array image\n", 1 + images.slot);
        ntexDestroyTextureSet(owned);
        vkDestroyImage(device, array, NULL);
        vkFreeMemory(device, memory, NULL);
    }

    /* 7. Deferred final barriers: the albedo set leaves its last barriers to the host, which records them
     * with a barrier of its own batch, as one synchronization1 vkCmdPipelineBarrier (union of the masks). */
    {
        NtexTextureSetSyncInfo sync;
        NtexTextureSet deferred = NULL;
        VkImageMemoryBarrier2 b[4 * NTEX_MAX_MAPS];
        VkImageMemoryBarrier legacy[4 * NTEX_MAX_MAPS];
        VkPipelineStageFlags src = 0, dst = 0;
        uint32_t n = 4 * NTEX_MAX_MAPS, k;
        NtexHostImage hi;
        memset(&sync, 0, sizeof sync);
        sync.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO;
        sync.deferFinalBarriers = VK_TRUE;
        si.pNext = &sync;
        si.mapMask = 1u;
        CHECK(ntexCreateTextureSet(context, &si, &deferred) == NTEX_SUCCESS);
        CHECK(ntexGetTextureSetImages(deferred, &images) == NTEX_SUCCESS);
        cmd = begin();
        CHECK(ntexCmdUpdateTextureSet(deferred, cmd, &signal) == NTEX_SUCCESS && signal > 0);
        CHECK(ntexGetTextureSetFinalBarriers(deferred, &n, b) == NTEX_SUCCESS && n > 0);
        for (k = 0; k < n; ++k) {
            src |= (VkPipelineStageFlags)b[k].srcStageMask;
            dst |= (VkPipelineStageFlags)b[k].dstStageMask;
            memset(&legacy[k], 0, sizeof legacy[k]);
            legacy[k].sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
            legacy[k].srcAccessMask = (VkAccessFlags)b[k].srcAccessMask;
            legacy[k].dstAccessMask = (VkAccessFlags)b[k].dstAccessMask;
            legacy[k].oldLayout = b[k].oldLayout;
            legacy[k].newLayout = b[k].newLayout;
            legacy[k].srcQueueFamilyIndex = b[k].srcQueueFamilyIndex;
            legacy[k].dstQueueFamilyIndex = b[k].dstQueueFamilyIndex;
            legacy[k].image = b[k].image;
            legacy[k].subresourceRange = b[k].subresourceRange;
        }
        vkCmdPipelineBarrier(cmd, src, dst, 0, 0, NULL, 0, NULL, n, legacy);
        submit(cmd, images.semaphore, signal);
        CHECK(ntexGetTextureSetImages(deferred, &images) == NTEX_SUCCESS);
        memset(&hi, 0, sizeof hi);
        hi.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        hi.format = NTEX_HOST_FORMAT_R8G8B8A8;
        hi.pData = want;
        hi.rowPitch = W * 4;
        hi.size = (size_t)W * H * 4;
        CHECK(ntexReadMap(generator, 0, &hi) == NTEX_SUCCESS);
        read_back(images.images[0], 0, 4, got);
        CHECK(memcmp(got, want, hi.size) == 0);
        printf("ntex_consumer_vulkan: ok: %u deferred final barrier(s) recorded by the host\n", n);
        ntexDestroyTextureSet(deferred);
    }

    /* 8. Teardown: the GPU is idle (vkQueueWaitIdle above). */
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    vkDestroyCommandPool(device, pool, NULL);
    vkDestroyDevice(device, NULL);
    vkDestroyInstance(instance, NULL);
    return 0;
}
