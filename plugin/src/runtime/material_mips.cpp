// SPDX-License-Identifier: MIT
#include "runtime/material_mips.h"

#include "core/error.h"
#include "core/parallel.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ntex {

float srgb_to_linear(float v) noexcept {
    v = std::clamp(v, 0.0f, 1.0f);
    return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f);
}

float linear_to_srgb(float v) noexcept {
    v = std::clamp(v, 0.0f, 1.0f);
    return v <= 0.0031308f ? v * 12.92f : 1.055f * std::pow(v, 1.0f / 2.4f) - 0.055f;
}

namespace {
constexpr int kMoments = 4;   // mean unit normal x, y, z; mean alpha^2

// srgb_to_linear by a table with linear interpolation, for the level-0 texels (every albedo channel of
// the material once per frame: std::pow there was most of the filter's time). The curve's second
// derivative is below 3 on [0, 1], so 4,096 intervals keep the error under 3 * (1/4096)^2 / 8 = 2.3e-8.
struct LinearTable {
    static constexpr int kSteps = 4096;
    float value[kSteps + 1];
    LinearTable() noexcept {
        for (int i = 0; i <= kSteps; ++i) value[i] = srgb_to_linear(static_cast<float>(i) / kSteps);
    }
    float operator()(float v) const noexcept {
        const float x = std::clamp(v, 0.0f, 1.0f) * kSteps;
        const int i = std::min(static_cast<int>(x), kSteps - 1);
        const float t = x - static_cast<float>(i);
        return value[i] + (value[i + 1] - value[i]) * t;
    }
};

const LinearTable& linear_table() noexcept {
    static const LinearTable table;   // thread-safe initialisation (C++11 magic statics)
    return table;
}
}  // namespace

MaterialMips::MaterialMips(const ModelDescription& desc, const MaterialLayout& layout, const void* source) : m_source(source), m_layout(layout) {
    if (layout.channels > kMaxChannels) {
        fail(NTEX_ERROR_INVALID_MODEL, "the material mip filter handles at most ", kMaxChannels, " material channels, the model has ", layout.channels);
    }
    for (std::size_t i = 0; i < desc.outputs.size(); ++i) {
        const OutputMap& m = desc.outputs[i];
        m_semantics.push_back(m.semantic);
        m_srgb.push_back(m.semantic == MapSemantic::Albedo && m.color_space == "srgb");
        if (m.semantic == MapSemantic::Normal && m_normal < 0 && layout.counts[i] >= 3) m_normal = static_cast<int>(i);
        if (m.semantic == MapSemantic::Roughness && m_roughness < 0) m_roughness = static_cast<int>(i);
    }
}

void MaterialMips::set_level0(const float* level0, int w, int h) {
    m_level0.assign(level0, level0 + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * static_cast<std::size_t>(m_layout.channels));
    m_w = w;
    m_h = h;
}

void MaterialMips::compute(int levels) {
    m_levels.resize(static_cast<std::size_t>(std::max(levels, 1)));
    if (levels <= 1) return;
    level0_moments();
    for (int l = 1; l < levels; ++l) {
        const Level& above = m_levels[static_cast<std::size_t>(l - 1)];
        downsample(l == 1 ? m_level0.data() : above.material.data(), above.moments.data(), level_size(m_w, l - 1), level_size(m_h, l - 1),
                   m_levels[static_cast<std::size_t>(l)], level_size(m_w, l), level_size(m_h, l));
    }
}

int MaterialMips::moment_count() const noexcept {
    return m_normal >= 0 || m_roughness >= 0 ? kMoments : 0;
}

void MaterialMips::level0_moments() {
    const float* level0 = m_level0.data();
    const int w = m_w, h = m_h;
    const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    std::vector<float>& mom = m_levels[0].moments;
    if (moment_count() == 0) {
        mom.clear();
        return;
    }
    mom.resize(n * kMoments);
    const std::size_t mc = static_cast<std::size_t>(m_layout.channels);
    const int no = m_normal >= 0 ? m_layout.offsets[static_cast<std::size_t>(m_normal)] : -1;
    const int ro = m_roughness >= 0 ? m_layout.offsets[static_cast<std::size_t>(m_roughness)] : -1;
    parallel_for(h, use_parallel(n * 8), [&](int64_t y) {
        for (std::size_t x = 0; x < static_cast<std::size_t>(w); ++x) {
            const std::size_t t = static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + x;
            const float* px = level0 + t * mc;
            float* m = mom.data() + t * kMoments;
            if (no >= 0) {
                float nx = px[no] * 2.0f - 1.0f, ny = px[no + 1] * 2.0f - 1.0f, nz = px[no + 2] * 2.0f - 1.0f;
                const float len = std::sqrt(nx * nx + ny * ny + nz * nz);
                // Stored normals are unit up to 8-bit rounding; a zero vector stays zero (it adds no direction).
                const float inv = len > 1e-6f ? 1.0f / len : 0.0f;
                m[0] = nx * inv;
                m[1] = ny * inv;
                m[2] = nz * inv;
            } else {
                m[0] = m[1] = 0.0f;
                m[2] = 1.0f;
            }
            const float r = ro >= 0 ? std::clamp(px[ro], 0.0f, 1.0f) : 0.0f;
            m[3] = r * r * r * r;   // alpha^2 = r^4
        }
    });
}

