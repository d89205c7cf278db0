// SPDX-License-Identifier: MIT
// host_allocate (core/host_memory.h): what ntex does with each wrong answer a host's
// NtexDeviceMemoryCallbacks::pfnAllocate can give, for the texture sets and the compute buffers alike.
// The memory handles are fake: the helper only checks and forwards them, it never calls Vulkan.
#include "core/error.h"
#include "core/host_memory.h"

#include <gtest/gtest.h>

#include <string>

namespace {

// A scripted host: returns `result` and `answer` for every request, records the request and frees.
struct ScriptedHost {
    VkResult result = VK_SUCCESS;
    NtexDeviceMemoryAllocation answer{};
    VkDeviceSize size = 0, alignment = 0;
    uint32_t type_bits = 0;
    VkMemoryPropertyFlags flags = 0;
    VkBool32 mapped = VK_FALSE;
    int frees = 0;
    const void* freed_host_data = nullptr;

    NtexDeviceMemoryCallbacks callbacks() {
        NtexDeviceMemoryCallbacks c{};
        c.sType = NTEX_STRUCTURE_TYPE_DEVICE_MEMORY_CALLBACKS;
        c.pUserData = this;
        c.pfnAllocate = [](void* user, VkDeviceSize s, VkDeviceSize a, uint32_t bits, VkMemoryPropertyFlags f, VkBool32 m,
                           NtexDeviceMemoryAllocation* out) {
            auto* h = static_cast<ScriptedHost*>(user);
            h->size = s;
            h->alignment = a;
            h->type_bits = bits;
            h->flags = f;
            h->mapped = m;
            *out = h->answer;
            return h->result;
        };
        c.pfnFree = [](void* user, const NtexDeviceMemoryAllocation* a) {
            auto* h = static_cast<ScriptedHost*>(user);
            h->frees++;
            h->freed_host_data = a->pHostData;
        };
        return c;
    }
};

VkDeviceMemory fake_memory() { return reinterpret_cast<VkDeviceMemory>(static_cast<uintptr_t>(0x1000)); }

NtexResult error_of(ScriptedHost& host, bool mapped, std::string* message) {
    try {
        ntex::host_allocate(host.callbacks(), 65536, 256, 0x6u, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT, mapped, "test buffers");
    } catch (const ntex::Error& e) {
        *message = e.what();
        return e.result();
    }
    return NTEX_SUCCESS;
}

TEST(HostMemory, PassesTheRequestThroughAndReturnsTheHostsBlock) {
    ScriptedHost host;
    int backing = 0;
    host.answer = NtexDeviceMemoryAllocation{fake_memory(), 512, &backing, &host};
    const NtexDeviceMemoryAllocation a =
        ntex::host_allocate(host.callbacks(), 65536, 256, 0x6u, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT, true, "test buffers");
    EXPECT_EQ(host.size, 65536u);
    EXPECT_EQ(host.alignment, 256u);
    EXPECT_EQ(host.type_bits, 0x6u);
    EXPECT_EQ(host.flags, static_cast<VkMemoryPropertyFlags>(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT));
    EXPECT_EQ(host.mapped, VK_TRUE);
    EXPECT_EQ(a.memory, fake_memory());
    EXPECT_EQ(a.offset, 512u);
    EXPECT_EQ(a.pMapped, &backing);
    EXPECT_EQ(a.pHostData, &host);
    EXPECT_EQ(host.frees, 0);
}

TEST(HostMemory, AFailedAllocationIsOutOfMemoryWithItsResultNamed) {
    ScriptedHost host;
    host.result = VK_ERROR_OUT_OF_DEVICE_MEMORY;
    std::string message;
    EXPECT_EQ(error_of(host, false, &message), NTEX_ERROR_OUT_OF_MEMORY);
    EXPECT_NE(message.find("pfnAllocate(test buffers, 65536 bytes) returned VK_ERROR_OUT_OF_DEVICE_MEMORY"), std::string::npos) << message;
    EXPECT_EQ(host.frees, 0);   // nothing was given, nothing to give back
}

TEST(HostMemory, EachWrongAnswerIsRefusedAndItsBlockGivenBack) {
    struct Case {
        const char* name;
        NtexDeviceMemoryAllocation answer;
        bool mapped;
        const char* expected;
    };
    int backing = 0;
    int tag = 0;
    const Case cases[] = {
        {"no memory", {VK_NULL_HANDLE, 0, nullptr, &tag}, false, "returned no memory"},
        {"misaligned", {fake_memory(), 100, nullptr, &tag}, false, "returned a misaligned offset (alignment 256)"},
        {"unmapped", {fake_memory(), 256, nullptr, &tag}, true, "returned no mapped pointer"},
        {"misaligned and mapped", {fake_memory(), 8, &backing, &tag}, true, "a misaligned offset"},
    };
    for (const Case& c : cases) {
        ScriptedHost host;
        host.answer = c.answer;
        std::string message;
        EXPECT_EQ(error_of(host, c.mapped, &message), NTEX_ERROR_INVALID_ARGUMENT) << c.name;
        EXPECT_NE(message.find(c.expected), std::string::npos) << c.name << ": " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << c.name;
        EXPECT_EQ(host.frees, 1) << c.name;
        EXPECT_EQ(host.freed_host_data, &tag) << c.name;
    }
}

TEST(HostMemory, AnUnmappedRequestAcceptsNoPointer) {
    ScriptedHost host;
    host.answer = NtexDeviceMemoryAllocation{fake_memory(), 0, nullptr, nullptr};
    std::string message;
    EXPECT_EQ(error_of(host, false, &message), NTEX_SUCCESS) << message;
}

}  // namespace
