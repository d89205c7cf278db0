// SPDX-License-Identifier: MIT
// options.cpp: CLI11 parsing with one-line errors.
#include "options.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace demo {

ParseResult parse_options(int argc, char** argv) {
    Options o;
    o.model = NTEX_DEMO_DEFAULT_MODEL;
    if (const char* env = std::getenv("NTEX_VALIDATION"); env && std::strcmp(env, "0") != 0 && *env)
        o.validation = true;

    CLI::App app{"ntex demo scene: neural procedural textures on a sphere, a rounded cube and a plane", "ntex_demo"};
    int frames = 0;
    app.add_flag("--headless", o.headless, "Render offscreen (no window) and write a PNG");
    auto* frames_opt = app.add_option("--frames", frames, "Frames to render (window: until closed; headless: 3)")
                           ->check(CLI::Range(1, 100000000));
    app.add_option("--out", o.out, "Headless output PNG")->capture_default_str();
    app.add_option("--seed", o.seed, "Latent/noise seed")->capture_default_str();
    app.add_option("--model", o.model, "Model JSON (weights beside it)")->capture_default_str();
    app.add_option("--size", o.size, "Generation resolution: a multiple of 16 in 64..1024")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
                char* end = nullptr;
                const long v = std::strtol(value.c_str(), &end, 10);
                if (end == value.c_str() || *end != '\0' || v < 64 || v > 1024 || v % 16 != 0)
                    return "must be a multiple of 16 in 64..1024, got '" + value + "'";
                return "";
            },
            "MULTIPLE OF 16 IN [64, 1024]"));
    app.add_flag("--validation", o.validation, "Enable VK_LAYER_KHRONOS_validation (also NTEX_VALIDATION=1)");
    app.add_option("--device", o.device, "Vulkan physical device index (default: discrete GPU first)")
        ->check(CLI::Range(0, 1023));
    app.add_option("--width", o.width, "Window/offscreen width")->capture_default_str()->check(CLI::Range(16, 8192));
    app.add_option("--height", o.height, "Window/offscreen height")->capture_default_str()->check(CLI::Range(16, 8192));
    app.add_flag("--animate", o.animate, "Move the latent smoothly from seed to seed");
    std::string ground = "tiled";
    app.add_option("--ground", ground, "Ground plane: 'tiled' (the material repeated) or 'infinite' (ntex INFINITE mode)")
        ->capture_default_str()
        ->check(CLI::IsMember({"tiled", "infinite"}));
    app.add_option("--target-x", o.target_x, "Move the camera target along world x (metres)")
        ->check(CLI::Range(-100000.0f, 100000.0f));
    app.add_option("--target-z", o.target_z, "Move the camera target along world z (metres)")
        ->check(CLI::Range(-100000.0f, 100000.0f));
    app.add_flag("--flat-normals", o.flat_normals, "Shade without the normal map (and without the albedo bump)");
    app.add_option("--height-depth", o.height_depth, "Parallax depth scale (0: off)")
        ->capture_default_str()
        ->check(CLI::Range(0.0f, 8.0f));
    app.add_option("--directions", o.directions, "Latent direction offsets in sigma, comma-separated (-3..3)")
        ->delimiter(',')
        ->check(CLI::Range(-3.0f, 3.0f));
    app.add_option("--preset", o.preset, "Start from this preset (JSON written by Save preset / ntexSavePreset)");
    app.add_option("--save-preset", o.save_preset, "Write the material's parameters as a preset when the demo ends");
    app.add_option("--bake", o.bake, "Bake the material when the demo ends: <BASE>_<map>.png + <BASE>.preset.json");
    app.add_option("--bake-size", o.bake_size, "Bake resolution (a multiple of 16)")
        ->capture_default_str()
        ->check(CLI::Range(16u, 4096u));

    std::string backend = "auto", precision = "default";
    app.add_option("--backend", backend, "Generator backend: auto (CUDA where usable, else CPU), cpu or cuda")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    app.add_option("--bench-frames", o.bench_frames,
                   "Benchmark: render this many frames with a new latent every frame (animation on) after 10 warm-up "
                   "frames and print 'demo-bench: ...' with the median and p90 frame time")
        ->check(CLI::Range(1u, 1000000u));
    std::string zero_copy = "auto";
    app.add_option("--zero-copy", zero_copy,
                   "Material through ntex texture sets on the renderer's device (CUDA: written in place, no host copy): "
                   "auto (on with CUDA), on, off (read maps on the host and upload)")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "on", "off"}));
    std::string switch_backend;
    app.add_option("--switch-backend", switch_backend,
                   "After the first frame switch the generator backend (as the overlay's backend control does): auto, cpu or cuda")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    app.add_option("--precision", precision, "Network precision: default (CUDA fp16, CPU fp32), fp16 or fp32")
        ->capture_default_str()
        ->check(CLI::IsMember({"default", "fp16", "fp32"}));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return {std::nullopt, app.exit(e)};
    } catch (const CLI::CallForAllHelp& e) {
        return {std::nullopt, app.exit(e)};
    } catch (const CLI::ParseError& e) {
        // One line, naming the option and value (CLI11's own message does both).
        std::string message = e.what();
        for (char& c : message)
            if (c == '\n') c = ' ';
        std::fprintf(stderr, "ntex_demo: error: %s\n", message.c_str());
        return {std::nullopt, 2};
    }
    if (frames_opt->count() > 0) o.frames = frames;
    if (o.bench_frames > 0) {
        o.frames = static_cast<int>(o.bench_frames) + 10;   // 10 warm-up frames
        o.animate = true;
    }
    o.infinite_ground = ground == "infinite";
    o.backend = backend == "cpu" ? NTEX_BACKEND_CPU : backend == "cuda" ? NTEX_BACKEND_CUDA : NTEX_BACKEND_AUTO;
    if (zero_copy != "auto") o.zero_copy = zero_copy == "on";
    if (!switch_backend.empty())
        o.switch_backend = switch_backend == "cpu" ? NTEX_BACKEND_CPU : switch_backend == "cuda" ? NTEX_BACKEND_CUDA : NTEX_BACKEND_AUTO;
    o.precision = precision == "fp16" ? NTEX_PRECISION_FP16 : precision == "fp32" ? NTEX_PRECISION_FP32 : NTEX_PRECISION_DEFAULT;
    return {o, 0};
}

}  // namespace demo
