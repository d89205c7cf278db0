// SPDX-License-Identifier: MIT
// PlanPipelines: the compute pipelines of one plan. Every shader shares one descriptor set layout
// (7 storage buffers, shaders/compute_common.glsl) and one push-constant range, so one pipeline
// layout serves all; a pipeline is created per (shader, specialization constants) and cached, so a
// model's convs of the same shape share one (the llama.cpp ggml-vulkan pattern).
#pragma once

#include "backends/vulkan/vk_compute_context.h"

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace ntex::vulkan {

enum class Shader { Conv, Upsample, Output, Texels, Noise, Modulate, MaterialMips };
constexpr int kShaderCount = 7;
constexpr uint32_t kPlanBindings = 7;   // src, dst, filter, bias, noise, layout, layout gain

// The push-constant block of shaders/compute_common.glsl (std430-compatible: 4-byte scalars only).
struct PushConstants {
    int32_t src_w = 0, src_h = 0, src_halo = 0;
    int32_t dst_w = 0, dst_h = 0, dst_halo = 0;
    int32_t channels = 0;
    float strength = 0.0f;
    float scale = 1.0f, shift = 0.0f;
    int32_t pad0 = 0, pad1 = 0;
};
static_assert(sizeof(PushConstants) == 48, "PushConstants must match shaders/compute_common.glsl");

// texels.comp's push-constant block (final tensor -> one map's packed texels); see that shader.
struct TexelPushConstants {
    int32_t src_w = 0, src_h = 0, src_c = 0;
    int32_t ox = 0, oy = 0, w = 0, h = 0;
    int32_t format = 0;          // NtexHostFormat
    int32_t dst_word = 0;        // first 32-bit word of the map in the destination buffer
    int32_t words = 0;           // words the map occupies
    // Byte k: the source of component k: a final-tensor channel (< 252), component 0..2 of the derived
    // normal (252..254), or the constant lo[k] (255).
    uint32_t select = 0;
    int32_t derived_channel = -1;  // the height channel of derived normals; -1: none
    float dlo = 0.0f, dinv = 1.0f;  // its range normalisation
    float height_scale = 1.0f;
    int32_t src_base = 0;          // first float of the source tensor in binding 0
    float lo[4] = {0.0f, 0.0f, 0.0f, 0.0f};   // per component: range minimum, or the constant (byte 255)
    float inv[4] = {1.0f, 1.0f, 1.0f, 1.0f};  // per component: 1 / range
};
static_assert(sizeof(TexelPushConstants) == 96, "TexelPushConstants must match shaders/texels.comp");
// The one pipeline layout's push-constant range: the larger of the two blocks.
constexpr uint32_t kPushConstantBytes = sizeof(TexelPushConstants);

// Specialization constants of conv.comp, in constant_id order. dst_fp32: the FP16 build writes the
// FP32 final tensor (shaders/compute_common.glsl, "Precision"); upsample.comp and output.comp take it
// as their constant 0.
struct ConvSpec {
    int32_t in_c = 1, out_c = 1, kernel = 1, activation = 0, has_noise = 0, layout_k = 0, output_op = 0, dst_fp32 = 0;
    int32_t out_vec4 = 1;   // vec4 output groups per invocation: conv_output_groups(out_c)
    std::vector<int32_t> values() const {
        return {in_c, out_c, kernel, activation, has_noise, layout_k, output_op, dst_fp32, out_vec4};
    }
};
static_assert(sizeof(ConvSpec) == 9 * sizeof(int32_t), "ConvSpec mirrors conv.comp's 9 specialization constants");
constexpr int kConvOutputsPerInvocation = 4;   // conv.comp's vec4: the filter's output padding
constexpr int kMaxConvOutputGroups = 4;        // at most 16 output channels per invocation (registers)
// conv.comp's OUT_VEC4 for `out` output channels: the largest of 4, 2, 1 that divides the vec4 group
// count ceil(out / 4), so every invocation's groups exist in the (4-padded) filter.
constexpr int conv_output_groups(int out) noexcept {
    const int groups = (out + kConvOutputsPerInvocation - 1) / kConvOutputsPerInvocation;
    for (int g = kMaxConvOutputGroups; g > 1; g /= 2)
        if (groups % g == 0) return g;
    return 1;
}
static_assert(conv_output_groups(64) == 4 && conv_output_groups(24) == 2 && conv_output_groups(5) == 2 && conv_output_groups(3) == 1);

// Writes a plan descriptor set: binding b = bound[b] (whole buffer, storage), for every binding.
void write_plan_bindings(const ComputeContext& context, VkDescriptorSet set, const VkBuffer (&bound)[kPlanBindings]);

class PlanPipelines;
// pipelines.allocate_sets(count, pool), destroying *pool again when the allocation throws (callers are
// constructors whose destructor would not run).
std::vector<VkDescriptorSet> allocate_sets_or_release(const PlanPipelines& pipelines, uint32_t count, VkDescriptorPool* pool);

class PlanPipelines {
public:
    // fp16: the FP16 builds of conv, upsample, output, noise and modulate (the context must support
    // them: ComputeContext::fp16()); texels.comp has one build.
    explicit PlanPipelines(std::shared_ptr<ComputeContext> context, bool fp16 = false);
    ~PlanPipelines();
    PlanPipelines(const PlanPipelines&) = delete;
    PlanPipelines& operator=(const PlanPipelines&) = delete;

    VkDescriptorSetLayout set_layout() const noexcept { return m_set_layout; }
    VkPipelineLayout layout() const noexcept { return m_layout; }
    const ComputeContext& context() const noexcept { return *m_context; }
    bool fp16() const noexcept { return m_fp16; }
    // The pipeline for `shader` with specialization constants `spec` (constant_id 0..n-1), created
    // on first use.
    VkPipeline get(Shader shader, const std::vector<int32_t>& spec = {});
    std::size_t pipeline_count() const noexcept { return m_pipelines.size(); }
    // A descriptor pool holding `count` sets of set_layout() (every binding a storage buffer), and the
    // sets. The caller owns the pool (destroying it frees the sets). Throws BACKEND.
    std::vector<VkDescriptorSet> allocate_sets(uint32_t count, VkDescriptorPool* pool) const;

private:
    std::shared_ptr<ComputeContext> m_context;
    bool m_fp16 = false;
    VkDescriptorSetLayout m_set_layout = VK_NULL_HANDLE;
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkShaderModule m_modules[kShaderCount] = {};
    std::map<std::pair<int, std::vector<int32_t>>, VkPipeline> m_pipelines;
    void release() noexcept;
};

}  // namespace ntex::vulkan
