#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 2: install what is missing, build everything, run every test
# (C++ unit tests, golden tests, Vulkan tests under lavapipe + validation, xvfb window test,
# Python training tests; all registered with ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake --preset default
cmake --build --preset default
ctest --preset default "$@"
