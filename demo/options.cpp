// SPDX-License-Identifier: MIT
// options.cpp: CLI11 parsing with one-line errors.
#include "options.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace demo {
namespace {

// Plain decimal digits in lo..hi. Integer options are converted here, never by CLI11: its own
// conversion reads "010" as octal 8 and "0x10" as hex, and wraps large negative numbers;
// CLI::Range lets NaN through.
bool decimal_in(const std::string& s, uint64_t lo, uint64_t hi, uint64_t* out) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size() && *out >= lo && *out <= hi;
}

CLI::Validator integer_in(uint64_t lo, uint64_t hi) {
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    return CLI::Validator(
        [lo, hi, range](std::string& value) -> std::string {
            uint64_t v = 0;
            return decimal_in(value, lo, hi, &v) ? "" : "must be an integer in " + range + ", got '" + value + "'";
        },
        "INT in " + range);
}

// An integer option whose text `check` validated (decimal digits in lo..hi, and whatever else the
// check demands), converted with from_chars; the bounds are checked again so a bad value is never
// assigned.
template <typename T>
CLI::Option* add_integer(CLI::App& app, const std::string& name, T& value, const std::string& description, uint64_t lo, uint64_t hi,
                         const CLI::Validator& check) {
    CLI::Option* option = app.add_option_function<std::string>(
        name,
        [&value, name, lo, hi](const std::string& text) {
            uint64_t v = 0;
            if (!decimal_in(text, lo, hi, &v)) throw CLI::ValidationError(name, "'" + text + "' is not an integer in range");
            value = static_cast<T>(v);
        },
        description);
    option->type_name("INT")->check(check);
    return option;
}

template <typename T>
CLI::Option* add_integer(CLI::App& app, const std::string& name, T& value, const std::string& description, uint64_t lo, uint64_t hi) {
    return add_integer(app, name, value, description, lo, hi, integer_in(lo, hi));
}

// Generation sizes: multiples of 16 (the generator's cell) in lo..hi.
CLI::Validator multiple_of_16_in(uint64_t lo, uint64_t hi) {
    return CLI::Validator(
        [lo, hi](std::string& value) -> std::string {
            uint64_t v = 0;
            if (!decimal_in(value, lo, hi, &v) || v % 16 != 0) {
                return "must be a multiple of 16 in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + value + "'";
            }
            return "";
        },
        "MULTIPLE OF 16 IN [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

CLI::Validator finite_in(double lo, double hi, const char* range) {
    return CLI::Validator(
        [lo, hi, range](std::string& value) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            const bool ok = !value.empty() && end == value.c_str() + value.size() && std::isfinite(v) && v >= lo && v <= hi;
            return ok ? "" : std::string("must be a number in ") + range + ", got '" + value + "'";
        },
        std::string("FLOAT in ") + range);
}

// --period W[xH]: each 0 (the generator's size) or 16..8192.
NtexBackend backend_from_name(const std::string& name) {
    if (name == "cpu") return NTEX_BACKEND_CPU;
    if (name == "cuda") return NTEX_BACKEND_CUDA;
    if (name == "vulkan") return NTEX_BACKEND_VULKAN;
    return NTEX_BACKEND_AUTO;   // "auto" (CLI11 has checked the name)
}

bool parse_period(const std::string& s, uint32_t* w, uint32_t* h) {
    const size_t x = s.find('x');
    uint64_t a = 0, b = 0;
    const auto side = [](const std::string& t, uint64_t* v) { return decimal_in(t, 0, 0, v) || decimal_in(t, 16, 8192, v); };
    if (!side(s.substr(0, x), &a)) return false;
    b = a;
    if (x != std::string::npos && !side(s.substr(x + 1), &b)) return false;
    *w = static_cast<uint32_t>(a);
    *h = static_cast<uint32_t>(b);
    return true;
}

void add_conditioning_options(CLI::App& app, Options& o, std::string& period, std::vector<CLI::Option*>& numbers) {
    app.add_option("--category", o.category, "Category of a conditional model (names: `ntex info`), or any");
    app.add_option("--pattern", o.pattern, "Layout pattern of a layout-conditioned model (auto: the model's layout prior for the category)")
        ->check(CLI::IsMember({"none", "bricks", "tiles", "hexagons", "planks", "panels", "voronoi", "blobs", "auto"}));
    ntex::Conditioning& l = o.layout;
    numbers.push_back(add_integer(app, "--columns", l.columns, "Pattern cells across one period (1..64)", 1, 64));
    numbers.push_back(add_integer(app, "--rows", l.rows, "Pattern cells down one period (1..64; hexagons: even)", 1, 64));
    numbers.push_back(app.add_option("--period", period, "Pattern period W or WxH in texels, 0 (the texture's size) or 16..8192")
                          ->check(CLI::Validator(
                              [](std::string& value) -> std::string {
                                  uint32_t w = 0, h = 0;
                                  return parse_period(value, &w, &h) ? "" : "expected W or WxH, each 0 or 16..8192, got '" + value + "'";
                              },
                              "W[xH]")));
    numbers.push_back(app.add_option("--offset", l.offset, "Bricks, planks: row shift in cells (0..1)")->check(finite_in(0, 1, "0..1")));
    numbers.push_back(app.add_option("--gap", l.gap, "Pattern gap width in texels (0..64)")->check(finite_in(0, 64, "0..64")));
    numbers.push_back(app.add_option("--bevel", l.bevel, "Pattern gap-to-face ramp in texels (0..64)")->check(finite_in(0, 64, "0..64")));
    numbers.push_back(app.add_option("--jitter", l.jitter, "Per-pattern randomness (0..1)")->check(finite_in(0, 1, "0..1")));
    numbers.push_back(add_integer(app, "--pattern-seed", l.pattern_seed, "Seed of the pattern's cells", 0, UINT32_MAX));
}

}  // namespace

