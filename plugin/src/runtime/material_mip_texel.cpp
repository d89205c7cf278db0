// SPDX-License-Identifier: MIT
// material_mip_table: the material mip filter's view of a model, as MaterialMips chooses its maps.
#include "runtime/material_mip_texel.h"

#include "core/error.h"
#include "runtime/material.h"
#include "runtime/material_mips.h"

namespace ntex {

static_assert(MaterialMipTable::kMaxMaps == static_cast<int>(NTEX_MAX_MAPS), "one table entry per map a model may have");

MaterialMipTable material_mip_table(const ModelDescription& d) {
    const MaterialLayout layout = make_material_layout(d);
    if (d.outputs.size() > static_cast<std::size_t>(MaterialMipTable::kMaxMaps)) {
        fail(NTEX_ERROR_INVALID_MODEL, "the material mip filter handles at most ", MaterialMipTable::kMaxMaps, " maps, the model has ", d.outputs.size());
    }
    if (layout.channels > MaterialMips::kMaxChannels) {
        fail(NTEX_ERROR_INVALID_MODEL, "the material mip filter handles at most ", MaterialMips::kMaxChannels, " material channels, the model has ",
             layout.channels);
    }
    MaterialMipTable t;
    t.maps = static_cast<int>(d.outputs.size());
    t.channels = layout.channels;
    t.height_scale = d.height_scale;
    for (std::size_t i = 0; i < d.outputs.size(); ++i) {
        const OutputMap& m = d.outputs[i];
        // As MaterialMips: the first normal map with 3 channels drives Toksvig, the first roughness map is widened.
        if (m.semantic == MapSemantic::Normal && t.normal_map < 0 && layout.counts[i] >= 3) t.normal_map = static_cast<int>(i);
        if (m.semantic == MapSemantic::Roughness && t.roughness_map < 0) t.roughness_map = static_cast<int>(i);
        MaterialMipTable::Map& r = t.map[i];
        r.offset = layout.offsets[i];
        r.count = layout.counts[i];
        r.srgb = m.semantic == MapSemantic::Albedo && m.color_space == "srgb" ? 1 : 0;
        const OutputMap& src = m.derived_from >= 0 ? d.outputs[static_cast<std::size_t>(m.derived_from)] : m;
        if (src.channels.empty() || src.channels.size() > 4) {
            fail(NTEX_ERROR_INVALID_MODEL, "the material mip filter takes maps of 1 to 4 channels; map ", i, " has ", src.channels.size());
        }
        r.derived = m.derived_from >= 0 ? 1 : 0;
        r.lo = src.range_min;
        r.inv = 1.0f / (src.range_max - src.range_min);   // build_material_tensor's value, bit for bit
        for (std::size_t k = 0; k < src.channels.size(); ++k) r.channel[k] = src.channels[k];
    }
    t.moments = t.normal_map >= 0 || t.roughness_map >= 0 ? MaterialMipTable::kMoments : 0;
    return t;
}

MaterialMipLayout material_mip_layout(const MaterialMipTable& t, int w, int h, int levels) {
    MaterialMipLayout layout;
    for (int l = 0; l < levels; ++l) {
        const std::size_t texels = static_cast<std::size_t>(MaterialMips::level_size(w, l)) * static_cast<std::size_t>(MaterialMips::level_size(h, l));
        layout.material.push_back(layout.floats);
        layout.floats += (texels * static_cast<std::size_t>(t.channels) + 3) / 4 * 4;
        layout.moments.push_back(layout.floats);
        layout.floats += texels * static_cast<std::size_t>(t.moments);   // 4 per texel (or none): stays aligned
    }
    return layout;
}

TexelSource material_level_source(const MaterialLayout& layout, uint32_t map_index, const std::array<NtexChannelSource, 4>* packing,
                                  const char* what) {
    if (packing == nullptr && map_index >= layout.counts.size()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, "map index ", map_index, " out of range (", layout.counts.size(), " maps)");
    }
    const ChannelSelect select = packing != nullptr ? packed_select(layout, *packing, what) : map_select(layout, map_index);
    TexelSource s;
    for (std::size_t k = 0; k < 4; ++k) {
        const int channel = select.channel[k];
        s.select[k] = channel >= 0 ? static_cast<uint32_t>(channel) : TexelSource::kConstant;
        s.lo[k] = channel >= 0 ? 0.0f : select.value[k];
        s.inv[k] = 1.0f;
    }
    return s;
}

}  // namespace ntex
