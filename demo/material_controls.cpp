// SPDX-License-Identifier: MIT
// material_controls.cpp: the "Material" section (Dear ImGui 1.86) and the conditioning options.
#include "material_controls.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace demo {
namespace {

// The engine overlay's window (engine/src/ui/overlay.cpp): ImGui::Begin with the same name
// appends to it, so the section sits in the one panel.
constexpr const char* kPanel = "ntex material";

// The patterns the picker offers (MASK needs a host image: not offered here); AUTO only for a model
// with a layout prior.
struct PatternItem {
    NtexLayoutPattern value;
    const char* name;
};
constexpr PatternItem kPatterns[] = {{NTEX_LAYOUT_PATTERN_NONE, "none"},       {NTEX_LAYOUT_PATTERN_BRICKS, "bricks"},
                                     {NTEX_LAYOUT_PATTERN_TILES, "tiles"},     {NTEX_LAYOUT_PATTERN_HEXAGONS, "hexagons"},
                                     {NTEX_LAYOUT_PATTERN_PLANKS, "planks"},   {NTEX_LAYOUT_PATTERN_PANELS, "panels"},
                                     {NTEX_LAYOUT_PATTERN_VORONOI, "voronoi"}, {NTEX_LAYOUT_PATTERN_BLOBS, "blobs"},
                                     {NTEX_LAYOUT_PATTERN_AUTO, "auto"}};
constexpr int kPatternCount = static_cast<int>(sizeof(kPatterns) / sizeof(kPatterns[0]));
constexpr int kMaxCells = 64;

// The options name a category or layout the model cannot take: the same error ntex gives for such
// parameters, raised before any window opens.
[[noreturn]] void refuse(const std::string& message) { throw ntex::Exception(NTEX_ERROR_INVALID_ARGUMENT, message); }

std::string category_list(const NtexModelConditioningInfo& info) {
    std::string list = "any";
    for (uint32_t i = 0; i < info.categoryCount; ++i) list += std::string(", ") + info.categoryNames[i];
    return list;
}

// Hexagons tile only with an even row count.
void keep_rows_valid(ntex::Conditioning& c) {
    if (c.pattern == NTEX_LAYOUT_PATTERN_HEXAGONS && c.rows % 2 != 0) c.rows = std::min<uint32_t>(c.rows + 1, kMaxCells);
}

bool slider_count(const char* label, uint32_t& value) {
    int v = static_cast<int>(value);
    if (!ImGui::SliderInt(label, &v, 1, kMaxCells, "%d", ImGuiSliderFlags_AlwaysClamp)) return false;
    value = static_cast<uint32_t>(std::clamp(v, 1, kMaxCells));
    return true;
}

// True when no layout number but the seed differs from ntex::Conditioning's defaults.
bool only_seed_differs(const ntex::Conditioning& l) {
    const ntex::Conditioning d;
    return l.columns == d.columns && l.rows == d.rows && l.period_width == d.period_width && l.period_height == d.period_height &&
           l.offset == d.offset && l.gap == d.gap && l.bevel == d.bevel && l.jitter == d.jitter;
}

bool input_seed(uint32_t& value) {
    int seed = static_cast<int>(std::min<uint32_t>(value, 0x7FFFFFFF));
    if (!ImGui::InputInt("pattern seed", &seed)) return false;
    value = static_cast<uint32_t>(std::max(seed, 0));
    return true;
}

}  // namespace

bool has_conditioning(const NtexModelConditioningInfo& info) { return info.categoryCount > 0 || info.layoutChannels > 0; }

const char* pattern_name(NtexLayoutPattern pattern) {
    for (const PatternItem& p : kPatterns) {
        if (p.value == pattern) return p.name;
    }
    return "?";
}

bool pattern_from_name(const std::string& name, NtexLayoutPattern* pattern) {
    for (const PatternItem& p : kPatterns) {
        if (name == p.name) {
            *pattern = p.value;
            return true;
        }
    }
    return false;
}

int32_t category_index(const NtexModelConditioningInfo& info, const std::string& name, const char* model_name,
                       const std::string& what) {
    if (name.empty() || name == "any") return NTEX_CATEGORY_ANY;
    for (uint32_t i = 0; i < info.categoryCount; ++i) {
        if (name == info.categoryNames[i]) return static_cast<int32_t>(i);
    }
    if (info.categoryCount == 0) refuse(what + " '" + name + "': model '" + model_name + "' has no categories (only any)");
    refuse(what + " '" + name + "' is not a category of model '" + model_name + "' (" + category_list(info) + ")");
}

