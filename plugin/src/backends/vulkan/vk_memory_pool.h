// SPDX-License-Identifier: MIT
// MemoryPool: the Vulkan compute backend's device memory, suballocated. A plan owns dozens of small
// buffers (per conv: filter, bias, noise map, layout gain, and the modulation's weight, affine and style
// buffers); one vkAllocateMemory each counted against maxMemoryAllocationCount (4,096 on some drivers)
// and was what an engine embedding ntex flagged first. Here buffers are placed into a few blocks per
// memory type, bump-allocated; a block is freed when its last buffer is (plans create and destroy their
// buffers together, so space is not reused inside a block). A new block is as large as the live ones of its
// memory type together (geometric growth), 1 MiB to 64 MiB;
// a larger request gets a block of its own size. Host-visible blocks are mapped once for their lifetime.
// With the host's NtexDeviceMemoryCallbacks (ComputeContext::memory_callbacks) every block is a range of
// the host's memory (pfnAllocate, mapped by the host) instead of ntex's own vkAllocateMemory, and goes back
// through pfnFree: an engine with its own allocator (VMA or otherwise) then owns all of ntex's device memory.
// Thread-safe (generators on several host threads share one context's pool); the host's callbacks are
// called under the pool's lock, so never concurrently.
#pragma once

#include "backends/vulkan/vk_compute_context.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace ntex::vulkan {

class MemoryPool {
public:
    struct Allocation {
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkDeviceSize offset = 0;
        void* mapped = nullptr;   // host pointer of `offset` (host-visible memory types), else nullptr
        int block = -1;           // the pool's block index (for release)
    };

    explicit MemoryPool(const ComputeContext& context) : m_context(context) {}
    ~MemoryPool();   // frees the blocks still held (none once every Buffer is gone)
    MemoryPool(const MemoryPool&) = delete;
    MemoryPool& operator=(const MemoryPool&) = delete;

    // `size` bytes at a multiple of `alignment` in memory of `type` (a memory type index); `host`: the
    // type is host-visible and the block is mapped. Throws BACKEND / OUT_OF_MEMORY (vkAllocateMemory or
    // pfnAllocate failed), INVALID_ARGUMENT (pfnAllocate returned no memory, a misaligned offset or, for a
    // host-visible block, no mapped pointer).
    Allocation allocate(VkDeviceSize size, VkDeviceSize alignment, uint32_t type, bool host);
    void release(const Allocation& allocation) noexcept;
    // Blocks live now (vkAllocateMemory allocations, or the host's ranges with callbacks), for tests and reports.
    std::size_t block_count() const;

    static constexpr VkDeviceSize kMinBlock = VkDeviceSize{1} << 20;
    static constexpr VkDeviceSize kMaxBlock = VkDeviceSize{64} << 20;

private:
    struct Block {
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkDeviceSize base = 0;   // where the block starts in `memory` (0 for ntex's own allocations)
        VkDeviceSize size = 0, used = 0;   // used: bytes from `base`
        uint32_t type = 0;
        bool host = false;
        void* mapped = nullptr;   // host pointer of `base`
        std::size_t live = 0;     // allocations not yet released
        bool host_owned = false;  // from NtexDeviceMemoryCallbacks::pfnAllocate
        NtexDeviceMemoryAllocation host_allocation{};
    };
    // A new block of `size` bytes (its start a multiple of `alignment`) in memory type `type`.
    Block new_block(VkDeviceSize size, VkDeviceSize alignment, uint32_t type, bool host);
    void free_block(Block& b) noexcept;

    const ComputeContext& m_context;
    mutable std::mutex m_mutex;
    std::vector<Block> m_blocks;   // freed blocks stay as empty slots (indices are handles)
};

}  // namespace ntex::vulkan
