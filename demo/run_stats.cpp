// SPDX-License-Identifier: MIT
// run_stats.cpp: see run_stats.h.
#include "run_stats.h"

#include <algorithm>
#include <cstdio>

namespace demo {
namespace {

const char* backend_label(NtexBackend backend) {
    switch (backend) {
        case NTEX_BACKEND_CUDA: return "cuda";
        case NTEX_BACKEND_VULKAN: return "vulkan";
        default: return "cpu";
    }
}

}  // namespace

void RunStats::print_summary(bool generations_in_updates, uint32_t width, uint32_t height) const {
    const double frame_ms = frames > 1 ? frame_ms_sum / (frames - 1) : 0.0;
    if (generations_in_updates) {
        std::printf("ntex_demo: %d frames, %.2f ms/frame average, %llu generations at %ux%u inside texture-set updates (%d requests)\n",
                    frames, frame_ms, static_cast<unsigned long long>(set_updates), width, height, requests);
    } else {
        std::printf("ntex_demo: %d frames, %.2f ms/frame average, %d generations at %ux%u (%d requests), "
                    "%.2f ms/generation average (request to result)\n",
                    frames, frame_ms, results, width, height, requests, results > 0 ? generation_ms_sum / results : 0.0);
    }
}

void RunStats::print_bench(NtexBackend backend, const char* zero_copy, uint32_t width, uint32_t height, uint32_t gen) const {
    if (bench_ms.empty()) return;
    // Frame time = host time between consecutive begin_frame calls (it includes the one host
    // wait, for the frame two submits back): the rate frames complete at, with frames in flight.
    std::vector<double> sorted = bench_ms;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    const double p90 = sorted[std::min(sorted.size() - 1, sorted.size() * 9 / 10)];
    std::printf("demo-bench: frames=%zu frame_ms_median=%.3f frame_ms_p90=%.3f backend=%s zero_copy=%s size=%ux%u gen=%u\n",
                sorted.size(), median, p90, backend_label(backend), zero_copy, width, height, gen);
}

}  // namespace demo
