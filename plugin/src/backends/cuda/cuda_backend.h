// SPDX-License-Identifier: MIT
// The CUDA backend as the rest of ntex sees it: a CUDA-free header (callers need no CUDA headers).
// Implemented by cuda_backend.cpp when NTEX_WITH_CUDA is ON, by cuda_unavailable.cpp otherwise.
#pragma once

#include "runtime/backend.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ntex {
class LoadedModel;
}

namespace ntex::cuda {

enum class Precision { Fp32, Fp16 };
const char* precision_name(Precision p) noexcept;   // "fp32", "fp16"

// True when this library was built with the CUDA backend (NTEX_WITH_CUDA).
bool built_with_cuda() noexcept;

// The CUDA device to run on, or why there is none.
struct DeviceChoice {
    int ordinal = -1;          // CUDA device ordinal; -1 = none usable
    std::string name;          // cudaDeviceProp::name, e.g. "NVIDIA H100 80GB HBM3"
    std::string reason;        // ordinal == -1: one line saying why (driver error text, UUID mismatch, ...)
};

// vk_device_uuid: 16 bytes (VkPhysicalDeviceIDProperties::deviceUUID) to pick the CUDA device with the
// same cudaDeviceProp::uuid (REFERENCE.md interop recipe step 2: never "the first GPU"), or nullptr to
// take device 0. Never throws; no device, a driver error or no match give ordinal -1 and a reason.
DeviceChoice select_device(const uint8_t* vk_device_uuid) noexcept;

// Builds the execution plan for one model and one (padded) output size on CUDA device `ordinal`:
// cuDNN algorithms, workspace and every buffer are chosen here, once; the per-frame sequence is
// captured in a CUDA graph. Throws Error(UNSUPPORTED) when not built with CUDA, BACKEND on a CUDA or
// cuDNN failure (naming the call), OUT_OF_MEMORY when device memory runs out.
std::unique_ptr<GeneratorBackend> make_plan(std::shared_ptr<const LoadedModel> model, int width, int height, int ordinal,
                                            Precision precision);

}  // namespace ntex::cuda
