# SPDX-License-Identifier: MIT
"""test_evaluate.py: evaluate.py end to end on a tiny synthetic material data set and randomly
initialised checkpoints (--crops 64), plus the scaled SWD path (swd_many) against the plain recipe."""
import json
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np
import torch

from ntex_test_util import PYTHON, TRAINING


def write_material_dataset(folder, name, n=8, size=256, seed=0, scale=4.0):
    """Stripes/checkers albedo, a smooth periodic height, the normal derived from it, a gloss pattern;
    height/normal/gloss present for about half of the textures. The npz format of build_dataset.py."""
    from ntex_train import material
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    albedo = np.zeros((n, size, size, 3), np.uint8)
    height = np.zeros((n, size, size), np.uint8)
    gloss = np.zeros((n, size, size), np.uint8)
    normal = np.zeros((n, size, size, 3), np.uint8)
    for i in range(n):
        period = int(rng.integers(8, 33))
        pattern = ((xx // period + (yy // period) * (i % 2)) % 2)
        c0, c1 = rng.integers(0, 256, size=(2, 3))
        albedo[i] = (c0 + (c1 - c0) * pattern[..., None] + rng.normal(0, 6, (size, size, 3))).clip(0, 255)
        f = 2 * math.pi * int(rng.integers(2, 9)) / size
        h = 0.5 + 0.25 * np.sin(f * xx + rng.uniform(0, 6)) * np.cos(f * yy)
        height[i] = (h * 255).astype(np.uint8)
        normal[i] = material.rgb_from_normals_uint8(material.derive_normals_np(height[i] / 255.0, scale))
        gloss[i] = (128 + 100 * pattern).astype(np.uint8)
    has = np.arange(n) % 2 == 0
    path = os.path.join(folder, name)
    np.savez(path, albedo=albedo, normal=normal, height=height, gloss=gloss, has_normal=has.copy(),
             has_height=has.copy(), has_gloss=has | (np.arange(n) % 3 == 0),
             source=np.array([f"synthetic:{name}:{i}" for i in range(n)]))
    return path


def write_checkpoint(path, out_channels, seed):
    from ntex_train.model import Generator
    torch.manual_seed(seed)
    G = Generator(out_channels=out_channels)
    torch.save({"G_ema": G.state_dict(), "step": 0, "args": {"name": "synthetic"}}, path)


class EvaluateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)  # the machine is shared with training: keep the test light

    def test_end_to_end(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_material_dataset(tmp, "train.npz", n=8, seed=1)
            write_material_dataset(tmp, "heldout.npz", n=6, seed=2)
            ck, sl = os.path.join(tmp, "material.pt"), os.path.join(tmp, "slice.pt")
            write_checkpoint(ck, 5, 0)
            write_checkpoint(sl, 3, 1)
            with open(os.path.join(tmp, "log.csv"), "w") as f:
                f.write("step,images,loss_d,loss_g,r1,d_real,d_fake,s_per_step,elapsed_s\n")
                for s in range(1, 41):
                    f.write(f"{s},{s * 32},{1.3 + 0.01 * math.sin(s)},{0.7 + 0.02 * math.cos(s)},0.01,0,0,0.4,{0.4 * s}\n")
            with open(os.path.join(tmp, "swd.csv"), "w") as f:
                f.write("step,swd_albedo\n10,300.0\n20,200.0\n40,150.0\n")
            out = os.path.join(tmp, "eval")
            p = subprocess.run([PYTHON, os.path.join(TRAINING, "evaluate.py"), "--checkpoint", ck,
                                "--slice-checkpoint", sl, "--height-scale", "4", "--out-dir", out, "--data", tmp,
                                "--crops", "64", "--gen-size", "128", "--textures", "16", "--diversity", "16",
                                "--contact-size", "64", "--log", os.path.join(tmp, "log.csv"), "--threads", "1"],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("| floor (train vs held-out) |", p.stdout)
            for f in ("eval.md", "eval.json", "swd_levels.png", "training_curves.png", "contact_albedo.png",
                      "contact_normal.png", "contact_height.png", "contact_roughness.png", "contact_real.png"):
                self.assertGreater(os.path.getsize(os.path.join(out, f)), 100, f)
            with open(os.path.join(out, "eval.json")) as f:
                res = json.load(f)
            self.assertEqual(res["levels_px"], [128, 64, 32, 16])
            for m in ("albedo", "normal", "height", "roughness"):
                for s in ("floor", "model", "fbm"):
                    r = res["swd"][m][s]
                    self.assertEqual(len(r["levels"]), 4)
                    self.assertTrue(all(math.isfinite(v) and v > 0 for v in r["levels"] + [r["mean"]]), (m, s, r))
                self.assertIn(m, res["targets"])
            self.assertIn("slice", res["swd"]["albedo"])
            self.assertNotIn("slice", res["swd"]["normal"])
            d = res["diversity"]
            self.assertTrue(all(math.isfinite(d[k]) and d[k] > 0 for k in ("model", "real", "ratio")))
            # Real vs real (train and held-out come from the same synthetic process) is closer than noise.
            self.assertLess(res["swd"]["albedo"]["floor"]["mean"], res["swd"]["albedo"]["fbm"]["mean"])
            with open(os.path.join(out, "eval.md")) as f:
                md = f.read()
            self.assertIn("| baseline (b) slice |", md)
            self.assertIn("Diversity", md)

    def test_swd_same_set_below_noise(self):
        from ntex_train import baselines, swd
        with tempfile.TemporaryDirectory() as tmp:
            path = write_material_dataset(tmp, "train.npz", n=8, seed=3)
            with np.load(path) as d:
                data = {k: d[k] for k in d.files}
        rng = np.random.default_rng(0)
        a = swd.random_crops(data["albedo"], 64, 128, rng)
        b = swd.random_crops(data["albedo"], 64, 128, rng)
        noise = baselines.fbm_material(16, 128, baselines.dataset_stats(data), 4.0, seed=1)["albedo"]
        noise = np.concatenate([noise] * 4)
        ref = swd.set_descriptors(a, 0)
        same = swd.set_descriptors(b, 1)
        out = swd.swd_many(ref, {"same": same, "noise": swd.set_descriptors(noise, 2)}, seed=5)
        self.assertLess(out["same"][1], out["noise"][1])
        # The descriptors are the recipe's (swd.descriptors + normalise, channel-major) and the
        # distance is the recipe's sliced Wasserstein, written out plainly for the finest level.
        pyr = swd.laplacian_pyramid(np.float32(a).transpose(0, 3, 1, 2), 4)
        plain = swd.normalise(swd.descriptors(pyr[0], np.random.default_rng(0)))
        np.testing.assert_allclose(ref[0], plain.T, atol=1e-4)
        dists = []
        for r in range(4):
            d = swd._directions(5, 0, r, False)
            pa, pb = np.sort(same[0].T @ d, axis=0), np.sort(ref[0].T @ d, axis=0)
            dists.append(np.mean(np.abs(pa - pb)))
        self.assertAlmostEqual(out["same"][0][0], float(np.mean(dists)) * 1e3, delta=1e-3 * out["same"][0][0])
        # The grayscale shortcut (49-D descriptors, folded directions) equals the 3-channel recipe.
        g1, g2 = a[..., 0], noise[..., 0]
        gray = swd.swd_many(swd.set_descriptors(g1, 7, gray=True), {"x": swd.set_descriptors(g2, 8, gray=True)},
                            seed=9, gray=True)["x"]
        rgb = swd.swd_many(swd.set_descriptors(np.repeat(g1[..., None], 3, 3), 7),
                           {"x": swd.set_descriptors(np.repeat(g2[..., None], 3, 3), 8)}, seed=9)["x"]
        np.testing.assert_allclose(gray[0], rgb[0], rtol=1e-3)

    def test_quick_swd(self):
        from ntex_train.model import Generator
        from ntex_train.swd import quick_swd_albedo
        torch.manual_seed(0)
        G = Generator(out_channels=5).eval()
        real = np.random.default_rng(0).integers(0, 256, (4, 160, 160, 3), dtype=np.uint8)
        state = torch.get_rng_state()
        a = quick_swd_albedo(G, real, count=8, seed=1)
        self.assertTrue(torch.equal(state, torch.get_rng_state()))  # training RNG untouched
        self.assertEqual(a, quick_swd_albedo(G, real, count=8, seed=1))
        self.assertTrue(math.isfinite(a) and a > 0)


if __name__ == "__main__":
    unittest.main()
