# SPDX-License-Identifier: MIT
"""category_judge.py: the evaluation's category classifier (does a generated sample look like the
category it was asked for?), built from texture statistics rather than a CNN on pixels.

Why not a CNN: the categories come from texture paths (conditioning.CATEGORY_RULES) and the training
split holds ~1,300 textures. A small CNN trained from scratch on those crops (c2st.SmallCNN, 600
steps) recognises *real held-out* textures at chance (accuracy 0.17, balanced 0.28, six classes,
session 14): it learns the training textures, not the categories, so it could not judge a generator.
Summary statistics of the kind texture analysis and synthesis use (colour moments, the radially
averaged power spectrum in octave bands, gradient energy and orientation coherence; Portilla &
Simoncelli 2000 use the same families) carry what tells metal from wood or rock across textures.
A small MLP on them recognises held-out textures at ~0.69 balanced accuracy (measured on the
nexuiz/openarena split, session 15), which makes "assigned to the requested category" measurable,
with the real held-out recall reported beside it as the ceiling.

Every statistic is invariant to the 8 rotations/flips (real windows are augmented with them), and
computed on 256 x 256 windows (square windows of other sizes work; below 256 px the highest octaves
are empty and read as no energy).

Images: uint8 [N, S, S, 4] (albedo sRGB RGB, height) or [N, S, S, 3] (albedo only: height
statistics are then the same constants for every set, which standardise to 0).
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BANDS = 8                     # octaves of the radial frequency, from 1 cycle per window up
LUMA = (0.299, 0.587, 0.114)  # Rec. 601 luma weights on sRGB values
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _structure(img):
    """Statistics of one scalar image set [N, S, S] float: octave band log-energies of the radially
    averaged power spectrum (shape: minus their mean; level: the mean), mean gradient magnitude,
    structure-tensor coherence (0: isotropic, 1: one orientation) and the ratio of the larger to the
    smaller mean |gradient| along the axes (grain along x or y, rotation-invariant). [N, BANDS + 4]."""
    n, s = img.shape[:2]
    x = img - img.mean(dim=(1, 2), keepdim=True)
    power = torch.fft.fft2(x).abs().reshape(n, -1) ** 2   # the full plane: a half plane is not symmetric under transposes
    fy = torch.fft.fftfreq(s)[:, None]
    fx = torch.fft.fftfreq(s)[None, :]
    r = torch.sqrt(fy ** 2 + fx ** 2).reshape(-1)
    bands, filled = [], []
    for b in range(BANDS):
        lo = (2 ** b) / s
        m = (r >= lo) & (r < 2 * lo)
        filled.append(bool(m.any()))
        bands.append(torch.log(power[:, m].mean(dim=1) + 1e-8) if filled[-1] else torch.full((n,), math.log(1e-8)))
    bands = torch.stack(bands, dim=1)
    # The level averages the bands a window of this size has (all 8 from 256 px up); an empty band
    # reads as no energy and stays out of the level.
    level = bands[:, torch.tensor(filled)].mean(dim=1, keepdim=True)
    # Central differences with wrap-around: both derivatives at the same pixels, so the statistics map
    # exactly onto each other under rotations and flips.
    gy = (torch.roll(img, -1, dims=1) - torch.roll(img, 1, dims=1)) * 0.5
    gx = (torch.roll(img, -1, dims=2) - torch.roll(img, 1, dims=2)) * 0.5
    jxx, jyy, jxy = (gx * gx).mean(dim=(1, 2)), (gy * gy).mean(dim=(1, 2)), (gx * gy).mean(dim=(1, 2))
    coherence = torch.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2) / (jxx + jyy + 1e-8)
    grad = torch.sqrt(gx * gx + gy * gy).mean(dim=(1, 2))
    ax, ay = gx.abs().mean(dim=(1, 2)), gy.abs().mean(dim=(1, 2))
    axis_ratio = (torch.maximum(ax, ay) + 1e-6) / (torch.minimum(ax, ay) + 1e-6)   # flat images: 1
    return torch.cat([bands - level, level, grad[:, None], coherence[:, None], torch.log(axis_ratio)[:, None]], dim=1)


def texture_statistics(images, batch=64):
    """Statistics [N, FEATURES] float32 numpy of uint8 images [N, S, S, 3 or 4] (see module doc):
    albedo mean, standard deviation and linear-light mean per channel, mean chromaticity, saturation
    mean and deviation, luma quantiles; _structure of luma and of height; height deviation and its
    correlation with luma."""
    out = []
    for i in range(0, len(images), batch):
        x = torch.from_numpy(np.ascontiguousarray(images[i:i + batch])).float() / 255.0
        a = x[..., :3]
        h = x[..., 3] if x.shape[-1] > 3 else torch.zeros(x.shape[:3])
        lin = torch.where(a <= 0.04045, a / 12.92, ((a + 0.055) / 1.055) ** 2.4)
        mx, mn = a.max(dim=-1).values, a.min(dim=-1).values
        sat = (mx - mn) / (mx + 1e-3)
        chroma = a / (a.sum(dim=-1, keepdim=True) + 1e-3)
        luma = (a * torch.tensor(LUMA)).sum(dim=-1)
        q = torch.quantile(luma.reshape(len(x), -1), torch.tensor(QUANTILES), dim=1).T
        lc = luma - luma.mean(dim=(1, 2), keepdim=True)
        hc = h - h.mean(dim=(1, 2), keepdim=True)
        hstd = hc.pow(2).mean(dim=(1, 2)).sqrt()
        corr = (lc * hc).mean(dim=(1, 2)) / (lc.pow(2).mean(dim=(1, 2)).sqrt() * hstd + 1e-4)
        f = [a.mean(dim=(1, 2)), a.std(dim=(1, 2)), lin.mean(dim=(1, 2)), chroma.mean(dim=(1, 2)),
             sat.mean(dim=(1, 2))[:, None], sat.std(dim=(1, 2))[:, None], q,
             _structure(luma), _structure(h), hstd[:, None], corr[:, None]]
        out.append(torch.cat(f, dim=1).numpy().astype(np.float32))
    return np.concatenate(out) if out else np.zeros((0, 45), np.float32)


class CategoryJudge:
    """An ensemble of `seeds` one-hidden-layer MLPs on standardised texture_statistics, trained with
    class-weighted cross-entropy (rare categories count as much as common ones), AdamW and dropout.
    predict() averages the members' probabilities. Deterministic for given data and seeds."""

    def __init__(self, classes, hidden=128, dropout=0.5, weight_decay=1e-2, epochs=300, seeds=3, batch=256):
        self.classes, self.hidden, self.dropout = classes, hidden, dropout
        self.weight_decay, self.epochs, self.seeds, self.batch = weight_decay, epochs, seeds, batch
        self.members, self.mean, self.std = [], None, None

    def fit(self, features, labels):
        """features [N, F] (texture_statistics), labels [N] int in [0, classes)."""
        f64 = features.astype(np.float64)
        self.mean = f64.mean(axis=0)
        std = f64.std(axis=0)
        self.std = np.where(std < 1e-4, 1.0, std)   # constant columns (albedo-only input's height) stay 0
        x = torch.from_numpy((features - self.mean) / self.std).float()
        y = torch.from_numpy(np.asarray(labels, np.int64))
        counts = np.bincount(np.asarray(labels), minlength=self.classes).astype(np.float64)
        w = np.where(counts > 0, 1.0 / np.maximum(counts, 1), 0.0)
        w = torch.from_numpy(w / w[counts > 0].mean()).float()
        self.members = []
        for seed in range(self.seeds):
            torch.manual_seed(seed)
            gen = torch.Generator().manual_seed(seed)
            m = nn.Sequential(nn.Linear(x.shape[1], self.hidden), nn.ReLU(), nn.Dropout(self.dropout),
                              nn.Linear(self.hidden, self.classes))
            opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=self.weight_decay)
            m.train()
            for _ in range(self.epochs):
                perm = torch.randperm(len(x), generator=gen)
                for i in range(0, len(x), self.batch):
                    idx = perm[i:i + self.batch]
                    loss = F.cross_entropy(m(x[idx]), y[idx], weight=w)
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
            self.members.append(m.eval())
        return self

    def probabilities(self, features):
        """[N, classes] mean class probabilities of the ensemble."""
        x = torch.from_numpy((features - self.mean) / self.std).float()
        with torch.no_grad():
            return torch.stack([F.softmax(m(x), dim=1) for m in self.members]).mean(dim=0).numpy()

    def predict(self, features):
        """Predicted class [N] int64."""
        return self.probabilities(features).argmax(axis=1)

    def predict_images(self, images):
        return self.predict(texture_statistics(images))
