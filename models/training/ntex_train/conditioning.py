# SPDX-License-Identifier: MIT
"""conditioning.py: what material_v2 is conditioned on, derived from the training data itself.

Categories (a cGAN's class label, Mirza & Osindero 2014; projection discriminator, Miyato & Koyama
2018): keyword rules on the texture's path inside the package, first match wins.

Layout (the pix2pix / SPADE / TileGen idea): a K = 2 channel map at the texture's resolution,
    channel 0 "raised": 1 where the surface stands out (brick, tile, plank, stone, panel), 0 in the
              gaps (mortar, grooves, seams), soft at the edges;
    channel 1 "present": 1 where a layout is given, 0 for "no layout" (then channel 0 is 0 too).
From a real texture: the height map low-passed (Gaussian, sigma LAYOUT_SIGMA px) and thresholded
with Otsu's method (Otsu 1979) per crop. Two ways to turn that into channel 0 (`ramp`):
    ramp = 0 ("hard", material_v2 up to step 18,400): the binary mask, softened (sigma 1 px);
    ramp > 0 ("soft"): clamp(0.5 + (lowpass - threshold) / (2 ramp std(lowpass)), 0, 1), a linear
              ramp around the same threshold. Where the height steps (mortar, seams) the ramp is a
              few pixels wide, as the hard map; where it rolls (drifts, mounds, gravel) the ramp
              spans the slope, so the generator learns that a wide ramp means a gentle surface and a
              procedural pattern's bevel says how soft its edges are.
Both agree on which side of 0.5 a pixel lies (the Otsu mask), so the IoU metric is the same for both.
At run time the same map comes from procedural patterns or a user mask
(plugin/src/runtime/layout_pattern.*). The evaluation's layout fidelity (IoU) thresholds the generated
height the same way.
"""
import numpy as np
import torch
import torch.nn.functional as F

CATEGORIES = ("metal", "concrete_stone", "brick_tile", "wood", "ground_rock", "other")
# Ordered rules: (category, path keywords). Wood before metal ("crate"), ground/rock before
# concrete/stone ("rock" vs "stone"), metal before concrete ("cretewall_pipes" is mostly pipes).
CATEGORY_RULES = (
    ("wood", ("wood", "plank", "crate", "bark", "log", "board")),
    ("ground_rock", ("terrain", "rock", "sand", "mud", "dirt", "grass", "ground", "moss", "gravel",
                     "asphalt", "soil", "cliff")),
    ("brick_tile", ("brick", "tile", "block", "cobble", "pave", "roof", "slate", "trisec")),
    ("metal", ("mtl", "metal", "rust", "rst", "grate", "grt", "tech", "tek", "steel", "iron", "pipe",
               "panel", "girder", "tin", "plate", "door", "mgrate", "bmtl", "chn")),
    ("concrete_stone", ("crete", "cement", "concrete", "plaster", "stone", "marble", "stucco", "wall",
                        "floor", "base")),
)
LAYOUT_CHANNELS = 2
LAYOUT_SIGMA = 2.0
SOFT_RAMP = 0.5          # the soft layouts' ramp half-width, in standard deviations of the low-pass
MIN_LAYOUT_STD = 0.02   # a flatter low-passed height carries no layout


def category_of(source):
    """Category index of a data-set source string `package:textures/<set>/<name>`."""
    path = source.split(":", 1)[-1].lower()
    rest = path[len("textures/"):] if path.startswith("textures/") else path
    for name, keys in CATEGORY_RULES:
        if any(k in rest for k in keys):
            return CATEGORIES.index(name)
    return CATEGORIES.index("other")


def gaussian_blur(x, sigma, mode="reflect"):
    """x [B, C, H, W] float; separable Gaussian, radius 3 sigma; padding `mode` (reflect for crops
    that do not tile, circular for tileable images)."""
    if sigma <= 0:
        return x
    r = max(1, int(np.ceil(3 * sigma)))
    t = torch.arange(-r, r + 1, dtype=x.dtype)
    k = torch.exp(-0.5 * (t / sigma) ** 2)
    k = (k / k.sum()).to(x.device)
    c = x.shape[1]
    x = F.pad(x, (r, r, 0, 0), mode=mode)
    x = F.conv2d(x, k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    x = F.pad(x, (0, 0, r, r), mode=mode)
    return F.conv2d(x, k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def otsu_threshold(values, bins=256):
    """Otsu's threshold of a 1-D array of values in [0, 1] (maximises the between-class variance)."""
    hist, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    p = hist.astype(np.float64) / max(hist.sum(), 1)
    centres = (edges[:-1] + edges[1:]) * 0.5
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centres)
    mt = m0[-1]
    w1 = 1.0 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 - m0) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = -1.0
    return float(edges[int(np.argmax(between)) + 1])


def raised_mask(height01, sigma=LAYOUT_SIGMA, mode="reflect"):
    """height01 [B, 1, H, W] in [0, 1] -> (binary raised mask [B, 1, H, W], per-image valid [B]):
    Otsu threshold of the low-passed height; invalid where the low-pass is nearly flat."""
    lp = gaussian_blur(height01, sigma, mode)
    masks, valid = [], []
    for im in lp:
        v = im.flatten().numpy()
        valid.append(float(v.std()) >= MIN_LAYOUT_STD)
        masks.append((im > otsu_threshold(v)).float())
    return torch.stack(masks), torch.tensor(valid)


def soft_raised(height01, ramp, sigma=LAYOUT_SIGMA, mode="reflect"):
    """height01 [B, 1, H, W] in [0, 1] -> (soft raised channel [B, 1, H, W] in [0, 1], valid [B]): the
    low-passed height ramped linearly around its Otsu threshold over +-ramp standard deviations."""
    lp = gaussian_blur(height01, sigma, mode)
    out, valid = [], []
    for im in lp:
        v = im.flatten().numpy()
        std = float(v.std())
        valid.append(std >= MIN_LAYOUT_STD)
        t = otsu_threshold(v)
        out.append(((im - t) / (2.0 * ramp * max(std, 1e-6)) + 0.5).clamp(0.0, 1.0))
    return torch.stack(out), torch.tensor(valid)


def layout_from_height(height01, mode="reflect", ramp=0.0):
    """Training layouts: [B, 1, H, W] height in [0, 1] -> ([B, 2, H, W] layout, [B] valid); `ramp` 0
    for the hard map, > 0 for the soft one (module docstring). Invalid images get the "no layout" map
    (zeros)."""
    if ramp > 0:
        soft, valid = soft_raised(height01, ramp, mode=mode)
    else:
        mask, valid = raised_mask(height01, mode=mode)
        soft = gaussian_blur(mask, 1.0, mode)
    present = valid[:, None, None, None].float().expand_as(soft)
    return torch.cat([soft * present, present], 1), valid


def iou(a, b):
    """Intersection over union of two boolean tensors of the same shape, per image [B] (1 where both
    are empty)."""
    a, b = a.flatten(1).bool(), b.flatten(1).bool()
    inter = (a & b).sum(1).float()
    union = (a | b).sum(1).float()
    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))
