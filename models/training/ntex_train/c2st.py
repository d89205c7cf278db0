# SPDX-License-Identifier: MIT
"""c2st.py: classifier two-sample tests for the material_v2 evaluation.

C2ST (Lopez-Paz & Oquab 2017): a small CNN, trained from scratch, tells set A from set B; its test
accuracy on images it never saw is ~0.5 when the sets come from one distribution and ~1 when they
are easy to tell apart. The recipe is fixed so numbers compare across models and runs:
- SmallCNN: a 4x4 stride-4 patch convolution, then stride-2 3x3 convolutions down to 2x2 (256 px)
  with BatchNorm and leaky ReLU, global average pooling, a linear head. The receptive field
  (~250 px) covers a whole 256 px crop, so shapes at the structure scale count, and it stays cheap
  on CPU (about 5 ms per 256 px image forward + backward, one core).
- A fixed budget in optimiser steps (given by the caller as epochs over its training set), Adam.
- BatchNorm statistics recomputed on the whole training set (eval-mode running averages of the last
  batches would depend on the order of the final steps) before testing.
- Balanced accuracy (the mean of the per-class accuracies), the mean over seeds.
Images are uint8 [N, H, W, C] numpy arrays, converted per batch (a whole float set would not fit).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = (16, 32, 64, 64, 64, 64)


class SmallCNN(nn.Module):
    """in_channels -> `outputs` logits; any input size that is a multiple of 4."""

    def __init__(self, in_channels, outputs=1, widths=WIDTHS):
        super().__init__()
        layers = [nn.Conv2d(in_channels, widths[0], 4, stride=4, bias=False), nn.BatchNorm2d(widths[0]),
                  nn.LeakyReLU(0.2)]
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [nn.Conv2d(a, b, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(b), nn.LeakyReLU(0.2)]
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(widths[-1], outputs)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=(2, 3)))


def to_input(images):
    """uint8 [B, H, W, C] numpy -> float [B, C, H, W] in [-1, 1]."""
    x = torch.from_numpy(np.ascontiguousarray(images))
    return x.permute(0, 3, 1, 2).float() / 127.5 - 1.0


def fit(model, images, labels, steps, batch=64, seed=0, lr=1e-3):
    """Trains `model` for exactly `steps` Adam steps on images [N, H, W, C] uint8 with integer labels
    [N] (one logit: binary cross-entropy; K logits: cross-entropy). Batches walk through random
    permutations (every image once per epoch)."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.5, 0.99))
    binary = model.head.out_features == 1
    order, pos = rng.permutation(len(labels)), 0
    model.train()
    for _ in range(steps):
        if pos + batch > len(order):
            order, pos = rng.permutation(len(labels)), 0
        idx = order[pos:pos + batch]
        pos += batch
        idx = np.sort(idx)  # reading rows in order is faster on a memory-mapped or large array
        x = to_input(images[idx])
        y = torch.from_numpy(labels[idx])
        out = model(x)
        loss = (F.binary_cross_entropy_with_logits(out[:, 0], y.float()) if binary
                else F.cross_entropy(out, y.long()))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model


def recalibrate_bn(model, images, batch=128):
    """Replaces every BatchNorm's running mean/variance by the exact average over `images` (momentum
    None = cumulative average), then sets eval mode."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        for i in range(0, len(images), batch):
            model(to_input(images[i:i + batch]))
    for m, mom in zip(bns, saved):
        m.momentum = mom
    return model.eval()


def predict(model, images, batch=128):
    """Logits [N, outputs] (numpy) in eval mode."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            out.append(model(to_input(images[i:i + batch])).numpy())
    return np.concatenate(out) if out else np.zeros((0, model.head.out_features), np.float32)


def balanced_accuracy(pred, labels):
    labels = np.asarray(labels)
    return float(np.mean([np.mean(pred[labels == c] == c) for c in np.unique(labels)]))


def steps_for(epochs, n_train, batch):
    """The fixed budget: `epochs` passes over n_train images (at least one step)."""
    return max(1, int(round(epochs * n_train / batch)))


def c2st_accuracy(a_train, b_train, a_test, b_test, seed=0, epochs=5, batch=64, widths=WIDTHS):
    """One C2ST: test accuracy (balanced) of a SmallCNN trained to tell set A (label 0) from B (1)."""
    x = np.concatenate([a_train, b_train])
    y = np.concatenate([np.zeros(len(a_train), np.int64), np.ones(len(b_train), np.int64)])
    torch.manual_seed(seed)
    model = SmallCNN(x.shape[-1], 1, widths)
    fit(model, x, y, steps_for(epochs, len(x), batch), batch, seed)
    recalibrate_bn(model, x)
    del x
    xt = np.concatenate([a_test, b_test])
    yt = np.concatenate([np.zeros(len(a_test), np.int64), np.ones(len(b_test), np.int64)])
    pred = (predict(model, xt)[:, 0] > 0).astype(np.int64)
    return balanced_accuracy(pred, yt)


def c2st(a_train, b_train, a_test, b_test, seeds=5, epochs=5, batch=64, widths=WIDTHS):
    """The C2ST of the evaluation: the mean test accuracy over `seeds` seeds (0 .. seeds-1; each seed
    sets the network's initialisation and the batch order). Returns a dict for eval.json."""
    acc = [c2st_accuracy(a_train, b_train, a_test, b_test, s, epochs, batch, widths) for s in range(seeds)]
    return {"accuracy": float(np.mean(acc)), "std": float(np.std(acc)), "per_seed": [round(a, 4) for a in acc],
            "train": [len(a_train), len(b_train)], "test": [len(a_test), len(b_test)], "epochs": epochs,
            "steps": steps_for(epochs, len(a_train) + len(b_train), batch), "batch": batch}
