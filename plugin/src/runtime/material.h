// SPDX-License-Identifier: MIT
// The material tensor: every output map of a model, concatenated, and its host-format conversion.
#pragma once

#include "model/model_description.h"

#include <ntex/ntex.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ntex {

// Where each map lives in the material tensor (NHWC float, `channels` per pixel, maps in
// `outputs` order): albedo_v1 -> 3 channels; material_v1 -> albedo 3, normal 3, roughness 1, height 1.
struct MaterialLayout {
    int channels = 0;
    std::vector<int> offsets;   // first material channel of map i
    std::vector<int> counts;    // channels of map i (OutputMap::channel_count)
};

MaterialLayout make_material_layout(const ModelDescription& d);

// Tangent-space normals from a height map by central differences (docs/model_format.md,
// "Derived normal maps"): reads heights h = (src[(Y * src_w + X) * src_channels + channel] - lo) * inv
// at X = ox + x +- 1, Y = oy + y +- 1 (indices wrap modulo src_w / src_h), writes
// n * 0.5 + 0.5 (3 floats) to dst[(y * w + x) * dst_stride ...] for rows row_begin..row_end of a
// region w pixels wide.
// scale = height_scale. Single-threaded per call: the caller splits rows (row_begin..row_end).
void derive_normals(const float* src, int src_w, int src_h, int src_channels, int channel, float lo, float inv, int ox, int oy,
                    int w, float scale, float* dst, std::size_t dst_stride, int row_begin, int row_end) noexcept;

// Fills `material` (w x h x layout.channels) from the final tensor `raw` (raw_w x raw_h x
// raw_channels) cropped at (ox, oy): each map's channels normalised by its range to [0, 1], derived
// normals computed from the (uncropped) height. Parallel over rows with the caller's OpenMP setting.
void build_material_tensor(const ModelDescription& d, const MaterialLayout& layout, const float* raw, int raw_w, int raw_h, int raw_channels,
                    int ox, int oy, int w, int h, float* material);

// Bytes per texel of a host format; 0 for an unknown value.
std::size_t host_format_texel_size(int format) noexcept;

// Throws INVALID_ARGUMENT unless map_index < maps, format is known, data is non-null,
// row_pitch >= w * texel and size >= row_pitch * h. Names the offending field.
void check_host_image(uint32_t map_index, std::size_t maps, int format, const void* data, std::size_t row_pitch, std::size_t size,
                      int w, int h);

// What one image's components hold: component k (R, G, B, A in that order) is material channel
// channel[k], or the constant value[k] where channel[k] < 0. A format with fewer components takes
// the first ones (R8: component 0; R8G8: 0 and 1); B8G8R8A8 stores components 2, 1, 0, 3.
struct ChannelSelect {
    std::array<int, 4> channel{-1, -1, -1, -1};
    std::array<float, 4> value{1.0f, 1.0f, 1.0f, 1.0f};
};

// write_map's component rule for map `map_index` (< layout.counts.size()): components 0..2 read
// channel min(k, n - 1) of the map (a 1-channel map repeats in R, G and B, a 2-channel map repeats
// its last), component 3 reads channel 3 of a 4-channel map and is 1 otherwise.
ChannelSelect map_select(const MaterialLayout& layout, uint32_t map_index);

// NtexChannelPacking's sources -> a select. Throws INVALID_ARGUMENT naming `what` (of image `image`
// when >= 0) and the component for a map index out of range or a component past the map's channels.
// Allocates nothing unless it throws.
ChannelSelect packed_select(const MaterialLayout& layout, const std::array<NtexChannelSource, 4>& sources, const char* what, int image = -1);

// Checks a host buffer as check_host_image does, without a map index.
void check_host_buffer(int format, const void* data, std::size_t row_pitch, std::size_t size, int w, int h);

// Converts a w x h material (`material_channels` floats per texel) into a host image by `select`:
// integer formats clamp to [0, 1] and round floor(v * 255 + 0.5) / floor(v * 65535 + 0.5); binary16
// formats round to nearest even (core/half.h); float formats store the value. Bytes between rows
// are left untouched. Parallel over rows with the caller's OpenMP setting.
void write_texels(const float* material, int material_channels, int w, int h, const ChannelSelect& select, NtexHostFormat format,
                  void* data, std::size_t row_pitch);

// Converts map `map_index` of a w x h material into a host image (checked by check_host_image
// first). 4-channel formats: a 1-channel map repeats in R, G and B; missing alpha is 1 (255);
// B8G8R8A8 stores the same components in B, G, R, A byte order. R8G8: the first two components.
// 1-channel formats: the map's first channel. Integer formats clamp to [0, 1] and round
// floor(v * 255 + 0.5) / floor(v * 65535 + 0.5); binary16 formats round to nearest even
// (core/half.h). Bytes between rows are left untouched.
void write_map(const float* material, const MaterialLayout& layout, int w, int h, uint32_t map_index, NtexHostFormat format,
               void* data, std::size_t row_pitch);

}  // namespace ntex
