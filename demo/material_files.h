// SPDX-License-Identifier: MIT
// material_files.h: the artist's files: presets (ntex::Generator::save_preset / load_preset, JSON
// written atomically) and baking the current material to PNG files, one per map.
#pragma once

#include "material_generator.h"
#include "material_model.h"

#include <string>
#include <vector>

namespace demo {

// Saves `params` (category by name and layout included) as an ntex preset. `size`: the texture size
// the parameters are used at (a layout period of 0 means that size, and an explicit period must
// divide it). Throws ntex::Exception (one line) on any error; an existing file is never left half-written.
void save_preset(const MaterialModel& model, const GenerationParams& params, const std::string& path, uint32_t size);

// Loads a preset written for `model` (validated by ntex's load_preset at `size`: other model, malformed
// file, unknown direction label or category, a layout for a model without layouts are errors) and
// returns its parameters. Throws ntex::Exception.
GenerationParams load_preset(const MaterialModel& model, const std::string& path, uint32_t size);

// Generates `params` at size x size (tileable) and writes <base>_<map>.png (RGBA8) for every map
// of the model plus <base>.preset.json, from which `ntex bake --preset` re-bakes at any size with
// 16-bit height. Returns the files written. Throws ntex::Exception or engine::Error.
std::vector<std::string> bake_material(const MaterialModel& model, const GenerationParams& params, uint32_t size,
                                       const std::string& base);

}  // namespace demo
