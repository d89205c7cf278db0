// SPDX-License-Identifier: MIT
// The Vulkan compute backend's device memory through the host's allocator (issue 15, "Memory"): with an
// NtexDeviceMemoryCallbacks chained, every block of the plans' buffers and of the texture set comes from
// the host's pfnAllocate and goes back through pfnFree, and ntex itself calls vkAllocateMemory zero times
// (the host's loader is wrapped to count ntex's calls; the test allocator calls the loader directly, so its
// own allocations are not counted). The texels are identical to a run on ntex's own allocations, and the
// validation layer (synchronization validation on) stays silent.
#include "formats.h"
#include "host_allocator.h"
#include "load_generator.h"
#include "loader_hook.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

struct AllocateCounter {
    int calls = 0;
    PFN_vkAllocateMemory allocate = nullptr;
} g_counter;

VKAPI_ATTR VkResult VKAPI_CALL count_allocate(VkDevice device, const VkMemoryAllocateInfo* info, const VkAllocationCallbacks* allocator,
                                              VkDeviceMemory* memory) {
    ++g_counter.calls;
    return g_counter.allocate(device, info, allocator, memory);
}
PFN_vkVoidFunction hook_allocate(const char* name, PFN_vkVoidFunction real) {
    if (std::strcmp(name, "vkAllocateMemory") != 0) return real;
    g_counter.allocate = reinterpret_cast<PFN_vkAllocateMemory>(real);
    return reinterpret_cast<PFN_vkVoidFunction>(count_allocate);
}

std::string model_path() { return std::string(NTEX_SOURCE_DIR) + "/models/material_v1.json"; }

// A VULKAN context on the host's device (with `allocator`'s callbacks when given), material_v1 at 64x64 and
// a ring-2 texture set updated for seeds 5 and 6; returns level 0 of every map after the last update.
std::vector<std::vector<uint8_t>> run(VulkanHost& host, ntex_test::HostAllocator* allocator) {
    std::vector<std::vector<uint8_t>> texels;
    g_counter = AllocateCounter{};
    NtexDeviceMemoryCallbacks callbacks{};
    ntex_test::ContextOptions options;
    ntex_test::loader_hook::hook = hook_allocate;
    options.get_instance_proc = ntex_test::loader_hook::get_instance_proc;
    if (allocator != nullptr) {
        callbacks = allocator->callbacks();
        options.next = &callbacks;
    }
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    EXPECT_EQ(host.create_context(NTEX_BACKEND_VULKAN, &context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_TRUE(ntex_test::load_generator(context, model_path(), 64, 64, &model, &generator));
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.ringSize = 2;
    EXPECT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    for (uint32_t seed = 5; seed <= 6; ++seed) {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = 1.0f;
        EXPECT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        EXPECT_EQ(host.update_and_submit(set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    EXPECT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        texels.push_back(host.read_image(images.images[i], images.width, images.height, ntex_test::texel_bytes(images.formats[i]), 0));
    }
    vkDeviceWaitIdle(host.device);
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
    return texels;
}

TEST(ComputeMemory, HostCallbacksSupplyEveryBlockOfThePlansAndTheSet) {
    if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "material_v1 is not in models/";
    VulkanHost host;
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    const std::vector<std::vector<uint8_t>> own = run(host, nullptr);
    const int own_calls = g_counter.calls;
    ASSERT_FALSE(HasFailure());
    EXPECT_GT(own_calls, 0) << "the loader hook saw none of ntex's allocations: the test could not tell";

    ntex_test::HostAllocator allocator;
    allocator.host = &host;
    const std::vector<std::vector<uint8_t>> hosted = run(host, &allocator);
    ASSERT_FALSE(HasFailure());
    std::fprintf(stderr, "ntex's vkAllocateMemory calls: %d on its own, %d with the host's allocator (%d blocks, %llu bytes, %d mapped)\n",
                 own_calls, g_counter.calls, allocator.allocations, static_cast<unsigned long long>(allocator.bytes), allocator.mapped);
    EXPECT_EQ(g_counter.calls, 0) << "ntex allocated device memory itself although the host supplies it";
    EXPECT_GE(allocator.allocations, 3) << "the plan's buffers (device-local and upload) and the set's images";
    EXPECT_LE(allocator.allocations, 8) << "a few blocks, not one per buffer";
    EXPECT_GE(allocator.single_type_requests, 1) << "the plans' blocks name the one memory type ntex chose";
    EXPECT_GE(allocator.mapped, 1) << "the upload buffers' block is mapped by the host";
    EXPECT_EQ(allocator.frees, allocator.allocations) << "every block given back once, by ntexDestroyContext at the latest";
    EXPECT_EQ(hosted, own) << "the texels depend on whose memory they were computed in";
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

}  // namespace
