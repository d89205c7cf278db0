# SPDX-License-Identifier: MIT
"""test_model.py: generator shape/size rules, exact tiling, the exported reference forward equals the
training module, safetensors round trip, JSON completeness."""
import json
import os
import tempfile
import unittest

import numpy as np
import torch

from ntex_test_util import MODELS, random_generator
from ntex_train import hashnoise, safetensors_io
from ntex_train.model import Generator, count_parameters, flops_per_megapixel
from ntex_train.reference import ReferenceModel

torch.set_num_threads(2)


def export_to(G, folder, name="tiny"):
    """Writes the model files the way export.py does (without a checkpoint)."""
    tensors = G.export_tensors()
    latent, mapping, synthesis = G.describe()
    desc = {"format": "ntex-model", "format_version": 1, "name": name, "version": "0", "description": "test",
            "latent": latent, "mapping": mapping, "synthesis": synthesis,
            "outputs": [{"name": "albedo", "channels": [0, 1, 2], "semantics": "rgb", "range": [0, 1],
                         "color_space": "srgb"}],
            "weights": f"{name}.safetensors",
            "tensors": {k: {"shape": list(v.shape), "dtype": "F32"} for k, v in tensors.items()},
            "parameters": count_parameters(tensors), "flops_per_megapixel": flops_per_megapixel(synthesis, 16),
            "training": {}}
    safetensors_io.save(os.path.join(folder, desc["weights"]), tensors)
    path = os.path.join(folder, f"{name}.json")
    with open(path, "w") as f:
        json.dump(desc, f)
    return path


