// SPDX-License-Identifier: MIT
// TextureGenerator: one output size, one tiling mode, one backend plan; tracks which inputs
// changed so the mapping network reruns only when z/psi change, weight modulation when w changes
// (z, psi or direction offsets), noise only when the seed or the origin does.
#pragma once

#include "backends/cpu/cpu_kernels.h"
#include "backends/cuda/cuda_backend.h"
#include "model/model.h"
#include "runtime/backend.h"
#include "runtime/layout_pattern.h"
#include "runtime/material.h"

#include <ntex/ntex.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace ntex::vulkan {
class ComputeContext;   // backends/vulkan/vulkan_backend.h
}

namespace ntex {

// Default cap on the buffers one generator plans (activations, noise, two material tensors).
constexpr std::size_t kDefaultMemoryBudget = std::size_t{4} << 30;

struct GeneratorSettings {
    int threads = 1;   // CPU threads (already resolved, >= 1)
    NtexTilingMode tiling = NTEX_TILING_MODE_TILEABLE;
    std::size_t memory_budget = kDefaultMemoryBudget;  // bytes; refused above (OUT_OF_MEMORY)
    NtexBackend backend = NTEX_BACKEND_CPU;  // CPU, CUDA or VULKAN (AUTO is resolved by the context)
    int cuda_device = 0;                     // CUDA: the device ordinal (cuda::select_device)
    cuda::Precision precision = cuda::Precision::Fp32;   // CUDA and Vulkan compute; the CPU always computes in FP32
    cpu::CpuKernels cpu_kernels = cpu::CpuKernels::Auto;  // CPU only: ntex's kernels or oneDNN's (cpu_kernels.h)
    std::shared_ptr<vulkan::ComputeContext> vulkan_device;   // VULKAN only: the device (vulkan::open_headless / borrow_device)
    // NtexThreadCallbacks::pfnThreadStart (may be null) and its pUserData: run first on the worker thread.
    PFN_ntexThreadStart thread_start = nullptr;
    void* thread_start_user = nullptr;
};

// One generation's parameters (views; copied by set_params).
struct GeneratorParams {
    uint32_t seed = 0;
    const float* z = nullptr;              // z_dim floats, or nullptr: z = latent_from_seed(seed)
    float psi = 1.0f;
    const float* direction_offsets = nullptr;  // direction_count floats (nullptr only when 0)
    uint32_t direction_count = 0;
    int32_t origin_x = 0;                  // INFINITE mode; multiples of cell_size; 0 in TILEABLE
    int32_t origin_y = 0;
    int category = -1;                     // conditional models: 0..categories-1, or -1 = any
    // Layout conditioning (models with layout channels): nullptr = no layout (pattern None). A
    // period of 0 means the generator's width / height. The mask, if any, is copied.
    const LayoutSpec* layout = nullptr;
};

class TextureGenerator {
public:
    // Throws INVALID_ARGUMENT for a bad size, OUT_OF_MEMORY when the planned buffers exceed
    // settings.memory_budget (before allocating anything). Builds the backend plan once.
    TextureGenerator(std::shared_ptr<const LoadedModel> model, int width, int height, const GeneratorSettings& settings);

    // Throws INVALID_ARGUMENT (naming the field) for non-finite z/psi/offsets, more offsets than the
    // model's directions, or an origin that is not a multiple of cell_size, not 0 in TILEABLE mode,
    // or whose padded region leaves int32; a category outside the model's, a layout on a model
    // without layout channels, 'auto' on a model without a layout prior, a bad layout field
    // (validate_layout), or a layout period that does
    // not divide the size in TILEABLE mode. Reads only immutable state: callable from any thread.
    void validate(const GeneratorParams& p) const;
    // The layout as set_params stores it: a period of 0 resolved to the generator's size, Auto
    // replaced by the model's layout prior's draw for `category` (-1: any) and the layout's seed.
    LayoutSpec resolve_layout(const LayoutSpec* layout, int category) const noexcept;
    int category() const noexcept { return m_category; }
    const LayoutSpec& layout() const noexcept { return m_layout_spec; }
    // Validates, then records; no allocation.
    void set_params(const GeneratorParams& p);
    // Records parameters that validate() already accepted (AsyncGenerator validates each request
    // once, on the caller's thread, so the worker does not rescan a host mask every frame).
    void apply_validated_params(const GeneratorParams& p);
    // z == nullptr: z = latent_from_seed(seed). Offsets and origin are left as they are.
    void set_params(uint32_t seed, const float* z, float psi);
    // Pushes what changed since the last call to the backend without running it: the mapping
    // network (z/psi changed), the style (modulated weights) and the seed/origin (noise). generate()
    // calls it; the texture set's CUDA path calls it and then CudaPlan::enqueue() (no host wait).
    void prepare();
    // prepare(), then runs the plan: output() then holds the raw final tensor (padded region in INFINITE mode).
    void generate();
    bool has_result() const noexcept { return m_has_result; }
    // The material tensor of the last generate() (width x height x material_layout().channels).
    void build_material(float* material) const;
    std::vector<float> material() const;   // allocating form, for tools and tests

