// SPDX-License-Identifier: MIT
// CudaPlan: the cuDNN + CUDA-kernel execution plan for one model and one output size (NHWC).
// Only compiled with NTEX_WITH_CUDA; includes the CUDA runtime API (a C header, no nvcc needed).
//
// Per frame (replayed as one CUDA graph): noise grid -> [conv (cuDNN, padding 0 on a halo-padded
// input) -> epilogue kernel (bias, noise injection, layout injection, activation, wrap-around halo
// fill, FP16/FP32 store) | upsample kernel (bilinear x2, wrap-around)]... -> output op. The mapping
// network runs on the host (TextureGenerator) only when z or psi change; set_style uploads w and runs
// the modulation kernel only then; set_seed recomputes the hashed noise maps only when seed or origin
// change; set_layout uploads the layout levels only when the layout or the origin change. All three
// enqueue on stream() outside the graph, which reads their buffers by pointer.
#pragma once

#include "backends/cuda/cuda_backend.h"
#include "model/model.h"
#include "runtime/backend.h"

#include <cuda_runtime_api.h>

#include <memory>
#include <string>
#include <vector>

namespace ntex::cuda {

class CudaPlan final : public GeneratorBackend {
public:
    CudaPlan(std::shared_ptr<const LoadedModel> model, int width, int height, int ordinal, Precision precision);
    ~CudaPlan() override;
    CudaPlan(const CudaPlan&) = delete;
    CudaPlan& operator=(const CudaPlan&) = delete;

    void set_style(const std::vector<float>& w) override;
    void set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) override;
    // Block-averages `layout` (plan height x plan width x K floats, NHWC) into every layout level on
    // the host, into pinned staging memory, and copies the levels to the device on stream(), ordered
    // after the frames already enqueued and before the next one. `layout` may change as soon as this
    // returns. Blocks only while the previous set_layout's copies are still pending (the staging
    // memory is refilled). A no-op for a model without layout injection.
    void set_layout(const float* layout) override;
    // Host round trip (ntexGenerate, ntexReadMap, tools, parity tests): enqueue(), then copy the final
    // tensor to pinned host memory and wait for the stream.
    void run() override;
    const float* output() const noexcept override;          // host copy made by the last run()
    int output_channels() const noexcept override;
    std::string describe() const override;
    void set_profiling(bool enabled) override;
    std::string profile_report() const override;

    // Zero-copy path: enqueues the per-frame sequence (graph launch) on stream() and returns at once.
    // device_output() holds the result in stream order after it.
    void enqueue();
    cudaStream_t stream() const noexcept;
    // The final tensor on the device: NHWC FP32 [height][width][output_channels], after the output op.
    const float* device_output() const noexcept;
    int device_ordinal() const noexcept;
    Precision precision() const noexcept;
    int width() const noexcept;
    int height() const noexcept;
    // Device bytes held by this plan (activations, weights, noise, layout levels and gains, workspace).
    std::size_t device_bytes() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ntex::cuda
