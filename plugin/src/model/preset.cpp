// SPDX-License-Identifier: MIT
// preset.cpp: preset JSON with nlohmann::json; every field checked before use.
#include "model/preset.h"

#include "core/error.h"
#include "model/file_io.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace ntex {
namespace {

constexpr const char* kFormat = "ntex-preset";
constexpr int kFormatVersion = 1;

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

}  // namespace

std::string preset_to_json(const Preset& p) {
    nlohmann::json j;
    j["format"] = kFormat;
    j["format_version"] = kFormatVersion;
    j["model"] = p.model;
    j["seed"] = p.seed;
    j["truncation_psi"] = p.truncation_psi;
    if (p.z) j["z"] = *p.z;
    j["directions"] = nlohmann::json::array();
    for (const PresetDirection& d : p.directions) j["directions"].push_back({{"label", d.label}, {"offset", d.offset}});
    j["origin"] = {p.origin_x, p.origin_y};
    return j.dump(1) + "\n";
}

Preset preset_from_json(const std::string& text, const std::string& source) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail(NTEX_ERROR_INVALID_ARGUMENT, source, ": not valid JSON");
    if (!j.is_object()) fail(NTEX_ERROR_INVALID_ARGUMENT, source, ": a preset must be a JSON object");
    if (!j.contains("format") || j["format"] != kFormat) bad(source, "format", std::string("must be \"") + kFormat + "\"");
    if (!j.contains("format_version") || j["format_version"] != kFormatVersion) bad(source, "format_version", "must be 1");
    Preset p;
    if (!j.contains("model") || !j["model"].is_string()) bad(source, "model", "must be a string");
    p.model = j["model"].get<std::string>();
    if (!j.contains("seed") || !j["seed"].is_number_unsigned() || j["seed"].get<uint64_t>() > UINT32_MAX) {
        bad(source, "seed", "must be an integer in 0..4294967295");
    }
    p.seed = static_cast<uint32_t>(j["seed"].get<uint64_t>());
    if (!j.contains("truncation_psi")) bad(source, "truncation_psi", "is missing");
    p.truncation_psi = finite_float(j["truncation_psi"], source, "truncation_psi");
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
    return p;
}

void save_preset(const std::filesystem::path& path, const Preset& preset) {
    const std::string text = preset_to_json(preset);
    write_file_atomic(path, text.data(), text.size());
}

Preset load_preset(const std::filesystem::path& path) { return preset_from_json(read_file_text(path), path.string()); }

}  // namespace ntex
