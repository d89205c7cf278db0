#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench_torch_gpu.py: the PyTorch baselines of the GPU benchmark (issue 6, docs/benchmarks.md).

Times the synthesis of an exported model (ReferenceModel: the same circular padding, bilinear
upsampling and noise injection as the C++ runtime) on a CUDA GPU in three modes:

  eager_fp32     float32 tensors, NCHW, cuDNN through PyTorch (TF32 off: the exact mode)
  eager_fp16     float16 tensors, channels_last (NHWC, what tensor cores want)
  compiled_fp16  torch.compile(mode="reduce-overhead"): Inductor kernels replayed as CUDA graphs

The modulated weights and noise maps are computed once (as ntex does while only the frame changes);
each timed call is one whole synthesis at batch 1. Times are CUDA-event medians over --repeats calls
after --warmup calls. Prints one line per size and mode:

  torch_gpu size=1024 mode=eager_fp16 ms_median=1.234 ms_min=1.200

Runs with the PyTorch 2.x of the GPU machine (`python3`), not Debian's CPU-only torch 1.13.
"""
import argparse
import os
import statistics
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ntex_train import hashnoise  # noqa: E402
from ntex_train.reference import ReferenceModel  # noqa: E402

MODES = ("eager_fp32", "eager_fp16", "compiled_fp16")


def time_calls(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times), min(times)


def prepare(ref, cpu_tensors, weights_cpu, grid_cpu, maps_cpu, dtype, channels_last):
    """Moves the reference model's tensors, the modulated weights and the noise to the GPU."""
    dev = torch.device("cuda")
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    ref.t = {k: v.to(dev, dtype) for k, v in cpu_tensors.items()}
    weights = {i: w.to(dev, dtype).contiguous(memory_format=fmt) for i, w in weights_cpu.items()}
    grid = grid_cpu.to(dev, dtype)
    maps = {i: m.to(dev, dtype) for i, m in maps_cpu.items()}
    return weights, grid, maps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(os.path.dirname(HERE), "material_v1.json"))
    ap.add_argument("--sizes", default="512,1024,2048,4096")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if not torch.cuda.is_available():
        print("bench_torch_gpu: no CUDA device visible to PyTorch", file=sys.stderr)
        return 2
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    ref = ReferenceModel(args.model)
    cpu_tensors = dict(ref.t)
    z = hashnoise.z_from_seed(args.seed, ref.z_dim)
    with torch.no_grad():
        weights_cpu = ref.modulated_weights(ref.mapping(z))
    print(f"# {os.path.basename(args.model)} on {torch.cuda.get_device_name()} torch {torch.__version__} "
          f"cudnn {torch.backends.cudnn.version()}", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        gh = gw = size // ref.cell_size
        grid_cpu, maps_cpu = ref.noise(args.seed, gh, gw)
        for mode in args.modes.split(","):
            fp16 = mode.endswith("fp16")
            dtype = torch.float16 if fp16 else torch.float32
            weights, grid, maps = prepare(ref, cpu_tensors, weights_cpu, grid_cpu, maps_cpu, dtype, channels_last=fp16)
            fn = ref.synthesis
            if mode.startswith("compiled"):
                torch._dynamo.reset()
                fn = torch.compile(ref.synthesis, mode="reduce-overhead", fullgraph=True)
            try:
                with torch.no_grad():
                    med, best = time_calls(lambda: fn(weights, grid, maps), args.warmup, args.repeats)
            except torch.cuda.OutOfMemoryError:
                print(f"torch_gpu size={size} mode={mode} out_of_memory", flush=True)
                torch.cuda.empty_cache()
                continue
            print(f"torch_gpu size={size} mode={mode} ms_median={med:.4f} ms_min={best:.4f}", flush=True)
            del weights, grid, maps
            torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
