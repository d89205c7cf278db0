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


# --- Many sets against one reference, at scale ---------------------------------------------------
# The same recipe as swd() above (pyramid, 128 7x7 descriptors per image and level, per-set
# per-channel normalisation, 4 x 128 random unit directions in 147-D, sorted projections, mean
# absolute difference, x1e3), organised for thousands of images and several sets:
# - the pyramid runs in torch (conv2d with reflect padding == scipy's "mirror"), in chunks;
# - the directions depend only on (seed, level, repeat), so the reference set's sorted projections
#   are computed once and shared by every set compared with it;
# - a grayscale map repeated to 3 channels has 3 identical normalised channels, so its projection on
#   a 147-D direction d equals the 49-D single-channel descriptor times d_r + d_g + d_b: the same
#   number for a third of the work;
# - descriptors are stored channel-major ([147, M]) and projected with a 1x1 convolution, which runs
#   in oneDNN; Debian's torch sends matmul to the reference netlib BLAS, about 10x slower here.

def _torch_kernel(scale=1.0):
    import torch
    return torch.from_numpy(_GAUSS * np.float32(scale))[None, None]


def _conv_mirror(x, k):
    """Depthwise 5x5 convolution of [N, C, H, W] with mirror (reflect) boundary; x is a torch tensor."""
    import torch.nn.functional as F
    n, c, h, w = x.shape
    y = F.conv2d(F.pad(x.reshape(n * c, 1, h, w), (2, 2, 2, 2), mode="reflect"), k)
    return y.reshape(n, c, h, w)


def laplacian_pyramid_torch(x, levels):
    """x: torch float32 [N, C, H, W] in 0..255 -> list of levels (full size first, low-pass last)."""
    import torch
    k, k4 = _torch_kernel(), _torch_kernel(4.0)
    pyr = [x]
    for _ in range(1, levels):
        cur = pyr[-1]
        down = _conv_mirror(cur, k)[:, :, ::2, ::2]
        n, c, h, w = down.shape
        up = torch.zeros(n, c, h * 2, w * 2, dtype=down.dtype)
        up[:, :, ::2, ::2] = down
        pyr[-1] = cur - _conv_mirror(up, k4)
        pyr.append(down)
    return pyr


