// SPDX-License-Identifier: MIT
// The Vulkan compute backend as the rest of ntex sees it (no Vulkan types beyond ntex_vulkan.h's):
// opening a device (headless or the host's) and building a plan on it. Implemented by
// vulkan_backend.cpp when NTEX_WITH_VULKAN_COMPUTE is ON, by vulkan_unavailable.cpp otherwise.
#pragma once

#include "runtime/backend.h"

#include <memory>
#include <string>

struct NtexVulkanDeviceInfo;
struct NtexVulkanDeviceFeatures;
struct NtexDeviceMemoryCallbacks;

namespace ntex {
class LoadedModel;
}

namespace ntex::vulkan {

class ComputeContext;

// True when this library was built with the Vulkan compute backend (glslc found at build time).
bool built_with_vulkan_compute() noexcept;

// A device to run on, or why there is none.
struct DeviceChoice {
    std::shared_ptr<ComputeContext> context;   // null = none usable
    std::string name;                          // "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan 1.3, headless, synchronization2)"
    std::string reason;                        // context == null: one line saying why
};

// A headless instance + device on the first compute-capable device (owned by the returned
// context). `validation`: VK_LAYER_KHRONOS_validation with synchronization validation, messages
// counted (tests). Never throws.
DeviceChoice open_headless(bool validation = false) noexcept;
// The host's device (NtexVulkanDeviceInfo), borrowed: ntex creates a command pool and a fence on
// it and submits to queue 0 of its queueFamilyIndex (this increment). `features`: the optional
// features the host declared enabled (NtexVulkanDeviceFeatures; may be null); `memory`: the host's
// device-memory allocator for the plans' buffers (NtexDeviceMemoryCallbacks; may be null). Never throws.
DeviceChoice borrow_device(const NtexVulkanDeviceInfo& info, const NtexVulkanDeviceFeatures* features = nullptr,
                           const NtexDeviceMemoryCallbacks* memory = nullptr) noexcept;
// Whether FP16 plans can run on `context`; when not, `reason` says why.
bool supports_fp16(const ComputeContext& context, std::string* reason = nullptr) noexcept;
// NTEX_BACKEND_AUTO's rule for the host's device once CUDA is ruled out: "" when Vulkan compute should
// run on a device of this VkPhysicalDeviceType (a discrete, integrated or virtual GPU), else why not
// (a CPU implementation such as lavapipe or SwiftShader: ntex's CPU backend is faster there). Pure.
std::string auto_vulkan_refusal(int device_type);
// Warnings + errors the validation layer reported on an open_headless(true) context.
int validation_messages(const ComputeContext& context) noexcept;

// The execution plan for one model and one (padded) output size, FP16 when `fp16` (UNSUPPORTED when
// the context cannot: supports_fp16). Throws Error(UNSUPPORTED) when not built with Vulkan compute,
// BACKEND on a Vulkan failure (naming the call), OUT_OF_MEMORY.
std::unique_ptr<GeneratorBackend> make_plan(std::shared_ptr<ComputeContext> context, std::shared_ptr<const LoadedModel> model, int width,
                                            int height, bool fp16 = false);

}  // namespace ntex::vulkan
