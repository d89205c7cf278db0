// SPDX-License-Identifier: MIT
// Material tensor: range normalisation, derived normals, host-format conversion.
#include "runtime/material.h"

#include "core/error.h"
#include "core/half.h"
#include "core/parallel.h"
#include "core/wrap.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace ntex {

MaterialLayout make_material_layout(const ModelDescription& d) {
    MaterialLayout layout;
    for (const OutputMap& m : d.outputs) {
        layout.offsets.push_back(layout.channels);
        layout.counts.push_back(m.channel_count());
        layout.channels += m.channel_count();
    }
    return layout;
}

void derive_normals(const float* src, int src_w, int src_h, int src_channels, int channel, float lo, float inv, int ox, int oy,
                    int w, float scale, float* dst, std::size_t dst_stride, int row_begin, int row_end) noexcept {
    const std::size_t sc = static_cast<std::size_t>(src_channels);
    auto height_at = [&](int x, int y) {
        const std::size_t i = (static_cast<std::size_t>(wrap(y, src_h)) * static_cast<std::size_t>(src_w) +
                               static_cast<std::size_t>(wrap(x, src_w))) * sc + static_cast<std::size_t>(channel);
        return (src[i] - lo) * inv;
    };
    for (int y = row_begin; y < row_end; ++y) {
        const int sy = oy + y;
        float* out = dst + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * dst_stride;
        for (int x = 0; x < w; ++x) {
            const int sx = ox + x;
            const float gx = 0.5f * (height_at(sx + 1, sy) - height_at(sx - 1, sy));
            const float gy = 0.5f * (height_at(sx, sy + 1) - height_at(sx, sy - 1));
            // Rows run top to bottom but +Y is up (OpenGL): a height rising downwards tilts the
            // normal up, hence +s*gy.
            float nx = -scale * gx, ny = scale * gy, nz = 1.0f;
            const float inv_len = 1.0f / std::sqrt(nx * nx + ny * ny + nz * nz);
            float* px = out + static_cast<std::size_t>(x) * dst_stride;
            px[0] = nx * inv_len * 0.5f + 0.5f;
            px[1] = ny * inv_len * 0.5f + 0.5f;
            px[2] = nz * inv_len * 0.5f + 0.5f;
        }
    }
}

void build_material_tensor(const ModelDescription& d, const MaterialLayout& layout, const float* raw, int raw_w, int raw_h, int raw_channels,
                    int ox, int oy, int w, int h, float* material) {
    const std::size_t mc = static_cast<std::size_t>(layout.channels);
    const std::size_t rc = static_cast<std::size_t>(raw_channels);
    parallel_for(h, use_parallel(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * mc), [&](int64_t row) {
        const int y = static_cast<int>(row);
        const float* in = raw + (static_cast<std::size_t>(oy + y) * static_cast<std::size_t>(raw_w) + static_cast<std::size_t>(ox)) * rc;
        float* out = material + static_cast<std::size_t>(y) * static_cast<std::size_t>(w) * mc;
        for (std::size_t i = 0; i < d.outputs.size(); ++i) {
            const OutputMap& m = d.outputs[i];
            const std::size_t off = static_cast<std::size_t>(layout.offsets[i]);
            if (m.derived_from >= 0) {
                const OutputMap& hm = d.outputs[static_cast<std::size_t>(m.derived_from)];
                derive_normals(raw, raw_w, raw_h, raw_channels, hm.channels[0], hm.range_min, 1.0f / (hm.range_max - hm.range_min), ox, oy,
                               w, d.height_scale, material + off, mc, y, y + 1);
                continue;
            }
            const float lo = m.range_min;
            const float inv = 1.0f / (m.range_max - m.range_min);
            const std::size_t n = m.channels.size();
            for (int x = 0; x < w; ++x) {
                const float* px = in + static_cast<std::size_t>(x) * rc;
                float* po = out + static_cast<std::size_t>(x) * mc + off;
                for (std::size_t k = 0; k < n; ++k) po[k] = (px[m.channels[k]] - lo) * inv;
            }
        }
    });
}

std::size_t host_format_texel_size(int format) noexcept {
    switch (format) {
        case NTEX_HOST_FORMAT_R8G8B8A8: return 4;
        case NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT: return 16;
        case NTEX_HOST_FORMAT_R8_UNORM: return 1;
        case NTEX_HOST_FORMAT_R16_UNORM: return 2;
        case NTEX_HOST_FORMAT_R32_SFLOAT: return 4;
        case NTEX_HOST_FORMAT_R8G8_UNORM: return 2;
        case NTEX_HOST_FORMAT_B8G8R8A8: return 4;
        case NTEX_HOST_FORMAT_R16_SFLOAT: return 2;
        case NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT: return 8;
        default: return 0;
    }
}

void check_host_image(uint32_t map_index, std::size_t maps, int format, const void* data, std::size_t row_pitch, std::size_t size,
                      int w, int h) {
    if (map_index >= maps) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "map index ", map_index, " out of range (the model has ", maps, " maps)");
    }
    check_host_buffer(format, data, row_pitch, size, w, h);
}

void check_host_buffer(int format, const void* data, std::size_t row_pitch, std::size_t size, int w, int h) {
    const std::size_t texel = host_format_texel_size(format);
    if (texel == 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "pImage->format ", format, " is not a known NtexHostFormat");
    if (data == nullptr) fail(NTEX_ERROR_INVALID_ARGUMENT, "pImage->pData is NULL");
    const std::size_t min_pitch = static_cast<std::size_t>(w) * texel;
    if (row_pitch < min_pitch) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "rowPitch ", row_pitch, " is below width x texel size (", min_pitch, ")");
    }
    const std::size_t hh = static_cast<std::size_t>(h);
    if (row_pitch > SIZE_MAX / hh || size < row_pitch * hh) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "size ", size, " is below rowPitch x height (", row_pitch, " x ", h, ")");
    }
}

