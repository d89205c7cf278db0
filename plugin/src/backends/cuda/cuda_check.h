// SPDX-License-Identifier: MIT
// Checked CUDA and cuDNN calls: throw ntex::Error(BACKEND) with file:line, the call's text and the
// library's error string; the *_PRINT forms log to stderr instead (destructors never throw).
#pragma once

#include "core/error.h"

#include <cuda_runtime_api.h>

#include <cstdio>

namespace ntex::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t e, const char* call, const char* file, int line) {
    // Device memory exhaustion is the host's OUT_OF_MEMORY, not a backend bug.
    const NtexResult result = e == cudaErrorMemoryAllocation ? NTEX_ERROR_OUT_OF_MEMORY : NTEX_ERROR_BACKEND;
    fail(result, file, ":", line, ": CUDA: ", call, " failed: ", cudaGetErrorName(e), ": ", cudaGetErrorString(e));
}

// cuDNN's error string comes through the dlopen'ed table (cudnn_api.h).
[[noreturn]] void throw_cudnn_error(int status, const char* call, const char* file, int line);
void print_cudnn_error(int status, const char* call, const char* file, int line) noexcept;

}  // namespace ntex::cuda

#define NTEX_CUDA_CHECK(call)                                                                    \
    do {                                                                                         \
        const cudaError_t ntex_cuda_status_ = (call);                                            \
        if (ntex_cuda_status_ != cudaSuccess) {                                                  \
            ::ntex::cuda::throw_cuda_error(ntex_cuda_status_, #call, __FILE__, __LINE__);        \
        }                                                                                        \
    } while (0)

#define NTEX_CUDA_CHECK_PRINT(call)                                                              \
    do {                                                                                         \
        const cudaError_t ntex_cuda_status_ = (call);                                            \
        if (ntex_cuda_status_ != cudaSuccess) {                                                  \
            std::fprintf(stderr, "%s:%d: CUDA: %s failed: %s\n", __FILE__, __LINE__, #call,      \
                         cudaGetErrorString(ntex_cuda_status_));                                 \
        }                                                                                        \
    } while (0)

// A kernel launch: the launch error (bad configuration), not the kernel's completion.
#define NTEX_CUDA_CHECK_LAUNCH(name) NTEX_CUDA_CHECK(cudaGetLastError())

#define NTEX_CUDNN_CHECK(call)                                                                   \
    do {                                                                                         \
        const int ntex_cudnn_status_ = static_cast<int>(call);                                   \
        if (ntex_cudnn_status_ != 0) {                                                           \
            ::ntex::cuda::throw_cudnn_error(ntex_cudnn_status_, #call, __FILE__, __LINE__);      \
        }                                                                                        \
    } while (0)

#define NTEX_CUDNN_CHECK_PRINT(call)                                                             \
    do {                                                                                         \
        const int ntex_cudnn_status_ = static_cast<int>(call);                                   \
        if (ntex_cudnn_status_ != 0) {                                                           \
            ::ntex::cuda::print_cudnn_error(ntex_cudnn_status_, #call, __FILE__, __LINE__);      \
        }                                                                                        \
    } while (0)
