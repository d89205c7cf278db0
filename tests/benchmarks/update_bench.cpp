// SPDX-License-Identifier: MIT
// ntex_update_bench: render-thread time of ntexCmdUpdateTextureSet on the host-copy path (CPU backend,
// a Vulkan device without validation: lavapipe here), material_v1's four maps at 256^2 and 1024^2 with
// the full mip chain. Only the ntexCmdUpdateTextureSet call is timed (manual time); generating,
// submitting and waiting are not.
//   UpdateCallerConverts  the update converts the result on the calling thread (what every update did
//                         before the conversion moved to the generator's worker; today only for a result
//                         made before the set existed, which each iteration reproduces with a new set)
//   UpdateWorkerConverted the generator's worker converted the result (ntexGenerateAsync + ntexWaitIdle,
//                         untimed): the update only records the copies
//   GenerateWithSet       ntexGenerate with a set attached (steady state: the set's buffers reused): the
//                         network plus the conversion its listener runs on the calling thread
// The second argument is the mip filter (NtexTextureSetMipInfo): 0 BLIT (the update records blits), 1 MATERIAL
// (the conversion also filters every level on the host: UpdateCallerConverts/N/1 over /N/0 is its cost).
//   ComputeSetFrame       the Vulkan compute path: one whole frame (network, texels, mips on the device);
//                         its second argument 2 is the material filter with channel-packed images
// Environment: NTEX_BENCH_MODEL (default: material_v1.json), NTEX_BENCH_THREADS (default 2).
#include "../interop/vulkan_host.h"

#include <ntex/ntex_vulkan.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

std::string model_path() {
    const char* env = std::getenv("NTEX_BENCH_MODEL");
    return env != nullptr ? env : NTEX_DEFAULT_MODEL;
}

void check(NtexResult r, const char* what) {
    if (r != NTEX_SUCCESS) throw std::runtime_error(std::string(what) + ": " + ntexGetLastErrorMessage());
}

struct Fixture {
    ntex_test::VulkanHost host{false, false};
    NtexContext context = nullptr;
    NtexModel model = nullptr;
    NtexGenerator generator = nullptr;

    explicit Fixture(uint32_t size, NtexBackend backend = NTEX_BACKEND_CPU) {
        check(host.create_context(backend, &context), "ntexCreateContext");
        const std::string path = model_path();
        NtexModelLoadInfo li{NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO};
        li.pPath = path.c_str();
        check(ntexLoadModel(context, &li, &model), "ntexLoadModel");
        NtexGeneratorCreateInfo gi{NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO};
        gi.model = model;
        gi.width = size;
        gi.height = size;
        check(ntexCreateGenerator(context, &gi, &generator), "ntexCreateGenerator");
    }
    ~Fixture() {
        ntexDestroyGenerator(generator);
        ntexDestroyModel(model);
        ntexDestroyContext(context);
    }

    // filter 0: BLIT, 1: MATERIAL, 2: MATERIAL with three channel-packed images instead of the four maps
    // (albedo + 1, normal.xy + roughness + height, ORM + height: material_v1's map order).
    NtexTextureSet create_set(int64_t filter) const {
        NtexTextureSetMipInfo mips{NTEX_STRUCTURE_TYPE_TEXTURE_SET_MIP_INFO};
        mips.filter = filter >= 1 ? NTEX_MIP_FILTER_MATERIAL : NTEX_MIP_FILTER_BLIT;
        const NtexChannelSource one{NTEX_CHANNEL_SOURCE_ONE, 0}, zero{NTEX_CHANNEL_SOURCE_ZERO, 0};
        const NtexChannelPacking packed[3] = {
            {NTEX_STRUCTURE_TYPE_CHANNEL_PACKING, nullptr, {{0, 0}, {0, 1}, {0, 2}, one}},
            {NTEX_STRUCTURE_TYPE_CHANNEL_PACKING, nullptr, {{1, 0}, {1, 1}, {2, 0}, {3, 0}}},
            {NTEX_STRUCTURE_TYPE_CHANNEL_PACKING, nullptr, {one, {2, 0}, zero, {3, 0}}}};
        NtexTextureSetPackingInfo packing{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PACKING_INFO};
        packing.imageCount = 3;
        packing.pImages = packed;
        mips.pNext = filter == 2 ? &packing : nullptr;
        NtexTextureSetCreateInfo si{NTEX_STRUCTURE_TYPE_TEXTURE_SET_CREATE_INFO};
        si.pNext = &mips;
        si.generator = generator;
        si.ringSize = 2;
        NtexTextureSet set = nullptr;
        check(ntexCreateTextureSet(context, &si, &set), "ntexCreateTextureSet");
        return set;
    }

    void generate(uint32_t seed, bool async) const {
        NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
        p.seed = seed;
        p.truncationPsi = 0.8f;
        check(ntexSetGeneratorParams(generator, &p), "ntexSetGeneratorParams");
        if (async) {
            check(ntexGenerateAsync(generator), "ntexGenerateAsync");
            check(ntexWaitIdle(generator), "ntexWaitIdle");
        } else {
            check(ntexGenerate(generator), "ntexGenerate");
        }
    }

