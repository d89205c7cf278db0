// SPDX-License-Identifier: MIT
// material_generator.h: RAII over the public ntex C API for the demo: the model (context +
// model + which output map is which) and asynchronous generators that read every map of one
// result at once.
#pragma once

#include "conditioning.h"

#include <ntex/ntex.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace demo {

// An ntex call failed; the message is ntexGetLastErrorMessage() (or the result's name).
class NtexFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The engine's material slots, in engine::MapKind order.
enum class Map : uint32_t { kAlbedo = 0, kNormal = 1, kRoughness = 2, kHeight = 3 };
constexpr uint32_t kMapCount = 4;

// How the demo reads a map: the host format matching the engine texture's format.
NtexHostFormat host_format(Map map);
size_t host_texel_size(Map map);

class MaterialModel {
public:
    // Loads the model (JSON + safetensors beside it) on `backend` (AUTO: CUDA where usable, else the
    // CPU, with the reason kept for backend_note()); generators use `precision`. Throws NtexFailure
    // (e.g. CUDA asked for but unusable: the one-line reason).
    // `vulkan` (optional, an NtexVulkanDeviceInfo): chained into the context so texture sets can
    // live on the renderer's device (zero_copy_material.h).
    explicit MaterialModel(const std::string& model_path, NtexBackend backend = NTEX_BACKEND_AUTO,
                           NtexPrecision precision = NTEX_PRECISION_DEFAULT, const void* vulkan = nullptr);
    ~MaterialModel();
    MaterialModel(const MaterialModel&) = delete;
    MaterialModel& operator=(const MaterialModel&) = delete;

    const NtexModelInfo& info() const { return m_info; }
    // Categories and layout channels (both 0 for an unconditional model such as material_v1).
    const NtexModelConditioningInfo& conditioning() const { return m_conditioning; }
    NtexContext context() const { return m_context; }
    NtexModel model() const { return m_model; }
    const char* backend_name() const;
    // "CUDA: NVIDIA H100 ... (CUDA device 0), fp16" / "CPU (ntex avx512 kernels, 2 threads)".
    std::string backend_description() const;
    // Why CUDA is not used ("" when it is, or the CPU was asked for).
    std::string backend_note() const;
    NtexPrecision precision() const { return m_precision; }
    // The model's output index for `map`, or -1 when the model lacks it. A model whose maps
    // carry no semantics (header version 1 files) has its map 0 taken as the albedo.
    int map_index(Map map) const { return m_map_index[static_cast<uint32_t>(map)]; }
    bool has(Map map) const { return map_index(map) >= 0; }
    std::string map_list() const;   // "albedo normal roughness height"

    std::vector<float> latent_from_seed(uint32_t seed) const;

private:
    NtexContext m_context = nullptr;
    NtexModel m_model = nullptr;
    NtexModelInfo m_info{};
    NtexModelConditioningInfo m_conditioning{};
    NtexPrecision m_precision = NTEX_PRECISION_DEFAULT;
    std::array<int, kMapCount> m_map_index{-1, -1, -1, -1};
};

// What a generation uses.
struct GenerationParams {
    uint32_t seed = 1;
    std::vector<float> z;             // zDim floats
    float psi = 1.0f;
    std::vector<float> directions;    // offsets (sigma) along the model's latent directions
    int32_t origin_x = 0;             // INFINITE mode only
    int32_t origin_y = 0;
    Conditioning conditioning;        // chained only for models that take it
};

// Where one map of a result goes: width x height texels, rows row_pitch bytes apart.
struct MapTarget {
    Map map;
    void* data;
    size_t row_pitch;
    size_t size;
};

class MaterialGenerator {
public:
    MaterialGenerator(const MaterialModel& model, uint32_t width, uint32_t height, NtexTilingMode mode);
    ~MaterialGenerator();   // waits for a running generation (shutdown)
    MaterialGenerator(const MaterialGenerator&) = delete;
    MaterialGenerator& operator=(const MaterialGenerator&) = delete;

    uint32_t width() const { return m_width; }
    uint32_t height() const { return m_height; }

    // ntexSetGeneratorParams + ntexGenerateAsync: returns at once; supersedes a queued request.
    void request(const GenerationParams& params);
    // Never blocks. True when a result newer than the last one read is complete: its id
    // changed, or the generator went idle after a request (every request is then served).
    bool poll();
    bool busy() const { return m_pending; }
    // Milliseconds from the oldest request not yet served to the result that poll() reported.
    double last_latency_ms() const { return m_latency_ms; }
    uint64_t result_id() const { return m_result_id; }
    // ntexReadMaps: every map of `targets` from the same, newest complete result.
    void read(std::span<const MapTarget> targets);
    // Setup and headless capture only: ntexSetGeneratorParams + ntexGenerate on this thread.
    void generate_now(const GenerationParams& params);
    // Blocks until the worker is idle (headless capture, shutdown).
    void wait_idle();
    // The ntex handle, for the preset and bake helpers (material_files.h).
    NtexGenerator handle() const { return m_generator; }
    // ntexSetGeneratorParams only (a CUDA texture set's update generates from them).
    void set_params(const GenerationParams& params);

private:

    const MaterialModel& m_model;
    NtexGenerator m_generator = nullptr;
    uint32_t m_width = 0, m_height = 0;
    bool m_pending = false;
    uint64_t m_result_id = 0;
    std::chrono::steady_clock::time_point m_first_unserved{}, m_last_request{};
    double m_latency_ms = 0.0;
};

}  // namespace demo
