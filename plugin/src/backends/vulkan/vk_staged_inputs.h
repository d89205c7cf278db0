// SPDX-License-Identifier: MIT
// StagedInputs: the host-written inputs of a VulkanPlan (modulated filters, noise maps, the input
// grid, layout levels) written either in place or through per-slot staging arenas.
//
// In place (slot -1): writes go straight into the plan's mapped input buffers; right for run(),
// which waits for its own submit before the next write.
// Staged (slot 0..kMaxSlots-1, a texture set's ring slot): writes go into that slot's arena and
// record() records copies of the changed regions into the input buffers, ahead of the plan's
// dispatches in the same command buffer. The copies execute in queue order, so the input buffers
// always hold the newest recorded state, and the host only ever writes an arena whose slot's previous
// update has executed (the texture set's timeline check): an update can be recorded every frame with
// several frames in flight, and nothing the GPU may still read is written by the host.
#pragma once

#include "backends/vulkan/vk_buffer.h"
#include "backends/vulkan/vk_debug_names.h"

#include <array>
#include <memory>
#include <vector>

namespace ntex::vulkan {

class StagedInputs {
public:
    static constexpr int kMaxSlots = 4;   // NtexTextureSetCreateInfo::ringSize's maximum

    explicit StagedInputs(std::shared_ptr<ComputeContext> context) : m_context(std::move(context)) {}
    // Registers an input buffer (Upload memory) before the first select(); returns its region id.
    int add(const Buffer& input);
    // -1: in place; 0..kMaxSlots-1: that slot's arena (allocated, zeroed, on first use). Throws
    // INVALID_ARGUMENT for another value, BACKEND / OUT_OF_MEMORY when the arena cannot be made.
    void select(int slot);
    int selected() const noexcept { return m_slot; }
    // Where to write region `region`'s floats now (the whole region is rewritten by the caller);
    // in staged mode it is marked changed.
    float* write(int region) noexcept;
    // Staged mode: records a barrier (earlier dispatches' reads before the overwrite), one copy per
    // changed region from the slot's arena, and a barrier (copies before the compute shaders' reads);
    // then nothing is marked changed. Nothing is recorded when nothing changed or in place.
    void record(VkCommandBuffer cmd);
    std::size_t arena_bytes() const noexcept;

    // Its Vulkan objects, named for VK_EXT_debug_utils (vk_debug_names.h).
    void debug_objects(DebugObjects& out) const;

private:
    struct Region {
        const Buffer* input = nullptr;
        std::size_t offset = 0;   // into each arena
        std::size_t bytes = 0;
        bool changed = false;
    };
    std::shared_ptr<ComputeContext> m_context;
    std::vector<Region> m_regions;
    std::size_t m_total = 0;
    std::array<Buffer, kMaxSlots> m_arenas;
    int m_slot = -1;
};

}  // namespace ntex::vulkan
