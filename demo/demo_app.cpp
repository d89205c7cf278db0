// SPDX-License-Identifier: MIT
// demo_app.cpp: the reference host, step by step: check the options against the model, create the
// renderer, the material source on its device (material_source.h), the scene and the overlay's
// controls, then the frame loop and what the options ask for at the end (preset, bake, capture).
// Generation is asynchronous (generate_async when a parameter changed, or every frame while
// animating); each frame polls for a new result and, only then, reads all of its maps into the
// engine's staging buffers and uploads them. The render loop never waits for the network (headless
// runs wait once, before the captured frame).
#include "demo_app.h"

#include "demo_setup.h"
#include "error_text.h"
#include "infinite_ground.h"
#include "material_controls.h"
#include "material_editor.h"
#include "material_files.h"
#include "material_source.h"
#include "run_stats.h"

#include <engine/overlay.h>
#include <engine/renderer.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

namespace demo {
namespace {

// The steps after check_options_against_model (demo_setup.h) in the constructor: the renderer, the
// material source on its device, the scene, the controls, the ground; then the frame loop in run(),
// one method per step of a frame.
class DemoApp {
public:
    DemoApp(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats,
            const ntex::Conditioning& conditioning);
    // The frame loop, then the files and closing lines the options ask for. Returns the exit code.
    int run();

private:
    void enable_ground();
    void disable_ground();
    void frame();
    void measure_frame();
    void switch_backend();
    void resize();
    bool take_result();
    bool handle_panel();
    void update_scene_material();
    void finish();

