// SPDX-License-Identifier: MIT
// Buffer: one VkBuffer bound into the context's MemoryPool (vk_memory_pool.h: a few blocks per memory
// type, not an allocation per buffer; RAII, move-only). Device-local buffers hold
// activations; host-visible coherent ones (persistently mapped) hold what the host writes between
// frames (modulated weights, noise, layout levels) and the read-back of the final tensor.
#pragma once

#include "backends/vulkan/vk_compute_context.h"
#include "backends/vulkan/vk_memory_pool.h"

#include <cstddef>
#include <memory>

namespace ntex::vulkan {

enum class MemoryKind {
    DeviceLocal,   // activations: never touched by the host
    Upload,        // host writes, shaders read: HOST_VISIBLE | HOST_COHERENT (DEVICE_LOCAL preferred: ReBAR/UMA)
    Readback,      // transfer writes, host reads: HOST_VISIBLE | HOST_COHERENT (HOST_CACHED preferred)
};

class Buffer {
public:
    Buffer() = default;
    // `bytes` is rounded up to 16 (a zero-size VkBuffer is invalid; unused bindings get a dummy).
    Buffer(std::shared_ptr<ComputeContext> context, std::size_t bytes, MemoryKind kind);
    ~Buffer();
    Buffer(Buffer&& other) noexcept;
    Buffer& operator=(Buffer&& other) noexcept;
    Buffer(const Buffer&) = delete;   // no accidental copies of GPU memory
    Buffer& operator=(const Buffer&) = delete;

    VkBuffer get() const noexcept { return m_buffer; }
    std::size_t bytes() const noexcept { return m_bytes; }
    // Host pointer of an Upload / Readback buffer (mapped for its lifetime); nullptr for DeviceLocal.
    float* host() const noexcept { return static_cast<float*>(m_mapped); }

private:
    void release() noexcept;
    std::shared_ptr<ComputeContext> m_context;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    MemoryPool::Allocation m_memory;
    void* m_mapped = nullptr;
    std::size_t m_bytes = 0;
};

}  // namespace ntex::vulkan
