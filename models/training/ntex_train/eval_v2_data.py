# SPDX-License-Identifier: MIT
"""eval_v2_data.py: the real image sets of the material_v2 evaluation (evaluate_v2.py).

Images are uint8 [N, S, S, 4]: albedo RGB + height. Sources:
- held-out: random S x S windows of the whole held-out textures at their working size
  (heldout_full.npz of build_dataset.py). Two thirds of them are 256 x 256, a single 256 px window,
  so along an axis where a texture tiles (see tileable) windows wrap around, as the tiled surface
  shows them; elsewhere they stay inside the image. Textures are drawn with probability
  proportional to the crops build_dataset cuts from them (as heldout.npz and train.npz weight them).
- training split: the 256 px crops of train.npz (one window position each).
Every real window gets a random one of the 8 rotations/flips, as train_v2's sampler does: the
generator learnt that augmented distribution, and it lets the 1,683 training crops give 2,048
distinct images. A window is distinct by (texture, position, rotation/flip).
C2ST sets are texture-disjoint: the classifier's training and test windows come from different
textures (else it could memorise the held-out textures and tell them from anything generated).
"""
import hashlib

import numpy as np

from . import conditioning

MAX_CROPS = 4       # build_dataset.MAX_CROPS: the weight of a texture
SEAM_RATIO = 2.0    # see tileable


class Pool:
    """Textures (or crops) to cut windows from: albedo [h, w, 3] and height [h, w] uint8 each."""

    def __init__(self, albedo, height, has_height, sources, weights, wraps):
        self.albedo, self.height = albedo, height
        self.has_height = np.asarray(has_height, bool)
        self.sources = [str(s) for s in sources]
        self.weights = np.asarray(weights, np.float64)
        self.wraps = np.asarray(wraps, bool).reshape(-1, 2)   # per item: (wraps along y, along x)
        self.categories = np.array([conditioning.category_of(s) for s in self.sources], np.int64)

    def __len__(self):
        return len(self.sources)

    def select(self, category=None, need_height=False):
        """Indices of the items of a category (None: all) with a height map when need_height."""
        keep = np.ones(len(self), bool)
        if category is not None:
            keep &= self.categories == category
        if need_height:
            keep &= self.has_height
        return np.where(keep)[0]

    def texture_count(self, items):
        return len({self.sources[i] for i in items})


def tileable(albedo):
    """(along y, along x): whether the texture wraps without a visible seam along that axis: the mean
    |difference| between the last and the first row (column) is no larger than that of the roughest
    pair of neighbouring rows inside, or SEAM_RATIO x the median pair. The maximum, not a mean, so a
    tile or panel edge that falls on the border (a seam as sharp as the edges inside) still counts
    as tiling; checked by eye on the held-out set (90 of 100 tile; the rest are trims, dials and
    panels with a border)."""
    a = albedo.astype(np.float32)
    out = []
    for axis in (0, 1):
        b = np.moveaxis(a, axis, 0)
        pairs = np.abs(np.diff(b, axis=0)).mean(axis=tuple(range(1, b.ndim)))
        seam = np.abs(b[0] - b[-1]).mean()
        out.append(bool(seam <= max(SEAM_RATIO * np.median(pairs), pairs.max(), 1e-3)))
    return tuple(out)


