#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs ntex_bench (ntexGenerate at 128^2 .. 1024^2 and a 2048^3 oneDNN sgemm as this
# machine's FP32 peak), runs the PyTorch reference at the same sizes and thread count, and prints
# per size: both medians, torch/ntex, ntex GFLOP/s and its fraction of the sgemm rate (whole generation),
# and the convolutions alone (`ntex profile`: the sum of the conv steps' median times, same threads) with
# their fraction of the sgemm rate; then the peak RSS of a process generating 1024^2 (`ntex generate`),
# and markdown rows for docs/benchmarks.md. ntex runs twice in the same run: with its own kernels
# (the default) and with oneDNN's (NTEX_CPU_KERNELS=onednn, the fallback on CPUs without AVX2),
# so the kernels' ratio is measured against oneDNN on the same machine state.
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
cmake --build "$build" -j2 --target ntex_bench ntex_cli ntex_update_bench

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
NTEX_BENCH_THREADS=$threads "$build/tests/benchmarks/ntex_bench" \
  --benchmark_out="$out/ntex.json" --benchmark_out_format=json
NTEX_CPU_KERNELS=onednn NTEX_BENCH_THREADS=$threads "$build/tests/benchmarks/ntex_bench" \
  --benchmark_filter='BM_Generate' --benchmark_out="$out/onednn.json" --benchmark_out_format=json
torch_log="$out/torch.txt"
: > "$torch_log"
for size in 128 256 512 1024; do
  echo "size=$size" >> "$torch_log"
  /usr/bin/python3 models/training/bench_torch.py --size "$size" --threads "$threads" | tee -a "$torch_log"
done
# Per-layer profile at each size: the "convolutions:" line gives the conv-only time and GFLOP/s.
for size in 128 256 512 1024; do
  runs=$(( size >= 1024 ? 10 : 20 ))
  "$build/plugin/ntex" profile --model models/albedo_v1.json --size "$size" --threads "$threads" --runs "$runs" \
    > "$out/profile_$size.txt"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out/ntex.json" "$torch_log" "$threads" "$load_before" "$load_after" "$build/plugin/ntex" "$out" <<'PY'
import json, os, re, resource, subprocess, sys, datetime
bench, torch_log, threads, load_before, load_after, cli, out = sys.argv[1:8]
data = json.load(open(bench))
def medians(benchmarks):
    result = {}
    for b in benchmarks:
        if b.get("aggregate_name") == "median":
            name = b["run_name"].split("/")[0] + "/" + b["run_name"].split("/")[1]
            scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b.get("time_unit", "ms")]
            result[name] = b["real_time"] * scale
    return result
med = medians(data["benchmarks"])
med_onednn = medians(json.load(open(os.path.join(out, "onednn.json")))["benchmarks"])
gflops = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") == "median" and "GFLOP/s" in b:
        gflops[b["run_name"].split("/")[0]] = b["GFLOP/s"] * 1e-9 if b["GFLOP/s"] > 1e6 else b["GFLOP/s"]
torch = {}
size = None
for line in open(torch_log):
    line = line.strip()
    if line.startswith("size="):
        size = int(line[5:])
    m = re.match(r"torch_ms_median=([0-9.eE+-]+)", line)
    if m and size:
        torch[size] = float(m.group(1))
torch_ms = torch.get(256)
ntex_ms = med.get("BM_Generate/256")
model = json.load(open("models/albedo_v1.json"))
flops_mp = float(model.get("flops_per_megapixel", 0))
peak = gflops.get("BM_Sgemm")
print(f"sgemm_peak_gflops={peak:.1f}" if peak else "sgemm_peak_gflops=n/a")
per_size = {}
conv = {}
for s in (128, 256, 512, 1024):
    try:
        text = open(os.path.join(out, f"profile_{s}.txt")).read()
    except OSError:
        continue
    m = re.search(r"^convolutions: \d+ steps, ([0-9.]+) ms .*?, ([0-9.]+) GFLOP, ([0-9.]+) GFLOP/s", text, re.M)
    if m:
        conv[s] = (float(m.group(1)), float(m.group(3)))
for s in (128, 256, 512, 1024):
    n = med.get(f"BM_Generate/{s}")
    t = torch.get(s)
    g = flops_mp * s * s / 1e6 / (n * 1e-3) / 1e9 if (n and flops_mp) else None
    per_size[s] = (n, t, g)
    print(f"size={s} ntex_ms={n:.2f} torch_ms={t:.2f} torch/ntex={t / n:.2f}x ntex_gflops={g:.1f} fraction_of_sgemm={g / peak:.2f}"
          if (n and t and g and peak) else f"size={s} (missing numbers)")
    if s in conv and peak:
        cms, cg = conv[s]
        print(f"size={s} conv_only_ms={cms:.2f} conv_gflops={cg:.1f} conv_fraction_of_sgemm={cg / peak:.2f}  (ntex profile, sum of conv step medians)")
    else:
        print(f"size={s} conv_only: missing numbers")
    o = med_onednn.get(f"BM_Generate/{s}")
    print(f"size={s} onednn_kernels_ms={o:.2f} ntex_kernels_ms={n:.2f} onednn/ntex={o / n:.2f}x" if (o and n) else f"size={s} onednn kernels: missing numbers")
