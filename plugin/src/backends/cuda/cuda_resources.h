// SPDX-License-Identifier: MIT
// RAII owners for CUDA and cuDNN objects. Copy is deleted (to prevent performance accidents:
// a copied device buffer would be a silent device allocation); move transfers ownership.
#pragma once

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_api.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

namespace ntex::cuda {

// Owns one handle; Traits::destroy(h) releases it (never throws).
template <typename Handle, typename Traits>
class Owner {
public:
    Owner() = default;
    explicit Owner(Handle h) noexcept : m_h(h) {}
    ~Owner() { reset(); }
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;
    Owner(Owner&& o) noexcept : m_h(std::exchange(o.m_h, Handle{})) {}
    Owner& operator=(Owner&& o) noexcept {
        if (this != &o) {
            reset();
            m_h = std::exchange(o.m_h, Handle{});
        }
        return *this;
    }
    void reset() noexcept {
        if (m_h) Traits::destroy(m_h);
        m_h = Handle{};
    }
    Handle get() const noexcept { return m_h; }
    explicit operator bool() const noexcept { return m_h != Handle{}; }

private:
    Handle m_h{};
};

struct StreamTraits { static void destroy(cudaStream_t s) noexcept { NTEX_CUDA_CHECK_PRINT(cudaStreamDestroy(s)); } };
struct EventTraits { static void destroy(cudaEvent_t e) noexcept { NTEX_CUDA_CHECK_PRINT(cudaEventDestroy(e)); } };
struct GraphTraits { static void destroy(cudaGraph_t g) noexcept { NTEX_CUDA_CHECK_PRINT(cudaGraphDestroy(g)); } };
struct GraphExecTraits { static void destroy(cudaGraphExec_t g) noexcept { NTEX_CUDA_CHECK_PRINT(cudaGraphExecDestroy(g)); } };
struct CudnnTraits { static void destroy(cudnnHandle_t h) noexcept { NTEX_CUDNN_CHECK_PRINT(cudnn_api()->cudnnDestroy(h)); } };
struct TensorDescTraits {
    static void destroy(cudnnTensorDescriptor_t d) noexcept { NTEX_CUDNN_CHECK_PRINT(cudnn_api()->cudnnDestroyTensorDescriptor(d)); }
};
struct FilterDescTraits {
    static void destroy(cudnnFilterDescriptor_t d) noexcept { NTEX_CUDNN_CHECK_PRINT(cudnn_api()->cudnnDestroyFilterDescriptor(d)); }
};
struct ConvDescTraits {
    static void destroy(cudnnConvolutionDescriptor_t d) noexcept {
        NTEX_CUDNN_CHECK_PRINT(cudnn_api()->cudnnDestroyConvolutionDescriptor(d));
    }
};

using Stream = Owner<cudaStream_t, StreamTraits>;
using Event = Owner<cudaEvent_t, EventTraits>;
using Graph = Owner<cudaGraph_t, GraphTraits>;
using GraphExec = Owner<cudaGraphExec_t, GraphExecTraits>;
using CudnnHandle = Owner<cudnnHandle_t, CudnnTraits>;
using TensorDesc = Owner<cudnnTensorDescriptor_t, TensorDescTraits>;
using FilterDesc = Owner<cudnnFilterDescriptor_t, FilterDescTraits>;
using ConvDesc = Owner<cudnnConvolutionDescriptor_t, ConvDescTraits>;

inline Stream make_stream() {
    cudaStream_t s = nullptr;
    NTEX_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    return Stream(s);
}
inline Event make_event(unsigned flags = cudaEventDefault) {
    cudaEvent_t e = nullptr;
    NTEX_CUDA_CHECK(cudaEventCreateWithFlags(&e, flags));
    return Event(e);
}

// Device memory: bytes, uninitialised.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(std::size_t bytes) : m_bytes(bytes) {
        if (bytes > 0) NTEX_CUDA_CHECK(cudaMalloc(&m_ptr, bytes));
    }
    ~DeviceBuffer() {
        if (m_ptr) NTEX_CUDA_CHECK_PRINT(cudaFree(m_ptr));
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& o) noexcept : m_ptr(std::exchange(o.m_ptr, nullptr)), m_bytes(std::exchange(o.m_bytes, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) {
            if (m_ptr) NTEX_CUDA_CHECK_PRINT(cudaFree(m_ptr));
            m_ptr = std::exchange(o.m_ptr, nullptr);
            m_bytes = std::exchange(o.m_bytes, 0);
        }
        return *this;
    }
    void* get() const noexcept { return m_ptr; }
    template <typename T>
    T* as() const noexcept { return static_cast<T*>(m_ptr); }
    std::size_t bytes() const noexcept { return m_bytes; }

private:
    void* m_ptr = nullptr;
    std::size_t m_bytes = 0;
};

// Page-locked host memory (the target of run()'s device-to-host copy).
class PinnedBuffer {
public:
    PinnedBuffer() = default;
    explicit PinnedBuffer(std::size_t bytes) : m_bytes(bytes) {
        if (bytes > 0) NTEX_CUDA_CHECK(cudaMallocHost(&m_ptr, bytes));
    }
    ~PinnedBuffer() {
        if (m_ptr) NTEX_CUDA_CHECK_PRINT(cudaFreeHost(m_ptr));
    }
    PinnedBuffer(const PinnedBuffer&) = delete;
    PinnedBuffer& operator=(const PinnedBuffer&) = delete;
    PinnedBuffer(PinnedBuffer&& o) noexcept : m_ptr(std::exchange(o.m_ptr, nullptr)), m_bytes(std::exchange(o.m_bytes, 0)) {}
    PinnedBuffer& operator=(PinnedBuffer&& o) noexcept {
        if (this != &o) {
            if (m_ptr) NTEX_CUDA_CHECK_PRINT(cudaFreeHost(m_ptr));
            m_ptr = std::exchange(o.m_ptr, nullptr);
            m_bytes = std::exchange(o.m_bytes, 0);
        }
        return *this;
    }
    void* get() const noexcept { return m_ptr; }
    template <typename T>
    T* as() const noexcept { return static_cast<T*>(m_ptr); }
    std::size_t bytes() const noexcept { return m_bytes; }

private:
    void* m_ptr = nullptr;
    std::size_t m_bytes = 0;
};

// Makes `ordinal` current for the calling thread for the guard's lifetime (CUDA's current device
// is per thread; a host may call us from threads that use other devices).
class DeviceGuard {
public:
    explicit DeviceGuard(int ordinal) {
        NTEX_CUDA_CHECK(cudaGetDevice(&m_previous));
        if (m_previous != ordinal) NTEX_CUDA_CHECK(cudaSetDevice(ordinal));
        m_changed = m_previous != ordinal;
    }
    ~DeviceGuard() {
        if (m_changed) NTEX_CUDA_CHECK_PRINT(cudaSetDevice(m_previous));
    }
    DeviceGuard(const DeviceGuard&) = delete;
    DeviceGuard& operator=(const DeviceGuard&) = delete;

private:
    int m_previous = 0;
    bool m_changed = false;
};

}  // namespace ntex::cuda
