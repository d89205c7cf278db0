# SPDX-License-Identifier: MIT
"""baselines.py: baseline (a) of the evaluation, fractal (fBm) value noise tinted with the data set's
statistics, as material maps in the formats evaluate.py compares (uint8, 0..255).

Per sample: albedo = m + s * n (the mean colour m and per-channel std s of one random training
texture, i.e. a colour pair m -/+ s blended by the noise n); height = one random height texture's
mean/std applied to an independent fBm; normal derived from that height with the model's
height_scale (material.derive_normals); roughness likewise from the textures that have a gloss map.
n is zero-mean, unit-std fBm: octaves of smooth (bicubic) value noise on periodic lattices of
2, 4, 8, ... cells, amplitude halving per octave (persistence 0.5, lacunarity 2).
"""
import numpy as np
import torch
import torch.nn.functional as F

from . import material


def _per_texture(arr, idx, step=4):
    """Per-texture mean and std ([K, C]) over a strided pixel subset of arr[idx]."""
    means, stds = [], []
    for i in idx:
        x = np.float32(arr[i][::step, ::step]).reshape(-1, 1 if arr.ndim == 3 else arr.shape[-1])
        means.append(x.mean(0))
        stds.append(x.std(0))
    return np.array(means, np.float32).reshape(len(idx), -1), np.array(stds, np.float32).reshape(len(idx), -1)


def dataset_stats(npz):
    """{map: (means [K, C], stds [K, C])} in 0..255 from a train.npz (albedo: every texture; height
    and roughness: the textures that have the map; roughness = 255 - gloss)."""
    out = {"albedo": _per_texture(npz["albedo"], np.arange(len(npz["albedo"])))}
    h = np.where(npz["has_height"])[0]
    if len(h):
        out["height"] = _per_texture(npz["height"], h)
    g = np.where(npz["has_gloss"])[0]
    if len(g):
        out["roughness"] = _per_texture(255 - npz["gloss"], g)
    return out


def value_noise(count, size, cells, gen):
    """[count, 1, size, size] smooth periodic noise: a cells x cells Gaussian lattice, bicubic."""
    lattice = torch.randn(count, 1, cells, cells, generator=gen)
    p = 2
    x = F.pad(lattice, (p, p, p, p), mode="circular")
    s = size // cells
    x = F.interpolate(x, scale_factor=s, mode="bicubic", align_corners=False)
    return x[:, :, p * s:p * s + size, p * s:p * s + size]


def fbm(count, size, gen, octaves=None, persistence=0.5):
    """[count, 1, size, size] zero-mean, unit-std (per sample) fractal noise."""
    octaves = octaves or int(np.log2(size)) - 1  # 2 cells .. size / 2 cells
    x = torch.zeros(count, 1, size, size)
    amp = 1.0
    for o in range(octaves):
        x += amp * value_noise(count, size, 2 << o, gen)
        amp *= persistence
    x -= x.mean(dim=(1, 2, 3), keepdim=True)
    return x / x.std(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)


def _tinted(stats, count, size, gen, rng):
    means, stds = stats
    k = rng.integers(0, len(means), count)
    m = torch.from_numpy(means[k])[:, :, None, None]
    s = torch.from_numpy(stds[k])[:, :, None, None]
    return (m + s * fbm(count, size, gen)).clamp(0, 255) / 255.0  # [count, C, size, size] in [0, 1]


def fbm_material(count, size, stats, height_scale, seed=0):
    """{albedo [N, S, S, 3], normal [N, S, S, 3], height [N, S, S], roughness [N, S, S]} uint8."""
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    u8 = lambda t: (t * 255.0 + 0.5).clamp(0, 255).to(torch.uint8).numpy()  # noqa: E731
    grey = (np.full((1, 1), 128.0, np.float32), np.full((1, 1), 40.0, np.float32))
    albedo = _tinted(stats["albedo"], count, size, gen, rng)
    height = _tinted(stats.get("height", grey), count, size, gen, rng)
    rough = _tinted(stats.get("roughness", grey), count, size, gen, rng)
    normal = material.encode_normals(material.derive_normals(height, height_scale))
    return {"albedo": u8(albedo.permute(0, 2, 3, 1)), "normal": u8(normal.permute(0, 2, 3, 1)),
            "height": u8(height[:, 0]), "roughness": u8(rough[:, 0])}
