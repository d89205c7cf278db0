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

// Records the set's update into one command buffer and submits it with the signal it asks for (none when
// `forget_signal`: the mistake the stall message reports). Returns whether an update was recorded.
bool frame(Host& host, ntex::TextureSet& set, bool forget_signal = false) {
    VkCommandBuffer cmd = host_begin(&host);
    const uint64_t value = set.cmd_update(cmd);
    host_submit(&host, cmd, set.images().semaphore, forget_signal ? 0 : value);
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
        const int before = host.device_blocks_allocated;
        ntex::TextureSet set(context, generator, o);
        HOST_CHECK(frame(host, set));
        const NtexTextureSetImages images = set.images();
        for (uint32_t m = 0; m < images.mapCount; ++m) {
            host_expect_map(&host, generator.get(), images.mapIndices[m], images.images[m], 0, images.formats[m], kStages);
        }
        HOST_CHECK(host.device_blocks_allocated - before <= 2);
        std::printf("ntex_consumer_vulkan_cpp: ok: %u map(s) sampled in the vertex and fragment stages, %d block(s) of the host's memory\n",
                    images.mapCount, host.device_blocks_allocated - before);
    }

    // The albedo of both ring slots in layers 2 and 3 of the host's own 4-layer array (bindless-style).
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
            for (uint32_t slot = 0; slot < 2; ++slot) {
                if (slot > 0) {
                    generator.set_params(43, 0.8f);
                    generator.generate();
                }
                HOST_CHECK(frame(host, set));
                const NtexTextureSetImages images = set.images();
                HOST_CHECK(images.slot == slot && images.images[0] == array);
                host_expect_map(&host, generator.get(), 0, array, 2 + slot, VK_FORMAT_R8G8B8A8_SRGB,
                                VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
            }
        }
        vkDestroyImage(host.device, array, nullptr);
        std::printf("ntex_consumer_vulkan_cpp: ok: both ring slots in layers 2 and 3 of the host's own array image\n");
    }

    // Never signalled: two updates fill the ring, then one stall message 120 skipped updates later.
    {
        ntex::TextureSet::Options o;
        o.map_mask = 1u;
        ntex::TextureSet set(context, generator, o);
        int recorded = 0;
        for (int i = 0; i < 130; ++i) {
            if (i < 3) {
                generator.set_params(100 + static_cast<uint32_t>(i), 0.8f);
                generator.generate();
            }
            recorded += frame(host, set, true) ? 1 : 0;
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
