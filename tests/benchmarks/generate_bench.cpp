// SPDX-License-Identifier: MIT
// ntex_bench: ntexGenerate at 256^2, 512^2 and 1024^2 on 2 threads (the public API, libntex.so).
// Environment: NTEX_BENCH_MODEL (default: the shipped albedo_v1.json), NTEX_BENCH_THREADS (default 2).
//   Generate        steady state: same seed, z and psi (synthesis only; mapping/noise cached)
//   GenerateNewSeed a new seed every frame: z, mapping, weight modulation, noise maps and synthesis
//   ReadMapRGBA8    quantising the albedo into a host RGBA8 image
#include <ntex/ntex.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

namespace {

std::string model_path() {
    const char* env = std::getenv("NTEX_BENCH_MODEL");
    return env != nullptr ? env : NTEX_DEFAULT_MODEL;
}

uint32_t thread_count() {
    const char* env = std::getenv("NTEX_BENCH_THREADS");
    return env != nullptr ? static_cast<uint32_t>(std::atoi(env)) : 2u;
}

struct Fixture {
    ntex::Context context;
    ntex::Model model;
    ntex::Generator generator;

    explicit Fixture(uint32_t size) {
        ntex::Context::Options options;
        options.thread_count = thread_count();
        context = ntex::Context(options);
        model = ntex::Model(context, model_path());
        generator = ntex::Generator(context, model, size, size);
        generator.set_params(1, 1.0f);
        generator.generate();  // warm-up: mapping, modulation, noise, first-touch of the buffers
    }
};

void run_guarded(benchmark::State& state, void (*body)(benchmark::State&, Fixture&)) {
    try {
        Fixture f(static_cast<uint32_t>(state.range(0)));
        body(state, f);
        state.counters["threads"] = static_cast<double>(thread_count());
        state.counters["MPix/s"] = benchmark::Counter(static_cast<double>(state.range(0) * state.range(0)) * 1e-6,
                                                      benchmark::Counter::kIsIterationInvariantRate);
    } catch (const ntex::Exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_Generate(benchmark::State& state) {
    run_guarded(state, [](benchmark::State& s, Fixture& f) {
        for (auto _ : s) f.generator.generate();
    });
}

void BM_GenerateNewSeed(benchmark::State& state) {
    run_guarded(state, [](benchmark::State& s, Fixture& f) {
        uint32_t seed = 2;
        for (auto _ : s) {
            f.generator.set_params(seed++, 1.0f);
            f.generator.generate();
        }
    });
}

void BM_ReadMapRGBA8(benchmark::State& state) {
    run_guarded(state, [](benchmark::State& s, Fixture& f) {
        std::vector<uint8_t> pixels(static_cast<std::size_t>(s.range(0) * s.range(0) * 4));
        for (auto _ : s) {
            f.generator.read_map(0, NTEX_HOST_FORMAT_R8G8B8A8, pixels.data(), static_cast<std::size_t>(s.range(0)) * 4, pixels.size());
            benchmark::DoNotOptimize(pixels.data());
        }
    });
}

}  // namespace

BENCHMARK(BM_Generate)->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_GenerateNewSeed)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_ReadMapRGBA8)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
