// SPDX-License-Identifier: MIT
// cuda_backend.h with CUDA: device selection by Vulkan UUID, plan factory.
#include "backends/cuda/cuda_backend.h"

#include "backends/cuda/cuda_plan.h"
#include "backends/cuda/cudnn_api.h"
#include "core/error.h"

#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstring>

namespace ntex::cuda {

const char* precision_name(Precision p) noexcept { return p == Precision::Fp16 ? "fp16" : "fp32"; }

bool built_with_cuda() noexcept { return true; }

namespace {
std::string uuid_text(const uint8_t* u) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
                  u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    return buf;
}
}  // namespace

DeviceChoice select_device(const uint8_t* vk_device_uuid) noexcept {
    DeviceChoice choice;
    try {
        int count = 0;
        const cudaError_t e = cudaGetDeviceCount(&count);
        if (e != cudaSuccess) {
            // cudaGetDeviceCount leaves a sticky-free error; clear it so later calls start clean.
            (void)cudaGetLastError();
            choice.reason = cat("no CUDA device: ", cudaGetErrorString(e));
            return choice;
        }
        if (count == 0) {
            choice.reason = "no CUDA device: the driver reports 0 devices";
            return choice;
        }
        int ordinal = -1;
        cudaDeviceProp prop{};
        if (vk_device_uuid == nullptr) {
            ordinal = 0;
            if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) {
                choice.reason = "no CUDA device: cudaGetDeviceProperties(0) failed";
                return choice;
            }
        } else {
            for (int i = 0; i < count && ordinal < 0; ++i) {
                cudaDeviceProp p{};
                if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
                if (std::memcmp(p.uuid.bytes, vk_device_uuid, 16) == 0) {
                    ordinal = i;
                    prop = p;
                }
            }
            if (ordinal < 0) {
                choice.reason = cat("no CUDA device matches the Vulkan device's UUID ", uuid_text(vk_device_uuid), " (", count,
                                    " CUDA device", count == 1 ? "" : "s", " checked)");
                return choice;
            }
        }
        if (prop.major < 7 || (prop.major == 7 && prop.minor < 5)) {
            choice.reason = cat("CUDA device ", ordinal, " (", prop.name, ") has compute capability ", prop.major, ".", prop.minor,
                                ", below the 7.5 this library is built for");
            return choice;
        }
        std::string why;
        if (cudnn_api(&why) == nullptr) {
            choice.reason = why;
            return choice;
        }
        choice.ordinal = ordinal;
        choice.name = prop.name;
    } catch (const std::exception& ex) {
        choice.ordinal = -1;
        choice.reason = cat("CUDA device selection failed: ", ex.what());
    }
    return choice;
}

std::unique_ptr<GeneratorBackend> make_plan(std::shared_ptr<const LoadedModel> model, int width, int height, int ordinal,
                                            Precision precision) {
    return std::make_unique<CudaPlan>(std::move(model), width, height, ordinal, precision);
}

}  // namespace ntex::cuda
