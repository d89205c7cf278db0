// SPDX-License-Identifier: MIT
// NTEX_MIP_FILTER_MATERIAL one texel at a time, for the CUDA path: MaterialMipTable (what the filter needs
// from a model, flattened for a kernel argument) and two per-texel functions that the CUDA kernels
// (backends/cuda/material_mips.cu) run and tests/plugin/material_mip_texel_test.cpp runs on the host
// against MaterialMips. The arithmetic is shaders/material_mips.comp's, which follows
// runtime/material_mips.h (that header is the specification: linear-light sRGB albedo, renormalised
// normals, alpha^2 = r^4 with Toksvig's widening, plain averages otherwise, footprints of 2 or 3 texels
// per axis). Sums are float here (MaterialMips sums in double, and interpolates its sRGB curve from a
// table): a footprint has at most 9 texels, so the two differ in the last bits only.
#pragma once

#include "core/host_device.h"
#include "model/model_description.h"
#include "model/texel_source.h"
#include "runtime/material.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <math.h>
#include <vector>

namespace ntex {

struct MaterialMipTable {
    static constexpr int kMaxMaps = 8;       // NTEX_MAX_MAPS
    static constexpr int kMoments = 4;       // per texel: mean unit normal x, y, z and mean alpha^2
    struct Map {
        int offset = 0, count = 0;           // its material channels
        int srgb = 0;                        // 1: colour channels averaged in linear light
        int derived = 0;                     // 1: a normal derived from the height in channel[0]
        float lo = 0.0f, inv = 1.0f;         // the source's range normalisation
        int channel[4] = {0, 0, 0, 0};       // final-tensor channels (derived: the height's)
    };
    int maps = 0;
    int channels = 0;                        // material channels per texel
    int moments = 0;                         // kMoments, or 0 for a model without normal and roughness maps
    int normal_map = -1;                     // the first 3-channel normal map (drives Toksvig), -1: none
    int roughness_map = -1;                  // the first roughness map, -1: none
    float height_scale = 1.0f;
    Map map[kMaxMaps];
};

// The table of `d`, choosing maps as MaterialMips does. Throws INVALID_MODEL for more than kMaxMaps maps,
// more than MaterialMips::kMaxChannels material channels or a map of other than 1 to 4 channels.
MaterialMipTable material_mip_table(const ModelDescription& d);

// Where level l's material and moments lie in one work buffer of floats (w x h at level 0, sizes halving
// as Vulkan's), each 4-float aligned: the layout both device filters use.
struct MaterialMipLayout {
    std::vector<std::size_t> material, moments;   // first float of level l's material / moments
    std::size_t floats = 0;                       // the whole buffer
};
MaterialMipLayout material_mip_layout(const MaterialMipTable& t, int w, int h, int levels);

// One written image on a material level >= 1: the CPU path's select on the level's material (write_map's
// rule for map `map_index`, or `packing`'s sources when not null) as a TexelSource over the level (material
// channels with lo 0 and inv 1, or constants). Throws INVALID_ARGUMENT (naming `what` for a packing) for a
// map or source the layout does not have.
TexelSource material_level_source(const MaterialLayout& layout, uint32_t map_index, const std::array<NtexChannelSource, 4>* packing,
                                  const char* what);

NTEX_HOST_DEVICE inline float mip_clamp01(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }
NTEX_HOST_DEVICE inline float mip_srgb_to_linear(float v) {
    v = mip_clamp01(v);
    return v <= 0.04045f ? v / 12.92f : powf((v + 0.055f) / 1.055f, 2.4f);
}
NTEX_HOST_DEVICE inline float mip_linear_to_srgb(float v) {
    v = mip_clamp01(v);
    return v <= 0.0031308f ? v * 12.92f : 1.055f * powf(v, 1.0f / 2.4f) - 0.055f;
}
NTEX_HOST_DEVICE inline int max_int(int a, int b) { return a > b ? a : b; }

// Level 0 at final-tensor pixel (sx, sy) (raw: NHWC FP32, raw_w x raw_h x raw_c): the material texel
// (t.channels floats, build_material_tensor's values) and, when t.moments > 0, its 4 moments.
NTEX_HOST_DEVICE inline void mip_level0_texel(const MaterialMipTable& t, const float* raw, int raw_w, int raw_h, int raw_c, int sx, int sy,
                                              float* material, float* moments) {
    for (int i = 0; i < t.maps; ++i) {
        const MaterialMipTable::Map& m = t.map[i];
        float* out = material + m.offset;
        if (m.derived) {
            derived_normal(raw, raw_w, raw_h, raw_c, m.channel[0], m.lo, m.inv, t.height_scale, sx, sy, out);
            continue;
        }
        const float* px = raw + (static_cast<long long>(sy) * raw_w + sx) * raw_c;
        for (int k = 0; k < m.count; ++k) out[k] = (px[m.channel[k]] - m.lo) * m.inv;
    }
    if (t.moments == 0) return;
    if (t.normal_map >= 0) {
        const float* n = material + t.map[t.normal_map].offset;
        const float nx = n[0] * 2.0f - 1.0f, ny = n[1] * 2.0f - 1.0f, nz = n[2] * 2.0f - 1.0f;
        const float len = sqrtf(nx * nx + ny * ny + nz * nz);
        const float inv = len > 1e-6f ? 1.0f / len : 0.0f;   // a zero vector adds no direction
        moments[0] = nx * inv;
        moments[1] = ny * inv;
        moments[2] = nz * inv;
    } else {
        moments[0] = 0.0f;
        moments[1] = 0.0f;
        moments[2] = 1.0f;
    }
    const float r = t.roughness_map >= 0 ? mip_clamp01(material[t.map[t.roughness_map].offset]) : 0.0f;
    moments[3] = r * r * r * r;   // alpha^2 = r^4
}

// Texel (x, y) of a dw x dh level from the sw x sh level above (`material`: t.channels floats per
// texel, `moments`: t.moments per texel): its material texel and moments. dst texel x covers src
// texels floor(x * sw / dw) .. floor((x + 1) * sw / dw) - 1 (at least one).
NTEX_HOST_DEVICE inline void mip_downsample_texel(const MaterialMipTable& t, const float* material, const float* moments, int sw, int sh,
                                                  int dw, int dh, int x, int y, float* out, float* out_moments) {
    const int x0 = static_cast<int>(static_cast<long long>(x) * sw / dw);
    const int x1 = max_int(x0 + 1, static_cast<int>(static_cast<long long>(x + 1) * sw / dw));
    const int y0 = static_cast<int>(static_cast<long long>(y) * sh / dh);
    const int y1 = max_int(y0 + 1, static_cast<int>(static_cast<long long>(y + 1) * sh / dh));
    const float inv_n = 1.0f / (static_cast<float>(x1 - x0) * static_cast<float>(y1 - y0));
    float mom[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    if (t.moments > 0) {
        for (int sy = y0; sy < y1; ++sy) {
            for (int sx = x0; sx < x1; ++sx) {
                const float* s = moments + (static_cast<long long>(sy) * sw + sx) * 4;
                for (int k = 0; k < 4; ++k) mom[k] += s[k];
            }
        }
        for (int k = 0; k < 4; ++k) out_moments[k] = mom[k] *= inv_n;
    }
    const float na = t.moments > 0 ? sqrtf(mom[0] * mom[0] + mom[1] * mom[1] + mom[2] * mom[2]) : 0.0f;
    for (int i = 0; i < t.maps; ++i) {
        const MaterialMipTable::Map& m = t.map[i];
        for (int k = 0; k < m.count; ++k) {
            float* dst = out + m.offset + k;
            if (i == t.normal_map && k < 3) {
                // The renormalised mean normal (straight up where the footprint's normals cancel).
                const float inv_na = na > 1e-6f ? 1.0f / na : 0.0f;
                const float n = k < 2 ? mom[k] * inv_na : (na > 1e-6f ? mom[2] * inv_na : 1.0f);
                *dst = n * 0.5f + 0.5f;
                continue;
            }
            if (i == t.roughness_map && k == 0) {
                float alpha2 = mom[3];
                if (t.normal_map >= 0) {
                    // Toksvig: sigma^2 = (1 - |Na|) / |Na|; under 1e-5, 1 - |Na| is rounding, not variance.
                    const float sigma2 = na <= 1e-6f ? 1.0f : (1.0f - na < 1e-5f ? 0.0f : (1.0f - na) / na);
                    alpha2 += 2.0f * sigma2;
                }
                *dst = sqrtf(sqrtf(mip_clamp01(alpha2)));
                continue;
            }
            float sum = 0.0f;
            for (int sy = y0; sy < y1; ++sy) {
                for (int sx = x0; sx < x1; ++sx) {
                    const float v = material[(static_cast<long long>(sy) * sw + sx) * t.channels + m.offset + k];
                    sum += m.srgb && k < 3 ? mip_srgb_to_linear(v) : v;
                }
            }
            const float mean = sum * inv_n;
            *dst = m.srgb && k < 3 ? mip_linear_to_srgb(mean) : mean;
        }
    }
}

}  // namespace ntex
