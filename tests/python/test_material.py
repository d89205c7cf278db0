# SPDX-License-Identifier: MIT
"""test_material.py: material maps (ntex_train/material.py): augmentation turns normals correctly
(a horizontal flip negates n.x, a 90-degree rotation maps (x, y) -> (-y, x)) and commutes with
deriving normals from height; fit_height_scale recovers a known scale; the discriminator input of
train.py zeroes masked maps; the reference forward derives the same normals."""
import math
import unittest

import numpy as np
import torch

import ntex_test_util  # noqa: F401  (sets sys.path)
from ntex_train import material


def smooth_height(h=48, w=48, seed=0):
    """Periodic smooth random height [1, h, w] in [0, 1] (a few low-frequency sinusoids)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    out = np.zeros((h, w))
    for _ in range(6):
        fx, fy = rng.integers(-3, 4, 2)
        out += rng.uniform(0.2, 1) * np.sin(2 * math.pi * (fx * xx / w + fy * yy / h) + rng.uniform(0, 6))
    out = (out - out.min()) / (out.max() - out.min())
    return torch.from_numpy(out.astype(np.float32))[None]


def normals(height, scale=5.0):
    return material.derive_normals(height[None], scale)[0]


class AugmentationTest(unittest.TestCase):
    def test_flip_commutes_with_derivation(self):
        h = smooth_height(40, 56)  # not square: a flip keeps the shape
        flipped_h, flipped_n = material.flip_horizontal(h, normals(h))
        torch.testing.assert_close(normals(flipped_h), flipped_n, atol=1e-6, rtol=0)

    def test_rotations_commute_with_derivation(self):
        h = smooth_height(48, 48, seed=1)
        for k in range(-1, 5):
            rot_h, rot_n = material.rotate90(h, k, normals(h))
            torch.testing.assert_close(normals(rot_h), rot_n, atol=1e-6, rtol=0, msg=f"k={k}")

    def test_flip_negates_x(self):
        n = torch.tensor([0.6, -0.3, math.sqrt(1 - 0.45)])[:, None, None].expand(3, 4, 6).clone()
        maps = torch.arange(24, dtype=torch.float32).reshape(1, 4, 6)
        fm, fn = material.flip_horizontal(maps, n)
        torch.testing.assert_close(fm[0, :, 0], maps[0, :, 5])
        torch.testing.assert_close(fn[:, 0, 0], torch.tensor([-0.6, -0.3, math.sqrt(1 - 0.45)]))
        self.assertTrue(torch.equal(n[0], torch.full((4, 6), 0.6)))  # the input is not modified

    def test_rotate_maps_xy(self):
        nz = math.sqrt(1 - 0.6 ** 2 - 0.3 ** 2)
        n = torch.tensor([0.6, -0.3, nz])[:, None, None].expand(3, 4, 4).clone()
        expected = {0: (0.6, -0.3), 1: (0.3, 0.6), 2: (-0.6, 0.3), 3: (-0.3, -0.6)}  # (x, y) -> (-y, x) per step
        for k, (x, y) in expected.items():
            _, rn = material.rotate90(torch.zeros(1, 4, 4), k, n)
            torch.testing.assert_close(rn[:, 2, 1], torch.tensor([x, y, nz]), msg=f"k={k}")

    def test_rotation_is_counter_clockwise_on_screen(self):
        # A height rising to the right tilts the normal to -x; rotated 90 degrees counter-clockwise it
        # rises towards the top of the screen (+y in OpenGL), so the normal tilts to -y.
        ramp = torch.sin(torch.linspace(0, 2 * math.pi, 33)[:-1])[None, None].expand(1, 32, 32) * 0.5 + 0.5
        n = normals(ramp)
        self.assertLess(float(n[0, 5, 0]), -0.1)  # rising to the right at x = 0
        rot_h, rot_n = material.rotate90(ramp, 1, n)
        torch.testing.assert_close(normals(rot_h), rot_n, atol=1e-6, rtol=0)
        # After the CCW rotation the old column x = 0 is the bottom row: the surface rises upwards.
        self.assertLess(float(rot_n[1, 31, 5]), -0.1)
        self.assertGreater(float(rot_h[0, 30, 5]), float(rot_h[0, 31, 5]))


class HeightScaleTest(unittest.TestCase):
    def test_fit_recovers_scale(self):
        true = 7.5
        heights, norms = [], []
        for i in range(5):
            h = smooth_height(64, 64, seed=10 + i)[0].numpy()
            h8 = np.round(h * 255).astype(np.uint8)
            heights.append(h8)
            norms.append(material.rgb_from_normals_uint8(material.derive_normals_np(h8 / 255.0, true)))
        heights.append(np.zeros((64, 64), np.uint8))  # a flat texture is skipped, not a division by zero
        norms.append(np.full((64, 64, 3), (128, 128, 255), np.uint8))
        scale, corr = material.fit_height_scale(np.stack(heights), np.stack(norms))
        self.assertLess(abs(scale - true) / true, 0.03, scale)
        self.assertGreater(corr, 0.98)


class DiscriminatorInputTest(unittest.TestCase):
    def test_masked_maps_are_zeroed(self):
        import train
        torch.manual_seed(0)
        x = torch.rand(3, 5, 8, 8) * 2 - 1
        masks = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        d = train.d_input(x, masks)
        self.assertEqual(tuple(d.shape), (3, 7, 8, 8))
        torch.testing.assert_close(d[:, :3], x[:, :3])  # albedo always passes
        torch.testing.assert_close(d[0, 3], x[0, 3])
        self.assertTrue(torch.all(d[0, 4] == 0))
        self.assertTrue(torch.all(d[1, 3] == 0))
        torch.testing.assert_close(d[1, 4], x[1, 4])
        self.assertTrue(torch.all(d[2, 3:5] == 0))
        for b in range(3):
            for j in range(2):
                self.assertTrue(torch.all(d[b, 5 + j] == masks[b, j]))
        self.assertTrue(torch.equal(train.d_input(x[:, :3], None), x[:, :3]))  # albedo-only models: unchanged

    def test_normal_channels_follow_height(self):
        # --d-normals: channels 7, 8 are the derived normal's x, y (from height in [0, 1]), zeroed
        # where height is masked, and they carry the generator's gradient.
        import train
        torch.manual_seed(1)
        x = torch.rand(2, 5, 12, 12) * 2 - 1
        x[0, 3] = smooth_height(12, 12, seed=2)[0] * 2 - 1
        masks = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
        d = train.d_input(x, masks, normal_scale=3.0)
        self.assertEqual(tuple(d.shape), (2, 9, 12, 12))
        self.assertEqual(train.d_channels("material", 3.0), 9)
        self.assertEqual(train.d_channels("material", 0.0), 7)
        torch.testing.assert_close(d[:, :7], train.d_input(x, masks))
        torch.testing.assert_close(d[0, 7:9], normals(x[0, 3:4] * 0.5 + 0.5, 3.0)[:2])
        self.assertTrue(torch.all(d[1, 7:9] == 0))
        x.requires_grad_(True)
        train.d_input(x, masks, normal_scale=3.0)[:, 7:9].sum().backward()
        self.assertGreater(float(x.grad[0, 3].abs().sum()), 0.0)

    def test_resume_widens_the_discriminator(self):
        # A 7-channel discriminator state loads into a 9-channel one: old weights kept (up to the He
        # rescale), new input channels start at zero, so the widened D scores real crops as before.
        import train
        from ntex_train.discriminator import Discriminator
        torch.manual_seed(2)
        d7, d9 = Discriminator(in_channels=7), Discriminator(in_channels=9)
        d9.load_state_dict(train.widen_state(d7.state_dict(), d9))
        x = torch.rand(4, 5, 64, 64) * 2 - 1
        masks = torch.ones(4, 2)
        torch.testing.assert_close(d9(train.d_input(x, masks, 2.0)), d7(train.d_input(x, masks)), rtol=1e-4, atol=1e-4)


class ReferenceMapsTest(unittest.TestCase):
    def test_reference_normal_matches_material(self):
        from ntex_train.reference import ReferenceModel
        ref = ReferenceModel.__new__(ReferenceModel)
        ref.desc = {"height_scale": 3.25, "outputs": [
            {"name": "albedo", "semantics": "albedo", "channels": [0, 1, 2], "range": [0, 1]},
            {"name": "normal", "semantics": "normal", "derived_from": "height", "convention": "opengl",
             "encoding": "n*0.5+0.5", "range": [0, 1]},
            {"name": "roughness", "semantics": "roughness", "channels": [4], "range": [0, 1]},
            {"name": "height", "semantics": "height", "channels": [3], "range": [0, 1]}]}
        ref._check_outputs()
        img = torch.rand(5, 16, 24)
        img[3] = smooth_height(16, 24, seed=4)[0]
        maps = ref.maps(img)
        self.assertEqual(list(maps), ["albedo", "normal", "roughness", "height"])
        torch.testing.assert_close(maps["albedo"], img[:3])
        torch.testing.assert_close(maps["roughness"], img[4:5])
        torch.testing.assert_close(maps["height"], img[3:4])
        want = material.encode_normals(material.derive_normals(img[3:4][None], 3.25))[0]
        torch.testing.assert_close(maps["normal"], want, atol=1e-6, rtol=0)
        ref.desc["height_scale"] = 0
        with self.assertRaisesRegex(ValueError, "height_scale"):
            ref._check_outputs()


if __name__ == "__main__":
    unittest.main()