ParseResult parse_options(int argc, char** argv) {
    Options o;
    o.model = NTEX_DEMO_DEFAULT_MODEL;
    if (const char* env = std::getenv("NTEX_VALIDATION"); env && std::strcmp(env, "0") != 0 && *env)
        o.validation = true;

    CLI::App app{"ntex demo scene: neural procedural textures on a sphere, a rounded cube and a plane", "ntex_demo"};
    int frames = 0;
    app.add_flag("--headless", o.headless, "Render offscreen (no window) and write a PNG");
    auto* frames_opt = add_integer(app, "--frames", frames, "Frames to render (window: until closed; headless: 3)", 1, 100000000);
    app.add_option("--out", o.out, "Headless output PNG")->capture_default_str();
    add_integer(app, "--seed", o.seed, "Latent/noise seed", 0, UINT32_MAX)->default_str(std::to_string(o.seed));
    app.add_option("--model", o.model, "Model JSON (weights beside it)")->capture_default_str();
    add_integer(app, "--size", o.size, "Generation resolution: a multiple of 16 in 64..1024", 64, 1024, multiple_of_16_in(64, 1024))
        ->default_str(std::to_string(o.size));
    app.add_flag("--validation", o.validation, "Enable VK_LAYER_KHRONOS_validation (also NTEX_VALIDATION=1)");
    add_integer(app, "--device", o.device, "Vulkan physical device index (default: discrete GPU first)", 0, 1023);
    add_integer(app, "--width", o.width, "Window/offscreen width", 16, 8192)->default_str(std::to_string(o.width));
    add_integer(app, "--height", o.height, "Window/offscreen height", 16, 8192)->default_str(std::to_string(o.height));
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
    add_integer(app, "--bake-size", o.bake_size, "Bake resolution (a multiple of 16)", 16, 4096)->default_str(std::to_string(o.bake_size));

    std::string backend = "auto", precision = "default";
    app.add_option("--backend", backend, "Generator backend: auto (CUDA where usable, else CPU), cpu, cuda or vulkan (compute shaders on the renderer's device)")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda", "vulkan"}));
    add_integer(app, "--bench-frames", o.bench_frames,
                "Benchmark: render this many frames with a new latent every frame (animation on) after 10 warm-up "
                "frames and print 'demo-bench: ...' with the median and p90 frame time",
                1, 1000000);
    std::string zero_copy = "auto";
    app.add_option("--zero-copy", zero_copy,
                   "Material through ntex texture sets on the renderer's device (CUDA: written in place; Vulkan compute: recorded "
                   "into the frame's command buffer; no host copy): auto (on with CUDA and Vulkan), on, off (read maps on the host and upload)")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "on", "off"}));
    std::string mip_filter = "blit";
    app.add_option("--mip-filter", mip_filter,
                   "Mips of the texture set (--zero-copy on): blit (linear blits, every map as colour) or material (normals "
                   "renormalised, roughness widened by the normals' variance (Toksvig), albedo in linear light; on the device on the "
                   "Vulkan compute path, on the host otherwise)")
        ->capture_default_str()
        ->check(CLI::IsMember({"blit", "material"}));
    std::string switch_backend;
    app.add_option("--switch-backend", switch_backend,
                   "After the first frame switch the generator backend (as the overlay's backend control does): auto, cpu, cuda or vulkan")
        ->check(CLI::IsMember({"auto", "cpu", "cuda", "vulkan"}));
    // Up to 16384 (the overlay stops at 1024) so that scripts can check a size the generator refuses.
    add_integer(app, "--switch-size", o.switch_size,
                "After the first frame change the generation resolution (as the overlay's resolution control does); a multiple of 16",
                16, 16384, multiple_of_16_in(16, 16384));
    app.add_option("--precision", precision, "Network precision: default (CUDA fp16, CPU fp32), fp16 or fp32")
        ->capture_default_str()
        ->check(CLI::IsMember({"default", "fp16", "fp32"}));
    std::string period;
    std::vector<CLI::Option*> layout_numbers;
    add_conditioning_options(app, o, period, layout_numbers);

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
    o.backend = backend_from_name(backend);
    if (zero_copy != "auto") o.zero_copy = zero_copy == "on";
    o.mip_filter = mip_filter == "material" ? NTEX_MIP_FILTER_MATERIAL : NTEX_MIP_FILTER_BLIT;
    if (!switch_backend.empty())
        o.switch_backend = backend_from_name(switch_backend);
    if (!period.empty()) parse_period(period, &o.layout.period_width, &o.layout.period_height);   // checked while parsing
    for (const CLI::Option* option : layout_numbers) o.layout_numbers_given = o.layout_numbers_given || option->count() > 0;
    o.precision = precision == "fp16" ? NTEX_PRECISION_FP16 : precision == "fp32" ? NTEX_PRECISION_FP32 : NTEX_PRECISION_DEFAULT;
    return {o, 0};
}

}  // namespace demo
