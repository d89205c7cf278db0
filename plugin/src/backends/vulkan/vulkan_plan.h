// SPDX-License-Identifier: MIT
// VulkanPlan: the generator's per-frame plan as Vulkan compute (GLSL -> SPIR-V, shaders/*.comp) for
// one model and one output size, FP32, built once: buffers, pipelines, descriptor sets and the
// command buffer are created here and the command buffer is recorded once and resubmitted.
//
// Per frame: [conv + fused epilogue (bias, noise, layout, activation, output op, wrap-around halo
// of the next op's input) | bilinear x2 wrap-around upsample | output op]..., a full compute barrier
// between dispatches, then a copy of the final tensor into a host-visible read-back buffer.
// Host-side, only when their inputs change (TextureGenerator tracks that): set_style writes w, from
// which dispatches ahead of the network compute the modulated and demodulated filters (vk_modulation.h,
// shaders/modulate.comp; record_into includes them only after a style change);
// set_seed writes only the seed and origin: the input grid and the noise maps are computed on the GPU
// by dispatches ahead of the network (vk_noise.h, shaders/noise.comp); set_layout block-averages the
// layout levels. They write mapped memory directly: safe because run() waits for its fence.
//
// Two ways to run: run() submits the plan's own command buffer on the context's queue (under its
// mutex) and waits for its fence, then the result is in output() (ntexGenerate, tools, tests);
// record_into() records the same dispatches into a host's command buffer and leaves the result in
// final_buffer() on the device (texture sets on the host's device: interop/compute_texels.h).
// FP16 (fp16 = true; the context must support it): activations, the input grid, noise maps and filters
// in float16 storage, conv products in float16 summed in float32, the final tensor in float32
// (shaders/compute_common.glsl, "Precision").
#pragma once

#include "backends/vulkan/vk_debug_names.h"
#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_compute_context.h"
#include "backends/vulkan/vk_modulation.h"
#include "backends/vulkan/vk_noise.h"
#include "backends/vulkan/vk_pipeline.h"
#include "backends/vulkan/vk_staged_inputs.h"
#include "model/model.h"
#include "runtime/backend.h"

#include <memory>
#include <string>
#include <vector>

namespace ntex::vulkan {

// One global memory barrier, recorded as the context records barriers (synchronization2 where enabled).
void memory_barrier(const ComputeContext& context, VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src_access,
                    VkPipelineStageFlags dst_stage, VkAccessFlags dst_access) noexcept;

class VulkanPlan final : public GeneratorBackend {
public:
    VulkanPlan(std::shared_ptr<ComputeContext> context, std::shared_ptr<const LoadedModel> model, int width, int height, bool fp16 = false);
    ~VulkanPlan() override;
    VulkanPlan(const VulkanPlan&) = delete;
    VulkanPlan& operator=(const VulkanPlan&) = delete;

    void set_style(const std::vector<float>& w) override;
    void set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) override;
    void set_layout(const float* layout) override;
    void run() override;
    // Records every dispatch (and the barriers between them, plus a leading one against the previous
    // frame and the host's input writes) into `cmd`, which must be in the recording state and belong
    // to a queue family with compute on this plan's device. The last dispatch's writes of
    // final_buffer() are not yet made available: the caller records the barrier its reader needs.
    // With a staging slot selected it first records the copies of the inputs changed since
    // (StagedInputs); in place, the mapped inputs must not change until that submission executed.
    void record_into(VkCommandBuffer cmd);
    // -1 (the default): set_style/set_seed/set_layout write the inputs in place (run()). 0..3: they
    // write that ring slot's staging arena, which the next record_into copies (vk_staged_inputs.h).
    void select_staging_slot(int slot) { m_inputs.select(slot); }
    // The final tensor on the device: NHWC float, width x height x output_channels(), no halo.
    VkBuffer final_buffer() const noexcept { return m_final.get(); }
    std::size_t final_bytes() const noexcept { return m_final.bytes(); }
    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }
    const std::shared_ptr<ComputeContext>& context() const noexcept { return m_context; }
    const float* output() const noexcept override { return m_readback.host(); }
    int output_channels() const noexcept override { return m_out_channels; }
    std::string describe() const override;
    // Whole-frame wall time (submit to fence) per run; per-step GPU timestamps are not recorded yet.
    void set_profiling(bool enabled) override;
    std::string profile_report() const override;
    std::size_t device_bytes() const noexcept;
    // The plan's own Vulkan objects with a name each ("activations 0", "op 3 filter", "op 3 pipeline",
    // "op 3 modulation weight", "noise parameters", "input staging slot 0", ...), for VK_EXT_debug_utils
    // names given by a layer that knows the host's device (interop).
    using NamedObject = vulkan::NamedObject;
    std::vector<NamedObject> debug_objects() const;
    bool fp16() const noexcept { return m_element_bytes == 2; }

