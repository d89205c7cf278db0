// SPDX-License-Identifier: MIT
// `ntex`: command-line tool. info <model.json> | check-golden <model.json> <fixture> |
// generate --model M --seed S --size W[xH] --psi P --out base.png [--tiling infinite --origin X,Y
// --direction I=A] [--category NAME --pattern P --columns N ... | --mask FILE.png] [--profile] (one PNG
// per map: base_albedo.png, base_normal.png, ...; --profile then prints the per-layer profile at that
// size) | bake | profile --model M. Errors: one line "ntex: error: ...", exit 1 (2: a bad command line).
#include "backends/cuda/cuda_backend.h"
#include "backends/vulkan/vulkan_backend.h"
#include "core/error.h"
#include "core/printable.h"
#include "model/file_io.h"
#include "model/golden_fixture.h"
#include "model/model.h"
#include "runtime/texture_generator.h"
#include "runtime/tiling.h"
#include "tools/cli_conditioning.h"
#include "tools/cli_packing.h"
#include "tools/png_writer.h"

#include <ntex/ntex.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <regex>
#include <thread>

namespace {

constexpr double kGoldenTolerance = 1e-3;
constexpr uint32_t kAllMaps = 0xFFFFFFFFu;  // --map not given
constexpr int kMaxThreads = static_cast<int>(NTEX_MAX_THREADS);   // --threads: 0 (all) .. this (the API's limit)
constexpr double kMaxPsi = NTEX_MAX_ABS_TRUNCATION_PSI;          // --psi: -this .. this (the API's limit)

const char* semantic_name(ntex::MapSemantic s) {
    switch (s) {
        case ntex::MapSemantic::Albedo: return "albedo";
        case ntex::MapSemantic::Normal: return "normal";
        case ntex::MapSemantic::Roughness: return "roughness";
        case ntex::MapSemantic::Height: return "height";
        case ntex::MapSemantic::Other: break;
    }
    return "other";
}

// Model text goes through printable() on its way to the terminal: a name may carry ANSI escapes.
// (The temporary it returns lives until the printf of its full expression has run.)
int cmd_info(const std::string& path) {
    auto model = ntex::LoadedModel::load(path);
    const ntex::ModelDescription& d = model->description();
    std::printf("model:       %s%s%s\n", ntex::printable(d.name).c_str(), d.version.empty() ? "" : " version ", ntex::printable(d.version).c_str());
    if (!d.description.empty()) std::printf("description: %s\n", ntex::printable(d.description).c_str());
    std::printf("weights:     %s (%zu tensors)\n", ntex::printable(d.weights).c_str(), d.tensors.size());
    std::printf("parameters:  %llu\n", static_cast<unsigned long long>(model->parameter_count()));
    if (d.flops_per_megapixel > 0) std::printf("flops/MP:    %.3g\n", d.flops_per_megapixel);
    std::printf("latent:      z_dim %d, w_dim %d, noise_channels %d, cell_size %d\n", d.z_dim, d.w_dim, d.noise_channels,
                d.cell_size);
    std::printf("mapping:     %zu layers, normalize_z %s\n", d.mapping_layers.size(), d.normalize_z ? "true" : "false");
    std::printf("synthesis:   %zu ops\n", d.ops.size());
    for (std::size_t i = 0; i < d.ops.size(); ++i) {
        const ntex::SynthesisOp& op = d.ops[i];
        switch (op.kind) {
            case ntex::OpKind::NoiseInput: std::printf("  [%zu] noise_input %d\n", i, op.channels); break;
            case ntex::OpKind::Upsample: std::printf("  [%zu] upsample x%d bilinear\n", i, op.factor); break;
            case ntex::OpKind::ModConv:
                std::printf("  [%zu] modconv %d->%d k%d%s %s%s\n", i, op.in, op.out, op.kernel, op.demodulate ? " demod" : "",
                            ntex::activation_name(op.activation), op.noise ? " +noise" : "");
                break;
            case ntex::OpKind::Output: std::printf("  [%zu] output scale %g shift %g\n", i, op.scale, op.shift); break;
        }
    }
    std::printf("maps:\n");
    for (const ntex::OutputMap& m : d.outputs) {
        std::string source;
        if (m.derived_from >= 0) {
            source = "derived from " + d.outputs[static_cast<std::size_t>(m.derived_from)].name + " (central differences, OpenGL, n*0.5+0.5)";
        } else {
            for (int c : m.channels) source += (source.empty() ? "" : ",") + std::to_string(c);
            source = "network channels [" + source + "]";
        }
        std::printf("  %-10s %-9s %d channel%s %s, range [%g, %g], %s\n", ntex::printable(m.name).c_str(), semantic_name(m.semantic), m.channel_count(),
                    m.channel_count() == 1 ? ", " : "s,", ntex::printable(source).c_str(), m.range_min, m.range_max, m.color_space.c_str());
    }
    std::printf("halo:        %d pixels (infinite mode; receptive-field radius %d)\n", ntex::halo_pixels(d), ntex::receptive_field_radius(d));
    std::printf("height scale: %g\n", static_cast<double>(d.height_scale));
    std::printf("directions:  %zu\n", d.directions.size());
    for (std::size_t i = 0; i < d.directions.size(); ++i) {
        std::printf("  [%zu] %s (sigma %g, tensor %s)\n", i, ntex::printable(d.directions[i].label).c_str(), static_cast<double>(d.directions[i].sigma),
                    ntex::printable(d.directions[i].tensor).c_str());
    }
    ntex::cli::print_conditioning_info(d.categories, d.layout_channels, !d.layout_prior.empty());
    return 0;
}

int cmd_check_golden(const std::string& model_path, const std::string& fixture_path, int threads) {
    auto model = ntex::LoadedModel::load(model_path);
    auto fixture = ntex::SafetensorsFile::load(fixture_path);
    auto cases = ntex::load_golden_cases(fixture);
    auto results = ntex::run_golden_cases(model, cases, threads);
    bool ok = true;
    for (const auto& r : results) {
        bool pass = r.max_abs_error <= kGoldenTolerance && (r.w_max_abs_error < 0 || r.w_max_abs_error <= kGoldenTolerance);
        ok = ok && pass;
        std::printf("%-24s %4dx%-4d max_abs_error %.3e", r.name.c_str(), r.width, r.height, r.max_abs_error);
        if (r.w_max_abs_error >= 0) std::printf("  w %.3e", r.w_max_abs_error);
        std::printf("  %s\n", pass ? "ok" : "FAIL");
    }
    std::printf("%s: %zu cases, tolerance %.0e\n", ok ? "PASS" : "FAIL", results.size(), kGoldenTolerance);
    return ok ? 0 : 1;
}

NtexBackend parse_backend(const std::string& s) {
    if (s == "auto") return NTEX_BACKEND_AUTO;
    if (s == "cpu") return NTEX_BACKEND_CPU;
    if (s == "cuda") return NTEX_BACKEND_CUDA;
    if (s == "vulkan") return NTEX_BACKEND_VULKAN;   // Vulkan compute on a headless device
    ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--backend '", s, "': expected auto, cpu, cuda or vulkan");
}

NtexPrecision parse_precision(const std::string& s) {
    if (s.empty() || s == "default") return NTEX_PRECISION_DEFAULT;
    if (s == "fp32") return NTEX_PRECISION_FP32;
    if (s == "fp16") return NTEX_PRECISION_FP16;
    ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--precision '", s, "': expected fp16 or fp32");
}

int cmd_profile(const std::string& model_path, int width, int height, int threads, int runs, const std::string& backend_name,
                const std::string& precision_name) {
    auto model = ntex::LoadedModel::load(model_path);
    ntex::GeneratorSettings settings;
    settings.threads = threads;
    // The same resolution as ntexCreateContext (no Vulkan device here: CUDA device 0).
    const NtexBackend requested = parse_backend(backend_name);
    const NtexPrecision precision = parse_precision(precision_name);
    std::string device = ntex::cat("CPU, ", threads, " threads");
    if (requested == NTEX_BACKEND_VULKAN) {
        const ntex::vulkan::DeviceChoice choice = ntex::vulkan::open_headless(false);
        if (!choice.context) ntex::fail(NTEX_ERROR_UNSUPPORTED, "backend VULKAN is not usable: ", choice.reason);
        settings.backend = NTEX_BACKEND_VULKAN;
        settings.vulkan_device = choice.context;
        device = choice.name;
        std::string why;
        if (precision == NTEX_PRECISION_FP16) {
            if (ntex::vulkan::supports_fp16(*choice.context, &why)) settings.precision = ntex::cuda::Precision::Fp16;
            else std::fprintf(stderr, "ntex: FP16 asked for, computing in FP32: %s\n", why.c_str());
        }
    } else if (requested != NTEX_BACKEND_CPU) {
        const ntex::cuda::DeviceChoice choice = ntex::cuda::select_device(nullptr);
        if (choice.ordinal >= 0) {
            settings.backend = NTEX_BACKEND_CUDA;
            settings.cuda_device = choice.ordinal;
            settings.precision = precision == NTEX_PRECISION_FP32 ? ntex::cuda::Precision::Fp32 : ntex::cuda::Precision::Fp16;
            device = ntex::cat(choice.name, " (CUDA device ", choice.ordinal, ")");
        } else if (requested == NTEX_BACKEND_CUDA) {
            ntex::fail(NTEX_ERROR_UNSUPPORTED, "backend CUDA is not usable: ", choice.reason);
        } else {
            std::fprintf(stderr, "ntex: CUDA backend not used (%s); profiling the CPU\n", choice.reason.c_str());
        }
    }
    ntex::TextureGenerator gen(model, width, height, settings);
    gen.set_params(1, nullptr, 1.0f);
    gen.generate();
    gen.backend().set_profiling(true);
    for (int i = 0; i < runs; ++i) gen.generate();
    const bool cuda = settings.backend == NTEX_BACKEND_CUDA;
    const bool gpu = cuda || settings.backend == NTEX_BACKEND_VULKAN;
    std::printf("backend: %s, device: %s, precision: %s\n", cuda ? "cuda" : settings.backend == NTEX_BACKEND_VULKAN ? "vulkan" : "cpu", device.c_str(),
                gpu ? ntex::cuda::precision_name(settings.precision) : "fp32");
    std::printf("%s %dx%d, %d threads, %d runs:\n%s", ntex::printable(model->description().name).c_str(), width, height, threads, runs,
                gen.backend().profile_report().c_str());
    return 0;
}

struct GenerateOptions {
    std::string model, size = "256", out, tiling = "tileable", origin = "0,0", preset, backend = "auto", precision = "default";
    uint32_t seed = 0, threads = 0, map = kAllMaps;
    float psi = 1.0f;
    bool profile = false;   // generate --profile: then print the per-layer profile at this size
    std::vector<std::string> directions;   // "i=a"
    std::vector<std::string> packs;        // "NAME=R,G,B,A" (cli_packing.h)
    bool backend_explicit = false;         // --backend given: report a CUDA fallback on stderr
    ntex::cli::ConditioningOptions conditioning;   // --category, --pattern, ... (bake: not with --preset)
};

// base.png + "height" -> base_height.png
std::string map_path(const std::string& out, const std::string& map) {
    std::filesystem::path p(out);
    return (p.parent_path() / (p.stem().string() + "_" + map + p.extension().string())).string();
}

// Every file a generate/bake command reads (the model's JSON and weights, the preset, the mask): no
// output may replace one of them (review robustness-2026-12 #3: --out m.json overwrote the model).
std::vector<std::filesystem::path> command_inputs(const std::string& model, const std::string& preset, const std::string& mask) {
    std::vector<std::filesystem::path> inputs{model};
    const nlohmann::json j = nlohmann::json::parse(ntex::read_file_text(model), nullptr, false);   // loaded fine already
    if (j.is_object() && j.contains("weights") && j["weights"].is_string()) {
        inputs.push_back(std::filesystem::path(model).parent_path() / j["weights"].get<std::string>());
    }
    if (!preset.empty()) inputs.emplace_back(preset);
    if (!mask.empty()) inputs.emplace_back(mask);
    return inputs;
}

void write_map_png(const ntex::Generator& generator, uint32_t map, const NtexModelInfo& info, const std::string& path) {
    const int w = static_cast<int>(generator.width()), h = static_cast<int>(generator.height());
    if (info.mapSemantics[map] == NTEX_MAP_SEMANTIC_HEIGHT) {
        // Height keeps 16 bits: 8-bit height steps show as terraces in a displacement.
        std::vector<uint8_t> bytes = generator.read_map(map, NTEX_HOST_FORMAT_R16_UNORM);
        std::vector<uint16_t> gray(bytes.size() / 2);
        std::memcpy(gray.data(), bytes.data(), bytes.size());
        ntex::write_png_gray16_atomic(path, w, h, gray);
    } else if (info.mapChannels[map] == 1) {
        ntex::write_png_gray8_atomic(path, w, h, generator.read_map(map, NTEX_HOST_FORMAT_R8_UNORM));
    } else {
        ntex::write_png_rgba8_atomic(path, w, h, generator.read_rgba8(map));
    }
}

// A decimal integer (the regex matched digits with an optional '-') in lo..hi, never wrapped: `--size
// 4294967312` wrote a 16x16 image before (review robustness-2026-12 #8).
int64_t decimal_in(const std::string& digits, int64_t lo, int64_t hi, const char* option, const std::string& value) {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v < lo || v > hi) {
        ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, option, " '", value, "': ", digits, " is outside ", lo, "..", hi);
    }
    return v;
}

