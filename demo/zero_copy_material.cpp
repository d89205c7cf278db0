// SPDX-License-Identifier: MIT
// zero_copy_material.cpp: see zero_copy_material.h.
#include "zero_copy_material.h"

#include <engine/renderer.h>

#include <array>
#include <string>

namespace demo {
namespace {

void check(NtexResult r, const char* what) {
    if (r >= 0) return;
    const char* message = ntexGetLastErrorMessage();
    throw NtexFailure(std::string(what) + ": " + (message && *message ? message : ntexResultToString(r)));
}

}  // namespace

NtexVulkanDeviceInfo vulkan_device_info(const engine::Renderer& renderer) {
    NtexVulkanDeviceInfo vi{};
    vi.sType = NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_INFO;
    vi.instance = renderer.context().instance();
    vi.physicalDevice = renderer.context().physical_device();
    vi.device = renderer.context().device();
    vi.queueFamilyIndex = renderer.context().queue_family();
    vi.pfnGetInstanceProcAddr = vkGetInstanceProcAddr;
    vi.pfnGetDeviceProcAddr = vkGetDeviceProcAddr;
    return vi;
}

ZeroCopyMaterial::ZeroCopyMaterial(const MaterialModel& model, const MaterialGenerator& generator) : m_model(model) {
    NtexTextureSetCreateInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO;
    ci.generator = generator.handle();
    ci.ringSize = 2;
    ci.mipLevels = 0;   // the full chain, like the engine's own textures
    check(ntexCreateTextureSet(model.context(), &ci, &m_set), "ntexCreateTextureSet");
    // CUDA and Vulkan compute sets generate from the current parameters in each update; a set that
    // fell back to host copies uploads the newest ntexGenerateAsync result.
    NtexTextureSetPathInfo path{};
    path.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO;
    NtexTextureSetImages images{};
    images.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
    images.pNext = &path;
    check(ntexGetTextureSetImages(m_set, &images), "ntexGetTextureSetImages");
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

ZeroCopyMaterial::~ZeroCopyMaterial() { ntexDestroyTextureSet(m_set); }

uint64_t ZeroCopyMaterial::update(engine::Renderer& renderer) {
    uint64_t signal = 0;
    const NtexResult r = ntexCmdUpdateTextureSet(m_set, renderer.command_buffer(), &signal);
    check(r, "ntexCmdUpdateTextureSet");
    NtexTextureSetImages images{};
    images.sType = NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES;
    check(ntexGetTextureSetImages(m_set, &images), "ntexGetTextureSetImages");
    // The contract: signal every returned value with the submit that records/samples the update.
    if (r == NTEX_SUCCESS) renderer.add_submit_signal(images.semaphore, signal);
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
