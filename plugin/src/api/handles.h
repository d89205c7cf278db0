// SPDX-License-Identifier: MIT
// What the C API's opaque handles point to.
#pragma once

#include "core/log.h"
#include "model/model.h"
#include "interop/vulkan_device.h"
#include "model/preset.h"
#include "runtime/async_generator.h"

#include <ntex/ntex.h>

#include <memory>
#include <vector>

struct NtexContext_T {
    ntex::Logger logger;
    NtexBackend backend = NTEX_BACKEND_CPU;
    int threads = 1;
    // The host's Vulkan device when NtexVulkanDeviceInfo was chained (texture sets), else null.
    std::shared_ptr<const ntex::interop::VulkanDevice> vulkan;
};

struct NtexModel_T {
    NtexContext context = nullptr;
    std::shared_ptr<const ntex::LoadedModel> model;
};

struct NtexGenerator_T {
    NtexContext context = nullptr;
    std::unique_ptr<ntex::AsyncGenerator> generator;   // its destructor joins the worker thread
    // The last parameters accepted by ntexSetGeneratorParams, for ntexSavePreset. Vectors are sized
    // at creation (z_dim, model directions) so recording never allocates.
    uint32_t seed = 0;
    bool has_z = false;
    std::vector<float> z;
    float psi = 1.0f;
    std::vector<float> offsets;
    uint32_t direction_count = 0;
    int32_t origin_x = 0;
    int32_t origin_y = 0;
};

namespace ntex::api {

inline const Logger* logger_of(NtexContext c) noexcept { return c ? &c->logger : nullptr; }

// What a texture set needs to know about its generator.
struct GeneratorShape {
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<NtexMapSemantic> semantics;   // per model map
};
GeneratorShape generator_shape(NtexGenerator generator);

}  // namespace ntex::api
