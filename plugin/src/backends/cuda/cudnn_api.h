// SPDX-License-Identifier: MIT
// cuDNN loaded at run time: dlopen("libcudnn.so.9") and a table of exactly the legacy-API entry
// points ntex uses. libntex.so then has no link-time dependency on cuDNN: a machine without it
// gets a fallback reason instead of a loader error.
#pragma once

#include <cudnn.h>

#include <string>

namespace ntex::cuda {

struct CudnnApi {
#define NTEX_CUDNN_FN(name) decltype(&::name) name = nullptr;
    NTEX_CUDNN_FN(cudnnGetVersion)
    NTEX_CUDNN_FN(cudnnGetErrorString)
    NTEX_CUDNN_FN(cudnnCreate)
    NTEX_CUDNN_FN(cudnnDestroy)
    NTEX_CUDNN_FN(cudnnSetStream)
    NTEX_CUDNN_FN(cudnnCreateTensorDescriptor)
    NTEX_CUDNN_FN(cudnnSetTensor4dDescriptor)
    NTEX_CUDNN_FN(cudnnDestroyTensorDescriptor)
    NTEX_CUDNN_FN(cudnnCreateFilterDescriptor)
    NTEX_CUDNN_FN(cudnnSetFilter4dDescriptor)
    NTEX_CUDNN_FN(cudnnDestroyFilterDescriptor)
    NTEX_CUDNN_FN(cudnnCreateConvolutionDescriptor)
    NTEX_CUDNN_FN(cudnnSetConvolution2dDescriptor)
    NTEX_CUDNN_FN(cudnnSetConvolutionMathType)
    NTEX_CUDNN_FN(cudnnDestroyConvolutionDescriptor)
    NTEX_CUDNN_FN(cudnnGetConvolutionForwardAlgorithm_v7)
    NTEX_CUDNN_FN(cudnnGetConvolutionForwardWorkspaceSize)
    NTEX_CUDNN_FN(cudnnConvolutionForward)
#undef NTEX_CUDNN_FN
};

// The table, loaded once (thread-safe); nullptr when libcudnn.so.9 or one of its symbols is missing,
// with the reason in *why (when why is non-null).
const CudnnApi* cudnn_api(std::string* why = nullptr) noexcept;
// The table or Error(BACKEND) with the reason.
const CudnnApi& require_cudnn();

}  // namespace ntex::cuda
