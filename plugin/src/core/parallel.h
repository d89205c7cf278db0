// SPDX-License-Identifier: MIT
// OpenMP helpers. Debian's oneDNN uses the OpenMP runtime, so the context's threadCount is
// applied with omp_set_num_threads around our calls (OmpThreads restores the host's setting).
// Small loops run serially: on a shared 2-core machine every parallel region risks waiting a
// scheduler time slice for the second thread, which costs more than the loop itself.
#pragma once

#include <cstddef>

#include <omp.h>

namespace ntex {

constexpr std::size_t kParallelMinElements = std::size_t{1} << 16;

inline bool worth_parallel(std::size_t elements) noexcept { return elements >= kParallelMinElements; }

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
