#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""train.py: trains the ntex generator (GAN, non-saturating loss, lazy R1, EMA) on 64x64 crops.

--maps albedo trains albedo only (albedo_v1); --maps material trains albedo + height + roughness
(material_v1; normals are derived from height, see ntex_train/material.py). A source texture that
lacks a height or gloss map has that map masked: the discriminator sees the map zeroed plus a mask
plane, and every fake is shown with the mask of a real sample, so a missing map carries no signal
instead of invented data.

Multi-process: `torchrun --nproc_per_node N train.py ...` trains with DistributedDataParallel
(gloo on CPU, nccl on CUDA); --batch is the global batch, split over the processes; rank 0 writes
checkpoints, logs and samples.

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
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ntex_train import material  # noqa: E402
from ntex_train.discriminator import Discriminator  # noqa: E402
from ntex_train.heap import keep_freed_memory  # noqa: E402
from ntex_train.model import Generator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def data_dir():
    return os.path.expanduser(os.environ.get("NTEX_DATA_DIR", "~/.cache/ntex"))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--name", default="albedo_v1")
    ap.add_argument("--maps", choices=["albedo", "material"], default="albedo")
    ap.add_argument("--init-from", default=None,
                    help="warm start from another run's checkpoint (e.g. the albedo model for --maps material); "
                         "output and input channels are widened")
    ap.add_argument("--ddp-check", action="store_true", help="print a parameter checksum per rank at the end")
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
    ap.add_argument("--swd-every", type=int, default=1000,
                    help="log the albedo SWD of G_ema vs held-out crops to swd.csv every N steps (0 = never)")
    ap.add_argument("--swd-count", type=int, default=256, help="128 px images per set for the periodic SWD")
    ap.add_argument("--d-normals", type=float, default=None, metavar="SCALE",
                    help="--maps material: also show the discriminator the normal (x, y) derived from height "
                         "with this height_scale, so it judges the height gradients a renderer shades with; "
                         "0 = off (material_v1 steps 0-4000); default: the resumed checkpoint's value, else 0")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    return ap.parse_args(argv)


class CropSampler:
    """Random crop x crop windows of the 256 training crops with random flips and 90-degree rotations,
    as float tensors in [-1, 1]: [B, 3, h, w] (albedo) or [B, 5, h, w] (albedo, height, roughness)
    plus masks [B, 2] (has height, has roughness) for --maps material."""

    def __init__(self, path, crop, rng, maps="albedo"):
        with np.load(path) as d:
            self.albedo = torch.from_numpy(d["albedo"])  # [N, 256, 256, 3] uint8
            self.material = maps == "material"
            if self.material:
                # roughness = 1 - gloss (nexuiz _gloss maps are glossiness).
                self.height = torch.from_numpy(d["height"])
                self.rough = torch.from_numpy(255 - d["gloss"])
                self.masks = torch.from_numpy(np.stack([d["has_height"], d["has_gloss"]], 1).astype(np.float32))
        self.crop, self.rng = crop, rng

    def __len__(self):
        return self.albedo.shape[0]

    def sample(self, batch):
        n, s = self.albedo.shape[0], self.albedo.shape[1]
        out, masks = [], []
        for _ in range(batch):
            i = int(self.rng.integers(n))
            y, x = (int(v) for v in self.rng.integers(0, s - self.crop + 1, size=2))
            win = (i, slice(y, y + self.crop), slice(x, x + self.crop))
            c = self.albedo[win].permute(2, 0, 1)
            if self.material:
                c = torch.cat([c, self.height[win][None], self.rough[win][None]])
                masks.append(self.masks[i])
            c, _ = material.rotate90(c, int(self.rng.integers(4)))
            if self.rng.integers(2):
                c, _ = material.flip_horizontal(c)
            out.append(c)
        x = torch.stack(out).float() / 127.5 - 1.0
        return (x, torch.stack(masks)) if self.material else (x, None)