def seam_vs_interior(img):
    """Mean abs difference across the wrap seams (rolled to the middle) over the mean interior one."""
    c, h, w = img.shape
    r = np.roll(img, (h // 2, w // 2), axis=(1, 2))
    dx = np.abs(np.diff(r, axis=2)).mean(axis=(0, 1))  # per column boundary
    dy = np.abs(np.diff(r, axis=1)).mean(axis=(0, 2))
    seam = (dx[w // 2 - 1] + dy[h // 2 - 1]) / 2
    interior = (np.delete(dx, w // 2 - 1).mean() + np.delete(dy, h // 2 - 1).mean()) / 2
    return seam / interior


class ModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.G = random_generator()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.json_path = export_to(cls.G, cls.tmp.name)
        cls.ref = ReferenceModel(cls.json_path)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_architecture(self):
        ops = self.G.describe()[2]["ops"]
        self.assertEqual([o["op"] for o in ops].count("upsample"), 4)
        convs = [(o["in"], o["out"], o["kernel"]) for o in ops if o["op"] == "modconv"]
        self.assertEqual(convs, [(16, 64, 3), (64, 64, 3), (64, 64, 3), (64, 64, 3), (64, 48, 3), (48, 48, 3),
                                 (48, 32, 3), (32, 32, 3), (32, 16, 3), (16, 16, 3), (16, 3, 1)])
        self.assertEqual(ops[-1], {"op": "output", "scale": 0.5, "shift": 0.5})
        last = [o for o in ops if o["op"] == "modconv"][-1]
        self.assertEqual((last["demodulate"], last["activation"], last["noise"]), (False, "tanh", False))
        noise_ops = [i for i, o in enumerate(ops) if o["op"] == "modconv" and o["noise"]]
        self.assertEqual(noise_ops, [1, 4, 7, 10, 13])

    def test_json_names_every_tensor(self):
        with open(self.json_path) as f:
            desc = json.load(f)
        arrays, _ = safetensors_io.load(os.path.join(self.tmp.name, desc["weights"]))
        self.assertEqual(set(desc["tensors"]), set(arrays))
        named = {desc["mapping"]["w_avg"]}
        for l in desc["mapping"]["layers"]:
            named |= {l["weight"], l["bias"]}
        for o in desc["synthesis"]["ops"]:
            named |= {o[k] for k in ("weight", "bias", "affine_weight", "affine_bias", "noise_strength") if k in o}
        self.assertEqual(named, set(arrays))
        self.assertEqual(desc["parameters"], sum(a.size for k, a in arrays.items() if k != "mapping.w_avg"))

    def test_safetensors_round_trip(self):
        path = os.path.join(self.tmp.name, "rt.safetensors")
        t = {"a": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.array([7], np.int32),
             "c": np.zeros((0,), np.float32)}
        safetensors_io.save(path, t, {"k": "v"})
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
        self.assertEqual((8 + n) % 8, 0)
        back, meta = safetensors_io.load(path)
        self.assertEqual(meta, {"k": "v"})
        for k in t:
            np.testing.assert_array_equal(back[k], t[k])

    def test_reference_equals_training_module(self):
        for seed, psi, (gh, gw) in ((1, 1.0, (4, 4)), (7, 0.7, (3, 6))):
            z = hashnoise.z_from_seed(seed, 64)
            grid, maps = self.G.hash_noise(seed, gh, gw)
            with torch.no_grad():
                a = self.G(torch.from_numpy(z)[None], grid, maps, psi=psi)[0].numpy()
            b = self.ref.generate(seed, gw * 16, gh * 16, z=z, psi=psi).numpy()
            self.assertEqual(a.shape, (3, gh * 16, gw * 16))
            self.assertLess(float(np.abs(a - b).max()), 1e-5)

    def test_any_grid_size(self):
        for w, h in ((16, 16), (48, 32), (80, 16)):
            self.assertEqual(tuple(self.ref.generate(3, w, h).shape), (3, h, w))
        with self.assertRaises(ValueError):
            self.ref.generate(3, 20, 16)

    def test_tiles_exactly_with_periodic_noise(self):
        # Circular padding everywhere: a 2x2-periodic input gives a 2x2-periodic output, i.e. the
        # small output tiled 2x2 equals the output for the tiled inputs.
        grid, maps = self.G.hash_noise(11, 2, 3)
        z = torch.from_numpy(hashnoise.z_from_seed(11, 64))[None]
        with torch.no_grad():
            small = self.G(z, grid, maps)
            big = self.G(z, grid.repeat(1, 1, 2, 2), {k: v.repeat(1, 1, 2, 2) for k, v in maps.items()})
        self.assertLess(float((small.repeat(1, 1, 2, 2) - big).abs().max()), 1e-5)

    def test_seam_statistics(self):
        img = self.ref.generate(5, 128, 128).numpy()
        ratio = seam_vs_interior(img)
        self.assertLess(abs(ratio - 1.0), 0.35, msg=f"seam/interior gradient ratio {ratio:.3f}")
        shipped = os.path.join(MODELS, "albedo_v1.json")
        if os.path.exists(shipped):
            ref = ReferenceModel(shipped)
            ratios = [seam_vs_interior(ref.generate(s, 128, 128).numpy()) for s in range(4)]
            self.assertLess(abs(float(np.mean(ratios)) - 1.0), 0.35, msg=f"shipped model ratios {ratios}")

    def test_unknown_op_is_rejected(self):
        with open(self.json_path) as f:
            desc = json.load(f)
        desc["synthesis"]["ops"][3]["op"] = "x"
        bad = os.path.join(self.tmp.name, "bad.json")
        with open(bad, "w") as f:
            json.dump(desc, f)
        with self.assertRaisesRegex(ValueError, r"unknown op 'x' at synthesis.ops\[3\]"):
            ReferenceModel(bad)

    def test_flops(self):
        # 2 * sum(in*out*k*k * pixels of the op's resolution) per 1e6 output pixels
        ops = self.G.describe()[2]
        expected = 0.0
        for si, (cin, cmid, cout) in enumerate([(16, 64, 64), (64, 64, 64), (64, 48, 48), (48, 32, 32),
                                                (32, 16, 16)]):
            frac = (2 ** si / 16) ** 2
            expected += 2 * 1e6 * frac * 9 * (cin * cmid + cmid * cout)
        expected += 2 * 1e6 * 16 * 3
        self.assertEqual(flops_per_megapixel(ops, 16), int(round(expected)))


if __name__ == "__main__":
    unittest.main()
