#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 1: install what is missing, build, run the demo scene
# (a window when DISPLAY is set, otherwise headless: writes demo.png and prints its path).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake --preset default
cmake --build --preset default --target ntex_demo
if [ -n "${DISPLAY:-}" ]; then
  exec ./build/demo/ntex_demo "$@"
else
  exec ./build/demo/ntex_demo --headless --out demo.png "$@"
fi
