// SPDX-License-Identifier: MIT
// `ntex`: command-line tool. info <model.json> | check-golden <model.json> <fixture> |
// generate --model M --seed S --size W[xH] --psi P --out file.png | profile --model M
#include "core/error.h"
#include "model/golden_fixture.h"
#include "model/model.h"
#include "runtime/texture_generator.h"
#include "tools/png_writer.h"

#include <ntex/ntex.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <regex>
#include <thread>

namespace {

constexpr double kGoldenTolerance = 1e-3;
constexpr uint32_t kAlbedoMap = 0xFFFFFFFFu;  // --map not given

int cmd_info(const std::string& path) {
    auto model = ntex::LoadedModel::load(path);
    const ntex::ModelDescription& d = model->description();
    std::printf("model:       %s%s%s\n", d.name.c_str(), d.version.empty() ? "" : " version ", d.version.c_str());
    if (!d.description.empty()) std::printf("description: %s\n", d.description.c_str());
    std::printf("weights:     %s (%zu tensors)\n", d.weights.c_str(), d.tensors.size());
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
    std::printf("outputs:\n");
    for (const ntex::OutputMap& m : d.outputs) {
        std::string ch;
        for (int c : m.channels) ch += (ch.empty() ? "" : ",") + std::to_string(c);
        std::printf("  %s: channels [%s], %s, range [%g, %g], %s\n", m.name.c_str(), ch.c_str(), m.semantics.c_str(), m.range_min,
                    m.range_max, m.color_space.c_str());
    }
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

int cmd_profile(const std::string& model_path, int size, int threads, int runs) {
    auto model = ntex::LoadedModel::load(model_path);
    ntex::GeneratorSettings settings;
    settings.threads = threads;
    ntex::TextureGenerator gen(model, size, size, settings);
    gen.set_params(1, nullptr, 1.0f);
    gen.generate();
    gen.backend().set_profiling(true);
    for (int i = 0; i < runs; ++i) gen.generate();
    std::printf("%s %dx%d, %d threads, mean over %d runs:\n%s", model->description().name.c_str(), size, size, threads, runs,
                gen.backend().profile_report().c_str());
    return 0;
}

int cmd_generate(const std::string& model_path, uint32_t seed, const std::string& size, float psi, const std::string& out,
                 uint32_t threads, uint32_t map) {
    std::smatch m;
    std::regex re("^([0-9]+)(?:x([0-9]+))?$");
    if (!std::regex_match(size, m, re)) {
        ntex::fail(NTEX_ERROR_INVALID_ARGUMENT, "--size '", size, "': expected W or WxH");
    }
    uint32_t w = static_cast<uint32_t>(std::stoul(m[1].str()));
    uint32_t h = m[2].matched ? static_cast<uint32_t>(std::stoul(m[2].str())) : w;
    ntex::Context::Options options;
    options.thread_count = threads;
    ntex::Context context(options);
    ntex::Model model(context, model_path);
    ntex::Generator generator(context, model, w, h);
    generator.set_params(seed, psi);
    generator.generate();
    if (map == kAlbedoMap) {
        // Default: the map named "albedo", else the first.
        NtexModelInfo info = model.info();
        map = 0;
        for (uint32_t i = 0; i < info.mapCount; ++i) {
            if (std::string(info.mapNames[i]) == "albedo") map = i;
        }
    }
    std::vector<uint8_t> rgba = generator.read_rgba8(map);
    ntex::write_png_rgba8_atomic(out, static_cast<int>(w), static_cast<int>(h), rgba);
    std::printf("wrote %s (%ux%u, seed %u, psi %g)\n", out.c_str(), w, h, seed, static_cast<double>(psi));
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
    golden->add_option("--threads", golden_threads, "CPU threads (0 = all)");

    std::string gen_model, gen_size = "256", gen_out;
    uint32_t gen_seed = 0, gen_threads = 0, gen_map = kAlbedoMap;
    float gen_psi = 1.0f;
    auto* gen = app.add_subcommand("generate", "generate a texture and write its albedo map (or --map) as PNG");
    gen->add_option("--model", gen_model, "model .json")->required();
    gen->add_option("--seed", gen_seed, "seed (drives z and the noise)");
    gen->add_option("--size", gen_size, "W or WxH, multiples of the cell size");
    gen->add_option("--psi", gen_psi, "truncation psi (1 = none)");
    gen->add_option("--out", gen_out, "output .png")->required();
    gen->add_option("--threads", gen_threads, "CPU threads (0 = all)");
    gen->add_option("--map", gen_map, "map index (default: the map named albedo)");

    std::string prof_model;
    int prof_size = 256, prof_threads = 2, prof_runs = 20;
    auto* prof = app.add_subcommand("profile", "time each step of the CPU plan");
    prof->add_option("--model", prof_model, "model .json")->required();
    prof->add_option("--size", prof_size, "square size");
    prof->add_option("--threads", prof_threads, "CPU threads");
    prof->add_option("--runs", prof_runs, "timed runs");

    CLI11_PARSE(app, argc, argv);
    try {
        if (*info) return cmd_info(info_model);
        if (*golden) {
            int threads = golden_threads > 0 ? golden_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
            return cmd_check_golden(golden_model, golden_fixture, threads);
        }
        if (*prof) return cmd_profile(prof_model, prof_size, std::max(1, prof_threads), std::max(1, prof_runs));
        if (*gen) return cmd_generate(gen_model, gen_seed, gen_size, gen_psi, gen_out, gen_threads, gen_map);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ntex: error: %s\n", e.what());
        return 1;
    }
    return 1;
}