namespace {

inline float unit(float v) noexcept { return std::clamp(v, 0.0f, 1.0f); }  // NaN stays NaN: cannot occur (clamped output)
inline uint8_t to_u8(float v) noexcept { return static_cast<uint8_t>(std::floor(unit(v) * 255.0f + 0.5f)); }
inline uint16_t to_u16(float v) noexcept { return static_cast<uint16_t>(std::floor(unit(v) * 65535.0f + 0.5f)); }

}  // namespace

ChannelSelect map_select(const MaterialLayout& layout, uint32_t map_index) {
    const int n = layout.counts[map_index];
    const int off = layout.offsets[map_index];
    ChannelSelect select;
    for (int k = 0; k < 3; ++k) select.channel[static_cast<std::size_t>(k)] = off + std::min(k, n - 1);
    if (n == 4) select.channel[3] = off + 3;
    return select;
}

ChannelSelect packed_select(const MaterialLayout& layout, const std::array<NtexChannelSource, 4>& sources, const char* what, int image) {
    // Built only when failing: reads run every frame and allocate nothing.
    auto where = [image] { return image >= 0 ? cat("image ", image, ": ") : std::string(); };
    ChannelSelect select;
    for (std::size_t k = 0; k < 4; ++k) {
        const NtexChannelSource& s = sources[k];
        if (s.mapIndex == NTEX_CHANNEL_SOURCE_ZERO || s.mapIndex == NTEX_CHANNEL_SOURCE_ONE) {
            select.value[k] = s.mapIndex == NTEX_CHANNEL_SOURCE_ONE ? 1.0f : 0.0f;
            continue;
        }
        if (s.mapIndex >= layout.counts.size()) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, where(), what, ".channels[", k, "].mapIndex ", s.mapIndex, " is out of range (the model has ",
                 layout.counts.size(), " maps; constants are NTEX_CHANNEL_SOURCE_ZERO and _ONE)");
        }
        const uint32_t count = static_cast<uint32_t>(layout.counts[s.mapIndex]);
        if (s.component >= count) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, where(), what, ".channels[", k, "].component ", s.component, " is out of range (map ", s.mapIndex,
                 " has ", count, " channel", count == 1 ? "" : "s", ")");
        }
        select.channel[k] = layout.offsets[s.mapIndex] + static_cast<int>(s.component);
    }
    return select;
}

void write_texels(const float* material, int material_channels, int w, int h, const ChannelSelect& select, NtexHostFormat format,
                  void* data, std::size_t row_pitch) {
    const std::size_t mc = static_cast<std::size_t>(material_channels);
    const std::array<int, 4>& ch = select.channel;
    auto* bytes = static_cast<uint8_t*>(data);
    const std::size_t ww = static_cast<std::size_t>(w);
    parallel_for(h, use_parallel(ww * static_cast<std::size_t>(h) * 4), [&](int64_t y) {
        const float* row = material + static_cast<std::size_t>(y) * ww * mc;
        uint8_t* out = bytes + static_cast<std::size_t>(y) * row_pitch;
        for (std::size_t x = 0; x < ww; ++x) {
            const float* px = row + x * mc;
            float v[4];
            for (std::size_t k = 0; k < 4; ++k) v[k] = ch[k] >= 0 ? px[ch[k]] : select.value[k];
            switch (format) {
                case NTEX_HOST_FORMAT_R8G8B8A8:
                    for (std::size_t k = 0; k < 4; ++k) out[x * 4 + k] = to_u8(v[k]);
                    break;
                case NTEX_HOST_FORMAT_R32G32B32A32_SFLOAT: std::memcpy(out + x * 16, v, sizeof v); break;
                case NTEX_HOST_FORMAT_R8_UNORM: out[x] = to_u8(v[0]); break;
                case NTEX_HOST_FORMAT_R16_UNORM: {
                    const uint16_t u = to_u16(v[0]);
                    std::memcpy(out + x * 2, &u, sizeof u);
                    break;
                }
                case NTEX_HOST_FORMAT_R32_SFLOAT: std::memcpy(out + x * 4, v, sizeof(float)); break;
                case NTEX_HOST_FORMAT_R8G8_UNORM:
                    for (std::size_t k = 0; k < 2; ++k) out[x * 2 + k] = to_u8(v[k]);
                    break;
                case NTEX_HOST_FORMAT_B8G8R8A8:
                    for (std::size_t k = 0; k < 4; ++k) out[x * 4 + k] = to_u8(v[k < 3 ? 2 - k : 3]);   // bytes B, G, R, A
                    break;
                case NTEX_HOST_FORMAT_R16_SFLOAT: {
                    const uint16_t u = float_to_half(v[0]);
                    std::memcpy(out + x * 2, &u, sizeof u);
                    break;
                }
                case NTEX_HOST_FORMAT_R16G16B16A16_SFLOAT: {
                    uint16_t f[4];
                    for (std::size_t k = 0; k < 4; ++k) f[k] = float_to_half(v[k]);
                    std::memcpy(out + x * 8, f, sizeof f);
                    break;
                }
            }
        }
    });
}

void write_map(const float* material, const MaterialLayout& layout, int w, int h, uint32_t map_index, NtexHostFormat format,
               void* data, std::size_t row_pitch) {
    write_texels(material, layout.channels, w, h, map_select(layout, map_index), format, data, row_pitch);
}

}  // namespace ntex
