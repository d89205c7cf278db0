// SPDX-License-Identifier: MIT
// frame.h: frames in flight, paced by one timeline semaphore (no fences).
#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <span>
#include <cstdint>

namespace engine {

class Context;

constexpr uint32_t kFramesInFlight = 2;

// What one frame in flight owns. `done_value`: the timeline value its last submit signals;
// once the timeline reaches it, the pool, command buffer and per-frame buffers are free again.
struct FrameData {
    VkCommandPool pool = VK_NULL_HANDLE;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    VkSemaphore image_available = VK_NULL_HANDLE;   // binary: acquire -> submit (window mode)
    uint64_t done_value = 0;
};

class FrameRing {
public:
    explicit FrameRing(const Context& ctx);
    ~FrameRing();
    FrameRing(const FrameRing&) = delete;
    FrameRing& operator=(const FrameRing&) = delete;

    // Moves to the next slot, waits on the host until its previous submit finished (this is
    // the only per-frame host wait: it caps the CPU at kFramesInFlight frames ahead), resets
    // its pool and begins its command buffer.
    FrameData& begin();
    // Ends the command buffer and submits it; signals the timeline with a new value (and
    // `signal_binary` when not null), waits `wait_binary` at colour output when not null.
    // `waits` / `signals`: more semaphores for the same submit (e.g. a texture library's timeline).
    void submit(VkSemaphore wait_binary, VkSemaphore signal_binary, std::span<const VkSemaphoreSubmitInfo> waits = {},
                std::span<const VkSemaphoreSubmitInfo> signals = {});
    // Waits until every submitted frame has finished (before recreating shared resources).
    void wait_all() const;

    uint32_t index() const { return m_index; }
    FrameData& current() { return m_frames[m_index]; }
    VkSemaphore timeline() const { return m_timeline; }

private:
    void wait_value(uint64_t value) const;

    const Context& m_ctx;
    std::array<FrameData, kFramesInFlight> m_frames{};
    VkSemaphore m_timeline = VK_NULL_HANDLE;
    uint64_t m_last_value = 0;
    uint32_t m_index = kFramesInFlight - 1;
};

}  // namespace engine
