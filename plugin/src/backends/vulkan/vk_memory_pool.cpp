// SPDX-License-Identifier: MIT
// MemoryPool: bump allocation in a few vkAllocateMemory blocks per memory type.
#include "backends/vulkan/vk_memory_pool.h"

#include "core/checked_size.h"
#include "core/error.h"
#include "core/host_memory.h"

#include <algorithm>

namespace ntex::vulkan {

MemoryPool::~MemoryPool() {
    for (Block& b : m_blocks) free_block(b);
}

void MemoryPool::free_block(Block& b) noexcept {
    if (b.memory == VK_NULL_HANDLE) return;
    if (b.host_owned) {   // the host unmaps and frees its own memory
        const NtexDeviceMemoryCallbacks& host = m_context.memory_callbacks();
        host.pfnFree(host.pUserData, &b.host_allocation);
        b = Block{};
        return;
    }
    const ComputeFunctions& vk = m_context.vk();
    // Freeing mapped memory unmaps it implicitly; unmapping first keeps the validation layer quiet.
    if (b.mapped != nullptr) vk.vkUnmapMemory(m_context.device(), b.memory);
    vk.vkFreeMemory(m_context.device(), b.memory, m_context.allocator());
    b = Block{};
}

MemoryPool::Allocation MemoryPool::allocate(VkDeviceSize size, VkDeviceSize alignment, uint32_t type, bool host) {
    if (type >= VK_MAX_MEMORY_TYPES) fail(NTEX_ERROR_BACKEND, "Vulkan compute: memory type ", type, " out of range");
    alignment = std::max<VkDeviceSize>(alignment, 16);
    std::lock_guard<std::mutex> lock(m_mutex);
    for (std::size_t i = 0; i < m_blocks.size(); ++i) {
        Block& b = m_blocks[i];
        if (b.memory == VK_NULL_HANDLE || b.type != type || b.host != host) continue;
        // Aligned in the memory object, not just in the block: a host's block may start at any multiple
        // of the alignment it was asked for, which a later, larger alignment need not divide.
        const VkDeviceSize offset = (b.base + b.used + alignment - 1) / alignment * alignment - b.base;
        if (offset > b.size || size > b.size - offset) continue;
        b.used = offset + size;
        ++b.live;
        return Allocation{b.memory, b.base + offset, b.mapped ? static_cast<char*>(b.mapped) + offset : nullptr, static_cast<int>(i)};
    }
    // A new block as large as the live blocks of this type together (so they double), 1 MiB .. 64 MiB,
    // or the request's own size; freed blocks no longer count, so sizes shrink again after plans go.
    VkDeviceSize live = 0;
    for (const Block& b : m_blocks) live += b.memory != VK_NULL_HANDLE && b.type == type ? b.size : 0;
    const VkDeviceSize next = std::min(kMaxBlock, std::max(kMinBlock, live));
    const VkDeviceSize block_size = std::max(next, (CheckedSize(size) + alignment).get("memory block"));
    m_blocks.reserve(m_blocks.size() + 1);   // no throwing after the block exists
    Block b = new_block(block_size, alignment, type, host);
    b.used = size;
    b.live = 1;
    // Reuse an empty slot so the vector does not grow with every plan a long session creates.
    auto slot = std::find_if(m_blocks.begin(), m_blocks.end(), [](const Block& x) { return x.memory == VK_NULL_HANDLE; });
    if (slot == m_blocks.end()) slot = m_blocks.insert(m_blocks.end(), b);
    else *slot = b;
    return Allocation{b.memory, b.base, b.mapped, static_cast<int>(slot - m_blocks.begin())};
}

MemoryPool::Block MemoryPool::new_block(VkDeviceSize size, VkDeviceSize alignment, uint32_t type, bool host) {
    Block b;
    b.size = size;
    b.type = type;
    b.host = host;
    const NtexDeviceMemoryCallbacks& callbacks = m_context.memory_callbacks();
    if (callbacks.pfnAllocate != nullptr) {
        // The one memory type ntex chose for the buffers (memory_type(): their requirements, with the
        // flags their kind needs), so every buffer later placed in the block accepts it.
        constexpr VkMemoryPropertyFlags kHost = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        const NtexDeviceMemoryAllocation a =
            host_allocate(callbacks, size, alignment, 1u << type, host ? kHost : 0, host, "Vulkan compute buffers");
        b.memory = a.memory;
        b.base = a.offset;
        b.mapped = host ? a.pMapped : nullptr;
        b.host_owned = true;
        b.host_allocation = a;
        return b;
    }
    VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    mai.allocationSize = size;
    mai.memoryTypeIndex = type;
    const ComputeFunctions& vk = m_context.vk();
    NTEX_VK_CHECK(vk.vkAllocateMemory(m_context.device(), &mai, m_context.allocator(), &b.memory));
    if (host) {
        const VkResult mapped = vk.vkMapMemory(m_context.device(), b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped);
        if (mapped != VK_SUCCESS) {
            vk.vkFreeMemory(m_context.device(), b.memory, m_context.allocator());
            NTEX_VK_CHECK(mapped);
        }
    }
    return b;
}

void MemoryPool::release(const Allocation& a) noexcept {
    if (a.block < 0) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (static_cast<std::size_t>(a.block) >= m_blocks.size()) return;
    Block& b = m_blocks[static_cast<std::size_t>(a.block)];
    if (b.memory != a.memory || b.live == 0) return;
    if (--b.live == 0) free_block(b);
}

std::size_t MemoryPool::block_count() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return static_cast<std::size_t>(std::count_if(m_blocks.begin(), m_blocks.end(), [](const Block& b) { return b.memory != VK_NULL_HANDLE; }));
}

}  // namespace ntex::vulkan
