#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""train.py: trains the ntex albedo generator (GAN, non-saturating loss, lazy R1, EMA) on 64x64 crops.

Can be killed at any time: it checkpoints every --ckpt-every steps to $NTEX_DATA_DIR/runs/<name>/
and copies the latest checkpoint to models/training/checkpoints/<name>_latest.pt; --resume continues
from the newest of those.
"""
import argparse
import copy
import csv
import glob
import math
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ntex_train.discriminator import Discriminator  # noqa: E402
from ntex_train.model import Generator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def data_dir():
    return os.path.expanduser(os.environ.get("NTEX_DATA_DIR", "~/.cache/ntex"))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--name", default="albedo_v1")
    ap.add_argument("--data", default=None, help="train.npz (default $NTEX_DATA_DIR/dataset/train.npz)")
    ap.add_argument("--run-dir", default=None, help="default $NTEX_DATA_DIR/runs/<name>")
    ap.add_argument("--latest-copy", default=None,
                    help="where to copy the latest checkpoint (default models/training/checkpoints/<name>_latest.pt; "
                         "'none' to disable)")
    ap.add_argument("--steps", type=int, default=10 ** 9, help="stop after this many total steps")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--crop", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.002)
    ap.add_argument("--r1-gamma", type=float, default=1.0)
    ap.add_argument("--r1-every", type=int, default=16)
    ap.add_argument("--ema-kimg", type=float, default=2.0, help="EMA half-life in thousands of images")
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--sample-every", type=int, default=500)
    ap.add_argument("--keep", type=int, default=3, help="checkpoints kept in the run dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    return ap.parse_args(argv)


class CropSampler:
    """Random crop x crop windows of the 256 training crops with random flips and 90-degree rotations,
    as float tensors in [-1, 1]."""

    def __init__(self, path, crop, rng):
        with np.load(path) as d:
            self.albedo = torch.from_numpy(d["albedo"])  # [N, 256, 256, 3] uint8
        self.crop, self.rng = crop, rng

    def __len__(self):
        return self.albedo.shape[0]

    def sample(self, batch):
        n, s = self.albedo.shape[0], self.albedo.shape[1]
        out = []
        for _ in range(batch):
            i = int(self.rng.integers(n))
            y, x = (int(v) for v in self.rng.integers(0, s - self.crop + 1, size=2))
            c = self.albedo[i, y:y + self.crop, x:x + self.crop].permute(2, 0, 1)
            k = int(self.rng.integers(4))
            if k:
                c = torch.rot90(c, k, dims=(1, 2))
            if self.rng.integers(2):
                c = torch.flip(c, dims=(2,))
            out.append(c)
        return torch.stack(out).float() / 127.5 - 1.0


def checkpoint_paths(run_dir):
    return sorted(glob.glob(os.path.join(run_dir, "ckpt_*.pt")))


def save_checkpoint(state, run_dir, step, latest_copy, keep):
    path = os.path.join(run_dir, f"ckpt_{step:07d}.pt")
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill never leaves a truncated checkpoint
    for old in checkpoint_paths(run_dir)[:-keep]:
        os.remove(old)
    if latest_copy:
        os.makedirs(os.path.dirname(latest_copy), exist_ok=True)
        shutil.copyfile(path, latest_copy + ".tmp")
        os.replace(latest_copy + ".tmp", latest_copy)
    return path


def newest_checkpoint(run_dir, latest_copy):
    cands = checkpoint_paths(run_dir)
    if latest_copy and os.path.exists(latest_copy):
        cands.append(latest_copy)
    best, best_step = None, -1
    for c in cands:
        step = torch.load(c, map_location="cpu")["step"]
        if step > best_step:
            best, best_step = c, step
    return best


def save_samples(G_ema, path, seeds, grid=8):
    from PIL import Image
    # Hash noise and seed-derived z, so the training RNG streams stay untouched.
    from ntex_train.hashnoise import z_from_seed
    with torch.no_grad():
        imgs = []
        for s in seeds:
            z = torch.from_numpy(z_from_seed(s, G_ema.z_dim))[None]
            g, n = G_ema.hash_noise(s, grid, grid)
            imgs.append(G_ema(z, g, n))
        x = torch.cat(imgs)  # [S, 3, H, W]
    cols = int(math.ceil(math.sqrt(len(seeds))))
    rows = int(math.ceil(len(seeds) / cols))
    h, w = x.shape[2:]
    sheet = np.zeros((rows * h, cols * w, 3), np.uint8)
    for i, im in enumerate(x):
        r, c = divmod(i, cols)
        sheet[r * h:(r + 1) * h, c * w:(c + 1) * w] = (im.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
    Image.fromarray(sheet).save(path)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    run_dir = args.run_dir or os.path.join(data_dir(), "runs", args.name)
    os.makedirs(run_dir, exist_ok=True)
    latest_copy = args.latest_copy or os.path.join(HERE, "checkpoints", f"{args.name}_latest.pt")
    if latest_copy == "none":
        latest_copy = None
    data = args.data or os.path.join(data_dir(), "dataset", "train.npz")

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    G, D = Generator(), Discriminator()
    G_ema = copy.deepcopy(G).eval().requires_grad_(False)
    # Lazy R1: scale lr and betas of D by the interval ratio (StyleGAN2 convention).
    c = args.r1_every / (args.r1_every + 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.0, 0.99), eps=1e-8)
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr * c, betas=(0.0, 0.99 ** c), eps=1e-8)
    step, elapsed = 0, 0.0

    if args.resume:
        ck = newest_checkpoint(run_dir, latest_copy)
        if ck:
            st = torch.load(ck, map_location="cpu")
            G.load_state_dict(st["G"])
            G_ema.load_state_dict(st["G_ema"])
            D.load_state_dict(st["D"])
            opt_g.load_state_dict(st["opt_g"])
            opt_d.load_state_dict(st["opt_d"])
            step, elapsed = st["step"], st.get("elapsed_s", 0.0)
            torch.set_rng_state(st["rng"]["torch"])
            np.random.set_state(st["rng"]["numpy"])
            random.setstate(st["rng"]["python"])
            rng.bit_generator.state = st["rng"]["sampler"]
            print(f"[train] resumed from {ck} at step {step}", flush=True)
        else:
            print("[train] --resume: no checkpoint found, starting fresh", flush=True)

    sampler = CropSampler(data, args.crop, rng)
    print(f"[train] {len(sampler)} training crops from {data}; run dir {run_dir}", flush=True)
    grid = args.crop // G.cell_size
    ema_beta = 0.5 ** (args.batch / max(args.ema_kimg * 1000.0, 1e-8))

    log_path = os.path.join(run_dir, "log.csv")
    new_log = not os.path.exists(log_path)
    log_f = open(log_path, "a", newline="")
    log = csv.writer(log_f)
    if new_log:
        log.writerow(["step", "images", "loss_d", "loss_g", "r1", "d_real", "d_fake", "s_per_step", "elapsed_s"])

    def state():
        return {"step": step, "elapsed_s": elapsed, "args": vars(args),
                "G": G.state_dict(), "G_ema": G_ema.state_dict(), "D": D.state_dict(),
                "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
                "rng": {"torch": torch.get_rng_state(), "numpy": np.random.get_state(),
                        "python": random.getstate(), "sampler": rng.bit_generator.state}}

    sample_seeds = list(range(16))
    bar = tqdm(total=args.steps if args.steps < 10 ** 9 else None, initial=step, disable=args.no_progress,
               unit="step", dynamic_ncols=True, mininterval=0.5 if sys.stderr.isatty() else 30.0)
    r1_val = 0.0
    while step < args.steps:
        t0 = time.time()
        b = args.batch
        # --- D step ---
        G.requires_grad_(False)
        D.requires_grad_(True)
        real = sampler.sample(b)
        with torch.no_grad():
            g_in, n_in = G.random_noise(b, grid, grid)
            fake = G(torch.randn(b, G.z_dim), g_in, n_in, raw=True)
        d_real, d_fake = D(real), D(fake)
        loss_d = F.softplus(d_fake).mean() + F.softplus(-d_real).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        if step % args.r1_every == 0:
            real_r = real[: max(b // 2, 1)].detach().requires_grad_(True)
            out = D(real_r)
            grad, = torch.autograd.grad(out.sum(), real_r, create_graph=True)
            r1 = grad.square().sum(dim=(1, 2, 3)).mean()
            opt_d.zero_grad(set_to_none=True)
            (r1 * (args.r1_gamma / 2) * args.r1_every).backward()
            opt_d.step()
            r1_val = float(r1)
        # --- G step ---
        G.requires_grad_(True)
        D.requires_grad_(False)
        g_in, n_in = G.random_noise(b, grid, grid)
        fake = G(torch.randn(b, G.z_dim), g_in, n_in, raw=True, update_w_avg=True)
        loss_g = F.softplus(-D(fake)).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        # --- EMA ---
        with torch.no_grad():
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.lerp_(p, 1.0 - ema_beta)
            for be, bb in zip(G_ema.buffers(), G.buffers()):
                be.copy_(bb)
        step += 1
        dt = time.time() - t0
        elapsed += dt
        log.writerow([step, step * b, f"{loss_d.item():.4f}", f"{loss_g.item():.4f}", f"{r1_val:.4f}",
                      f"{d_real.mean().item():.3f}", f"{d_fake.mean().item():.3f}", f"{dt:.3f}", f"{elapsed:.1f}"])
        bar.update(1)
        bar.set_postfix(d=f"{loss_d.item():.3f}", g=f"{loss_g.item():.3f}", r1=f"{r1_val:.3f}", s=f"{dt:.2f}",
                        refresh=False)
        if step % 20 == 0:
            log_f.flush()
        if args.no_progress and step % 50 == 0:
            print(f"[train] step {step} loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f} {dt:.2f}s/step",
                  flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            p = save_checkpoint(state(), run_dir, step, latest_copy, args.keep)
            log_f.flush()
            tqdm.write(f"[train] step {step}: checkpoint {p}")
        if step % args.sample_every == 0:
            save_samples(G_ema, os.path.join(run_dir, f"samples_{step:07d}.png"), sample_seeds)
    bar.close()
    log_f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
