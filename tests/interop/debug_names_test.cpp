// SPDX-License-Identifier: MIT
// VK_EXT_debug_utils (issue 15): with an NtexVulkanDebugInfo chained, ntex names the texture set's
// Vulkan objects and wraps what ntexCmdUpdateTextureSet records in a label. The host's loader is
// wrapped (NtexVulkanDeviceInfo::pfnGetInstanceProcAddr) so the test sees every name and label, and
// forwards them to the real layer chain, where the validation layer checks them too.
#include "load_generator.h"
#include "vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using ntex_test::VulkanHost;

struct Seen {
    std::vector<std::string> names, labels;
    int open_labels = 0;
    bool hide_debug_utils = false;   // the loader pretends the extension is not there
    PFN_vkSetDebugUtilsObjectNameEXT set_name = nullptr;
    PFN_vkCmdBeginDebugUtilsLabelEXT begin = nullptr;
    PFN_vkCmdEndDebugUtilsLabelEXT end = nullptr;
} g_seen;

VKAPI_ATTR VkResult VKAPI_CALL hook_set_name(VkDevice device, const VkDebugUtilsObjectNameInfoEXT* info) {
    g_seen.names.emplace_back(info->pObjectName);
    return g_seen.set_name(device, info);
}
VKAPI_ATTR void VKAPI_CALL hook_begin(VkCommandBuffer cmd, const VkDebugUtilsLabelEXT* label) {
    g_seen.labels.emplace_back(label->pLabelName);
    ++g_seen.open_labels;
    g_seen.begin(cmd, label);
}
VKAPI_ATTR void VKAPI_CALL hook_end(VkCommandBuffer cmd) {
    --g_seen.open_labels;
    g_seen.end(cmd);
}
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL hook_get_instance_proc(VkInstance instance, const char* name) {
    const PFN_vkVoidFunction real = vkGetInstanceProcAddr(instance, name);
    const bool debug = std::strstr(name, "DebugUtils") != nullptr;
    if (debug && g_seen.hide_debug_utils) return nullptr;
    if (std::strcmp(name, "vkSetDebugUtilsObjectNameEXT") == 0) {
        g_seen.set_name = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(real);
        return reinterpret_cast<PFN_vkVoidFunction>(hook_set_name);
    }
    if (std::strcmp(name, "vkCmdBeginDebugUtilsLabelEXT") == 0) {
        g_seen.begin = reinterpret_cast<PFN_vkCmdBeginDebugUtilsLabelEXT>(real);
        return reinterpret_cast<PFN_vkVoidFunction>(hook_begin);
    }
    if (std::strcmp(name, "vkCmdEndDebugUtilsLabelEXT") == 0) {
        g_seen.end = reinterpret_cast<PFN_vkCmdEndDebugUtilsLabelEXT>(real);
        return reinterpret_cast<PFN_vkVoidFunction>(hook_end);
    }
    return real;
}

std::string model_path() { return std::string(NTEX_SOURCE_DIR) + "/models/albedo_v1.json"; }

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A host with debug names on (its loader wrapped by hook_get_instance_proc), a context of `backend` on
// its device, albedo_v1 at 32x32 and a texture set of it: what both tests below name and label.
struct NamedSet {
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;
    NtexTextureSet set = nullptr;
    ~NamedSet() { destroy(); }
    // In the documented order, before the host's validation counts are read.
    void destroy() {
        ntex_test::destroy_in_order(set, generator, model, context);
        set = nullptr;
        generator = nullptr;
        model = nullptr;
        context = nullptr;
    }
};

// False (out.context null) when the context cannot be created, for backends a machine may lack.
bool make_named_context(const VulkanHost& host, NtexBackend backend, NamedSet& out) {
    g_seen = Seen{};
    NtexVulkanDebugInfo debug{NTEX_STRUCTURE_TYPE_VULKAN_DEBUG_INFO};
    debug.debugUtils = VK_TRUE;
    ntex_test::ContextOptions options;
    options.get_instance_proc = hook_get_instance_proc;
    options.next = &debug;
    return host.create_context(backend, &out.context, options) == NTEX_SUCCESS;
}

void make_named_set(const VulkanHost& host, NtexBackend backend, NamedSet& out) {
    ASSERT_TRUE(out.context != nullptr || make_named_context(host, backend, out)) << ntexGetLastErrorMessage();
    ASSERT_TRUE(ntex_test::load_generator(out.context, model_path(), 32, 32, &out.model, &out.generator));
    NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
    si.generator = out.generator;
    ASSERT_EQ(ntexCreateTextureSet(out.context, &si, &out.set), NTEX_SUCCESS) << ntexGetLastErrorMessage();
}

