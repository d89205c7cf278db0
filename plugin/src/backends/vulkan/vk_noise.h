// SPDX-License-Identifier: MIT
// GpuNoise: a plan's hashed Gaussian noise computed on the GPU (shaders/noise.comp): the network's
// input grid and every conv's noise map, written into their device-local buffers by dispatches
// recorded ahead of the network. The only host-written input is a small parameter buffer (seed and
// each target's absolute origin), so a new seed or origin costs no host noise and no upload.
#pragma once

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_debug_names.h"
#include "backends/vulkan/vk_pipeline.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace ntex::vulkan {

class GpuNoise {
public:
    // One destination: NHWC floats of (w + 2 halo) x (h + 2 halo) x channels; the border repeats the
    // wrapped interior; channel ch is hash stream stream_base + ch; the plane origin is divided by
    // (divisor_x, divisor_y) to give the target's absolute cell coordinates.
    struct Target {
        VkBuffer dst = VK_NULL_HANDLE;
        int w = 0, h = 0, halo = 0, channels = 1;
        uint32_t stream_base = 0;
        int32_t divisor_x = 1, divisor_y = 1;
    };

    // Creates the parameter buffer (Upload memory: register it with StagedInputs), the pipeline and
    // one descriptor set per target (`dummy` fills the bindings noise.comp does not use). Throws BACKEND.
    GpuNoise(std::shared_ptr<ComputeContext> context, PlanPipelines& pipelines, std::vector<Target> targets, VkBuffer dummy);
    ~GpuNoise();
    GpuNoise(const GpuNoise&) = delete;
    GpuNoise& operator=(const GpuNoise&) = delete;

    const Buffer& params() const noexcept { return m_params; }
    // Writes the parameters for `seed` with the plane origin (origin_x, origin_y) (multiples of every
    // divisor) into `out`, params().bytes() of writable memory (the mapped buffer or a staging arena).
    void write_params(float* out, uint32_t seed, int32_t origin_x, int32_t origin_y) const noexcept;
    // Records one dispatch per target; the caller records the barriers around them.
    void record(VkCommandBuffer cmd) const;

    // Its Vulkan objects, named for VK_EXT_debug_utils (vk_debug_names.h).
    void debug_objects(DebugObjects& out) const;

private:
    std::shared_ptr<ComputeContext> m_context;
    std::vector<Target> m_targets;
    Buffer m_params;
    VkPipeline m_pipeline = VK_NULL_HANDLE;   // owned by PlanPipelines
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    std::vector<VkDescriptorSet> m_sets;
};

}  // namespace ntex::vulkan
