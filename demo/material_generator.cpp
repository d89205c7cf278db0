// SPDX-License-Identifier: MIT
// material_generator.cpp: see material_generator.h.
#include "material_generator.h"

#include <vector>

namespace demo {

MaterialGenerator::MaterialGenerator(const MaterialModel& model, uint32_t width, uint32_t height, NtexTilingMode mode)
    : m_model(model), m_generator(model.context(), model.model(), width, height, mode, model.precision()) {}

void MaterialGenerator::set_params(const GenerationParams& p) {
    // Chained only for a conditional model: an unconditional one is driven exactly as before.
    if (m_model.is_conditional()) m_generator.set_params(p, p.conditioning);
    else m_generator.set_params(p);
}

void MaterialGenerator::request(const GenerationParams& params, bool on_this_thread) {
    set_params(params);
    const auto now = std::chrono::steady_clock::now();
    if (!m_pending) m_first_unserved = now;
    m_last_request = now;
    m_pending = true;
    if (on_this_thread) m_generator.generate();
    else m_generator.generate_async();
}

bool MaterialGenerator::poll() {
    bool idle = false;
    const uint64_t id = m_generator.result_id(&idle);   // rethrows a failed asynchronous generation
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

void MaterialGenerator::read(std::span<const MapTarget> targets) const {
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
    m_generator.read_maps(static_cast<uint32_t>(indices.size()), indices.data(), images.data());
}

void MaterialGenerator::generate_now(const GenerationParams& params) {
    set_params(params);
    const auto start = std::chrono::steady_clock::now();
    m_generator.generate();
    m_latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    m_result_id = m_generator.result_id();
    m_pending = false;
}

}  // namespace demo
