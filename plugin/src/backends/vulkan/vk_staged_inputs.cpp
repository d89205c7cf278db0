// SPDX-License-Identifier: MIT
// StagedInputs: arenas per slot, changed-region copies.
#include "backends/vulkan/vk_staged_inputs.h"

#include "core/error.h"

#include <cstring>

namespace ntex::vulkan {

int StagedInputs::add(const Buffer& input) {
    const std::size_t aligned = (m_total + 15) / 16 * 16;   // copies need 4-byte offsets; 16 keeps floats aligned
    m_regions.push_back(Region{&input, aligned, input.bytes(), false});
    m_total = aligned + input.bytes();
    return static_cast<int>(m_regions.size() - 1);
}

void StagedInputs::select(int slot) {
    if (slot < -1 || slot >= kMaxSlots) fail(NTEX_ERROR_INVALID_ARGUMENT, "staging slot ", slot, " is outside -1..", kMaxSlots - 1);
    if (slot >= 0 && m_arenas[static_cast<std::size_t>(slot)].get() == VK_NULL_HANDLE && m_total > 0) {
        Buffer arena(m_context, m_total, MemoryKind::Upload);
        std::memset(arena.host(), 0, arena.bytes());
        m_arenas[static_cast<std::size_t>(slot)] = std::move(arena);
    }
    m_slot = slot;
}

float* StagedInputs::write(int region) noexcept {
    Region& r = m_regions[static_cast<std::size_t>(region)];
    if (m_slot < 0 || m_total == 0) return r.input->host();
    r.changed = true;
    return reinterpret_cast<float*>(reinterpret_cast<unsigned char*>(m_arenas[static_cast<std::size_t>(m_slot)].host()) + r.offset);
}

void StagedInputs::record(VkCommandBuffer cmd) {
    if (m_slot < 0) return;
    bool any = false;
    for (const Region& r : m_regions) any = any || r.changed;
    if (!any) return;
    const ComputeFunctions& vk = m_context->vk();
    const BarrierRecorder& barriers = m_context->barriers();
    // Earlier copies (WAW); earlier reads need only the execution dependency.
    barriers.memory(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                    VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
    const VkBuffer arena = m_arenas[static_cast<std::size_t>(m_slot)].get();
    for (Region& r : m_regions) {
        if (!r.changed) continue;
        const VkBufferCopy copy{r.offset, 0, r.bytes};
        vk.vkCmdCopyBuffer(cmd, arena, r.input->get(), 1, &copy);
        r.changed = false;
    }
    barriers.memory(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                    VK_ACCESS_SHADER_READ_BIT);
}

std::size_t StagedInputs::arena_bytes() const noexcept {
    std::size_t b = 0;
    for (const Buffer& a : m_arenas) b += a.bytes();
    return b;
}

void StagedInputs::debug_objects(DebugObjects& out) const {
    for (std::size_t s = 0; s < m_arenas.size(); ++s) out.add(VK_OBJECT_TYPE_BUFFER, m_arenas[s].get(), cat("input staging slot ", s));
}

}  // namespace ntex::vulkan