// A finite float (the regex matched its shape); out-of-range values are an error, not inf or 0.
float finite_float(const std::string& text, const char* option, const std::string& value) {
    errno = 0;
    char* end = nullptr;
    const float v = std::strtof(text.c_str(), &end);
    if (errno == ERANGE || end != text.c_str() + text.size() || !std::isfinite(v)) {
        ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, option, " '", value, "': ", text, " is not a finite float");
    }
    return v;
}

int cmd_generate(const GenerateOptions& o) {
    std::smatch m;
    std::regex re("^([0-9]+)(?:x([0-9]+))?$");
    if (!std::regex_match(o.size, m, re)) {
        ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--size '", o.size, "': expected W or WxH");
    }
    const uint32_t w = static_cast<uint32_t>(decimal_in(m[1].str(), 1, 8192, "--size", o.size));
    const uint32_t h = m[2].matched ? static_cast<uint32_t>(decimal_in(m[2].str(), 1, 8192, "--size", o.size)) : w;
    NtexTilingMode tiling = NTEX_TILING_MODE_TILEABLE;
    if (o.tiling == "infinite") tiling = NTEX_TILING_MODE_INFINITE;
    else if (o.tiling != "tileable") ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--tiling '", o.tiling, "': expected tileable or infinite");
    ntex::Generator::Params params;
    params.seed = o.seed;
    params.truncation_psi = o.psi;
    if (!std::regex_match(o.origin, m, std::regex("^(-?[0-9]+),(-?[0-9]+)$"))) {
        ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--origin '", o.origin, "': expected X,Y");
    }
    params.origin_x = static_cast<int32_t>(decimal_in(m[1].str(), INT32_MIN, INT32_MAX, "--origin", o.origin));
    params.origin_y = static_cast<int32_t>(decimal_in(m[2].str(), INT32_MIN, INT32_MAX, "--origin", o.origin));

    ntex::Context::Options options;
    options.thread_count = o.threads;
    options.backend = parse_backend(o.backend);
    const NtexPrecision precision = parse_precision(o.precision);
    ntex::Context context(options);
    {
        NtexBackendInfo backend_info{};
        backend_info.sType = NTEX_STRUCTURE_TYPE_BACKEND_INFO;
        ntex::check(ntexGetContextBackendInfo(context.get(), &backend_info));
        if (backend_info.fallbackReason[0] != '\0' && options.backend == NTEX_BACKEND_AUTO && o.backend_explicit) {
            std::fprintf(stderr, "ntex: CUDA backend not used (%s)\n", backend_info.fallbackReason);
        }
    }
    ntex::Model model(context, o.model);
    const NtexModelInfo info = model.info();
    for (const std::string& d : o.directions) {
        if (!std::regex_match(d, m, std::regex("^([0-9]+)=(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)$"))) {
            ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--direction '", d, "': expected INDEX=OFFSET (e.g. 0=1.5)");
        }
        const auto i = static_cast<unsigned long>(decimal_in(m[1].str(), 0, NTEX_MAX_DIRECTIONS - 1, "--direction", d));
        if (i >= info.directionCount) {
            ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--direction '", d, "': the model has ", info.directionCount, " directions");
        }
        if (params.direction_offsets.size() <= i) params.direction_offsets.resize(i + 1, 0.0f);
        params.direction_offsets[i] = finite_float(m[2].str(), "--direction", d);
    }
    if (!o.preset.empty() && ntex::cli::conditioning_given(o.conditioning)) {
        // The preset carries its own category and layout; options next to it would be ignored.
        ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--preset cannot be combined with --category, --pattern, --mask or layout numbers");
    }
    std::vector<float> mask;   // --mask: conditioning.mask points into it
    const ntex::Conditioning conditioning = ntex::cli::resolve_conditioning(o.conditioning, model, mask);
    // --pack values are checked before the generation: a typo must not cost a large bake.
    std::vector<std::pair<ntex::cli::PackedOutput, std::string>> packed;
    for (const std::string& p : o.packs) {
        ntex::cli::PackedOutput po = ntex::cli::parse_pack(p, info);
        for (const auto& other : packed) {
            if (other.first.name == po.name) ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--pack: the name '", po.name, "' is given twice");
        }
        const std::string path = map_path(o.out, po.name);
        packed.emplace_back(std::move(po), path);
    }
    ntex::Generator generator(context, model, w, h, tiling, precision);
    generator.set_params(params, conditioning);
    if (!o.preset.empty()) {
        // The preset replaces seed, z, psi, directions, origin, category and layout (same path as
        // the runtime's hosts).
        ntex::check(ntexLoadPreset(generator.get(), o.preset.c_str()));
    }
    generator.generate();
    std::vector<std::pair<uint32_t, std::string>> outputs;
    if (o.map != kAllMaps) {
        if (o.map >= info.mapCount) ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--map ", o.map, ": the model has ", info.mapCount, " maps");
        outputs.emplace_back(o.map, o.out);
    } else if (info.mapCount == 1) {
        outputs.emplace_back(0, o.out);   // a single-map model writes exactly --out
    } else {
        for (uint32_t i = 0; i < info.mapCount; ++i) outputs.emplace_back(i, map_path(o.out, info.mapNames[i]));
    }
    const std::vector<std::filesystem::path> inputs = command_inputs(o.model, o.preset, o.conditioning.mask);
    for (const auto& output : outputs) ntex::refuse_overwriting_inputs(output.second, inputs);
    for (const auto& output : packed) ntex::refuse_overwriting_inputs(output.second, inputs);
    const std::filesystem::path out_dir = std::filesystem::path(o.out).parent_path();
    if (!out_dir.empty()) std::filesystem::create_directories(out_dir);
    for (const auto& [map, path] : outputs) {
        write_map_png(generator, map, info, path);
        if (!o.preset.empty()) {
            std::printf("wrote %s (%s, %ux%u, preset %s, %s)\n", path.c_str(), info.mapNames[map], w, h, o.preset.c_str(), o.tiling.c_str());
            continue;
        }
        std::printf("wrote %s (%s, %ux%u, seed %u, psi %g, %s at %d,%d%s)\n", path.c_str(), info.mapNames[map], w, h, o.seed,
                    static_cast<double>(o.psi), o.tiling.c_str(), params.origin_x, params.origin_y,
                    ntex::cli::describe_conditioning(o.conditioning).c_str());
    }
    for (const auto& [po, path] : packed) {
        // The same NtexChannelPacking a host chains into ntexReadMap: RGBA8, every component by its source.
        std::vector<uint8_t> rgba(std::size_t(w) * h * 4);
        NtexHostImage image{};
        image.sType = NTEX_STRUCTURE_TYPE_HOST_IMAGE;
        image.pNext = &po.packing;
        image.format = NTEX_HOST_FORMAT_R8G8B8A8;
        image.pData = rgba.data();
        image.rowPitch = std::size_t(w) * 4;
        image.size = rgba.size();
        ntex::check(ntexReadMap(generator.get(), NTEX_MAP_INDEX_PACKED, &image));
        ntex::write_png_rgba8_atomic(path, static_cast<int>(w), static_cast<int>(h), rgba);
        std::printf("wrote %s (packed %s, %ux%u)\n", path.c_str(), po.name.c_str(), w, h);
    }
    if (o.profile) {
        // The same model, size, threads and backend, timed step by step (median of 10 runs).
        const int threads = o.threads > 0 ? static_cast<int>(o.threads) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        return cmd_profile(o.model, static_cast<int>(w), static_cast<int>(h), threads, 10, o.backend, o.precision);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ntex: neural procedural textures (CPU reference backend)"};
    app.require_subcommand(1);

    std::string info_model;
    auto* info = app.add_subcommand("info", "load and validate a model, print a summary");
    info->add_option("model", info_model, "model .json")->required();

    std::string golden_model, golden_fixture;
    int golden_threads = 0;
    auto* golden = app.add_subcommand("check-golden", "run every case of a golden fixture; exit 0 iff all max abs errors <= 1e-3");
    golden->add_option("model", golden_model, "model .json")->required();
    golden->add_option("fixture", golden_fixture, "fixture .safetensors")->required();
    ntex::cli::add_integer_option(*golden, "--threads", golden_threads, "CPU threads (0 = all)", 0, kMaxThreads);

    GenerateOptions g;
    auto* gen = app.add_subcommand("generate",
                                   "generate a texture and write every map as PNG (base.png -> base_<map>.png; one-map models: --out itself)");
    gen->add_option("--model", g.model, "model .json")->required();
    ntex::cli::add_integer_option(*gen, "--seed", g.seed, "seed (drives z and the noise)", 0, UINT32_MAX);
    gen->add_option("--size", g.size, "W or WxH, multiples of the cell size");
    gen->add_option("--psi", g.psi, "truncation psi (1 = none)")->check(ntex::cli::number_in(-kMaxPsi, kMaxPsi));
    gen->add_option("--out", g.out, "output .png (base name when the model has several maps)")->required()->check(ntex::cli::nonempty_path());
    ntex::cli::add_integer_option(*gen, "--threads", g.threads, "CPU threads (0 = all)", 0, kMaxThreads);
    auto* gen_backend = gen->add_option("--backend", g.backend, "auto (default: CUDA when usable), cpu, cuda or vulkan");
    gen->add_option("--precision", g.precision, "fp16 or fp32 (CUDA: default fp16; Vulkan: default fp32, fp16 where the device has it; the CPU always computes fp32)");
    ntex::cli::add_integer_option(*gen, "--map", g.map, "write only this map index, to --out exactly", 0, kAllMaps - 1);
    gen->add_option("--tiling", g.tiling, "tileable (default) or infinite");
    gen->add_option("--origin", g.origin, "X,Y: the region's corner on the infinite plane (multiples of the cell size)");
    gen->add_flag("--profile", g.profile, "then print each layer's time and GFLOP/s at this size (as `ntex profile`)");
    gen->add_option("--pack", g.packs, "NAME=R,G,B,A: also write <out base>_NAME.png, RGBA8 with each component from a map (map, map.x, map.g, ...) or 0 / 1 (repeatable)");
    gen->add_option("--direction", g.directions, "INDEX=OFFSET: move along latent direction INDEX by OFFSET sigmas (repeatable)");
    ntex::cli::add_conditioning_options(*gen, g.conditioning);

    // bake: the artist's export: every map of a preset (or a seed) at any size, as PNG files with
    // 16-bit height; the texels are exactly what the runtime generates for those parameters.
    GenerateOptions b;
    auto* bake = app.add_subcommand("bake", "write every map of a preset or seed to PNG (16-bit height) at any size");
    bake->add_option("--model", b.model, "model .json")->required();
    auto* bake_preset = bake->add_option("--preset", b.preset, "preset .json (ntexSavePreset / the demo's Save preset)");
    ntex::cli::add_integer_option(*bake, "--seed", b.seed, "seed, when no preset is given", 0, UINT32_MAX)->excludes(bake_preset);
    bake->add_option("--psi", b.psi, "truncation psi, when no preset is given")->excludes(bake_preset)->check(ntex::cli::number_in(-kMaxPsi, kMaxPsi));
    bake->add_option("--size", b.size, "W or WxH, multiples of the cell size");
    bake->add_option("--out", b.out, "base .png: writes <base>_<map>.png per map")->required()->check(ntex::cli::nonempty_path());
    bake->add_option("--tiling", b.tiling, "tileable (default) or infinite");
    bake->add_option("--pack", b.packs, "NAME=R,G,B,A: also write <out base>_NAME.png, RGBA8 with each component from a map (map, map.x, map.g, ...) or 0 / 1, e.g. orm=1,roughness,0,height (repeatable)");
    ntex::cli::add_integer_option(*bake, "--threads", b.threads, "CPU threads (0 = all)", 0, kMaxThreads);
    auto* bake_backend = bake->add_option("--backend", b.backend, "auto (default: CUDA when usable), cpu, cuda or vulkan");
    bake->add_option("--precision", b.precision, "fp16 or fp32 (CUDA: default fp16; Vulkan: default fp32, fp16 where the device has it; the CPU always computes fp32)");
    ntex::cli::add_conditioning_options(*bake, b.conditioning);   // when no preset is given: a preset carries its own
    for (CLI::Option* option : b.conditioning.options) option->excludes(bake_preset);

    std::string prof_model;
    int prof_size = 256, prof_threads = 2, prof_runs = 20;
    auto* prof = app.add_subcommand("profile", "time each step of the plan (CPU, CUDA or Vulkan compute)");
    prof->add_option("--model", prof_model, "model .json")->required();
    ntex::cli::add_integer_option(*prof, "--size", prof_size, "square size", 1, 8192);
    ntex::cli::add_integer_option(*prof, "--threads", prof_threads, "CPU threads", 0, kMaxThreads);
    ntex::cli::add_integer_option(*prof, "--runs", prof_runs, "timed runs", 0, 1000000);
    // Default cpu (not auto): scripts/bench.sh profiles the CPU plan and must keep doing so on GPU machines.
    std::string prof_backend = "cpu", prof_precision = "default";
    prof->add_option("--backend", prof_backend, "cpu (default), cuda, vulkan, or auto (CUDA when usable)");
    prof->add_option("--precision", prof_precision, "fp16 or fp32 (CUDA: default fp16; Vulkan: default fp32, fp16 where the device has it)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {   // --help
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line naming the option and the value (CLI11's own output adds a second line).
        std::string message = e.what();
        for (char& c : message) {
            if (c == '\n') c = ' ';
        }
        std::fprintf(stderr, "ntex: error: %s\n", message.c_str());
        return 2;
    }
    try {
        if (*info) return cmd_info(info_model);
        if (*golden) {
            int threads = golden_threads > 0 ? golden_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
            return cmd_check_golden(golden_model, golden_fixture, threads);
        }
        if (*prof) return cmd_profile(prof_model, prof_size, prof_size, std::max(1, prof_threads), std::max(1, prof_runs), prof_backend, prof_precision);
        g.backend_explicit = gen_backend->count() > 0;
        b.backend_explicit = bake_backend->count() > 0;
        if (*gen) return cmd_generate(g);
        if (*bake) return cmd_generate(b);
    } catch (const ntex::Exception& e) {
        // The message alone, as for errors from the library's internals (`info` and `generate` used to
        // differ: only the latter prefixed the result name).
        std::fprintf(stderr, "ntex: error: %s\n", e.message().c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntex: error: %s\n", ntex::printable(e.what()).c_str());
        return 1;
    }
    return 1;
}
