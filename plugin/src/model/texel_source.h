// SPDX-License-Identifier: MIT
// TexelSource: where each component of one written image comes from in a model's final tensor (a map
// under write_map's component rule, or an NtexChannelPacking), and texel_components, its evaluation at
// one texel. One description for both device writers: texels.comp (Vulkan, through
// TexelPushConstants) and surface_write.cu (CUDA, which calls texel_components in its kernel).
// tests/plugin/texel_source_test.cpp checks texel_components against the CPU path
// (build_material_tensor + write_texels' selects) on the host, so the CUDA writer's arithmetic is
// tested without a GPU.
#pragma once

#include "core/host_device.h"
#include "model/model_description.h"

#include <ntex/ntex.h>

#include <array>
#include <cstdint>
#include <math.h>


namespace ntex {

struct TexelSource {
    static constexpr uint32_t kDerivedX = 252;   // 252..254: component 0..2 of the derived normal
    static constexpr uint32_t kConstant = 255;   // the constant lo[k]
    // Per component k (R, G, B, A): a final-tensor channel (< 252), kDerivedX + 0..2, or kConstant.
    uint32_t select[4] = {kConstant, kConstant, kConstant, kConstant};
    float lo[4] = {0.0f, 0.0f, 0.0f, 0.0f};     // a channel's range minimum, or the constant
    float inv[4] = {1.0f, 1.0f, 1.0f, 1.0f};    // a channel's 1 / (range_max - range_min)
    int32_t derived_channel = -1;               // the height channel derived normals come from; -1: none
    float dlo = 0.0f, dinv = 1.0f;              // that height's range normalisation
    float height_scale = 1.0f;                  // ModelDescription::height_scale
};

// Map `map_index` under write_map's component rule (runtime/material.h): components 0..2 read channel
// min(k, n - 1), component 3 reads channel 3 of a 4-channel map and is the constant 1 otherwise.
// Throws INVALID_ARGUMENT for an index out of range, a map without channels or a channel >= 252.
TexelSource texel_source_of_map(const ModelDescription& d, uint32_t map_index);

// A channel-packed image (NtexChannelPacking's sources): constants, map components with their maps'
// ranges, derived-normal components. Throws INVALID_ARGUMENT for a source not in the model and
// UNSUPPORTED when components ask for normals derived from two different heights (one per image).
TexelSource texel_source_of_packing(const ModelDescription& d, const std::array<NtexChannelSource, 4>& sources);

NTEX_HOST_DEVICE inline int texel_wrap(int v, int n) {
    const int r = v % n;
    return r < 0 ? r + n : r;
}

// The tangent-space normal derived from the height in channel `channel` (range-normalised by lo, inv) at
// (sx, sy), encoded n * 0.5 + 0.5: central differences with wrap-around (docs/model_format.md, "Derived
// normal maps") in derive_normals' operation order (runtime/material.cpp).
NTEX_HOST_DEVICE inline void derived_normal(const float* raw, int raw_w, int raw_h, int raw_c, int channel, float lo, float inv, float height_scale,
                                            int sx, int sy, float n[3]) {
    auto height_at = [&](int x, int y) {
        const long long i = (static_cast<long long>(texel_wrap(y, raw_h)) * raw_w + texel_wrap(x, raw_w)) * raw_c + channel;
        return (raw[i] - lo) * inv;
    };
    const float gx = 0.5f * (height_at(sx + 1, sy) - height_at(sx - 1, sy));
    const float gy = 0.5f * (height_at(sx, sy + 1) - height_at(sx, sy - 1));
    // Rows run top to bottom, +Y is up (OpenGL): see derive_normals.
    const float nx = -height_scale * gx, ny = height_scale * gy, nz = 1.0f;
    const float inv_len = 1.0f / sqrtf(nx * nx + ny * ny + nz * nz);
    n[0] = nx * inv_len * 0.5f + 0.5f;
    n[1] = ny * inv_len * 0.5f + 0.5f;
    n[2] = nz * inv_len * 0.5f + 0.5f;
}

// The four components of the image at final-tensor pixel (sx, sy) (0 <= sx < raw_w, 0 <= sy < raw_h;
// raw: NHWC FP32, raw_w x raw_h x raw_c, already through the output op), range-normalised and
// unclamped: the CPU path's build_material_tensor value of the selected material channel, derived
// normals by wrap-around central differences (docs/model_format.md, "Derived normal maps") with
// derive_normals' operation order, so the host and CUDA results agree to float rounding.
NTEX_HOST_DEVICE inline void texel_components(const TexelSource& s, const float* raw, int raw_w, int raw_h, int raw_c, int sx, int sy,
                                              float v[4]) {
    float normal[3] = {0.5f, 0.5f, 0.5f};
    if (s.derived_channel >= 0) derived_normal(raw, raw_w, raw_h, raw_c, s.derived_channel, s.dlo, s.dinv, s.height_scale, sx, sy, normal);
    const float* px = raw + (static_cast<long long>(sy) * raw_w + sx) * raw_c;
    for (int k = 0; k < 4; ++k) {
        const uint32_t c = s.select[k];
        if (c == TexelSource::kConstant) {
            v[k] = s.lo[k];
        } else if (c >= TexelSource::kDerivedX) {
            v[k] = normal[c - TexelSource::kDerivedX];
        } else {
            v[k] = (px[c] - s.lo[k]) * s.inv[k];
        }
    }
}

}  // namespace ntex
