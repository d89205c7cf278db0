// SPDX-License-Identifier: MIT
// material_generator.cpp: the demo's only use of ntex: load, generate asynchronously, read
// every map of one result into host memory (the engine's mapped staging buffers).
#include "material_generator.h"

#include <algorithm>
#include <cstdio>

namespace demo {
namespace {

void check(NtexResult r) {
    if (r >= 0) return;   // NTEX_SUCCESS or a status
    const char* message = ntexGetLastErrorMessage();
    throw NtexFailure(message && *message ? message : ntexResultToString(r));
}

// Errors come back as results and are reported once by the caller; show warnings only.
void log_to_stderr(NtexLogLevel level, const char* message, void*) {
    if (level == NTEX_LOG_LEVEL_WARNING) std::fprintf(stderr, "ntex: warning: %s\n", message);
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

size_t host_texel_size(Map map) {
    switch (host_format(map)) {
        case NTEX_HOST_FORMAT_R8_UNORM: return 1;
        case NTEX_HOST_FORMAT_R16_UNORM: return 2;
        default: return 4;
    }
}

MaterialModel::MaterialModel(const std::string& model_path, NtexBackend backend, NtexPrecision precision, const void* vulkan)
    : m_precision(precision) {
    try {
        NtexContextCreateInfo ci{};
        ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        ci.headerVersion = NTEX_HEADER_VERSION;
        ci.backend = backend;
        ci.pNext = vulkan;
        ci.threadCount = 0;
        ci.pfnLog = log_to_stderr;
        check(ntexCreateContext(&ci, &m_context));

        NtexModelLoadInfo li{};
        li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        li.pPath = model_path.c_str();
        check(ntexLoadModel(m_context, &li, &m_model));
        m_info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        m_conditioning.sType = NTEX_STRUCTURE_TYPE_MODEL_CONDITIONING_INFO;
        m_info.pNext = &m_conditioning;
        check(ntexGetModelInfo(m_model, &m_info));
        m_info.pNext = nullptr;   // info() is copied by callers: no pointer into this object
        if (m_info.mapCount == 0) throw NtexFailure("model " + model_path + " has no output maps");
        for (uint32_t i = 0; i < m_info.mapCount && i < NTEX_MAX_MAPS; ++i) {
            int slot = -1;
            switch (m_info.mapSemantics[i]) {
                case NTEX_MAP_SEMANTIC_ALBEDO: slot = 0; break;
                case NTEX_MAP_SEMANTIC_NORMAL: slot = 1; break;
                case NTEX_MAP_SEMANTIC_ROUGHNESS: slot = 2; break;
                case NTEX_MAP_SEMANTIC_HEIGHT: slot = 3; break;
                default: break;
            }
            if (slot >= 0 && m_map_index[static_cast<size_t>(slot)] < 0)
                m_map_index[static_cast<size_t>(slot)] = static_cast<int>(i);
        }
        if (m_map_index[0] < 0) m_map_index[0] = 0;   // no semantics: map 0 is the albedo (v1 models)
    } catch (...) {
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
        throw;
    }
}

MaterialModel::~MaterialModel() {
    ntexDestroyModel(m_model);
    ntexDestroyContext(m_context);
}

const char* MaterialModel::backend_name() const {
    switch (ntexGetContextBackend(m_context)) {
        case NTEX_BACKEND_CPU: return "ntex CPU";
        case NTEX_BACKEND_CUDA: return "ntex CUDA";
        case NTEX_BACKEND_VULKAN: return "ntex Vulkan compute";
        default: return "ntex";
    }
}

namespace {
NtexBackendInfo backend_info(NtexContext context) {
    NtexBackendInfo info{};
    info.sType = NTEX_STRUCTURE_TYPE_BACKEND_INFO;
    check(ntexGetContextBackendInfo(context, &info));
    return info;
}
}  // namespace

std::string MaterialModel::backend_description() const {
    const NtexBackendInfo info = backend_info(m_context);
    std::string s = std::string(info.backend == NTEX_BACKEND_CUDA ? "CUDA: " : info.backend == NTEX_BACKEND_VULKAN ? "Vulkan compute: " : "") +
                    info.deviceName;
    if (info.backend == NTEX_BACKEND_CUDA) s += m_precision == NTEX_PRECISION_FP32 ? ", fp32" : ", fp16";
    return s;
}

std::string MaterialModel::backend_note() const { return backend_info(m_context).fallbackReason; }

std::string MaterialModel::map_list() const {
    std::string s;
    for (uint32_t m = 0; m < kMapCount; ++m)
        if (has(static_cast<Map>(m))) s += std::string(s.empty() ? "" : " ") + map_name(static_cast<Map>(m));
    return s;
}

std::vector<float> MaterialModel::latent_from_seed(uint32_t seed) const {
    std::vector<float> z(m_info.zDim);
    check(ntexLatentFromSeed(m_model, seed, z.data(), m_info.zDim));
    return z;
}

MaterialGenerator::MaterialGenerator(const MaterialModel& model, uint32_t width, uint32_t height, NtexTilingMode mode)
    : m_model(model), m_width(width), m_height(height) {
    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = model.model();
    gi.width = width;
    gi.height = height;
    gi.tilingMode = mode;
    NtexGeneratorPrecisionInfo pi{};
    pi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PRECISION_INFO;
    pi.precision = model.precision();
    if (pi.precision != NTEX_PRECISION_DEFAULT) gi.pNext = &pi;
    check(ntexCreateGenerator(model.context(), &gi, &m_generator));
}

MaterialGenerator::~MaterialGenerator() {
    if (m_generator) ntexWaitIdle(m_generator);   // shutdown: let a running generation finish
    ntexDestroyGenerator(m_generator);
}

void MaterialGenerator::set_params(const GenerationParams& p) {
    NtexGeneratorParams gp{};
    gp.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    gp.seed = p.seed;
    gp.pZ = p.z.empty() ? nullptr : p.z.data();
    gp.zCount = static_cast<uint32_t>(p.z.size());
    gp.truncationPsi = p.psi;
    const uint32_t directions = std::min<uint32_t>(static_cast<uint32_t>(p.directions.size()), m_model.info().directionCount);
    gp.pDirectionOffsets = directions > 0 ? p.directions.data() : nullptr;
    gp.directionCount = directions;
    gp.originX = p.origin_x;
    gp.originY = p.origin_y;
    // Chained only for a conditional model: an unconditional one is driven exactly as before.
    const NtexModelConditioningInfo& ci = m_model.conditioning();
    NtexConditioningParams cp{};
    if (ci.categoryCount > 0 || ci.layoutChannels > 0) {
        const Conditioning& c = p.conditioning;
        cp.sType = NTEX_STRUCTURE_TYPE_CONDITIONING_PARAMS;
        cp.category = c.category;
        cp.pattern = c.pattern;
        cp.columns = c.columns;
        cp.rows = c.rows;
        cp.periodWidth = c.period_width;
        cp.periodHeight = c.period_height;
        cp.offset = c.offset;
        cp.gap = c.gap;
        cp.bevel = c.bevel;
        cp.jitter = c.jitter;
        cp.patternSeed = c.pattern_seed;
        gp.pNext = &cp;
    }
    check(ntexSetGeneratorParams(m_generator, &gp));
}

void MaterialGenerator::request(const GenerationParams& params) {
    set_params(params);
    check(ntexGenerateAsync(m_generator));
    const auto now = std::chrono::steady_clock::now();
    if (!m_pending) m_first_unserved = now;
    m_last_request = now;
    m_pending = true;
}

bool MaterialGenerator::poll() {
    uint64_t id = 0;
    const NtexResult status = ntexGetResultId(m_generator, &id);
    check(status);   // reports a failed asynchronous generation
    const bool idle = status == NTEX_SUCCESS;
    const bool fresh = id != m_result_id || (m_pending && idle);
    if (!fresh || id == 0) return false;
    const auto now = std::chrono::steady_clock::now();
    m_latency_ms = std::chrono::duration<double, std::milli>(now - m_first_unserved).count();
    m_result_id = id;
    // Still busy: a newer request is queued or running; time it from its submission.
    m_pending = !idle;
    m_first_unserved = m_last_request;
    return true;
}

void MaterialGenerator::read(std::span<const MapTarget> targets) {
    std::vector<uint32_t> indices;
    std::vector<NtexHostImage> images;
    for (const MapTarget& t : targets) {
        const int index = m_model.map_index(t.map);
        if (index < 0) continue;
        NtexHostImage image{};
        image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        image.format = host_format(t.map);
        image.pData = t.data;
        image.rowPitch = t.row_pitch;
        image.size = t.size;
        indices.push_back(static_cast<uint32_t>(index));
        images.push_back(image);
    }
    uint64_t id = 0;
    check(ntexReadMaps(m_generator, static_cast<uint32_t>(indices.size()), indices.data(), images.data(), &id));
}

void MaterialGenerator::generate_now(const GenerationParams& params) {
    set_params(params);
    const auto start = std::chrono::steady_clock::now();
    check(ntexGenerate(m_generator));
    m_latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    uint64_t id = 0;
    check(ntexGetResultId(m_generator, &id));
    m_result_id = id;
    m_pending = false;
}

void MaterialGenerator::wait_idle() { check(ntexWaitIdle(m_generator)); }

}  // namespace demo
