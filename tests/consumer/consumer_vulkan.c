/* SPDX-License-Identifier: MIT */
/* A minimal Vulkan host embedding ntex, in C99, built against the installed package (the listing
 * docs/embedding.md walks through). It creates its own instance and device (lavapipe without a GPU) with
 * the validation layer (synchronization validation and best practices), hands them to ntex with its own
 * host allocator (VkAllocationCallbacks), device-memory allocator (NtexDeviceMemoryCallbacks) and message
 * callback, generates a material asynchronously, lets ntex record the upload into its command buffer,
 * submits it signalling ntex's timeline semaphore, then reads every map's image back and checks it holds
 * exactly the texels ntexReadMap returns; then host-owned targets (layers of its own array image), deferred
 * final barriers, and the stall warning of a host that forgets to signal. It ends with every allocation
 * given back and no validation message.
 * Usage: ntex_consumer_vulkan <model.json>. Prints "ntex_consumer_vulkan: ok ..." and exits 0. */
#include "consumer_vulkan_host.h"

#include <stdio.h>
#include <string.h>

#define W HOST_W
#define H HOST_H
#define CHECK HOST_CHECK

static Host host;

/* The stage mask this host samples in: the height displaces vertices, every map is read by fragments. */
static const VkPipelineStageFlags kStages = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;

/* ntex's messages: warnings and errors printed; stall warnings (NTEX_NOT_READY) counted. */
static int stall_warnings;
static void on_ntex_message(NtexLogLevel severity, NtexResult result, const char* message, void* user) {
    (void)user;
    if (severity == NTEX_LOG_LEVEL_WARNING && result == NTEX_NOT_READY) stall_warnings++;
    fprintf(stderr, "ntex message (%d, %s): %s\n", (int)severity, ntexResultToString(result), message);
}

