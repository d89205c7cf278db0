# SPDX-License-Identifier: MIT
"""test_swd.py: sanity checks of the SWD metric (pyramid shapes, zero for identical sets, ordering)."""
import unittest

import numpy as np

import ntex_test_util  # noqa: F401  (sets sys.path)
from ntex_train.swd import laplacian_pyramid, pyr_down, pyr_up, swd


class SwdTest(unittest.TestCase):
    def test_pyramid_reconstructs(self):
        x = np.random.default_rng(0).uniform(0, 255, (2, 3, 64, 64)).astype(np.float32)
        pyr = laplacian_pyramid(x, 3)
        self.assertEqual([p.shape[2] for p in pyr], [64, 32, 16])
        rec = pyr[2]
        for lvl in (pyr[1], pyr[0]):
            rec = lvl + pyr_up(rec)
        np.testing.assert_allclose(rec, x, atol=1e-3)
        self.assertEqual(pyr_down(x).shape, (2, 3, 32, 32))

    def test_ordering(self):
        # Descriptors are sampled at random positions per set, so even identical sets give a small
        # non-zero value; a closer distribution must score lower than a farther one.
        rng = np.random.default_rng(1)
        a = rng.uniform(0, 255, (16, 64, 64, 3))
        b = rng.uniform(0, 255, (16, 64, 64, 3))
        levels, same = swd(b, a, seed=3)
        self.assertEqual(len(levels), 3)
        yy = np.arange(64)[None, :, None, None]
        stripes = 127 + 100 * np.sin(yy * 0.5 + rng.uniform(0, 6, (16, 1, 1, 1))) + rng.normal(0, 3, a.shape)
        _, far = swd(stripes, a, seed=3)
        self.assertLess(same * 3, far)
        self.assertEqual(swd(b, a, seed=3)[1], same)  # deterministic for a seed

if __name__ == "__main__":
    unittest.main()
