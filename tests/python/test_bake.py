# SPDX-License-Identifier: MIT
"""test_bake.py: `ntex bake --preset` writes every map of a preset as PNG (16-bit height), with the
texels the runtime generates: the same bytes as `ntex generate` with those parameters, and within
one step of the independent PyTorch reference of the spec (ntex_train/reference.py)."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np
from PIL import Image

from ntex_test_util import MODELS, ntex_cli

MATERIAL = os.path.join(MODELS, "material_v1.json")


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


def load_png(path):
    im = Image.open(path)
    return np.array(im)


@unittest.skipIf(ntex_cli() is None, "NTEX_CLI is not set (ctest sets it to the ntex_cli target)")
@unittest.skipIf(not os.path.exists(MATERIAL), "models/material_v1.json is not in the tree")
class BakeTest(unittest.TestCase):
    def test_bake_preset_matches_runtime_and_reference(self):
        cli = ntex_cli()
        with tempfile.TemporaryDirectory() as tmp:
            preset = os.path.join(tmp, "p.json")
            with open(preset, "w") as f:
                json.dump({"format": "ntex-preset", "format_version": 1, "model": "material_v1", "seed": 9,
                           "truncation_psi": 0.8, "directions": [], "origin": [0, 0]}, f)
            rc, out = run([cli, "bake", "--model", MATERIAL, "--preset", preset, "--size", "64x48",
                           "--out", os.path.join(tmp, "baked.png"), "--threads", "2"])
            self.assertEqual(rc, 0, out)
            rc, out = run([cli, "generate", "--model", MATERIAL, "--seed", "9", "--psi", "0.8", "--size", "64x48",
                           "--out", os.path.join(tmp, "gen.png"), "--threads", "2"])
            self.assertEqual(rc, 0, out)
            with open(MATERIAL) as f:
                names = [m["name"] for m in json.load(f)["outputs"]]
            baked = {n: load_png(os.path.join(tmp, f"baked_{n}.png")) for n in names}
            for n in names:
                self.assertTrue(np.array_equal(baked[n], load_png(os.path.join(tmp, f"gen_{n}.png"))), n)
            with open(os.path.join(tmp, "baked_height.png"), "rb") as f:
                ihdr = f.read(26)
            self.assertEqual((ihdr[24], ihdr[25]), (16, 0), "height is baked as a 16-bit grayscale PNG (IHDR)")
            self.assertEqual(baked["albedo"].shape[:2], (48, 64))

            # Independent check: the PyTorch reference of docs/model_format.md.
            from ntex_train.reference import ReferenceModel
            maps = ReferenceModel(MATERIAL).generate_maps(9, 64, 48, psi=0.8)
            for n, ref in maps.items():
                ref = ref.permute(1, 2, 0).numpy()
                got = baked[n].astype(np.float64)
                if n == "height":
                    diff = np.abs(got - np.floor(ref[..., 0] * 65535 + 0.5)).max()
                    self.assertLessEqual(diff, 66, f"{n}: max 16-bit difference {diff}")   # 1e-3 of the range
                    continue
                want = np.floor(ref * 255 + 0.5)
                got = got[..., :want.shape[2]] if got.ndim == 3 else got[..., None]
                diff = np.abs(got - want).max()
                self.assertLessEqual(diff, 1, f"{n}: max 8-bit difference {diff}")

    def test_bad_preset_is_one_line_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            preset = os.path.join(tmp, "p.json")
            with open(preset, "w") as f:
                f.write('{"format": "ntex-preset", "format_version": 1, "model": "albedo_v1", "seed": 1, "truncation_psi": 1}')
            out_png = os.path.join(tmp, "x.png")
            rc, out = run([ntex_cli(), "bake", "--model", MATERIAL, "--preset", preset, "--out", out_png])
            self.assertNotEqual(rc, 0)
            self.assertIn("albedo_v1", out)
            self.assertEqual(len(out.strip().splitlines()), 1, out)
            self.assertFalse(any(f.endswith(".png") for f in os.listdir(tmp)), "no partial output")


if __name__ == "__main__":
    unittest.main()
