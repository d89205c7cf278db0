// SPDX-License-Identifier: MIT
// MemoryBlocks: suballocation of a group of buffers or images into as few VkDeviceMemory allocations as
// their memory types allow (one per memory type, split at kBlockBytes), instead of one allocation per
// resource. Drivers limit allocations (maxMemoryAllocationCount, 4096 on many) and make each one slow;
// the best-practices validation layer flags small dedicated allocations (review embedding-2026-12).
// Resources of one group are all buffers or all optimal-tiling images, so bufferImageGranularity never
// applies between neighbours. With the host's NtexDeviceMemoryCallbacks the blocks come from the host
// (placed at an offset inside its memory, mapped by it) instead of vkAllocateMemory.
#pragma once

#include "interop/vulkan_device.h"

#include <cstddef>
#include <vector>

namespace ntex::interop {

class MemoryBlocks {
public:
    // A block holds resources up to this many bytes in total; a larger resource gets a block of its own.
    static constexpr VkDeviceSize kBlockBytes = VkDeviceSize{256} << 20;

    MemoryBlocks() = default;
    ~MemoryBlocks() = default;   // release() frees: the owner knows when the device may still use them
    MemoryBlocks(const MemoryBlocks&) = delete;
    MemoryBlocks& operator=(const MemoryBlocks&) = delete;
    MemoryBlocks(MemoryBlocks&&) noexcept = default;
    MemoryBlocks& operator=(MemoryBlocks&&) noexcept = default;

    // Allocates blocks for resources with these requirements, each in a memory type with all of
    // `required`, and binds them (vkBindBufferMemory / vkBindImageMemory). With `map`, maps each block
    // once (persistently) and mapped(i) is resource i's pointer. Throws ntex::Error naming `what`; the
    // blocks allocated so far stay owned (release() frees them).
    void bind_buffers(const VulkanDevice& device, const std::vector<VkBuffer>& buffers, VkMemoryPropertyFlags required, bool map,
                      const char* what);
    void bind_images(const VulkanDevice& device, const std::vector<VkImage>& images, VkMemoryPropertyFlags required, const char* what);

    void* mapped(std::size_t resource) const noexcept { return m_mapped[resource]; }
    std::size_t block_count() const noexcept { return m_blocks.size(); }
    // The footprint: bytes of every block (alignment padding included), and how many are ntex's own
    // vkAllocateMemory allocations vs ranges of the host's memory (NtexDeviceMemoryCallbacks).
    VkDeviceSize bytes() const noexcept;
    std::size_t own_allocations() const noexcept;
    // Frees every block (unmapping implicitly). Every resource bound to them must be destroyed first.
    void release(const VulkanDevice& device) noexcept;

private:
    struct Placement {
        std::size_t block;
        VkDeviceSize offset;   // from the block's start
    };
    // One block: ntex's own VkDeviceMemory (host_owned false), or a range of the host's.
    struct Block {
        NtexDeviceMemoryAllocation allocation{};   // memory, offset (0 for ntex's own), pMapped
        VkDeviceSize size = 0;
        bool host_owned = false;
    };
    std::vector<Placement> plan(const VulkanDevice& device, const std::vector<VkMemoryRequirements>& reqs, VkMemoryPropertyFlags required,
                                bool map, const char* what);

    std::vector<Block> m_blocks;
    std::vector<void*> m_mapped;
};

}  // namespace ntex::interop
