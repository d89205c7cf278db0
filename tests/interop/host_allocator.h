// SPDX-License-Identifier: MIT
// HostAllocator: an NtexDeviceMemoryCallbacks implementation as an engine's allocator would be (tests only).
// Each block is its own vkAllocateMemory with ntex's range starting one alignment in (as VMA's blocks place
// allocations at offsets), mapped by the host when ntex asks; it counts what it was asked for and checks
// that every block comes back once.
#pragma once

#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

namespace ntex_test {

struct HostAllocator {
    const VulkanHost* host = nullptr;
    int allocations = 0, frees = 0, mapped = 0;
    int single_type_requests = 0;   // memoryTypeBits naming exactly one type
    VkDeviceSize bytes = 0;

    NtexDeviceMemoryCallbacks callbacks() {
        NtexDeviceMemoryCallbacks c{NTEX_STRUCTURE_TYPE_DEVICE_MEMORY_CALLBACKS};
        c.pUserData = this;
        c.pfnAllocate = &allocate;
        c.pfnFree = &free;
        return c;
    }

    static VkResult allocate(void* user, VkDeviceSize size, VkDeviceSize alignment, uint32_t type_bits, VkMemoryPropertyFlags flags, VkBool32 map,
                             NtexDeviceMemoryAllocation* out) {
        auto& a = *static_cast<HostAllocator*>(user);
        if (type_bits == 0) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
        VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        mai.allocationSize = size + alignment;   // ntex's block starts one alignment in
        mai.memoryTypeIndex = a.host->memory_type(type_bits, flags);
        VkResult r = vkAllocateMemory(a.host->device, &mai, nullptr, &out->memory);
        if (r != VK_SUCCESS) return r;
        out->offset = alignment;
        out->pMapped = nullptr;
        if (map) {
            void* p = nullptr;
            r = vkMapMemory(a.host->device, out->memory, 0, VK_WHOLE_SIZE, 0, &p);
            if (r != VK_SUCCESS) return r;
            out->pMapped = static_cast<unsigned char*>(p) + alignment;
            ++a.mapped;
        }
        out->pHostData = &a;
        ++a.allocations;
        a.single_type_requests += (type_bits & (type_bits - 1)) == 0;
        a.bytes += size;
        return VK_SUCCESS;
    }

    static void free(void* user, const NtexDeviceMemoryAllocation* allocation) {
        auto& a = *static_cast<HostAllocator*>(user);
        EXPECT_EQ(allocation->pHostData, &a);
        vkFreeMemory(a.host->device, allocation->memory, nullptr);   // unmaps too
        ++a.frees;
    }
};

}  // namespace ntex_test
