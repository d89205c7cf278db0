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
    return {o, 0};
}

}  // namespace demo
