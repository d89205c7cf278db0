// SPDX-License-Identifier: MIT
// OpenMP helpers. Debian's oneDNN uses the OpenMP runtime, so the context's threadCount is
// applied with omp_set_num_threads around our calls (OmpThreads restores the host's setting).
// Small loops run serially: on a shared 2-core machine every parallel region risks waiting a
// scheduler time slice for the second thread, which costs more than the loop itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include <omp.h>

#if defined(NTEX_THREAD_SANITIZER)
#include <algorithm>
#include <thread>
#include <vector>
#endif

namespace ntex {

constexpr std::size_t kParallelMinElements = std::size_t{1} << 16;

inline bool worth_parallel(std::size_t elements) noexcept { return elements >= kParallelMinElements; }

// True when a loop over `elements` should open a parallel region: big enough, and more than one
// thread allowed. Never open a region that would run with one thread: libgomp allocates (and
// frees) a fresh team for every one-thread region (it caches only multi-thread teams), which
// would break the allocation-free frame (tests/plugin/alloc_count_test.cpp).
inline bool use_parallel(std::size_t elements) noexcept { return worth_parallel(elements) && omp_get_max_threads() > 1; }

// body(i) for i in [0, n): an OpenMP static-schedule loop when `parallel`, else a plain loop. In the
// ThreadSanitizer build (cmake/tsan.cmake) the same static chunks run on std::threads, which TSan sees.
template <typename Body>
void parallel_for(int64_t n, bool parallel, Body&& body) {
#if defined(NTEX_THREAD_SANITIZER)
    if (parallel && n > 1) {
        const int64_t threads = std::min<int64_t>(n, std::max(1, omp_get_max_threads()));
        std::vector<std::thread> team;
        for (int64_t t = 1; t < threads; ++t) {
            team.emplace_back([&, t] {
                for (int64_t i = n * t / threads; i < n * (t + 1) / threads; ++i) body(i);
            });
        }
        for (int64_t i = 0; i < n / threads; ++i) body(i);
        for (std::thread& th : team) th.join();
        return;
    }
    for (int64_t i = 0; i < n; ++i) body(i);
#else
    if (parallel) {
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; ++i) body(i);
    } else {
        for (int64_t i = 0; i < n; ++i) body(i);
    }
#endif
}

class OmpThreads {
public:
    explicit OmpThreads(int threads) : m_previous(omp_get_max_threads()) { omp_set_num_threads(threads); }
    ~OmpThreads() { omp_set_num_threads(m_previous); }
    OmpThreads(const OmpThreads&) = delete;
    OmpThreads& operator=(const OmpThreads&) = delete;

private:
    int m_previous;
};

}  // namespace ntex
