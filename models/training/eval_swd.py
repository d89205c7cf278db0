#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""eval_swd.py: SWD (x1e3, per pyramid level 256..16 and mean) of an exported model against the
held-out crops, next to the real-vs-real floor (random training crops vs held-out crops).

Prints one machine-readable line per set: `swd_<set>=<mean> levels=<l0>,<l1>,...`.
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ntex_train.reference import ReferenceModel  # noqa: E402
from ntex_train.swd import swd  # noqa: E402


def evaluate(ref, data_dir, count=0, psi=1.0, seed=0):
    """{'real_floor': (levels, mean), 'model': (levels, mean)} against the held-out crops."""
    with np.load(os.path.join(data_dir, "heldout.npz")) as d:
        held = d["albedo"]
    with np.load(os.path.join(data_dir, "train.npz")) as d:
        train = d["albedo"]
    n = count or len(held)
    rng = np.random.default_rng(seed)
    held = held[rng.choice(len(held), n, replace=n > len(held))]
    train = train[rng.choice(len(train), n, replace=False)]
    fake = np.stack([(ref.generate(10000 + i, 256, 256, psi=psi).permute(1, 2, 0).numpy() * 255.0 + 0.5)
                     .clip(0, 255).astype(np.uint8) for i in range(n)])
    return {"images": n, "real_floor": swd(train, held, seed=seed), "model": swd(fake, held, seed=seed)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default=os.path.join(os.path.dirname(HERE), "albedo_v1.json"))
    ap.add_argument("--data", default=os.path.join(os.path.expanduser(os.environ.get("NTEX_DATA_DIR", "~/.cache/ntex")),
                                                   "dataset"))
    ap.add_argument("--count", type=int, default=0, help="images per set (default: all held-out crops)")
    ap.add_argument("--psi", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    res = evaluate(ReferenceModel(args.model), args.data, args.count, args.psi, args.seed)
    for name in ("real_floor", "model"):
        levels, mean = res[name]
        print(f"swd_{name}={mean:.2f} levels=" + ",".join(f"{v:.2f}" for v in levels), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
