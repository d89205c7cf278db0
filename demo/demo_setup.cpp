// SPDX-License-Identifier: MIT
// demo_setup.cpp: see demo_setup.h.
#include "demo_setup.h"

#include "material_controls.h"
#include "material_files.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace demo {

ntex::Conditioning check_options_against_model(const Options& o) {
    const MaterialModel model(o.model, o.backend, o.precision);
    const NtexModelInfo& mi = model.info();
    ntex::Conditioning conditioning = conditioning_from_options(o, model.conditioning(), mi.name);
    if (o.directions.size() > std::min(mi.directionCount, engine::MaterialControls::kMaxDirections)) {
        // Extra values used to be dropped silently (review robustness-2026-12, cosmetic list).
        throw ntex::Exception(NTEX_ERROR_INVALID_ARGUMENT, "--directions: " + std::to_string(o.directions.size()) +
                                                               " values, but model '" + mi.name + "' has " +
                                                               std::to_string(mi.directionCount) + " latent directions");
    }
    return conditioning;
}

engine::RendererCreateInfo renderer_info(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats) {
    engine::RendererCreateInfo ri;
    ri.headless = o.headless;
    ri.size = {o.width, o.height};
    ri.validation = o.validation;
    ri.device_index = o.device;
    ri.title = "ntex demo";
    ri.validation_stats = validation_stats;
    ri.texture_size = {o.size, o.size};
    return ri;
}

void print_setup(const Options& o, const engine::Renderer& renderer, const MaterialSource& source,
                 const engine::ValidationStats& validation_stats) {
    const MaterialModel& model = source.model();
    const NtexModelInfo& mi = model.info();
    if (o.validation) std::printf("validation: %s enabled\n", validation_stats.layer_description.c_str());
    std::printf("ntex_demo: renderer on %s, generator %s, model %s (z %u, %llu parameters, maps: %s, %u directions)\n",
                renderer.context().device_name().c_str(), model.backend_name(), mi.name, mi.zDim,
                static_cast<unsigned long long>(mi.parameterCount), model.map_list().c_str(), mi.directionCount);
    const std::string note = model.backend_note();
    std::printf("ntex_demo: generator backend %s%s%s\n", model.backend_description().c_str(), note.empty() ? "" : "; CUDA not used: ",
                note.c_str());
    std::printf("ntex_demo: material %s\n", source.has_texture_set() ? "through ntex texture sets on the renderer's device"
                                                                     : "read on the host and uploaded");
    std::fflush(stdout);
}

void set_up_scene(const Options& o, const MaterialModel& model, engine::Renderer& renderer) {
    engine::SceneSettings& settings = renderer.settings();
    settings.normal_map = model.has(Map::kNormal);
    settings.height_texels = model.has(Map::kHeight) ? model.info().heightScale : 0.0f;
    settings.flat_normals = o.flat_normals;
    settings.height_depth = o.height_depth;
    renderer.camera().target += glm::vec3(o.target_x, 0.0f, o.target_z);
}

void start_controls(const Options& o, const MaterialModel& model, MaterialEditor& editor) {
    if (!o.preset.empty()) {
        editor.apply(load_preset(model, o.preset, o.size));
        std::printf("ntex_demo: loaded preset %s\n", o.preset.c_str());
    }
    const NtexModelConditioningInfo& ci = model.conditioning();
    if (has_conditioning(ci)) {
        std::printf("ntex_demo: conditional model: %u categories, %s; %s\n", ci.categoryCount,
                    ci.layoutChannels > 0 ? "layouts" : "no layouts", describe(ci, editor.conditioning()).c_str());
    }
}

engine::OverlayInfo overlay_info(engine::Renderer& renderer, const MaterialModel& model) {
    engine::OverlayInfo info;
    info.device = renderer.context().device_name();
    info.model = model.info().name;
    info.backend = model.backend_description();
    info.backend_note = model.backend_note();
    info.maps = model.map_list();
    info.has_normal_map = renderer.settings().normal_map;
    info.has_height_map = renderer.settings().height_texels > 0.0f;
    return info;
}

}  // namespace demo
