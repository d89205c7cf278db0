#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""train_v2.py: trains material_v2, the conditional material generator (category + layout).

What differs from train.py (material_v1), and why:
- Structure larger than the window: the generator is conditioned on a layout map (conditioning.py,
  the pix2pix / SPADE / TileGen idea). The layout of each real crop is derived from its own height,
  the generator gets the real window's layout, and both discriminators see (image, layout), so they
  judge whether the image fits the layout. At run time the layout comes from procedural patterns, so
  bricks and panels keep their courses at any size although training never sees more than 128 px.
- Two discriminators (multi-scale, as pix2pixHD): the generator makes 128 px windows; one
  discriminator sees a random 64 px part at full resolution, the other the whole window averaged
  down 2x, so shapes up to 128 px are judged (material_v1: 64 px).
- Category control: a class embedding in the mapping network and projection discriminators; class
  and layout dropout train the "any category" row and the "no layout" map, so the model also runs
  unconditionally.
- Optionally (--aux-class W) an auxiliary classifier on both discriminators' features (AC-GAN, Odena
  et al. 2017), trained on real windows only (as TAC-GAN / "real-only" AC-GAN variants, so the
  discriminator never learns to call fakes a class): the generator is rewarded when its samples are
  classified as the requested category. The projection term says "real for this class"; this one
  says "recognisably this class", which the projection alone left weak for metal vs concrete_stone.
