// SPDX-License-Identifier: MIT
// GpuNoise: noise.comp's descriptor sets, parameters and dispatches.
#include "backends/vulkan/vk_noise.h"

#include "core/checked_size.h"

#include <algorithm>
#include <cstring>

namespace ntex::vulkan {

namespace {
constexpr std::size_t kWordsPerTarget = 4;   // seed, x0, y0, unused (noise.comp's params[])
}

GpuNoise::GpuNoise(std::shared_ptr<ComputeContext> context, PlanPipelines& pipelines, std::vector<Target> targets, VkBuffer dummy)
    : m_context(std::move(context)), m_targets(std::move(targets)), m_layout(pipelines.layout()) {
    const std::size_t bytes = (CheckedSize(std::max<std::size_t>(m_targets.size(), 1)) * kWordsPerTarget * sizeof(uint32_t)).get("noise parameters");
    m_params = Buffer(m_context, bytes, MemoryKind::Upload);
    std::memset(m_params.host(), 0, m_params.bytes());   // seed 0 at the origin until the first write_params
    if (m_targets.empty()) return;
    m_pipeline = pipelines.get(Shader::Noise);
    m_sets = allocate_sets_or_release(pipelines, static_cast<uint32_t>(m_targets.size()), &m_pool);
    for (std::size_t i = 0; i < m_targets.size(); ++i) {
        // noise.comp's bindings: the parameters, the destination (the rest unused).
        const VkBuffer bound[kPlanBindings] = {m_params.get(), m_targets[i].dst, dummy, dummy, dummy, dummy, dummy};
        write_plan_bindings(*m_context, m_sets[i], bound);
    }
}

GpuNoise::~GpuNoise() {
    // The owning plan waits for (or the host has executed) every submission that used the sets.
    if (m_pool != VK_NULL_HANDLE) m_context->vk().vkDestroyDescriptorPool(m_context->device(), m_pool, m_context->allocator());
}

void GpuNoise::write_params(float* out, uint32_t seed, int32_t origin_x, int32_t origin_y) const noexcept {
    auto* bytes = reinterpret_cast<unsigned char*>(out);   // uint32 words in float-typed memory: memcpy, no aliasing
    std::memset(bytes, 0, m_params.bytes());
    for (std::size_t i = 0; i < m_targets.size(); ++i) {
        const Target& t = m_targets[i];
        // Integer division of the plane origin (a multiple of every divisor), then int32 -> uint32
        // two's complement: the CPU plan's absolute cell coordinates exactly.
        const uint32_t words[kWordsPerTarget] = {seed, static_cast<uint32_t>(origin_x / t.divisor_x),
                                                 static_cast<uint32_t>(origin_y / t.divisor_y), 0u};
        std::memcpy(bytes + i * sizeof words, words, sizeof words);
    }
}

void GpuNoise::record(VkCommandBuffer cmd) const {
    const ComputeFunctions& vk = m_context->vk();
    for (std::size_t i = 0; i < m_targets.size(); ++i) {
        const Target& t = m_targets[i];
        PushConstants pc;
        pc.src_w = static_cast<int32_t>(t.stream_base);   // noise.comp: the stream of channel 0
        pc.src_h = static_cast<int32_t>(i);               // noise.comp: the target's parameter block
        pc.dst_w = t.w, pc.dst_h = t.h, pc.dst_halo = t.halo;
        pc.channels = t.channels;
        vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipeline);
        vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_layout, 0, 1, &m_sets[i], 0, nullptr);
        vk.vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushConstants), &pc);
        vk.vkCmdDispatch(cmd, static_cast<uint32_t>((t.w + 2 * t.halo + 7) / 8), static_cast<uint32_t>((t.h + 2 * t.halo + 7) / 8), 1);
    }
}

void GpuNoise::debug_objects(DebugObjects& out) const {
    out.add(VK_OBJECT_TYPE_BUFFER, m_params.get(), "noise parameters");
    out.add(VK_OBJECT_TYPE_DESCRIPTOR_POOL, m_pool, "noise descriptor pool");
}

}  // namespace ntex::vulkan
