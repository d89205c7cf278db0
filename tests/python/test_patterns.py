# SPDX-License-Identifier: MIT
"""test_patterns.py: the numpy layout patterns are periodic, in range, look like training layouts to
conditioning.raised_mask, and reproduce the fixture that the C++ render_layout test also reads."""
import json
import os
import unittest

import numpy as np
import torch

from ntex_test_util import FIXTURES
from ntex_train import conditioning, patterns

SPECS = [dict(pattern=p, columns=5, rows=6, period_width=90, period_height=66, offset=0.3, gap=2.5,
              bevel=1.5, jitter=0.7, seed=1234) for p in patterns.PROCEDURAL]
SPECS.append(dict(pattern="mask", period_width=40, period_height=30,
                  mask=np.random.default_rng(2).random((6, 9)).astype(np.float32)))


class PatternTest(unittest.TestCase):
    def test_exactly_periodic(self):
        for s in SPECS:
            pw, ph = s["period_width"], s["period_height"]
            base = patterns.render_layout(s, -61, -17, 37, 23)
            for dx, dy in ((pw, 0), (0, -ph), (-3 * pw, 2 * ph), (pw * 10**9, -ph * 10**9)):
                other = patterns.render_layout(s, -61 + dx, -17 + dy, 37, 23)
                self.assertTrue(np.array_equal(base, other), f"{s['pattern']} shifted by {dx},{dy}")

    def test_overlapping_regions_agree(self):
        for s in SPECS:
            a = patterns.render_layout(s, -20, 5, 40, 30)
            b = patterns.render_layout(s, -7, -4, 40, 30)   # shifted by (13, -9)
            np.testing.assert_array_equal(a[:21, 13:], b[9:, :27], err_msg=s["pattern"])

    def test_ranges_and_present(self):
        for s in SPECS:
            v = patterns.render_layout(s, -45, -33, 90, 66)
            self.assertEqual(v.shape, (66, 90, 2))
            self.assertEqual(v.dtype, np.float32)
            self.assertGreaterEqual(v[..., 0].min(), 0.0, s["pattern"])
            self.assertLessEqual(v[..., 0].max(), 1.0, s["pattern"])
            self.assertTrue(np.all(v[..., 1] == 1.0), s["pattern"])
        self.assertTrue(np.all(patterns.render_layout(dict(pattern="none"), -3, 4, 9, 5) == 0.0))

    def test_brick_faces_and_gaps(self):
        v = patterns.render_layout(dict(pattern="bricks"), 0, 0, 256, 256)[..., 0]
        self.assertEqual(v[16, 32], 1.0)   # centre of the first brick
        self.assertEqual(v[10, 0], 0.0)    # head joint
        self.assertEqual(v[31, 20], 0.0)   # bed joint
        self.assertEqual(v[40, 32], 0.0)   # running bond: course 1's joint is half a brick along
        self.assertAlmostEqual(float(v[16, 2]), 0.5, places=6)

    def test_wider_gaps_raise_less(self):
        for s in SPECS[:-1]:
            fractions = [(patterns.render_layout(dict(s, gap=g), 0, 0, 90, 66)[..., 0] > 0.5).mean()
                         for g in (1.0, 4.0, 9.0)]
            self.assertGreater(fractions[0], fractions[1], s["pattern"])
            self.assertGreater(fractions[1], fractions[2], s["pattern"])

    def test_blobs_threshold_and_detail(self):
        # offset is the threshold: raising it shrinks the blobs; the fine octave (jitter) makes the edges
        # longer (more boundary pixels for about the same area); the edge is where the noise crosses the
        # threshold, so its gap-free hard step matches the thresholded noise itself.
        base = dict(pattern="blobs", columns=4, rows=4, period_width=128, period_height=128, gap=0.0, bevel=0.0, seed=5)
        area = [(patterns.render_layout(dict(base, offset=t), 0, 0, 128, 128)[..., 0] > 0.5).mean() for t in (0.3, 0.5, 0.7)]
        self.assertGreater(area[0], area[1])
        self.assertGreater(area[1], area[2])
        self.assertGreater(area[0] - area[2], 0.3)

        def edge_pixels(jitter):
            m = patterns.render_layout(dict(base, jitter=jitter), 0, 0, 128, 128)[..., 0] > 0.5
            return int((m != np.roll(m, 1, 0)).sum() + (m != np.roll(m, 1, 1)).sum())
        self.assertGreater(edge_pixels(1.0), 1.2 * edge_pixels(0.0))
        s = patterns.normalise(dict(base, offset=0.5))
        px, py = np.meshgrid(np.arange(128) + 0.5, np.arange(128) + 0.5)
        v, _, _ = patterns._value_noise(s, patterns.STREAM_BLOB, 4, 4, px, py)
        np.testing.assert_array_equal(patterns.render_layout(s, 0, 0, 128, 128)[..., 0] > 0.5, v >= 0.5)

    def test_blobs_distance_is_first_order_exact(self):
        # d = (n - offset) / |grad n|: with a 16-px bevel the ramp is the noise's linearisation, so a
        # one-pixel step changes it by about |grad n| / |grad n| / bevel = 1 / 16 at most (plus curvature).
        s = dict(pattern="blobs", columns=2, rows=2, period_width=256, period_height=256, gap=0.0, bevel=16.0, seed=8)
        v = patterns.render_layout(s, 0, 0, 256, 256)[..., 0].astype(np.float64)
        step = max(np.abs(np.diff(v, axis=0)).max(), np.abs(np.diff(v, axis=1)).max())
        self.assertLess(step, 1.5 / 16)
        self.assertGreater(step, 0.5 / 16)

    def test_blobs_gradient_matches_finite_differences(self):
        s = patterns.normalise(dict(pattern="blobs", columns=3, rows=5, period_width=96, period_height=80, seed=11))
        rng = np.random.default_rng(4)
        px, py = rng.uniform(1.0, 95.0, 200), rng.uniform(1.0, 79.0, 200)
        h = 1e-5
        v, dx, dy = patterns._value_noise(s, patterns.STREAM_BLOB, 3, 5, px, py)
        fdx = (patterns._value_noise(s, patterns.STREAM_BLOB, 3, 5, px + h, py)[0] -
               patterns._value_noise(s, patterns.STREAM_BLOB, 3, 5, px - h, py)[0]) / (2 * h)
        fdy = (patterns._value_noise(s, patterns.STREAM_BLOB, 3, 5, px, py + h)[0] -
               patterns._value_noise(s, patterns.STREAM_BLOB, 3, 5, px, py - h)[0]) / (2 * h)
        # Points within h of a lattice line straddle two cells; the fade is C2 there, so they agree too.
        np.testing.assert_allclose(dx, fdx, atol=1e-6)
        np.testing.assert_allclose(dy, fdy, atol=1e-6)
        self.assertGreater(np.abs(dx).max(), 1e-3)

    def test_validation_names_the_field(self):
        for field, value in (("gap", 80.0), ("columns", 0), ("jitter", float("nan")), ("period_width", 15)):
            with self.assertRaisesRegex(ValueError, f"^layout.{field}:"):
                patterns.render_layout(dict(pattern="bricks", **{field: value}), 0, 0, 4, 4)
        with self.assertRaisesRegex(ValueError, "^layout.rows:"):
            patterns.render_layout(dict(pattern="hexagons", rows=7), 0, 0, 4, 4)
        with self.assertRaisesRegex(ValueError, "^layout.columns:"):
            patterns.render_layout(dict(pattern="blobs", columns=1), 0, 0, 4, 4)
        with self.assertRaisesRegex(ValueError, "^layout.pattern:"):
            patterns.render_layout(dict(pattern=10), 0, 0, 4, 4)
        with self.assertRaisesRegex(ValueError, "^layout.mask:"):
            patterns.render_layout(dict(pattern="mask"), 0, 0, 4, 4)

    def test_procedural_layouts_look_like_training_layouts(self):
        # Training derives "raised" from the height (Otsu of the low-passed height); a height equal to
        # the procedural raised channel must give back (nearly) the same mask, or run time would
        # condition the generator on layouts it never saw.
        for name in patterns.PROCEDURAL:
            lay = patterns.render_layout(dict(pattern=name, seed=3, rows=4 if name == "blobs" else 8), -40, 17, 256, 256)
            height = torch.from_numpy(lay[..., 0].copy())[None, None]
            mask, valid = conditioning.raised_mask(height, mode="reflect")
            self.assertTrue(bool(valid[0]), name)
            score = float(conditioning.iou(mask, height > 0.5)[0])
            self.assertGreaterEqual(score, 0.9, name)

    def test_soft_layouts_keep_the_hard_mask(self):
        # The soft training layout ramps around the same Otsu threshold: above 0.5 exactly where the
        # hard mask is raised, and a rolling height (smooth blobs) leaves more of the map on the ramp
        # than a stepped one (bricks).
        def ramp_share(x):
            return float(((x > 0.05) & (x < 0.95)).float().mean())
        shares = {}
        for name, bevel in (("bricks", 1.0), ("blobs", 40.0)):
            lay = patterns.render_layout(dict(pattern=name, seed=3, rows=4, bevel=bevel, gap=2.0), 0, 0, 256, 256)
            height = torch.from_numpy(lay[..., 0].copy())[None, None]
            mask, valid = conditioning.raised_mask(height, mode="circular")
            soft, soft_valid = conditioning.soft_raised(height, conditioning.SOFT_RAMP, mode="circular")
            self.assertEqual(bool(valid[0]), bool(soft_valid[0]), name)
            differ = ((soft > 0.5) != mask.bool()).float().mean()
            self.assertLess(float(differ), 1e-3, name)
            self.assertGreaterEqual(float(soft.min()), 0.0)
            self.assertLessEqual(float(soft.max()), 1.0)
            lay2, _ = conditioning.layout_from_height(height, mode="circular", ramp=conditioning.SOFT_RAMP)
            self.assertTrue(torch.equal(lay2[:, :1], soft), name)
            shares[name] = ramp_share(soft)
        self.assertGreater(shares["blobs"], 2 * shares["bricks"], shares)

    def test_fixture_reproduces(self):
        with open(os.path.join(FIXTURES, "layout_patterns.json")) as f:
            doc = json.load(f)
        self.assertEqual({c["spec"]["pattern"] for c in doc["cases"]}, set(patterns.PATTERNS) - {"auto"})
        for c in doc["cases"]:
            got = patterns.render_layout(c["spec"], c["x0"], c["y0"], c["w"], c["h"])
            want = np.asarray(c["values"], np.float32).reshape(c["h"], c["w"], 2)
            np.testing.assert_allclose(got, want, atol=2e-6, rtol=0, err_msg=c["spec"]["pattern"])


if __name__ == "__main__":
    unittest.main()