    const Options& m_o;
    engine::Renderer m_renderer;
    MaterialSource m_source;   // after the renderer: destroyed first (its texture set lives on the device)
    MaterialEditor m_editor;
    engine::OverlayInfo m_info;
    std::unique_ptr<InfiniteGround> m_ground;   // reads m_source's model: destroyed before it
    RunStats m_stats;
    const int m_frame_limit;       // 0: until the window closes
    bool m_dirty = true;           // parameters changed since the last request
    uint32_t m_pending_size = 0;   // a new generation resolution, applied next frame
    int m_pending_backend = -1;    // a backend switch (NtexBackend), applied next frame
    int m_active_backend;          // what the running model was asked for
};

DemoApp::DemoApp(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats,
                 const ntex::Conditioning& conditioning)
    : m_o(o),
      m_renderer(renderer_info(o, validation_stats)),
      m_source(m_renderer, o),
      m_editor(m_source.model(), o, conditioning),
      m_stats(o.bench_frames),
      m_frame_limit(o.frames.value_or(o.headless ? 3 : 0)),
      m_active_backend(static_cast<int>(o.backend)) {
    print_setup(o, m_renderer, m_source, *validation_stats);
    set_up_scene(o, m_source.model(), m_renderer);
    start_controls(o, m_source.model(), m_editor);
    m_info = overlay_info(m_renderer, m_source.model());
    if (m_editor.controls().infinite_ground) enable_ground();
}

// The infinite ground; when it is unavailable the scene keeps the tiled one and the toggle goes off.
void DemoApp::enable_ground() {
    m_ground = make_infinite_ground(m_source.model(), m_source.backend(), m_renderer, m_editor.params());
    m_renderer.settings().infinite_ground = m_ground != nullptr;
    if (m_ground) return;
    m_editor.controls().infinite_ground = false;
    m_info.ground_status = "tiled ground: infinite mode unavailable";
}

void DemoApp::disable_ground() {
    m_ground.reset();
    m_renderer.settings().infinite_ground = false;
    m_info.ground_status.clear();
}

int DemoApp::run() {
    while (m_frame_limit == 0 || m_stats.frames < m_frame_limit) {
        if (!m_renderer.begin_frame()) break;
        frame();
    }
    finish();
    return 0;
}

// One frame between begin_frame and end_frame.
void DemoApp::frame() {
    const float dt = m_renderer.headless() ? 1.0f / 30.0f : m_renderer.frame_seconds();   // headless: reproducible
    measure_frame();
    // Changes asked for last frame, applied before anything is recorded into this one.
    if (m_pending_backend >= 0) switch_backend();
    if (m_pending_size != 0) resize();
    ++m_stats.frames;
    const bool last = m_frame_limit != 0 && m_stats.frames == m_frame_limit;
    const bool capture = m_renderer.headless() && last;
    MaterialGenerator& generator = m_source.generator();   // replaced only by the two steps above
    // A finished result first, so the overlay describes what this frame shows. Headless: the captured
    // frame shows the newest request's result (reproducible PNGs).
    if (capture && generator.busy()) generator.wait_idle();
    if (!take_result()) ++m_info.frames_since_result;
    m_info.generating = generator.busy();

    const bool user_change = handle_panel();
    if (m_editor.animate(m_source.model(), dt)) m_dirty = true;
    m_dirty = m_dirty || user_change;
    // The ground follows explicit edits only: regenerating 64 chunks for every animation
    // step would leave it a patchwork.
    if (user_change && m_ground) m_ground->set_params(m_editor.params());
    if (m_dirty) {
        m_source.request(m_editor.params());
        ++m_stats.requests;
        m_dirty = false;
    }
    // Headless, last frame: a request this frame made (the first frame's, with --frames 1) is
    // waited for too, so the capture never shows untextured objects (review robustness-2026-12 #9).
    if (capture && generator.busy()) {
        generator.wait_idle();
        take_result();
    }
    update_scene_material();
    m_renderer.end_frame(capture);
}

// Host frame time, from the second frame on: the closing lines, --bench-frames and the overlay.
void DemoApp::measure_frame() {
    if (m_stats.frames == 0) return;
    const float ms = m_renderer.frame_seconds() * 1000.0f;
    m_stats.add_frame_time(ms);
    m_info.frame_ms = m_info.frame_ms == 0.0f ? ms : m_info.frame_ms * 0.9f + ms * 0.1f;
    m_info.fps = m_info.frame_ms > 0.0f ? 1000.0f / m_info.frame_ms : 0.0f;
}

// The overlay's backend control (or --switch-backend): rebuilds context, model, generator and texture
// set on the new backend; on failure (e.g. CUDA unusable) everything keeps running as it was and the
// line says why.
void DemoApp::switch_backend() {
    const auto requested = static_cast<NtexBackend>(m_pending_backend);
    m_pending_backend = -1;
    const bool had_ground = m_ground != nullptr;
    try {
        std::unique_ptr<MaterialModel> next = m_source.load(requested);
        m_ground.reset();   // it reads the old model
        m_source.replace(std::move(next), static_cast<uint32_t>(m_editor.controls().resolution));
        if (had_ground) enable_ground();
        m_info.backend = m_source.model().backend_description();
        m_info.backend_note = m_source.model().backend_note();
        m_info.backend_status = "switched to " + m_info.backend;
        m_active_backend = static_cast<int>(requested);
        m_dirty = true;
    } catch (const ntex::Exception& e) {
        m_info.backend_status = "backend switch failed: " + error_text(e);
        m_editor.controls().backend = m_active_backend;
        if (had_ground && m_ground == nullptr) enable_ground();   // the source is back on the previous model
    }
    std::printf("ntex_demo: %s\n", m_info.backend_status.c_str());
    std::fflush(stdout);
}

// The overlay's resolution: generator, texture set and the engine's textures at the new size.
void DemoApp::resize() {
    // An explicit layout period must divide the new size (else it would not tile): fall back to the
    // texture's size.
    const uint32_t size = std::exchange(m_pending_size, 0u);
    try {
        m_source.resize(size);
        ntex::Conditioning& c = m_editor.conditioning();
        if ((c.period_width != 0 && size % c.period_width != 0) || (c.period_height != 0 && size % c.period_height != 0)) {
            c.period_width = c.period_height = 0;
            std::printf("ntex_demo: the layout period does not divide %u: using the texture's size\n", size);
        }
    } catch (const ntex::Exception& e) {
        // Still running at the previous size; the control shows it again and the line says why.
        m_editor.controls().resolution = static_cast<int>(m_source.generator().width());
        std::printf("ntex_demo: resolution %u failed: %s; staying at %u\n", size, error_text(e).c_str(), m_source.generator().width());
        std::fflush(stdout);
    }
    m_dirty = true;
}

// A finished generation: uploaded (texture sets fetch it themselves) and counted.
bool DemoApp::take_result() {
    if (!m_source.take_result()) return false;
    const MaterialGenerator& generator = m_source.generator();
    m_info.generation_ms = static_cast<float>(generator.last_latency_ms());
    m_info.result_id = generator.result_id();
    m_info.frames_since_result = 0;
    m_stats.generation_ms_sum += generator.last_latency_ms();
    ++m_stats.results;
    return true;
}

// The overlay's panel with the Material section appended. Returns true when the user changed a
// parameter. Resolution and backend changes wait for the next frame: this frame's command buffer may
// already reference the current textures (an upload).
bool DemoApp::handle_panel() {
    engine::MaterialControls& controls = m_editor.controls();
    const engine::OverlayActions a = m_renderer.overlay().draw_panel(controls, m_renderer.settings(), m_info);
    bool user_change = draw_material_controls(m_source.model().conditioning(), m_editor.conditioning());
    if (a.resolution_changed) m_pending_size = static_cast<uint32_t>(controls.resolution);
    if (a.backend_changed) m_pending_backend = controls.backend;
    if (m_stats.frames == 1 && m_o.switch_size != 0) {   // --switch-size: the resolution control, after the first frame
        controls.resolution = static_cast<int>(m_o.switch_size);
        m_pending_size = m_o.switch_size;
    }
    if (m_stats.frames == 1 && m_o.switch_backend) {   // --switch-backend: the control, after the first frame
        controls.backend = static_cast<int>(*m_o.switch_backend);
        m_pending_backend = controls.backend;
    }
    if (m_editor.take_edits(m_source.model(), a)) user_change = true;
    if (a.save_preset || a.load_preset || a.bake) {
        bool loaded = false;
        m_info.file_status = m_editor.run_file_actions(m_source.model(), a, m_source.generator().width(), loaded);
        std::printf("ntex_demo: %s\n", m_info.file_status.c_str());
        if (loaded) user_change = true;
    }
    if (a.ground_changed) {
        if (controls.infinite_ground) enable_ground();
        else disable_ground();
    }
    return user_change;
}

// The ground's chunks and the texture set's update, recorded into this frame.
void DemoApp::update_scene_material() {
    if (m_ground) {
        const glm::vec3 t = m_renderer.camera().target;
        m_ground->update(m_renderer, t.x, t.z);
        m_renderer.settings().ground_window_centre = {m_ground->centre_x(), m_ground->centre_z()};
        m_info.ground_status = m_ground->status();
    }
    if (m_source.has_texture_set()) {
        const uint64_t shown = m_source.update_texture_set();
        if (m_source.generates_on_update()) {
            m_info.result_id = shown;
            m_stats.set_updates = shown;   // generations happen inside the updates
        }
    }
}

// After the loop: --save-preset, --bake, the headless capture, then the closing lines.
void DemoApp::finish() {
    const MaterialGenerator& generator = m_source.generator();
    if (!m_o.save_preset.empty()) {
        save_preset(m_source.model(), m_editor.params(), m_o.save_preset, generator.width());
        std::printf("ntex_demo: saved preset %s\n", m_o.save_preset.c_str());
    }
    if (!m_o.bake.empty()) {
        for (const std::string& f : bake_material(m_source.model(), m_editor.params(), m_o.bake_size, m_o.bake))
            std::printf("ntex_demo: baked %s\n", f.c_str());
    }
    if (m_o.headless) {
        const std::string path = m_renderer.save_capture(m_o.out);
        std::printf("ntex_demo: wrote %s\n", path.c_str());
    }
    m_stats.print_summary(m_source.generates_on_update(), generator.width(), generator.height());
    if (m_ground) std::printf("ntex_demo: %s\n", m_ground->status().c_str());
    m_stats.print_bench(m_source.backend(), m_source.texture_set_label(), m_o.width, m_o.height, generator.width());
    m_source.release_texture_set();
}

}  // namespace

int run_demo(const Options& o, const std::shared_ptr<engine::ValidationStats>& validation_stats) {
    const ntex::Conditioning conditioning = check_options_against_model(o);
    DemoApp app(o, validation_stats, conditioning);
    return app.run();
}

}  // namespace demo
