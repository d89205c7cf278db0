#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gpu_report.py OUT_DIR: the markdown tables of docs/benchmarks.md ("GPU") from one bench_gpu.sh run:
generation time vs PyTorch with the issue's ratios, the roofline (achieved fraction of the measured
peaks), and the demo's full frame with zero-copy vs the host round trip. Reads ntex_gpu.json (Google
Benchmark), torch_gpu.txt, demo_zc_{on,off}.txt and gpu.txt from OUT_DIR. Missing inputs print n/a."""
import datetime
import json
import os
import re
import sys


def load_ntex(path):
    """{(kind, size, bits): benchmark dict} and {peak name: value}."""
    runs, peaks = {}, {}
    if not os.path.exists(path):
        return runs, peaks
    for b in json.load(open(path)).get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        name = b["name"]
        m = re.match(r"BM_Generate/(steady|new_style)/size:(\d+)/fp:(\d+)", name)
        if m:
            runs[(m.group(1), int(m.group(2)), int(m.group(3)))] = b
        elif name.startswith("BM_PeakGemm/fp16"):
            peaks["fp16_tflops"] = b.get("TFLOP/s", 0) / 1e12 if b.get("TFLOP/s", 0) > 1e6 else b.get("TFLOP/s")
        elif name.startswith("BM_PeakGemm/fp32"):
            peaks["fp32_tflops"] = b.get("TFLOP/s", 0) / 1e12 if b.get("TFLOP/s", 0) > 1e6 else b.get("TFLOP/s")
        elif name.startswith("BM_PeakCopy"):
            peaks["copy_gbs"] = b.get("GB/s", 0) / 1e9 if b.get("GB/s", 0) > 1e6 else b.get("GB/s")
    return runs, peaks


def ms(b):
    scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b.get("time_unit", "ms")]
    return b["real_time"] * scale


def rate(b, key, unit):
    v = b.get(key)
    if v is None:
        return None
    return v / unit if v > 1e6 else v


def load_torch(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            m = re.match(r"torch_gpu size=(\d+) mode=(\w+) ms_median=([0-9.]+)", line)
            if m:
                out[(int(m.group(1)), m.group(2))] = float(m.group(3))
    return out


def load_demo(path):
    if not os.path.exists(path):
        return None
    for line in open(path):
        if line.startswith("demo-bench:"):
            return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return None


def f(v, fmt="{:.3f}"):
    return fmt.format(v) if v is not None else "n/a"


def main(out):
    runs, peaks = load_ntex(os.path.join(out, "ntex_gpu.json"))
    torch = load_torch(os.path.join(out, "torch_gpu.txt"))
    gpu = open(os.path.join(out, "gpu.txt")).read().strip() if os.path.exists(os.path.join(out, "gpu.txt")) else "GPU ?"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"### {date}, {gpu}\n")
    print("| size | ntex FP16 ms | ntex FP32 ms | torch eager FP32 | torch eager FP16 | torch.compile FP16 (CUDA graphs) | "
          "eager FP16 / ntex FP16 | compiled / ntex FP16 | eager FP32 / ntex FP32 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    verdict = []
    for s in (512, 1024, 2048, 4096):
        n16 = ms(runs[("steady", s, 16)]) if ("steady", s, 16) in runs else None
        n32 = ms(runs[("steady", s, 32)]) if ("steady", s, 32) in runs else None
        e32, e16, c16 = torch.get((s, "eager_fp32")), torch.get((s, "eager_fp16")), torch.get((s, "compiled_fp16"))
        r1 = e16 / n16 if (e16 and n16) else None
        r2 = c16 / n16 if (c16 and n16) else None
        r3 = e32 / n32 if (e32 and n32) else None
        print(f"| {s}² | {f(n16)} | {f(n32)} | {f(e32)} | {f(e16)} | {f(c16)} | {f(r1, '{:.2f}x')} | {f(r2, '{:.2f}x')} | {f(r3, '{:.2f}x')} |")
        if s == 1024:
            verdict.append(f"target 1024²: >= 3x eager FP16: {f(r1, '{:.2f}x')} ({'met' if r1 and r1 >= 3 else 'NOT met'}); "
                           f">= 1.2x compiled: {f(r2, '{:.2f}x')} ({'met' if r2 and r2 >= 1.2 else 'NOT met'})")
    print()
    for v in verdict:
        print(v)
    print(f"\nMeasured peaks: FP16 GEMM {f(peaks.get('fp16_tflops'), '{:.0f}')} TFLOP/s, FP32 GEMM (no TF32) "
          f"{f(peaks.get('fp32_tflops'), '{:.1f}')} TFLOP/s, device copy {f(peaks.get('copy_gbs'), '{:.0f}')} GB/s (read + write).\n")
    print("| size | precision | GFLOP | min MB | ms | TFLOP/s | % of GEMM peak | GB/s | % of copy bandwidth | bound |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for bits in (16, 32):
        peak = peaks.get("fp16_tflops" if bits == 16 else "fp32_tflops")
        for s in (512, 1024, 2048, 4096):
            b = runs.get(("steady", s, bits))
            if not b:
                continue
            t, g = rate(b, "TFLOP/s", 1e12), rate(b, "GB/s", 1e9)
            fc = t / peak if (t and peak) else None
            fb = g / peaks["copy_gbs"] if (g and peaks.get("copy_gbs")) else None
            bound = "memory" if (fc is not None and fb is not None and fb > fc) else "compute"
            print(f"| {s}² | FP{bits} | {b.get('GFLOP', 0):.1f} | {b.get('min_MB', 0):.0f} | {ms(b):.3f} | {f(t, '{:.1f}')} | "
                  f"{f(fc and fc * 100, '{:.1f}%')} | {f(g, '{:.0f}')} | {f(fb and fb * 100, '{:.1f}%')} | {bound} |")
    print("\n| full frame (1024² material + 1920x1080 scene) | frame ms median | p90 | backend |")
    print("|---|---:|---:|---|")
    for zc, label in (("on", "zero-copy (CUDA writes the Vulkan images)"), ("off", "host round trip (CUDA -> host -> Vulkan upload)")):
        d = load_demo(os.path.join(out, f"demo_zc_{zc}.txt"))
        if d:
            print(f"| {label} | {d.get('frame_ms_median', 'n/a')} | {d.get('frame_ms_p90', 'n/a')} | {d.get('backend', '?')} |")
        else:
            print(f"| {label} | n/a | n/a | (no demo-bench line) |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "gpu-results"))
