// SPDX-License-Identifier: MIT
// material_files.cpp: presets through the public API; the preset JSON is read back here only to
// fill the overlay's controls after ntex::Generator::load_preset has validated the file.
#include "material_files.h"

#include "error_text.h"
#include "material_controls.h"

#include <engine/png_writer.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace demo {
namespace {

// Reads the preset's "category" and "layout" (format version 2) into the demo's values; the file
// was validated by load_preset, so only the names need resolving.
ntex::Conditioning read_conditioning(const MaterialModel& model, const nlohmann::json& j, const std::string& path) {
    ntex::Conditioning c;
    if (j.contains("category")) {
        c.category = category_index(model.conditioning(), j["category"].get<std::string>(), model.info().name, path + ": category");
    }
    if (!j.contains("layout")) return c;
    const nlohmann::json& l = j["layout"];
    if (!pattern_from_name(l.at("pattern").get<std::string>(), &c.pattern)) {
        throw ntex::Exception(NTEX_ERROR_INVALID_ARGUMENT, "loading preset " + path + ": layout pattern '" +
                                                               l["pattern"].get<std::string>() + "' is not offered by the demo");
    }
    c.columns = l.value("columns", c.columns);
    c.rows = l.value("rows", c.rows);
    if (l.contains("period")) {
        c.period_width = l["period"].at(0).get<uint32_t>();
        c.period_height = l["period"].at(1).get<uint32_t>();
    }
    c.offset = l.value("offset", c.offset);
    c.gap = l.value("gap", c.gap);
    c.bevel = l.value("bevel", c.bevel);
    c.jitter = l.value("jitter", c.jitter);
    c.pattern_seed = l.value("seed", c.pattern_seed);
    return c;
}

// A generator that only carries parameters for save_preset / load_preset (nothing is generated
// with it). A generator of the texture's size would plan buffers for that size: several GiB at
// 4096^2 for parameters of a few hundred bytes. An INFINITE one of the smallest legal size
// (a multiple of cellSize, and at least 16 so that a layout period of 0 resolves into the 16..8192
// range) plans almost nothing, and what is recorded does not depend on its size: a period of 0 is
// stored as 0 (= the size of whatever generator the preset is applied to), and a square carrier
// gives a period of 0 the same cell aspect as the square texture. What INFINITE does not check,
// the tileable texture needs: origin 0 and an explicit period that divides `size`
// (check_tileable).
MaterialGenerator make_carrier(const MaterialModel& model) {
    const uint32_t cell = std::max<uint32_t>(model.info().cellSize, 1);
    const uint32_t side = (16 + cell - 1) / cell * cell;
    return MaterialGenerator(model, side, side, NTEX_TILING_MODE_INFINITE);
}

// The two checks a TILEABLE generator of size x size would make (texture_generator.cpp).
void check_tileable(int32_t origin_x, int32_t origin_y, const ntex::Conditioning& c, uint32_t size, const std::string& what) {
    if (origin_x != 0 || origin_y != 0) {
        throw ntex::Exception(NTEX_ERROR_INVALID_ARGUMENT, what + ": origin " + std::to_string(origin_x) + "," +
                                                               std::to_string(origin_y) + " must be 0,0 for the demo's tileable material");
    }
    if (c.pattern == NTEX_LAYOUT_PATTERN_NONE || c.pattern == NTEX_LAYOUT_PATTERN_AUTO) return;   // AUTO fits its own period
    const uint32_t pw = c.period_width == 0 ? size : c.period_width;
    const uint32_t ph = c.period_height == 0 ? size : c.period_height;
    if (size % pw != 0 || size % ph != 0) {
        throw ntex::Exception(NTEX_ERROR_INVALID_ARGUMENT, what + ": layout period " + std::to_string(pw) + "x" + std::to_string(ph) +
                                                               " does not divide the " + std::to_string(size) + "x" +
                                                               std::to_string(size) + " tileable texture (it would not tile)");
    }
}

}  // namespace

void save_preset(const MaterialModel& model, const GenerationParams& params, const std::string& path, uint32_t size) {
    check_tileable(params.origin_x, params.origin_y, params.conditioning, size, "saving preset " + path);
    MaterialGenerator carrier = make_carrier(model);   // save_preset records what was set
    carrier.set_params(params);
    with_context("saving preset " + path, [&] { carrier.generator().save_preset(path); });
}

GenerationParams load_preset(const MaterialModel& model, const std::string& path, uint32_t size) {
    MaterialGenerator carrier = make_carrier(model);   // validates the file (on any error: one line)
    with_context("loading preset " + path, [&] { carrier.generator().load_preset(path); });
    // Valid for this model (load_preset said so): translate it into the demo's parameters.
    std::ifstream in(path);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) throw ntex::Exception(NTEX_ERROR_IO, "loading preset " + path + ": the file changed while loading");
    GenerationParams p;
    p.seed = j.at("seed").get<uint32_t>();
    p.truncation_psi = j.at("truncation_psi").get<float>();
    p.z = j.contains("z") && j["z"].is_array() ? j["z"].get<std::vector<float>>() : model.latent_from_seed(p.seed);
    const NtexModelInfo& info = model.info();
    p.direction_offsets.assign(info.directionCount, 0.0f);
    if (j.contains("directions")) {
        for (const auto& d : j["directions"]) {
            for (uint32_t i = 0; i < info.directionCount; ++i) {
                if (d.at("label").get<std::string>() == info.directionLabels[i]) p.direction_offsets[i] = d.at("offset").get<float>();
            }
        }
    }
    p.conditioning = read_conditioning(model, j, path);
    const nlohmann::json origin = j.value("origin", nlohmann::json::array({0, 0}));
    check_tileable(origin.at(0).get<int32_t>(), origin.at(1).get<int32_t>(), p.conditioning, size, "loading preset " + path);
    return p;
}

std::vector<std::string> bake_material(const MaterialModel& model, const GenerationParams& params, uint32_t size,
                                       const std::string& base) {
    std::vector<std::string> written;
    const std::filesystem::path parent = std::filesystem::path(base).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    MaterialGenerator generator(model, size, size, NTEX_TILING_MODE_TILEABLE);
    generator.generate_now(params);
    const NtexModelInfo& info = model.info();
    for (uint32_t m = 0; m < info.mapCount; ++m) {
        const std::vector<uint8_t> rgba =
            with_context(std::string("reading map ") + info.mapNames[m], [&] { return generator.generator().read_rgba8(m); });
        written.push_back(engine::write_png_atomic(base + "_" + info.mapNames[m] + ".png", rgba.data(), size, size, size_t{size} * 4));
    }
    const std::string preset = base + ".preset.json";
    with_context("saving preset " + preset, [&] { generator.generator().save_preset(preset); });
    written.push_back(std::filesystem::absolute(preset).string());
    return written;
}

}  // namespace demo
