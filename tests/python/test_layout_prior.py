# SPDX-License-Identifier: MIT
"""test_layout_prior.py: the layout prior's fit finds the pattern a mask was rendered from, its draws
follow the counts, tileable fits divide the size, and the fixture the C++ LayoutPrior test reads is
what layout_prior.py draws from the shipped model's prior."""
import json
import os
import unittest

import numpy as np

from ntex_test_util import FIXTURES, MODELS
from ntex_train import layout_prior, patterns

BASE = dict(period_width=256, period_height=256, offset=0.5, gap=4.0, bevel=2.0, jitter=0.3, seed=0)


def spec(pattern, columns, rows, **kw):
    return dict(BASE, pattern=pattern, columns=columns, rows=rows, **kw)


class LayoutPriorTest(unittest.TestCase):
    def test_fit_finds_the_rendered_pattern(self):
        cands = [spec("tiles", 4, 4), spec("tiles", 8, 8), spec("bricks", 4, 8), spec("bricks", 2, 4),
                 spec("planks", 2, 8, jitter=0.7), spec("voronoi", 6, 6, jitter=1.0), spec("panels", 2, 2, jitter=0.5)]
        cand_masks = np.stack([patterns.render_layout(c, 0, 0, 256, 256)[..., 0] > 0.5 for c in cands]).astype(np.float32)
        # The same specs rendered elsewhere on the plane (other seeds: other per-cell randomness).
        truth = [0, 1, 2, 3, 5]
        masks = np.stack([patterns.render_layout(dict(cands[t], seed=7), 37 + 11 * t, 91, 256, 256)[..., 0] > 0.5
                          for t in truth]).astype(np.float32)
        flat = np.ones((1, 256, 256), np.float32)
        best, dist, iou = layout_prior.fit(np.concatenate([masks, flat]), np.array([True] * len(truth) + [False]),
                                           cands, cand_masks, top=len(cands))
        self.assertEqual(list(best[:len(truth)]), truth)
        self.assertEqual(best[-1], -1, "an invalid (flat) layout is 'none'")
        self.assertTrue((iou[:2] > 0.95).all(), iou)   # tiles align exactly
        self.assertTrue((iou[2:4] > 0.7).all(), iou)   # bricks: other per-course shifts

    def test_blobs_take_the_softness_of_the_crop(self):
        # Crops fitted to blobs get the bevel whose ramp share is nearest their soft layout's; other
        # patterns keep theirs, and build_prior writes that bevel into the entry.
        cands = [spec("blobs", 4, 4, gap=0.0), spec("tiles", 4, 4)]
        shares = [float(layout_prior.ramp_share(patterns.render_layout(
            dict(cands[0], seed=3, bevel=layout_prior.blob_bevel(cands[0], k)), 0, 0, 256, 256)[..., 0]))
            for k in layout_prior.BLOB_SOFTNESS]
        self.assertEqual(shares, sorted(shares), "a softer bevel leaves more of the map on the ramp")
        best = np.array([0, 0, 0, 1, -1])
        soft = layout_prior.soften(best, cands, np.array(shares + [0.3, 0.3]))
        self.assertEqual(soft, [(0, 0), (0, 1), (0, 2), (1, -1), (-1, -1)])
        prior = layout_prior.build_prior(best, np.zeros(5, np.int64), np.array(["t%d" % i for i in range(5)]),
                                         cands, ["a"], soft)
        bevels = sorted(e[1]["bevel"] for e in prior["categories"]["a"] if e[1]["pattern"] == "blobs")
        self.assertEqual(bevels, [layout_prior.blob_bevel(cands[0], k) for k in layout_prior.BLOB_SOFTNESS])
        self.assertEqual(bevels, [6.4, 16.0, 32.0])
        tiles = [e[1] for e in prior["categories"]["a"] if e[1]["pattern"] == "tiles"]
        self.assertEqual(tiles[0]["bevel"], 2.0)

    def test_draws_follow_the_counts(self):
        prior = {"categories": {"a": [[3, spec("bricks", 4, 8)], [1, spec("tiles", 4, 4)]], "b": [],
                                "c": [[1, {"pattern": "none"}]]}}
        n = 4000
        a = [layout_prior.sample(prior, "a", s)["pattern"] for s in range(n)]
        self.assertAlmostEqual(a.count("bricks") / n, 0.75, delta=0.03)
        self.assertEqual(layout_prior.sample(prior, "b", 3), {"pattern": "none", "seed": 3})
        anyc = [layout_prior.sample(prior, None, s)["pattern"] for s in range(n)]
        self.assertAlmostEqual(anyc.count("none") / n, 0.2, delta=0.03)
        self.assertEqual(layout_prior.sample(prior, "a", 9)["seed"], 9)

    def test_tileable_fit_divides_the_size(self):
        for w, h in ((16, 16), (64, 32), (384, 128), (1000, 700), (256, 16), (16, 1024), (512, 48)):
            for s in (spec("bricks", 4, 8), spec("voronoi", 8, 4, jitter=1.0), spec("hexagons", 4, 8),
                      spec("voronoi", 16, 16, jitter=1.0)):
                f = layout_prior.fit_period(s, w, h)
                if f["pattern"] == "none":   # a strip too thin for square cells
                    continue
                self.assertEqual(w % f["period_width"], 0)
                self.assertEqual(h % f["period_height"], 0)
                patterns.normalise(f)   # raises for cells beyond 2:1

    def test_fixture_matches_the_shipped_prior(self):
        model = os.path.join(MODELS, "material_v2.json")
        with open(os.path.join(FIXTURES, "layout_prior_draws.json")) as f:
            fixture = json.load(f)
        with open(model) as f:
            desc = json.load(f)
        cats = desc["mapping"]["categories"]
        for case in fixture["cases"]:
            c = case["category"]
            draw = layout_prior.sample(desc["layout_prior"], None if c < 0 else cats[c], case["seed"], cats)
            self.assertEqual(draw, case["draw"])
            self.assertEqual(layout_prior.fit_period(draw, 384, 128), case["tileable_384x128"])


if __name__ == "__main__":
    unittest.main()
