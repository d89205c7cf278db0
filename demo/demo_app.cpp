// SPDX-License-Identifier: MIT
// demo_app.cpp: the frame loop. Generation is asynchronous (ntexGenerateAsync when a parameter
// changed, or every frame while animating); each frame polls for a new result and, only then,
// reads all of its maps into the engine's staging buffers and uploads them. The render loop
// never waits for the network (headless runs wait once, before the captured frame).
#include "demo_app.h"

#include "material_files.h"

#include "infinite_ground.h"
#include "latent_path.h"
#include "material_controls.h"
#include "material_generator.h"
#include "zero_copy_material.h"

#include <engine/material.h>
#include <engine/overlay.h>
#include <engine/renderer.h>
#include <engine/texture.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace demo {
namespace {

const char* backend_label(NtexBackend backend) {
    switch (backend) {
        case NTEX_BACKEND_CUDA: return "cuda";
        case NTEX_BACKEND_VULKAN: return "vulkan";
        default: return "cpu";
    }
}

void show_latent(const std::vector<float>& z, engine::MaterialControls& c) {
    for (uint32_t i = 0; i < c.z_count; ++i) c.z[i] = z[i];
}

// Reads every map of the newest result straight into this frame's staging buffers, then
// records their uploads (copy + mips).
void upload_result(MaterialGenerator& generator, const MaterialModel& model, engine::Renderer& renderer) {
    std::vector<MapTarget> targets;
    for (uint32_t m = 0; m < kMapCount; ++m) {
        if (!model.has(static_cast<Map>(m))) continue;
        engine::Texture& tex = renderer.material().map(static_cast<engine::MapKind>(m));
        targets.push_back({static_cast<Map>(m), tex.staging_data(renderer.frame_slot()), tex.row_pitch(),
                           tex.staging_size()});
    }
    generator.read(targets);
    for (const MapTarget& t : targets) renderer.upload_map(static_cast<engine::MapKind>(t.map));
}

}  // namespace

