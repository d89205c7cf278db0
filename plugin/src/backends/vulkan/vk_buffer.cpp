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
        VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        mai.allocationSize = req.size;
        constexpr VkMemoryPropertyFlags kHost = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        switch (kind) {
            case MemoryKind::DeviceLocal:
                mai.memoryTypeIndex = m_context->memory_type(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
                break;
            case MemoryKind::Upload:
                mai.memoryTypeIndex = m_context->memory_type(req.memoryTypeBits, kHost, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
                break;
            case MemoryKind::Readback:
                mai.memoryTypeIndex = m_context->memory_type(req.memoryTypeBits, kHost, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
                break;
        }
        NTEX_VK_CHECK(vk.vkAllocateMemory(device, &mai, m_context->allocator(), &m_memory));
        NTEX_VK_CHECK(vk.vkBindBufferMemory(device, m_buffer, m_memory, 0));
        if (kind != MemoryKind::DeviceLocal) NTEX_VK_CHECK(vk.vkMapMemory(device, m_memory, 0, VK_WHOLE_SIZE, 0, &m_mapped));
    } catch (...) {
        release();
        throw;
    }
}

Buffer::~Buffer() { release(); }

Buffer::Buffer(Buffer&& other) noexcept
    : m_context(std::move(other.m_context)), m_buffer(std::exchange(other.m_buffer, VK_NULL_HANDLE)),
      m_memory(std::exchange(other.m_memory, VK_NULL_HANDLE)), m_mapped(std::exchange(other.m_mapped, nullptr)),
      m_bytes(std::exchange(other.m_bytes, 0)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        release();
        m_context = std::move(other.m_context);
        m_buffer = std::exchange(other.m_buffer, VK_NULL_HANDLE);
        m_memory = std::exchange(other.m_memory, VK_NULL_HANDLE);
        m_mapped = std::exchange(other.m_mapped, nullptr);
        m_bytes = std::exchange(other.m_bytes, 0);
    }
    return *this;
}

void Buffer::release() noexcept {
    if (!m_context) return;
    const ComputeFunctions& vk = m_context->vk();
    // Freeing mapped memory unmaps it implicitly; unmapping first keeps the validation layer quiet.
    if (m_mapped != nullptr) vk.vkUnmapMemory(m_context->device(), m_memory);
    if (m_buffer != VK_NULL_HANDLE) vk.vkDestroyBuffer(m_context->device(), m_buffer, m_context->allocator());
    if (m_memory != VK_NULL_HANDLE) vk.vkFreeMemory(m_context->device(), m_memory, m_context->allocator());
    m_mapped = nullptr;
    m_buffer = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
}

}  // namespace ntex::vulkan
