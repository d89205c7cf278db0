#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# material_v2 vs material_v1 on the CPU, in one run: ntex_bench's steady-state generation
# (BM_Generate, ntexGenerate through libntex.so) at 256^2 and 1024^2 for each model, alternating
# models per size so both see the same machine state, and the ratio v2 / v1 next to the FLOPs ratio
# of the two JSONs (the issue's budget: v2 <= 2x v1's FLOPs per megapixel). material_v2 runs
# with its layout injection active (the cost is the same for every pattern; "none" included).
# Environment: NTEX_BENCH_THREADS (default 2), NTEX_BENCH_BUILD_DIR (default build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${NTEX_BENCH_THREADS:-2}
build=${NTEX_BENCH_BUILD_DIR:-build-bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for m in models/material_v1.json models/material_v2.json; do
  [ -f "$m" ] || { echo "bench_material: $m is missing" >&2; exit 1; }
done

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNTEX_BUILD_ENGINE=OFF \
  -DNTEX_BUILD_TESTS=ON -DNTEX_BUILD_BENCHMARKS=ON > "$out/configure.log"
cmake --build "$build" -j2 --target ntex_bench

for size in 256 1024; do
  for model in material_v1 material_v2; do
    NTEX_BENCH_MODEL="models/$model.json" NTEX_BENCH_THREADS=$threads "$build/tests/benchmarks/ntex_bench" \
      --benchmark_filter="^BM_Generate/$size/" \
      --benchmark_out="$out/${model}_$size.json" --benchmark_out_format=json > /dev/null
  done
done

/usr/bin/python3 - "$out" "$threads" <<'PY'
import json, os, sys
out, threads = sys.argv[1], sys.argv[2]
def median_ms(path):
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") == "median":
            return b["real_time"] * {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b.get("time_unit", "ms")]
    raise SystemExit(f"bench_material: no median in {path}")
flops = {m: json.load(open(f"models/{m}.json"))["flops_per_megapixel"] for m in ("material_v1", "material_v2")}
print(f"threads={threads}  FLOPs/MP: v1 {flops['material_v1'] / 1e9:.1f} G, v2 {flops['material_v2'] / 1e9:.1f} G "
      f"(x{flops['material_v2'] / flops['material_v1']:.2f}; budget x2)")
print("| size | material_v1 (ms) | material_v2 (ms) | v2 / v1 |")
print("|---|---|---|---|")
for size in (256, 1024):
    a = median_ms(os.path.join(out, f"material_v1_{size}.json"))
    b = median_ms(os.path.join(out, f"material_v2_{size}.json"))
    print(f"| {size}^2 | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
PY
