#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run ON THE GPU MACHINE (the `device` tool: carry .devdeps and .gl from scripts/device_debs.sh):
#   bash scripts/bench_gpu.sh            -> everything below, results under $OUT (default ./gpu-results)
# 1. unpacks the carried packages (loaders into /, the rest into /opt/ntexdeps), builds Release for sm_90;
# 2. runs the GPU tests (ctest -L gpu: CUDA-vs-CPU parity, surface writes, the 1000-frame interop test
#    under the Khronos validation layer) and the CPU suite's plugin tests;
# 3. ntex_gpu_bench (CUDA generation 512^2..4096^2, FP16/FP32, roofline counters, measured peaks),
#    models/training/bench_torch_gpu.py (PyTorch eager FP32/FP16 and torch.compile with CUDA graphs,
#    same model, same GPU, same run), and the demo's full frame (1024^2 material + 1920x1080 scene,
#    headless on the GPU's Vulkan driver) with zero-copy texture sets and with the host round trip;
# 4. prints the markdown rows for docs/benchmarks.md (scripts/gpu_report.py).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/gpu-results}
mkdir -p "$OUT"
log() { echo "[bench_gpu] $*" | tee -a "$OUT/steps.log"; }

prefix=/opt/ntexdeps
if [ -d .gl ]; then for f in .gl/*.deb; do dpkg -x "$f" /; done; fi
mkdir -p "$prefix"
if [ -d .devdeps ]; then for f in .devdeps/*.deb; do dpkg -x "$f" "$prefix"; done; fi
ldconfig
export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VK_ADD_LAYER_PATH="$prefix/usr/share/vulkan/explicit_layer.d"
[ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -e /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"

build=build-gpu
log "configure + build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DCMAKE_PREFIX_PATH="$prefix/usr" -DCMAKE_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu" \
  -DCMAKE_INCLUDE_PATH="$prefix/usr/include" -DCMAKE_PROGRAM_PATH="$prefix/usr/bin" \
  -DNTEX_IMGUI_BACKENDS_DIR="$prefix/usr/share/doc/libimgui-dev/examples/backends" \
  > "$OUT/configure.log" 2>&1 || { log "configure failed"; tail -40 "$OUT/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" > "$OUT/build.log" 2>&1 || { log "build failed"; grep -m20 -B2 -A8 "error" "$OUT/build.log"; exit 1; }

log "gpu tests"
(cd "$build" && ctest -L gpu --output-on-failure --timeout 600) > "$OUT/ctest_gpu.log" 2>&1; echo "ctest_gpu_rc=$?" | tee -a "$OUT/steps.log"
tail -15 "$OUT/ctest_gpu.log"

log "ntex_gpu_bench"
"$build/tests/benchmarks/ntex_gpu_bench" --benchmark_out="$OUT/ntex_gpu.json" --benchmark_out_format=json \
  > "$OUT/ntex_gpu.txt" 2>&1; echo "ntex_gpu_bench_rc=$?" | tee -a "$OUT/steps.log"
log "pytorch"
PYTHONUNBUFFERED=1 python3 models/training/bench_torch_gpu.py > "$OUT/torch_gpu.txt" 2>&1; echo "torch_rc=$?" | tee -a "$OUT/steps.log"

log "demo full frame"
# (Older trees have no --bench-frames: say so instead of failing.)
if ! "$build/demo/ntex_demo" --help 2>/dev/null | grep -q -- "--bench-frames"; then
  log "demo full frame: skipped: ntex_demo has no --bench-frames / --zero-copy yet"
else
for zc in on off; do
  "$build/demo/ntex_demo" --headless --bench-frames 300 --width 1920 --height 1080 --size 1024 --backend cuda \
    --zero-copy "$zc" --out "$OUT/frame_zc_$zc.png" > "$OUT/demo_zc_$zc.txt" 2>&1
  echo "demo_zero_copy_${zc}_rc=$?" | tee -a "$OUT/steps.log"
done
fi

/usr/bin/env python3 scripts/gpu_report.py "$OUT" | tee "$OUT/report.md"
