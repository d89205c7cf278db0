#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 1: install what is missing, build, run the demo scene
# (a window when DISPLAY is set, otherwise headless: writes demo.png and prints its path).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
# GNU OpenMP spin-waits by default; on a busy 2-core machine that makes oneDNN ~8x slower
# (docs/benchmarks.md). Passive waiting costs nothing measurable on an idle machine.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
cmake --preset default
cmake --build --preset default --target ntex_demo
if [ -n "${DISPLAY:-}" ]; then
  exec ./build/demo/ntex_demo "$@"
else
  exec ./build/demo/ntex_demo --headless --out demo.png "$@"
fi
