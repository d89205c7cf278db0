// SPDX-License-Identifier: MIT
// GpuModulation: modulate.comp's buffers, descriptor sets and dispatches.
#include "backends/vulkan/vk_modulation.h"

#include "backends/vulkan/vulkan_plan.h"
#include "core/checked_size.h"

#include <cstring>

namespace ntex::vulkan {

namespace {

Buffer upload(const std::shared_ptr<ComputeContext>& context, const std::vector<float>& values, const char* what) {
    Buffer b(context, (CheckedSize(values.size()) * sizeof(float)).get(what), MemoryKind::Upload);
    std::memcpy(b.host(), values.data(), values.size() * sizeof(float));
    return b;
}

}  // namespace

GpuModulation::GpuModulation(std::shared_ptr<ComputeContext> context, PlanPipelines& pipelines, const LoadedModel& model,
                             std::vector<Target> targets, VkBuffer dummy)
    : m_context(std::move(context)), m_w_dim(model.description().w_dim), m_layout(pipelines.layout()) {
    const ModelDescription& d = model.description();
    m_w = Buffer(m_context, (CheckedSize(m_w_dim) * sizeof(float)).get("style buffer"), MemoryKind::Upload);
    std::memset(m_w.host(), 0, m_w.bytes());
    for (const Target& t : targets) {
        const SynthesisOp& op = d.ops.at(t.op_index);
        Op o;
        o.op_index = t.op_index;
        o.in = op.in, o.out = op.out, o.kk = op.kernel * op.kernel;
        o.demodulate = op.demodulate;
        o.filter = t.filter;
        o.weight = upload(m_context, model.tensor(op.weight), "conv weight buffer");
        o.affine_w = upload(m_context, model.tensor(op.affine_weight), "affine weight buffer");
        o.affine_b = upload(m_context, model.tensor(op.affine_bias), "affine bias buffer");
        o.scales = Buffer(m_context, (CheckedSize(op.in) * sizeof(float)).get("style scales buffer"), MemoryKind::DeviceLocal);
        m_ops.push_back(std::move(o));
    }
    if (m_ops.empty()) return;
    m_pipeline = pipelines.get(Shader::Modulate);
    const std::vector<VkDescriptorSet> sets = allocate_sets_or_release(pipelines, static_cast<uint32_t>(2 * m_ops.size()), &m_pool);
    for (std::size_t i = 0; i < m_ops.size(); ++i) {
        Op& o = m_ops[i];
        o.sets[0] = sets[2 * i];
        o.sets[1] = sets[2 * i + 1];
        // modulate.comp's bindings: w, dst, weight, affine W, affine b, s (the rest unused).
        const VkBuffer pass0[kPlanBindings] = {m_w.get(), o.scales.get(), o.weight.get(), o.affine_w.get(), o.affine_b.get(), dummy, dummy};
        const VkBuffer pass1[kPlanBindings] = {m_w.get(), o.filter, o.weight.get(), o.affine_w.get(), o.affine_b.get(), o.scales.get(), dummy};
        write_plan_bindings(*m_context, o.sets[0], pass0);
        write_plan_bindings(*m_context, o.sets[1], pass1);
    }
}

GpuModulation::~GpuModulation() {
    // The owning plan waits for (or the host has executed) every submission that used the sets.
    if (m_pool != VK_NULL_HANDLE) m_context->vk().vkDestroyDescriptorPool(m_context->device(), m_pool, m_context->allocator());
}

std::size_t GpuModulation::device_bytes() const noexcept {
    std::size_t b = m_w.bytes();
    for (const Op& op : m_ops) b += op.weight.bytes() + op.affine_w.bytes() + op.affine_b.bytes() + op.scales.bytes();
    return b;
}

void GpuModulation::record(VkCommandBuffer cmd) const {
    if (m_ops.empty()) return;
    const ComputeFunctions& vk = m_context->vk();
    vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipeline);
    for (int pass = 0; pass < 2; ++pass) {
        for (const Op& o : m_ops) {
            PushConstants pc;
            pc.src_w = o.in, pc.src_h = o.out, pc.src_halo = o.kk;
            pc.dst_w = m_w_dim, pc.dst_h = o.demodulate ? 1 : 0;
            pc.channels = pass;
            const int n = pass == 0 ? o.in : (o.out + 3) / 4 * 4;
            vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_layout, 0, 1, &o.sets[pass], 0, nullptr);
            vk.vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushConstants), &pc);
            vk.vkCmdDispatch(cmd, static_cast<uint32_t>((n + 63) / 64), 1, 1);
        }
        // Pass 1 reads every op's s (and overwrites filters the previous frame's convs read: the
        // caller's leading barrier orders that).
        if (pass == 0) {
            memory_barrier(*m_context, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                           VK_ACCESS_SHADER_READ_BIT);
        }
    }
}

void GpuModulation::debug_objects(DebugObjects& out) const {
    out.add(VK_OBJECT_TYPE_BUFFER, m_w.get(), "style w");
    for (const Op& o : m_ops) {
        out.add(VK_OBJECT_TYPE_BUFFER, o.weight.get(), cat("op ", o.op_index, " modulation weight"));
        out.add(VK_OBJECT_TYPE_BUFFER, o.affine_w.get(), cat("op ", o.op_index, " modulation affine weight"));
        out.add(VK_OBJECT_TYPE_BUFFER, o.affine_b.get(), cat("op ", o.op_index, " modulation affine bias"));
        out.add(VK_OBJECT_TYPE_BUFFER, o.scales.get(), cat("op ", o.op_index, " modulation style scales"));
    }
    out.add(VK_OBJECT_TYPE_DESCRIPTOR_POOL, m_pool, "modulation descriptor pool");
}

}  // namespace ntex::vulkan
