#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""evaluate.py: measured quality of a material checkpoint (the model card's numbers), one command.

SWD (ntex_train/swd.py, the recipe of Karras et al. 2018) per map (albedo; normal; height and
roughness as grayscale) on 128 px crops, every set against the held-out crops:
  floor  random crops of the training split (real vs real),
  model  G_ema samples (fresh z and noise, psi 1; normal derived from height with --height-scale),
  fBm    baseline (a): fractal value noise tinted with the data set's per-texture statistics,
  slice  baseline (b): the albedo-only slice model (albedo only).
Target per map: (model - floor) <= (fBm - floor) / 3. Diversity: mean pairwise L1 of albedo between
samples of different seeds >= 0.8 x the same figure between held-out crops of different textures.

Writes into --out-dir: eval.md, eval.json, swd_levels.png, training_curves.png, contact_{albedo,
normal,height,roughness,real}.png; prints the markdown table.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ntex_train import baselines, material, swd  # noqa: E402
from ntex_train.hashnoise import z_from_seed  # noqa: E402
from ntex_train.model import Generator  # noqa: E402

MAPS = ("albedo", "normal", "height", "roughness")
GRAY = {"albedo": False, "normal": False, "height": True, "roughness": True}
HAS = {"albedo": None, "normal": "has_normal", "height": "has_height", "roughness": "has_gloss"}
SETS = ("floor", "model", "fbm", "slice")
SET_LABEL = {"floor": "floor (train vs held-out)", "model": "model", "fbm": "baseline (a) fBm",
             "slice": "baseline (b) slice"}


def data_dir():
    return os.path.join(os.path.expanduser(os.environ.get("NTEX_DATA_DIR", "~/.cache/ntex")), "dataset")


def log(msg):
    print(f"[evaluate] {msg}", flush=True)


# --- real crops --------------------------------------------------------------------------------------

def load_map(npz, name):
    """uint8 [N, H, W, 3] (albedo, normal) or [N, H, W] (height, roughness = 255 - gloss)."""
    if name == "roughness":
        return 255 - npz["gloss"]
    return npz[name]


def eligible(npz, name):
    key = HAS[name]
    return np.arange(len(npz["albedo"])) if key is None else np.where(npz[key])[0]


def real_crops(npz, name, count, size, rng):
    """count seeded random size^2 crops of map `name`, only from textures that have it."""
    idx = eligible(npz, name)
    if len(idx) == 0:
        return None
    arr = load_map(npz, name)[idx]
    return swd.random_crops(arr, count, size, rng)


def one_crop_each(arr, size, rng):
    n, h, w = arr.shape[:3]
    ys = rng.integers(0, h - size + 1, n)
    xs = rng.integers(0, w - size + 1, n)
    return np.stack([arr[i, y:y + size, x:x + size] for i, (y, x) in enumerate(zip(ys, xs))])


# --- generated sets ----------------------------------------------------------------------------------

def load_generator(path, out_channels):
    st = torch.load(path, map_location="cpu")
    G = Generator(out_channels=out_channels)
    G.load_state_dict(st["G_ema"])
    return G.eval().requires_grad_(False), st


def to_maps(x, height_scale):
    """Generator output [B, 3|5, H, W] in [0, 1] -> {map: uint8 [B, H, W(, 3)]}."""
    u8 = lambda t: (t * 255.0 + 0.5).clamp(0, 255).to(torch.uint8).numpy()  # noqa: E731
    maps = {"albedo": u8(x[:, material.ALBEDO].permute(0, 2, 3, 1))}
    if x.shape[1] == material.RAW_CHANNELS:
        h = x[:, material.HEIGHT:material.HEIGHT + 1]
        maps["height"] = u8(h[:, 0])
        maps["roughness"] = u8(x[:, material.ROUGHNESS])
        maps["normal"] = u8(material.encode_normals(material.derive_normals(h, height_scale)).permute(0, 2, 3, 1))
    return maps


