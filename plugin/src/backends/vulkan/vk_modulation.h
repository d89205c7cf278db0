// SPDX-License-Identifier: MIT
// GpuModulation: a plan's modulated and demodulated conv weights computed on the GPU
// (shaders/modulate.comp), from the style vector w: per modconv op one pass for the styles
// s = A w + b and one for W' = W s (demodulated), written into the conv's device-local filter in
// conv.comp's layout. The host writes only w (w_dim floats) per style change; each op's weight and
// affine tensors are uploaded once, at build.
#pragma once

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_debug_names.h"
#include "backends/vulkan/vk_pipeline.h"
#include "model/model.h"

#include <memory>
#include <vector>

namespace ntex::vulkan {

class GpuModulation {
public:
    // One modconv op and the device-local buffer its filter goes to ([out/4][k][k][in] x 4 floats).
    struct Target {
        std::size_t op_index = 0;
        VkBuffer filter = VK_NULL_HANDLE;
    };

    // Uploads each target op's tensors (Upload memory), creates w's buffer (register style() with
    // StagedInputs), the scratch for s and two descriptor sets per op. Throws BACKEND, OUT_OF_MEMORY.
    GpuModulation(std::shared_ptr<ComputeContext> context, PlanPipelines& pipelines, const LoadedModel& model, std::vector<Target> targets,
                  VkBuffer dummy);
    ~GpuModulation();
    GpuModulation(const GpuModulation&) = delete;
    GpuModulation& operator=(const GpuModulation&) = delete;

    // The w buffer (w_dim floats, Upload memory; zero until the first style).
    const Buffer& style() const noexcept { return m_w; }
    // Records both passes for every op, with the barrier between them; the caller records the
    // barriers before (w written) and after (filters read by the convs).
    void record(VkCommandBuffer cmd) const;
    // Bytes of the buffers this object owns (w, each op's weight, affine and style buffers).
    std::size_t device_bytes() const noexcept;

    // Its Vulkan objects, named for VK_EXT_debug_utils (vk_debug_names.h).
    void debug_objects(DebugObjects& out) const;

private:
    struct Op {
        std::size_t op_index = 0;
        int in = 0, out = 0, kk = 0;
        bool demodulate = true;
        VkBuffer filter = VK_NULL_HANDLE;
        Buffer weight, affine_w, affine_b, scales;
        VkDescriptorSet sets[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};   // pass 0, pass 1
    };
    std::shared_ptr<ComputeContext> m_context;
    int m_w_dim = 0;
    Buffer m_w;
    std::vector<Op> m_ops;
    VkPipeline m_pipeline = VK_NULL_HANDLE;   // owned by PlanPipelines
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
};

}  // namespace ntex::vulkan
