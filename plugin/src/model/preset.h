// SPDX-License-Identifier: MIT
// Preset: a generator's parameters as a small JSON file (docs/embedding.md, "Presets"), so an
// artist's material can be saved, shared and baked. Written atomically (temp file + rename): a crash
// while saving leaves the previous preset intact.
#pragma once

#include "runtime/layout_pattern.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ntex {

struct PresetDirection {
    std::string label;     // the model's direction label (matched by label on load)
    float offset = 0.0f;   // in units of the direction's sigma
};

struct Preset {
    std::string model;                      // model name the preset was made with
    uint32_t seed = 0;
    std::optional<std::vector<float>> z;    // explicit z, or none: z = latent_from_seed(seed)
    float truncation_psi = 1.0f;
    std::vector<PresetDirection> directions;
    int32_t origin_x = 0;                   // infinite mode only
    int32_t origin_y = 0;
    // Format version 2 (conditional models such as material_v2). Names, not indices, so a preset
    // survives a retrained model whose categories are reordered; resolved against the model on load.
    std::optional<std::string> category;    // none: any category
    std::optional<LayoutSpec> layout;       // none: no layout. Never Mask (a preset cannot store a host
                                            // mask yet); mask is always null; period 0 = the generator's size
};

constexpr int kPresetFormatVersion = 2;     // written; versions 1 and 2 are read

// {"format": "ntex-preset", "format_version": 2, "model", "seed", "truncation_psi", "z"?,
//  "directions": [{"label", "offset"}], "origin": [x, y], "category"?: name,
//  "layout"?: {"pattern", "columns", "rows", "period": [w, h], "offset", "gap", "bevel", "jitter", "seed"}}
// "category" and "layout" are written only when set (an unconditional model's preset has neither).
// Throws INVALID_ARGUMENT for a Mask layout ("presets cannot store a host mask yet").
std::string preset_to_json(const Preset& preset);
// Throws INVALID_ARGUMENT naming `source` and the field for malformed JSON, a wrong format tag or
// version, wrong types, values out of range, non-finite numbers, an unknown layout pattern or key.
// A "category" of "any" or a layout pattern "none" read as none. Names are not resolved here.
Preset preset_from_json(const std::string& text, const std::string& source);

// Throws IO (the previous file is kept) / FILE_NOT_FOUND / INVALID_ARGUMENT.
void save_preset(const std::filesystem::path& path, const Preset& preset);
Preset load_preset(const std::filesystem::path& path);

}  // namespace ntex
