# SPDX-License-Identifier: MIT
"""test_cli.py: the C++ loader (`$NTEX_CLI`) accepts the shipped model, reproduces the golden
fixtures within 1e-3, and rejects broken models with a non-zero exit and a one-line error."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from ntex_test_util import FIXTURES, MODELS, ntex_cli

MODEL = os.path.join(MODELS, "albedo_v1.json")
GOLDEN = os.path.join(FIXTURES, "albedo_v1_golden.safetensors")


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


@unittest.skipIf(ntex_cli() is None, "NTEX_CLI is not set (ctest sets it to the ntex_cli target)")
class CliTest(unittest.TestCase):
    def setUp(self):
        self.cli = ntex_cli()

    def test_info(self):
        rc, out, err = run([self.cli, "info", MODEL])
        self.assertEqual(rc, 0, out + err)
        self.assertIn("albedo", out)

    def test_check_golden(self):
        rc, out, err = run([self.cli, "check-golden", MODEL, GOLDEN])
        self.assertEqual(rc, 0, out + err)

    def _broken(self, edit):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        with open(MODEL) as f:
            desc = json.load(f)
        shutil.copy(os.path.join(MODELS, desc["weights"]), tmp)
        edit(desc)
        path = os.path.join(tmp, "albedo_v1.json")
        with open(path, "w") as f:
            json.dump(desc, f)
        return path

    def _expect_error(self, path, needle):
        rc, out, err = run([self.cli, "info", path])
        self.assertNotEqual(rc, 0, out + err)
        text = (out + err).strip()
        self.assertIn(needle, text)
        self.assertEqual(len(err.strip().splitlines()), 1, msg=f"expected a one-line error, got:\n{err}")

    def test_unknown_op(self):
        def edit(d):
            d["synthesis"]["ops"][3]["op"] = "x"
        self._expect_error(self._broken(edit), "unknown op 'x'")

    def test_wrong_tensor_shape(self):
        def edit(d):
            d["tensors"]["synthesis.1.weight"]["shape"] = [64, 16, 3, 5]
        self._expect_error(self._broken(edit), "synthesis.1.weight")

    def test_missing_file(self):
        rc, out, err = run([self.cli, "info", os.path.join(MODELS, "does_not_exist.json")])
        self.assertNotEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
