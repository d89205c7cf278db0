# SPDX-License-Identifier: MIT
"""ntex_test_util.py: shared paths and helpers for the Python tests (no dataset needed)."""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAINING = os.path.join(REPO, "models", "training")
FIXTURES = os.path.join(REPO, "tests", "fixtures")
MODELS = os.path.join(REPO, "models")
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def ntex_cli():
    """The ntex_cli executable from the environment (set by ctest), or None."""
    cli = os.environ.get("NTEX_CLI", "")
    return cli or None


def random_generator(seed=0, perturb=0.3):
    """A Generator with random weights and non-trivial biases, noise strengths and w_avg, so every
    term of the spec contributes to the output."""
    import torch
    from ntex_train.model import Generator
    torch.manual_seed(seed)
    G = Generator()
    with torch.no_grad():
        for name, p in G.named_parameters():
            if name.endswith("bias") or "noise_strength" in name:
                p.add_(torch.randn_like(p) * perturb)
        G.w_avg.copy_(torch.randn_like(G.w_avg) * 0.1)
    return G.eval()
