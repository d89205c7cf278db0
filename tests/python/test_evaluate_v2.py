# SPDX-License-Identifier: MIT
"""test_evaluate_v2.py: evaluate_v2.py end to end (--quick) on a tiny synthetic data set with tiny
random v2 and v1 checkpoints, the C2ST's sanity (real vs real ~0.5, real vs flat grey ~1), the layout
IoU of a layout with itself, the category judge, the held-out windows and splits, and the pattern periodicity the
evaluation relies on."""
import json
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np
import torch

from ntex_test_util import PYTHON, TRAINING

# Tiny stage widths: the evaluation reads the architecture from the checkpoint.
TINY_STAGES = [(8, 8, 8)] * 5
# Source paths whose keywords give every category (conditioning.CATEGORY_RULES).
NAMES = ("metal/plate", "concrete/wall", "bricks/brick", "wood/plank", "terrain/rock", "misc/thing")


def texture(rng, size, kind):
    """uint8 albedo [h, w, 3] and height [h, w]: coloured stripes or blocks with noise."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    period = int(rng.choice([16, 32, 64]))  # divides the sizes: the textures tile
    pattern = ((xx // period + (yy // period) * (kind % 2)) % 2)
    c0, c1 = rng.integers(0, 256, size=(2, 3))
    albedo = (c0 + (c1 - c0) * pattern[..., None] + rng.normal(0, 8, (h, w, 3))).clip(0, 255).astype(np.uint8)
    height = (60 + 120 * pattern + rng.normal(0, 6, (h, w))).clip(0, 255).astype(np.uint8)
    return albedo, height


def write_dataset(folder):
    import build_dataset
    rng = np.random.default_rng(0)
    crops = {k: [] for k in ("albedo", "height", "has_height", "source")}
    for i in range(36):
        a, h = texture(rng, (256, 256), i)
        crops["albedo"].append(a)
        crops["height"].append(h)
        crops["has_height"].append(i % 4 != 3)
        crops["source"].append(f"synthetic:textures/{NAMES[i % 6]}{i // 6}")
    n = len(crops["albedo"])
    np.savez(os.path.join(folder, "train.npz"), albedo=np.stack(crops["albedo"]), height=np.stack(crops["height"]),
             gloss=np.full((n, 256, 256), 128, np.uint8), normal=np.zeros((n, 256, 256, 3), np.uint8),
             has_height=np.array(crops["has_height"]), has_gloss=np.ones(n, bool), has_normal=np.zeros(n, bool),
             source=np.array(crops["source"]))
    full = []
    for i in range(14):  # 2 textures of every category (wood: 1, flagged too small), some 256 x 512
        a, h = texture(rng, (256, 512) if i % 3 == 0 else (256, 256), i)
        name = NAMES[i % 6] if i < 12 else NAMES[i % 6 + 1]
        full.append({"albedo": a, "height": h, "gloss": h, "has_height": i not in (5, 9), "has_gloss": True,
                     "has_normal": False, "source": f"synthetic:textures/{name}h{i}"})
    build_dataset.write_full(os.path.join(folder, "heldout_full.npz"), full)
    return full


def write_checkpoints(folder):
    from ntex_train.model import Generator
    torch.manual_seed(0)
    G2 = Generator(out_channels=5, stages=TINY_STAGES, noise_channels=8, classes=6, layout_channels=2)
    with torch.no_grad():  # the layout gains start at zero; make the layout matter
        for m in G2.convs.values():
            m.layout_gain.normal_(0, 0.5)
    torch.save({"G_ema": G2.state_dict(), "step": 0, "args": {}}, os.path.join(folder, "v2.pt"))
    G1 = Generator(out_channels=5, stages=TINY_STAGES, noise_channels=8)
    torch.save({"G_ema": G1.state_dict(), "step": 0, "args": {}}, os.path.join(folder, "v1.pt"))


def finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


class EvaluateV2Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)  # the machine is shared with training: keep the test light

    def test_end_to_end_quick(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_dataset(tmp)
            write_checkpoints(tmp)
            out = os.path.join(tmp, "eval")
            p = subprocess.run([PYTHON, os.path.join(TRAINING, "evaluate_v2.py"), "--checkpoint",
                                os.path.join(tmp, "v2.pt"), "--v1-checkpoint", os.path.join(tmp, "v1.pt"),
                                "--out-dir", out, "--data", tmp, "--quick", "--crops", "16", "--threads", "1"],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
            with open(os.path.join(out, "eval.json")) as f:
                res = json.load(f)
            for key in ("swd", "swd_targets", "c2st", "layout_fidelity", "classifier", "diversity", "categories",
                        "patterns", "sheets", "counts", "settings"):
                self.assertIn(key, res)
            for m in ("albedo", "height"):
                for s in ("floor", "v2", "v2_layout", "v1", "fbm"):
                    r = res["swd"][m][s]
                    self.assertEqual(len(r["levels"]), 5)
                    self.assertTrue(all(finite(v) for v in r["levels"] + [r["mean"]]), (m, s))
            for size in ("128", "256"):
                for s in ("real_vs_real", "v2", "v2_layout", "v1", "fbm"):
                    self.assertTrue(0.0 <= res["c2st"][size][s]["accuracy"] <= 1.0, (size, s))
            self.assertTrue(finite(res["layout_fidelity"]["iou"]["value"]))
            self.assertTrue(finite(res["classifier"]["heldout_accuracy"]))
            self.assertEqual(set(res["categories"]), {"metal", "concrete_stone", "brick_tile", "wood",
                                                      "ground_rock", "other"})
            self.assertEqual(set(res["patterns"]), {"bricks", "tiles", "hexagons", "planks", "panels", "voronoi", "blobs"})
            for name, e in res["categories"].items():
                self.assertTrue(finite(e["assigned"]["value"]), name)
                self.assertTrue(finite(e["c2st"]["accuracy"]), name)
                self.assertAlmostEqual(sum(e["judged_as"].values()), 1.0, places=3)
                self.assertAlmostEqual(e["judged_as"].get(name, 0.0), e["assigned"]["value"], places=3)
            # Wood has a single held-out texture with a height map: flagged, not judged.
            self.assertTrue(res["categories"]["wood"]["small"])
            self.assertTrue(res["categories"]["wood"]["reference"]["shared_textures"])
            for name, e in res["patterns"].items():
                self.assertTrue(finite(e["c2st"]["accuracy"]) and finite(e["iou_pattern"]), name)
            for sheet in res["sheets"]:
                self.assertGreater(os.path.getsize(os.path.join(out, sheet)), 1000, sheet)
            # Main sets v2, v2_layout, v2_auto, v1; per category the AUTO layout and no layout; per pattern.
            self.assertEqual(len(res["sheets"]), 4 + 2 * 6 + 7)
            for name, e in res["categories"].items():
                self.assertEqual(e["layout"], "auto", name)
                self.assertTrue(finite(e["no_layout"]["assigned"]) and finite(e["no_layout"]["c2st"]), name)
                self.assertEqual(sum(e["auto_patterns"].values()), res["settings"]["crops"], name)
            self.assertTrue(0.0 <= res["c2st"]["256"]["v2_auto"]["accuracy"] <= 1.0)
            with open(os.path.join(out, "eval.md")) as f:
                md = f.read()
            self.assertIn("Quick smoke run", md)
            self.assertIn("too small", md)

    def test_c2st_sanity(self):
        from ntex_train import c2st
        rng = np.random.default_rng(1)

        def textures(n):
            # One distribution: smooth random colour fields with pixel noise.
            low = rng.integers(0, 256, (n, 4, 4, 4)).astype(np.float32)
            up = np.repeat(np.repeat(low, 8, 1), 8, 2)
            return (up + rng.normal(0, 10, up.shape)).clip(0, 255).astype(np.uint8)

        a_tr, b_tr, a_te, b_te = textures(128), textures(128), textures(128), textures(128)
        same = c2st.c2st(a_tr, b_tr, a_te, b_te, seeds=3, epochs=3, batch=32)
        self.assertLess(abs(same["accuracy"] - 0.5), 0.1, same)
        grey = np.full_like(b_tr, 128)
        diff = c2st.c2st(a_tr, grey, a_te, grey[:128], seeds=2, epochs=3, batch=32)
        self.assertGreater(diff["accuracy"], 0.95, diff)

    def test_category_judge(self):
        """texture_statistics is invariant to the 8 rotations/flips and finite on flat images; the judge
        tells apart three families of textures it was not shown (fresh draws: other colours, periods
        and orientations)."""
        from ntex_train import category_judge as cj
        from ntex_train import eval_v2_data as ed
        rng = np.random.default_rng(2)
        yy, xx = np.mgrid[0:64, 0:64].astype(np.float32)

        def family(kind, n):
            out = np.zeros((n, 64, 64, 4), np.float32)
            for i in range(n):
                c = rng.uniform(40, 215, 3)
                if kind == 0:     # warm, smooth blotches
                    low = rng.normal(0, 30, (4, 4))
                    f = np.kron(low, np.ones((16, 16)))
                    out[i, ..., :3] = c * [1.0, 0.7, 0.5] + f[..., None]
                    out[i, ..., 3] = 128 + f
                elif kind == 1:   # grey planks: stripes along a random axis
                    period = rng.choice([8, 16, 32])
                    s = ((xx if rng.random() < 0.5 else yy) // period) % 2
                    out[i, ..., :3] = c.mean() + 40 * s[..., None] + rng.normal(0, 3, (64, 64, 1))
                    out[i, ..., 3] = 80 + 100 * s
                else:             # bluish fine grain
                    g = rng.normal(0, 35, (64, 64))
                    out[i, ..., :3] = c * [0.5, 0.7, 1.0] + g[..., None]
                    out[i, ..., 3] = 128 + g
            return out.clip(0, 255).astype(np.uint8)

        x = np.concatenate([family(k, 40) for k in range(3)])
        y = np.repeat(np.arange(3), 40)
        stats = cj.texture_statistics(x)
        self.assertTrue(np.isfinite(stats).all())
        d8 = cj.texture_statistics(np.stack([ed.dihedral(x[45], t) for t in range(8)]))
        np.testing.assert_allclose(d8, np.repeat(d8[:1], 8, 0), rtol=1e-4, atol=1e-5)
        flat = cj.texture_statistics(np.full((2, 64, 64, 4), 90, np.uint8))
        self.assertTrue(np.isfinite(flat).all())

        judge = cj.CategoryJudge(3, epochs=60, seeds=2).fit(stats, y)
        test = np.concatenate([family(k, 20) for k in range(3)])
        acc = float(np.mean(judge.predict_images(test) == np.repeat(np.arange(3), 20)))
        self.assertGreater(acc, 0.9)
        self.assertEqual(judge.probabilities(stats[:5]).shape, (5, 3))
        np.testing.assert_allclose(judge.probabilities(stats[:5]).sum(1), 1.0, rtol=1e-5)


    def test_layout_iou_self(self):
        import evaluate_v2
        from ntex_train import conditioning
        yy, xx = np.mgrid[0:64, 0:64]
        images = np.zeros((2, 64, 64, 4), np.uint8)
        images[0, ..., 3] = 60 + 120 * ((xx // 16 + yy // 16) % 2)   # checkers
        images[1, ..., 3] = 60 + 120 * ((yy % 16) > 3)               # courses
        mask, valid = conditioning.raised_mask(evaluate_v2.heights01(images))
        self.assertTrue(bool(valid.all()))
        np.testing.assert_array_equal(evaluate_v2.mask_iou(mask, images), [1.0, 1.0])
        np.testing.assert_array_equal(conditioning.iou(mask, mask).numpy(), [1.0, 1.0])

    def test_windows_and_splits(self):
        from ntex_train import eval_v2_data as ed
        with tempfile.TemporaryDirectory() as tmp:
            full = write_dataset(tmp)
            pool = ed.load_heldout_full(os.path.join(tmp, "heldout_full.npz"))
        self.assertEqual(len(pool), len(full))
        np.testing.assert_array_equal(pool.albedo[0], full[0]["albedo"])   # 256 x 512: stored whole
        np.testing.assert_array_equal(pool.height[3], full[3]["height"])
        self.assertEqual(list(pool.weights[:2]), [2.0, 1.0])
        rng = np.random.default_rng(0)
        items = pool.select(need_height=True)
        a, b, info = ed.c2st_set(pool, items, 24, 8, 128, rng)
        self.assertEqual((a.shape, b.shape), ((24, 128, 128, 4), (8, 128, 128, 4)))
        tr, te, shared = ed.split_textures(pool, items)
        self.assertFalse(shared)
        self.assertFalse({pool.sources[i] for i in tr} & {pool.sources[i] for i in te})
        self.assertEqual(info["train_textures"] + info["test_textures"], info["textures"])
        # A texture that tiles wraps around: a window across the edge continues from the other side.
        self.assertTrue(pool.wraps[1].all())
        w = ed.window(pool, 1, 200, 230, 64)
        np.testing.assert_array_equal(w[:56, :26, :3], full[1]["albedo"][200:, 230:])
        np.testing.assert_array_equal(w[56:, 26:, :3], full[1]["albedo"][:8, :38])

    def test_pattern_windows_are_shifts(self):
        from evaluate_v2 import SIZE, PatternLayouts
        from ntex_train import patterns
        lay = PatternLayouts("bricks", 4, np.random.default_rng(0))
        spec = dict(pattern="bricks", period_width=SIZE, period_height=SIZE, columns=3, rows=6)
        x0, y0 = 77, -130
        direct = patterns.render_layout(spec, x0, y0, SIZE, SIZE)
        np.testing.assert_array_equal(direct, np.roll(lay.periods[1], (-y0, -x0), axis=(0, 1)))


if __name__ == "__main__":
    unittest.main()