ntex::Conditioning conditioning_from_options(const Options& o, const NtexModelConditioningInfo& info, const char* model_name) {
    ntex::Conditioning c = o.layout;
    c.category = category_index(info, o.category, model_name, "--category");
    // Without --pattern a model with a layout prior starts on AUTO: a category then comes with its
    // structure (bricks for brick_tile) instead of the streaks it draws without a layout.
    c.pattern = o.pattern.empty() && info.hasLayoutPrior != 0 ? NTEX_LAYOUT_PATTERN_AUTO : NTEX_LAYOUT_PATTERN_NONE;
    if (!o.pattern.empty() && !pattern_from_name(o.pattern, &c.pattern)) {
        refuse("--pattern '" + o.pattern + "' is not a layout pattern");   // options.cpp checked the name already
    }
    if (c.pattern == NTEX_LAYOUT_PATTERN_NONE || (o.pattern.empty() && c.pattern == NTEX_LAYOUT_PATTERN_AUTO)) {
        if (o.layout_numbers_given) refuse("--columns, --rows, --period, --offset, --gap, --bevel, --jitter and --pattern-seed need --pattern");
    } else if (info.layoutChannels == 0) {
        refuse(std::string("--pattern ") + pattern_name(c.pattern) + ": model '" + model_name + "' has no layout conditioning");
    } else if (c.pattern == NTEX_LAYOUT_PATTERN_AUTO && info.hasLayoutPrior == 0) {
        refuse(std::string("--pattern auto: model '") + model_name + "' has no layout prior");
    } else if (c.pattern == NTEX_LAYOUT_PATTERN_AUTO && !only_seed_differs(o.layout)) {
        // The prior chooses every number; only --pattern-seed is the user's (as `ntex generate`).
        refuse("--pattern auto: the layout prior chooses columns, rows, period, offset, gap, bevel and jitter (only --pattern-seed applies)");
    }
    return c;
}

std::string describe(const NtexModelConditioningInfo& info, const ntex::Conditioning& c) {
    const bool named = c.category >= 0 && static_cast<uint32_t>(c.category) < info.categoryCount;
    char buf[160];
    std::snprintf(buf, sizeof(buf), "category %s, pattern %s", named ? info.categoryNames[c.category] : "any", pattern_name(c.pattern));
    std::string s = buf;
    if (c.pattern == NTEX_LAYOUT_PATTERN_AUTO) {
        std::snprintf(buf, sizeof(buf), " (seed %u)", c.pattern_seed);
        s += buf;
    } else if (c.pattern != NTEX_LAYOUT_PATTERN_NONE) {
        std::snprintf(buf, sizeof(buf), " %ux%u (gap %.1f, bevel %.1f, jitter %.2f, seed %u)", c.columns, c.rows,
                      static_cast<double>(c.gap), static_cast<double>(c.bevel), static_cast<double>(c.jitter), c.pattern_seed);
        s += buf;
    }
    return s;
}

bool draw_material_controls(const NtexModelConditioningInfo& info, ntex::Conditioning& c) {
    if (!has_conditioning(info)) return false;
    bool changed = false;
    ImGui::Begin(kPanel);
    ImGui::PushItemWidth(-118.0f);   // as the overlay's own rows
    if (ImGui::CollapsingHeader("Material", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (info.categoryCount > 0) {
            const bool named = c.category >= 0 && static_cast<uint32_t>(c.category) < info.categoryCount;
            if (ImGui::BeginCombo("category", named ? info.categoryNames[c.category] : "any")) {
                for (int i = -1; i < static_cast<int>(info.categoryCount); ++i) {
                    const bool selected = c.category == i;
                    if (ImGui::Selectable(i < 0 ? "any" : info.categoryNames[i], selected) && !selected) {
                        c.category = i;
                        changed = true;
                    }
                    if (selected) ImGui::SetItemDefaultFocus();
                }
                ImGui::EndCombo();
            }
        }
        if (info.layoutChannels > 0) {
            const int offered = info.hasLayoutPrior != 0 ? kPatternCount : kPatternCount - 1;   // AUTO is last
            if (ImGui::BeginCombo("pattern", pattern_name(c.pattern))) {
                for (int i = 0; i < offered; ++i) {
                    const bool selected = c.pattern == kPatterns[i].value;
                    if (ImGui::Selectable(kPatterns[i].name, selected) && !selected) {
                        c.pattern = kPatterns[i].value;
                        keep_rows_valid(c);
                        changed = true;
                    }
                    if (selected) ImGui::SetItemDefaultFocus();
                }
                ImGui::EndCombo();
            }
            if (c.pattern == NTEX_LAYOUT_PATTERN_AUTO) {
                // The prior chooses the pattern and its numbers for the category; the seed picks which.
                changed |= input_seed(c.pattern_seed);
                ImGui::TextDisabled("layout: the model's prior for the category");
            } else if (c.pattern != NTEX_LAYOUT_PATTERN_NONE) {
                changed |= slider_count("columns", c.columns);
                if (slider_count("rows", c.rows)) {
                    keep_rows_valid(c);
                    changed = true;
                }
                // offset is the row shift for courses and boards, the noise threshold for blobs.
                const char* offset_label = c.pattern == NTEX_LAYOUT_PATTERN_BLOBS ? "threshold" : "row offset";
                changed |= ImGui::SliderFloat(offset_label, &c.offset, 0.0f, 1.0f, "%.2f", ImGuiSliderFlags_AlwaysClamp);
                changed |= ImGui::SliderFloat("gap", &c.gap, 0.0f, 64.0f, "%.1f texels", ImGuiSliderFlags_AlwaysClamp);
                changed |= ImGui::SliderFloat("bevel", &c.bevel, 0.0f, 64.0f, "%.1f texels", ImGuiSliderFlags_AlwaysClamp);
                changed |= ImGui::SliderFloat("jitter", &c.jitter, 0.0f, 1.0f, "%.2f", ImGuiSliderFlags_AlwaysClamp);
                changed |= input_seed(c.pattern_seed);
                if (c.period_width != 0 || c.period_height != 0) {
                    ImGui::Text("period: %ux%u texels", c.period_width, c.period_height);
                } else {
                    ImGui::TextDisabled("period: the texture's size");
                }
            }
        }
    }
    ImGui::PopItemWidth();
    ImGui::End();
    return changed;
}

}  // namespace demo
