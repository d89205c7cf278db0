// SPDX-License-Identifier: MIT
// CpuPlan: the CPU execution plan for one model and one output size, built once.
// Activations are NHWC; each conv reads a halo-padded copy (circular padding) and runs with
// padding 0. Two kernel sets:
// - native (default where the CPU has AVX2+FMA or AVX-512F): ntex's DirectConv with bias, noise,
//   activation and output op fused, writing straight into the next op's halo-padded buffer, and
//   ntex's wrap-around bilinear upsampling; nothing is allocated per frame (direct_conv.h).
// - oneDNN: convolution primitives with post-ops, upsample = circular pad 1 -> resampling_linear
//   x2 -> crop 2; oneDNN allocates small bookkeeping blocks inside every execute.
#pragma once

#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/direct_conv.h"
#include "core/aligned_buffer.h"
#include "model/model.h"
#include "runtime/backend.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ntex::cpu {

class CpuPlan final : public GeneratorBackend {
public:
    CpuPlan(std::shared_ptr<const LoadedModel> model, int width, int height, int threads,
            CpuKernels kernels = CpuKernels::Auto);

    // "ntex avx512", "ntex avx2" or "oneDNN": the kernels this plan runs.
    std::string kernels_name() const;

    void set_style(const std::vector<float>& w) override;
    void set_seed(uint32_t seed, int32_t origin_x, int32_t origin_y) override;
    void set_layout(const float* layout) override;
    void run() override;
    const float* output() const noexcept override { return m_output; }
    int output_channels() const noexcept override { return m_output_channels; }

    // For tests and logs: a line per step.
    std::string describe() const override;
    // Per-step wall-clock timing (for `ntex profile`); off by default. Each profiled run appends one
    // sample per step (profiling only: allocates; never on in a host's frame loop).
    void set_profiling(bool enabled) override {
        m_profiling = enabled;
        m_step_samples.assign(m_steps.size(), {});
        m_profiled_runs = 0;
    }
    // A line per step: median ms over the profiled runs, GFLOP, GFLOP/s, % of the total, the step's
    // label; then the total, the convolutions alone (ms, GFLOP/s) and the planned buffer bytes.
    std::string profile_report() const override;
    // Bytes this plan holds for activations, noise maps, weights and the scratchpad (all planned at build).
    std::size_t planned_bytes() const noexcept;
    // Bytes of the activation, input and noise buffers a width x height oneDNN plan would allocate,
    // computed from the op list alone (before anything is allocated; weights and oneDNN's
    // scratchpad, small next to these, are left out). An upper bound for the native plan, which
    // needs about half (two alternating padded buffers instead of four).
    static std::size_t estimate_buffer_bytes(const ModelDescription& d, int width, int height) noexcept;

private:
    enum class StepKind { Pad, Resample, Crop, Conv, Post, NativeConv, NativeUpsample, Halo };

    struct Step {
        explicit Step(StepKind k) : kind(k) {}
        StepKind kind;
        // Pad / Crop
        const float* src = nullptr;
        float* dst = nullptr;
        int c = 0, h = 0, w = 0, halo = 0, src_w = 0;
        // Resample / Conv
        dnnl::primitive primitive;
        std::unordered_map<int, dnnl::memory> args;   // owns the memory objects
        std::vector<dnnl_exec_arg_t> exec_args;       // the same, flattened once for the C API (no per-frame map)
        // Conv: weight modulation
        std::size_t op_index = 0;
        AlignedBuffer* user_weights = nullptr;
        dnnl::memory user_weights_mem;
        dnnl::memory weights_mem;
        bool needs_reorder = false;
        dnnl::reorder reorder;
        std::vector<dnnl_exec_arg_t> reorder_args;
        // NativeConv (src/dst above; dst written with a `halo`-wide border left to a Halo step)
        std::unique_ptr<DirectConv> direct;
        float* packed_weights = nullptr;
        ConvEpilogue epilogue;   // fixed at build (the model is immutable)
        bool parallel = false;
        // Post: y = act(y + strength * n) [then clamp(y * scale + shift, 0, 1)]
        float* data = nullptr;
        std::size_t pixels = 0;
        const float* noise = nullptr;
        const std::vector<float>* noise_strength = nullptr;
        const float* layout = nullptr;        // h x w x layout_channels, or null
        int layout_channels = 0;
        const float* layout_gain = nullptr;   // [layout_channels][c]
        Activation activation = Activation::Linear;
        bool output_op = false;
        float scale = 1.0f, shift = 0.0f;
        double flops = 0;   // Conv: 2 * out * in * k * k * h * w (for the profile's GFLOP/s); 0 elsewhere
        std::string label;
    };

    struct NoiseMap {
        std::size_t op_index;
        int w, h;
        AlignedBuffer values;
    };
    // One layout-injecting op's level (layout_levels.h), refilled by set_layout.
    struct LayoutMap {   // one per resolution (divisor), shared by the ops injecting there
        std::size_t op_index;   // the first of them
        int divisor;
        AlignedBuffer values;   // w x h x K
    };
    // The layout level buffer for op i and its gains transposed to [K][stride] (zero-padded past
    // the op's outputs), both planned at build; nullptr pair when the op injects no layout.
    std::pair<const float*, const float*> plan_layout(std::size_t i, int w, int h, int stride);

    // Primitives below this many FLOPs are created (and so run) single-threaded.
    static constexpr double kSerialFlops = 40e6;
    int threads_for(double flops) const noexcept;
    float* alloc(std::size_t count);
    void build();          // oneDNN kernels
    void build_native();   // ntex kernels
    // Adds a user-mode scratchpad argument for a primitive whose descriptor asks for one; the
    // memory is bound to the shared planned buffer once every primitive is created.
    void add_scratchpad(const dnnl::memory::desc& scratchpad_md, std::unordered_map<int, dnnl::memory>& args);
    static void flatten(const std::unordered_map<int, dnnl::memory>& args, std::vector<dnnl_exec_arg_t>& out);
    void execute(const dnnl::primitive& primitive, const std::vector<dnnl_exec_arg_t>& args);

    std::shared_ptr<const LoadedModel> m_model;
    int m_width;
    int m_height;
    int m_threads;
    CpuKernels m_kernels;
    CpuIsa m_isa = CpuIsa::None;
    dnnl::engine m_engine;
    dnnl::stream m_stream;
    std::vector<std::unique_ptr<AlignedBuffer>> m_arena;
    float* m_input = nullptr;
    int m_grid_w = 0, m_grid_h = 0, m_input_channels = 0;
    std::vector<NoiseMap> m_noise_maps;
    std::vector<LayoutMap> m_layout_maps;
    std::vector<Step> m_steps;
    float* m_output = nullptr;
    bool m_profiling = false;
    std::vector<std::vector<double>> m_step_samples;   // [step][profiled run] ms
    int m_profiled_runs = 0;
    int m_output_channels = 0;
    // oneDNN scratchpads in user mode: one buffer sized for the largest, shared by every primitive
    // of this plan (they run one after another). Library mode would keep a thread-local global
    // buffer, wrong when a plan built on one thread runs on another.
    std::vector<dnnl::memory> m_scratchpad_mems;
    std::size_t m_scratchpad_bytes = 0;
    AlignedBuffer m_scratchpad;
    std::vector<float> m_modulation_scratch;   // modulated_weights_into's style row
};

}  // namespace ntex::cpu