int main(int argc, char** argv) {
    NtexVulkanDeviceInfo vk;
    NtexMessengerCreateInfo messenger;
    NtexContextCreateInfo ci;
    NtexModelLoadInfo li;
    NtexGeneratorCreateInfo gi;
    NtexGeneratorParams params;
    NtexTextureSetCreateInfo si;
    NtexTextureSetSyncInfo stages;
    NtexTextureSetImages images;
    NtexContext context = NULL;
    NtexModel model = NULL;
    NtexGenerator generator = NULL;
    NtexTextureSet set = NULL;
    uint64_t id = 0, signal = 0;
    VkCommandBuffer cmd;
    uint32_t m;
    int blocks_before;
    HostRead reads[NTEX_MAX_MAPS];

    if (argc != 2) {
        fprintf(stderr, "usage: ntex_consumer_vulkan <model.json>\n");
        return 2;
    }
    host_create(&host);

    /* 1. The context on the host's device, with the host's allocators and a message callback:
     * NtexContextCreateInfo -> NtexMessengerCreateInfo -> NtexDeviceMemoryCallbacks -> NtexVulkanDeviceInfo. */
    memset(&vk, 0, sizeof vk);
    vk.sType = NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO;
    vk.instance = host.instance;
    vk.physicalDevice = host.physical;
    vk.device = host.device;
    vk.queueFamilyIndex = host.family;
    vk.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    vk.pAllocator = &host.allocator;
    host.device_memory.pNext = &vk;
    memset(&messenger, 0, sizeof messenger);
    messenger.sType = NTEX_STRUCTURE_TYPE_MESSENGER_CREATE_INFO;
    messenger.pNext = &host.device_memory;
    messenger.minSeverity = NTEX_LOG_LEVEL_WARNING;
    messenger.pfnCallback = on_ntex_message;
    memset(&ci, 0, sizeof ci);
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.pNext = &messenger;
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

    /* 3. The texture set: images ntex fills, the host samples in the vertex (height displacement) and
     * fragment stages, so ntex's barriers wait for and make the texels visible to those. Its memory comes
     * from the host's allocator in a few blocks, however many slots and maps. */
    memset(&stages, 0, sizeof stages);
    stages.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO;
    stages.consumerStageMask = kStages;
    memset(&si, 0, sizeof si);
    si.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO;
    si.pNext = &stages;
    si.generator = generator;
    si.ringSize = 2;
    blocks_before = host.device_blocks_allocated;
    CHECK(ntexCreateTextureSet(context, &si, &set) == NTEX_SUCCESS);

    /* 4. A frame: a real host would record its passes too and never wait; here the result is
     * waited for once so the check below is deterministic. In the same command buffer, after the update,
     * the host reads every map back in place of its sampling. */
    CHECK(ntexWaitIdle(generator) == NTEX_SUCCESS);
    CHECK(ntexGetResultId(generator, &id) == NTEX_SUCCESS && id > 0);
    memset(&images, 0, sizeof images);
    images.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
    cmd = host_begin(&host);
    CHECK(ntexCmdUpdateTextureSet(set, cmd, &signal) == NTEX_SUCCESS && signal > 0);
    CHECK(ntexGetTextureSetImages(set, &images) == NTEX_SUCCESS);
    for (m = 0; m < images.mapCount; ++m) reads[m] = host_record_read(&host, cmd, images.images[m], 0, images.formats[m], VK_PIPELINE_STAGE_VERTEX_SHADER_BIT);
    host_submit(&host, cmd, images.semaphore, signal);   /* the host signals ntex's semaphore with this submit */
    CHECK(ntexGetTextureSetImages(set, &images) == NTEX_SUCCESS);
    CHECK(images.resultId == id && images.layout == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    CHECK(host.device_blocks_allocated - blocks_before <= 2);

    /* 5. Check: every image holds what ntexReadMap returns for its map. */
    for (m = 0; m < images.mapCount; ++m) host_expect_read(&host, &reads[m], generator, images.mapIndices[m]);
    printf("ntex_consumer_vulkan: ok: %u map(s) of %ux%u, %u mip levels, result %llu, on the host's device, "
           "sampled in the vertex and fragment stages, in %d block(s) of the host's device memory\n",
           images.mapCount, images.width, images.height, images.mipLevels, (unsigned long long)images.resultId,
           host.device_blocks_allocated - blocks_before);

    /* 6. Host-owned targets: the albedo (map 0) written into layers 1 and 2 (ring slots 0 and 1) of the
     * host's own array image, as into a bindless texture array; ntex creates no image for it. */
    {
        NtexTextureSetTarget targets[2];
        NtexTextureSetTargetsInfo ti;
        NtexTextureSet owned = NULL;
        const VkImage array = host_create_array_image(&host, 3);
        uint32_t slot;
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
        cmd = host_begin(&host);
        CHECK(ntexCmdUpdateTextureSet(owned, cmd, &signal) == NTEX_SUCCESS && signal > 0);
        CHECK(ntexGetTextureSetImages(owned, &images) == NTEX_SUCCESS);
        CHECK(images.images[0] == array && images.mipLevels == 1);
        reads[0] = host_record_read(&host, cmd, array, 1 + images.slot, VK_FORMAT_R8G8B8A8_SRGB, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
        host_submit(&host, cmd, images.semaphore, signal);
        host_expect_read(&host, &reads[0], generator, 0);
        printf("ntex_consumer_vulkan: ok: map 0 in layer %u of the host's own 3-layer array image\n", 1 + images.slot);
        ntexDestroyTextureSet(owned);
        vkDestroyImage(host.device, array, NULL);
    }

    /* 7. Deferred final barriers: the albedo set leaves its last barriers to the host, which records them
     * with a barrier of its own batch, as one synchronization1 vkCmdPipelineBarrier (union of the masks).
     * The set asks for the vertex and fragment stages: every barrier handed over names both. */
    {
        NtexTextureSetSyncInfo sync;
        NtexTextureSet deferred = NULL;
        VkImageMemoryBarrier2 b[4 * NTEX_MAX_MAPS];
        VkImageMemoryBarrier legacy[4 * NTEX_MAX_MAPS];
        VkPipelineStageFlags src = 0, dst = 0;
        uint32_t n = 4 * NTEX_MAX_MAPS, k;
        memset(&sync, 0, sizeof sync);
        sync.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_SYNC_INFO;
        sync.deferFinalBarriers = VK_TRUE;
        sync.consumerStageMask = kStages;
        si.pNext = &sync;
        si.mapMask = 1u;
        CHECK(ntexCreateTextureSet(context, &si, &deferred) == NTEX_SUCCESS);
        CHECK(ntexGetTextureSetImages(deferred, &images) == NTEX_SUCCESS);
        cmd = host_begin(&host);
        CHECK(ntexCmdUpdateTextureSet(deferred, cmd, &signal) == NTEX_SUCCESS && signal > 0);
        CHECK(ntexGetTextureSetFinalBarriers(deferred, &n, b) == NTEX_SUCCESS && n > 0);
        for (k = 0; k < n; ++k) {
            CHECK((b[k].dstStageMask & kStages) == kStages);
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
        CHECK(ntexGetTextureSetImages(deferred, &images) == NTEX_SUCCESS);
        reads[0] = host_record_read(&host, cmd, images.images[0], 0, images.formats[0], VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
        host_submit(&host, cmd, images.semaphore, signal);
        host_expect_read(&host, &reads[0], generator, 0);
        printf("ntex_consumer_vulkan: ok: %u deferred final barrier(s) recorded by the host\n", n);
        ntexDestroyTextureSet(deferred);
    }

    /* 8. The stall warning: a host that submits updates without signalling the value they ask for. After
     * the ring's two slots every update finds its slot busy; the message callback says so once, 120
     * updates later, with NTEX_NOT_READY, and not again (250 updates: a repeat every 120 would show). */
    {
        NtexTextureSet forgotten = NULL;
        int frame, recorded = 0;
        si.pNext = NULL;
        si.mapMask = 1u;
        CHECK(ntexCreateTextureSet(context, &si, &forgotten) == NTEX_SUCCESS);
        for (frame = 0; frame < 250; ++frame) {
            NtexResult r;
            if (frame < 3) {
                params.seed = 100 + (uint32_t)frame;
                CHECK(ntexSetGeneratorParams(generator, &params) == NTEX_SUCCESS);
                CHECK(ntexGenerate(generator) == NTEX_SUCCESS);
            }
            cmd = host_begin(&host);
            r = ntexCmdUpdateTextureSet(forgotten, cmd, &signal);
            CHECK(r == NTEX_SUCCESS || r == NTEX_NOT_READY);
            recorded += r == NTEX_SUCCESS;
            host_submit(&host, cmd, VK_NULL_HANDLE, 0);   /* the mistake: no signal */
        }
        CHECK(recorded == 2 && stall_warnings == 1);
        printf("ntex_consumer_vulkan: ok: a set never signalled: %d update(s) recorded, then 1 stall warning\n", recorded);
        ntexDestroyTextureSet(forgotten);
    }

    /* 9. Teardown: the GPU is idle (vkQueueWaitIdle above). Every block and host allocation came back. */
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    printf("ntex_consumer_vulkan: ok: %d device-memory block(s) from the host's allocator, all freed; %ld host allocation(s) through "
           "its VkAllocationCallbacks, %ld live\n",
           host.device_blocks_allocated, host.host_allocations, host.live_host_allocations);
    CHECK(host.device_blocks_allocated > 0 && host.device_blocks_freed == host.device_blocks_allocated);
    CHECK(host.host_allocations > 0 && host.live_host_allocations == 0);
    host_destroy(&host);
    host_expect_silent_validation(&host, "ntex_consumer_vulkan");
    return 0;
}
