# SPDX-License-Identifier: MIT
"""test_golden.py: the committed golden fixtures are consistent with the committed model and the spec
(re-computed with the reference forward from the exported files)."""
import json
import os
import unittest

import numpy as np
import torch

from ntex_test_util import FIXTURES, MODELS
from ntex_train import hashnoise, safetensors_io
from ntex_train.reference import ReferenceModel

torch.set_num_threads(2)
MODEL = os.path.join(MODELS, "albedo_v1.json")
GOLDEN = os.path.join(FIXTURES, "albedo_v1_golden.safetensors")


class GoldenTest(unittest.TestCase):
    def test_fixture_layout(self):
        t, meta = safetensors_io.load(GOLDEN)
        self.assertEqual(meta["model"], "albedo_v1")
        n = int(meta["count"])
        self.assertEqual(n, 3)
        cases = [(int(meta[f"case{i}.seed"]), float(meta[f"case{i}.psi"]), int(meta[f"case{i}.width"]), int(meta[f"case{i}.height"]))
                 for i in range(n)]
        self.assertEqual(cases, [(1, 1.0, 64, 64), (7, 0.7, 64, 64), (12345, 1.0, 96, 48)])
        for i, (seed, psi, w, h) in enumerate(cases):
            self.assertEqual(t[f"case{i}.z"].shape, (64,))
            self.assertEqual(t[f"case{i}.noise"].shape, (16, h // 16, w // 16))
            self.assertEqual(t[f"case{i}.output"].shape, (3, h, w))
            self.assertTrue(all(t[k].dtype == np.float32 for k in t))
            img = t[f"case{i}.output"]
            self.assertGreaterEqual(float(img.min()), 0.0)
            self.assertLessEqual(float(img.max()), 1.0)
            np.testing.assert_array_equal(t[f"case{i}.noise"], hashnoise.noise_grid(seed, 16, h // 16, w // 16))
        np.testing.assert_array_equal(t["case0.z"], hashnoise.z_from_seed(1, 64))
        np.testing.assert_array_equal(t["case2.z"], hashnoise.z_from_seed(12345, 64))
        self.assertGreater(float(np.abs(t["case1.z"] - hashnoise.z_from_seed(7, 64)).max()), 0.1)

    def test_reference_reproduces_fixture(self):
        t, meta = safetensors_io.load(GOLDEN)
        ref = ReferenceModel(MODEL)
        for i in range(int(meta["count"])):
            img = ref.generate(int(meta[f"case{i}.seed"]), int(meta[f"case{i}.width"]), int(meta[f"case{i}.height"]),
                               z=t[f"case{i}.z"], psi=float(meta[f"case{i}.psi"])).numpy()
            err = float(np.abs(img - t[f"case{i}.output"]).max())
            self.assertLess(err, 1e-5, msg=f"case {i}: max abs error {err}")

    def test_model_json_keys(self):
        with open(MODEL) as f:
            d = json.load(f)
        for k in ("format", "format_version", "name", "version", "description", "latent", "mapping", "synthesis",
                  "outputs", "weights", "tensors", "parameters", "flops_per_megapixel", "training"):
            self.assertIn(k, d)
        self.assertEqual(d["outputs"], [{"name": "albedo", "channels": [0, 1, 2], "semantics": "rgb",
                                         "range": [0, 1], "color_space": "srgb"}])
        for k in ("data", "steps", "crop", "batch", "seed", "date"):
            self.assertIn(k, d["training"])
        self.assertIn("GPL-2+", d["training"]["data"]["license"])


if __name__ == "__main__":
    unittest.main()
