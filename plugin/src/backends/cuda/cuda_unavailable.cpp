// SPDX-License-Identifier: MIT
// cuda_backend.h when the library is built without CUDA (NTEX_WITH_CUDA OFF): reports why.
#include "backends/cuda/cuda_backend.h"

#include "core/error.h"

namespace ntex::cuda {

namespace {
constexpr const char* kReason = "this library was built without CUDA";
}

const char* precision_name(Precision p) noexcept { return p == Precision::Fp16 ? "fp16" : "fp32"; }

bool built_with_cuda() noexcept { return false; }

DeviceChoice select_device(const uint8_t* /*vk_device_uuid*/) noexcept {
    DeviceChoice choice;
    choice.reason = kReason;
    return choice;
}

std::unique_ptr<GeneratorBackend> make_plan(std::shared_ptr<const LoadedModel> /*model*/, int /*width*/, int /*height*/,
                                            int /*ordinal*/, Precision /*precision*/) {
    fail(NTEX_ERROR_UNSUPPORTED, "CUDA backend: ", kReason);
}

}  // namespace ntex::cuda
