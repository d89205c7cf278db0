// SPDX-License-Identifier: MIT
// The C++20 external host: the same engine as consumer_vulkan.c (consumer_vulkan_host: validation with
// synchronization and best practices, counting allocators), embedding ntex through the RAII wrappers
// ntex.hpp and ntex_vulkan.hpp, built against the installed package. It exercises what issue 15 asks of
// an engine host: every slot of a set written into layers of the host's own bindless-style array image,
// the host's device-memory allocator (a few blocks per set, all given back), the stall message of a set
// never signalled, and a consumer stage mask with the vertex stage; it ends with no validation message.
// Usage: ntex_consumer_vulkan_cpp <model.json>. Prints "ntex_consumer_vulkan_cpp: ok ..." and exits 0.
#include "consumer_vulkan_host.h"

#include <ntex/ntex.hpp>
#include <ntex/ntex_vulkan.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

constexpr VkPipelineStageFlags kStages = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;

int stall_warnings = 0;

void on_message(NtexLogLevel severity, NtexResult result, const char* message, void*) {
    if (severity == NTEX_LOG_LEVEL_WARNING && result == NTEX_NOT_READY) ++stall_warnings;
    std::fprintf(stderr, "ntex message (%d, %s): %s\n", static_cast<int>(severity), ntexResultToString(result), message);
}

// Records the set's update into one command buffer, its deferred final barriers if it defers them (each
// one's second scope must hold `stages`), then (`reads`) a read-back of each map of the slot written (layer
// `layer` of it, its barrier's first scope `stages`), and submits it with the signal it asks for (none when
// `forget_signal`: the mistake the stall message reports). Returns whether an update was recorded.
bool frame(Host& host, ntex::TextureSet& set, std::vector<HostRead>* reads = nullptr, uint32_t layer = 0,
           VkPipelineStageFlags stages = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, bool forget_signal = false) {
    VkCommandBuffer cmd = host_begin(&host);
    const uint64_t value = set.cmd_update(cmd);
    const std::vector<VkImageMemoryBarrier2> finals = set.final_barriers();
    VkPipelineStageFlags src = 0, dst = 0;
    std::vector<VkImageMemoryBarrier> legacy;   // synchronization1: the host did not enable synchronization2
    for (const VkImageMemoryBarrier2& f : finals) {
        HOST_CHECK((f.dstStageMask & stages) == stages);
        src |= static_cast<VkPipelineStageFlags>(f.srcStageMask);
        dst |= static_cast<VkPipelineStageFlags>(f.dstStageMask);
        VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        b.srcAccessMask = static_cast<VkAccessFlags>(f.srcAccessMask);
        b.dstAccessMask = static_cast<VkAccessFlags>(f.dstAccessMask);
        b.oldLayout = f.oldLayout;
        b.newLayout = f.newLayout;
        b.srcQueueFamilyIndex = f.srcQueueFamilyIndex;
        b.dstQueueFamilyIndex = f.dstQueueFamilyIndex;
        b.image = f.image;
        b.subresourceRange = f.subresourceRange;
        legacy.push_back(b);
    }
    if (!legacy.empty()) {
        vkCmdPipelineBarrier(cmd, src, dst, 0, 0, nullptr, 0, nullptr, static_cast<uint32_t>(legacy.size()), legacy.data());
    }
    const NtexTextureSetImages images = set.images();
    for (uint32_t m = 0; reads != nullptr && value > 0 && m < images.mapCount; ++m) {
        reads->push_back(host_record_read(&host, cmd, images.images[m], layer, images.formats[m], stages));
    }
    host_submit(&host, cmd, images.semaphore, forget_signal ? 0 : value);
    return value > 0;
}