def d_channels(maps, normal_scale):
    """Discriminator input channels for d_input."""
    return 3 if maps != "material" else (9 if normal_scale > 0 else 7)


def d_input(x, masks, normal_scale=0.0):
    """Discriminator input: albedo unchanged; height/roughness zeroed where masked, plus the masks
    as constant planes. x [B, 5, H, W] in [-1, 1], masks [B, 2] -> [B, 7, H, W]. With normal_scale > 0
    the normal's x and y (material.derive_normals of the height in [0, 1], wrap-around, so crops see
    their own wrapped border in both real and fake alike), masked like height, follow: [B, 9, H, W].
    The derivative puts the fine height structure, which the shaded normal map shows, on the same
    footing as the albedo."""
    if masks is None:
        return x
    m = masks[:, :, None, None]
    planes = m.expand(-1, -1, x.shape[2], x.shape[3])
    parts = [x[:, :3], x[:, 3:5] * m, planes]
    if normal_scale > 0:
        h01 = x[:, material.HEIGHT:material.HEIGHT + 1] * 0.5 + 0.5
        parts.append(material.derive_normals(h01, normal_scale)[:, :2] * m[:, :1])
    return torch.cat(parts, 1)


def widen_state(state, target):
    """Copies a narrower model's state into `target`'s shapes: extra output rows of the final conv
    are initialised randomly (N(0,1), equalized lr) with zero bias; extra input channels of the
    discriminator's first conv start at zero, and the old ones are rescaled so the He constant of the
    wider fan-in leaves their effective weights unchanged."""
    own = target.state_dict()
    out = {}
    for k, v in state.items():
        t = own[k]
        if v.shape == t.shape:
            out[k] = v
            continue
        w = t.clone()
        if v.dim() == 4 and v.shape[1] == t.shape[1]:          # more output channels (G final conv)
            w.normal_()
            w[: v.shape[0]] = v
        elif v.dim() == 4 and v.shape[0] == t.shape[0]:        # more input channels (D first conv)
            w.zero_()
            w[:, : v.shape[1]] = v * math.sqrt(t.shape[1] / v.shape[1])
        elif v.dim() == 1:                                     # bias of the widened conv
            w.zero_()
            w[: v.shape[0]] = v
        else:
            raise ValueError(f"cannot widen {k} from {tuple(v.shape)} to {tuple(t.shape)}")
        out[k] = w
    return out


