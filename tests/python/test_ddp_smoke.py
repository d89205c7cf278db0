# SPDX-License-Identifier: MIT
"""test_ddp_smoke.py: multi-process training with torchrun + DistributedDataParallel (gloo on CPU):
two processes train the material model for 2 steps; both ranks must end with identical parameters
(the --ddp-check checksum) and rank 0 must write the checkpoint.

torchrun --standalone rendezvouses on localhost through a c10d store on a free port; loopback TCP
works here, so no --master_addr / --rdzv-endpoint override is needed (gloo is pinned to loopback with
GLOO_SOCKET_IFNAME=lo for hosts whose hostname does not resolve).

Debian's torch 1.13 on Python 3.11: torchrun's defaults `--redirects 0` and `--tee 0` crash
("'NoneType' object has no attribute 'get'"): Std.from_str looks the value up by iterating the
IntFlag, and Python 3.11 no longer yields the zero member NONE. Any non-zero value avoids the
lookup, so we pass `--redirects 1 --tee 1` (stdout goes to a log file under --log_dir and, tee'd, to
the console, each line prefixed with the rank; stderr is untouched)."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import torch

from ntex_test_util import TRAINING
from test_evaluate import write_material_dataset

TORCHRUN = shutil.which("torchrun") or "/usr/bin/torchrun"


class DdpSmokeTest(unittest.TestCase):
    def test_two_processes_agree(self):
        if not os.path.exists(TORCHRUN):
            self.skipTest("torchrun is not installed")
        if not torch.distributed.is_available() or not torch.distributed.is_gloo_available():
            self.skipTest("torch.distributed with gloo is not available")
        with tempfile.TemporaryDirectory() as tmp:
            data = write_material_dataset(tmp, "train.npz", n=6, seed=5)
            run_dir = os.path.join(tmp, "run")
            env = dict(os.environ, NTEX_DATA_DIR=tmp, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo")
            cmd = [TORCHRUN, "--standalone", "--nproc_per_node", "2", "--redirects", "1", "--tee", "1",
                   "--log_dir", os.path.join(tmp, "torchrun_logs"),
                   os.path.join(TRAINING, "train.py"), "--name", "ddp_smoke", "--maps", "material", "--batch", "4",
                   "--steps", "2", "--r1-every", "2", "--threads", "1", "--ddp-check", "--no-progress",
                   "--latest-copy", "none", "--data", data, "--run-dir", run_dir]
            p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)
            out = p.stdout + p.stderr
            self.assertEqual(p.returncode, 0, out)
            sums = dict(re.findall(r"rank (\d) parameter checksum (\S+)", out))
            self.assertEqual(sorted(sums), ["0", "1"], out)
            self.assertEqual(sums["0"], sums["1"], out)
            self.assertIn("2 process(es)", out)
            ckpts = glob.glob(os.path.join(run_dir, "ckpt_*.pt"))
            self.assertEqual([os.path.basename(c) for c in ckpts], ["ckpt_0000002.pt"])
            st = torch.load(ckpts[0], map_location="cpu")
            self.assertEqual(st["step"], 2)
            self.assertEqual(st["world"], 2)
            self.assertEqual(st["G_ema"]["convs.15.weight"].shape[0], 5)


if __name__ == "__main__":
    unittest.main()