void MaterialMips::downsample(const float* material, const float* moments, int sw, int sh, Level& dst, int dw, int dh) const {
    const std::size_t mc = static_cast<std::size_t>(m_layout.channels);
    const std::size_t dn = static_cast<std::size_t>(dw) * static_cast<std::size_t>(dh);
    dst.material.resize(dn * mc);
    const std::size_t km = static_cast<std::size_t>(moment_count());
    dst.moments.resize(dn * km);
    const std::size_t maps = m_layout.counts.size();
    const LinearTable& to_linear = linear_table();
    parallel_for(dh, use_parallel(dn * mc * 8), [&](int64_t yy) {
        const int y = static_cast<int>(yy);
        const int y0 = static_cast<int>(static_cast<int64_t>(y) * sh / dh), y1 = std::max(y0 + 1, static_cast<int>(static_cast<int64_t>(y + 1) * sh / dh));
        std::array<double, kMaxChannels + kMoments> sum{};   // no allocation inside the parallel region
        for (int x = 0; x < dw; ++x) {
            const int x0 = static_cast<int>(static_cast<int64_t>(x) * sw / dw), x1 = std::max(x0 + 1, static_cast<int>(static_cast<int64_t>(x + 1) * sw / dw));
            std::fill(sum.begin(), sum.begin() + static_cast<std::ptrdiff_t>(mc + km), 0.0);
            for (int sy = y0; sy < y1; ++sy) {
                for (int sx = x0; sx < x1; ++sx) {
                    const std::size_t t = static_cast<std::size_t>(sy) * static_cast<std::size_t>(sw) + static_cast<std::size_t>(sx);
                    const float* px = material + t * mc;
                    for (std::size_t i = 0; i < maps; ++i) {
                        const std::size_t off = static_cast<std::size_t>(m_layout.offsets[i]);
                        for (int k = 0; k < m_layout.counts[i]; ++k) {
                            const float v = px[off + static_cast<std::size_t>(k)];
                            // sRGB albedo: colour channels in linear light; a 4th channel (alpha) is linear.
                            sum[off + static_cast<std::size_t>(k)] += m_srgb[i] && k < 3 ? to_linear(v) : v;
                        }
                    }
                    for (std::size_t k = 0; k < km; ++k) sum[mc + k] += moments[t * km + k];
                }
            }
            const double inv = 1.0 / (static_cast<double>(x1 - x0) * static_cast<double>(y1 - y0));
            const std::size_t t = static_cast<std::size_t>(y) * static_cast<std::size_t>(dw) + static_cast<std::size_t>(x);
            float* out = dst.material.data() + t * mc;
            float* mom = dst.moments.data() + t * km;
            for (std::size_t k = 0; k < km; ++k) mom[k] = static_cast<float>(sum[mc + k] * inv);
            const float na = km > 0 ? std::sqrt(mom[0] * mom[0] + mom[1] * mom[1] + mom[2] * mom[2]) : 0.0f;
            for (std::size_t i = 0; i < maps; ++i) {
                const std::size_t off = static_cast<std::size_t>(m_layout.offsets[i]);
                const int count = m_layout.counts[i];
                if (static_cast<int>(i) == m_normal) {
                    // The renormalised mean normal (straight up where the footprint's normals cancel).
                    const float inv_na = na > 1e-6f ? 1.0f / na : 0.0f;
                    const float n[3] = {mom[0] * inv_na, mom[1] * inv_na, na > 1e-6f ? mom[2] * inv_na : 1.0f};
                    for (int k = 0; k < 3; ++k) out[off + static_cast<std::size_t>(k)] = n[k] * 0.5f + 0.5f;
                    for (int k = 3; k < count; ++k) out[off + static_cast<std::size_t>(k)] = static_cast<float>(sum[off + static_cast<std::size_t>(k)] * inv);
                    continue;
                }
                if (static_cast<int>(i) == m_roughness) {
                    float alpha2 = mom[3];
                    if (m_normal >= 0) {
                        // Toksvig: sigma^2 = (1 - |Na|) / |Na|; a footprint whose normals cancel is fully rough.
                        // Below 1e-5 (a spread of about 0.3 degrees) 1 - |Na| is float rounding of unit
                        // normals, not variance: ignored, or a flat mirror would gain 2e-7 of alpha^2
                        // (20% more roughness at r = 0.02).
                        const float sigma2 = na <= 1e-6f ? 1.0f : 1.0f - na < 1e-5f ? 0.0f : (1.0f - na) / na;
                        alpha2 += 2.0f * sigma2;
                    }
                    out[off] = std::sqrt(std::sqrt(std::clamp(alpha2, 0.0f, 1.0f)));
                    for (int k = 1; k < count; ++k) out[off + static_cast<std::size_t>(k)] = static_cast<float>(sum[off + static_cast<std::size_t>(k)] * inv);
                    continue;
                }
                for (int k = 0; k < count; ++k) {
                    const float v = static_cast<float>(sum[off + static_cast<std::size_t>(k)] * inv);
                    out[off + static_cast<std::size_t>(k)] = m_srgb[i] && k < 3 ? linear_to_srgb(v) : v;
                }
            }
        }
    });
}

}  // namespace ntex