def update_ema(G_ema, G, beta):
    """G_ema <- beta G_ema + (1 - beta) G for parameters; buffers (w_avg) copied."""
    with torch.no_grad():
        for pe, p in zip(G_ema.parameters(), G.parameters()):
            pe.lerp_(p, 1.0 - beta)
        for be, bb in zip(G_ema.buffers(), G.buffers()):
            be.copy_(bb)


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
            dev = G_ema.w_avg.device
            z = torch.from_numpy(z_from_seed(s, G_ema.z_dim))[None].to(dev)
            g, n = G_ema.hash_noise(s, grid, grid)
            imgs.append(G_ema(z, g.to(dev), {k: v.to(dev) for k, v in n.items()}).cpu())
        x = torch.cat(imgs)  # [S, C, H, W]
        if x.shape[1] == material.RAW_CHANNELS:
            # albedo | height | roughness side by side
            x = torch.cat([x[:, :3], x[:, 3:4].expand(-1, 3, -1, -1), x[:, 4:5].expand(-1, 3, -1, -1)], 3)
    cols = int(math.ceil(math.sqrt(len(seeds))))
    rows = int(math.ceil(len(seeds) / cols))
    h, w = x.shape[2:]
    sheet = np.zeros((rows * h, cols * w, 3), np.uint8)
    for i, im in enumerate(x):
        r, c = divmod(i, cols)
        sheet[r * h:(r + 1) * h, c * w:(c + 1) * w] = (im.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
    Image.fromarray(sheet).save(path)


class PeriodicSwd:
    """Albedo SWD x1e3 (ntex_train/swd.py, 128 px, levels 128..16) of G_ema against a fixed random
    set of held-out crops, logged to <run>/swd.csv; a small-sample trend, not the evaluation
    (models/training/evaluate.py uses >= 4096 crops)."""

    def __init__(self, heldout_path, run_dir, count, seed=0, normal_scale=0.0):
        from ntex_train.swd import random_crops
        with np.load(heldout_path) as d:
            self.real = random_crops(d["albedo"], count, 128, np.random.default_rng(seed))
            # Material runs with --d-normals also track height and normal (only textures that have them).
            self.real_maps = {}
            if normal_scale > 0:
                for name, key in (("normal", "has_normal"), ("height", "has_height")):
                    idx = np.where(d[key])[0]
                    if len(idx):
                        self.real_maps[name] = random_crops(d[name][idx], count, 128,
                                                            np.random.default_rng(seed + 1))
        self.count, self.seed, self.normal_scale = count, seed, normal_scale
        self.path = os.path.join(run_dir, "swd.csv")
        self.maps_path = os.path.join(run_dir, "swd_maps.csv")

    def __call__(self, G_ema, step):
        # Same sampling helper as evaluate.py / quick_swd_albedo (private torch.Generator: the
        # training RNG streams are untouched); the per-level values are logged too.
        from ntex_train.swd import generate_uint8, swd
        fake_all = generate_uint8(G_ema, self.count, 128, self.seed)
        fake = fake_all[..., :3]
        levels, mean = swd(self.real, fake, seed=self.seed)
        new = not os.path.exists(self.path)
        with open(self.path, "a") as f:
            if new:
                f.write("step,swd_albedo," + ",".join(f"level{i}" for i in range(len(levels))) + "\n")
            f.write(f"{step},{mean:.3f}," + ",".join(f"{v:.3f}" for v in levels) + "\n")
        if self.real_maps and fake_all.shape[-1] == material.RAW_CHANNELS:
            h = torch.from_numpy(fake_all[..., material.HEIGHT].astype(np.float32) / 255.0)[:, None]
            n = material.encode_normals(material.derive_normals(h, self.normal_scale)).permute(0, 2, 3, 1)
            fakes = {"height": np.repeat(fake_all[..., material.HEIGHT:material.HEIGHT + 1], 3, -1),
                     "normal": (n.numpy() * 255.0 + 0.5).clip(0, 255).astype(np.uint8)}
            row = {}
            for name, real in self.real_maps.items():
                r = real if real.ndim == 4 else np.repeat(real[..., None], 3, -1)
                row[name] = swd(r, fakes[name], seed=self.seed)[1]
            new = not os.path.exists(self.maps_path)
            with open(self.maps_path, "a") as f:
                if new:
                    f.write("step," + ",".join(f"swd_{k}" for k in row) + "\n")
                f.write(f"{step}," + ",".join(f"{v:.3f}" for v in row.values()) + "\n")
        return mean


def setup_distributed():
    """(rank, world, device) from torchrun's environment; (0, 1, cpu) without it."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, torch.device("cpu")
    rank = int(os.environ["RANK"])
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        dist.init_process_group("nccl")
        return rank, world, torch.device("cuda", local)
    dist.init_process_group("gloo")
    return rank, world, torch.device("cpu")


def main(argv=None):
    args = parse_args(argv)
    keep_freed_memory()
    torch.set_num_threads(args.threads)
    rank, world, device = setup_distributed()
    is_main = rank == 0
    if args.batch % world:
        raise SystemExit(f"train.py: --batch {args.batch} is not divisible by the {world} processes")
    run_dir = args.run_dir or os.path.join(data_dir(), "runs", args.name)
    os.makedirs(run_dir, exist_ok=True)
    latest_copy = args.latest_copy or os.path.join(HERE, "checkpoints", f"{args.name}_latest.pt")
    if latest_copy == "none":
        latest_copy = None
    data = args.data or os.path.join(data_dir(), "dataset", "train.npz")

    # Each process draws its own crops and latents; parameters stay identical through DDP.
    seed = args.seed + 1000 * rank
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)

    mat = args.maps == "material"
    ck = newest_checkpoint(run_dir, latest_copy) if args.resume else None
    st = torch.load(ck, map_location="cpu") if ck else None
    if args.d_normals is None:
        args.d_normals = float((st or {}).get("args", {}).get("d_normals") or 0.0)
    G = Generator(out_channels=material.RAW_CHANNELS if mat else 3).to(device)
    D = Discriminator(in_channels=d_channels(args.maps, args.d_normals)).to(device)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False)
    # Lazy R1: scale lr and betas of D by the interval ratio (StyleGAN2 convention).
    c = args.r1_every / (args.r1_every + 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.0, 0.99), eps=1e-8)
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr * c, betas=(0.0, 0.99 ** c), eps=1e-8)
    step, elapsed = 0, 0.0

    if ck:
        G.load_state_dict(st["G"])
        G_ema.load_state_dict(st["G_ema"])
        opt_g.load_state_dict(st["opt_g"])
        if st["D"]["convs.0.weight"].shape == D.convs[0].weight.shape:
            D.load_state_dict(st["D"])
            opt_d.load_state_dict(st["opt_d"])
        else:
            # --d-normals switched on mid-run: widen D's input (new channels start at zero) and restart
            # its optimizer, whose moments no longer match the first conv's shape.
            D.load_state_dict(widen_state(st["D"], D))
            print(f"[train] discriminator input widened to {D.convs[0].weight.shape[1]} channels; "
                  "its optimizer restarts", flush=True)
        step, elapsed = st["step"], st.get("elapsed_s", 0.0)
        if world == 1 and st.get("world", 1) == 1:
            torch.set_rng_state(st["rng"]["torch"])
            np.random.set_state(st["rng"]["numpy"])
            random.setstate(st["rng"]["python"])
            rng.bit_generator.state = st["rng"]["sampler"]
        print(f"[train] resumed from {ck} at step {step}", flush=True)
    elif args.init_from:
        st = torch.load(args.init_from, map_location="cpu")
        G.load_state_dict(widen_state(st["G"], G))
        G_ema.load_state_dict(widen_state(st["G_ema"], G_ema))
        D.load_state_dict(widen_state(st["D"], D))
        print(f"[train] initialised from {args.init_from} (step {st['step']})", flush=True)
    elif args.resume:
        print("[train] --resume: no checkpoint found, starting fresh", flush=True)
    G_ema.to(device)

    # DDP wrappers for the main G and D steps; R1 (a double backward, which DDP does not support)
    # runs on the bare module and averages its gradients by hand.
    G_train, D_train = G, D
    if world > 1:
        G_train = DDP(G, broadcast_buffers=True)
        D_train = DDP(D, broadcast_buffers=False)

    def average_grads(module):
        if world > 1:
            for p in module.parameters():
                if p.grad is not None:
                    dist.all_reduce(p.grad)
                    p.grad /= world

    sampler = CropSampler(data, args.crop, rng, args.maps)
    if is_main:
        print(f"[train] {len(sampler)} training crops from {data}; run dir {run_dir}; maps {args.maps}; "
              f"{world} process(es) on {device}", flush=True)
    grid = args.crop // G.cell_size
    b = args.batch // world
    ema_beta = 0.5 ** (args.batch / max(args.ema_kimg * 1000.0, 1e-8))

    log_f = log = None
    if is_main:
        log_path = os.path.join(run_dir, "log.csv")
        new_log = not os.path.exists(log_path)
        log_f = open(log_path, "a", newline="")
        log = csv.writer(log_f)
        if new_log:
            log.writerow(["step", "images", "loss_d", "loss_g", "r1", "d_real", "d_fake", "s_per_step", "elapsed_s"])

    def state():
        return {"step": step, "elapsed_s": elapsed, "args": vars(args), "world": world,
                "G": G.state_dict(), "G_ema": G_ema.state_dict(), "D": D.state_dict(),
                "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
                "rng": {"torch": torch.get_rng_state(), "numpy": np.random.get_state(),
                        "python": random.getstate(), "sampler": rng.bit_generator.state}}

    sample_seeds = list(range(16))
    heldout = os.path.join(os.path.dirname(data), "heldout.npz")
    periodic_swd = (PeriodicSwd(heldout, run_dir, args.swd_count,
                                normal_scale=args.d_normals if mat else 0.0)
                    if is_main and args.swd_every > 0 and os.path.exists(heldout) else None)
    bar = tqdm(total=args.steps if args.steps < 10 ** 9 else None, initial=step,
               disable=args.no_progress or not is_main, unit="step", dynamic_ncols=True,
               mininterval=0.5 if sys.stderr.isatty() else 30.0)
    r1_val = 0.0
    while step < args.steps:
        t0 = time.time()
        # --- D step: real and fake in separate forwards; gradients sync on the second backward ---
        G.requires_grad_(False)
        D.requires_grad_(True)
        real, masks = sampler.sample(b)
        real = real.to(device)
        masks = masks.to(device) if masks is not None else None
        with torch.no_grad():
            g_in, n_in = G.random_noise(b, grid, grid, device)
            fake = G(torch.randn(b, G.z_dim, device=device), g_in, n_in, raw=True)
        opt_d.zero_grad(set_to_none=True)
        if world > 1:
            with D_train.no_sync():
                d_real = D_train(d_input(real, masks, args.d_normals))
                F.softplus(-d_real).mean().backward()
        else:
            d_real = D_train(d_input(real, masks, args.d_normals))
            F.softplus(-d_real).mean().backward()
        d_fake = D_train(d_input(fake, masks, args.d_normals))
        F.softplus(d_fake).mean().backward()
        loss_d = F.softplus(d_fake.detach()).mean() + F.softplus(-d_real.detach()).mean()
        opt_d.step()
        if step % args.r1_every == 0:
            real_r = d_input(real[: max(b // 2, 1)], masks[: max(b // 2, 1)] if masks is not None else None,
                             args.d_normals)
            real_r = real_r.detach().requires_grad_(True)
            out = D(real_r)
            grad, = torch.autograd.grad(out.sum(), real_r, create_graph=True)
            r1 = grad.square().sum(dim=(1, 2, 3)).mean()
            opt_d.zero_grad(set_to_none=True)
            (r1 * (args.r1_gamma / 2) * args.r1_every).backward()
            average_grads(D)
            opt_d.step()
            r1_val = float(r1)
        # --- G step ---
        G.requires_grad_(True)
        D.requires_grad_(False)
        g_in, n_in = G.random_noise(b, grid, grid, device)
        fake = G_train(torch.randn(b, G.z_dim, device=device), g_in, n_in, raw=True, update_w_avg=True)
        loss_g = F.softplus(-D(d_input(fake, masks, args.d_normals))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        update_ema(G_ema, G, ema_beta)
        step += 1
        dt = time.time() - t0
        elapsed += dt
        if not is_main:
            continue
        log.writerow([step, step * args.batch, f"{loss_d.item():.4f}", f"{loss_g.item():.4f}", f"{r1_val:.4f}",
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
        if periodic_swd is not None and step % args.swd_every == 0:
            tqdm.write(f"[train] step {step}: albedo SWD x1e3 {periodic_swd(G_ema, step):.2f} ({args.swd_count} crops)")
        if step % args.sample_every == 0:
            save_samples(G_ema, os.path.join(run_dir, f"samples_{step:07d}.png"), sample_seeds)
    bar.close()
    if log_f:
        log_f.close()
    if args.ddp_check:
        checksum = sum(float(p.detach().double().sum()) for p in G.parameters())
        checksum += sum(float(p.detach().double().sum()) for p in D.parameters())
        print(f"[train] rank {rank} parameter checksum {checksum:.10e}", flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
