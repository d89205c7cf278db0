# SPDX-License-Identifier: MIT
"""model.py: the ntex generator (mapping MLP + modulated conv synthesis) of docs/model_format.md.

Training form: equalized learning rate (weights stored ~N(0,1), the He scale applied at run time).
`export_tensors()` folds every scale into the effective weights the spec describes.
For speed on CPU the training forward modulates activations instead of weights
(x * s, shared conv, then * demod), which is the same math as the spec's per-sample weights;
tests/python/test_reference.py checks the two agree.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import hashnoise

LRELU_SLOPE = 0.2

# (in, mid, out) of the two 3x3 convs per stage, from res/16 up to res/1; an upsample between stages.
STAGES = [(16, 64, 64), (64, 64, 64), (64, 48, 48), (48, 32, 32), (32, 16, 16)]
# material_v2: twice the width at /16 and 1.5x at /8, where a channel costs 1/256 and 1/64 of one
# at full resolution (the layout decisions live there); the /4../1 stages are material_v1's, so
# v2 warm-starts from it (train_v2.py). 37.9 GFLOP/MP against v1's 34.2.
STAGES_V2 = [(16, 128, 128), (128, 96, 64), (64, 48, 48), (48, 32, 32), (32, 16, 16)]


def circular_pad(x, p):
    return F.pad(x, (p, p, p, p), mode="circular") if p > 0 else x


def upsample_wrap(x):
    """Spec upsample: circular pad 1, bilinear x2 with half-pixel centres, crop 2 from each side."""
    y = F.interpolate(circular_pad(x, 1), scale_factor=2, mode="bilinear", align_corners=False)
    return y[:, :, 2:-2, 2:-2]


class EqualLinear(nn.Module):
    def __init__(self, fan_in, fan_out, bias_init=0.0, lr_mul=1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fan_out, fan_in) / lr_mul)
        self.bias = nn.Parameter(torch.full((fan_out,), float(bias_init) / lr_mul))
        self.w_scale = lr_mul / math.sqrt(fan_in)
        self.lr_mul = lr_mul

    def effective(self):
        return self.weight * self.w_scale, self.bias * self.lr_mul

    def forward(self, x):
        w, b = self.effective()
        return F.linear(x, w, b)


def layout_pyramid(layout, divisors):
    """{d: the layout [B, K, H/d, W/d] averaged over d x d blocks} for every divisor d (powers of 2).
    Block averages compose, so each level comes from the previous one."""
    out, x, d = {}, layout, 1
    for target in sorted(set(divisors)):
        while d < target:
            x, d = F.avg_pool2d(x, 2), d * 2
        out[target] = x
    return out


class ModConv(nn.Module):
    def __init__(self, w_dim, cin, cout, k, demodulate=True, activation="lrelu", noise=False, layout_channels=0):
        super().__init__()
        self.layout_channels = layout_channels
        if layout_channels:
            # Layout injection (SPADE's additive term, Park et al. 2019, without the per-pixel
            # scale): y += G L, G [O, K], before the activation. Starts at zero, so a warm start
            # from an unconditional model begins as that model.
            self.layout_gain = nn.Parameter(torch.zeros(cout, layout_channels))
        self.cin, self.cout, self.k = cin, cout, k
        self.demodulate, self.activation, self.noise = demodulate, activation, noise
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.w_scale = 1.0 / math.sqrt(cin * k * k)
        self.affine = EqualLinear(w_dim, cin, bias_init=1.0)
        if noise:
            self.noise_strength = nn.Parameter(torch.zeros(1))

    def effective_weight(self):
        return self.weight * self.w_scale

    def forward(self, x, w, noise=None, layout=None):
        """x [B, I, H, W], w [B, w_dim], noise [B, 1, H, W] (or None when self.noise is False),
        layout [B, K, H, W] at this conv's resolution (or None without layout channels)."""
        s = self.affine(w)                                   # [B, I]
        weight = self.effective_weight()                     # [O, I, K, K]
        x = x * s[:, :, None, None]
        y = F.conv2d(circular_pad(x, self.k // 2), weight)
        if self.demodulate:
            # sum over (i, kh, kw) of (W[o,i] s[i])^2 = sum_i s[i]^2 sum_k W[o,i,k]^2
            wsq = weight.square().sum(dim=(2, 3))            # [O, I]
            d = torch.rsqrt(s.square() @ wsq.t() + 1e-8)     # [B, O]
            y = y * d[:, :, None, None]
        y = y + self.bias[None, :, None, None]
        if self.noise:
            y = y + self.noise_strength * noise
        if self.layout_channels:
            y = y + torch.einsum("ok,bkhw->bohw", self.layout_gain, layout)
        if self.activation == "lrelu":
            return F.leaky_relu(y, LRELU_SLOPE)
        if self.activation == "tanh":
            return torch.tanh(y)
        return y


class Generator(nn.Module):
    def __init__(self, z_dim=64, w_dim=128, noise_channels=16, cell_size=16, mapping_layers=2,
                 mapping_lr_mul=0.01, w_avg_beta=0.995, out_channels=3, stages=None, classes=0,
                 embed_dim=64, layout_channels=0):
        """out_channels: 3 = albedo only (albedo_v1); 5 = albedo, height, roughness (material.py).
        stages: STAGES (v1) or STAGES_V2. classes > 0: a conditional mapping network with
        classes + 1 embedding rows (the last is "any", trained by class dropout) and a w_avg per
        row (StyleGAN2-ADA's conditioning, Karras et al. 2020, with per-class truncation).
        layout_channels K > 0: every modconv adds G L of a K-channel layout map (conditioning.py)."""
        super().__init__()
        stages = stages or STAGES
        self.out_channels = out_channels
        self.z_dim, self.w_dim = z_dim, w_dim
        self.noise_channels, self.cell_size = noise_channels, cell_size
        self.w_avg_beta = w_avg_beta
        self.classes, self.embed_dim, self.layout_channels = classes, embed_dim, layout_channels
        self.stages = [tuple(s) for s in stages]
        dims = [z_dim + (embed_dim if classes else 0)] + [w_dim] * mapping_layers
        self.mapping = nn.ModuleList(EqualLinear(dims[i], dims[i + 1], lr_mul=mapping_lr_mul)
                                     for i in range(mapping_layers))
        if classes:
            # An embedding table (= a bias-free linear layer on one-hot c), equalized like the rest.
            self.class_embed = nn.Parameter(torch.randn(classes + 1, embed_dim))
            self.register_buffer("w_avg", torch.zeros(classes + 1, w_dim))
        else:
            self.register_buffer("w_avg", torch.zeros(w_dim))
        # The op list of the spec; modconv modules are stored under their op index.
        self.ops = [{"op": "noise_input", "channels": noise_channels}]
        self.convs = nn.ModuleDict()
        for si, (cin, cmid, cout) in enumerate(self.stages):
            if si > 0:
                self.ops.append({"op": "upsample", "factor": 2, "mode": "bilinear"})
            for ci, (a, b) in enumerate(((cin, cmid), (cmid, cout))):
                idx = len(self.ops)
                self.convs[str(idx)] = ModConv(w_dim, a, b, 3, noise=(ci == 0), layout_channels=layout_channels)
                self.ops.append({"op": "modconv", "index": idx})
        idx = len(self.ops)
        self.convs[str(idx)] = ModConv(w_dim, self.stages[-1][2], out_channels, 1, demodulate=False,
                                          activation="tanh", layout_channels=layout_channels)
        self.ops.append({"op": "modconv", "index": idx})
        self.ops.append({"op": "output", "scale": 0.5, "shift": 0.5})
        assert noise_channels == self.stages[0][0]

    # --- mapping -------------------------------------------------------------------------------
    def any_class(self):
        """The embedding row of "any category" (conditional models)."""
        return self.classes

    def map(self, z, psi=1.0, update_w_avg=False, c=None):
        """z [B, z_dim]; c [B] long class rows (conditional models; None = "any")."""
        h = z * torch.rsqrt(z.square().mean(dim=1, keepdim=True) + 1e-8)
        if self.classes:
            if c is None:
                c = torch.full((z.shape[0],), self.any_class(), dtype=torch.long, device=z.device)
            e = self.class_embed[c] / math.sqrt(self.classes + 1)  # equalized lr: fan-in of one-hot c
            h = torch.cat([h, e * torch.rsqrt(e.square().mean(dim=1, keepdim=True) + 1e-8)], 1)
        for layer in self.mapping:
            h = F.leaky_relu(layer(h), LRELU_SLOPE)
        if update_w_avg:
            with torch.no_grad():
                if self.classes:
                    for k in c.unique().tolist():
                        self.w_avg[k].copy_(h.detach()[c == k].mean(0).lerp(self.w_avg[k], self.w_avg_beta))
                else:
                    self.w_avg.copy_(h.detach().mean(0).lerp(self.w_avg, self.w_avg_beta))
        if psi != 1.0:
            avg = self.w_avg[c] if self.classes else self.w_avg
            h = avg + psi * (h - avg)
        return h

    # --- noise ---------------------------------------------------------------------------------
    def noise_layers(self):
        """[(op_index, scale_divisor)] of every modconv with noise injection; divisor = output / map size."""
        out, res_div = [], self.cell_size
        for i, op in enumerate(self.ops):
            if op["op"] == "upsample":
                res_div //= 2
            if op["op"] == "modconv" and self.convs[str(i)].noise:
                out.append((i, res_div))
        return out

    def random_noise(self, batch, grid_h, grid_w, device="cpu"):
        grid = torch.randn(batch, self.noise_channels, grid_h, grid_w, device=device)
        maps = {i: torch.randn(batch, 1, grid_h * self.cell_size // d, grid_w * self.cell_size // d,
                               device=device) for i, d in self.noise_layers()}
        return grid, maps

    def hash_noise(self, seed, grid_h, grid_w):
        """The spec's noise for one seed as torch tensors with batch 1."""
        grid = torch.from_numpy(hashnoise.noise_grid(seed, self.noise_channels, grid_h, grid_w))[None]
        maps = {}
        for i, d in self.noise_layers():
            h, w = grid_h * self.cell_size // d, grid_w * self.cell_size // d
            maps[i] = torch.from_numpy(hashnoise.noise_map(seed, hashnoise.NOISE_STREAM_BASE + i, h, w))[None, None]
        return grid, maps

    # --- synthesis -----------------------------------------------------------------------------
    def layout_divisors(self):
        """{op_index: output pixels per pixel of that modconv}."""
        out, d = {}, self.cell_size
        for i, op in enumerate(self.ops):
            if op["op"] == "upsample":
                d //= 2
            elif op["op"] == "modconv":
                out[i] = d
        return out

    def synthesis(self, w, grid, noise_maps, raw=False, layout=None):
        """layout [B, K, H, W] at the output resolution (models with layout channels; None = the
        "no layout" map, all zero)."""
        x = grid
        levels = None
        if self.layout_channels:
            divs = self.layout_divisors()
            if layout is None:
                b, _, gh, gw = grid.shape
                layout = grid.new_zeros(b, self.layout_channels, gh * self.cell_size, gw * self.cell_size)
            pyr = layout_pyramid(layout, divs.values())
            levels = {i: pyr[d] for i, d in divs.items()}
        for i, op in enumerate(self.ops):
            kind = op["op"]
            if kind == "upsample":
                x = upsample_wrap(x)
            elif kind == "modconv":
                x = self.convs[str(i)](x, w, noise_maps.get(i), levels[i] if levels else None)
            elif kind == "output" and not raw:
                x = (x * op["scale"] + op["shift"]).clamp(0, 1)
        return x

    def forward(self, z, grid, noise_maps, psi=1.0, raw=False, update_w_avg=False, c=None, layout=None):
        """raw=True returns the tanh output in [-1, 1] (what the discriminator sees)."""
        return self.synthesis(self.map(z, psi, update_w_avg, c), grid, noise_maps, raw, layout)

    # --- export --------------------------------------------------------------------------------
    def export_tensors(self):
        """name -> float32 numpy array of every effective weight the JSON names."""
        t = {}
        for li, layer in enumerate(self.mapping):
            w, b = layer.effective()
            t[f"mapping.{li}.weight"], t[f"mapping.{li}.bias"] = w, b
        t["mapping.w_avg"] = self.w_avg
        if self.classes:
            t["mapping.class_embed"] = self.class_embed / math.sqrt(self.classes + 1)
        for key, conv in self.convs.items():
            p = f"synthesis.{key}."
            t[p + "weight"] = conv.effective_weight()
            t[p + "bias"] = conv.bias
            aw, ab = conv.affine.effective()
            t[p + "affine_weight"], t[p + "affine_bias"] = aw, ab
            if conv.noise:
                t[p + "noise_strength"] = conv.noise_strength
            if conv.layout_channels:
                t[p + "layout_gain"] = conv.layout_gain
        return {k: v.detach().cpu().float().numpy().copy() for k, v in t.items()}

    def describe(self):
        """The JSON fragments `latent`, `mapping` and `synthesis` of the spec (tensor names only)."""
        mapping = {"normalize_z": True, "w_avg": "mapping.w_avg", "layers": [
            {"weight": f"mapping.{i}.weight", "bias": f"mapping.{i}.bias",
             "in": l.weight.shape[1], "out": l.weight.shape[0], "activation": "lrelu"}
            for i, l in enumerate(self.mapping)]}
        ops = []
        for i, op in enumerate(self.ops):
            if op["op"] != "modconv":
                ops.append(dict(op))
                continue
            c = self.convs[str(i)]
            p = f"synthesis.{i}."
            d = {"op": "modconv", "in": c.cin, "out": c.cout, "kernel": c.k, "demodulate": c.demodulate,
                 "activation": c.activation, "noise": c.noise, "weight": p + "weight", "bias": p + "bias",
                 "affine_weight": p + "affine_weight", "affine_bias": p + "affine_bias"}
            if c.noise:
                d["noise_strength"] = p + "noise_strength"
            if c.layout_channels:
                d["layout_gain"] = p + "layout_gain"
            ops.append(d)
        latent = {"z_dim": self.z_dim, "w_dim": self.w_dim, "noise_channels": self.noise_channels,
                  "cell_size": self.cell_size}
        if self.layout_channels:
            latent["layout_channels"] = self.layout_channels
        if self.classes:
            mapping["class_embed"] = "mapping.class_embed"
            mapping["embed_dim"] = self.embed_dim
        return latent, mapping, {"ops": ops}


def count_parameters(tensors):
    """Exported parameters, excluding the w_avg statistic and the latent directions (analysis results)."""
    return int(sum(v.size for k, v in tensors.items() if k != "mapping.w_avg" and not k.startswith("directions.")))


def flops_per_megapixel(synthesis, cell_size, layout_channels=0):
    """Multiply-adds x 2 of every conv (and of its layout injection, O x K per pixel) per megapixel
    of output (mapping and modulation excluded: they run once per style, not per pixel)."""
    total, div = 0.0, float(cell_size)
    for op in synthesis["ops"]:
        if op["op"] == "upsample":
            div /= op["factor"]
        elif op["op"] == "modconv":
            pixels = 1e6 / (div * div)
            total += 2.0 * pixels * op["in"] * op["out"] * op["kernel"] ** 2
            if op.get("layout_gain"):
                total += 2.0 * pixels * op["out"] * layout_channels
    return int(round(total))
