// SPDX-License-Identifier: MIT
// zero_copy_material.h: the demo's material through an ntex texture set (ntex::TextureSet,
// ntex_vulkan.hpp): ntex owns a ring of VkImages per map on the renderer's device and fills them (CUDA:
// written by CUDA through external memory, no host copy; Vulkan compute: recorded into our command
// buffer; CPU: copies ntex records into our command buffer). Each frame records the update, adds ntex's
// timeline semaphores to the frame's submit and points the scene at the newest images.
#pragma once

#include "material_generator.h"
#include "material_model.h"

#include <ntex/ntex_vulkan.hpp>

#include <cstdint>

namespace engine {
class Renderer;
}

namespace demo {

// The renderer's device as ntex needs it (MaterialModel's `vulkan`: chained into the context).
ntex::VulkanDevice vulkan_device(const engine::Renderer& renderer);

class ZeroCopyMaterial {
public:
    // A ring of 2 image sets with full mip chains for every map of `generator` (which must outlive
    // this), made by `mip_filter` (NTEX_MIP_FILTER_MATERIAL: on the device on the Vulkan compute path, host
    // copies on CUDA). Throws ntex::Exception.
    ZeroCopyMaterial(const MaterialModel& model, const MaterialGenerator& generator, NtexMipFilter mip_filter);
    // Destruction: the caller must have waited until no frame samples the images (Renderer::wait_idle).

    // Between begin_frame and end_frame: records ntex's update into the frame's command buffer,
    // registers the semaphore signal (and, on CUDA, the wait) with the frame's submit, and makes this
    // frame sample the newest images. Returns the result id they hold (0: none yet: the frame keeps
    // the material's own textures).
    uint64_t update(engine::Renderer& renderer);
    // CUDA writes the images, or Vulkan compute records the network into the frame (no host copy).
    // Then the update itself runs the generator with its current parameters: set them
    // (MaterialGenerator::set_params) instead of requesting an asynchronous generation, which would
    // make updates wait for it (NOT_READY).
    bool generates_on_update() const { return m_generates_on_update; }
    // "on" (CUDA zero-copy), "vulkan-compute" or "texture-set-host-copies" (the demo-bench label).
    const char* path_label() const;

private:
    const MaterialModel& m_model;
    ntex::TextureSet m_set;
    NtexTextureSetPath m_path = NTEX_TEXTURE_SET_PATH_HOST_COPIES;
    bool m_generates_on_update = false;
};

}  // namespace demo
