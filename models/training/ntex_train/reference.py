# SPDX-License-Identifier: MIT
"""reference.py: a pure-PyTorch forward of an exported ntex model (JSON + safetensors), written
straight from docs/model_format.md with no training classes. Used for the golden fixtures, the
samples and bench_torch.py; the C++ runtime must match it within 1e-3.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from . import hashnoise, safetensors_io

KNOWN_OPS = ("noise_input", "upsample", "modconv", "output")
ACTIVATIONS = ("lrelu", "linear", "tanh")


def _act(x, name):
    if name == "lrelu":
        return F.leaky_relu(x, 0.2)
    if name == "tanh":
        return torch.tanh(x)
    return x


def _circular_pad(x, p):
    return F.pad(x, (p, p, p, p), mode="circular") if p > 0 else x


class ReferenceModel:
    def __init__(self, json_path):
        with open(json_path) as f:
            self.desc = json.load(f)
        d = self.desc
        if d.get("format") != "ntex-model" or d.get("format_version") not in (1, 2):
            raise ValueError(f"invalid model: {json_path} is not an ntex-model v1/v2 file")
        for i, op in enumerate(d["synthesis"]["ops"]):
            if op.get("op") not in KNOWN_OPS:
                raise ValueError(f"invalid model: unknown op '{op.get('op')}' at synthesis.ops[{i}]")
            if op["op"] == "modconv" and op["activation"] not in ACTIVATIONS:
                raise ValueError(f"invalid model: unknown activation '{op['activation']}' at synthesis.ops[{i}]")
        arrays, _ = safetensors_io.load(os.path.join(os.path.dirname(os.path.abspath(json_path)), d["weights"]))
        for name, info in d["tensors"].items():
            if name not in arrays or list(arrays[name].shape) != list(info["shape"]) or info["dtype"] != "F32":
                raise ValueError(f"invalid model: tensor '{name}' missing or with the wrong shape/dtype")
        self.t = {k: torch.from_numpy(v.astype(np.float32)) for k, v in arrays.items()}
        self._check_outputs()
        lat = d["latent"]
        self.z_dim, self.w_dim = lat["z_dim"], lat["w_dim"]
        self.noise_channels, self.cell_size = lat["noise_channels"], lat["cell_size"]
        # Format v2 conditioning (docs/model_format.md, "Conditional mapping", "Layout conditioning").
        self.categories = list(d["mapping"].get("categories", []))
        self.layout_channels = int(lat.get("layout_channels", 0))

    def _check_outputs(self):
        """The `outputs` list: derived maps name a height map and need a positive `height_scale`."""
        outs = self.desc.get("outputs") or []
        names = {o["name"]: o for o in outs}
        for o in outs:
            src = o.get("derived_from")
            if src is None:
                continue
            if o.get("semantics") != "normal":
                raise ValueError(f"invalid model: map '{o['name']}' is derived but not a normal map")
            if src not in names or names[src].get("semantics") != "height" or len(names[src]["channels"]) != 1:
                raise ValueError(f"invalid model: map '{o['name']}' is derived from '{src}', not a 1-channel height map")
            hs = self.desc.get("height_scale")
            if not isinstance(hs, (int, float)) or not hs > 0:
                raise ValueError("invalid model: a derived normal map needs a positive height_scale")

    # z -> w
    def mapping(self, z, psi=1.0, category=-1):
        """category: 0..C-1, or -1 = any (embedding row C) for conditional models."""
        m = self.desc["mapping"]
        h = torch.as_tensor(np.asarray(z, np.float32)).reshape(-1)
        if m["normalize_z"]:
            h = h / torch.sqrt(h.square().mean() + 1e-8)
        row = None
        if self.categories:
            row = len(self.categories) if category < 0 else int(category)
            e = self.t[m["class_embed"]][row]
            h = torch.cat([h, e / torch.sqrt(e.square().mean() + 1e-8)])
        elif category != -1:
            raise ValueError("the model has no categories")
        for layer in m["layers"]:
            h = _act(self.t[layer["weight"]] @ h + self.t[layer["bias"]], layer["activation"])
        w_avg = self.t[m["w_avg"]] if row is None else self.t[m["w_avg"]][row]
        return w_avg + psi * (h - w_avg)

    def modulated_weights(self, w):
        """{op_index: W'} for every modconv; depends only on w."""
        out = {}
        for i, op in enumerate(self.desc["synthesis"]["ops"]):
            if op["op"] != "modconv":
                continue
            s = self.t[op["affine_weight"]] @ w + self.t[op["affine_bias"]]
            wt = self.t[op["weight"]] * s[None, :, None, None]
            if op["demodulate"]:
                wt = wt * torch.rsqrt(wt.square().sum(dim=(1, 2, 3), keepdim=True) + 1e-8)
            out[i] = wt
        return out

    def noise(self, seed, grid_h, grid_w):
        """The input grid [C, gh, gw] and the injected maps {op_index: [H, W]} as torch tensors."""
        grid = torch.from_numpy(hashnoise.noise_grid(seed, self.noise_channels, grid_h, grid_w))
        maps, h, w = {}, grid_h, grid_w
        for i, op in enumerate(self.desc["synthesis"]["ops"]):
            if op["op"] == "upsample":
                h, w = h * op["factor"], w * op["factor"]
            elif op["op"] == "modconv" and op["noise"]:
                maps[i] = torch.from_numpy(hashnoise.noise_map(seed, hashnoise.NOISE_STREAM_BASE + i, h, w))
        return grid, maps

    def synthesis(self, weights, grid, maps, layout=None):
        """layout: None or [H, W, K] float32 at the output resolution (NHWC, as the runtime's);
        each layout-injecting op adds layout_gain @ (its d x d block averages)."""
        x = grid[None]
        lay = None
        if layout is not None:
            lay = torch.as_tensor(np.asarray(layout, np.float32)).permute(2, 0, 1)[None]   # [1, K, H, W]
        div = self.cell_size
        for i, op in enumerate(self.desc["synthesis"]["ops"]):
            kind = op["op"]
            if kind == "noise_input":
                continue  # x already is the grid
            if kind == "upsample":
                f = op["factor"]
                x = F.interpolate(_circular_pad(x, 1), scale_factor=f, mode="bilinear", align_corners=False)
                x = x[:, :, f:-f, f:-f]
                div //= f
            elif kind == "modconv":
                y = F.conv2d(_circular_pad(x, op["kernel"] // 2), weights[i]) + self.t[op["bias"]][None, :, None, None]
                if op["noise"]:
                    y = y + self.t[op["noise_strength"]] * maps[i][None, None]
                if op.get("layout_gain") and lay is not None:
                    level = F.avg_pool2d(lay, div) if div > 1 else lay
                    y = y + torch.einsum("ok,bkhw->bohw", self.t[op["layout_gain"]], level)
                x = _act(y, op["activation"])
            elif kind == "output":
                x = (x * op["scale"] + op["shift"]).clamp(0, 1)
        return x[0]

    def generate(self, seed, width, height, z=None, psi=1.0, category=-1, layout=None):
        """[C, height, width] float32 image; z defaults to z_from_seed(seed); layout [H, W, K] or None
        (= the all-zero "no layout" map)."""
        if width % self.cell_size or height % self.cell_size:
            raise ValueError("width and height must be multiples of cell_size")
        if z is None:
            z = hashnoise.z_from_seed(seed, self.z_dim)
        with torch.no_grad():
            w = self.mapping(z, psi, category)
            grid, maps = self.noise(seed, height // self.cell_size, width // self.cell_size)
            return self.synthesis(self.modulated_weights(w), grid, maps, layout)

    def maps(self, image):
        """The `outputs` maps of a synthesis result [C, H, W] (after the output op), in the JSON's
        order: {name: [channels, H, W]} in the map's range normalised to [0, 1] ((v - lo) / (hi - lo)).
        A derived normal (docs/model_format.md, "Material outputs") comes from its height map with
        wrap-around central differences, n = normalize(-s gx, +s gy, 1) (OpenGL, rows top to bottom,
        s = height_scale), encoded n * 0.5 + 0.5."""
        outs = self.desc.get("outputs") or [{"name": "albedo", "channels": list(range(image.shape[0]))}]

        def plain(o):
            lo, hi = o.get("range", [0.0, 1.0])
            return (image[o["channels"]] - lo) / (hi - lo)

        by_name = {o["name"]: o for o in outs}
        result = {}
        for o in outs:
            if o.get("derived_from") is None:
                result[o["name"]] = plain(o)
                continue
            h = plain(by_name[o["derived_from"]])[0]
            s = float(self.desc["height_scale"])
            gx = (torch.roll(h, -1, dims=1) - torch.roll(h, 1, dims=1)) * 0.5
            gy = (torch.roll(h, -1, dims=0) - torch.roll(h, 1, dims=0)) * 0.5
            n = torch.stack([-s * gx, s * gy, torch.ones_like(h)])
            n = n / torch.sqrt(n.square().sum(dim=0, keepdim=True))
            result[o["name"]] = n * 0.5 + 0.5
        return result

    def generate_maps(self, seed, width, height, z=None, psi=1.0, category=-1, layout=None):
        """Every map of `outputs` for a seed: {name: [C, height, width] float32} (see maps())."""
        return self.maps(self.generate(seed, width, height, z, psi, category, layout))
