// SPDX-License-Identifier: MIT
// compute_texels.cpp: the network and the texel conversion recorded into the host's command buffer.
#include "interop/compute_texels.h"

#include "backends/vulkan/vk_material_mips.h"
#include "backends/vulkan/vk_texel_writer.h"
#include "backends/vulkan/vulkan_plan.h"
#include "core/error.h"
#include "runtime/async_generator.h"

namespace ntex::interop {

namespace {

// The generator's plan when it is a VulkanPlan on `device`, else UNSUPPORTED naming why.
vulkan::VulkanPlan& compute_plan_of(TextureGenerator& g, VkDevice device) {
    auto* plan = dynamic_cast<vulkan::VulkanPlan*>(&g.backend());
    if (plan == nullptr) fail(NTEX_ERROR_UNSUPPORTED, "the generator does not run on the Vulkan compute backend");
    if (plan->context()->device() != device) {
        fail(NTEX_ERROR_UNSUPPORTED, "the generator's Vulkan compute device is not the texture set's device");
    }
    return *plan;
}

}  // namespace

ComputeTexels::ComputeTexels(const TextureSet& set, AsyncGenerator& generator) : m_set(set) {
    if (!set.device_texels()) fail(NTEX_ERROR_BACKEND, "ComputeTexels needs a texture set with device staging buffers");
    // Created on the host thread while the generator is idle (ntexCreateTextureSet).
    generator.wait_idle();
    TextureGenerator& g = generator.generator();
    m_plan = g.shared_backend();   // bound below
    vulkan::VulkanPlan& plan = compute_plan_of(g, set.device().device());
    m_writer = std::make_shared<vulkan::TexelWriter>(plan.context(), set.staging_buffers(), static_cast<std::size_t>(set.staging_bytes()),
                                                     static_cast<int>(set.source().width), static_cast<int>(set.source().height));
    // Checks the final tensor's size against the device's storage-buffer range now (a fallback),
    // not at the first update (an error).
    m_writer->bind_source(plan.final_buffer(), plan.final_bytes(), texel_maps(g));
    if (set.source().mip_filter == NTEX_MIP_FILTER_MATERIAL && set.mip_levels() > 1) {
        m_mips = std::make_shared<vulkan::MaterialMipWriter>(plan.context(), m_writer->pipelines(), set.staging_buffers(), static_cast<int>(set.source().width),
                                                             static_cast<int>(set.source().height), static_cast<int>(set.mip_levels()),
                                                             set.staging_level_offsets(), set.host_formats(), set.source().map_indices,
                                                             set.source().packings);
        m_mips->bind_source(plan.final_buffer(), plan.final_bytes(), g.model().description());
    }
}

std::size_t ComputeTexels::work_bytes() const noexcept { return m_mips ? m_mips->work_bytes() : 0; }

void ComputeTexels::name_objects(const std::string& prefix) noexcept {
    if (!m_set.device().debug_utils()) return;
    try {
        m_name_prefix = prefix;
        auto* plan = dynamic_cast<const vulkan::VulkanPlan*>(m_plan.get());
        if (plan == nullptr) return;
        for (const vulkan::VulkanPlan::NamedObject& o : plan->debug_objects()) m_set.device().set_name(o.type, o.handle, prefix + ": plan: " + o.name);
        vulkan::DebugObjects writer;
        m_writer->debug_objects(writer);
        if (m_mips) m_mips->debug_objects(writer);
        for (const vulkan::NamedObject& o : writer.objects()) m_set.device().set_name(o.type, o.handle, prefix + ": " + o.name);
    } catch (...) {
        // Out of memory while formatting a debugging aid: leave the objects unnamed.
    }
}

std::vector<vulkan::TexelMap> ComputeTexels::texel_maps(const TextureGenerator& g) const {
    const ModelDescription& d = g.model().description();
    std::vector<vulkan::TexelMap> maps;
    const auto& packings = m_set.source().packings;
    for (std::size_t i = 0; i < m_set.host_formats().size(); ++i) {
        const std::size_t offset = static_cast<std::size_t>(m_set.staging_offsets()[i]);
        maps.push_back(packings.empty() ? vulkan::make_texel_map(d, m_set.source().map_indices[i], m_set.host_formats()[i], offset)
                                        : vulkan::make_packed_texel_map(d, packings[i], m_set.host_formats()[i], offset));
    }
    return maps;
}

ComputeTexels::~ComputeTexels() = default;

bool ComputeTexels::record(VkCommandBuffer cmd, AsyncGenerator& generator, std::size_t slot, bool all_executed) {
    bool wrote = false;
    // Never waits: a generation queued or running on the worker (ntexGenerateAsync) means NOT_READY.
    const bool idle = generator.try_with_idle_generator([&](TextureGenerator& g, uint64_t revision) {
        std::shared_ptr<GeneratorBackend> shared = g.shared_backend();
        if (m_recorded && shared == m_plan && revision == m_last_revision) return;   // nothing changed
        vulkan::VulkanPlan& plan = compute_plan_of(g, m_set.device().device());
        // A new plan (a hot reload replaced the generator: new weights, maybe new ranges, channels or
        // height scale): the descriptor sets are shared by the ring's slots and the old plan's buffers
        // are bound in them, so only once every earlier update executed (else NOT_READY: next frame).
        if (shared != m_plan && m_recorded && !all_executed) return;
        if (shared != m_plan) {
            m_writer->bind_source(plan.final_buffer(), plan.final_bytes(), texel_maps(g));
            if (m_mips) m_mips->bind_source(plan.final_buffer(), plan.final_bytes(), g.model().description());
            m_plan = std::move(shared);
            if (!m_name_prefix.empty()) name_objects(m_name_prefix);
        }
        // Style / seed / layout changes go into this slot's staging arena (free: its previous update
        // executed) and are copied into the plan's inputs by the recorded commands themselves.
        plan.select_staging_slot(static_cast<int>(slot));
        try {
            g.prepare();
            plan.record_into(cmd);   // the copies, then the network
        } catch (...) {
            plan.select_staging_slot(-1);
            throw;
        }
        plan.select_staging_slot(-1);   // ntexGenerate's run() writes in place
        vulkan::memory_barrier(*plan.context(), cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
        m_writer->record(cmd, slot, plan.width(), plan.height(), plan.output_channels(), g.halo(), g.halo());
        if (m_mips) m_mips->record(cmd, slot, plan.width(), plan.height(), plan.output_channels(), g.halo(), g.halo());
        m_last_revision = revision;
        m_recorded = true;
        wrote = true;
    });
    return idle && wrote;
}

}  // namespace ntex::interop