TEST(DebugNames, TextureSetObjectsAreNamedAndUpdatesLabelled) {
    if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "models/albedo_v1.json is missing";
    VulkanHost host;   // enables VK_EXT_debug_utils (its messenger counts validation messages)
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    NamedSet named;
    make_named_set(host, NTEX_BACKEND_CPU, named);
    ASSERT_FALSE(HasFatalFailure());
    NtexGenerator generator = named.generator;
    NtexTextureSet set = named.set;

    // "ntex texture set N: ..." for every image, view and staging buffer of the ring of 2, and the semaphore.
    ASSERT_FALSE(g_seen.names.empty());
    const std::string prefix = g_seen.names.front().substr(0, g_seen.names.front().find(':'));
    EXPECT_EQ(prefix.rfind("ntex texture set ", 0), 0u) << prefix;
    for (const char* name : {": timeline", ": staging, slot 0", ": staging, slot 1", ": albedo, slot 0", ": albedo, slot 1",
                             ": albedo, slot 1 view"}) {
        EXPECT_TRUE(contains(g_seen.names, prefix + name)) << "missing name '" << prefix + name << "'";
    }
    EXPECT_EQ(g_seen.names.size(), 1u + 2u * 3u);

    // An update's commands sit inside one balanced label, also when nothing new was recorded.
    ASSERT_EQ(ntexGenerate(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    ASSERT_EQ(ntexGetTextureSetImages(set, &images), NTEX_SUCCESS);
    for (NtexResult expected : {NTEX_SUCCESS, NTEX_NOT_READY}) {
        NtexResult r = NTEX_ERROR_UNKNOWN;
        host.submit(
            [&](VkCommandBuffer cmd) {
                uint64_t value = 0;
                r = ntexCmdUpdateTextureSet(set, cmd, &value);
                return value;
            },
            images.semaphore);
        EXPECT_EQ(r, expected) << ntexGetLastErrorMessage();
        EXPECT_EQ(g_seen.open_labels, 0) << "unbalanced label";
    }
    ASSERT_EQ(g_seen.labels.size(), 2u);
    EXPECT_EQ(g_seen.labels[0], "ntex: update " + prefix.substr(std::strlen("ntex ")));

    named.destroy();
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

// The Vulkan compute path: the generator plan's own buffers, pipelines and descriptor pools (the network's,
// the weight modulation's, the noise's) and the texel writer's are named too, under the set's prefix
// ("ntex texture set N: plan: op 1 filter"), each object once.
TEST(DebugNames, ComputePlanObjectsAreNamed) {
    if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "models/albedo_v1.json is missing";
    VulkanHost host;
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    NamedSet named;
    make_named_set(host, NTEX_BACKEND_VULKAN, named);
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_FALSE(g_seen.names.empty());
    const std::string prefix = g_seen.names.front().substr(0, g_seen.names.front().find(':'));
    for (const char* name : {": plan: input grid", ": plan: activations 0", ": plan: final tensor", ": plan: op 1 filter", ": plan: op 1 bias",
                             ": plan: descriptor pool", ": albedo, slot 0", ": plan: style w", ": plan: op 1 modulation weight",
                             ": plan: modulation descriptor pool", ": plan: noise parameters", ": texel writer descriptor pool"}) {
        EXPECT_TRUE(contains(g_seen.names, prefix + name)) << "missing name '" << prefix + name << "'";
    }
    const auto pipelines = std::count_if(g_seen.names.begin(), g_seen.names.end(), [](const std::string& n) { return n.find(" pipeline") != std::string::npos; });
    EXPECT_GE(pipelines, 2) << "conv and upsample pipelines";
    std::vector<std::string> sorted = g_seen.names;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "a name given twice";
    named.destroy();
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

// The zero-copy CUDA path (ready for a GPU: skipped where there is no CUDA device or the Vulkan device
// cannot export memory): its two timeline semaphores and each exported image and view are named.
TEST(DebugNames, CudaTextureSetObjectsAreNamed) {
    if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "models/albedo_v1.json is missing";
    VulkanHost host(/*want_external_fd=*/true);
    ASSERT_TRUE(host.validation) << "VK_LAYER_KHRONOS_validation is not installed";
    if (!host.external_fd) GTEST_SKIP() << "the Vulkan device lacks VK_KHR_external_memory_fd / _semaphore_fd";
    NamedSet named;
    if (!make_named_context(host, NTEX_BACKEND_CUDA, named)) GTEST_SKIP() << "no CUDA backend: " << ntexGetLastErrorMessage();
    make_named_set(host, NTEX_BACKEND_CUDA, named);
    ASSERT_FALSE(HasFatalFailure());
    NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
    NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
    images.pNext = &path;
    ASSERT_EQ(ntexGetTextureSetImages(named.set, &images), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    if (path.path != NTEX_TEXTURE_SET_PATH_CUDA) GTEST_SKIP() << "the set fell back from the zero-copy CUDA path (see the log)";
    ASSERT_FALSE(g_seen.names.empty());
    const std::string prefix = g_seen.names.front().substr(0, g_seen.names.front().find(':'));
    for (const char* name : {": release timeline", ": ready timeline (CUDA)", ": albedo, slot 0", ": albedo, slot 1 view"}) {
        EXPECT_TRUE(contains(g_seen.names, prefix + name)) << "missing name '" << prefix + name << "'";
    }
    EXPECT_EQ(g_seen.names.size(), 2u + 2u * 2u) << "2 semaphores, and an image and a view per slot";
    named.destroy();
    EXPECT_EQ(host.errors.load(), 0) << "validation errors";
    EXPECT_EQ(host.warnings.load(), 0) << "validation warnings";
}

TEST(DebugNames, MisuseIsAClearError) {
    VulkanHost host;
    g_seen = Seen{};
    g_seen.hide_debug_utils = true;
    NtexVulkanDebugInfo debug{NTEX_STRUCTURE_TYPE_VULKAN_DEBUG_INFO};
    debug.debugUtils = VK_TRUE;
    ntex_test::ContextOptions options;
    options.get_instance_proc = hook_get_instance_proc;
    options.next = &debug;
    NtexContext context = nullptr;
    EXPECT_EQ(host.create_context(NTEX_BACKEND_CPU, &context, options), NTEX_ERROR_UNSUPPORTED);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("VK_EXT_debug_utils"), std::string::npos) << ntexGetLastErrorMessage();
    // Without a device in the chain there is nothing to name.
    NtexContextCreateInfo ci{NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO};
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.backend = NTEX_BACKEND_CPU;
    ci.pNext = &debug;
    EXPECT_EQ(ntexCreateContext(&ci, &context), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("NtexVulkanDebugInfo needs an NtexVulkanDeviceInfo"), std::string::npos)
        << ntexGetLastErrorMessage();
    EXPECT_EQ(context, nullptr);
}

}  // namespace
