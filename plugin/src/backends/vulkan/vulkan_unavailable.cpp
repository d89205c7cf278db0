// SPDX-License-Identifier: MIT
// vulkan_backend.h when the library is built without the Vulkan compute backend (no glslc): reports why.
#include "backends/vulkan/vulkan_backend.h"

#include "core/error.h"

namespace ntex::vulkan {

namespace {
constexpr const char* kReason = "this library was built without the Vulkan compute backend (glslc was not found)";
}

bool built_with_vulkan_compute() noexcept { return false; }

DeviceChoice open_headless(bool /*validation*/) noexcept {
    DeviceChoice choice;
    choice.reason = kReason;
    return choice;
}

DeviceChoice borrow_device(const NtexVulkanDeviceInfo& /*info*/, const NtexVulkanDeviceFeatures* /*features*/,
                           const NtexDeviceMemoryCallbacks* /*memory*/) noexcept {
    return open_headless(false);
}

bool supports_fp16(const ComputeContext& /*context*/, std::string* reason) noexcept {
    if (reason != nullptr) reason->clear();
    return false;
}

int validation_messages(const ComputeContext& /*context*/) noexcept { return 0; }

std::string auto_vulkan_refusal(int /*device_type*/) { return kReason; }

std::unique_ptr<GeneratorBackend> make_plan(std::shared_ptr<ComputeContext> /*context*/, std::shared_ptr<const LoadedModel> /*model*/,
                                            int /*width*/, int /*height*/, bool /*fp16*/) {
    fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute backend: ", kReason);
}

}  // namespace ntex::vulkan
