// SPDX-License-Identifier: MIT
// Preset: a generator's parameters as a small JSON file (docs/embedding.md, "Presets"), so an
// artist's material can be saved, shared and baked. Written atomically (temp file + rename): a crash
// while saving leaves the previous preset intact.
#pragma once

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
};

// {"format": "ntex-preset", "format_version": 1, "model", "seed", "truncation_psi", "z"?,
//  "directions": [{"label", "offset"}], "origin": [x, y]}
std::string preset_to_json(const Preset& preset);
// Throws INVALID_ARGUMENT naming `source` and the field for malformed JSON, a wrong format tag or
// version, wrong types, or non-finite numbers.
Preset preset_from_json(const std::string& text, const std::string& source);

// Throws IO (the previous file is kept) / FILE_NOT_FOUND / INVALID_ARGUMENT.
void save_preset(const std::filesystem::path& path, const Preset& preset);
Preset load_preset(const std::filesystem::path& path);

}  // namespace ntex
