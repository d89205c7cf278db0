// SPDX-License-Identifier: MIT
// TextureGenerator: parameter bookkeeping and map read-back.
#include "runtime/texture_generator.h"

#include "backends/cpu/cpu_plan.h"
#include "core/error.h"
#include "core/parallel.h"
#include "runtime/hash_noise.h"
#include "runtime/style.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ntex {

namespace {
constexpr int64_t kMaxSize = 8192;
}

void TextureGenerator::validate_size(const ModelDescription& d, int64_t width, int64_t height) {
    for (auto [name, v] : {std::pair{"width", width}, std::pair{"height", height}}) {
        if (v <= 0 || v > kMaxSize) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " ", v, " out of range 1..", kMaxSize);
        }
        if (v % d.cell_size != 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, name, " ", v, " is not a multiple of the model's cell size ", d.cell_size);
        }
    }
}

TextureGenerator::TextureGenerator(std::shared_ptr<const LoadedModel> model, int width, int height,
                                   const GeneratorSettings& settings)
    : m_model(std::move(model)), m_width(width), m_height(height), m_threads(std::max(1, settings.threads)) {
    validate_size(m_model->description(), width, height);
    m_backend = std::make_unique<cpu::CpuPlan>(m_model, width, height, m_threads);
    // Every per-frame buffer is sized here, so set_params/generate never allocate.
    const ModelDescription& d = m_model->description();
    m_z = latent_from_seed(0, d.z_dim);
    m_new_z.resize(m_z.size());
    m_w.resize(static_cast<std::size_t>(d.w_dim));
    m_mapping_scratch.resize(2 * mapping_scratch_size(d));
}

void TextureGenerator::set_params(uint32_t seed, const float* z, float psi) {
    const int z_dim = m_model->description().z_dim;
    if (!std::isfinite(psi)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "truncationPsi is not finite");
    }
    if (z != nullptr) {
        for (int k = 0; k < z_dim; ++k) {
            if (!std::isfinite(z[k])) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, "z[", k, "] is not finite");
            }
        }
        std::copy(z, z + z_dim, m_new_z.begin());
    } else {
        latent_from_seed(seed, m_new_z.data(), z_dim);
    }
    if (m_new_z != m_z || psi != m_psi) {
        std::swap(m_z, m_new_z);
        m_psi = psi;
        m_style_dirty = true;
    }
    if (seed != m_seed) {
        m_seed = seed;
        m_seed_dirty = true;
    }
}

void TextureGenerator::generate() {
    if (m_style_dirty) {
        run_mapping_into(*m_model, m_z.data(), m_psi, m_w.data(), m_mapping_scratch.data());
        m_backend->set_style(m_w);
        ++m_mapping_runs;
        m_style_dirty = false;
    }
    if (m_seed_dirty) {
        m_backend->set_seed(m_seed);
        ++m_seed_updates;
        m_seed_dirty = false;
    }
    m_has_result = false;
    m_backend->run();
    m_has_result = true;
}

void TextureGenerator::read_map(uint32_t index, NtexHostFormat format, void* data, std::size_t row_pitch,
                                std::size_t size) const {
    const ModelDescription& d = m_model->description();
    if (index >= d.outputs.size()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "map index ", index, " out of range (the model has ", d.outputs.size(), " maps)");
    }
    if (!m_has_result) {
        fail(NTEX_NOT_READY, "no generated result yet: call ntexGenerate first");
    }
    std::size_t texel = format == NTEX_HOST_FORMAT_R8G8B8A8 ? 4 : 16;
    std::size_t w = static_cast<std::size_t>(m_width);
    std::size_t h = static_cast<std::size_t>(m_height);
    if (row_pitch < w * texel) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "rowPitch ", row_pitch, " is below width x texel size (", w * texel, ")");
    }
    if (size < row_pitch * h) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "size ", size, " is below rowPitch x height (", row_pitch * h, ")");
    }
    const OutputMap& map = d.outputs[index];
    const int channels = m_backend->output_channels();
    const float* src = m_backend->output();
    // One source channel per RGB component; a 1-channel map is replicated to grey.
    int ch[3];
    for (int k = 0; k < 3; ++k) {
        ch[k] = map.channels[std::min<std::size_t>(static_cast<std::size_t>(k), map.channels.size() - 1)];
    }
    const bool has_alpha = map.channels.size() == 4;
    const float lo = map.range_min;
    const float inv = 1.0f / (map.range_max - map.range_min);
    auto* dst_bytes = static_cast<uint8_t*>(data);
    OmpThreads guard(m_threads);
    parallel_for(static_cast<int64_t>(h), use_parallel(w * h * 4), [&](int64_t y) {
        const float* row = src + static_cast<std::size_t>(y) * w * static_cast<std::size_t>(channels);
        uint8_t* out = dst_bytes + static_cast<std::size_t>(y) * row_pitch;
        for (std::size_t x = 0; x < w; ++x) {
            const float* px = row + x * static_cast<std::size_t>(channels);
            float v[4] = {px[ch[0]], px[ch[1]], px[ch[2]], has_alpha ? px[map.channels[3]] : map.range_max};
            if (format == NTEX_HOST_FORMAT_R8G8B8A8) {
                for (int k = 0; k < 4; ++k) {
                    float n = std::clamp((v[k] - lo) * inv, 0.0f, 1.0f);
                    // n >= 0, so adding 0.5 and truncating is round-half-away-from-zero, like lround.
                    out[x * 4 + static_cast<std::size_t>(k)] = static_cast<uint8_t>(n * 255.0f + 0.5f);
                }
            } else {
                float f[4];
                for (int k = 0; k < 4; ++k) f[k] = (v[k] - lo) * inv;
                std::memcpy(out + x * 16, f, sizeof f);
            }
        }
    });
}

}  // namespace ntex
