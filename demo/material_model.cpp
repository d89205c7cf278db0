// SPDX-License-Identifier: MIT
// material_model.cpp: see material_model.h.
#include "material_model.h"

#include <cstdio>

namespace demo {
namespace {

// Errors come back as exceptions and are reported once by the caller; show warnings only.
void log_to_stderr(NtexLogLevel level, const char* message, void*) {
    if (level == NTEX_LOG_LEVEL_WARNING) std::fprintf(stderr, "ntex: warning: %s\n", message);
}

ntex::Context::Options context_options(NtexBackend backend, const ntex::VulkanDevice* vulkan) {
    ntex::Context::Options o = vulkan != nullptr ? vulkan->options(backend) : ntex::Context::Options{};
    o.backend = backend;
    o.log = log_to_stderr;
    return o;
}

const char* map_name(Map m) {
    switch (m) {
        case Map::kAlbedo: return "albedo";
        case Map::kNormal: return "normal";
        case Map::kRoughness: return "roughness";
        case Map::kHeight: return "height";
    }
    return "?";
}

}  // namespace

NtexHostFormat host_format(Map map) {
    switch (map) {
        case Map::kAlbedo:
        case Map::kNormal: return NTEX_HOST_FORMAT_R8G8B8A8;
        case Map::kRoughness: return NTEX_HOST_FORMAT_R8_UNORM;
        case Map::kHeight: return NTEX_HOST_FORMAT_R16_UNORM;
    }
    return NTEX_HOST_FORMAT_R8G8B8A8;
}

size_t host_texel_size(Map map) { return ntex::host_format_texel_size(host_format(map)); }

MaterialModel::MaterialModel(const std::string& model_path, NtexBackend backend, NtexPrecision precision,
                             const ntex::VulkanDevice* vulkan)
    : m_context(context_options(backend, vulkan)),
      m_model(m_context, model_path),
      m_info(m_model.info()),
      m_conditioning(m_model.conditioning_info()),
      m_precision(precision) {
    if (m_info.mapCount == 0) throw ntex::Exception(NTEX_ERROR_INVALID_MODEL, "model " + model_path + " has no output maps");
    for (uint32_t i = 0; i < m_info.mapCount && i < NTEX_MAX_MAPS; ++i) {
        int slot = -1;
        switch (m_info.mapSemantics[i]) {
            case NTEX_MAP_SEMANTIC_ALBEDO: slot = 0; break;
            case NTEX_MAP_SEMANTIC_NORMAL: slot = 1; break;
            case NTEX_MAP_SEMANTIC_ROUGHNESS: slot = 2; break;
            case NTEX_MAP_SEMANTIC_HEIGHT: slot = 3; break;
            default: break;
        }
        if (slot >= 0 && m_map_index[static_cast<size_t>(slot)] < 0) m_map_index[static_cast<size_t>(slot)] = static_cast<int>(i);
    }
    if (m_map_index[0] < 0) m_map_index[0] = 0;   // no semantics: map 0 is the albedo (v1 models)
}

const char* MaterialModel::backend_name() const {
    switch (m_context.backend()) {
        case NTEX_BACKEND_CPU: return "ntex CPU";
        case NTEX_BACKEND_CUDA: return "ntex CUDA";
        case NTEX_BACKEND_VULKAN: return "ntex Vulkan compute";
        default: return "ntex";
    }
}

std::string MaterialModel::backend_description() const {
    const NtexBackendInfo info = m_context.backend_info();
    std::string s = std::string(info.backend == NTEX_BACKEND_CUDA     ? "CUDA: "
                                : info.backend == NTEX_BACKEND_VULKAN ? "Vulkan compute: "
                                                                      : "") +
                    info.deviceName;
    if (info.backend == NTEX_BACKEND_CUDA) s += m_precision == NTEX_PRECISION_FP32 ? ", fp32" : ", fp16";
    return s;
}

std::string MaterialModel::backend_note() const { return m_context.backend_info().fallbackReason; }

std::string MaterialModel::map_list() const {
    std::string s;
    for (uint32_t m = 0; m < kMapCount; ++m)
        if (has(static_cast<Map>(m))) s += std::string(s.empty() ? "" : " ") + map_name(static_cast<Map>(m));
    return s;
}

}  // namespace demo
