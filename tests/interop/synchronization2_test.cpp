// SPDX-License-Identifier: MIT
// Synchronization2 (issue 12, item 2; issue 15's review, "Synchronization"): a host that enabled
// synchronization2 and says so (NtexVulkanDeviceFeatures::synchronization2) gets every barrier ntex
// records into its command buffers as vkCmdPipelineBarrier2, on the host-copy path and the Vulkan compute
// path alike; without the declaration, or when the device does not expose the entry point, ntex records
// vkCmdPipelineBarrier. The host's loader is wrapped (NtexVulkanDeviceInfo::pfnGetInstanceProcAddr) to
// count both calls; they are forwarded to the real layer chain, where the validation layer with
// synchronization validation checks them. Both ways must write the same texels.
#include "formats.h"
#include "load_generator.h"
#include "loader_hook.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

struct Counts {
    int legacy = 0, sync2 = 0;
    PFN_vkCmdPipelineBarrier barrier = nullptr;
    PFN_vkCmdPipelineBarrier2 barrier2 = nullptr;
} g_counts;

VKAPI_ATTR void VKAPI_CALL count_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src, VkPipelineStageFlags dst, VkDependencyFlags flags,
                                         uint32_t mc, const VkMemoryBarrier* m, uint32_t bc, const VkBufferMemoryBarrier* b, uint32_t ic,
                                         const VkImageMemoryBarrier* i) {
    ++g_counts.legacy;
    g_counts.barrier(cmd, src, dst, flags, mc, m, bc, b, ic, i);
}
VKAPI_ATTR void VKAPI_CALL count_barrier2(VkCommandBuffer cmd, const VkDependencyInfo* dependency) {
    ++g_counts.sync2;
    g_counts.barrier2(cmd, dependency);
}
PFN_vkVoidFunction hook_barriers(const char* name, PFN_vkVoidFunction real) {
    if (std::strcmp(name, "vkCmdPipelineBarrier") == 0) {
        g_counts.barrier = reinterpret_cast<PFN_vkCmdPipelineBarrier>(real);
        return reinterpret_cast<PFN_vkVoidFunction>(count_barrier);
    }
    if (std::strcmp(name, "vkCmdPipelineBarrier2") == 0 || std::strcmp(name, "vkCmdPipelineBarrier2KHR") == 0) {
        g_counts.barrier2 = reinterpret_cast<PFN_vkCmdPipelineBarrier2>(real);
        return reinterpret_cast<PFN_vkVoidFunction>(count_barrier2);
    }
    return real;
}

std::string model_path() { return std::string(NTEX_SOURCE_DIR) + "/models/material_v1.json"; }

// What one run saw: the barrier calls, the context's log, and levels 0 and 1 of every map after the
// last update.
struct Seen {
    int legacy = 0, sync2 = 0;
    std::string log;
    std::vector<std::vector<uint8_t>> texels;
};

void on_log(NtexLogLevel level, const char* message, void* user) {
    if (level >= NTEX_LOG_LEVEL_WARNING) *static_cast<std::string*>(user) += std::string(message) + "\n";
}

// A context of `backend` on the host's device (synchronization2 declared or not), material_v1 at 32x32
// and a ring-2 texture set with its full mip chain, updated for three results (seeds 5, 6, 7).
void run(VulkanHost& host, NtexBackend backend, bool declare, Seen& out) {
    g_counts = Counts{};
    NtexVulkanDeviceFeatures features{NTEX_STRUCTURE_TYPE_VULKAN_DEVICE_FEATURES};
    features.synchronization2 = declare ? VK_TRUE : VK_FALSE;
    ntex_test::ContextOptions options;
    ntex_test::loader_hook::hook = hook_barriers;
    options.get_instance_proc = ntex_test::loader_hook::get_instance_proc;
    options.next = &features;
    options.log = on_log;
    options.log_user = &out.log;
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    ASSERT_EQ(host.create_context(backend, &context, options), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_TRUE(ntex_test::load_generator(context, model_path(), 32, 32, &model, &generator));
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = generator;
    si.ringSize = 2;
    ASSERT_EQ(ntexCreateTextureSet(context, &si, &set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    for (uint32_t seed = 5; seed <= 7; ++seed) {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = 1.0f;
        ASSERT_EQ(ntexSetGeneratorParams(generator, &p), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        // The CPU path uploads a finished result; the compute path generates inside the update.
        if (backend == NTEX_BACKEND_CPU) {
            ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
        }
        ASSERT_EQ(host.update_and_submit(set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    }
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_GT(images.mipLevels, 1u);
    for (uint32_t i = 0; i < images.mapCount; ++i) {
        for (uint32_t level = 0; level < 2; ++level) {
            out.texels.push_back(host.read_image(images.images[i], images.width, images.height, ntex_test::texel_bytes(images.formats[i]), level));
        }
    }
    out.legacy = g_counts.legacy;
    out.sync2 = g_counts.sync2;
    ntexDestroyTextureSet(set);
    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
}

class Synchronization2Test : public ::testing::TestWithParam<NtexBackend> {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "material_v1 is not in models/";
    }
};

TEST_P(Synchronization2Test, DeclaredFeatureRecordsEveryBarrierWithIt) {
    VulkanHost host;
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    if (!host.synchronization2) GTEST_SKIP() << host.device_name << " has no VK_KHR_synchronization2";
    Seen with, without;
    run(host, GetParam(), true, with);
    run(host, GetParam(), false, without);
    EXPECT_GT(with.sync2, 0);
    EXPECT_EQ(with.legacy, 0) << "a vkCmdPipelineBarrier although synchronization2 was declared";
    EXPECT_GT(without.legacy, 0);
    EXPECT_EQ(without.sync2, 0) << "synchronization2 used although it was not declared";
    EXPECT_EQ(with.log, "");
    ASSERT_EQ(with.texels.size(), without.texels.size());
    for (std::size_t i = 0; i < with.texels.size(); ++i) EXPECT_EQ(with.texels[i], without.texels[i]) << "map " << i / 2 << " level " << i % 2;
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

// Declared, but the host did not enable it on the device: the entry point does not resolve, ntex says so
// once and records vkCmdPipelineBarrier, which is valid on any device.
TEST_P(Synchronization2Test, DeclaredButNotEnabledFallsBackWithAWarning) {
    VulkanHost host(false, true, /*want_synchronization2=*/false);
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    Seen r;
    run(host, GetParam(), true, r);
    EXPECT_GT(r.legacy, 0);
    EXPECT_EQ(r.sync2, 0);
    EXPECT_NE(r.log.find("NtexVulkanDeviceFeatures::synchronization2 is set, but"), std::string::npos) << r.log;
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

INSTANTIATE_TEST_SUITE_P(Paths, Synchronization2Test, ::testing::Values(NTEX_BACKEND_CPU, NTEX_BACKEND_VULKAN),
                         [](const ::testing::TestParamInfo<NtexBackend>& p) {
                             return std::string(p.param == NTEX_BACKEND_CPU ? "HostCopies" : "VulkanCompute");
                         });

}  // namespace
