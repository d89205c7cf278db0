# SPDX-License-Identifier: MIT
"""test_hashnoise.py: the vectorised hash noise matches a scalar transcription of the spec and the
committed vectors that the C++ hash test also reads."""
import json
import math
import os
import struct
import unittest

import numpy as np

from ntex_test_util import FIXTURES
from ntex_train import hashnoise

M = 0xFFFFFFFF


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    h ^= h >> 16
    return h


def mix(h, v):
    return fmix32(h ^ ((v + 0x9E3779B9 + ((h << 6) & M) + (h >> 2)) & M))


def hash4(seed, stream, x, y):
    return mix(mix(mix(fmix32(seed & M), stream & M), x & M), y & M)


def gauss(seed, stream, x, y):
    h = hash4(seed, stream, x, y)
    u1 = ((mix(h, 0) >> 8) + 1) / 2.0 ** 24
    u2 = (mix(h, 1) >> 8) / 2.0 ** 24
    v = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
    return struct.unpack("<f", struct.pack("<f", v))[0]


class HashNoiseTest(unittest.TestCase):
    def test_scalar_transcription_matches_vectorised(self):
        rng = np.random.default_rng(3)
        for _ in range(200):
            seed = int(rng.integers(0, 2 ** 32))
            stream = int(rng.integers(0, 2 ** 21))
            x, y = (int(v) for v in rng.integers(-2 ** 31, 2 ** 31, size=2))
            self.assertEqual(int(hashnoise.hash4(seed, stream, x, y)), hash4(seed, stream, x, y))
            self.assertEqual(float(hashnoise.gauss(seed, stream, x, y)), gauss(seed, stream, x, y))

    def test_committed_vectors(self):
        path = os.path.join(FIXTURES, "hash_vectors.json")
        with open(path) as f:
            vectors = json.load(f)["vectors"]
        self.assertGreaterEqual(len(vectors), 20)
        self.assertTrue(any(v["x"] < 0 or v["y"] < 0 for v in vectors))
        for v in vectors:
            args = (v["seed"], v["stream"], v["x"], v["y"])
            self.assertEqual(hash4(*args), v["hash"], msg=str(v))
            self.assertEqual(int(hashnoise.hash4(*args)), v["hash"], msg=str(v))
            self.assertEqual(float(np.float32(hashnoise.gauss(*args))), v["gauss"], msg=str(v))
        with open(path) as f:
            latents = json.load(f)["latents"]
        self.assertGreaterEqual(len(latents), 3)
        for e in latents:
            self.assertEqual([gauss(e["seed"], 2000000, k, 0) for k in range(len(e["z"]))], e["z"])

    def test_noise_map_layout_and_statistics(self):
        m = hashnoise.noise_map(5, 1003, 64, 48)
        self.assertEqual(m.shape, (64, 48))
        self.assertEqual(m.dtype, np.float32)
        self.assertEqual(float(m[10, 3]), gauss(5, 1003, 3, 10))  # n[i, j] = gauss(seed, stream, j, i)
        big = hashnoise.noise_map(1, 0, 256, 256)
        self.assertAlmostEqual(float(big.mean()), 0.0, delta=0.02)
        self.assertAlmostEqual(float(big.std()), 1.0, delta=0.02)
        z = hashnoise.z_from_seed(9, 64)
        self.assertEqual(float(z[5]), gauss(9, 2000000, 5, 0))
        g = hashnoise.noise_grid(2, 16, 3, 4)
        self.assertEqual(g.shape, (16, 3, 4))
        self.assertEqual(float(g[7, 2, 1]), gauss(2, 7, 1, 2))


if __name__ == "__main__":
    unittest.main()
