// SPDX-License-Identifier: MIT
// memory_blocks.cpp: first-fit placement of a resource group into per-memory-type blocks.
#include "interop/memory_blocks.h"

#include "core/error.h"
#include "core/host_memory.h"

#include <algorithm>

namespace ntex::interop {

namespace {
VkDeviceSize align_up(VkDeviceSize value, VkDeviceSize alignment) noexcept {
    return alignment > 1 ? (value + alignment - 1) / alignment * alignment : value;
}
}  // namespace

std::vector<MemoryBlocks::Placement> MemoryBlocks::plan(const VulkanDevice& device, const std::vector<VkMemoryRequirements>& reqs,
                                                        VkMemoryPropertyFlags required, bool map, const char* what) {
    struct Open {
        uint32_t type;
        VkDeviceSize size;
        VkDeviceSize alignment;   // the largest of its resources'
        uint32_t type_bits;       // the types every resource in it accepts
    };
    std::vector<Open> open;
    std::vector<Placement> placements;
    for (const VkMemoryRequirements& req : reqs) {
        const uint32_t type = device.memory_type(req.memoryTypeBits, required);
        std::size_t block = open.size();
        for (std::size_t b = 0; b < open.size(); ++b) {
            if (open[b].type == type && align_up(open[b].size, req.alignment) + req.size <= kBlockBytes) {
                block = b;
                break;
            }
        }
        if (block == open.size()) open.push_back(Open{type, 0, 1, ~0u});
        const VkDeviceSize offset = align_up(open[block].size, req.alignment);
        open[block].size = offset + req.size;
        open[block].alignment = std::max(open[block].alignment, req.alignment);
        open[block].type_bits &= req.memoryTypeBits;
        placements.push_back(Placement{m_blocks.size() + block, offset});
    }
    const NtexDeviceMemoryCallbacks& host = device.memory_callbacks();
    for (const Open& o : open) {
        Block block;
        if (host.pfnAllocate != nullptr) {
            // Every type in the offer accepts every resource of the block and has the flags ntex needs.
            const uint32_t bits = device.memory_types_with(o.type_bits, required);
            block.allocation = host_allocate(host, o.size, o.alignment, bits, required, map, what);
            block.host_owned = true;
        } else {
            VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
            mai.allocationSize = o.size;
            mai.memoryTypeIndex = o.type;
            VkDeviceMemory memory = VK_NULL_HANDLE;
            const VkResult r = device.vk().vkAllocateMemory(device.device(), &mai, device.allocator(), &memory);
            if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY) {
                fail(NTEX_ERROR_OUT_OF_MEMORY, "vkAllocateMemory(", what, ", ", o.size, " bytes) failed: ", vk_result_name(r));
            }
            check_vk(r, "vkAllocateMemory");
            block.allocation.memory = memory;
        }
        block.size = o.size;
        m_blocks.push_back(block);
        if (map && !block.host_owned) {
            check_vk(device.vk().vkMapMemory(device.device(), block.allocation.memory, 0, VK_WHOLE_SIZE, 0, &m_blocks.back().allocation.pMapped),
                     "vkMapMemory");
        }
    }
    return placements;
}

void MemoryBlocks::bind_buffers(const VulkanDevice& device, const std::vector<VkBuffer>& buffers, VkMemoryPropertyFlags required, bool map,
                                const char* what) {
    const auto& vk = device.vk();
    std::vector<VkMemoryRequirements> reqs(buffers.size());
    for (std::size_t i = 0; i < buffers.size(); ++i) vk.vkGetBufferMemoryRequirements(device.device(), buffers[i], &reqs[i]);
    const std::vector<Placement> where = plan(device, reqs, required, map, what);
    m_mapped.assign(buffers.size(), nullptr);
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        const NtexDeviceMemoryAllocation& a = m_blocks[where[i].block].allocation;
        check_vk(vk.vkBindBufferMemory(device.device(), buffers[i], a.memory, a.offset + where[i].offset), "vkBindBufferMemory");
        if (map) m_mapped[i] = static_cast<unsigned char*>(a.pMapped) + where[i].offset;
    }
}

void MemoryBlocks::bind_images(const VulkanDevice& device, const std::vector<VkImage>& images, VkMemoryPropertyFlags required, const char* what) {
    const auto& vk = device.vk();
    std::vector<VkMemoryRequirements> reqs(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) vk.vkGetImageMemoryRequirements(device.device(), images[i], &reqs[i]);
    // A host allocator may place a block beside its own linear resources: every image is aligned and
    // padded to bufferImageGranularity, so each block starts and ends on it (ntex's own blocks hold
    // nothing else and need no padding).
    if (device.memory_callbacks().pfnAllocate != nullptr) {
        const VkDeviceSize granularity = device.properties().limits.bufferImageGranularity;
        for (VkMemoryRequirements& r : reqs) {
            r.alignment = std::max(r.alignment, granularity);
            r.size = align_up(r.size, granularity);
        }
    }
    const std::vector<Placement> where = plan(device, reqs, required, false, what);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const NtexDeviceMemoryAllocation& a = m_blocks[where[i].block].allocation;
        check_vk(vk.vkBindImageMemory(device.device(), images[i], a.memory, a.offset + where[i].offset), "vkBindImageMemory");
    }
}

VkDeviceSize MemoryBlocks::bytes() const noexcept {
    VkDeviceSize total = 0;
    for (const Block& b : m_blocks) total += b.size;
    return total;
}

std::size_t MemoryBlocks::own_allocations() const noexcept {
    return static_cast<std::size_t>(std::count_if(m_blocks.begin(), m_blocks.end(), [](const Block& b) { return !b.host_owned; }));
}

void MemoryBlocks::release(const VulkanDevice& device) noexcept {
    const NtexDeviceMemoryCallbacks& host = device.memory_callbacks();
    for (const Block& b : m_blocks) {
        if (b.host_owned) {
            host.pfnFree(host.pUserData, &b.allocation);   // the host unmaps (ntex never mapped it)
        } else {
            device.vk().vkFreeMemory(device.device(), b.allocation.memory, device.allocator());
        }
    }
    m_blocks.clear();
    m_mapped.clear();
}

}  // namespace ntex::interop
