# SPDX-License-Identifier: MIT
"""hashnoise.py: the bit-exact hash noise of docs/model_format.md, vectorised over numpy arrays.

Integer arithmetic runs in uint64 and is masked to 32 bits after every step, which is the uint32
wrap-around of the spec without numpy overflow warnings.
"""
import numpy as np

M32 = np.uint64(0xFFFFFFFF)
Z_STREAM = 2000000
NOISE_STREAM_BASE = 1000


def _u32(v):
    """Signed or unsigned ints (scalars or arrays) reinterpreted as uint32 (two's complement), held in uint64."""
    return (np.asarray(v, dtype=np.int64) & 0xFFFFFFFF).astype(np.uint64)


def fmix32(h):
    h = _u32(h)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & M32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & M32
    h ^= h >> np.uint64(16)
    return h


def mix(h, v):
    h = _u32(h)
    v = _u32(v)
    t = (v + np.uint64(0x9E3779B9) + ((h << np.uint64(6)) & M32) + (h >> np.uint64(2))) & M32
    return fmix32(h ^ t)


def hash4(seed, stream, x, y):
    """uint32 hash of (seed, stream, x, y); x and y may be arrays (broadcast)."""
    return mix(mix(mix(fmix32(seed), stream), x), y).astype(np.uint32)


def gauss(seed, stream, x, y):
    """Standard normal sample per (seed, stream, x, y), Box-Muller in float64 rounded to float32."""
    h = hash4(seed, stream, x, y)
    u1 = ((mix(h, 0) >> np.uint64(8)).astype(np.float64) + 1.0) / 16777216.0
    u2 = (mix(h, 1) >> np.uint64(8)).astype(np.float64) / 16777216.0
    return (np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)).astype(np.float32)


def noise_map(seed, stream, height, width, x0=0, y0=0):
    """[height, width] float32 map with n[i, j] = gauss(seed, stream, x0 + j, y0 + i)."""
    ys, xs = np.meshgrid(np.arange(y0, y0 + height, dtype=np.int64),
                         np.arange(x0, x0 + width, dtype=np.int64), indexing="ij")
    return gauss(seed, stream, xs, ys)


def noise_grid(seed, channels, grid_h, grid_w):
    """The noise_input op: [channels, grid_h, grid_w], channel c uses stream c."""
    return np.stack([noise_map(seed, c, grid_h, grid_w) for c in range(channels)])


def z_from_seed(seed, z_dim):
    """z[k] = gauss(seed, 2000000, k, 0)."""
    return gauss(seed, Z_STREAM, np.arange(z_dim, dtype=np.int64), 0)
