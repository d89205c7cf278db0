#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""export_v2.py: turns a material_v2 checkpoint (train_v2.py) into a shippable ntex model (format v2).

Writes <out>/<name>.json + <name>.safetensors (effective weights, categories, layout gains; format
version 2, docs/model_format.md), <name>_samples.png (a row per layout pattern, a column per
category), and the golden fixture <fixtures>/<name>_golden.safetensors, computed from the exported
files re-loaded by ntex_train.reference (not from the training module). The model card and the
evaluation come from evaluate_v2.py.

    /usr/bin/python3 models/training/export_v2.py [--checkpoint models/training/checkpoints/material_v2_latest.pt]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from export import (MATERIAL_OUTPUTS, build_json, data_dir, explicit_z, latent_directions,  # noqa: E402
                    to_uint8)
from ntex_train import conditioning, hashnoise, layout_prior, material, patterns, safetensors_io  # noqa: E402
from ntex_train.model import STAGES_V2, Generator, flops_per_megapixel  # noqa: E402
from ntex_train.reference import ReferenceModel  # noqa: E402

# Golden cases: (seed, z source, psi, width, height, category, layout spec or None). Period = size.
GOLDEN_CASES = [
    (1, "seed", 1.0, 64, 64, -1, None),
    (7, "explicit", 0.7, 64, 64, 2, {"pattern": "bricks", "columns": 2, "rows": 4, "gap": 3.0, "bevel": 2.0,
                                     "jitter": 0.25, "seed": 3}),
    (12345, "seed", 1.0, 96, 48, 0, {"pattern": "panels", "columns": 3, "rows": 2, "gap": 2.0, "bevel": 1.0,
                                     "jitter": 0.5, "seed": 9}),
    (5, "seed", 0.8, 64, 64, 4, {"pattern": "voronoi", "columns": 4, "rows": 4, "gap": 3.0, "bevel": 2.0,
                                 "jitter": 0.8, "seed": 1}),
    # The layout prior's draw for brick_tile (ntex_train/layout_prior.py), its period fitted to 128 px.
    (21, "seed", 1.0, 128, 128, 2, {"pattern": "auto", "seed": 6}),
    (7, "seed", 0.9, 96, 64, 4, {"pattern": "blobs", "columns": 3, "rows": 2, "offset": 0.45, "gap": 0.0, "bevel": 3.0,
                                 "jitter": 0.7, "seed": 4}),
]
# The sample sheet: one row per pattern with its default look at 256 px.
SHEET_PATTERNS = [
    ("none", {}),
    ("bricks", {"columns": 4, "rows": 8, "offset": 0.5, "gap": 4.0, "bevel": 2.0, "jitter": 0.2}),
    ("tiles", {"columns": 4, "rows": 4, "gap": 4.0, "bevel": 2.0, "jitter": 0.5}),
    ("hexagons", {"columns": 4, "rows": 6, "gap": 4.0, "bevel": 2.0}),
    ("planks", {"columns": 2, "rows": 6, "offset": 0.3, "gap": 3.0, "bevel": 1.0, "jitter": 0.6}),
    ("panels", {"columns": 2, "rows": 2, "gap": 4.0, "bevel": 2.0, "jitter": 0.7}),
    ("voronoi", {"columns": 5, "rows": 5, "gap": 4.0, "bevel": 3.0, "jitter": 0.9}),
    ("blobs", {"columns": 4, "rows": 4, "offset": 0.5, "gap": 0.0, "bevel": 3.0, "jitter": 0.8}),
    ("auto", {}),   # the layout prior's draw for each column's category (period 256 fitted to the cell)
]


def layout_map(spec, width, height):
    """[height, width, 2] float32 of a procedural layout; the period is the texture's size unless the
    spec has one. None (no layout) for None or "none"."""
    if spec is None or spec["pattern"] == "none":
        return None
    s = {"period_width": width, "period_height": height, **spec}
    return patterns.render_layout(s, 0, 0, width, height)


def load_generator(ckpt):
    G = Generator(out_channels=material.RAW_CHANNELS, stages=STAGES_V2, classes=len(conditioning.CATEGORIES),
                  layout_channels=conditioning.LAYOUT_CHANNELS)
    G.load_state_dict(ckpt["G_ema"])
    return G.eval()


