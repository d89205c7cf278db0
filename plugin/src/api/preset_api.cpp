// SPDX-License-Identifier: MIT
// preset_api.cpp: ntexSavePreset / ntexLoadPreset: a generator's parameters <-> preset JSON.
#include "api/conditioning_api.h"
#include "api/guard.h"
#include "api/handles.h"
#include "model/preset.h"

#include <algorithm>
#include <string>

using ntex::fail;
using ntex::api::guarded;
using ntex::api::logger_of;
using ntex::api::require_non_null;

namespace {

std::string category_list(const ntex::ModelDescription& d) {
    std::string list = "any";
    for (const std::string& c : d.categories) list += ", " + c;
    return list;
}

// The preset's category name as the model's index (-1 = any).
int32_t resolve_category(const ntex::Preset& preset, const ntex::ModelDescription& d, const char* path) {
    if (!preset.category) return NTEX_CATEGORY_ANY;
    if (d.categories.empty()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, path, ": preset field 'category' is '", *preset.category, "' but model '", d.name,
             "' has no categories");
    }
    const auto it = std::find(d.categories.begin(), d.categories.end(), *preset.category);
    if (it == d.categories.end()) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, path, ": preset field 'category': '", *preset.category, "' is not a category of model '",
             d.name, "' (", category_list(d), ")");
    }
    return static_cast<int32_t>(it - d.categories.begin());
}

}  // namespace

extern "C" {

NTEX_API NtexResult ntexSavePreset(NtexGenerator generator, const char* pPath) {
    return guarded(ntex::api::logger_of_live(generator), "ntexSavePreset", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        require_non_null(pPath, "pPath");
        const ntex::ModelDescription& d = generator->generator->generator().model().description();
        ntex::Preset preset;
        preset.model = d.name;
        preset.seed = generator->seed;
        if (generator->has_z) preset.z = generator->z;
        preset.truncation_psi = generator->psi;
        for (uint32_t i = 0; i < generator->direction_count; ++i) {
            if (generator->offsets[i] != 0.0f) preset.directions.push_back({d.directions[i].label, generator->offsets[i]});
        }
        preset.origin_x = generator->origin_x;
        preset.origin_y = generator->origin_y;
        // Names, not indices (ntexSetGeneratorParams accepted the index, so it is in range).
        if (generator->category >= 0) preset.category = d.categories.at(static_cast<std::size_t>(generator->category));
        if (generator->has_layout && generator->layout.pattern != ntex::LayoutPattern::None) {
            preset.layout = generator->layout;   // save_preset refuses a Mask layout before writing anything
            preset.layout->mask = nullptr;
        }
        ntex::save_preset(pPath, preset);
    });
}

NTEX_API NtexResult ntexLoadPreset(NtexGenerator generator, const char* pPath) {
    return guarded(ntex::api::logger_of_live(generator), "ntexLoadPreset", [&] {
        const ntex::api::GeneratorUse use(generator, "generator");
        require_non_null(pPath, "pPath");
        const ntex::ModelDescription& d = generator->generator->generator().model().description();
        const ntex::Preset preset = ntex::load_preset(pPath);
        if (preset.model != d.name) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, pPath, ": the preset was made with model '", preset.model, "', this generator runs '",
                 d.name, "'");
        }
        if (preset.z && preset.z->size() != static_cast<std::size_t>(d.z_dim)) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, pPath, ": preset field 'z' has ", preset.z->size(), " values, the model's zDim is ", d.z_dim);
        }
        std::vector<float> offsets(d.directions.size(), 0.0f);
        for (const ntex::PresetDirection& pd : preset.directions) {
            std::size_t i = 0;
            while (i < d.directions.size() && d.directions[i].label != pd.label) ++i;
            if (i == d.directions.size()) {
                fail(NTEX_ERROR_INVALID_ARGUMENT, pPath, ": preset direction '", pd.label, "' is not a direction of model '", d.name, "'");
            }
            offsets[i] = pd.offset;
        }
        const int32_t category = resolve_category(preset, d, pPath);
        if (preset.layout && d.layout_channels == 0) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, pPath, ": preset field 'layout' has pattern '", ntex::layout_pattern_name(preset.layout->pattern),
                 "' but model '", d.name, "' has no layout conditioning");
        }
        // Always chained: a preset without a category or layout resets them to any / none.
        const NtexConditioningParams conditioning = ntex::api::to_conditioning_params(category, preset.layout.value_or(ntex::LayoutSpec{}));
        // Applied through the public entry point: same validation, and on error nothing changes.
        NtexGeneratorParams p{};
        p.sType = NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS;
        p.pNext = &conditioning;
        p.seed = preset.seed;
        p.pZ = preset.z ? preset.z->data() : nullptr;
        p.zCount = preset.z ? static_cast<uint32_t>(preset.z->size()) : 0;
        p.truncationPsi = preset.truncation_psi;
        p.pDirectionOffsets = offsets.empty() ? nullptr : offsets.data();
        p.directionCount = static_cast<uint32_t>(offsets.size());
        p.originX = preset.origin_x;
        p.originY = preset.origin_y;
        if (ntexSetGeneratorParams(generator, &p) != NTEX_SUCCESS) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, pPath, ": ", ntexGetLastErrorMessage());
        }
    });
}

}  // extern "C"
