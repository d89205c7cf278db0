// SPDX-License-Identifier: MIT
// MemoryPool (backends/vulkan/vk_memory_pool.h) with mixed alignments in one block of the host's memory.
// Why a unit test: lavapipe asks one alignment for every buffer, so the end-to-end ComputeMemory test
// never places a large alignment after a small one. A host block starts at any multiple of the first
// request's alignment (HostAllocator puts it one alignment into its memory object), which a later, larger
// alignment need not divide: every offset must be aligned in the memory object, not just in the block.
#include "host_allocator.h"
#include "vulkan_host.h"

#include "backends/vulkan/vk_compute_context.h"
#include "backends/vulkan/vk_memory_pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

using ntex::vulkan::ComputeContext;
using ntex::vulkan::MemoryPool;

struct Request {
    VkDeviceSize size, alignment;
};
// Small first (the block's start is 16-aligned only), then alignments up to 64 KiB and back down.
constexpr Request kRequests[] = {{100, 16}, {1000, 4096}, {10, 256}, {5000, 65536}, {64, 16}, {3, 1024}, {70000, 128}};

void expect_aligned_and_disjoint(const std::vector<MemoryPool::Allocation>& got, const char* what) {
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].offset % kRequests[i].alignment, 0u) << what << " request " << i << " at " << got[i].offset;
        for (std::size_t j = 0; j < i; ++j) {
            if (got[i].memory != got[j].memory) continue;
            const bool disjoint = got[i].offset >= got[j].offset + kRequests[j].size || got[j].offset >= got[i].offset + kRequests[i].size;
            EXPECT_TRUE(disjoint) << what << " requests " << j << " and " << i << " overlap";
        }
    }
}

TEST(MemoryPool, MixedAlignmentsInTheHostsBlockAreAlignedInItsMemoryObject) {
    ntex_test::VulkanHost host;
    ntex_test::HostAllocator allocator;
    allocator.host = &host;
    const NtexDeviceMemoryCallbacks callbacks = allocator.callbacks();
    const NtexVulkanDeviceInfo info = host.device_info();
    std::shared_ptr<ComputeContext> context = ComputeContext::borrow(info, nullptr, &callbacks);
    MemoryPool& pool = context->memory_pool();
    const uint32_t device_type = context->memory_type(~0u, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    const uint32_t upload_type = context->memory_type(~0u, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);

    for (const bool mapped : {false, true}) {
        const int blocks_before = allocator.allocations;
        std::vector<MemoryPool::Allocation> got;
        for (const Request& r : kRequests) got.push_back(pool.allocate(r.size, r.alignment, mapped ? upload_type : device_type, mapped));
        expect_aligned_and_disjoint(got, mapped ? "mapped" : "device-local");
        EXPECT_EQ(allocator.allocations - blocks_before, 1) << "every request fits one 1 MiB block";
        if (mapped) {
            // Each pointer is its offset's: write a distinct byte to every allocation's ends, read all back.
            for (std::size_t i = 0; i < got.size(); ++i) {
                ASSERT_NE(got[i].mapped, nullptr);
                EXPECT_EQ(static_cast<char*>(got[i].mapped) - static_cast<char*>(got[0].mapped),
                          static_cast<std::ptrdiff_t>(got[i].offset - got[0].offset));
                std::memset(got[i].mapped, static_cast<int>(i + 1), 1);
                std::memset(static_cast<char*>(got[i].mapped) + kRequests[i].size - 1, static_cast<int>(i + 1), 1);
            }
            for (std::size_t i = 0; i < got.size(); ++i) {
                EXPECT_EQ(static_cast<char*>(got[i].mapped)[0], static_cast<char>(i + 1));
                EXPECT_EQ(static_cast<char*>(got[i].mapped)[kRequests[i].size - 1], static_cast<char>(i + 1));
            }
        }
        for (const MemoryPool::Allocation& a : got) pool.release(a);
        EXPECT_EQ(pool.block_count(), 0u) << "the block goes back with its last allocation";
    }
    EXPECT_EQ(allocator.frees, allocator.allocations);
    context.reset();
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
}

}  // namespace
