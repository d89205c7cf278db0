// SPDX-License-Identifier: MIT
// material_controls.h: category and layout conditioning in the demo: the overlay's "Material"
// section (a category combo, a pattern combo and the pattern's sliders), shown only for models
// that take them, and the --category / --pattern options resolved against the model.
// The demo's only ImGui calls are in material_controls.cpp (the engine's are in engine/src/ui/):
// the section is appended to the engine overlay's panel, so it must be drawn between
// Overlay::draw_panel and the frame's end.
#pragma once

#include "options.h"

#include <ntex/ntex.hpp>

#include <string>

namespace demo {

// True when the model takes a category or a layout.
bool has_conditioning(const NtexModelConditioningInfo& info);

// "none", "bricks", ... "voronoi", "blobs", "auto" for the patterns the demo offers (NONE..VORONOI, BLOBS, AUTO); "mask" and
// anything else: "?".
const char* pattern_name(NtexLayoutPattern pattern);
// The inverse; false for a name the demo does not offer.
bool pattern_from_name(const std::string& name, NtexLayoutPattern* pattern);

// The model's index of a category name ("any" = NTEX_CATEGORY_ANY). Throws ntex::Exception (one line
// naming `what`, the model and the valid names) for a name the model lacks.
int32_t category_index(const NtexModelConditioningInfo& info, const std::string& name, const char* model_name,
                       const std::string& what);

// The command line's --category, --pattern and pattern numbers for this model. Throws ntex::Exception
// (one line): an unknown category, a pattern for a model without layouts, pattern numbers without
// a pattern.
ntex::Conditioning conditioning_from_options(const Options& o, const NtexModelConditioningInfo& info, const char* model_name);

// "category any, pattern bricks 4x8" for the demo's log lines.
std::string describe(const NtexModelConditioningInfo& info, const ntex::Conditioning& c);

// Draws the Material section into the overlay's panel; nothing for a model without conditioning.
// Returns true when a value changed (the host then regenerates).
bool draw_material_controls(const NtexModelConditioningInfo& info, ntex::Conditioning& c);

}  // namespace demo
