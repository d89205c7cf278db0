// SPDX-License-Identifier: MIT
// buffer.cpp: dedicated-memory buffers (the engine allocates a handful; no suballocator needed).
#include "engine/buffer.h"

#include "engine/context.h"
#include "engine/error.h"

#include <utility>

namespace engine {

Buffer::Buffer(const Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage, VkMemoryPropertyFlags memory)
    : m_device(ctx.device()), m_size(size) {
    try {
        VkBufferCreateInfo ci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        ci.size = size;
        ci.usage = usage;
        ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        ENGINE_VK_CHECK(vkCreateBuffer(m_device, &ci, nullptr, &m_buffer));

        VkMemoryRequirements req;
        vkGetBufferMemoryRequirements(m_device, m_buffer, &req);
        VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        ai.allocationSize = req.size;
        ai.memoryTypeIndex = ctx.find_memory_type(req.memoryTypeBits, memory);
        ENGINE_VK_CHECK(vkAllocateMemory(m_device, &ai, nullptr, &m_memory));
        ENGINE_VK_CHECK(vkBindBufferMemory(m_device, m_buffer, m_memory, 0));
        if (memory & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
            ENGINE_VK_CHECK(vkMapMemory(m_device, m_memory, 0, VK_WHOLE_SIZE, 0, &m_mapped));
            m_coherent = (memory & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
        }
    } catch (...) {
        reset();
        throw;
    }
}

Buffer::~Buffer() { reset(); }

Buffer::Buffer(Buffer&& other) noexcept { *this = std::move(other); }

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        reset();
        m_device = std::exchange(other.m_device, VK_NULL_HANDLE);
        m_buffer = std::exchange(other.m_buffer, VK_NULL_HANDLE);
        m_memory = std::exchange(other.m_memory, VK_NULL_HANDLE);
        m_size = std::exchange(other.m_size, 0);
        m_mapped = std::exchange(other.m_mapped, nullptr);
        m_coherent = other.m_coherent;
    }
    return *this;
}

void Buffer::reset() noexcept {
    if (m_device == VK_NULL_HANDLE) return;
    if (m_buffer != VK_NULL_HANDLE) vkDestroyBuffer(m_device, m_buffer, nullptr);
    if (m_memory != VK_NULL_HANDLE) vkFreeMemory(m_device, m_memory, nullptr);   // also unmaps
    m_buffer = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
    m_mapped = nullptr;
}

void Buffer::flush() const {
    if (m_coherent || !m_mapped) return;
    VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE};
    range.memory = m_memory;
    range.size = VK_WHOLE_SIZE;
    ENGINE_VK_CHECK(vkFlushMappedMemoryRanges(m_device, 1, &range));
}

void Buffer::invalidate() const {
    if (m_coherent || !m_mapped) return;
    VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE};
    range.memory = m_memory;
    range.size = VK_WHOLE_SIZE;
    ENGINE_VK_CHECK(vkInvalidateMappedMemoryRanges(m_device, 1, &range));
}

}  // namespace engine
