// SPDX-License-Identifier: MIT
// VulkanPlan: the generator's per-frame plan as Vulkan compute (GLSL -> SPIR-V, shaders/*.comp) for
// one model and one output size, FP32, built once: buffers, pipelines, descriptor sets and the
// command buffer are created here and the command buffer is recorded once and resubmitted.
//
// Per frame: [conv + fused epilogue (bias, noise, layout, activation, output op, wrap-around halo
// of the next op's input) | bilinear x2 wrap-around upsample | output op]..., a full compute barrier
// between dispatches, then a copy of the final tensor into a host-visible read-back buffer.
// Host-side, only when their inputs change (TextureGenerator tracks that): set_style modulates and
// demodulates the weights (runtime/style.h, the CPU's code) into host-visible filter buffers;
// set_seed computes the input grid and the noise maps with the bit-exact hash and Box-Muller in
// float64 (GLSL has no float64 log/cos, even where shaderFloat64 exists); set_layout block-averages
// the layout levels. They write mapped memory directly: safe because run() waits for its fence.
//
// This increment submits and waits (run() = submit + fence wait + read-back), on the context's
// queue under its mutex. Recording into the host's command buffer with no host wait, FP16 and the
// texture-set conversion are the next increments (issue 12).
#pragma once

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_compute_context.h"
#include "backends/vulkan/vk_pipeline.h"
#include "model/model.h"
#include "runtime/backend.h"

#include <memory>
#include <string>
#include <vector>

namespace ntex::vulkan {

class VulkanPlan final : public GeneratorBackend {
public:
    VulkanPlan(std::shared_ptr<ComputeContext> context, std::shared_ptr<const LoadedModel> model, int width, int height);
    ~VulkanPlan() override;
    VulkanPlan(const VulkanPlan&) = delete;
    VulkanPlan& operator=(const VulkanPlan&) = delete;

    void set_style(const std::vector<float>& w) override;
    void set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) override;
    void set_layout(const float* layout) override;
    void run() override;
    const float* output() const noexcept override { return m_readback.host(); }
    int output_channels() const noexcept override { return m_out_channels; }
    std::string describe() const override;
    // Whole-frame wall time (submit to fence) per run; per-step GPU timestamps are not recorded yet.
    void set_profiling(bool enabled) override;
    std::string profile_report() const override;
    std::size_t device_bytes() const noexcept;

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
        Buffer filter, bias, noise, layout, layout_gain;   // Upload memory; noise/layout empty when unused
        int layout_divisor = 0;
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
    VkBuffer buffer_of(Buf b) const noexcept;
    void release() noexcept;

    std::shared_ptr<ComputeContext> m_context;
    std::shared_ptr<const LoadedModel> m_model;
    int m_width, m_height;
    int m_out_channels = 0;
    PlanPipelines m_pipelines;
    std::vector<Conv> m_convs;
    std::vector<Step> m_steps;
    Tensor m_input;
    Buffer m_input_buf, m_act[2], m_final, m_readback, m_dummy;
    std::vector<float> m_oihw, m_mod_scratch;   // set_style's scratch (sized at build)
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    VkCommandPool m_command_pool = VK_NULL_HANDLE;
    VkCommandBuffer m_cmd = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    bool m_profiling = false;
    std::vector<double> m_samples;   // ms per profiled run
};

}  // namespace ntex::vulkan
