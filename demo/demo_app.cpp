// SPDX-License-Identifier: MIT
// demo_app.cpp: generate the material with ntex into the engine's staging buffer, upload,
// draw; regenerate only when a parameter changed or while animating.
#include "demo_app.h"

#include "latent_path.h"
#include "material_generator.h"

#include <engine/overlay.h>
#include <engine/renderer.h>
#include <engine/texture.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace demo {
namespace {

void show_latent(const std::vector<float>& z, engine::MaterialControls& c) {
    for (uint32_t i = 0; i < c.z_count; ++i) c.z[i] = z[i];
}

}  // namespace

int run_demo(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats) {
    // The model first: a missing or corrupt model fails before any window or file appears.
    MaterialGenerator generator(o.model, o.size);
    const NtexModelInfo& model = generator.info();

    engine::RendererCreateInfo ri;
    ri.headless = o.headless;
    ri.size = {o.width, o.height};
    ri.validation = o.validation;
    ri.device_index = o.device;
    ri.title = "ntex demo";
    ri.validation_stats = validation_stats;
    ri.texture_size = {o.size, o.size};
    engine::Renderer renderer(ri);
    if (o.validation) std::printf("validation: %s enabled\n", validation_stats->layer_description.c_str());
    std::printf("ntex_demo: renderer on %s, generator %s, model %s (z %u, %llu parameters)\n",
                renderer.context().device_name().c_str(), generator.backend_name(), model.name, model.zDim,
                static_cast<unsigned long long>(model.parameterCount));
    std::fflush(stdout);

    engine::MaterialControls controls;
    controls.seed = o.seed;
    controls.z_count = std::min(model.zDim, engine::MaterialControls::kMaxZSliders);
    controls.animate = o.animate;
    controls.resolution = static_cast<int>(o.size);
    std::vector<float> z = generator.latent_from_seed(controls.seed);
    show_latent(z, controls);

    engine::OverlayInfo info;
    info.device = renderer.context().device_name();
    info.model = model.name;
    info.backend = generator.backend_name();

    const int frame_limit = o.frames.value_or(o.headless ? 3 : 0);   // 0: until the window closes
    double animation_phase = 0.0;   // in seeds travelled since the animation's base seed
    uint32_t animation_base = controls.seed;
    bool dirty = true;
    double frame_ms_sum = 0.0, generation_ms_sum = 0.0;
    int generations = 0, frames = 0;

    while (frame_limit == 0 || frames < frame_limit) {
        if (!renderer.begin_frame()) break;
        const float dt = renderer.headless() ? 1.0f / 30.0f : renderer.frame_seconds();   // headless: reproducible
        if (frames > 0) {
            const float ms = renderer.frame_seconds() * 1000.0f;
            frame_ms_sum += ms;
            info.frame_ms = info.frame_ms == 0.0f ? ms : info.frame_ms * 0.9f + ms * 0.1f;
            info.fps = info.frame_ms > 0.0f ? 1000.0f / info.frame_ms : 0.0f;
        }

        const engine::OverlayActions a = renderer.overlay().draw_panel(controls, renderer.settings(), info);
        if (a.resolution_changed) {
            const auto size = static_cast<uint32_t>(controls.resolution);
            generator.resize(size);
            renderer.resize_texture({size, size});
            dirty = true;
        }
        if (a.seed_changed) {
            z = generator.latent_from_seed(controls.seed);
            show_latent(z, controls);
            animation_base = controls.seed;
            animation_phase = 0.0;
            dirty = true;
        }
        if (a.latent_changed) {
            for (uint32_t i = 0; i < controls.z_count; ++i) z[i] = controls.z[i];
            dirty = true;
        }
        if (a.psi_changed) dirty = true;
        if (controls.animate) {
            animation_phase += static_cast<double>(dt) * controls.speed;
            const auto step = static_cast<uint32_t>(std::floor(animation_phase));
            const auto t = static_cast<float>(animation_phase - std::floor(animation_phase));
            z = slerp(generator.latent_from_seed(animation_base + step),
                      generator.latent_from_seed(animation_base + step + 1), t);
            show_latent(z, controls);
            dirty = true;
        }

        if (dirty) {
            engine::Texture& tex = renderer.texture();
            const double ms = generator.generate(controls.seed, z, controls.psi,
                                                 tex.staging_data(renderer.frame_slot()), tex.row_pitch(),
                                                 tex.staging_size());
            renderer.upload_texture();
            info.generation_ms = static_cast<float>(ms);
            generation_ms_sum += ms;
            ++generations;
            dirty = false;
        }

        ++frames;
        const bool last = frame_limit != 0 && frames == frame_limit;
        renderer.end_frame(renderer.headless() && last);
    }

    if (o.headless) {
        const std::string path = renderer.save_capture(o.out);
        std::printf("ntex_demo: wrote %s\n", path.c_str());
    }
    std::printf("ntex_demo: %d frames, %.2f ms/frame average, %d generations at %ux%u, %.2f ms/generation average\n",
                frames, frames > 1 ? frame_ms_sum / (frames - 1) : 0.0, generations, generator.size(),
                generator.size(), generations > 0 ? generation_ms_sum / generations : 0.0);
    return 0;
}

}  // namespace demo