def level_count(size, min_size=16):
    return int(np.log2(size // min_size)) + 1


def descriptors_t(level, rng, per_image=128, nhood=7):
    """descriptors() (the same random draws and values) laid out channel-major: [c, nhood, nhood, count]."""
    n, c, h, w = level.shape
    r = nhood // 2
    count = per_image * n
    ys = rng.integers(r, h - r, size=(count, 1, 1, 1))
    xs = rng.integers(r, w - r, size=(count, 1, 1, 1))
    ch, dy, dx = np.ogrid[0:c, -r:r + 1, -r:r + 1]
    img = np.arange(count) // per_image
    return level[img[None, None, None, :], ch[..., None], dy[..., None] + ys[:, 0, 0, 0],
                 dx[..., None] + xs[:, 0, 0, 0]]


def set_descriptors(images, seed, gray=False, per_image=128, nhood=7, min_size=16, chunk=128):
    """Normalised descriptors of one image set, per pyramid level.

    images: [N, H, W, 3] (or [N, H, W] when gray) uint8 or float in 0..255. gray: the map is
    grayscale (repeated to 3 channels by the recipe; stored once, see above).
    Returns a list (levels, full size first) of float32 arrays [C * nhood^2, N * per_image]
    (channel-major: one row per descriptor component), C = 1 when gray else 3."""
    import torch
    images = np.asarray(images)
    if gray and images.ndim == 4:
        images = images[..., 0]
    rng = np.random.default_rng(seed)
    levels = level_count(images.shape[1], min_size)
    out = [[] for _ in range(levels)]
    for i in range(0, len(images), chunk):
        part = torch.from_numpy(np.float32(images[i:i + chunk]))
        part = part[:, None] if gray else part.permute(0, 3, 1, 2)
        for li, lvl in enumerate(laplacian_pyramid_torch(part.contiguous(), levels)):
            out[li].append(descriptors_t(lvl.numpy(), rng, per_image, nhood))
    res = []
    for parts in out:
        d = np.concatenate(parts, axis=3)
        d -= d.mean(axis=(1, 2, 3), keepdims=True)
        sd = d.std(axis=(1, 2, 3), keepdims=True)
        d /= np.where(sd < 1e-3, 1.0, sd)  # a constant map (rounding noise only) stays ~0, not NaN or noise x1e6
        res.append(np.ascontiguousarray(d.reshape(-1, d.shape[3])))
    return res


def _directions(seed, level, repeat, gray, dirs=128, nhood=7):
    rng = np.random.default_rng([seed, level, repeat])
    d = rng.standard_normal((3 * nhood * nhood, dirs)).astype(np.float32)
    d /= np.sqrt(np.sum(d * d, axis=0, keepdims=True))
    if gray:
        d = d.reshape(3, nhood * nhood, dirs).sum(axis=0)
    return d


def _sorted_projection(desc, d):
    """desc [D, M], d [D, dirs] -> [dirs, M], each row sorted (the projection as a 1x1 convolution)."""
    import torch
    import torch.nn.functional as F
    x = torch.from_numpy(desc)[None, :, :, None]
    wt = torch.from_numpy(np.ascontiguousarray(d.T))[:, :, None, None]
    p = F.conv2d(x, wt)[0, :, :, 0].numpy()
    p.sort(axis=1)
    return p


def swd_many(reference, others, seed=0, gray=False, repeats=4, dirs=128):
    """SWD of every set in `others` against `reference` (descriptor lists from set_descriptors with
    the same image count, size and `gray`). Returns {name: (per-level list x1e3, mean)}."""
    res = {name: [] for name in others}
    for li, ref in enumerate(reference):
        acc = {name: [] for name in others}
        for r in range(repeats):
            d = _directions(seed, li, r, gray, dirs)
            pr = _sorted_projection(ref, d)
            for name, desc in others.items():
                if desc[li].shape != ref.shape:
                    raise ValueError(f"swd_many: set '{name}' has descriptors {desc[li].shape}, "
                                     f"the reference {ref.shape}")
                pa = _sorted_projection(desc[li], d)
                pa -= pr
                acc[name].append(float(np.mean(np.abs(pa))))
        for name in others:
            res[name].append(float(np.mean(acc[name])) * 1e3)
    return {name: (lv, float(np.mean(lv))) for name, lv in res.items()}


# --- Periodic SWD during training -----------------------------------------------------------------

def random_crops(images, count, size, rng):
    """count random size x size crops ([count, size, size, ...]) of images [N, H, W, ...]."""
    n, h, w = images.shape[:3]
    idx = rng.integers(0, n, count)
    ys = rng.integers(0, h - size + 1, count)
    xs = rng.integers(0, w - size + 1, count)
    return np.stack([images[i, y:y + size, x:x + size] for i, y, x in zip(idx, ys, xs)])


def generate_uint8(G, count, size, seed, batch=16, psi=1.0):
    """count samples of a training Generator at size x size with seeded random z and noise (a private
    torch.Generator: the caller's RNG streams are untouched), as uint8 [count, size, size, C]."""
    import torch
    gen = torch.Generator().manual_seed(seed)
    dev = G.w_avg.device
    grid = size // G.cell_size
    out = []
    with torch.no_grad():
        for i in range(0, count, batch):
            b = min(batch, count - i)
            z = torch.randn(b, G.z_dim, generator=gen)
            g = torch.randn(b, G.noise_channels, grid, grid, generator=gen)
            maps = {k: torch.randn(b, 1, grid * G.cell_size // d, grid * G.cell_size // d, generator=gen)
                    for k, d in G.noise_layers()}
            x = G(z.to(dev), g.to(dev), {k: v.to(dev) for k, v in maps.items()}, psi=psi)
            out.append((x.permute(0, 2, 3, 1).cpu().numpy() * 255.0 + 0.5).clip(0, 255).astype(np.uint8))
    return np.concatenate(out)


def quick_swd_albedo(G_ema, heldout_crops_uint8, count=256, seed=0, size=128):
    """SWD x1e3 (mean over the levels size..16) between `count` albedo samples of G_ema (fixed seeded
    z and noise, psi 1, size x size) and `count` seeded random size x size crops of the held-out
    albedo [N, H, W, 3] uint8 (H, W >= size). For periodic logging during training: the same seed
    gives the same crops, latents and directions at every call, so the curve moves only with the
    weights. Work: `count` generator forwards at size^2 (count=256 at 128 px: 4.2 megapixels, about
    145 GFLOP, which dominates) and SWD on count x 128 descriptors per level."""
    rng = np.random.default_rng(seed)
    real = random_crops(np.asarray(heldout_crops_uint8)[..., :3], count, size, rng)
    fake = generate_uint8(G_ema, count, size, seed + 1)[..., :3]
    ref = set_descriptors(real, seed + 2)
    return swd_many(ref, {"model": set_descriptors(fake, seed + 3)}, seed=seed + 4)["model"][1]
