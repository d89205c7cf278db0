// SPDX-License-Identifier: MIT
// preset.cpp: preset JSON with nlohmann::json; every field checked before use.
#include "model/preset.h"

#include "core/error.h"
#include "model/file_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace ntex {
namespace {

constexpr const char* kFormat = "ntex-preset";
constexpr const char* kNoMask = "presets cannot store a host mask yet";

[[noreturn]] void bad(const std::string& source, const std::string& field, const std::string& why) {
    fail(NTEX_ERROR_INVALID_ARGUMENT, source, ": preset field '", field, "' ", why);
}

float finite_float(const nlohmann::json& v, const std::string& source, const std::string& field) {
    if (!v.is_number()) bad(source, field, "must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::abs(d) > std::numeric_limits<float>::max()) bad(source, field, "must be finite");
    return static_cast<float>(d);
}

int32_t int32_field(const nlohmann::json& v, const std::string& source, const std::string& field) {
    if (!v.is_number_integer()) bad(source, field, "must be an integer");
    const int64_t i = v.get<int64_t>();
    if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()) bad(source, field, "is out of int32 range");
    return static_cast<int32_t>(i);
}

// The ranges are validate_layout's (runtime/layout_pattern.h): checked here too, so the message
// names the preset file and field.
int int_in(const nlohmann::json& v, const std::string& source, const std::string& field, int lo, int hi) {
    const std::string range = cat("must be an integer in ", lo, "..", hi);
    if (v.is_number_unsigned()) {   // compared as unsigned: 2^64 - 1 must not wrap into range
        const uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(hi) || static_cast<int64_t>(u) < lo) bad(source, field, range);
        return static_cast<int>(u);
    }
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) bad(source, field, range);
    return static_cast<int>(v.get<int64_t>());
}

float float_in(const nlohmann::json& v, const std::string& source, const std::string& field, float lo, float hi) {
    const float f = finite_float(v, source, field);
    if (f < lo || f > hi) bad(source, field, cat("must be a number in ", lo, "..", hi));
    return f;
}

int period_side(const nlohmann::json& v, const std::string& source, const std::string& field) {
    const uint64_t p = v.is_number_unsigned() ? v.get<uint64_t>() : 1;   // 1: not a non-negative integer
    if (p != 0 && (p < 16 || p > 8192)) bad(source, field, "must be 0 (the generator's size) or an integer in 16..8192");
    return static_cast<int>(p);
}

nlohmann::json layout_to_json(const LayoutSpec& l) {
    if (l.pattern == LayoutPattern::Mask) fail(NTEX_ERROR_INVALID_ARGUMENT, "preset field 'layout.pattern': ", kNoMask);
    return {{"pattern", layout_pattern_name(l.pattern)}, {"columns", l.columns}, {"rows", l.rows},
            {"period", {l.period_width, l.period_height}}, {"offset", l.offset}, {"gap", l.gap},
            {"bevel", l.bevel}, {"jitter", l.jitter}, {"seed", l.seed}};
}

// Absent keys take LayoutSpec's defaults, except the period: absent = 0 (the generator's size).
std::optional<LayoutSpec> layout_from_json(const nlohmann::json& j, const std::string& source) {
    if (!j.is_object()) bad(source, "layout", "must be an object {\"pattern\": name, ...}");
    static const char* const kKeys[] = {"pattern", "columns", "rows", "period", "offset", "gap", "bevel", "jitter", "seed"};
    for (const auto& item : j.items()) {
        if (std::find_if(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return item.key() == k; }) == std::end(kKeys)) {
            bad(source, "layout." + item.key(), "is not a layout field (pattern, columns, rows, period, offset, gap, bevel, jitter, seed)");
        }
    }
    if (!j.contains("pattern") || !j["pattern"].is_string()) bad(source, "layout.pattern", "must be a pattern name");
    LayoutSpec l;
    const std::string name = j["pattern"].get<std::string>();
    if (!parse_layout_pattern(name, &l.pattern)) {
        bad(source, "layout.pattern", cat("'", name, "' is not a layout pattern (none, bricks, tiles, hexagons, planks, panels, voronoi, blobs, auto)"));
    }
    if (l.pattern == LayoutPattern::Mask) bad(source, "layout.pattern", cat("'mask': ", kNoMask));
    if (j.contains("columns")) l.columns = int_in(j["columns"], source, "layout.columns", 1, 64);
    if (j.contains("rows")) l.rows = int_in(j["rows"], source, "layout.rows", 1, 64);
    l.period_width = l.period_height = 0;
    if (j.contains("period")) {
        const auto& p = j["period"];
        if (!p.is_array() || p.size() != 2) bad(source, "layout.period", "must be [width, height] (0 = the generator's size)");
        l.period_width = period_side(p[0], source, "layout.period[0]");
        l.period_height = period_side(p[1], source, "layout.period[1]");
    }
    if (j.contains("offset")) l.offset = float_in(j["offset"], source, "layout.offset", 0.0f, 1.0f);
    if (j.contains("gap")) l.gap = float_in(j["gap"], source, "layout.gap", 0.0f, 64.0f);
    if (j.contains("bevel")) l.bevel = float_in(j["bevel"], source, "layout.bevel", 0.0f, 64.0f);
    if (j.contains("jitter")) l.jitter = float_in(j["jitter"], source, "layout.jitter", 0.0f, 1.0f);
    if (j.contains("seed")) {
        if (!j["seed"].is_number_unsigned() || j["seed"].get<uint64_t>() > UINT32_MAX) {
            bad(source, "layout.seed", "must be an integer in 0..4294967295");
        }
        l.seed = static_cast<uint32_t>(j["seed"].get<uint64_t>());
    }
    if (l.pattern == LayoutPattern::Hexagons && l.rows % 2 != 0) bad(source, "layout.rows", "must be even for hexagons (the period must tile)");
    if (l.pattern == LayoutPattern::None) return std::nullopt;
    return l;
}

}  // namespace