- Optionally (--feature-match W) class-conditional feature matching (Salimans et al. 2016, "Improved
  techniques for training GANs", section 3.1, per category): the generator pays W x the squared distance
  between the mean discriminator features of its samples of each category and a running mean of the real
  windows' features of that category. Where the auxiliary classifier only says "which category", this
  asks every feature of the window statistics (tone range, grain direction, height smoothness) to match
  the category's real windows on average, without asking any one sample to be the mean.
- A layout-consistency term: 1 - Pearson correlation between the generated height's low-pass and the
  layout's raised channel, where a layout is given (the property the IoU metric measures).
- Warm start (--init-from material_v1): the /4../1 stages are material_v1's; wider coarse stages,
  the mapping's embedding input, the layout gains and the discriminators' extra inputs start so the
  model begins as material_v1 (widen_v2).

Single process (2 threads); checkpoints every --ckpt-every steps; --resume continues; killing it
loses at most that many steps.
"""
import argparse
import copy
import csv
import math
import os
import random
import sys
import time

# GNU OpenMP spin-waits by default: next to a compiler on a 2-core machine a step took 15 s instead
# of 2.5 s (measured 2026-12-01). Passive waiting costs nothing measurable when the CPU is free.
# Set before torch loads libgomp, which reads it once.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ntex_train import conditioning, material  # noqa: E402
from ntex_train.discriminator import Discriminator  # noqa: E402
from ntex_train.heap import keep_freed_memory  # noqa: E402
from ntex_train.model import STAGES_V2, Generator  # noqa: E402
from train import (HERE, d_input, data_dir, newest_checkpoint, save_checkpoint, save_samples,  # noqa: E402
                   update_ema)

D_CHANNELS = 9 + conditioning.LAYOUT_CHANNELS  # d_input with normals (9) + the layout


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--name", default="material_v2")
    ap.add_argument("--init-from", default=None, help="material_v1 checkpoint to warm-start from")
    ap.add_argument("--data", default=None, help="train.npz (default $NTEX_DATA_DIR/dataset/train.npz)")
    ap.add_argument("--run-dir", default=None)
    ap.add_argument("--latest-copy", default=None, help="default models/training/checkpoints/<name>_latest.pt; 'none'")
    ap.add_argument("--steps", type=int, default=10 ** 9)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--window", type=int, default=128, help="generated window (pixels); D views are 64 px")
    ap.add_argument("--lr", type=float, default=0.002)
    ap.add_argument("--r1-gamma", type=float, default=1.0)
    ap.add_argument("--r1-every", type=int, default=16)
    ap.add_argument("--ema-kimg", type=float, default=2.0)
    ap.add_argument("--layout-weight", type=float, default=1.0, help="weight of the layout-consistency term")
    ap.add_argument("--class-dropout", type=float, default=0.15)
    ap.add_argument("--layout-dropout", type=float, default=0.25)
    ap.add_argument("--mode-seeking", type=float, default=0.0,
                    help="weight of the mode-seeking term (MSGAN); > 0 pairs the G batch's conditions")
    ap.add_argument("--mode-seeking-layout-only", action="store_true",
                    help="apply the mode-seeking term only to pairs that carry a layout (no-layout samples are diverse already)")
    ap.add_argument("--aux-class", type=float, default=0.0,
                    help="weight of the auxiliary category classifier (AC-GAN on real windows; 0 = off)")
    ap.add_argument("--feature-match", type=float, default=0.0,
                    help="weight of class-conditional feature matching on the discriminators' features (0 = off)")
    ap.add_argument("--feature-match-decay", type=float, default=0.9,
                    help="decay of the running per-category mean of the real windows' features")
    ap.add_argument("--mapping-lr-boost", type=float, default=1.0,
                    help="learning-rate factor for the mapping network and class embedding (their StyleGAN lr_mul "
                         "0.01 makes them the slowest part of a fine-tune; 10 = lr_mul 0.1)")
    ap.add_argument("--layout-ramp", type=float, default=0.0,
                    help="0: hard layouts (Otsu mask); > 0: soft layouts ramped over +- this many standard "
                         "deviations of the low-passed height (conditioning.py; 0.5 from step 18,400 on)")
    ap.add_argument("--height-scale", type=float, default=4.1087, help="normal strength the discriminators see")
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--sample-every", type=int, default=250)
    ap.add_argument("--keep", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    return ap.parse_args(argv)


class ConditionalSampler:
    """Random window x window crops of the 256 training crops (flips, 90-degree turns) with their
    masks, layout and category: (x [B, 5, s, s] in [-1, 1], masks [B, 2], layout [B, 2, s, s], c [B])."""

    def __init__(self, path, window, rng, class_dropout, layout_dropout, layout_ramp=0.0):
        with np.load(path) as d:
            self.albedo = torch.from_numpy(d["albedo"])
            self.height = torch.from_numpy(d["height"])
            self.rough = torch.from_numpy(255 - d["gloss"])
            self.masks = torch.from_numpy(np.stack([d["has_height"], d["has_gloss"]], 1).astype(np.float32))
            self.classes = torch.tensor([conditioning.category_of(s) for s in d["source"]])
            has_h = d["has_height"]
        n, s = self.albedo.shape[:2]
        self.layout = torch.zeros(n, conditioning.LAYOUT_CHANNELS, s, s, dtype=torch.uint8)
        idx = np.where(has_h)[0]
        for i in range(0, len(idx), 128):
            part = idx[i:i + 128]
            lay, _ = conditioning.layout_from_height(self.height[part].float()[:, None] / 255.0, ramp=layout_ramp)
            self.layout[part] = (lay * 255 + 0.5).to(torch.uint8)
        self.window, self.rng = window, rng
        self.class_dropout, self.layout_dropout = class_dropout, layout_dropout

    def __len__(self):
        return self.albedo.shape[0]

    def sample(self, batch):
        n, s = self.albedo.shape[:2]
        xs, ms, ls, cs = [], [], [], []
        for _ in range(batch):
            i = int(self.rng.integers(n))
            y, x = (int(v) for v in self.rng.integers(0, s - self.window + 1, size=2))
            win = (i, slice(y, y + self.window), slice(x, x + self.window))
            c = torch.cat([self.albedo[win].permute(2, 0, 1), self.height[win][None], self.rough[win][None],
                           self.layout[i, :, win[1], win[2]]])
            c, _ = material.rotate90(c, int(self.rng.integers(4)))
            if self.rng.integers(2):
                c, _ = material.flip_horizontal(c)
            lay = c[5:].float() / 255.0
            if self.rng.random() < self.layout_dropout:
                lay = torch.zeros_like(lay)
            xs.append(c[:5])
            ls.append(lay)
            ms.append(self.masks[i])
            cls = int(self.classes[i])
            cs.append(len(conditioning.CATEGORIES) if self.rng.random() < self.class_dropout else cls)
        x = torch.stack(xs).float() / 127.5 - 1.0
        return x, torch.stack(ms), torch.stack(ls), torch.tensor(cs)


def views(x, layout, masks, height_scale, offset):
    """The two discriminator inputs of a window: (64 px part at `offset`, whole window / 2)."""
    full = torch.cat([d_input(x, masks, height_scale), layout], 1)
    oy, ox = offset
    return full[:, :, oy:oy + 64, ox:ox + 64], F.avg_pool2d(full, full.shape[2] // 64)


def layout_consistency(fake, layout):
    """Mean over samples with a layout of 1 - corr(low-passed generated height, layout raised)."""
    present = layout[:, 1].flatten(1).mean(1) > 0.5
    if not bool(present.any()):
        return fake.new_zeros(())
    h = conditioning.gaussian_blur(fake[present, material.HEIGHT:material.HEIGHT + 1], conditioning.LAYOUT_SIGMA)
    a = h.flatten(1)
    b = layout[present, 0].flatten(1)
    a = a - a.mean(1, keepdim=True)
    b = b - b.mean(1, keepdim=True)
    corr = (a * b).sum(1) / torch.sqrt(a.square().sum(1) * b.square().sum(1) + 1e-8)
    return (1.0 - corr).mean()


def paired(cls, layout, masks):
    """The G batch as pairs: its first half's conditions twice, so samples i and i + B/2 differ only
    in z and noise (what the mode-seeking term compares)."""
    h = cls.shape[0] // 2
    return tuple(torch.cat([t[:h], t[:h]]) for t in (cls, layout, masks))


def mode_seeking(fake, z, keep=None):
    """MSGAN's mode-seeking term (Mao et al., CVPR 2019, eq. 3) for a paired batch: 1 / (mean |G(z1) -
    G(z2)| / mean |z1 - z2| + eps). Images are compared 4x average-pooled, so the term asks for
    different colours and shapes under one condition (a conditioned GAN's mode collapse: the
    layout-conditioned diversity fell to 0.64 of real) rather than for per-pixel noise."""
    h = fake.shape[0] // 2
    if keep is not None:   # [h] bool: the pairs the term applies to
        if not bool(keep.any()):
            return fake.new_zeros(())
        idx = torch.nonzero(keep).flatten()
        fake = torch.cat([fake[:h][idx], fake[h:2 * h][idx]])
        z = torch.cat([z[:h][idx], z[h:2 * h][idx]])
        h = int(idx.numel())
    small = F.avg_pool2d(fake, 4)
    dimg = (small[:h] - small[h:2 * h]).abs().mean()
    dz = (z[:h] - z[h:2 * h]).abs().mean()
    return 1.0 / (dimg / dz + 1e-5)


class AuxClassifier(torch.nn.Module):
    """AC-GAN's auxiliary classifier over two discriminators: logits [B, classes] = a linear head on each
    discriminator's features (phi), summed. Zero-initialised, so switching it on changes nothing until it
    has learnt; kept apart from the discriminators so checkpoints without it still resume."""

    def __init__(self, feature_sizes, classes):
        super().__init__()
        self.heads = torch.nn.ModuleList(torch.nn.Linear(n, classes) for n in feature_sizes)
        for h in self.heads:
            torch.nn.init.zeros_(h.weight)
            torch.nn.init.zeros_(h.bias)

    def forward(self, phis):
        return sum(h(p) / math.sqrt(p.shape[1]) for h, p in zip(self.heads, phis))


def aux_class_loss(aux, phis, cls, classes):
    """Cross-entropy of the auxiliary classifier on the samples that carry a category (class dropout's
    "any" row, index `classes`, is skipped); 0 when none does."""
    keep = cls < classes
    if not bool(keep.any()):
        return phis[0].new_zeros(())
    return F.cross_entropy(aux([p[keep] for p in phis]), cls[keep])


class ClassFeatureMeans:
    """Running mean of the real windows' discriminator features per category and discriminator
    ([classes, F] each), for class-conditional feature matching (Salimans et al. 2016, section 3.1).
    A category's mean counts only once it has been seen; the "any category" row (class dropout) is
    never matched."""

    def __init__(self, feature_sizes, classes, decay):
        self.means = [torch.zeros(classes, n) for n in feature_sizes]
        self.seen = torch.zeros(classes, dtype=torch.bool)
        self.classes, self.decay = classes, decay

    def update(self, phis, cls):
        with torch.no_grad():
            for c in range(self.classes):
                sel = cls == c
                if not bool(sel.any()):
                    continue
                for m, p in zip(self.means, phis):
                    batch_mean = p[sel].mean(0)
                    m[c] = batch_mean if not bool(self.seen[c]) else self.decay * m[c] + (1 - self.decay) * batch_mean
                self.seen[c] = True

    def loss(self, phis, cls):
        """Mean over the batch's seen categories of sum over discriminators of mean-squared distance
        between the generated samples' mean features and the category's running real mean."""
        terms = []
        for c in range(self.classes):
            sel = cls == c
            if not bool(sel.any()) or not bool(self.seen[c]):
                continue
            terms.append(sum((p[sel].mean(0) - m[c]).square().mean() for m, p in zip(self.means, phis)))
        return torch.stack(terms).mean() if terms else phis[0].new_zeros(())

    def state_dict(self):
        return {"means": [m.clone() for m in self.means], "seen": self.seen.clone()}

    def load_state_dict(self, st):
        self.means = [m.clone() for m in st["means"]]
        self.seen = st["seen"].clone()


def mapping_parameters(G):
    """The mapping network's and the class embedding's parameters (what --mapping-lr-boost speeds up)."""
    return [p for n, p in G.named_parameters() if n.startswith("mapping.") or n == "class_embed"]


def generator_optimizer(G, lr, mapping_boost):
    """Adam over G in two groups: everything else at lr, the mapping network and class embedding at
    lr x mapping_boost (Adam's step scales with lr, so this is their lr_mul times the boost)."""
    mapping = {id(p) for p in mapping_parameters(G)}
    rest = [p for p in G.parameters() if id(p) not in mapping]
    return torch.optim.Adam([{"params": rest, "lr": lr}, {"params": mapping_parameters(G), "lr": lr * mapping_boost}],
                            betas=(0.0, 0.99), eps=1e-8)


def load_generator_optimizer(opt, G, state):
    """Loads opt_g; a checkpoint from before the two groups (one group over G.parameters()) keeps each
    parameter's Adam moments."""
    if len(state["param_groups"]) == len(opt.param_groups):
        opt.load_state_dict(state)
        return
    old = torch.optim.Adam(G.parameters(), lr=opt.param_groups[0]["lr"], betas=(0.0, 0.99), eps=1e-8)
    old.load_state_dict(state)
    for p in G.parameters():
        if p in old.state:
            opt.state[p] = old.state[p]


def _fresh_like(t, key):
    """The target's own initial value for entries the source lacks; new conv/linear weights are
    scaled down so the widened model starts close to the source."""
    return t * 0.1 if key.endswith("weight") and t.dim() >= 2 and "affine" not in key else t


def widen_v2(src, target):
    """material_v1 state -> material_v2 shapes. Shared blocks are copied (rescaled where the He
    constant of a wider fan-in would change them); new entries keep the target's initialisation
    (new weights x 0.1); keys only in the target stay as initialised; a [w_dim] w_avg fills every
    class row."""
    own = target.state_dict()
    out = {}
    for k, t in own.items():
        if k not in src:
            out[k] = t
            continue
        v = src[k]
        if v.shape == t.shape:
            out[k] = v
            continue
        if k.endswith("w_avg") and v.dim() == 1:
            out[k] = v[None].expand_as(t).clone()
            continue
        if v.dim() != t.dim() or any(a > b for a, b in zip(v.shape, t.shape)):
            raise ValueError(f"cannot widen {k} from {tuple(v.shape)} to {tuple(t.shape)}")
        w = _fresh_like(t.clone(), k)
        block = tuple(slice(0, n) for n in v.shape)
        if t.dim() >= 2 and v.shape[1] != t.shape[1]:
            v = v * math.sqrt(t.shape[1] / v.shape[1])   # effective weight = stored / sqrt(fan_in)
        w[block] = v
        out[k] = w
    return out


def main(argv=None):
    args = parse_args(argv)
    keep_freed_memory()
    torch.set_num_threads(args.threads)
    run_dir = args.run_dir or os.path.join(data_dir(), "runs", args.name)
    os.makedirs(run_dir, exist_ok=True)
    latest_copy = args.latest_copy or os.path.join(HERE, "checkpoints", f"{args.name}_latest.pt")
    latest_copy = None if latest_copy == "none" else latest_copy
    data = args.data or os.path.join(data_dir(), "dataset", "train.npz")
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    ncls = len(conditioning.CATEGORIES)
    G = Generator(out_channels=material.RAW_CHANNELS, stages=STAGES_V2, classes=ncls,
                  layout_channels=conditioning.LAYOUT_CHANNELS)
    D_fine = Discriminator(in_channels=D_CHANNELS, classes=ncls)
    D_coarse = Discriminator(in_channels=D_CHANNELS, classes=ncls)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False)
    c = args.r1_every / (args.r1_every + 1)
    d_params = list(D_fine.parameters()) + list(D_coarse.parameters())
    opt_g = generator_optimizer(G, args.lr, args.mapping_lr_boost)
    opt_d = torch.optim.Adam(d_params, lr=args.lr * c, betas=(0.0, 0.99 ** c), eps=1e-8)
    aux = opt_aux = None
    if args.aux_class > 0:
        with torch.random.fork_rng():   # nn.Linear draws initial weights: keep the run's random stream as without it
            aux = AuxClassifier((D_fine.feature_size(), D_coarse.feature_size()), ncls)
        opt_aux = torch.optim.Adam(aux.parameters(), lr=args.lr * c, betas=(0.0, 0.99 ** c), eps=1e-8)
    fm = ClassFeatureMeans((D_fine.feature_size(), D_coarse.feature_size()), ncls, args.feature_match_decay) \
        if args.feature_match > 0 else None
    step, elapsed = 0, 0.0

    ck = newest_checkpoint(run_dir, latest_copy) if args.resume else None
    if ck:
        st = torch.load(ck, map_location="cpu")
        for mod, key in ((G, "G"), (G_ema, "G_ema"), (D_fine, "D_fine"), (D_coarse, "D_coarse"), (opt_d, "opt_d")):
            mod.load_state_dict(st[key])
        load_generator_optimizer(opt_g, G, st["opt_g"])
        step, elapsed = st["step"], st.get("elapsed_s", 0.0)
        # load_state_dict restores the saved learning rates; the command line's win (a fine-tune may
        # lower them).
        for g, boost in zip(opt_g.param_groups, (1.0, args.mapping_lr_boost)):
            g["lr"] = args.lr * boost
        for g in opt_d.param_groups:
            g["lr"] = args.lr * c
        if aux is not None and "aux" in st:
            aux.load_state_dict(st["aux"])
            opt_aux.load_state_dict(st["opt_aux"])
            for g in opt_aux.param_groups:
                g["lr"] = args.lr * c
        elif aux is not None:
            print("[train_v2] the checkpoint has no auxiliary classifier: it starts at zero", flush=True)
        elif "aux" in st:
            print("[train_v2] warning: the checkpoint's auxiliary classifier is dropped (no --aux-class): "
                  "the next checkpoints will not have it", flush=True)
        if fm is not None and "feature_means" in st:
            fm.load_state_dict(st["feature_means"])
        torch.set_rng_state(st["rng"]["torch"])
        np.random.set_state(st["rng"]["numpy"])
        random.setstate(st["rng"]["python"])
        rng.bit_generator.state = st["rng"]["sampler"]
        print(f"[train_v2] resumed from {ck} at step {step}", flush=True)
    elif args.init_from:
        st = torch.load(args.init_from, map_location="cpu")
        G.load_state_dict(widen_v2(st["G_ema"], G))
        G_ema.load_state_dict(widen_v2(st["G_ema"], G_ema))
        D_fine.load_state_dict(widen_v2(st["D"], D_fine))
        D_coarse.load_state_dict(widen_v2(st["D"], D_coarse))
        print(f"[train_v2] initialised from {args.init_from} (step {st['step']})", flush=True)

    sampler = ConditionalSampler(data, args.window, rng, args.class_dropout, args.layout_dropout, args.layout_ramp)
    print(f"[train_v2] {len(sampler)} crops from {data}; run dir {run_dir}", flush=True)
    grid = args.window // G.cell_size
    b = args.batch
    ema_beta = 0.5 ** (b / max(args.ema_kimg * 1000.0, 1e-8))
    log_path = os.path.join(run_dir, "log.csv")
    new_log = not os.path.exists(log_path)
    log_f = open(log_path, "a", newline="")
    log = csv.writer(log_f)
    if new_log:
        log.writerow(["step", "images", "loss_d", "loss_g", "loss_layout", "r1", "d_real", "d_fake",
                      "s_per_step", "elapsed_s"])

    def state():
        return {"step": step, "elapsed_s": elapsed, "args": vars(args), "arch": "material_v2",
                "G": G.state_dict(), "G_ema": G_ema.state_dict(), "D_fine": D_fine.state_dict(),
                "D_coarse": D_coarse.state_dict(), "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
                "rng": {"torch": torch.get_rng_state(), "numpy": np.random.get_state(),
                        "python": random.getstate(), "sampler": rng.bit_generator.state},
                **({"aux": aux.state_dict(), "opt_aux": opt_aux.state_dict()} if aux is not None else {}),
                **({"feature_means": fm.state_dict()} if fm is not None else {})}

    def d_score(v_fine, v_coarse, cls):
        """Summed score of both discriminators and their features (phi_fine, phi_coarse), which the
        auxiliary classifier reads (computed either way)."""
        (sf, pf), (sc, pc) = D_fine(v_fine, cls, features=True), D_coarse(v_coarse, cls, features=True)
        return sf + sc, (pf, pc)

    def set_trainable(generator):
        """The G step trains G only; the D step the discriminators and the auxiliary classifier."""
        G.requires_grad_(generator)
        for m in (D_fine, D_coarse) + ((aux,) if aux is not None else ()):
            m.requires_grad_(not generator)

    r1_val = 0.0
    while step < args.steps:
        t0 = time.time()
        off = tuple(int(v) for v in rng.integers(0, args.window - 64 + 1, size=2))
        # --- D step ---
        set_trainable(generator=False)
        real, masks, layout, cls = sampler.sample(b)
        with torch.no_grad():
            g_in, n_in = G.random_noise(b, grid, grid)
            fake = G(torch.randn(b, G.z_dim), g_in, n_in, raw=True, c=cls, layout=layout)
        d_real, phi_real = d_score(*views(real, layout, masks, args.height_scale, off), cls)
        d_fake, _ = d_score(*views(fake, layout, masks, args.height_scale, off), cls)
        loss_d = F.softplus(d_fake).mean() + F.softplus(-d_real).mean()
        if fm is not None:
            fm.update(phi_real, cls)
        opt_d.zero_grad(set_to_none=True)
        if aux is not None:
            loss_aux_d = aux_class_loss(aux, phi_real, cls, ncls)
            opt_aux.zero_grad(set_to_none=True)
            (loss_d + args.aux_class * loss_aux_d).backward()
            opt_aux.step()
        else:
            loss_d.backward()
        opt_d.step()
        if step % args.r1_every == 0:
            h = max(b // 2, 1)
            vf, vc = views(real[:h], layout[:h], masks[:h], args.height_scale, off)
            vf, vc = vf.detach().requires_grad_(True), vc.detach().requires_grad_(True)
            out, _ = d_score(vf, vc, cls[:h])
            gf, gc = torch.autograd.grad(out.sum(), [vf, vc], create_graph=True)
            r1 = (gf.square().sum(dim=(1, 2, 3)) + gc.square().sum(dim=(1, 2, 3))).mean()
            opt_d.zero_grad(set_to_none=True)
            (r1 * (args.r1_gamma / 2) * args.r1_every).backward()
            opt_d.step()
            r1_val = float(r1)
        # --- G step ---
        set_trainable(generator=True)
        if args.mode_seeking > 0:
            cls, layout, masks = paired(cls, layout, masks)
        g_in, n_in = G.random_noise(b, grid, grid)
        z = torch.randn(b, G.z_dim)
        fake = G(z, g_in, n_in, raw=True, update_w_avg=True, c=cls, layout=layout)
        score, phi_fake = d_score(*views(fake, layout, masks, args.height_scale, off), cls)
        loss_aux_g = aux_class_loss(aux, phi_fake, cls, ncls) if aux is not None else fake.new_zeros(())
        loss_adv = F.softplus(-score).mean()
        loss_layout = layout_consistency(fake, layout)
        loss_g = loss_adv + args.layout_weight * loss_layout
        keep = (layout[: b // 2, 1].flatten(1).mean(1) > 0.5) if args.mode_seeking_layout_only else None
        loss_ms = mode_seeking(fake, z, keep) if args.mode_seeking > 0 else fake.new_zeros(())
        loss_fm = fm.loss(phi_fake, cls) if fm is not None else fake.new_zeros(())
        loss_g = loss_g + args.mode_seeking * loss_ms + args.aux_class * loss_aux_g + args.feature_match * loss_fm
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        update_ema(G_ema, G, ema_beta)
        step += 1
        dt = time.time() - t0
        elapsed += dt
        log.writerow([step, step * b, f"{loss_d.item():.4f}", f"{loss_adv.item():.4f}", f"{float(loss_layout):.4f}",
                      f"{r1_val:.4f}", f"{d_real.mean().item():.3f}", f"{d_fake.mean().item():.3f}", f"{dt:.3f}",
                      f"{elapsed:.1f}"])
        if step % 10 == 0:
            log_f.flush()
            print(f"[train_v2] step {step} d {loss_d.item():.3f} g {loss_adv.item():.3f} "
                  f"layout {float(loss_layout):.3f} ms {float(loss_ms):.3f} "
                  + (f"aux d {float(loss_aux_d):.3f} g {float(loss_aux_g):.3f} " if aux is not None else "")
                  + (f"fm {float(loss_fm):.4f} " if fm is not None else "")
                  + f"r1 {r1_val:.3f} {dt:.2f}s/step", flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            p = save_checkpoint(state(), run_dir, step, latest_copy, args.keep)
            print(f"[train_v2] step {step}: checkpoint {p}", flush=True)
        if step % args.sample_every == 0:
            save_samples(G_ema, os.path.join(run_dir, f"samples_{step:07d}.png"), list(range(16)))
    log_f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