private:
    enum class Buf { Input, Act0, Act1, Final };
    struct Tensor {
        Buf buf = Buf::Input;
        int c = 0, h = 0, w = 0, halo = 0;
        std::size_t floats() const noexcept {
            return static_cast<std::size_t>(c) * static_cast<std::size_t>(h + 2 * halo) * static_cast<std::size_t>(w + 2 * halo);
        }
    };
    struct Conv {
        std::size_t op_index = 0;
        int in = 0, out = 0, k = 0, w = 0, h = 0;
        Buffer filter;                             // device-local (modulate.comp writes it)
        Buffer bias, layout_gain;                  // Upload memory
        Buffer noise;                              // device-local (noise.comp writes it); empty when unused
        int layout_level = -1;                     // index into m_layout_levels; -1: no layout here
    };
    struct Step {
        Shader shader = Shader::Conv;
        Tensor src, dst;
        int conv = -1;   // index into m_convs
        ConvSpec spec;
        PushConstants pc;
        VkPipeline pipeline = VK_NULL_HANDLE;
        VkDescriptorSet set = VK_NULL_HANDLE;
        uint32_t groups[3] = {1, 1, 1};
        double flops = 0;
        std::string label;
    };

    void build();
    void create_descriptors();
    void record();
    // record_into's commands; `noise` / `modulate` include the noise dispatches / the filter modulation.
    void record_network(VkCommandBuffer cmd, bool noise, bool modulate);
    VkBuffer buffer_of(Buf b) const noexcept;
    void release() noexcept;

    std::shared_ptr<ComputeContext> m_context;
    std::shared_ptr<const LoadedModel> m_model;
    int m_width, m_height;
    std::size_t m_element_bytes;   // of activations, the input grid, noise maps and filters: 4 (FP32) or 2 (FP16)
    int m_out_channels = 0;
    PlanPipelines m_pipelines;
    std::vector<Conv> m_convs;
    // The layout block-averaged to each resolution that injects it, shared by that resolution's convs.
    struct LayoutLevelBuffer {
        int divisor = 0;
        Buffer values;   // Upload memory, w x h x K
        int region = -1; // StagedInputs region
    };
    std::vector<LayoutLevelBuffer> m_layout_levels;
    std::vector<Step> m_steps;
    Tensor m_input;
    Buffer m_input_buf, m_act[2], m_final, m_readback, m_dummy;
    std::unique_ptr<GpuModulation> m_modulation;   // the filters from w; declared before m_inputs, which points at w
    int m_style_region = -1;                    // StagedInputs region of w
    bool m_style_pending = true;                // set_style since the last record_into
    bool m_seed_pending = true;                 // set_seed since the last record_into
    std::unique_ptr<GpuNoise> m_noise;          // the input grid and noise maps; declared before m_inputs, which points at its parameters
    StagedInputs m_inputs;                      // every host-written input buffer, registered at build
    int m_noise_region = -1;                    // StagedInputs region of m_noise's parameters
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    VkCommandPool m_command_pool = VK_NULL_HANDLE;
    VkCommandBuffer m_cmd = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    bool m_profiling = false;
    std::vector<double> m_samples;   // ms per profiled run
};

}  // namespace ntex::vulkan
