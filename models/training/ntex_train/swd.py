# SPDX-License-Identifier: MIT
"""swd.py: Sliced Wasserstein Distance on Laplacian pyramids, following Karras et al. 2018
(Progressive GAN, Sec. 5 / App. D) as summarised in /work/shared/REFERENCE.md."""
import numpy as np
import scipy.ndimage

_GAUSS = np.float32([[1, 4, 6, 4, 1], [4, 16, 24, 16, 4], [6, 24, 36, 24, 6],
                     [4, 16, 24, 16, 4], [1, 4, 6, 4, 1]]) / 256.0


def pyr_down(x):
    return scipy.ndimage.convolve(x, _GAUSS[None, None], mode="mirror")[:, :, ::2, ::2]


def pyr_up(x):
    n, c, h, w = x.shape
    res = np.zeros((n, c, h * 2, w * 2), x.dtype)
    res[:, :, ::2, ::2] = x
    return scipy.ndimage.convolve(res, _GAUSS[None, None] * 4.0, mode="mirror")


def laplacian_pyramid(x, levels):
    pyr = [np.array(x, dtype=np.float32, copy=True)]  # the levels are updated in place
    for _ in range(1, levels):
        pyr.append(pyr_down(pyr[-1]))
        pyr[-2] -= pyr_up(pyr[-1])
    return pyr


def descriptors(level, rng, per_image=128, nhood=7):
    """per_image random nhood x nhood x 3 patches per image, centres uniform in [r, size - r)."""
    n, c, h, w = level.shape
    r = nhood // 2
    count = per_image * n
    idx, ch, dy, dx = np.ogrid[0:count, 0:c, -r:r + 1, -r:r + 1]
    img = idx // per_image
    y = dy + rng.integers(r, h - r, size=(count, 1, 1, 1))
    x = dx + rng.integers(r, w - r, size=(count, 1, 1, 1))
    return level[img, ch, y, x]  # [count, c, nhood, nhood]


def normalise(desc):
    desc = desc - desc.mean(axis=(0, 2, 3), keepdims=True)
    desc = desc / desc.std(axis=(0, 2, 3), keepdims=True)
    return desc.reshape(desc.shape[0], -1)


def sliced_wasserstein(a, b, rng, repeats=4, dirs=128):
    results = []
    for _ in range(repeats):
        d = rng.standard_normal((a.shape[1], dirs)).astype(np.float32)
        d /= np.sqrt(np.sum(d * d, axis=0, keepdims=True))
        pa, pb = np.sort(a @ d, axis=0), np.sort(b @ d, axis=0)
        results.append(np.mean(np.abs(pa - pb)))
    return float(np.mean(results))


def swd(images_a, images_b, seed=0, min_size=16):
    """images: [N, H, W, 3] uint8 or float in 0..255 (same N and size). Returns (per level x1e3, mean)."""
    rng = np.random.default_rng(seed)
    a = np.float32(images_a).transpose(0, 3, 1, 2)
    b = np.float32(images_b).transpose(0, 3, 1, 2)
    levels = int(np.log2(a.shape[2] // min_size)) + 1
    pa, pb = laplacian_pyramid(a, levels), laplacian_pyramid(b, levels)
    per_level = []
    for la, lb in zip(pa, pb):
        da, db = normalise(descriptors(la, rng)), normalise(descriptors(lb, rng))
        per_level.append(sliced_wasserstein(da, db, rng) * 1e3)
    return per_level, float(np.mean(per_level))
