// SPDX-License-Identifier: MIT
// make_backend: settings.backend -> the concrete plan.
#include "backends/backend_factory.h"

#include "backends/cpu/cpu_plan.h"
#include "backends/cuda/cuda_backend.h"
#include "backends/vulkan/vulkan_backend.h"
#include "core/error.h"
#include "runtime/texture_generator.h"

namespace ntex {

std::unique_ptr<GeneratorBackend> make_backend(std::shared_ptr<const LoadedModel> model, int width, int height, const GeneratorSettings& settings) {
    switch (settings.backend) {
        case NTEX_BACKEND_CPU: return std::make_unique<cpu::CpuPlan>(std::move(model), width, height, std::max(1, settings.threads), settings.cpu_kernels);
        case NTEX_BACKEND_CUDA: return cuda::make_plan(std::move(model), width, height, settings.cuda_device, settings.precision);
        case NTEX_BACKEND_VULKAN:
            return vulkan::make_plan(settings.vulkan_device, std::move(model), width, height, settings.precision == cuda::Precision::Fp16);
        default: break;
    }
    fail(NTEX_ERROR_INVALID_ARGUMENT, "generator backend ", static_cast<int>(settings.backend),
         " must be CPU, CUDA or VULKAN (AUTO is resolved by the context)");
}

std::size_t estimate_plan_bytes(const ModelDescription& d, int width, int height) noexcept {
    return cpu::CpuPlan::estimate_buffer_bytes(d, width, height);
}

}  // namespace ntex
