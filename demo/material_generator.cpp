// SPDX-License-Identifier: MIT
// material_generator.cpp: the demo's only use of ntex: load, generate, read back into staging.
#include "material_generator.h"

#include <chrono>
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

}  // namespace

MaterialGenerator::MaterialGenerator(const std::string& model_path, uint32_t size) {
    try {
        NtexContextCreateInfo ci{};
        ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
        ci.headerVersion = NTEX_HEADER_VERSION;
        ci.backend = NTEX_BACKEND_AUTO;
        ci.threadCount = 0;
        ci.pfnLog = log_to_stderr;
        check(ntexCreateContext(&ci, &m_context));

        NtexModelLoadInfo li{};
        li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
        li.pPath = model_path.c_str();
        check(ntexLoadModel(m_context, &li, &m_model));
        m_info.sType = NTEX_STRUCTURE_TYPE_MODEL_INFO;
        check(ntexGetModelInfo(m_model, &m_info));
        if (m_info.mapCount == 0) throw NtexFailure("model " + model_path + " has no output maps");
        resize(size);
    } catch (...) {
        ntexDestroyGenerator(m_generator);
        ntexDestroyModel(m_model);
        ntexDestroyContext(m_context);
        throw;
    }
}

MaterialGenerator::~MaterialGenerator() {
    ntexDestroyGenerator(m_generator);
    ntexDestroyModel(m_model);
    ntexDestroyContext(m_context);
}

const char* MaterialGenerator::backend_name() const {
    switch (ntexGetContextBackend(m_context)) {
        case NTEX_BACKEND_CPU: return "ntex CPU";
        case NTEX_BACKEND_CUDA: return "ntex CUDA";
        default: return "ntex";
    }
}

std::vector<float> MaterialGenerator::latent_from_seed(uint32_t seed) const {
    std::vector<float> z(m_info.zDim);
    check(ntexLatentFromSeed(m_model, seed, z.data(), m_info.zDim));
    return z;
}

void MaterialGenerator::resize(uint32_t size) {
    ntexDestroyGenerator(m_generator);
    m_generator = nullptr;
    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = m_model;
    gi.width = size;
    gi.height = size;
    check(ntexCreateGenerator(m_context, &gi, &m_generator));
    m_size = size;
}

double MaterialGenerator::generate(uint32_t seed, const std::vector<float>& z, float psi, void* dst,
                                   size_t row_pitch, size_t bytes) {
    const auto start = std::chrono::steady_clock::now();
    NtexGeneratorParams p{};
    p.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
    p.seed = seed;
    p.pZ = z.data();
    p.zCount = static_cast<uint32_t>(z.size());
    p.truncationPsi = psi;
    check(ntexSetGeneratorParams(m_generator, &p));
    check(ntexGenerate(m_generator));
    NtexHostImage image{};
    image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
    image.format = NTEX_HOST_FORMAT_R8G8B8A8;
    image.pData = dst;
    image.rowPitch = row_pitch;
    image.size = bytes;
    check(ntexReadMap(m_generator, 0, &image));   // map 0: albedo
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace demo
