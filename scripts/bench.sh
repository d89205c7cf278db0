#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs ntex_bench (ntexGenerate at 256^2, 512^2, 1024^2), runs the PyTorch reference
# at 256^2 with the same thread count, and prints both medians and their ratio, plus a markdown
# row for docs/benchmarks.md.
# Environment: NTEX_BENCH_THREADS (default 2), NTEX_BENCH_BUILD_DIR (default build-bench),
# OMP_WAIT_POLICY (passed through to both; unset by default).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${NTEX_BENCH_THREADS:-2}
build=${NTEX_BENCH_BUILD_DIR:-build-bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNTEX_BUILD_ENGINE=OFF \
  -DNTEX_BUILD_TESTS=ON -DNTEX_BUILD_BENCHMARKS=ON > "$out/configure.log"
cmake --build "$build" -j2 --target ntex_bench

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
NTEX_BENCH_THREADS=$threads "$build/tests/benchmarks/ntex_bench" \
  --benchmark_out="$out/ntex.json" --benchmark_out_format=json
torch_log="$out/torch.txt"
/usr/bin/python3 models/training/bench_torch.py --size 256 --threads "$threads" | tee "$torch_log"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out/ntex.json" "$torch_log" "$threads" "$load_before" "$load_after" <<'PY'
import json, os, re, subprocess, sys, datetime
bench, torch_log, threads, load_before, load_after = sys.argv[1:6]
data = json.load(open(bench))
med = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") == "median":
        name = b["run_name"].split("/")[0] + "/" + b["run_name"].split("/")[1]
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b.get("time_unit", "ms")]
        med[name] = b["real_time"] * scale
torch_ms = None
for line in open(torch_log):
    m = re.match(r"torch_ms_median=([0-9.eE+-]+)", line.strip())
    if m:
        torch_ms = float(m.group(1))
ntex_ms = med.get("BM_Generate/256")
for k in sorted(med):
    print(f"ntex_ms_median[{k}]={med[k]:.3f}")
print(f"ntex_ms_median={ntex_ms:.3f}" if ntex_ms else "ntex_ms_median=n/a")
print(f"torch_ms_median={torch_ms:.3f}" if torch_ms else "torch_ms_median=n/a")
ratio = torch_ms / ntex_ms if (torch_ms and ntex_ms) else None
print(f"speedup_vs_torch={ratio:.2f}x" if ratio else "speedup_vs_torch=n/a")
cpu = "?"
for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
    if line.startswith("Model name:"):
        cpu = line.split(":", 1)[1].strip()
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
policy = os.environ.get("OMP_WAIT_POLICY", "default")
def f(k):
    return f"{med[k]:.1f}" if k in med else "n/a"
print("markdown row for docs/benchmarks.md:")
print(f"| {date} | {cpu}, {os.cpu_count()} cores | {threads} | {policy} | {f('BM_Generate/256')} | {f('BM_Generate/512')} | "
      f"{f('BM_Generate/1024')} | {f('BM_GenerateNewSeed/256')} | {torch_ms:.1f} | {ratio:.2f}x | {load_before} / {load_after} |"
      if torch_ms and ratio else "(torch number missing)")
PY
