#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 2: install what is missing, build everything, run every test
# (C++ unit tests, golden tests, Vulkan tests under lavapipe + validation, xvfb window test,
# Python training tests; all registered with ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
# GNU OpenMP spin-waits by default; on a busy 2-core machine that makes oneDNN ~8x slower
# (docs/benchmarks.md). Passive waiting costs nothing measurable on an idle machine.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
cmake --preset default
cmake --build --preset default
ctest --preset default "$@"
