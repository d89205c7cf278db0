# SPDX-License-Identifier: MIT
"""layout_prior.py: a per-category prior over procedural layouts, fit to the training layouts.

Why: material_v2 draws structure from its layout (conditioning.py); asked for a category alone it
has no layout and draws none (brick_tile without a layout gives streaks, not bricks). The prior
answers "which layout would a texture of this category have": for every training crop with a usable
layout (the Otsu mask of its low-passed height, conditioning.raised_mask) it finds the procedural
pattern (patterns.py) whose raised mask is closest, and keeps, per category, how often each fitted
pattern occurred. At run time the AUTO layout draws one entry of the category's list, weighted by
its count, from the layout seed (plugin/src/runtime/layout_prior.*; sample() below is its mirror).

Closeness, in two steps: the TOP candidates nearest in statistics, the distance between the
normalised linear autocorrelations (lags up to MAX_LAG px, Wiener-Khinchin via a zero-padded FFT,
each lag divided by its overlap; shift invariant, so no alignment search) plus the squared difference
of the raised fractions; then each of those aligned with the mask (the best circular shift, one FFT
cross-correlation) and scored by the mean IoU of faces and gaps. A regular layout (tiles, courses)
aligns with its pattern, so the best IoU wins when it reaches ALIGNED_IOU; an irregular one (stones,
stains) aligns with nothing, so the statistically nearest wins, if it is within STAT_DISTANCE. A
crop whose chosen candidate is farther than that (no pattern explains it: pipes, symbols, stains,
wood grain) or whose height is too flat for a layout counts as "none": the model then invents its
own structure, as without a layout. A crop fitted to blobs also gets a softness (soften()): the bevel,
as a share of a lattice cell, whose ramp covers as much of the map as the crop's soft layout does, so
snow drifts get wide ramps and gravel narrow ones (models trained on soft layouts render that).

    /usr/bin/python3 -m ntex_train.layout_prior --out layout_prior_material_v2.json --report fit.json
    /usr/bin/python3 -m ntex_train.layout_prior --write-fixture ../material_v2.json ../../tests/fixtures/layout_prior_draws.json
(from models/training; the fit takes about 5 min).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

from ntex_train import conditioning, patterns
from ntex_train.hashnoise import hash4

PERIOD = 256            # every candidate tiles a 256-px period (the training crop size)
COUNTS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16)   # cells across / down one period
GAPS = (2.0, 4.0, 8.0)
BEVEL = 2.0
MAX_LAG = 96
TOP = 32            # candidates aligned per crop
ALIGNED_IOU = 0.6   # mean IoU of faces and gaps at which an alignment is real (random masks: about 0.4)
STAT_DISTANCE = 0.02  # an unaligned fit must be this close in statistics (ground_rock's median: 0.007;
                      # metal stains and wood grain: 0.03-0.04, which Voronoi stones do not describe)
FRACTION_WEIGHT = 1.0
NONE_DISTANCE = 0.05    # set from the fit's distance histogram (docs/training.md, "Layout prior")
STREAM_PRIOR = 3000007  # hash4(seed, STREAM_PRIOR, category, 0): which entry the AUTO layout takes
MAX_ENTRIES = 256       # per category, as the plugin's model loader limits them
MAX_COUNT = 65536       # per entry, the same
TEXTURE_WEIGHT = 12     # count units per texture (a texture's crops share them)
JITTER = {"tiles": 0.5, "bricks": 0.3, "planks": 0.7, "panels": 0.5, "hexagons": 0.5, "voronoi": 1.0}
BLOB_COUNTS = COUNTS + (24, 32)       # blobs also finer than the other patterns: grass, gravel and snow
                                      # have layouts of 8-16 px patches (the low-pass is sigma 2 px), which
                                      # no 16-cell candidate matches (they drew 16-cell Voronoi: crazy paving)
BLOB_THRESHOLDS = (0.35, 0.5, 0.65)   # noise thresholds: mostly raised, half, mostly low
BLOB_JITTERS = (0.3, 1.0)             # smooth and ragged edges
BLOB_SOFTNESS = (0.1, 0.25, 0.5)      # blobs' bevel as a fraction of a lattice cell (ramp shares about
                                      # 0.07, 0.19, 0.35 at any cell count); soften() picks one per crop
RAMP_SHARE = (0.05, 0.95)             # a pixel is on the ramp when its raised value lies strictly inside


def candidates():
    """Every candidate spec: tiles, bricks, planks, panels over COUNTS x COUNTS x GAPS; hexagons and
    Voronoi (cells between 1:2 and 2:1, as validate_layout requires) with the gaps 2 and 4; blobs
    (lattices of at least 2 x 2 up to 32 x 32 (BLOB_COUNTS), within 2:1; a 1-cell lattice wraps to a constant) over
    BLOB_THRESHOLDS x BLOB_JITTERS, without a gap (soft patches have no grooves; their bevel is set per
    crop by soften())."""
    out = []
    for name in ("tiles", "bricks", "planks", "panels", "hexagons", "voronoi"):
        for c in COUNTS:
            for r in COUNTS:
                aspect = (PERIOD / c) / (PERIOD / r)
                if name in ("hexagons", "voronoi") and not 0.5 <= aspect <= 2.0:
                    continue
                if name == "hexagons" and r % 2:
                    continue
                if name in ("tiles", "panels") and c == r == 1:
                    continue   # one cell per 256 px: a single seam, indistinguishable from "none" at 256 px
                for g in (GAPS if name not in ("hexagons", "voronoi") else GAPS[:2]):
                    out.append(dict(pattern=name, columns=c, rows=r, period_width=PERIOD, period_height=PERIOD,
                                    offset=0.5, gap=g, bevel=BEVEL, jitter=JITTER[name], seed=0))
    for c in BLOB_COUNTS:
        for r in BLOB_COUNTS:
            if min(c, r) < 2 or not 0.5 <= c / r <= 2.0:
                continue
            for t in BLOB_THRESHOLDS:
                for j in BLOB_JITTERS:
                    out.append(dict(pattern="blobs", columns=c, rows=r, period_width=PERIOD, period_height=PERIOD,
                                    offset=t, gap=0.0, bevel=BEVEL, jitter=j, seed=0))
    return out


def blob_bevel(spec, softness):
    """Blobs' bevel in pixels: softness x the smaller lattice cell, within validate_layout's 0..64."""
    cell = min(spec["period_width"] / spec["columns"], spec["period_height"] / spec["rows"])
    return float(min(64.0, round(softness * cell, 1)))


def ramp_share(raised):
    """[..., H, W] raised channel -> share of pixels on the ramp (between RAMP_SHARE's bounds), per map."""
    r = np.asarray(raised)
    return ((r > RAMP_SHARE[0]) & (r < RAMP_SHARE[1])).mean(axis=(-2, -1))


def soften(best, cands, crop_share):
    """How soft each crop's blobs are. The fit sees binary masks, and Blobs' ramp is centred on its
    edge, so the bevel does not change what the fit matches; the crop's soft layout
    (conditioning.layout_from_height with ramp SOFT_RAMP) says how much of it is ramp. Per crop: a
    (candidate index, softness index) pair, the softness whose rendered ramp share is nearest the
    crop's (-1 for a crop that is not fitted to blobs)."""
    shares = {}
    out = []
    for b, share in zip(best, crop_share):
        if b < 0 or cands[b]["pattern"] != "blobs":
            out.append((int(b), -1))
            continue
        if b not in shares:
            shares[b] = [float(ramp_share(patterns.render_layout(dict(cands[b], bevel=blob_bevel(cands[b], k)),
                                                                 0, 0, PERIOD, PERIOD)[..., 0])) for k in BLOB_SOFTNESS]
        out.append((int(b), int(np.argmin([abs(v - share) for v in shares[b]]))))
    return out


def autocorrelation(masks):
    """masks [N, S, S] float (0/1) -> [N, 2 MAX_LAG + 1, 2 MAX_LAG + 1] normalised linear autocorrelation
    of the zero-mean mask (1 at lag 0; 0 everywhere for a constant mask)."""
    x = torch.as_tensor(masks, dtype=torch.float64)
    n, s, _ = x.shape
    x = x - x.mean(dim=(1, 2), keepdim=True)
    p = 2 * s
    f = torch.fft.rfft2(x, s=(p, p))
    ac = torch.fft.irfft2(f.abs() ** 2, s=(p, p))
    ones = torch.fft.rfft2(torch.ones(1, s, s, dtype=torch.float64), s=(p, p))
    overlap = torch.fft.irfft2(ones.abs() ** 2, s=(p, p)).clamp(min=1.0)
    ac = ac / overlap
    ac = torch.fft.fftshift(ac, dim=(1, 2))[:, p // 2 - MAX_LAG:p // 2 + MAX_LAG + 1, p // 2 - MAX_LAG:p // 2 + MAX_LAG + 1]
    zero = ac[:, MAX_LAG, MAX_LAG].clone()
    return torch.where(zero[:, None, None] > 1e-9, ac / zero.clamp(min=1e-9)[:, None, None], torch.zeros_like(ac)).float()


def best_iou(masks, cand_masks):
    """masks [N, S, S], cand_masks [N, K, S, S] (0/1, candidates exactly periodic over S) -> mean IoU
    [N, K] of the faces and of the gaps (both classes, as a segmentation mIoU: the faces alone favour a
    nearly all-face candidate for a mask with a few seams) at the best circular shift of each candidate.
    The shift search is one FFT cross-correlation: faces(shift) = sum_p m(p) c(p + shift), and the
    gaps' intersection follows as S^2 - |m| - |c| + faces."""
    m = torch.as_tensor(masks, dtype=torch.float32)[:, None]
    c = torch.as_tensor(cand_masks, dtype=torch.float32)
    inter = torch.fft.irfft2(torch.fft.rfft2(c) * torch.fft.rfft2(m).conj(), s=m.shape[-2:]).flatten(2)
    sm, sc = m.sum(dim=(2, 3))[..., None], c.sum(dim=(2, 3))[..., None]
    total = float(m.shape[-1] * m.shape[-2])
    gaps = total - sm - sc + inter
    face_iou = inter / (sm + sc - inter).clamp(min=1.0)
    gap_iou = gaps / (2 * total - sm - sc - gaps).clamp(min=1.0)
    return (0.5 * (face_iou + gap_iou)).max(2).values


def fit(masks, valid, cands, cand_masks, batch=32, top=TOP):
    """Best candidate per mask: (index [N] into cands, or -1 for none; autocorrelation distance [N];
    IoU [N] at the best shift). The TOP candidates closest in autocorrelation (statistics, shift
    invariant) are aligned with the mask; the one with the highest mean IoU wins if it reaches
    ALIGNED_IOU, else the nearest in autocorrelation."""
    ca = torch.cat([autocorrelation(cand_masks[i:i + batch]).flatten(1) for i in range(0, len(cand_masks), batch)])
    cf = torch.as_tensor(cand_masks, dtype=torch.float32).mean(dim=(1, 2))
    best, dist, ious = [], [], []
    for i in range(0, len(masks), batch):
        ra = autocorrelation(masks[i:i + batch]).flatten(1)
        rf = torch.as_tensor(masks[i:i + batch], dtype=torch.float32).mean(dim=(1, 2))
        d = torch.cdist(ra, ca) ** 2 / ra.shape[1] + FRACTION_WEIGHT * (rf[:, None] - cf[None]) ** 2
        near = d.topk(top, dim=1, largest=False).indices
        iou = best_iou(masks[i:i + batch], cand_masks[near.numpy()])
        # A regular layout (tiles, courses) aligns with its pattern: the best IoU wins. An irregular one
        # (stones, stains) aligns with nothing (IoU about 0.4 for every candidate, so its argmax is
        # noise): the candidate with the nearest statistics (autocorrelation) wins.
        k = torch.where(iou.max(1).values >= ALIGNED_IOU, iou.argmax(1), torch.zeros_like(near[:, 0]))
        pick = near.gather(1, k[:, None])[:, 0]
        best.append(pick)
        dist.append(d.gather(1, pick[:, None])[:, 0])
        ious.append(iou.gather(1, k[:, None])[:, 0])
    best, dist, ious = torch.cat(best).numpy(), torch.cat(dist).numpy(), torch.cat(ious).numpy()
    return explained(best, valid, dist, ious), dist, ious


def explained(best, valid, dist, ious):
    """best with -1 ("none") where no candidate explains the crop: no usable layout, farther than
    NONE_DISTANCE, or unaligned (IoU below ALIGNED_IOU) and farther than STAT_DISTANCE."""
    ok = valid & (dist <= NONE_DISTANCE) & ((ious >= ALIGNED_IOU) | (dist <= STAT_DISTANCE))
    return np.where(ok, best, -1)


def build_prior(best, classes, sources, cands, categories, softness=None):
    """{"categories": {name: [[count, spec], ...]}}: per category, the fitted specs with their counts
    (most frequent first, at most MAX_ENTRIES), "none" for crops no pattern explains. softness: per
    crop, soften()'s (candidate, softness index) pairs (blobs then take that bevel). Every texture
    weighs the same (a 1024-px texture gives 16 crops, a 256-px one 1): a crop counts 1 / (crops of its
    texture), and the counts are TEXTURE_WEIGHT x the textures' shares, rounded (at least 1)."""
    per_texture = {}
    for src in sources:
        per_texture[src] = per_texture.get(src, 0) + 1
    keys = softness if softness is not None else [(int(b), -1) for b in best]
    keys = np.array(keys, dtype=np.int64).reshape(len(best), 2)

    def spec_of(key):
        b, k = key
        if b < 0:
            return {"pattern": "none"}
        spec = spec_fields(cands[b])
        if k >= 0:
            spec["bevel"] = blob_bevel(spec, BLOB_SOFTNESS[k])
        return spec

    out = {}
    for ci, cname in enumerate(categories):
        weights = {}
        for key, src in zip(keys[classes == ci], sources[classes == ci]):
            key = (int(key[0]), int(key[1]))
            weights[key] = weights.get(key, 0.0) + 1.0 / per_texture[src]
        counts = {key: min(MAX_COUNT, max(1, int(round(TEXTURE_WEIGHT * w)))) for key, w in weights.items()}
        entries = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_ENTRIES]
        out[cname] = [[n, spec_of(key)] for key, n in entries]
    return {"categories": out}


def spec_fields(spec):
    keys = ("pattern", "columns", "rows", "period_width", "period_height", "offset", "gap", "bevel", "jitter")
    return {k: spec[k] for k in keys}


def sample(prior, category, seed, categories=None):
    """The layout spec the AUTO layout renders for category name (or None: "any", every category's
    entries together, in the model's category order) and layout seed: entry k with probability
    count_k / sum(counts), chosen by hash4(seed, STREAM_PRIOR, category index or len(categories), 0);
    the entry's pattern randomness uses the same seed. categories: the model's mapping.categories (the
    plugin's order for the key and for "any"; default: the prior's own key order). Mirrors the plugin's
    sample_layout_prior."""
    cats = list(categories) if categories is not None else list(prior["categories"])
    if category is None:
        entries = [e for c in cats for e in prior["categories"][c]]
        key = len(cats)
    else:
        entries = prior["categories"][category]
        key = cats.index(category)
    total = sum(n for n, _ in entries)
    if total == 0:
        return {"pattern": "none", "seed": seed}
    u = int(hash4(np.uint32(seed), np.uint32(STREAM_PRIOR), np.uint32(key), np.uint32(0)))
    pick = u % total
    for n, spec in entries:
        if pick < n:
            return dict(spec, seed=seed)
        pick -= n
    raise AssertionError("unreachable")


def _lround(x):
    """C's lround for x >= 0 (half away from zero; Python's round() rounds half to even)."""
    return int(np.floor(x + 0.5))


def _fitted_period(size, period):
    best, best_score = size, float("inf")
    for k in range(1, size + 1):
        if size % k:
            continue
        p = size // k
        if p < 16 and best >= 16:
            break
        score = abs(np.log(p / period))
        if score < best_score:
            best, best_score = p, score
    return best


def fit_period(spec, width, height):
    """TILEABLE: each period replaced by the divisor of the side nearest to it in ratio (ties to the
    larger, at least 16 px where possible), Blobs' counts scaled with the periods (2..64), Voronoi/Hexagons
    cells beyond 2:1 made square-ish again.
    Mirrors the plugin's fit_layout_period."""
    if spec["pattern"] in ("none", "mask", "auto"):
        return dict(spec)
    s = dict(spec)
    s["period_width"] = _fitted_period(width, spec["period_width"])
    s["period_height"] = _fitted_period(height, spec["period_height"])
    if s["pattern"] == "blobs":   # counts follow the periods, so lattice cells keep their size; 2..64
        s["columns"] = int(np.clip(_lround(spec["columns"] * s["period_width"] / spec["period_width"]), 2, 64))
        s["rows"] = int(np.clip(_lround(spec["rows"] * s["period_height"] / spec["period_height"]), 2, 64))
        return s
    if s["pattern"] in ("voronoi", "hexagons"):
        def aspect_ok(t):
            return 0.5 <= (t["period_width"] / t["columns"]) / (t["period_height"] / t["rows"]) <= 2.0
        if not aspect_ok(s):
            step = 2 if s["pattern"] == "hexagons" else 1
            rows = _lround(s["rows"] * s["period_height"] / spec["period_height"] / step) * step
            s["rows"] = int(np.clip(rows, step, 64))
            s["columns"] = int(np.clip(_lround(s["rows"] * s["period_width"] / s["period_height"]), 1, 64))
        if not aspect_ok(s):
            return {"pattern": "none", "seed": spec.get("seed", 0)}
    return s


def resolve(prior, categories, spec, category, width=None, height=None):
    """A golden case's or a run's layout spec with "auto" replaced as the plugin's TextureGenerator
    does: the prior's draw for category index (-1: any) and spec["seed"], its period fitted to a
    width x height tileable texture when both are given."""
    if spec is None or spec.get("pattern") != "auto":
        return spec
    s = sample(prior, None if category < 0 else categories[category], int(spec.get("seed", 0)), categories)
    return fit_period(s, width, height) if width is not None else s


def write_fixture(model_json, path, seeds=48):
    """tests/fixtures/layout_prior_draws.json: draws of the model's prior (every category and "any",
    seeds 0..seeds-1 and 2^32-1) and their tileable fits to 384 x 128, for LayoutPrior.DrawsMatchPython."""
    with open(model_json) as f:
        desc = json.load(f)
    prior, cats = desc["layout_prior"], desc["mapping"]["categories"]
    cases = []
    for c in range(-1, len(cats)):
        for seed in list(range(seeds)) + [4294967295]:
            s = sample(prior, None if c < 0 else cats[c], seed, cats)
            cases.append({"category": c, "seed": seed, "draw": s, "tileable_384x128": fit_period(s, 384, 128)})
    with open(path, "w") as f:
        json.dump({"model": os.path.basename(model_json), "cases": cases}, f, indent=0, sort_keys=True)
        f.write("\n")


def fit_metadata(crops, sources):
    return {"crops": int(crops), "textures": int(len(set(sources))), "none_distance": NONE_DISTANCE,
            "candidates": len(candidates()), "max_lag": MAX_LAG, "top": TOP, "aligned_iou": ALIGNED_IOU,
            "stat_distance": STAT_DISTANCE,
            "texture_weight": TEXTURE_WEIGHT}


def main(argv=None):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from train import data_dir  # noqa: E402
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None, help="folder with train.npz")
    ap.add_argument("--out", help="prior JSON")
    ap.add_argument("--write-fixture", nargs=2, metavar=("MODEL_JSON", "FIXTURE"),
                    help="write the plugin test's draws of MODEL_JSON's prior to FIXTURE and stop")
    ap.add_argument("--report", default=None, help="per-crop fit (JSON) for the docs' histogram")
    ap.add_argument("--from-report", default=None, help="rebuild the prior from an earlier --report (no refit)")
    args = ap.parse_args(argv)
    if args.write_fixture:
        write_fixture(*args.write_fixture)
        return
    if not args.out:
        ap.error("--out is required")
    if args.from_report:
        with open(args.from_report) as f:
            r = json.load(f)
        classes = np.array(r["classes"])
        best = explained(np.array(r["best"]), np.array(r["valid"]), np.array(r["distance"]), np.array(r["iou"]))
        sources = np.array(r["sources"]) if "sources" in r else None
        if sources is None:
            with np.load(os.path.join(args.data or os.path.join(data_dir(), "dataset"), "train.npz")) as d:
                sources = d["source"][np.array(r["index"])]
        cands = candidates()
        soft = soften(best, cands, np.array(r["ramp_share"])) if "ramp_share" in r else None
        prior = build_prior(best, classes, sources, cands, conditioning.CATEGORIES, soft)
        prior["fit"] = fit_metadata(len(best), sources)
        with open(args.out, "w") as f:
            json.dump(prior, f, indent=1)
        return
    with np.load(os.path.join(args.data or os.path.join(data_dir(), "dataset"), "train.npz")) as d:
        has_h = d["has_height"]
        idx = np.where(has_h)[0]
        height = d["height"][idx]
        sources = d["source"][idx]
        classes = np.array([conditioning.category_of(s) for s in sources])
    masks, valid, shares = [], [], []
    for i in range(0, len(idx), 128):
        h01 = torch.from_numpy(height[i:i + 128]).float()[:, None] / 255.0
        m, v = conditioning.raised_mask(h01)
        masks.append(m[:, 0].numpy())
        valid.append(v.numpy())
        shares.append(ramp_share(conditioning.soft_raised(h01, conditioning.SOFT_RAMP)[0][:, 0].numpy()))
    masks, valid, shares = np.concatenate(masks), np.concatenate(valid), np.concatenate(shares)
    cands = candidates()
    cand_masks = np.stack([patterns.render_layout(c, 0, 0, PERIOD, PERIOD)[..., 0] > 0.5 for c in cands]).astype(np.float32)
    best, dist, ious = fit(masks, valid, cands, cand_masks)
    soft = soften(best, cands, shares)
    prior = build_prior(best, classes, sources, cands, conditioning.CATEGORIES, soft)
    prior["fit"] = fit_metadata(len(idx), sources)
    with open(args.out, "w") as f:
        json.dump(prior, f, indent=1)
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"sources": sources.tolist(), "distance": dist.tolist(), "iou": ious.tolist(), "best": best.tolist(), "valid": valid.tolist(),
                       "classes": classes.tolist(), "index": idx.tolist(), "ramp_share": shares.tolist()}, f)
    for ci, cname in enumerate(conditioning.CATEGORIES):
        sel = classes == ci
        pats = {}
        for b in best[sel]:
            k = "none" if b < 0 else cands[b]["pattern"]
            pats[k] = pats.get(k, 0) + 1
        print(f"{cname:15s} {int(sel.sum()):4d} crops  median distance {np.median(dist[sel]) if sel.any() else 0:.4f}  {pats}")


if __name__ == "__main__":
    main()
