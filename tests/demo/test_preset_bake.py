# SPDX-License-Identifier: MIT
"""test_preset_bake.py: the demo's files round-trip. The demo saves a preset and bakes the current
material; `ntex bake --preset` of that preset gives the same texels; the demo started from the
preset bakes identical files; a bad preset is a one-line error that leaves existing files alone.
Run by ctest with NTEX_DEMO, NTEX_CLI and NTEX_MODEL set."""
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

DEMO, CLI, MODEL = (os.environ.get(k, "") for k in ("NTEX_DEMO", "NTEX_CLI", "NTEX_MODEL"))


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, OMP_WAIT_POLICY="passive"))
    return p.returncode, p.stdout + p.stderr


def png(path):
    return np.array(Image.open(path))


@unittest.skipIf(not (DEMO and CLI and MODEL), "NTEX_DEMO / NTEX_CLI / NTEX_MODEL not set (run through ctest)")
class PresetBakeTest(unittest.TestCase):
    def test_roundtrip(self):
        with tempfile.TemporaryDirectory() as tmp:
            demo = [DEMO, "--headless", "--frames", "1", "--model", MODEL, "--width", "320", "--height", "180"]
            rc, out = run(demo + ["--seed", "5", "--directions", "1.5,-1", "--save-preset", f"{tmp}/p.json", "--bake", f"{tmp}/a/m",
                                  "--bake-size", "96", "--out", f"{tmp}/a.png"])
            self.assertEqual(rc, 0, out)
            maps = sorted(f[2:-4] for f in os.listdir(f"{tmp}/a") if f.endswith(".png"))
            self.assertIn("albedo", maps)
            rc, out = run([CLI, "bake", "--model", MODEL, "--preset", f"{tmp}/p.json", "--size", "96", "--out", f"{tmp}/c/m.png"])
            self.assertEqual(rc, 0, out)
            rc, out = run(demo + ["--preset", f"{tmp}/p.json", "--bake", f"{tmp}/b/m", "--bake-size", "96", "--out", f"{tmp}/b.png"])
            self.assertEqual(rc, 0, out)
            for m in maps:
                a, b = png(f"{tmp}/a/m_{m}.png"), png(f"{tmp}/b/m_{m}.png")
                self.assertTrue(np.array_equal(a, b), f"{m}: the demo restarted from the preset bakes other texels")
                cli_path = f"{tmp}/c/m_{m}.png" if len(maps) > 1 else f"{tmp}/c/m.png"
                c = png(cli_path).astype(np.int64)
                if m == "height":
                    c = (c * 255 + 32767) // 65535   # the CLI keeps 16 bits; the demo's PNGs are RGBA8
                c = c if c.ndim == 2 else c[..., 0]
                self.assertEqual(int(np.abs(a[..., 0].astype(np.int64) - c).max()), 0, f"{m}: demo and CLI bakes differ")

    def test_bad_preset_keeps_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = f"{tmp}/bad.json"
            with open(bad, "w") as f:
                f.write('{"format": "ntex-preset", "format_version": 1, "model": "some_other_model", "seed": 1, "truncation_psi": 1}')
            rc, out = run([DEMO, "--headless", "--frames", "1", "--model", MODEL, "--preset", bad, "--out", f"{tmp}/x.png"])
            self.assertNotEqual(rc, 0)
            self.assertIn("some_other_model", out)
            self.assertEqual([l for l in out.splitlines() if "error" in l].__len__(), 1, out)
            self.assertFalse(os.path.exists(f"{tmp}/x.png"))


if __name__ == "__main__":
    sys.exit(unittest.main())