def generate_textures(G, count, size, height_scale, seed, batch=8):
    """count textures at size^2 (fresh seeded z and noise, psi 1) -> {map: uint8 array}."""
    gen = torch.Generator().manual_seed(seed)
    grid = size // G.cell_size
    parts = []
    with torch.no_grad():
        for i in range(0, count, batch):
            b = min(batch, count - i)
            z = torch.randn(b, G.z_dim, generator=gen)
            g = torch.randn(b, G.noise_channels, grid, grid, generator=gen)
            n = {k: torch.randn(b, 1, grid * G.cell_size // d, grid * G.cell_size // d, generator=gen)
                 for k, d in G.noise_layers()}
            parts.append(to_maps(G(z, g, n), height_scale))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def seed_textures(G, seeds, size, height_scale):
    """Reproducible samples (hash noise + z_from_seed, as train.py's save_samples and the runtime)."""
    grid = size // G.cell_size
    parts = []
    with torch.no_grad():
        for s in seeds:
            z = torch.from_numpy(z_from_seed(s, G.z_dim))[None]
            g, n = G.hash_noise(s, grid, grid)
            parts.append(to_maps(G(z, g, n), height_scale))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def crops_of(textures, count, size, rng):
    """count random crops spread evenly over the textures (each texture gets count / N crops)."""
    n = len(textures)
    idx = np.arange(count) % n
    ys = rng.integers(0, textures.shape[1] - size + 1, count)
    xs = rng.integers(0, textures.shape[2] - size + 1, count)
    return np.stack([textures[i, y:y + size, x:x + size] for i, y, x in zip(idx, ys, xs)])


# --- diversity ---------------------------------------------------------------------------------------

def mean_pairwise_l1(x):
    """Mean over all pairs i < j of mean |x_i - x_j|; x uint8 [N, ...] scaled to [0, 1]."""
    t = torch.from_numpy(np.float32(x.reshape(len(x), -1)) / 255.0)
    d = torch.cdist(t[None], t[None], p=1)[0] / t.shape[1]
    iu = torch.triu_indices(len(x), len(x), 1)
    return float(d[iu[0], iu[1]].mean())


# --- outputs -----------------------------------------------------------------------------------------

def save_sheet(images, path, cols=4):
    from PIL import Image
    imgs = [im if im.ndim == 3 else np.repeat(im[..., None], 3, 2) for im in images]
    h, w = imgs[0].shape[:2]
    rows = int(math.ceil(len(imgs) / cols))
    sheet = np.full((rows * h, cols * w, 3), 255, np.uint8)
    for i, im in enumerate(imgs):
        r, c = divmod(i, cols)
        sheet[r * h:(r + 1) * h, c * w:(c + 1) * w] = im
    Image.fromarray(sheet).save(path)


def plot_levels(res, sizes, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(MAPS), figsize=(4 * len(MAPS), 3.4))
    for ax, m in zip(axes, MAPS):
        for s in SETS:
            r = res[m].get(s)
            if r:
                ax.plot(sizes, r["levels"], marker="o", label=f"{s} ({r['mean']:.1f})")
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes)
        ax.set_xticklabels([str(v) for v in sizes])
        ax.set_xlabel("pyramid level (px)")
        ax.set_title(m)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("SWD x1e3 vs held-out")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def read_csv(path):
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows or None


def smooth(v, n):
    if len(v) < n or n <= 1:
        return np.asarray(v)
    return np.convolve(v, np.ones(n) / n, mode="valid")


