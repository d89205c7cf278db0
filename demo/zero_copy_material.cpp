// SPDX-License-Identifier: MIT
// zero_copy_material.cpp: see zero_copy_material.h.
#include "zero_copy_material.h"

#include "error_text.h"

#include <engine/renderer.h>

#include <array>

namespace demo {
namespace {

ntex::TextureSet::Options ring_of_two(NtexMipFilter mip_filter) {
    ntex::TextureSet::Options o;
    o.ring_size = 2;
    o.mip_levels = 0;   // the full chain, like the engine's own textures
    o.mip_filter = mip_filter;
    return o;
}

}  // namespace

ntex::VulkanDevice vulkan_device(const engine::Renderer& renderer) {
    const engine::Context& c = renderer.context();
    ntex::VulkanDevice device(c.instance(), c.physical_device(), c.device(), c.queue_family(), vkGetInstanceProcAddr, vkGetDeviceProcAddr);
    // The renderer requires and enables synchronization2 (engine/src/vk/context.cpp): ntex records its
    // barriers with it too.
    device.features.synchronization2 = VK_TRUE;
    return device;
}

ZeroCopyMaterial::ZeroCopyMaterial(const MaterialModel& model, const MaterialGenerator& generator, NtexMipFilter mip_filter)
    : m_model(model),
      m_set(with_context("ntexCreateTextureSet",
                         [&] { return ntex::TextureSet(model.context(), generator.generator(), ring_of_two(mip_filter)); })) {
    // CUDA and Vulkan compute sets generate from the current parameters in each update; a set that
    // fell back to host copies uploads the newest generate_async result.
    const NtexTextureSetPathInfo path = with_context("ntexGetTextureSetImages", [&] { return m_set.path(); });
    m_path = path.path;
    m_generates_on_update = path.generatesOnUpdate == VK_TRUE;
}

const char* ZeroCopyMaterial::path_label() const {
    switch (m_path) {
        case NTEX_TEXTURE_SET_PATH_CUDA: return "on";
        case NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE: return "vulkan-compute";
        default: return "texture-set-host-copies";
    }
}

uint64_t ZeroCopyMaterial::update(engine::Renderer& renderer) {
    // 0: nothing recorded (nothing new, or the next slot's previous update has not executed yet).
    const uint64_t signal = with_context("ntexCmdUpdateTextureSet", [&] { return m_set.cmd_update(renderer.command_buffer()); });
    const NtexTextureSetImages images = with_context("ntexGetTextureSetImages", [&] { return m_set.images(); });
    // The contract: signal every returned value with the submit that records/samples the update.
    if (signal != 0) renderer.add_submit_signal(images.semaphore, signal);
    if (images.resultId == 0) {
        renderer.use_own_material();
        return 0;
    }
    if (images.readySemaphore != VK_NULL_HANDLE) {   // CUDA: wait for its writes
        renderer.add_submit_wait(images.readySemaphore, images.readyValue, static_cast<VkPipelineStageFlags2>(images.readyStageMask));
    }
    std::array<VkImageView, engine::kMapKindCount> views{};
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        for (uint32_t m = 0; m < kMapCount; ++m) {
            if (m_model.map_index(static_cast<Map>(m)) == static_cast<int>(images.mapIndices[i])) views[m] = images.views[i];
        }
    }
    renderer.use_external_material(views, images.layout);
    return images.resultId;
}

}  // namespace demo