def write_golden(ref, name, path, prior):
    """The fixture plugin/src/model/golden_fixture.h reads, with a category and a layout per case
    ("auto" stored as such: the plugin resolves it with the model's prior, as resolve() does here)."""
    tensors, meta = {}, {"model": name, "count": str(len(GOLDEN_CASES))}
    for i, (seed, zsrc, psi, width, height, category, spec) in enumerate(GOLDEN_CASES):
        z = hashnoise.z_from_seed(seed, ref.z_dim) if zsrc == "seed" else explicit_z(ref.z_dim)
        grid, _ = ref.noise(seed, height // ref.cell_size, width // ref.cell_size)
        with torch.no_grad():
            w = ref.mapping(z.astype(np.float32), psi, category).numpy().astype(np.float32)
        tensors[f"case{i}.z"] = z.astype(np.float32)
        tensors[f"case{i}.noise"] = grid.numpy().astype(np.float32)
        tensors[f"case{i}.w"] = w
        tensors[f"case{i}.output"] = ref.generate(seed, width, height, z=z, psi=psi, category=category,
                                                  layout=layout_map(resolved(prior, spec, category, width, height),
                                                                    width, height)).numpy().astype(np.float32)
        meta.update({f"case{i}.seed": str(seed), f"case{i}.psi": repr(float(psi)), f"case{i}.width": str(width),
                     f"case{i}.height": str(height), f"case{i}.category": str(category)})
        if spec is not None:
            meta[f"case{i}.layout"] = json.dumps(spec, sort_keys=True)
    safetensors_io.save(path, tensors, meta)


def resolved(prior, spec, category, width, height):
    return layout_prior.resolve(prior, list(conditioning.CATEGORIES), spec, category, width, height)


def sample_sheet(ref, path, prior, size=160):
    """Rows: the layout patterns (scaled to the cell size); columns: "any" then every category; each cell
    albedo over height. 160-px cells keep the committed PNG small (the evaluation has full-size sheets)."""
    from PIL import Image
    cats = [-1] + list(range(len(ref.categories)))
    rows = []
    for pi, (pattern, params) in enumerate(SHEET_PATTERNS):
        spec = None if pattern == "none" else dict(params, pattern=pattern, seed=pi)
        if spec is not None and pattern != "auto":   # the 256-px look at this size: cells scale, gaps stay in pixels
            spec = dict(spec, gap=spec["gap"] * size / 256, bevel=spec["bevel"] * size / 256)
        cells = []
        for c in cats:
            lay = layout_map(resolved(prior, spec, c, size, size), size, size)
            x = ref.generate(100 + pi, size, size, category=c, layout=lay)
            cells.append(np.concatenate([to_uint8(x[:3]), to_uint8(x[3:4].expand(3, -1, -1))], 0))
        rows.append(np.concatenate(cells, 1))
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def model_card(path, desc, name):
    """models/<name>.md: what the model is, how it is steered, its training and the evaluation
    (models/<name>_eval/eval.md from evaluate_v2.py, embedded when present) with its sheets."""
    tr = desc["training"]
    eval_dir = os.path.join(os.path.dirname(path), f"{name}_eval")
    table = "(run models/training/evaluate_v2.py; see docs/training.md, section 8)"
    if os.path.exists(os.path.join(eval_dir, "eval.md")):
        with open(os.path.join(eval_dir, "eval.md")) as f:
            table = "\n".join(l if not l.startswith("#") else "#" + l for l in f.read().strip().splitlines()
                              if not l.startswith("# "))
            table = table.replace("](", f"]({name}_eval/") if "](" in table and f"{name}_eval/" not in table else table
    sheets = ""
    if os.path.isdir(eval_dir):
        pngs = sorted(f for f in os.listdir(eval_dir) if f.endswith((".png", ".jpg")))
        sheets = "\n".join(f"![{f[:-4]}](./{name}_eval/{f})" for f in pngs)
    pk = ", ".join(f"{p['name']} {p['version']}" for p in tr["data"]["packages"])
    cats = ", ".join(desc["mapping"]["categories"])
    text = f"""# {name}: model card

Conditional tileable PBR material generator for the ntex runtime: albedo (sRGB), tangent-space normal
(OpenGL, derived from height, strength {desc['height_scale']}), roughness and height, at any multiple of 16
px, tileable or infinite, steered by a **category** ({cats}, or any) and a **layout**: a procedural
pattern (bricks, tiles, hexagons, planks, panels, Voronoi stones, blobs) with its parameters, a mask
image, or **auto**: the model's layout prior (layouts fitted to the training textures of each category,
with their frequencies) picks pattern and numbers for the category from a seed, so a category alone
comes with its structure. Format v2 (`docs/model_format.md`: "Conditional mapping", "Layout
conditioning", "Layout prior").

**Status: a partly trained snapshot (step {tr['steps']:,}, {tr['train_seconds'] / 3600:.2f} h of CPU step time). It does
not meet its targets yet (below); the demo keeps material_v1 as its default until it does.**

![samples](./{name}_samples.png)

Rows of the sheet above: no layout, bricks, tiles, hexagons, planks, panels, Voronoi, blobs, auto (the
prior's draw for the column's category); columns: any category, then {cats}; each cell albedo over height.

## Use
```
ntex generate --model models/{name}.json --category brick_tile --pattern bricks --columns 4 --rows 8 --size 512 --out b.png
ntex generate --model models/{name}.json --category brick_tile --pattern auto --pattern-seed 3 --size 512 --out a.png
```
C API: chain an `NtexConditioningParams` into `NtexGeneratorParams::pNext`; the demo's "Material"
panel; presets store category and layout (`docs/embedding.md`).

## Architecture
- Mapping: normalised z ({desc['latent']['z_dim']}) concatenated with the normalised class embedding
  ({desc['mapping']['embed_dim']}), {len(desc['mapping']['layers'])} layers to w ({desc['latent']['w_dim']}); truncation towards the category's own w_avg.
- Synthesis: StyleGAN2-style modulated convs (128 channels at /16, 96/64 at /8, then material_v1's
  widths), bilinear x2 upsamples, hashed noise, circular padding; every conv adds
  `layout_gain x layout` (averaged to its resolution) before its activation.
- **Parameters: {desc['parameters']:,}. FLOPs: {desc['flops_per_megapixel'] / 1e9:.1f} GFLOP per megapixel** (material_v1: 34.2; budget 2x).

## Training
- Data: {pk} ({tr['data']['license']}); {tr['data'].get('train_crops')} training crops from
  {tr['data'].get('train_textures')} textures; {tr['data'].get('heldout_textures')} textures held out.
- Warm start from material_v1; 128-px windows, batch {tr['batch']}; two discriminators (64 px at full
  resolution, the whole window at half resolution) with projection on the category, both seeing the
  layout; layout-consistency term; class dropout {tr['conditioning'].get('class_dropout')}, layout dropout {tr['conditioning'].get('layout_dropout')}.
  Layouts from each crop's own height: {tr['conditioning']['layout']}. Details: docs/training.md, section 8.
- Layout prior: fitted to the {tr.get('layout_prior', {}).get('crops', '?')} training crops with a height map
  ({tr.get('layout_prior', {}).get('candidates', '?')} candidate patterns; ntex_train/layout_prior.py,
  `{tr.get('layout_prior', {}).get('file', '?')}`); per category the entries and counts are in the model's `layout_prior`.

## Evaluation (held-out textures)
{table}

{sheets}

## License
Weights derived from GPL-2+ game textures ({pk}); treat the model and its outputs as derived works of
GPL-2+ data. Code: MIT.

## Limitations
- Partly trained on 2 CPU cores; see the status above.
- Held-out references are small for brick_tile (4 textures with height), other (4) and wood (1):
  those categories and the patterns mapped to them cannot be judged by C2ST yet.
- Thin gaps (below about 3 px) are thinner than any layout the training derived (a 2-px low-pass),
  so they are outside what the model saw.
"""
    with open(path, "w") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=os.path.join(HERE, "checkpoints", "material_v2_latest.pt"))
    ap.add_argument("--name", default="material_v2")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "models"))
    ap.add_argument("--fixtures-dir", default=os.path.join(REPO, "tests", "fixtures"))
    ap.add_argument("--height-scale", type=float, default=None,
                    help="normal strength (default: the value the discriminators saw in training)")
    ap.add_argument("--direction-labels", type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
                    default=[f"direction {i}" for i in range(8)])
    ap.add_argument("--layout-prior", default=os.path.join(HERE, "layout_prior_material_v2.json"),
                    help="ntex_train/layout_prior.py's fit, stored in the model as layout_prior")
    ap.add_argument("--no-samples", action="store_true")
    ap.add_argument("--no-fixtures", action="store_true")
    args = ap.parse_args(argv)

    torch.set_num_threads(2)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    G = load_generator(ckpt)
    tensors = G.export_tensors()
    dirs, sigma, explained = latent_directions(G, count=len(args.direction_labels))
    directions = []
    for i, label in enumerate(args.direction_labels):
        tensors[f"directions.{i}"] = dirs[i]
        directions.append({"label": label, "tensor": f"directions.{i}", "sigma": round(float(sigma[i]), 6),
                           "explained_variance": round(float(explained[i]), 4)})
    for k, v in tensors.items():
        if not np.isfinite(v).all():
            raise SystemExit(f"export_v2: tensor {k} has non-finite values")
    desc = build_json(G, tensors, args.name, ckpt, args.checkpoint)
    desc["format_version"] = 2
    desc["version"] = "2.0.0"
    desc["description"] = ("Conditional tileable PBR material generator: albedo, tangent-space normal (derived from "
                           "height), roughness, height; a category (class embedding) and a layout map (procedural "
                           "pattern or mask) steer it. StyleGAN2-style modulated convs with layout injection, circular "
                           "padding; output size = 16 x noise grid, any size.")
    desc["mapping"]["categories"] = list(conditioning.CATEGORIES)
    desc["outputs"] = MATERIAL_OUTPUTS
    desc["height_scale"] = args.height_scale or float(ckpt.get("args", {}).get("height_scale", 4.1087))
    desc["directions"] = directions
    with open(args.layout_prior) as f:
        fitted = json.load(f)
    desc["layout_prior"] = {"categories": fitted["categories"]}
    desc["flops_per_megapixel"] = flops_per_megapixel(desc["synthesis"], desc["latent"]["cell_size"],
                                                      conditioning.LAYOUT_CHANNELS)
    a = ckpt.get("args", {})
    desc["training"].update({
        "crop": int(a.get("window", 128)), "batch": int(a.get("batch", 16)),
        "images_seen": int(ckpt["step"]) * int(a.get("batch", 16)),
        "loss": "non-saturating logistic, lazy R1, two discriminators (64 px at full resolution, whole window / 2), "
                "projection on the category, layout consistency (1 - corr of low-passed height and layout)",
        "conditioning": {"categories": list(conditioning.CATEGORIES),
                         "category_rules": [[n, list(k)] for n, k in conditioning.CATEGORY_RULES],
                         "layout": f"Otsu threshold of the height low-passed with sigma {conditioning.LAYOUT_SIGMA} px, "
                                   "softened with sigma 1 px; channel 1 = present",
                         "class_dropout": a.get("class_dropout"), "layout_dropout": a.get("layout_dropout")},
        "warm_start": a.get("init_from"),
        "layout_prior": dict(fitted["fit"], file=os.path.basename(args.layout_prior)),
    })
    os.makedirs(args.out_dir, exist_ok=True)
    json_path = os.path.join(args.out_dir, f"{args.name}.json")
    safetensors_io.save(os.path.join(args.out_dir, desc["weights"]), tensors,
                        {"format": "ntex-model", "name": args.name, "steps": str(ckpt["step"])})
    with open(json_path, "w") as f:
        json.dump(desc, f, indent=1)
        f.write("\n")
    print(f"[export_v2] {args.checkpoint} (step {ckpt['step']}) -> {json_path}; {desc['parameters']} parameters, "
          f"{desc['flops_per_megapixel'] / 1e9:.2f} GFLOP/MP", flush=True)
    model_card(os.path.join(args.out_dir, f"{args.name}.md"), desc, args.name)
    ref = ReferenceModel(json_path)
    if not args.no_samples:
        p = os.path.join(args.out_dir, f"{args.name}_samples.png")
        sample_sheet(ref, p, desc["layout_prior"])
        print(f"[export_v2] {p}", flush=True)
    if not args.no_fixtures:
        os.makedirs(args.fixtures_dir, exist_ok=True)
        gp = os.path.join(args.fixtures_dir, f"{args.name}_golden.safetensors")
        write_golden(ref, args.name, gp, desc["layout_prior"])
        print(f"[export_v2] {gp}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
