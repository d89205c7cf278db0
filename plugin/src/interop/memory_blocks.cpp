// SPDX-License-Identifier: MIT
// memory_blocks.cpp: first-fit placement of a resource group into per-memory-type blocks.
#include "interop/memory_blocks.h"

#include "core/error.h"

namespace ntex::interop {

namespace {
VkDeviceSize align_up(VkDeviceSize value, VkDeviceSize alignment) noexcept {
    return alignment > 1 ? (value + alignment - 1) / alignment * alignment : value;
}
}  // namespace

std::vector<MemoryBlocks::Placement> MemoryBlocks::plan(const VulkanDevice& device, const std::vector<VkMemoryRequirements>& reqs,
                                                        VkMemoryPropertyFlags required, const char* what) {
    struct Open {
        uint32_t type;
        VkDeviceSize size;
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
        if (block == open.size()) open.push_back(Open{type, 0});
        const VkDeviceSize offset = align_up(open[block].size, req.alignment);
        open[block].size = offset + req.size;
        placements.push_back(Placement{m_blocks.size() + block, offset});
    }
    for (const Open& o : open) {
        VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        mai.allocationSize = o.size;
        mai.memoryTypeIndex = o.type;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        const VkResult r = device.vk().vkAllocateMemory(device.device(), &mai, device.allocator(), &memory);
        if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY) {
            fail(NTEX_ERROR_OUT_OF_MEMORY, "vkAllocateMemory(", what, ", ", o.size, " bytes) failed: ", vk_result_name(r));
        }
        check_vk(r, "vkAllocateMemory");
        m_blocks.push_back(memory);
    }
    return placements;
}

void MemoryBlocks::bind_buffers(const VulkanDevice& device, const std::vector<VkBuffer>& buffers, VkMemoryPropertyFlags required, bool map,
                                const char* what) {
    const auto& vk = device.vk();
    std::vector<VkMemoryRequirements> reqs(buffers.size());
    for (std::size_t i = 0; i < buffers.size(); ++i) vk.vkGetBufferMemoryRequirements(device.device(), buffers[i], &reqs[i]);
    const std::size_t first_block = m_blocks.size();
    const std::vector<Placement> where = plan(device, reqs, required, what);
    std::vector<void*> block_pointers(m_blocks.size() - first_block, nullptr);
    if (map) {
        for (std::size_t b = first_block; b < m_blocks.size(); ++b) {
            check_vk(vk.vkMapMemory(device.device(), m_blocks[b], 0, VK_WHOLE_SIZE, 0, &block_pointers[b - first_block]), "vkMapMemory");
        }
    }
    m_mapped.assign(buffers.size(), nullptr);
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        check_vk(vk.vkBindBufferMemory(device.device(), buffers[i], m_blocks[where[i].block], where[i].offset), "vkBindBufferMemory");
        if (map) m_mapped[i] = static_cast<unsigned char*>(block_pointers[where[i].block - first_block]) + where[i].offset;
    }
}

void MemoryBlocks::bind_images(const VulkanDevice& device, const std::vector<VkImage>& images, VkMemoryPropertyFlags required, const char* what) {
    const auto& vk = device.vk();
    std::vector<VkMemoryRequirements> reqs(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) vk.vkGetImageMemoryRequirements(device.device(), images[i], &reqs[i]);
    const std::vector<Placement> where = plan(device, reqs, required, what);
    for (std::size_t i = 0; i < images.size(); ++i) {
        check_vk(vk.vkBindImageMemory(device.device(), images[i], m_blocks[where[i].block], where[i].offset), "vkBindImageMemory");
    }
}

void MemoryBlocks::release(const VulkanDevice& device) noexcept {
    for (VkDeviceMemory memory : m_blocks) device.vk().vkFreeMemory(device.device(), memory, device.allocator());
    m_blocks.clear();
    m_mapped.clear();
}

}  // namespace ntex::interop
