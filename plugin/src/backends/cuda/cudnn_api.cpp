// SPDX-License-Identifier: MIT
// cuDNN loaded at run time (see cudnn_api.h).
#include "backends/cuda/cudnn_api.h"

#include "backends/cuda/cuda_check.h"
#include "core/error.h"

#include <dlfcn.h>

#include <mutex>

namespace ntex::cuda {

namespace {

struct Loaded {
    CudnnApi api;
    bool ok = false;
    std::string why;
};

Loaded load() {
    Loaded l;
    // Never dlclose'd: cuDNN keeps global state for the life of the process.
    void* lib = ::dlopen("libcudnn.so.9", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* e = ::dlerror();
        l.why = cat("cuDNN 9 not found (dlopen libcudnn.so.9: ", e ? e : "unknown error", ")");
#ifdef NTEX_CUDNN_BUILD_DIR
        // The loader path may lack the toolkit's directory (no ldconfig entry, no LD_LIBRARY_PATH).
        lib = ::dlopen(NTEX_CUDNN_BUILD_DIR "/libcudnn.so.9", RTLD_NOW | RTLD_LOCAL);
#endif
        if (lib == nullptr) return l;
        l.why.clear();
    }
    bool ok = true;
    auto sym = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
        if (fn == nullptr && ok) {
            ok = false;
            l.why = cat("libcudnn.so.9 lacks ", name);
        }
    };
#define NTEX_CUDNN_SYM(name) sym(l.api.name, #name);
    NTEX_CUDNN_SYM(cudnnGetVersion)
    NTEX_CUDNN_SYM(cudnnGetErrorString)
    NTEX_CUDNN_SYM(cudnnCreate)
    NTEX_CUDNN_SYM(cudnnDestroy)
    NTEX_CUDNN_SYM(cudnnSetStream)
    NTEX_CUDNN_SYM(cudnnCreateTensorDescriptor)
    NTEX_CUDNN_SYM(cudnnSetTensor4dDescriptor)
    NTEX_CUDNN_SYM(cudnnDestroyTensorDescriptor)
    NTEX_CUDNN_SYM(cudnnCreateFilterDescriptor)
    NTEX_CUDNN_SYM(cudnnSetFilter4dDescriptor)
    NTEX_CUDNN_SYM(cudnnDestroyFilterDescriptor)
    NTEX_CUDNN_SYM(cudnnCreateConvolutionDescriptor)
    NTEX_CUDNN_SYM(cudnnSetConvolution2dDescriptor)
    NTEX_CUDNN_SYM(cudnnSetConvolutionMathType)
    NTEX_CUDNN_SYM(cudnnDestroyConvolutionDescriptor)
    NTEX_CUDNN_SYM(cudnnGetConvolutionForwardAlgorithm_v7)
    NTEX_CUDNN_SYM(cudnnGetConvolutionForwardWorkspaceSize)
    NTEX_CUDNN_SYM(cudnnConvolutionForward)
#undef NTEX_CUDNN_SYM
    if (ok && l.api.cudnnGetVersion() / 10000 != 9) {
        ok = false;
        l.why = cat("libcudnn.so.9 reports version ", l.api.cudnnGetVersion(), ", expected 9.x");
    }
    l.ok = ok;
    return l;
}

const Loaded& loaded() {
    static const Loaded l = load();   // C++ magic statics: loaded once, thread-safe
    return l;
}

}  // namespace

const CudnnApi* cudnn_api(std::string* why) noexcept {
    try {
        const Loaded& l = loaded();
        if (!l.ok && why) *why = l.why;
        return l.ok ? &l.api : nullptr;
    } catch (...) {
        if (why) *why = "cuDNN could not be loaded";
        return nullptr;
    }
}

const CudnnApi& require_cudnn() {
    std::string why;
    const CudnnApi* api = cudnn_api(&why);
    if (api == nullptr) fail(NTEX_ERROR_BACKEND, why);
    return *api;
}

namespace {
const char* cudnn_string(int status) noexcept {
    const CudnnApi* api = cudnn_api();
    return api ? api->cudnnGetErrorString(static_cast<cudnnStatus_t>(status)) : "cuDNN not loaded";
}
}  // namespace

void throw_cudnn_error(int status, const char* call, const char* file, int line) {
    const NtexResult result = status == CUDNN_STATUS_ALLOC_FAILED ? NTEX_ERROR_OUT_OF_MEMORY : NTEX_ERROR_BACKEND;
    fail(result, file, ":", line, ": cuDNN: ", call, " failed: ", cudnn_string(status), " (", status, ")");
}

void print_cudnn_error(int status, const char* call, const char* file, int line) noexcept {
    std::fprintf(stderr, "%s:%d: cuDNN: %s failed: %s (%d)\n", file, line, call, cudnn_string(status), status);
}

}  // namespace ntex::cuda