def plot_curves(log_path, swd_path, path, floor=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows, swd_rows = read_csv(log_path), read_csv(swd_path)
    # train.py --d-normals also logs height and normal to swd_maps.csv beside swd.csv.
    map_rows = read_csv(os.path.join(os.path.dirname(swd_path), "swd_maps.csv"))
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    ax = axes[0]
    if rows:
        step = np.array([float(r["step"]) for r in rows])
        n = max(1, min(200, len(rows) // 20))
        for key in ("loss_d", "loss_g"):
            v = smooth([float(r[key]) for r in rows], n)
            ax.plot(step[len(step) - len(v):], v, label=f"{key} (mean of {n})")
        ax.set_xlabel("step")
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no log.csv", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("losses")
    ax.grid(alpha=0.3)
    ax = axes[1]
    if swd_rows:
        keys = [k for k in swd_rows[0] if k.startswith("swd")]
        step = [float(r["step"]) for r in swd_rows]
        for k in keys:
            ax.plot(step, [float(r[k]) for r in swd_rows], marker=".", label=k)
        for k in [k for k in (map_rows[0] if map_rows else {}) if k.startswith("swd")]:
            ax.plot([float(r["step"]) for r in map_rows], [float(r[k]) for r in map_rows], marker=".", label=k)
        if floor is not None:
            ax.axhline(floor, color="gray", ls="--", label=f"albedo floor (this eval, {floor:.1f})")
        ax.set_xlabel("step")
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no swd.csv", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("periodic SWD x1e3 (quick_swd_albedo)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def fmt(v):
    return "—" if v is None else f"{v:.1f}"


def markdown(result):
    res, tgt, div = result["swd"], result["targets"], result["diversity"]
    lines = [f"SWD x1e3 vs held-out, {result['crop']} px crops ({result['crops']} per set; levels "
             f"{', '.join(str(s) for s in result['levels_px'])} px, average), model step {result['step']}, "
             f"height_scale {result['height_scale']:.4g}:", "",
             "| set | " + " | ".join(MAPS) + " |", "|---|" + "---:|" * len(MAPS)]
    for s in SETS:
        lines.append(f"| {SET_LABEL[s]} | " + " | ".join(fmt(res[m][s]["mean"] if res[m].get(s) else None)
                                                     for m in MAPS) + " |")
    lines += ["", "Target (model - floor) <= (fBm - floor) / 3:", "",
              "| map | model - floor | (fBm - floor) / 3 | pass |", "|---|---:|---:|---|"]
    for m in MAPS:
        t = tgt.get(m)
        if t:
            lines.append(f"| {m} | {t['model_gap']:.1f} | {t['limit']:.1f} | {'pass' if t['pass'] else 'FAIL'} |")
    lines += ["", f"Diversity (mean pairwise L1 of albedo in [0, 1], {div['model_count']} samples of different seeds "
                  f"vs {div['real_count']} held-out crops of different textures): model {div['model']:.4f}, "
                  f"held-out {div['real']:.4f}, ratio {div['ratio']:.3f} (target >= 0.8: "
                  f"{'pass' if div['pass'] else 'FAIL'})."]
    return "\n".join(lines) + "\n"


# --- main --------------------------------------------------------------------------------------------

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="material checkpoint (G_ema, 5 channels)")
    ap.add_argument("--slice-checkpoint", default=None, help="albedo-only checkpoint (baseline b)")
    ap.add_argument("--height-scale", type=float, default=None,
                    help="normal strength; default: fitted to the training textures (material.fit_height_scale)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--data", default=None, help="folder with train.npz and heldout.npz")
    ap.add_argument("--crops", type=int, default=4096, help="crops per set")
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--gen-size", type=int, default=256, help="generated textures' size (crops are cut from them)")
    ap.add_argument("--textures", type=int, default=None,
                    help="generated textures per set (default crops / 16, at least 16): each gives crops / textures crops")
    ap.add_argument("--diversity", type=int, default=256, help="samples for the diversity figure")
    ap.add_argument("--contact-size", type=int, default=256)
    ap.add_argument("--log", default=None, help="training log.csv (default: the run folder of the checkpoint's name)")
    ap.add_argument("--swd-log", default=None, help="periodic SWD csv (step,swd_albedo); default swd.csv beside --log")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    t_start = time.time()
    data = args.data or data_dir()
    os.makedirs(args.out_dir, exist_ok=True)
    size, count = args.crop, args.crops
    n_tex = args.textures or max(16, count // 16)
    rng = np.random.default_rng(args.seed)

    G, st = load_generator(args.checkpoint, material.RAW_CHANNELS)
    name = st.get("args", {}).get("name", "model")
    scale = args.height_scale
    train = np.load(os.path.join(data, "train.npz"))
    held = np.load(os.path.join(data, "heldout.npz"))
    if scale is None:
        both = np.where(train["has_normal"] & train["has_height"])[0]
        scale = material.fit_height_scale(train["height"][both], train["normal"][both])[0] if len(both) else 1.0
        log(f"height_scale fitted on {len(both)} training textures: {scale:.4f}")

    # Generated sets: n_tex textures at gen_size, crops spread evenly over them.
    log(f"generating {n_tex} model textures at {args.gen_size} px (step {st.get('step')})")
    model_tex = generate_textures(G, n_tex, args.gen_size, scale, args.seed + 1)
    stats = baselines.dataset_stats(train)
    fbm_tex = baselines.fbm_material(n_tex, args.gen_size, stats, scale, args.seed + 2)
    slice_tex = None
    if args.slice_checkpoint:
        log(f"generating {n_tex} slice textures")
        Gs, _ = load_generator(args.slice_checkpoint, 3)
        slice_tex = generate_textures(Gs, n_tex, args.gen_size, scale, args.seed + 3)
    log(f"generation done ({time.time() - t_start:.0f} s)")

    sizes = [size >> i for i in range(swd.level_count(size))]
    res, targets = {}, {}
    for mi, m in enumerate(MAPS):
        t0 = time.time()
        heldout = real_crops(held, m, count, size, rng)
        sets = {"floor": real_crops(train, m, count, size, rng),
                "model": crops_of(model_tex[m], count, size, rng),
                "fbm": crops_of(fbm_tex[m], count, size, rng)}
        if slice_tex is not None and m in slice_tex:
            sets["slice"] = crops_of(slice_tex[m], count, size, rng)
        if heldout is None or sets["floor"] is None:
            log(f"{m}: no held-out or training textures have this map; skipped")
            res[m] = {}
            continue
        gray = GRAY[m]
        base = args.seed * 1000 + mi * 10
        ref = swd.set_descriptors(heldout, base, gray)
        desc = {s: swd.set_descriptors(v, base + 1 + i, gray) for i, (s, v) in enumerate(sets.items())}
        out = swd.swd_many(ref, desc, seed=base + 9, gray=gray)
        res[m] = {s: {"levels": [round(v, 3) for v in lv], "mean": round(mean, 3)} for s, (lv, mean) in out.items()}
        f, mo, fb = out["floor"][1], out["model"][1], out["fbm"][1]
        targets[m] = {"model_gap": mo - f, "noise_gap": fb - f, "limit": (fb - f) / 3.0,
                      "pass": bool(mo - f <= (fb - f) / 3.0)}
        log(f"{m}: " + ", ".join(f"{s} {v[1]:.1f}" for s, v in out.items()) + f" ({time.time() - t0:.0f} s)")
        del ref, desc, sets

    # Diversity: albedo of samples with different seeds vs held-out crops of different textures.
    div_rng = np.random.default_rng(args.seed + 7)
    n_div = min(args.diversity, len(model_tex["albedo"]))
    model_div = one_crop_each(model_tex["albedo"][:n_div], size, div_rng)
    if n_div < args.diversity:  # more seeds than textures generated so far
        extra = generate_textures(G, args.diversity - n_div, size, scale, args.seed + 11)["albedo"]
        model_div = np.concatenate([model_div, extra])
    sources = held["source"] if "source" in held.files else np.arange(len(held["albedo"]))
    _, first = np.unique(sources, return_index=True)
    real_div = one_crop_each(held["albedo"][np.sort(first)], size, div_rng)[:args.diversity]
    dm, dr = mean_pairwise_l1(model_div), mean_pairwise_l1(real_div)
    diversity = {"model": dm, "real": dr, "ratio": dm / dr, "pass": bool(dm >= 0.8 * dr),
                 "model_count": len(model_div), "real_count": len(real_div)}

    result = {"checkpoint": os.path.abspath(args.checkpoint), "name": name, "step": int(st.get("step", 0)),
              "slice_checkpoint": args.slice_checkpoint and os.path.abspath(args.slice_checkpoint),
              "height_scale": float(scale), "crop": size, "crops": count, "generated_textures": n_tex,
              "gen_size": args.gen_size, "levels_px": sizes, "seed": args.seed, "swd": res,
              "targets": targets, "diversity": diversity, "all_targets_pass":
              bool(all(t["pass"] for t in targets.values()) and diversity["pass"])}

    # Plots and contact sheets.
    plot_levels(res, sizes, os.path.join(args.out_dir, "swd_levels.png"))
    log_path = args.log or os.path.join(os.path.dirname(data), "runs", name, "log.csv")
    swd_path = args.swd_log or os.path.join(os.path.dirname(log_path), "swd.csv")
    plot_curves(log_path, swd_path, os.path.join(args.out_dir, "training_curves.png"),
                floor=res["albedo"].get("floor", {}).get("mean"))
    sheet = seed_textures(G, range(16), args.contact_size, scale)
    for m in MAPS:
        save_sheet(list(sheet[m]), os.path.join(args.out_dir, f"contact_{m}.png"))
    real_rows = []
    have_all = np.where(held["has_normal"] & held["has_height"] & held["has_gloss"])[0][:4]
    for i in have_all:
        real_rows += [held["albedo"][i], held["normal"][i], held["height"][i], 255 - held["gloss"][i]]
    if real_rows:
        save_sheet(real_rows, os.path.join(args.out_dir, "contact_real.png"))
    else:
        save_sheet(list(held["albedo"][:16]), os.path.join(args.out_dir, "contact_real.png"))

    result["seconds"] = round(time.time() - t_start, 1)
    md = markdown(result)
    with open(os.path.join(args.out_dir, "eval.json"), "w") as f:
        json.dump(result, f, indent=1)
    with open(os.path.join(args.out_dir, "eval.md"), "w") as f:
        f.write(f"# {name}: measured quality\n\n")
        f.write(md)
        f.write("\nPlots: `swd_levels.png` (SWD per level per map), `training_curves.png`; contact sheets "
                "`contact_{albedo,normal,height,roughness}.png` (seeds 0-15, hash noise, "
                f"{args.contact_size} px) and `contact_real.png` (held-out: albedo, normal, height, roughness "
                "per row).\n\nCommand: `/usr/bin/python3 models/training/evaluate.py "
                + " ".join(argv if argv is not None else sys.argv[1:]) + f"` ({result['seconds']:.0f} s).\n")
    print(md, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
