// SPDX-License-Identifier: MIT
// ntex_bench: ntexGenerate at 128^2 .. 1024^2 on 2 threads (the public API, libntex.so), and this
// machine's FP32 peak as a large oneDNN sgemm on the same threads (the denominator of the
// achieved-fraction column in scripts/bench.sh).
// Environment: NTEX_BENCH_MODEL (default: the shipped albedo_v1.json), NTEX_BENCH_THREADS (default 2).
//   Generate        steady state: same seed, z and psi (synthesis only; mapping/noise cached)
//   GenerateNewSeed a new seed every frame: z, mapping, weight modulation, noise maps and synthesis
//   ReadMapRGBA8    quantising the albedo into a host RGBA8 image
//   Sgemm           dnnl_sgemm N x N x N (reports GFLOP/s); the measured peak
#include <ntex/ntex.hpp>

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>

#include <vector>

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

// C = A * B, all N x N row-major FP32: 2 N^3 FLOPs. oneDNN's sgemm uses the OpenMP thread count.
void BM_Sgemm(benchmark::State& state) {
    const auto n = static_cast<dnnl_dim_t>(state.range(0));
    const int previous = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(thread_count()));
    std::vector<float> a(static_cast<std::size_t>(n * n), 1.0f), b(a.size(), 0.5f), c(a.size(), 0.0f);
    dnnl_sgemm('N', 'N', n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);  // warm-up (JIT)
    for (auto _ : state) {
        if (dnnl_sgemm('N', 'N', n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n) != dnnl_success) {
            state.SkipWithError("dnnl_sgemm failed");
            break;
        }
        benchmark::DoNotOptimize(c.data());
    }
    omp_set_num_threads(previous);
    state.counters["threads"] = static_cast<double>(thread_count());
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_Sgemm)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_Generate)->Arg(128)->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_GenerateNewSeed)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_ReadMapRGBA8)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
