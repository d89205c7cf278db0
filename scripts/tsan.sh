#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ThreadSanitizer run (issue 14): builds the library and its C API / threading tests with NTEX_TSAN
# (cmake/tsan.cmake: parallel_for on std::threads TSan sees, no OpenMP team) and runs, with 2 worker
# threads per context and halt_on_error: the C API tests (one generator per host thread, async
# generation, reload), AsyncGenerator's listener tests and the texture sets whose texel conversion
# runs on the generator's worker while the render thread records (lavapipe). Prints TSan's verdict;
# exits non-zero on any report. Build dir: NTEX_TSAN_BUILD_DIR (default build-tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NTEX_TSAN_BUILD_DIR:-build-tsan}
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNTEX_TSAN=ON -DNTEX_WITH_CUDA=OFF \
  -DNTEX_BUILD_ENGINE=OFF -DNTEX_BUILD_BENCHMARKS=OFF > "$build/ntex-configure.log"
cmake --build "$build" -j2 --target ntex_plugin_tests ntex_interop_tests
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 report_signal_unsafe=0 suppressions=$PWD/tests/tsan.supp"
status=0
run() {
  echo "== $1 ($2)"
  if "$build/tests/$1" --gtest_filter="$2" > "$build/tsan_$(basename "$1").log" 2>&1; then
    grep -E "^\[  PASSED  \]|tests? ran" "$build/tsan_$(basename "$1").log" | tail -2
  else
    status=1
    grep -E "WARNING: ThreadSanitizer|SUMMARY|FAILED" "$build/tsan_$(basename "$1").log" | head -20
  fi
}
run plugin/ntex_plugin_tests 'CApi*:Async*:AsyncGenerator*:HotReload*:Handles*:LatentAnimation*:Preset*'
run interop/ntex_interop_tests 'TextureSet*:Models/TextureSet*:HostTargets*:DebugNames*'
if [ $status = 0 ]; then echo "ThreadSanitizer: no reports"; else echo "ThreadSanitizer: reports or failures above (logs in $build)"; fi
exit $status