    // Copies output map `index` of the last generation into a host image (allocates; for tools).
    void read_map(uint32_t index, NtexHostFormat format, void* data, std::size_t row_pitch, std::size_t size) const;

    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }
    int halo() const noexcept { return m_halo; }     // INFINITE: pixels added on each side; else 0
    int plan_width() const noexcept { return m_width + 2 * m_halo; }
    int plan_height() const noexcept { return m_height + 2 * m_halo; }
    NtexTilingMode tiling() const noexcept { return m_tiling; }
    const MaterialLayout& material_layout() const noexcept { return m_layout; }
    const LoadedModel& model() const noexcept { return *m_model; }
    std::shared_ptr<const LoadedModel> model_ptr() const noexcept { return m_model; }
    // Final tensor (NHWC, plan_width x plan_height) of the last generation.
    const float* output() const noexcept { return m_backend->output(); }
    int output_channels() const noexcept { return m_backend->output_channels(); }
    const std::vector<float>& style() const noexcept { return m_w; }
    GeneratorBackend& backend() noexcept { return *m_backend; }
    // The plan itself, for a device path that records its commands into a host's command buffer and
    // must keep its buffers alive until those execute, even past this generator (hot reload).
    std::shared_ptr<GeneratorBackend> shared_backend() const noexcept { return m_backend; }
    // CPU or CUDA; with CUDA, backend() is a cuda::CudaPlan (dynamic_cast it for enqueue()/stream()).
    NtexBackend backend_kind() const noexcept { return m_backend_kind; }
    cuda::Precision precision() const noexcept { return m_precision; }

    // Counters for tests: how often the mapping network, the modulation (w changed) and the
    // noise recomputation ran.
    int mapping_runs() const noexcept { return m_mapping_runs; }
    int style_updates() const noexcept { return m_style_updates; }
    int seed_updates() const noexcept { return m_seed_updates; }
    int layout_renders() const noexcept { return m_layout_renders; }
    // The full-resolution layout of the plan's region (plan_width x plan_height x 2) last rendered
    // (layout models; empty otherwise). For tests.
    const std::vector<float>& layout_map() const noexcept { return m_layout_map; }

    static void validate_size(const ModelDescription& d, int64_t width, int64_t height);
    // Bytes a generator of this size and mode plans (backend buffers + 2 material tensors).
    static std::size_t planned_bytes(const ModelDescription& d, int width, int height, NtexTilingMode tiling) noexcept;

private:
    std::shared_ptr<const LoadedModel> m_model;
    int m_width;
    int m_height;
    int m_threads;
    NtexTilingMode m_tiling;
    int m_halo = 0;
    MaterialLayout m_layout;
    std::shared_ptr<GeneratorBackend> m_backend;   // shared: a device path keeps it alive while its commands may execute
    NtexBackend m_backend_kind = NTEX_BACKEND_CPU;
    cuda::Precision m_precision = cuda::Precision::Fp32;

    uint32_t m_seed = 0;
    int32_t m_origin_x = 0, m_origin_y = 0;
    int m_category = -1;
    LayoutSpec m_layout_spec;              // resolved (period set); mask points into m_layout_mask
    std::vector<float> m_layout_mask;
    std::vector<float> m_layout_map;       // plan region, full resolution, K channels (layout models only)
    int32_t m_layout_origin_x = 0, m_layout_origin_y = 0;
    bool m_layout_dirty = true;
    std::vector<float> m_z;
    std::vector<float> m_new_z;            // set_params' candidate z (swapped with m_z on change)
    float m_psi = 1.0f;
    std::vector<float> m_offsets;          // one per model direction (missing ones are 0)
    std::vector<float> m_w_truncated;      // mapping output after truncation
    std::vector<float> m_w;                // + direction offsets: what the modulation uses
    std::vector<float> m_mapping_scratch;  // run_mapping_into's two ping-pong rows
    bool m_mapping_dirty = true;
    bool m_offsets_dirty = true;
    bool m_seed_dirty = true;
    bool m_has_result = false;
    int m_mapping_runs = 0;
    int m_style_updates = 0;
    int m_seed_updates = 0;
    int m_layout_renders = 0;
};

}  // namespace ntex
