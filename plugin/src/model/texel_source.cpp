// SPDX-License-Identifier: MIT
// texel_source_of_map / texel_source_of_packing: a model's output maps as per-component sources.
#include "model/texel_source.h"

#include "core/error.h"

#include <algorithm>

namespace ntex {

namespace {

uint32_t channel_of(int channel) {
    if (channel < 0 || channel >= static_cast<int>(TexelSource::kDerivedX)) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "final-tensor channel ", channel, " out of range");
    }
    return static_cast<uint32_t>(channel);
}

// Component k of `s` reads component `component` of map `map`: a final-tensor channel with the map's
// range, or a component of the normal derived from the height (one derived normal per image).
void set_component(const ModelDescription& d, TexelSource& s, std::size_t k, uint32_t map, uint32_t component) {
    const OutputMap& m = d.outputs[map];
    if (m.derived_from >= 0) {
        const OutputMap& hm = d.outputs[static_cast<std::size_t>(m.derived_from)];
        const int32_t channel = static_cast<int32_t>(channel_of(hm.channels.at(0)));
        if (s.derived_channel >= 0 && s.derived_channel != channel) {
            fail(NTEX_ERROR_UNSUPPORTED, "an image derives one normal; this packing asks for normals from two heights");
        }
        s.derived_channel = channel;
        s.dlo = hm.range_min;
        s.dinv = 1.0f / (hm.range_max - hm.range_min);   // the CPU path's value, bit for bit
        s.select[k] = TexelSource::kDerivedX + component;
        return;
    }
    s.select[k] = channel_of(m.channels.at(component));
    s.lo[k] = m.range_min;
    s.inv[k] = 1.0f / (m.range_max - m.range_min);
}

TexelSource empty_source(const ModelDescription& d) {
    TexelSource s;
    s.height_scale = d.height_scale;
    return s;
}

}  // namespace

TexelSource texel_source_of_map(const ModelDescription& d, uint32_t map_index) {
    if (map_index >= d.outputs.size()) fail(NTEX_ERROR_INVALID_ARGUMENT, "map index ", map_index, " out of range (", d.outputs.size(), " maps)");
    TexelSource s = empty_source(d);
    const std::size_t n = static_cast<std::size_t>(d.outputs[map_index].channel_count());
    if (n == 0) fail(NTEX_ERROR_INVALID_ARGUMENT, "map ", map_index, " has no channel");
    for (std::size_t k = 0; k < 3; ++k) set_component(d, s, k, map_index, static_cast<uint32_t>(std::min(k, n - 1)));
    if (n == 4) {
        set_component(d, s, 3, map_index, 3);
    } else {
        s.lo[3] = 1.0f;   // select[3] stays kConstant
    }
    return s;
}

TexelSource texel_source_of_packing(const ModelDescription& d, const std::array<NtexChannelSource, 4>& sources) {
    TexelSource s = empty_source(d);
    for (std::size_t k = 0; k < 4; ++k) {
        const NtexChannelSource& c = sources[k];
        if (c.mapIndex == NTEX_CHANNEL_SOURCE_ZERO || c.mapIndex == NTEX_CHANNEL_SOURCE_ONE) {
            s.lo[k] = c.mapIndex == NTEX_CHANNEL_SOURCE_ONE ? 1.0f : 0.0f;
            continue;
        }
        if (c.mapIndex >= d.outputs.size() || c.component >= static_cast<uint32_t>(d.outputs[c.mapIndex].channel_count())) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, "packed component ", k, ": map ", c.mapIndex, " component ", c.component, " is not in the model");
        }
        set_component(d, s, k, c.mapIndex, c.component);
    }
    return s;
}

}  // namespace ntex
