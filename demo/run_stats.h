// SPDX-License-Identifier: MIT
// run_stats.h: what the demo counts and times over a run for its closing lines: frames and their host
// time, generation requests and results with their latency, and the --bench-frames distribution that
// scripts/bench_gpu.sh parses.
#pragma once

#include <ntex/ntex.h>

#include <cstdint>
#include <vector>

namespace demo {

struct RunStats {
    int frames = 0;                   // frames begun (the loop's counter)
    int requests = 0;                 // parameter changes sent to the generator
    int results = 0;                  // new results taken (host reads or texture-set fetches)
    double frame_ms_sum = 0.0;        // host frame times, from the second frame on
    double generation_ms_sum = 0.0;   // request to result, per result
    uint64_t set_updates = 0;         // texture-set updates that generated (CUDA, Vulkan compute)
    uint32_t bench_frames = 0;        // --bench-frames
    std::vector<double> bench_ms;     // begin_frame to begin_frame, after a warm-up of 10 frames

    explicit RunStats(uint32_t bench) : bench_frames(bench) {
        if (bench_frames > 0) bench_ms.reserve(bench_frames);
    }
    // The host time of the frame just begun since the previous one (called from the second frame on).
    void add_frame_time(double ms) {
        frame_ms_sum += ms;
        if (bench_frames > 0 && frames >= 10) bench_ms.push_back(ms);
    }
    // "ntex_demo: N frames, ... ms/frame average, ..." for a generator of width x height; generations
    // inside texture-set updates are counted by set_updates, else by results.
    void print_summary(bool generations_in_updates, uint32_t width, uint32_t height) const;
    // "demo-bench: frames=... backend=cpu|cuda|vulkan zero_copy=... size=WxH gen=N" (nothing without
    // --bench-frames): the generator's backend, the texture set's path label, the frame and generation sizes.
    void print_bench(NtexBackend backend, const char* zero_copy, uint32_t width, uint32_t height, uint32_t gen) const;
};

}  // namespace demo
