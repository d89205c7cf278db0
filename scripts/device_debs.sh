#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run HERE (Debian 12, network): downloads the Debian packages a GPU machine lacks to build and run ntex
# (it has CUDA, a compiler, CMake, ninja and PyTorch, but no Debian -dev packages and no network) into
# .devdeps/ (git-ignored, about 20 MB), plus the Vulkan/EGL loaders into .gl/ (docs: the device tool's
# README). The `device` tool carries both; scripts/bench_gpu.sh unpacks them there.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.devdeps/' .git/info/exclude 2>/dev/null || echo /.devdeps/ >> .git/info/exclude
grep -qx '/.gl/' .git/info/exclude 2>/dev/null || echo /.gl/ >> .git/info/exclude
mkdir -p .devdeps .gl
apt-get update -qq
# Build and test dependencies of plugin/, engine/, demo/ and tests/ (scripts/install_deps.sh minus what
# the GPU image already has), with their runtime libraries.
(cd .devdeps && apt-get download -q \
  libdnnl-dev libdnnl2 nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev googletest \
  libbenchmark-dev libbenchmark1debian libvulkan-dev vulkan-validationlayers glslc libshaderc1 \
  libglfw3-dev libglfw3 libimgui-dev libglm-dev libstb-dev libstb0 \
  libx11-6 libx11-data libxcb1 libxau6 libxdmcp6 libbsd0 libmd0)
(cd .gl && apt-get download -q libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh .devdeps .gl