def load_heldout_full(path, crop=256):
    """Pool of the whole held-out textures (build_dataset.write_full's layout)."""
    with np.load(path) as d:
        shapes, offset = d["shape"], d["offset"]
        alb, hei = d["albedo"], d["height"]
        albedo = [alb[o:o + h * w].reshape(h, w, 3) for (h, w), o in zip(shapes, offset)]
        height = [hei[o:o + h * w].reshape(h, w) for (h, w), o in zip(shapes, offset)]
        has_height, sources = d["has_height"], d["source"]
    weights = [max(1, min(MAX_CROPS, (h // crop) * (w // crop))) for h, w in shapes]
    return Pool(albedo, height, has_height, sources, weights, [tileable(a) for a in albedo])


def load_train_crops(npz):
    """Pool of the training split's crops (each its own item, weight 1, no wrap: a crop of a larger
    texture does not tile)."""
    n = len(npz["albedo"])
    return Pool(npz["albedo"], npz["height"], npz["has_height"], npz["source"], np.ones(n), np.zeros((n, 2), bool))


def dihedral(img, t):
    """Rotation by (t % 4) x 90 degrees, mirrored when t >= 4 ([H, W, ...] array)."""
    img = np.rot90(img, t % 4, axes=(0, 1))
    return img[:, ::-1] if t >= 4 else img


def window(pool, i, y, x, size):
    """[size, size, 4] window at (y, x) of item i (indices wrap around where it crosses the edge)."""
    a, h = pool.albedo[i], pool.height[i]
    hh, ww = a.shape[:2]
    if y + size <= hh and x + size <= ww:
        a, h = a[y:y + size, x:x + size], h[y:y + size, x:x + size]
    else:
        ys, xs = np.arange(y, y + size) % hh, np.arange(x, x + size) % ww
        a, h = a[np.ix_(ys, xs)], h[np.ix_(ys, xs)]
    return np.concatenate([a, h[..., None]], axis=2)


def sample_windows(pool, items, count, size, rng, transform=True):
    """count distinct random windows of the pool's `items` (drawn by weight) -> (images
    [count, size, size, 4], item index of each). A window repeats only when 50 x count draws found
    no new one (items holding fewer distinct windows than asked)."""
    items = np.asarray(items)
    if len(items) == 0 or count == 0:
        return np.zeros((0, size, size, 4), np.uint8), np.zeros(0, np.int64)
    p = pool.weights[items] / pool.weights[items].sum()
    out, which, seen = np.zeros((count, size, size, 4), np.uint8), np.zeros(count, np.int64), set()
    k, tries = 0, 0
    while k < count:
        i = int(items[rng.choice(len(items), p=p)])
        hh, ww = pool.albedo[i].shape[:2]
        ly = hh if pool.wraps[i, 0] else hh - size + 1
        lx = ww if pool.wraps[i, 1] else ww - size + 1
        y, x = int(rng.integers(max(ly, 1))), int(rng.integers(max(lx, 1)))
        t = int(rng.integers(8)) if transform else 0
        key = (i, y, x, t)
        tries += 1
        if key in seen and tries < 50 * count:
            continue
        seen.add(key)
        out[k] = dihedral(window(pool, i, y, x, size), t)
        which[k] = i
        k += 1
    return out, which


def split_textures(pool, items, test_fraction=0.25):
    """Texture-disjoint split of `items` -> (train items, test items, shared). Textures in a fixed
    pseudo-random order (hash of the source) go to the test side until it holds test_fraction of
    the weight; each side keeps at least one texture. With a single texture both sides use it
    (shared=True: the C2ST then measures closeness to that texture; the caller flags it)."""
    items = np.asarray(items)
    sources = sorted({pool.sources[i] for i in items},
                     key=lambda s: hashlib.sha256(f"ntex-c2st:{s}".encode()).hexdigest())
    if len(sources) < 2:
        return items, items, True
    weight = {s: 0.0 for s in sources}
    for i in items:
        weight[pool.sources[i]] += pool.weights[i]
    total, acc, test = sum(weight.values()), 0.0, set()
    for s in sources[:-1]:
        if acc >= test_fraction * total:
            break
        test.add(s)
        acc += weight[s]
    is_test = np.array([pool.sources[i] in test for i in items])
    return items[~is_test], items[is_test], False


def c2st_set(pool, items, n_train, n_test, size, rng):
    """Real C2ST set: n_train windows of one texture group and n_test of the other. Returns
    (train images, test images, info dict with texture counts and flags)."""
    tr, te, shared = split_textures(pool, items)
    a, wa = sample_windows(pool, tr, n_train, size, rng)
    b, wb = sample_windows(pool, te, n_test, size, rng)
    info = {"textures": pool.texture_count(items), "train_textures": pool.texture_count(tr),
            "test_textures": pool.texture_count(te), "shared_textures": bool(shared),
            "categories": np.concatenate([pool.categories[wa], pool.categories[wb]]) if len(items) else None}
    return a, b, info


def one_window_each(pool, items, size, rng):
    """One random window per distinct texture among `items` (diversity: different textures)."""
    first = {}
    for i in items:
        first.setdefault(pool.sources[i], []).append(i)
    picks = [int(v[rng.integers(len(v))]) for v in first.values()]
    return sample_windows(pool, picks, len(picks), size, rng, transform=False)[0] if picks else None


def sheet_windows(pool, items, count, size, rng):
    """count windows for a picture, cycling through the distinct textures (no rotation/flip)."""
    by_tex = {}
    for i in items:
        by_tex.setdefault(pool.sources[i], []).append(int(i))
    if not by_tex:
        return np.zeros((0, size, size, 4), np.uint8)
    groups = list(by_tex.values())
    out = []
    for k in range(count):
        g = groups[k % len(groups)]
        out.append(sample_windows(pool, [g[int(rng.integers(len(g)))]], 1, size, rng, transform=False)[0][0])
    return np.stack(out)


def random_window(images, size, rng):
    """One random size x size window of every image [N, S, S, C] (the 128 px C2ST from 256 px sets)."""
    n, s = images.shape[:2]
    ys, xs = rng.integers(0, s - size + 1, n), rng.integers(0, s - size + 1, n)
    return np.stack([im[y:y + size, x:x + size] for im, y, x in zip(images, ys, xs)]) if n else images[:, :size, :size]