void run(Host& host, const char* model_path) {
    ntex::VulkanDevice device(host.instance, host.physical, host.device, host.family, vkGetInstanceProcAddr);
    device.info.pAllocator = &host.allocator;
    host.device_memory.pNext = &device.info;   // NtexDeviceMemoryCallbacks -> NtexVulkanDeviceInfo
    ntex::Context::Options options = device.options(NTEX_BACKEND_AUTO, 2);
    options.next = &host.device_memory;
    options.messages = on_message;
    options.messages_min_severity = NTEX_LOG_LEVEL_WARNING;
    const ntex::Context context(options);
    const ntex::Model model(context, model_path);
    ntex::Generator generator(context, model, HOST_W, HOST_H);
    generator.set_params(42, 0.8f);
    generator.generate();

    // Every map, sampled in the vertex (height displacement) and fragment stages.
    {
        ntex::TextureSet::Options o;
        o.consumer_stages = kStages;
        o.defer_final_barriers = true;   // handed over, so the host can check they name the vertex stage
        const int before = host.device_blocks_allocated;
        ntex::TextureSet set(context, generator, o);
        std::vector<HostRead> reads;
        HOST_CHECK(frame(host, set, &reads, 0, VK_PIPELINE_STAGE_VERTEX_SHADER_BIT));
        const NtexTextureSetImages images = set.images();
        for (uint32_t m = 0; m < images.mapCount; ++m) host_expect_read(&host, &reads[m], generator.get(), images.mapIndices[m]);
        HOST_CHECK(host.device_blocks_allocated - before <= 2);
        std::printf("ntex_consumer_vulkan_cpp: ok: %u map(s) sampled in the vertex and fragment stages, %d block(s) of the host's memory\n",
                    images.mapCount, host.device_blocks_allocated - before);
    }

    // The albedo of both ring slots in layers 2 and 3 of the host's own 4-layer array (bindless-style), four
    // frames: each slot written twice, the second time from SHADER_READ_ONLY_OPTIMAL.
    {
        const VkImage array = host_create_array_image(&host, 4);
        ntex::TextureSet::Options o;
        o.map_mask = 1u;
        for (uint32_t slot = 0; slot < 2; ++slot) {
            NtexTextureSetTarget t{};
            t.image = array;
            t.format = VK_FORMAT_R8G8B8A8_SRGB;
            t.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
            t.extent = {HOST_W, HOST_H};
            t.imageMipLevels = 1;
            t.imageArrayLayers = 4;
            t.arrayLayer = 2 + slot;
            o.targets.push_back(t);
        }
        {
            ntex::TextureSet set(context, generator, o);
            for (uint32_t k = 0; k < 4; ++k) {
                const uint32_t slot = k % 2;
                if (k > 0) {
                    generator.set_params(43 + k, 0.8f);
                    generator.generate();
                }
                std::vector<HostRead> reads;
                HOST_CHECK(frame(host, set, &reads, 2 + slot));
                const NtexTextureSetImages images = set.images();
                HOST_CHECK(images.slot == slot && images.images[0] == array && reads.size() == 1);
                host_expect_read(&host, &reads[0], generator.get(), 0);
            }
        }
        vkDestroyImage(host.device, array, nullptr);
        std::printf("ntex_consumer_vulkan_cpp: ok: both ring slots, twice each, in layers 2 and 3 of the host's own array image\n");
    }

    // Never signalled: two updates fill the ring, then one stall message 120 skipped updates later.
    {
        ntex::TextureSet::Options o;
        o.map_mask = 1u;
        ntex::TextureSet set(context, generator, o);
        int recorded = 0;
        for (int i = 0; i < 250; ++i) {   // a repeat every 120 updates would show
            if (i < 3) {
                generator.set_params(100 + static_cast<uint32_t>(i), 0.8f);
                generator.generate();
            }
            recorded += frame(host, set, nullptr, 0, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, true) ? 1 : 0;
        }
        HOST_CHECK(recorded == 2 && stall_warnings == 1);
        std::printf("ntex_consumer_vulkan_cpp: ok: a set never signalled: %d update(s), then 1 stall message\n", recorded);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: ntex_consumer_vulkan_cpp <model.json>\n");
        return 2;
    }
    Host host;
    host_create(&host);
    try {
        run(host, argv[1]);
    } catch (const ntex::Exception& e) {
        std::fprintf(stderr, "ntex_consumer_vulkan_cpp: %s\n", e.what());
        return 1;
    }
    std::printf("ntex_consumer_vulkan_cpp: ok: %d device-memory block(s) from the host's allocator, all freed; %ld host allocation(s), %ld live\n",
                host.device_blocks_allocated, host.host_allocations, host.live_host_allocations);
    HOST_CHECK(host.device_blocks_allocated > 0 && host.device_blocks_freed == host.device_blocks_allocated);
    HOST_CHECK(host.host_allocations > 0 && host.live_host_allocations == 0);
    host_destroy(&host);
    host_expect_silent_validation(&host, "ntex_consumer_vulkan_cpp");
    return 0;
}
