// SPDX-License-Identifier: MIT
// buffer.h: a VkBuffer with its own memory; host-visible buffers stay persistently mapped.
#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>

namespace engine {

class Context;

class Buffer {
public:
    Buffer() = default;
    // `memory` HOST_VISIBLE buffers are mapped for their whole life (staging, uniforms, readback).
    Buffer(const Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage, VkMemoryPropertyFlags memory);
    ~Buffer();
    Buffer(Buffer&& other) noexcept;
    Buffer& operator=(Buffer&& other) noexcept;
    Buffer(const Buffer&) = delete;   // copies would double-free; move instead
    Buffer& operator=(const Buffer&) = delete;

    VkBuffer handle() const { return m_buffer; }
    VkDeviceSize size() const { return m_size; }
    void* mapped() const { return m_mapped; }
    // Makes host writes visible to the device / device writes visible to the host for
    // non-coherent memory; a no-op on coherent memory.
    void flush() const;
    void invalidate() const;

private:
    void reset() noexcept;

    VkDevice m_device = VK_NULL_HANDLE;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    VkDeviceSize m_size = 0;
    void* m_mapped = nullptr;
    bool m_coherent = true;
};

}  // namespace engine
