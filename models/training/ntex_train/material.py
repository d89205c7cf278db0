# SPDX-License-Identifier: MIT
"""material.py: the material maps of docs/model_format.md ("Material outputs") in PyTorch.

Raw generator output, 5 channels in [-1, 1] (tanh): 0..2 albedo (sRGB-encoded), 3 height, 4 roughness.
After the output op (x * 0.5 + 0.5, clamp) every map is in [0, 1]. The tangent-space normal is not
predicted: it is derived from height with wrap-around central differences (as TileGen, Zhou et al.
2022), so normal and height agree by construction:

    gx = (h[y][x+1] - h[y][x-1]) / 2,  gy = (h[y+1][x] - h[y-1][x]) / 2   (rows top to bottom)
    n  = normalize(-s * gx, +s * gy, 1)                                   (OpenGL: +Y up)

with s = height_scale (texels of depth per unit of height), fitted to the dataset's normal maps.
"""
import numpy as np
import torch

ALBEDO = slice(0, 3)
HEIGHT = 3
ROUGHNESS = 4
RAW_CHANNELS = 5


def derive_normals(height, scale):
    """height [B, 1, H, W] in [0, 1] -> unit normals [B, 3, H, W] (x, y, z in [-1, 1]); indices wrap."""
    gx = (torch.roll(height, -1, dims=3) - torch.roll(height, 1, dims=3)) * 0.5
    gy = (torch.roll(height, -1, dims=2) - torch.roll(height, 1, dims=2)) * 0.5
    n = torch.cat([-scale * gx, scale * gy, torch.ones_like(height)], dim=1)
    return n * torch.rsqrt(n.square().sum(dim=1, keepdim=True))


def derive_normals_np(height, scale):
    """numpy version: height [H, W] in [0, 1] -> normals [H, W, 3] in [-1, 1]."""
    return derive_normals(torch.from_numpy(np.ascontiguousarray(height, np.float32))[None, None],
                          scale)[0].permute(1, 2, 0).numpy()


def encode_normals(n):
    """Unit normals in [-1, 1] -> stored encoding n * 0.5 + 0.5 in [0, 1] (any layout)."""
    return n * 0.5 + 0.5


def fit_height_scale(heights, normals):
    """Least-squares s with n.x/n.z ~ -s gx and n.y/n.z ~ s gy, per texture, then the median over
    textures (textures disagree on depth; the median resists a few flipped-green maps).

    heights [N, H, W] uint8, normals [N, H, W, 3] uint8 (RGB = n * 0.5 + 0.5, OpenGL convention).
    Returns (scale, per-texture correlation median)."""
    scales, corrs = [], []
    for h8, n8 in zip(heights, normals):
        h = h8.astype(np.float64) / 255.0
        n = n8.astype(np.float64) / 127.5 - 1.0
        gx = ((np.roll(h, -1, 1) - np.roll(h, 1, 1)) * 0.5).ravel()
        gy = ((np.roll(h, -1, 0) - np.roll(h, 1, 0)) * 0.5).ravel()
        nz = np.maximum(n[..., 2], 0.05).ravel()
        tx, ty = n[..., 0].ravel() / nz, n[..., 1].ravel() / nz
        g = np.concatenate([-gx, gy])
        t = np.concatenate([tx, ty])
        if (g * g).sum() < 1e-6:
            continue
        scales.append((g * t).sum() / (g * g).sum())
        corrs.append(np.corrcoef(g, t)[0, 1])
    return float(np.median(scales)), float(np.median(corrs))


def rgb_from_normals_uint8(n):
    """[H, W, 3] float normals -> uint8 RGB encoding."""
    return np.clip(encode_normals(n) * 255.0 + 0.5, 0, 255).astype(np.uint8)


# --- augmentation --------------------------------------------------------------------------------
# Maps are [C, H, W] tensors. Scalar maps (albedo, height, roughness) move with the pixels; a
# tangent-space normal also turns: in OpenGL convention (x right, y up on screen), a horizontal flip
# negates n.x, a vertical flip negates n.y, and a 90-degree counter-clockwise rotation of the image
# maps (x, y) -> (-y, x).

def flip_horizontal(maps, normal=None):
    """Mirror left-right. normal: [3, H, W] in [-1, 1] or None."""
    maps = torch.flip(maps, dims=(2,))
    if normal is not None:
        normal = torch.flip(normal, dims=(2,)).clone()
        normal[0] = -normal[0]
    return maps, normal


def rotate90(maps, k, normal=None):
    """Rotate by k * 90 degrees counter-clockwise (as seen on screen, rows top to bottom)."""
    k %= 4
    maps = torch.rot90(maps, k, dims=(1, 2))
    if normal is not None:
        normal = torch.rot90(normal, k, dims=(1, 2)).clone()
        for _ in range(k):
            nx, ny = normal[0].clone(), normal[1].clone()
            normal[0], normal[1] = -ny, nx
    return maps, normal