int run_demo(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats) {
    // The model first: a missing or corrupt model fails before any window or file appears.
    auto model = std::make_unique<MaterialModel>(o.model, o.backend, o.precision);
    const NtexModelInfo mi = model->info();   // a copy: a backend switch replaces the model object
    const NtexModelConditioningInfo ci = model->conditioning();
    Conditioning conditioning = conditioning_from_options(o, ci, mi.name);   // bad names fail here, before any window
    if (o.directions.size() > std::min(mi.directionCount, engine::MaterialControls::kMaxDirections)) {
        // Extra values used to be dropped silently (review robustness-2026-12, cosmetic list).
        throw NtexFailure("--directions: " + std::to_string(o.directions.size()) + " values, but model '" + mi.name + "' has " +
                          std::to_string(mi.directionCount) + " latent directions");
    }

    engine::RendererCreateInfo ri;
    ri.headless = o.headless;
    ri.size = {o.width, o.height};
    ri.validation = o.validation;
    ri.device_index = o.device;
    ri.title = "ntex demo";
    ri.validation_stats = validation_stats;
    ri.texture_size = {o.size, o.size};
    engine::Renderer renderer(ri);
    // The generator's context on the renderer's device (texture sets; the CUDA device matching it).
    const NtexVulkanDeviceInfo vulkan = vulkan_device_info(renderer);
    model = std::make_unique<MaterialModel>(o.model, o.backend, o.precision, &vulkan);
    auto generator = std::make_unique<MaterialGenerator>(*model, o.size, o.size, NTEX_TILING_MODE_TILEABLE);
    // Texture sets: default on with CUDA (written in place, no host copy) and Vulkan compute (recorded
    // into the frame's command buffer), off on the CPU (the host-upload path the engine's own textures take).
    const auto wants_texture_set = [&] {
        const NtexBackend backend = ntexGetContextBackend(model->context());
        // Vulkan compute on the renderer's device: always a texture set. Host reads would make ntex
        // submit to the renderer's queue from the generator's thread, which the renderer also uses.
        if (backend == NTEX_BACKEND_VULKAN) return true;
        return o.zero_copy.value_or(backend == NTEX_BACKEND_CUDA);
    };
    std::unique_ptr<ZeroCopyMaterial> texture_set;
    if (wants_texture_set()) texture_set = std::make_unique<ZeroCopyMaterial>(*model, *generator);
    if (o.validation) std::printf("validation: %s enabled\n", validation_stats->layer_description.c_str());
    std::printf("ntex_demo: renderer on %s, generator %s, model %s (z %u, %llu parameters, maps: %s, %u directions)\n",
                renderer.context().device_name().c_str(), model->backend_name(), mi.name, mi.zDim,
                static_cast<unsigned long long>(mi.parameterCount), model->map_list().c_str(), mi.directionCount);
    std::printf("ntex_demo: generator backend %s%s%s\n", model->backend_description().c_str(),
                model->backend_note().empty() ? "" : "; CUDA not used: ", model->backend_note().c_str());
    std::printf("ntex_demo: material %s\n", texture_set ? "through ntex texture sets on the renderer's device"
                                                         : "read on the host and uploaded");
    std::fflush(stdout);

    engine::SceneSettings& settings = renderer.settings();
    settings.normal_map = model->has(Map::kNormal);
    settings.height_texels = model->has(Map::kHeight) ? mi.heightScale : 0.0f;
    settings.flat_normals = o.flat_normals;
    settings.height_depth = o.height_depth;
    renderer.camera().target += glm::vec3(o.target_x, 0.0f, o.target_z);

    engine::MaterialControls controls;
    controls.seed = o.seed;
    controls.z_count = std::min(model->info().zDim, engine::MaterialControls::kMaxZSliders);
    controls.animate = o.animate;
    controls.resolution = static_cast<int>(o.size);
    const uint32_t direction_count = std::min(mi.directionCount, engine::MaterialControls::kMaxDirections);
    for (uint32_t i = 0; i < direction_count; ++i) {
        controls.direction_labels.emplace_back(mi.directionLabels[i]);
        if (i < o.directions.size()) controls.directions[i] = o.directions[i];
    }
    controls.infinite_ground = o.infinite_ground;
    controls.backend = static_cast<int>(o.backend);
    std::vector<float> z = model->latent_from_seed(controls.seed);
    // Applies loaded parameters to the controls (and z) the overlay edits.
    const auto apply_params = [&](const GenerationParams& p) {
        controls.seed = p.seed;
        controls.psi = p.psi;
        z = p.z;
        for (uint32_t i = 0; i < direction_count && i < p.directions.size(); ++i) controls.directions[i] = p.directions[i];
        conditioning = p.conditioning;
        show_latent(z, controls);
    };
    if (!o.preset.empty()) {
        apply_params(load_preset(*model, o.preset, o.size));   // errors end the demo with one line (main)
        std::printf("ntex_demo: loaded preset %s\n", o.preset.c_str());
    }
    show_latent(z, controls);
    if (has_conditioning(ci)) {
        std::printf("ntex_demo: conditional model: %u categories, %s; %s\n", ci.categoryCount,
                    ci.layoutChannels > 0 ? "layouts" : "no layouts", describe(ci, conditioning).c_str());
    }

    engine::OverlayInfo info;
    info.device = renderer.context().device_name();
    info.model = mi.name;
    info.backend = model->backend_description();
    info.backend_note = model->backend_note();
    info.maps = model->map_list();
    info.has_normal_map = settings.normal_map;
    info.has_height_map = settings.height_texels > 0.0f;

    const auto params = [&] {
        GenerationParams p;
        p.seed = controls.seed;
        p.z = z;
        p.psi = controls.psi;
        p.directions.assign(controls.directions.begin(), controls.directions.begin() + direction_count);
        p.conditioning = conditioning;
        return p;
    };

    std::unique_ptr<InfiniteGround> ground;
    const auto enable_ground = [&] {
        try {
            if (ntexGetContextBackend(model->context()) == NTEX_BACKEND_VULKAN) {
                // Its chunks are read back on the host from generator threads (see wants_texture_set).
                throw NtexFailure("the Vulkan compute backend fills texture sets only; the ground's chunks need host reads");
            }
            const glm::vec3 t = renderer.camera().target;
            ground = std::make_unique<InfiniteGround>(*model, renderer, params(), t.x, t.z, renderer.headless());
            settings.infinite_ground = true;
            std::printf("ntex_demo: infinite ground: %ux%u texels, %u x %u chunks, %.1f ms per chunk\n",
                        InfiniteGround::kImageSize, InfiniteGround::kImageSize, InfiniteGround::kChunks,
                        InfiniteGround::kChunks, static_cast<double>(ground->chunk_ms()));
        } catch (const NtexFailure& e) {
            ground.reset();
            settings.infinite_ground = false;
            controls.infinite_ground = false;
            info.ground_status = "tiled ground: infinite mode unavailable";
            std::printf("ntex_demo: infinite ground unavailable (%s); using the tiled ground\n", e.what());
        }
        std::fflush(stdout);
    };
    if (controls.infinite_ground) enable_ground();

    const int frame_limit = o.frames.value_or(o.headless ? 3 : 0);   // 0: until the window closes
    double animation_phase = 0.0;   // in seeds travelled since the animation's base seed
    uint32_t animation_base = controls.seed;
    bool dirty = true;
    uint32_t pending_size = 0;   // a new generation resolution, applied next frame
    uint64_t set_updates = 0;    // texture-set updates that generated (CUDA, Vulkan compute)
    int pending_backend = -1;    // a backend switch (NtexBackend), applied next frame
    int active_backend = static_cast<int>(o.backend);   // what the running model was asked for
    double frame_ms_sum = 0.0, generation_ms_sum = 0.0;
    std::vector<double> bench_ms;   // --bench-frames: begin_frame to begin_frame, after the warm-up
    if (o.bench_frames > 0) bench_ms.reserve(o.bench_frames);
    int results = 0, requests = 0, frames = 0;

    while (frame_limit == 0 || frames < frame_limit) {
        if (!renderer.begin_frame()) break;
        const float dt = renderer.headless() ? 1.0f / 30.0f : renderer.frame_seconds();   // headless: reproducible
        if (frames > 0) {
            const float ms = renderer.frame_seconds() * 1000.0f;
            frame_ms_sum += ms;
            if (o.bench_frames > 0 && frames >= 10) bench_ms.push_back(ms);
            info.frame_ms = info.frame_ms == 0.0f ? ms : info.frame_ms * 0.9f + ms * 0.1f;
            info.fps = info.frame_ms > 0.0f ? 1000.0f / info.frame_ms : 0.0f;
        }

        if (pending_backend >= 0) {
            // Rebuild the context, model and generators on the new backend; on failure (e.g. CUDA
            // unusable) keep everything running as it was and say why.
            const auto requested = static_cast<NtexBackend>(pending_backend);
            pending_backend = -1;
            try {
                auto next = std::make_unique<MaterialModel>(o.model, requested, o.precision, &vulkan);
                renderer.wait_idle();   // no frame may sample the texture set's images any more
                texture_set.reset();
                generator.reset();   // waits for its running generation
                const bool had_ground = ground != nullptr;
                ground.reset();
                model = std::move(next);
                generator = std::make_unique<MaterialGenerator>(*model, static_cast<uint32_t>(controls.resolution),
                                                                static_cast<uint32_t>(controls.resolution), NTEX_TILING_MODE_TILEABLE);
                if (had_ground) enable_ground();
                if (wants_texture_set()) texture_set = std::make_unique<ZeroCopyMaterial>(*model, *generator);
                info.backend = model->backend_description();
                info.backend_note = model->backend_note();
                info.backend_status = "switched to " + info.backend;
                active_backend = static_cast<int>(requested);
                dirty = true;
            } catch (const NtexFailure& e) {
                info.backend_status = std::string("backend switch failed: ") + e.what();
                controls.backend = active_backend;
            }
            std::printf("ntex_demo: %s\n", info.backend_status.c_str());
            std::fflush(stdout);
        }
        if (pending_size != 0) {
            // An explicit layout period must divide the new size (else it would not tile): fall back
            // to the texture's size.
            if ((conditioning.period_width != 0 && pending_size % conditioning.period_width != 0) ||
                (conditioning.period_height != 0 && pending_size % conditioning.period_height != 0)) {
                conditioning.period_width = conditioning.period_height = 0;
                std::printf("ntex_demo: the layout period does not divide %u: using the texture's size\n", pending_size);
            }
            renderer.wait_idle();
            texture_set.reset();
            generator.reset();   // waits for its running generation
            generator = std::make_unique<MaterialGenerator>(*model, pending_size, pending_size, NTEX_TILING_MODE_TILEABLE);
            renderer.resize_texture({pending_size, pending_size});
            if (wants_texture_set()) texture_set = std::make_unique<ZeroCopyMaterial>(*model, *generator);
            pending_size = 0;
            dirty = true;
        }
        // A finished result first, so the overlay describes what this frame shows.
        ++frames;
        const bool last = frame_limit != 0 && frames == frame_limit;
        // A finished generation: uploaded (texture sets fetch it themselves) and counted.
        const auto take_result = [&] {
            if (!generator->poll()) return false;
            if (!texture_set) upload_result(*generator, *model, renderer);
            info.generation_ms = static_cast<float>(generator->last_latency_ms());
            info.result_id = generator->result_id();
            info.frames_since_result = 0;
            generation_ms_sum += generator->last_latency_ms();
            ++results;
            return true;
        };
        // Headless: the captured frame shows the newest request's result (reproducible PNGs).
        if (renderer.headless() && last && generator->busy()) generator->wait_idle();
        if (!take_result()) ++info.frames_since_result;
        info.generating = generator->busy();

        const engine::OverlayActions a = renderer.overlay().draw_panel(controls, settings, info);
        bool user_change = draw_material_controls(model->conditioning(), conditioning);   // appended to the same panel
        // Applied at the start of the next frame: this frame's command buffer may already
        // reference the current textures (an upload).
        if (a.resolution_changed) pending_size = static_cast<uint32_t>(controls.resolution);
        if (a.backend_changed) pending_backend = controls.backend;
        if (frames == 1 && o.switch_backend) {
            controls.backend = static_cast<int>(*o.switch_backend);
            pending_backend = controls.backend;
        }
        if (a.seed_changed) {
            z = model->latent_from_seed(controls.seed);
            show_latent(z, controls);
            animation_base = controls.seed;
            animation_phase = 0.0;
            user_change = true;
        }
        if (a.latent_changed) {
            for (uint32_t i = 0; i < controls.z_count; ++i) z[i] = controls.z[i];
            user_change = true;
        }
        if (a.psi_changed || a.directions_changed) user_change = true;
        // Files: errors are shown in the overlay and never end the demo or touch existing files.
        if (a.save_preset || a.load_preset || a.bake) {
            try {
                if (a.save_preset) {
                    save_preset(*model, params(), controls.preset_path.data(), generator->width());
                    info.file_status = std::string("saved ") + controls.preset_path.data();
                }
                if (a.load_preset) {
                    apply_params(load_preset(*model, controls.preset_path.data(), generator->width()));
                    animation_base = controls.seed;
                    user_change = true;
                    info.file_status = std::string("loaded ") + controls.preset_path.data();
                }
                if (a.bake) {
                    const auto files = bake_material(*model, params(), static_cast<uint32_t>(controls.bake_size), controls.bake_path.data());
                    info.file_status = "baked " + std::to_string(files.size() - 1) + " maps to " + controls.bake_path.data() + "_*.png";
                }
            } catch (const std::exception& e) {
                info.file_status = std::string("error: ") + e.what();
            }
            std::printf("ntex_demo: %s\n", info.file_status.c_str());
        }
        if (a.ground_changed) {
            if (controls.infinite_ground) {
                enable_ground();
            } else {
                ground.reset();
                settings.infinite_ground = false;
                info.ground_status.clear();
            }
        }
        if (controls.animate) {
            animation_phase += static_cast<double>(dt) * controls.speed;
            const auto step = static_cast<uint32_t>(std::floor(animation_phase));
            const auto t = static_cast<float>(animation_phase - std::floor(animation_phase));
            z = slerp(model->latent_from_seed(animation_base + step), model->latent_from_seed(animation_base + step + 1), t);
            show_latent(z, controls);
            dirty = true;
        }
        dirty = dirty || user_change;
        // The ground follows explicit edits only: regenerating 64 chunks for every animation
        // step would leave it a patchwork.
        if (user_change && ground) ground->set_params(params());

        if (dirty) {
            if (texture_set && texture_set->generates_on_update()) generator->set_params(params());   // the update generates
            else generator->request(params());   // supersedes a request that has not started yet
            ++requests;
            dirty = false;
        }
        // Headless, last frame: a request this frame made (the first frame's, with --frames 1) is
        // waited for too, so the capture never shows untextured objects (review robustness-2026-12 #9).
        if (renderer.headless() && last && generator->busy()) {
            generator->wait_idle();
            take_result();
        }
        if (ground) {
            const glm::vec3 t = renderer.camera().target;
            ground->update(renderer, t.x, t.z);
            settings.ground_window_centre = {ground->centre_x(), ground->centre_z()};
            info.ground_status = ground->status();
        }
        if (texture_set) {
            const uint64_t shown = texture_set->update(renderer);
            if (texture_set->generates_on_update()) {
                info.result_id = shown;
                set_updates = shown;   // generations happen inside the updates
            }
        }
        renderer.end_frame(renderer.headless() && last);
    }

    if (!o.save_preset.empty()) {
        save_preset(*model, params(), o.save_preset, generator->width());
        std::printf("ntex_demo: saved preset %s\n", o.save_preset.c_str());
    }
    if (!o.bake.empty()) {
        for (const std::string& f : bake_material(*model, params(), o.bake_size, o.bake)) std::printf("ntex_demo: baked %s\n", f.c_str());
    }
    if (o.headless) {
        const std::string path = renderer.save_capture(o.out);
        std::printf("ntex_demo: wrote %s\n", path.c_str());
    }
    if (texture_set && texture_set->generates_on_update()) {
        std::printf("ntex_demo: %d frames, %.2f ms/frame average, %llu generations at %ux%u inside texture-set updates (%d requests)\n",
                    frames, frames > 1 ? frame_ms_sum / (frames - 1) : 0.0, static_cast<unsigned long long>(set_updates),
                    generator->width(), generator->height(), requests);
    } else {
        std::printf("ntex_demo: %d frames, %.2f ms/frame average, %d generations at %ux%u (%d requests), "
                    "%.2f ms/generation average (request to result)\n",
                    frames, frames > 1 ? frame_ms_sum / (frames - 1) : 0.0, results, generator->width(),
                    generator->height(), requests, results > 0 ? generation_ms_sum / results : 0.0);
    }
    if (ground) std::printf("ntex_demo: %s\n", ground->status().c_str());
    if (!bench_ms.empty()) {
        // Frame time = host time between consecutive begin_frame calls (it includes the one host
        // wait, for the frame two submits back): the rate frames complete at, with frames in flight.
        std::sort(bench_ms.begin(), bench_ms.end());
        const double median = bench_ms[bench_ms.size() / 2];
        const double p90 = bench_ms[std::min(bench_ms.size() - 1, bench_ms.size() * 9 / 10)];
        std::printf("demo-bench: frames=%zu frame_ms_median=%.3f frame_ms_p90=%.3f backend=%s zero_copy=%s size=%ux%u gen=%u\n",
                    bench_ms.size(), median, p90, backend_label(ntexGetContextBackend(model->context())),
                    texture_set ? texture_set->path_label() : "off", o.width, o.height,
                    generator->width());
    }
    renderer.wait_idle();   // the texture set's images may still be sampled by the last frames
    texture_set.reset();
    return 0;
}

}  // namespace demo