    // Records one update into a host command buffer, timing only ntexCmdUpdateTextureSet; submits with
    // the signal ntex asks for and waits. Returns the seconds of the call.
    double timed_update(NtexTextureSet set) {
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        check(ntexGetTextureSetImages(set, &images), "ntexGetTextureSetImages");
        double seconds = 0;
        NtexResult result = NTEX_SUCCESS;
        host.submit(
            [&](VkCommandBuffer cmd) {
                uint64_t value = 0;
                const auto t0 = std::chrono::steady_clock::now();
                result = ntexCmdUpdateTextureSet(set, cmd, &value);
                seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                return value;
            },
            images.semaphore);
        check(result, "ntexCmdUpdateTextureSet");
        return seconds;
    }

    // One frame on the Vulkan compute path: the update recorded (network, texels, mips), submitted and
    // waited for. Returns the seconds of the whole frame (recording, execution on the device, the wait).
    double timed_frame(NtexTextureSet set) {
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        check(ntexGetTextureSetImages(set, &images), "ntexGetTextureSetImages");
        NtexResult result = NTEX_SUCCESS;
        const auto t0 = std::chrono::steady_clock::now();
        host.submit(
            [&](VkCommandBuffer cmd) {
                uint64_t value = 0;
                result = ntexCmdUpdateTextureSet(set, cmd, &value);
                return value;
            },
            images.semaphore);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        check(result, "ntexCmdUpdateTextureSet");
        return seconds;
    }

    uint64_t caller_conversions(NtexTextureSet set) const {
        NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        images.pNext = &path;
        check(ntexGetTextureSetImages(set, &images), "ntexGetTextureSetImages");
        return path.callerConversions;
    }
};

void BM_UpdateCallerConverts(benchmark::State& state) {
    try {
        Fixture f(static_cast<uint32_t>(state.range(0)));
        uint32_t seed = 1;
        for (auto _ : state) {
            f.generate(seed++, false);
            const NtexTextureSet set = f.create_set(state.range(1));   // made after the result: the update converts it
            state.SetIterationTime(f.timed_update(set));
            const uint64_t conversions = f.caller_conversions(set);
            ntexDestroyTextureSet(set);
            if (conversions != 1) throw std::runtime_error("the update did not convert on the calling thread");
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_UpdateWorkerConverted(benchmark::State& state) {
    try {
        Fixture f(static_cast<uint32_t>(state.range(0)));
        const NtexTextureSet set = f.create_set(state.range(1));
        uint32_t seed = 1;
        for (auto _ : state) {
            f.generate(seed++, true);
            state.SetIterationTime(f.timed_update(set));
        }
        const uint64_t conversions = f.caller_conversions(set);
        ntexDestroyTextureSet(set);
        if (conversions != 0) throw std::runtime_error("an update converted on the calling thread");
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_GenerateWithSet(benchmark::State& state) {
    try {
        Fixture f(static_cast<uint32_t>(state.range(0)));
        const NtexTextureSet set = f.create_set(state.range(1));
        uint32_t seed = 1;
        f.generate(seed++, false);
        f.timed_update(set);   // the slot's buffers exist from here on
        for (auto _ : state) {
            const auto t0 = std::chrono::steady_clock::now();
            f.generate(seed++, false);
            state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            f.timed_update(set);   // frees the slot for the next conversion
        }
        ntexDestroyTextureSet(set);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

}  // namespace

BENCHMARK(BM_GenerateWithSet)->ArgsProduct({{256, 1024}, {0, 1}})->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(8)
    ->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_UpdateCallerConverts)->ArgsProduct({{256, 1024}, {0, 1}})->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(12)
    ->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_UpdateWorkerConverted)->ArgsProduct({{256, 1024}, {0, 1}})->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(12)
    ->Repetitions(3)->ReportAggregatesOnly(true);

// The Vulkan compute path (VULKAN backend on the host's device): a whole frame's update, the network
// included, with the blit chain (/0) or the material filter on the device (/1): /N/1 over /N/0 is the
// filter's cost on this device (lavapipe here: a CPU, so only the ratio means anything). /N/2: the material
// filter with three channel-packed images instead of the four maps (/N/2 over /N/1: packing's cost).
void BM_ComputeSetFrame(benchmark::State& state) {
    try {
        Fixture f(static_cast<uint32_t>(state.range(0)), NTEX_BACKEND_VULKAN);
        NtexTextureSet set = f.create_set(state.range(1));
        NtexTextureSetPathInfo path{NTEX_STRUCTURE_TYPE_TEXTURE_SET_PATH_INFO};
        NtexTextureSetImages images{NTEX_STRUCTURE_TYPE_TEXTURE_SET_IMAGES};
        images.pNext = &path;
        check(ntexGetTextureSetImages(set, &images), "ntexGetTextureSetImages");
        if (path.path != NTEX_TEXTURE_SET_PATH_VULKAN_COMPUTE) throw std::runtime_error("the set is not on the Vulkan compute path");
        uint32_t seed = 1;
        f.generate(seed, false);   // warm: pipelines created, buffers touched
        f.timed_frame(set);
        for (auto _ : state) {
            NtexGeneratorParams p{NTEX_STRUCTURE_TYPE_GENERATOR_PARAMS};
            p.seed = ++seed;
            p.truncationPsi = 0.8f;
            check(ntexSetGeneratorParams(f.generator, &p), "ntexSetGeneratorParams");
            state.SetIterationTime(f.timed_frame(set));
        }
        ntexDestroyTextureSet(set);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}
BENCHMARK(BM_ComputeSetFrame)->ArgsProduct({{256}, {0, 1, 2}})->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(4);

BENCHMARK_MAIN();
