// SPDX-License-Identifier: MIT
// material_model.h: the demo's model: an ntex::Context and ntex::Model (ntex.hpp) plus what the demo
// reads from them: which output map fills which engine material slot, and how the backend is named.
#pragma once

#include <ntex/ntex.hpp>
#include <ntex/ntex_vulkan.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace demo {

// The engine's material slots, in engine::MapKind order.
enum class Map : uint32_t { kAlbedo = 0, kNormal = 1, kRoughness = 2, kHeight = 3 };
constexpr uint32_t kMapCount = 4;

// How the demo reads a map: the host format matching the engine texture's format.
NtexHostFormat host_format(Map map);
size_t host_texel_size(Map map);

class MaterialModel {
public:
    // Loads the model (JSON + safetensors beside it) on `backend` (AUTO: CUDA where usable, else the
    // CPU, with the reason kept for backend_note()); generators use `precision`. Throws ntex::Exception
    // (e.g. CUDA asked for but unusable: the one-line reason).
    // `vulkan` (optional): chained into the context so texture sets can live on the renderer's device
    // (zero_copy_material.h); it is read only here.
    explicit MaterialModel(const std::string& model_path, NtexBackend backend = NTEX_BACKEND_AUTO,
                           NtexPrecision precision = NTEX_PRECISION_DEFAULT, const ntex::VulkanDevice* vulkan = nullptr);

    const NtexModelInfo& info() const { return m_info; }
    // Categories and layout channels (both 0 for an unconditional model such as material_v1).
    const NtexModelConditioningInfo& conditioning() const { return m_conditioning; }
    bool is_conditional() const { return m_conditioning.categoryCount > 0 || m_conditioning.layoutChannels > 0; }
    const ntex::Context& context() const { return m_context; }
    const ntex::Model& model() const { return m_model; }
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

    std::vector<float> latent_from_seed(uint32_t seed) const { return m_model.latent_from_seed(seed); }

private:
    // Declaration order is destruction order reversed: the model goes before its context.
    ntex::Context m_context;
    ntex::Model m_model;
    NtexModelInfo m_info{};
    NtexModelConditioningInfo m_conditioning{};
    NtexPrecision m_precision = NTEX_PRECISION_DEFAULT;
    std::array<int, kMapCount> m_map_index{-1, -1, -1, -1};
};

}  // namespace demo