std::string preset_to_json(const Preset& p) {
    nlohmann::json j;
    j["format"] = kFormat;
    j["format_version"] = kPresetFormatVersion;
    j["model"] = p.model;
    j["seed"] = p.seed;
    j["truncation_psi"] = p.truncation_psi;
    if (p.z) j["z"] = *p.z;
    j["directions"] = nlohmann::json::array();
    for (const PresetDirection& d : p.directions) j["directions"].push_back({{"label", d.label}, {"offset", d.offset}});
    j["origin"] = {p.origin_x, p.origin_y};
    if (p.category) j["category"] = *p.category;
    if (p.layout && p.layout->pattern != LayoutPattern::None) j["layout"] = layout_to_json(*p.layout);
    return j.dump(1) + "\n";
}

Preset preset_from_json(const std::string& text, const std::string& source) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail(NTEX_ERROR_INVALID_ARGUMENT, source, ": not valid JSON");
    if (!j.is_object()) fail(NTEX_ERROR_INVALID_ARGUMENT, source, ": a preset must be a JSON object");
    if (!j.contains("format") || j["format"] != kFormat) bad(source, "format", std::string("must be \"") + kFormat + "\"");
    if (!j.contains("format_version") || !j["format_version"].is_number_integer() ||
        (j["format_version"] != 1 && j["format_version"] != kPresetFormatVersion)) {
        bad(source, "format_version", "must be 1 or 2");
    }
    const int version = j["format_version"].get<int>();
    Preset p;
    if (!j.contains("model") || !j["model"].is_string()) bad(source, "model", "must be a string");
    p.model = j["model"].get<std::string>();
    if (!j.contains("seed") || !j["seed"].is_number_unsigned() || j["seed"].get<uint64_t>() > UINT32_MAX) {
        bad(source, "seed", "must be an integer in 0..4294967295");
    }
    p.seed = static_cast<uint32_t>(j["seed"].get<uint64_t>());
    if (!j.contains("truncation_psi")) bad(source, "truncation_psi", "is missing");
    p.truncation_psi = finite_float(j["truncation_psi"], source, "truncation_psi");
    if (std::fabs(p.truncation_psi) > NTEX_MAX_ABS_TRUNCATION_PSI) {
        bad(source, "truncation_psi", cat("must be in [-", NTEX_MAX_ABS_TRUNCATION_PSI, ", ", NTEX_MAX_ABS_TRUNCATION_PSI, "], got ", p.truncation_psi));
    }
    if (j.contains("z") && !j["z"].is_null()) {
        if (!j["z"].is_array() || j["z"].empty() || j["z"].size() > 4096) bad(source, "z", "must be an array of 1..4096 numbers");
        std::vector<float> z;
        for (std::size_t i = 0; i < j["z"].size(); ++i) z.push_back(finite_float(j["z"][i], source, cat("z[", i, "]")));
        p.z = std::move(z);
    }
    if (j.contains("directions")) {
        const auto& dirs = j["directions"];
        if (!dirs.is_array() || dirs.size() > 64) bad(source, "directions", "must be an array of at most 64 entries");
        for (std::size_t i = 0; i < dirs.size(); ++i) {
            const std::string f = cat("directions[", i, "]");
            if (!dirs[i].is_object() || !dirs[i].contains("label") || !dirs[i]["label"].is_string() || !dirs[i].contains("offset")) {
                bad(source, f, "must be {\"label\": string, \"offset\": number}");
            }
            p.directions.push_back({dirs[i]["label"].get<std::string>(), finite_float(dirs[i]["offset"], source, f + ".offset")});
        }
    }
    if (j.contains("origin")) {
        const auto& o = j["origin"];
        if (!o.is_array() || o.size() != 2) bad(source, "origin", "must be [x, y]");
        p.origin_x = int32_field(o[0], source, "origin[0]");
        p.origin_y = int32_field(o[1], source, "origin[1]");
    }
    for (const char* v2 : {"category", "layout"}) {
        if (version < 2 && j.contains(v2)) bad(source, v2, "needs format_version 2");
    }
    if (j.contains("category")) {
        const auto& c = j["category"];
        if (!c.is_string() || c.get<std::string>().empty()) bad(source, "category", "must be a category name or \"any\"");
        if (c != "any") p.category = c.get<std::string>();
    }
    if (j.contains("layout")) p.layout = layout_from_json(j["layout"], source);
    return p;
}

void save_preset(const std::filesystem::path& path, const Preset& preset) {
    if (preset.layout && preset.layout->pattern == LayoutPattern::Mask) {
        fail(NTEX_ERROR_INVALID_ARGUMENT, path.string(), ": ", kNoMask, " (layout pattern 'mask'); the file was not written");
    }
    const std::string text = preset_to_json(preset);
    write_file_atomic(path, text.data(), text.size());
}

Preset load_preset(const std::filesystem::path& path) { return preset_from_json(read_file_text(path), path.string()); }

}  // namespace ntex
