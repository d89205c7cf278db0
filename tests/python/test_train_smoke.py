# SPDX-License-Identifier: MIT
"""test_train_smoke.py: train a few steps on a tiny synthetic data set, checkpoint, resume, export,
and load the result with the C++ runtime (`$NTEX_CLI info` / `check-golden`)."""
import csv
import glob
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np
import torch

from ntex_test_util import PYTHON, TRAINING, ntex_cli


def write_synthetic_dataset(folder, n=6, size=256, seed=0):
    """Stripes and checkers in random colours, in the npz format build_dataset.py writes."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    albedo = np.zeros((n, size, size, 3), np.uint8)
    for i in range(n):
        period = int(rng.integers(8, 33))
        pattern = ((xx // period + (yy // period) * (i % 2)) % 2).astype(np.float32)
        c0, c1 = rng.integers(0, 256, size=(2, 3))
        albedo[i] = (c0 + (c1 - c0) * pattern[..., None]).astype(np.uint8)
    path = os.path.join(folder, "train.npz")
    np.savez(path, albedo=albedo, normal=np.zeros_like(albedo), height=albedo[..., 0] * 0,
             gloss=albedo[..., 0] * 0, has_normal=np.zeros(n, bool), has_height=np.zeros(n, bool),
             has_gloss=np.zeros(n, bool), source=np.array([f"synthetic:{i}" for i in range(n)]))
    return path


def run(args, env=None, timeout=300):
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


class TrainSmokeTest(unittest.TestCase):
    def test_train_resume_export_roundtrip(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, NTEX_DATA_DIR=tmp)
            data = write_synthetic_dataset(tmp)
            train = [PYTHON, os.path.join(TRAINING, "train.py"), "--name", "smoke", "--data", data,
                     "--batch", "4", "--ckpt-every", "2", "--sample-every", "3", "--r1-every", "2",
                     "--latest-copy", os.path.join(tmp, "latest", "smoke_latest.pt"), "--no-progress"]
            rc, out = run(train + ["--steps", "3"], env)
            self.assertEqual(rc, 0, out)
            run_dir = os.path.join(tmp, "runs", "smoke")
            self.assertEqual([os.path.basename(p) for p in sorted(glob.glob(os.path.join(run_dir, "ckpt_*.pt")))],
                             ["ckpt_0000002.pt", "ckpt_0000003.pt"])
            self.assertTrue(os.path.exists(os.path.join(run_dir, "samples_0000003.png")))
            # Resume from the newest checkpoint and go on to step 5.
            rc, out = run(train + ["--steps", "5", "--resume"], env)
            self.assertEqual(rc, 0, out)
            self.assertIn("resumed from", out)
            self.assertIn("at step 3", out)
            with open(os.path.join(run_dir, "log.csv")) as f:
                steps = [int(r["step"]) for r in csv.DictReader(f)]
            self.assertEqual(steps, [1, 2, 3, 4, 5])
            # Resuming restores optimizer and RNG states: same weights as an uninterrupted run.
            rc, out = run(train + ["--steps", "5", "--run-dir", os.path.join(tmp, "straight"),
                                      "--latest-copy", "none"], env)
            self.assertEqual(rc, 0, out)
            a = torch.load(os.path.join(run_dir, "ckpt_0000005.pt"))["G_ema"]
            b = torch.load(os.path.join(tmp, "straight", "ckpt_0000005.pt"))["G_ema"]
            for k in a:
                self.assertLess(float((a[k] - b[k]).abs().max()), 1e-5, msg=k)
            latest = os.path.join(tmp, "latest", "smoke_latest.pt")
            self.assertLess(os.path.getsize(latest), 10 * 1024 * 1024)

            out_dir, fx_dir = os.path.join(tmp, "model"), os.path.join(tmp, "fixtures")
            rc, out = run([PYTHON, os.path.join(TRAINING, "export.py"), "--checkpoint", latest, "--name", "smoke",
                           "--out-dir", out_dir, "--fixtures-dir", fx_dir, "--no-samples"], env)
            self.assertEqual(rc, 0, out)
            model = os.path.join(out_dir, "smoke.json")
            golden = os.path.join(fx_dir, "smoke_golden.safetensors")
            for p in (model, os.path.join(out_dir, "smoke.safetensors"), os.path.join(out_dir, "smoke.md"),
                      golden, os.path.join(fx_dir, "hash_vectors.json")):
                self.assertTrue(os.path.exists(p), p)
            with open(model) as f:
                self.assertEqual(json.load(f)["training"]["steps"], 5)

            cli = ntex_cli()
            if cli is None:
                self.skipTest("NTEX_CLI is not set (ctest sets it to the ntex_cli target): "
                              "C++ round trip not checked")
            rc, out = run([cli, "info", model])
            self.assertEqual(rc, 0, out)
            rc, out = run([cli, "check-golden", model, golden])
            self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()
