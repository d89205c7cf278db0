// SPDX-License-Identifier: MIT
// NTEX_GPU_UNAVAILABLE(message): a `gpu`-labelled test that cannot run skips with `message`, or FAILS
// with it when NTEX_REQUIRE_GPU=1 (set by scripts/gpu_first_run.sh): on a GPU machine a run that
// skips every GPU test must not come back green (issue 13).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace ntex_test {

inline bool require_gpu() noexcept {
    const char* v = std::getenv("NTEX_REQUIRE_GPU");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace ntex_test

#define NTEX_GPU_UNAVAILABLE(message)                                                 \
    do {                                                                              \
        std::ostringstream ntex_gpu_message_;                                         \
        ntex_gpu_message_ << message;                                                 \
        if (::ntex_test::require_gpu()) {                                             \
            GTEST_FAIL() << "NTEX_REQUIRE_GPU=1 but " << ntex_gpu_message_.str();     \
        }                                                                             \
        GTEST_SKIP() << ntex_gpu_message_.str();                                      \
    } while (0)