# Peak memory of a process that loads the model and generates one 1024^2 texture.
subprocess.run([cli, "generate", "--model", "models/albedo_v1.json", "--seed", "1", "--size", "1024", "--threads", threads,
                "--out", os.path.join(out, "peak.png")], check=True, capture_output=True)
peak_rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
print(f"peak_rss_1024_mib={peak_rss_mib:.0f}  (whole process: model, plan buffers, PNG)")
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
print("per-size row for docs/benchmarks.md:")
cells = []
for s in (128, 256, 512, 1024):
    n, t, g = per_size[s]
    cells.append(f"{n:.1f} / {t:.1f} = {t / n:.2f}x, {g:.0f} GF/s ({g / peak:.0%})" if (n and t and g and peak) else "n/a")
print(f"| {date} | {cpu}, {os.cpu_count()} cores | {threads} | {policy} | {peak:.0f} | " + " | ".join(cells) +
      f" | {peak_rss_mib:.0f} MiB | {load_before} / {load_after} |" if peak else "(sgemm number missing)")
print("per-size row, ntex kernels vs oneDNN kernels, for docs/benchmarks.md:")
cells = []
for s in (128, 256, 512, 1024):
    n, o = med.get(f"BM_Generate/{s}"), med_onednn.get(f"BM_Generate/{s}")
    cells.append(f"{n:.1f} / {o:.1f} = {o / n:.2f}x" if (n and o) else "n/a")
print(f"| {date} | {cpu}, {os.cpu_count()} cores | {threads} | {policy} | " + " | ".join(cells) + f" | {load_before} / {load_after} |")
print("per-size row with convolutions only, for docs/benchmarks.md:")
cells = []
for s in (128, 256, 512, 1024):
    n, t, g = per_size[s]
    c = conv.get(s)
    cells.append(f"{n:.1f} / {t:.1f} = {t / n:.2f}x; whole {g:.0f} GF/s ({g / peak:.0%}); conv {c[1]:.0f} GF/s ({c[1] / peak:.0%})"
                 if (n and t and g and peak and c) else "n/a")
print(f"| {date} | {cpu}, {os.cpu_count()} cores | {threads} | {policy} | {peak:.0f} | " + " | ".join(cells) +
      f" | {peak_rss_mib:.0f} MiB | {load_before} / {load_after} |" if peak else "(sgemm number missing)")
PY

# Render-thread time of a texture-set update on the host-copy path (a Vulkan device without validation:
# lavapipe without a GPU): the result converted on the calling thread vs on the generator's worker.
echo "texture-set update, render-thread time (ntex_update_bench, material_v1, 4 maps + mips):"
NTEX_BENCH_THREADS=$threads "$build/tests/benchmarks/ntex_update_bench" 2>/dev/null |
  grep -E 'median' || echo "(ntex_update_bench failed: no Vulkan device?)"

# The Vulkan compute backend (issue 12) against the CPU in the same run: whole-frame medians from
# `ntex profile`. Without a GPU the Vulkan device is lavapipe (Vulkan on the CPU), so the ratio says how
# much slower the shaders run there, not what a GPU does.
echo "Vulkan compute vs CPU, whole frame (ntex profile, albedo_v1, $threads threads):"
for size in 64 256; do
  cpu_ms=$("$build/plugin/ntex" profile --model models/albedo_v1.json --size "$size" --threads "$threads" --runs 5 --backend cpu |
    sed -n 's/^total: \([0-9.]*\) ms.*/\1/p')
  vk_out=$("$build/plugin/ntex" profile --model models/albedo_v1.json --size "$size" --threads "$threads" --runs 3 --backend vulkan 2>&1) ||
    { echo "  ${size}²: Vulkan compute unavailable: $(echo "$vk_out" | tail -1)"; continue; }
  vk_ms=$(echo "$vk_out" | sed -n 's/^total: \([0-9.]*\) ms.*/\1/p')
  device=$(echo "$vk_out" | sed -n 's/^backend: vulkan, device: \(.*\), precision.*/\1/p')
  awk -v s="$size" -v c="$cpu_ms" -v v="$vk_ms" -v d="$device" \
    'BEGIN { printf "  %s²: CPU %.1f ms, Vulkan compute %.1f ms on %s (%.1fx the CPU time)\n", s, c, v, d, v / c }'
done
