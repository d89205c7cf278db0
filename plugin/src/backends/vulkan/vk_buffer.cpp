// SPDX-License-Identifier: MIT
// Buffer: allocation, binding and mapping of one storage buffer.
#include "backends/vulkan/vk_buffer.h"

#include <utility>

namespace ntex::vulkan {

Buffer::Buffer(std::shared_ptr<ComputeContext> context, std::size_t bytes, MemoryKind kind)
    : m_context(std::move(context)), m_bytes((bytes + 15) / 16 * 16) {
    if (m_bytes == 0) m_bytes = 16;
    const ComputeFunctions& vk = m_context->vk();
    const VkDevice device = m_context->device();
    VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bci.size = m_bytes;
    bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    try {
        NTEX_VK_CHECK(vk.vkCreateBuffer(device, &bci, m_context->allocator(), &m_buffer));
        VkMemoryRequirements req;
        vk.vkGetBufferMemoryRequirements(device, m_buffer, &req);
        constexpr VkMemoryPropertyFlags kHost = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        uint32_t type = 0;
        switch (kind) {
            case MemoryKind::DeviceLocal: type = m_context->memory_type(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT); break;
            case MemoryKind::Upload: type = m_context->memory_type(req.memoryTypeBits, kHost, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT); break;
            case MemoryKind::Readback: type = m_context->memory_type(req.memoryTypeBits, kHost, VK_MEMORY_PROPERTY_HOST_CACHED_BIT); break;
        }
        // Host kinds get a host-visible type (required above), so their block is mapped; a device-local
        // type that happens to be host-visible too stays unmapped.
        m_memory = m_context->memory_pool().allocate(req.size, req.alignment, type, kind != MemoryKind::DeviceLocal);
        NTEX_VK_CHECK(vk.vkBindBufferMemory(device, m_buffer, m_memory.memory, m_memory.offset));
        if (kind != MemoryKind::DeviceLocal) m_mapped = m_memory.mapped;
    } catch (...) {
        release();
        throw;
    }
}

Buffer::~Buffer() { release(); }

Buffer::Buffer(Buffer&& other) noexcept
    : m_context(std::move(other.m_context)), m_buffer(std::exchange(other.m_buffer, VK_NULL_HANDLE)),
      m_memory(std::exchange(other.m_memory, MemoryPool::Allocation{})), m_mapped(std::exchange(other.m_mapped, nullptr)),
      m_bytes(std::exchange(other.m_bytes, 0)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        release();
        m_context = std::move(other.m_context);
        m_buffer = std::exchange(other.m_buffer, VK_NULL_HANDLE);
        m_memory = std::exchange(other.m_memory, MemoryPool::Allocation{});
        m_mapped = std::exchange(other.m_mapped, nullptr);
        m_bytes = std::exchange(other.m_bytes, 0);
    }
    return *this;
}

void Buffer::release() noexcept {
    if (!m_context) return;
    const ComputeFunctions& vk = m_context->vk();
    if (m_buffer != VK_NULL_HANDLE) vk.vkDestroyBuffer(m_context->device(), m_buffer, m_context->allocator());
    m_context->memory_pool().release(m_memory);   // the block is unmapped and freed with its last buffer
    m_mapped = nullptr;
    m_buffer = VK_NULL_HANDLE;
    m_memory = MemoryPool::Allocation{};
}

}  // namespace ntex::vulkan
