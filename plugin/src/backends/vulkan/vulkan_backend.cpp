// SPDX-License-Identifier: MIT
// vulkan_backend.h with the Vulkan compute backend built: device opening and the plan factory.
#include "backends/vulkan/vulkan_backend.h"

#include "backends/vulkan/vk_compute_context.h"
#include "backends/vulkan/vulkan_plan.h"
#include "core/error.h"

namespace ntex::vulkan {

bool built_with_vulkan_compute() noexcept { return true; }

namespace {
template <typename Open>
DeviceChoice choose(Open&& open) noexcept {
    DeviceChoice choice;
    try {
        choice.context = open();
        choice.name = choice.context->describe();
    } catch (const std::exception& e) {
        choice.context.reset();
        choice.reason = e.what();
    } catch (...) {
        choice.context.reset();
        choice.reason = "Vulkan compute: unknown error while opening the device";
    }
    return choice;
}
}  // namespace

DeviceChoice open_headless(bool validation) noexcept {
    return choose([&] { return ComputeContext::create_headless(HeadlessOptions{validation}); });
}

DeviceChoice borrow_device(const NtexVulkanDeviceInfo& info, const NtexVulkanDeviceFeatures* features,
                           const NtexDeviceMemoryCallbacks* memory) noexcept {
    return choose([&] { return ComputeContext::borrow(info, features, memory); });
}

bool supports_fp16(const ComputeContext& context, std::string* reason) noexcept {
    if (reason != nullptr && !context.fp16()) {
        try {
            *reason = context.fp16_reason();
        } catch (...) {
            reason->clear();
        }
    }
    return context.fp16();
}

int validation_messages(const ComputeContext& context) noexcept { return context.validation_messages(); }

std::string auto_vulkan_refusal(int device_type) {
    switch (device_type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "";
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return "the Vulkan device is a CPU implementation (e.g. lavapipe), where the CPU backend is faster than compute shaders";
        default: return cat("the Vulkan device's type (", device_type, ") is not a GPU");
    }
}

std::unique_ptr<GeneratorBackend> make_plan(std::shared_ptr<ComputeContext> context, std::shared_ptr<const LoadedModel> model, int width,
                                            int height, bool fp16) {
    if (!context) fail(NTEX_ERROR_UNSUPPORTED, "Vulkan compute: no device (open_headless or borrow_device first)");
    return std::make_unique<VulkanPlan>(std::move(context), std::move(model), width, height, fp16);
}

}  // namespace ntex::vulkan
