#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench_torch.py: times the PyTorch reference forward of an exported model (CPU).

Prints `torch_ms_median=<ms>` as its last line (parsed by the plugin's benchmark script).
By default only the synthesis is timed (modulated weights and hash noise are computed once, as the
C++ runtime does when only the seed-independent parts stay fixed); --full times mapping,
modulation, noise and synthesis together.
"""
import argparse
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ntex_train import hashnoise  # noqa: E402
from ntex_train.reference import ReferenceModel  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(os.path.dirname(HERE), "albedo_v1.json"))
    ap.add_argument("--size", type=int, default=256, help="square output size (multiple of the cell size)")
    ap.add_argument("--width", type=int, default=0)
    ap.add_argument("--height", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--full", action="store_true", help="time mapping + modulation + noise too")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    ref = ReferenceModel(args.model)
    width, height = args.width or args.size, args.height or args.size
    gh, gw = height // ref.cell_size, width // ref.cell_size
    z = hashnoise.z_from_seed(args.seed, ref.z_dim)
    with torch.no_grad():
        weights = ref.modulated_weights(ref.mapping(z))
        grid, maps = ref.noise(args.seed, gh, gw)

        def run():
            if args.full:
                ref.generate(args.seed, width, height)
            else:
                ref.synthesis(weights, grid, maps)

        for _ in range(args.warmup):
            run()
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000.0)
    med = statistics.median(times)
    print(f"# {os.path.basename(args.model)} {width}x{height} threads={args.threads} repeats={args.repeats} "
          f"{'full' if args.full else 'synthesis'}: min {min(times):.2f} ms, median {med:.2f} ms")
    print(f"torch_ms_median={med:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
