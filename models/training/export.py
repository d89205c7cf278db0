#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""export.py: turns a training checkpoint into a shippable ntex model.

Writes <out>/<name>.json + <name>.safetensors (effective weights, docs/model_format.md),
<name>_samples.png (contact sheet), <name>.md (model card), and the golden fixtures
<fixtures>/<name>_golden.safetensors + hash_vectors.json, all computed from the exported files
re-loaded by ntex_train.reference (not from the training module).

    /usr/bin/python3 models/training/export.py --name albedo_v1 [--checkpoint path.pt]
"""
import argparse
import datetime
import glob
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from ntex_train import hashnoise, material, safetensors_io  # noqa: E402
from ntex_train.model import Generator, count_parameters, flops_per_megapixel  # noqa: E402
from ntex_train.reference import ReferenceModel  # noqa: E402

# Licence of each texture package, from debian/copyright of the package (checked when the unpacked
# copy is at hand, see package_license()).
KNOWN_LICENSES = {
    "nexuiz-textures": "GPL-2+ (Nexuiz (c) 2002-2009 Alientrap, Lee Vermeulen; /usr/share/doc/nexuiz-textures/copyright)",
    "openarena-081-textures": "GPL-2+ (OpenArena (c) 2005-2012 OpenArena Team and others; "
                              "/usr/share/doc/openarena-081-textures/copyright)",
}
DEFAULT_PACKAGES = [{"name": "nexuiz-textures", "version": "2.5.2-12"}]

# The three golden cases: (seed, z source, psi, width, height).
GOLDEN_CASES = [
    (1, "seed", 1.0, 64, 64),
    (7, "explicit", 0.7, 64, 64),
    (12345, "seed", 1.0, 96, 48),
]


def data_dir():
    return os.path.expanduser(os.environ.get("NTEX_DATA_DIR", "~/.cache/ntex"))


def explicit_z(z_dim):
    """The explicit (not seed-derived) latent of golden case 1: z[k] = 1.5 cos(0.7 k + 0.3)."""
    k = np.arange(z_dim, dtype=np.float64)
    return (1.5 * np.cos(0.7 * k + 0.3)).astype(np.float32)


def find_checkpoint(name):
    cands = sorted(glob.glob(os.path.join(data_dir(), "runs", name, "ckpt_*.pt")))
    latest = os.path.join(HERE, "checkpoints", f"{name}_latest.pt")
    if os.path.exists(latest):
        cands.append(latest)
    best, best_step = None, -1
    for c in cands:
        step = torch.load(c, map_location="cpu")["step"]
        if step > best_step:
            best, best_step = c, step
    if best is None:
        raise SystemExit(f"export: no checkpoint for '{name}' in {data_dir()}/runs/{name}/ or {latest}")
    return best


def package_license(pkg):
    path = os.path.join(data_dir(), "unpack", "usr", "share", "doc", pkg, "copyright")
    lic = KNOWN_LICENSES.get(pkg, "unknown: see the package's debian/copyright")
    if os.path.exists(path):
        text = open(path, errors="replace").read()
        if "GNU General Public License" not in text and "GPL-2" not in text:
            lic = "see " + path
    return lic


def dataset_provenance(ckpt_args):
    data = ckpt_args.get("data") or os.path.join(data_dir(), "dataset", "train.npz")
    path = os.path.join(os.path.dirname(data), "provenance.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"packages": DEFAULT_PACKAGES}


MATERIAL_OUTPUTS = [
    {"name": "albedo", "semantics": "albedo", "channels": [0, 1, 2], "range": [0, 1], "color_space": "srgb"},
    {"name": "normal", "semantics": "normal", "derived_from": "height", "convention": "opengl",
     "encoding": "n*0.5+0.5", "range": [0, 1], "color_space": "linear"},
    {"name": "roughness", "semantics": "roughness", "channels": [material.ROUGHNESS], "range": [0, 1],
     "color_space": "linear"},
    {"name": "height", "semantics": "height", "channels": [material.HEIGHT], "range": [0, 1],
     "color_space": "linear"},
]


def fit_height_scale(data):
    """The normal map's strength: fitted to the training textures that have both a height and a
    normal map (material.fit_height_scale). Returns (scale, median per-texture correlation, count)."""
    with np.load(os.path.join(data, "train.npz")) as d:
        both = np.where(d["has_normal"] & d["has_height"])[0]
        scale, corr = material.fit_height_scale(d["height"][both], d["normal"][both])
    return scale, corr, int(len(both))


def latent_directions(G, count=8, samples=20000, seed=0):
    """GANSpace (Haerkoenen et al. 2020, Sec. 2): PCA of w = mapping(z) over many random z. Returns
    (unit directions [count, w_dim], standard deviation along each, explained variance fraction)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        w = G.map(torch.randn(samples, G.z_dim, generator=gen)).double()
    w = w - w.mean(0, keepdim=True)
    cov = w.t() @ w / (samples - 1)
    evals, evecs = torch.linalg.eigh(cov)
    order = torch.argsort(evals, descending=True)[:count]
    dirs = evecs[:, order].t().contiguous()
    # Fix each sign so the largest component is positive (eigenvectors are defined up to sign).
    sign = torch.sign(dirs.gather(1, dirs.abs().argmax(1, keepdim=True)))
    dirs = dirs * sign
    return (dirs.float().numpy(), evals[order].sqrt().float().numpy(),
            (evals[order] / evals.sum()).float().numpy())


def build_json(G, tensors, name, ckpt, ckpt_path):
    latent, mapping, synthesis = G.describe()
    args = ckpt.get("args", {})
    prov = dataset_provenance(args)
    packages = prov.get("packages", DEFAULT_PACKAGES)
    date = datetime.datetime.fromtimestamp(os.path.getmtime(ckpt_path), datetime.timezone.utc)
    training = {
        "data": {
            "packages": packages,
            "license": "; ".join(f"{p['name']}: {package_license(p['name'])}" for p in packages),
            "source": "Debian texture packages (pk3 archives), albedo maps filtered and cut into 256x256 crops "
                      "by models/training/build_dataset.py; 10% of source textures held out by name hash",
            "train_textures": prov.get("textures", {}).get("train"),
            "heldout_textures": prov.get("textures", {}).get("heldout"),
            "train_crops": prov.get("train_crops"),
        },
        "steps": int(ckpt["step"]),
        "images_seen": int(ckpt["step"]) * int(args.get("batch", 32)),
        "train_seconds": round(float(ckpt.get("elapsed_s", 0.0)), 1),
        "crop": int(args.get("crop", 64)),
        "batch": int(args.get("batch", 32)),
        "seed": int(args.get("seed", 1)),
        "lr": args.get("lr"),
        "r1_gamma": args.get("r1_gamma"),
        "ema_half_life_kimg": args.get("ema_kimg"),
        "loss": "non-saturating logistic, lazy R1",
        "date": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "checkpoint": os.path.basename(ckpt_path),
    }
    return {
        "format": "ntex-model",
        "format_version": 1,
        "name": name,
        "version": "1.0.0",
        "description": ("Tileable PBR material generator: albedo, tangent-space normal (derived from height), "
                        "roughness, height" if G.out_channels == material.RAW_CHANNELS else "Tileable albedo texture generator")
                       + " (StyleGAN2-style modulated convs, circular padding); output size = 16 x noise grid, any size.",
        "latent": latent,
        "mapping": mapping,
        "synthesis": synthesis,
        "outputs": MATERIAL_OUTPUTS if G.out_channels == material.RAW_CHANNELS else
                   [{"name": "albedo", "channels": [0, 1, 2], "semantics": "rgb", "range": [0, 1], "color_space": "srgb"}],
        "weights": f"{name}.safetensors",
        "tensors": {k: {"shape": list(v.shape), "dtype": "F32"} for k, v in tensors.items()},
        "parameters": count_parameters(tensors),
        "flops_per_megapixel": flops_per_megapixel(synthesis, latent["cell_size"]),
        "training": training,
    }


def to_uint8(img):
    return (img.permute(1, 2, 0).numpy() * 255.0 + 0.5).clip(0, 255).astype(np.uint8)


def contact_sheet(ref, path, size=256, n=4):
    """n x n seeds at size^2 on top; below, seeds 0 and 1 tiled 2 x 2 to show there is no seam."""
    from PIL import Image
    sheet = np.full((n * size + 2 * size, n * size, 3), 255, np.uint8)
    for i in range(n * n):
        r, c = divmod(i, n)
        sheet[r * size:(r + 1) * size, c * size:(c + 1) * size] = to_uint8(ref.generate(i, size, size)[:3])
    for j in range(min(2, n // 2)):
        tile = to_uint8(ref.generate(j, size, size)[:3])
        tiled = np.tile(tile, (2, 2, 1))
        sheet[n * size:n * size + 2 * size, j * 2 * size:(j + 1) * 2 * size] = tiled
    Image.fromarray(sheet).save(path)


def directions_sheet(G, desc, path, seeds=(0, 3), size=128, steps=(-3, -1.5, 0, 1.5, 3)):
    """Rows: each latent direction (per seed); columns: offsets in sigma. Albedo | height halves."""
    from PIL import Image
    from ntex_train.hashnoise import z_from_seed
    dirs, sigma, _ = latent_directions(G, count=len(desc["directions"]))
    rows = []
    with torch.no_grad():
        for di, d in enumerate(desc["directions"]):
            for s in seeds:
                z = torch.from_numpy(z_from_seed(s, G.z_dim))[None]
                g, n = G.hash_noise(s, size // 16, size // 16)
                w0 = G.map(z)
                row = []
                for a in steps:
                    w = w0 + a * float(sigma[di]) * torch.from_numpy(dirs[di])[None]
                    x = G.synthesis(w, g, n)[0]
                    row.append(np.concatenate([to_uint8(x[:3]), to_uint8(x[3:4].expand(3, -1, -1))], 1))
                rows.append(np.concatenate(row, 1))
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def material_card(path, desc, name):
    tr = desc["training"]
    convs = [o for o in desc["synthesis"]["ops"] if o["op"] == "modconv"]
    pk = ", ".join(f"{p['name']} {p['version']}" for p in tr["data"]["packages"])
    eval_md = os.path.join(os.path.dirname(path), f"{name}_eval", "eval.md")
    table = "(run models/training/evaluate.py)"
    if os.path.exists(eval_md):
        with open(eval_md) as f:
            table = "\n".join(l for l in f.read().strip().splitlines() if not l.startswith("# "))
    dirs = "\n".join(f"| {i} | {d['label']} | {d['sigma']:.3f} | {100 * d['explained_variance']:.1f}% |"
                      for i, d in enumerate(desc["directions"]))
    fit = tr.get("height_scale_fit") or {}
    text = f"""# {name}: model card

Tileable PBR material generator for the ntex runtime: albedo (sRGB), tangent-space normal (OpenGL
convention, derived from height), roughness and height, at any size that is a multiple of 16, in
tileable or infinite mode. Files: `{name}.json` (architecture, maps, directions, provenance),
`{name}.safetensors` (effective F32 weights), `{name}_eval/` (evaluation: table, plots, contact
sheets), `{name}_directions.png` (latent directions). Format: `docs/model_format.md`.

![albedo](./{name}_eval/contact_albedo.png)

## Maps
| map | channels | range | colour space | source |
|-----|----------|-------|--------------|--------|
| albedo | 3 | [0, 1] | sRGB | network channels 0-2 |
| normal | 3 | n * 0.5 + 0.5 | linear, OpenGL (+Y up) | wrap-around central differences of height, strength {desc['height_scale']} |
| roughness | 1 | [0, 1] | linear (perceptual, GGX alpha = r^2) | network channel 4 (trained on 1 - gloss) |
| height | 1 | [0, 1] | linear | network channel 3 |

The normal strength `height_scale` = {desc['height_scale']} texels of depth per unit of height was fitted
to the data set's own normal maps ({fit.get('textures', '?')} training textures with both maps; median per-texture
correlation between their normals and the height gradients {fit.get('median_correlation', '?')}).

## Architecture
- Latent z: {desc['latent']['z_dim']} floats, mapping MLP ({len(desc['mapping']['layers'])} layers) to w ({desc['latent']['w_dim']}),
  truncation psi around w_avg.
- Synthesis: a {desc['latent']['noise_channels']}-channel hash-noise grid (one cell per {desc['latent']['cell_size']} px), {len(convs)}
  modulated convolutions (StyleGAN2 demodulation, circular padding, per-stage hashed noise), bilinear
  x2 upsamples (wrap-around), a 1x1 tanh projection to 5 channels, `x * 0.5 + 0.5` clamped.
- **Parameters: {desc['parameters']:,}. FLOPs: {desc['flops_per_megapixel'] / 1e9:.1f} GFLOP per megapixel** (convs; the
  mapping and modulation run once per style): small enough to regenerate a 256^2 material every frame
  on the CPU backend (docs/benchmarks.md).

## Latent directions (GANSpace: PCA of w over 20,000 samples, Haerkoenen et al. 2020)
Labels were chosen by looking at `{name}_directions.png` (rows: direction x seeds 0 and 3; columns:
-3, -1.5, 0, 1.5, 3 sigma; albedo | height).

| # | label | sigma | variance explained |
|---|-------|-------|--------------------|
{dirs}

## Quality (held-out split)
{table}

![SWD per level](./{name}_eval/swd_levels.png)
![training curves](./{name}_eval/training_curves.png)

## Training
- Data: {pk} ({tr['data']['license']}); {tr['data'].get('train_crops')} training crops of 256x256 from
  {tr['data'].get('train_textures')} textures, {tr['data'].get('heldout_textures')} textures held out. Height from the
  `_norm` alpha or `_bump` maps, roughness = 1 - `_gloss`; where a texture lacks a map the
  discriminator sees it masked (zeroed, with a mask plane, and fakes get the same masks), so no
  map is invented.
- Warm start from albedo_v1 (output widened from 3 to 5 channels), then GAN training: non-saturating
  logistic loss, lazy R1 (gamma {tr.get('r1_gamma')}), Adam lr {tr.get('lr')}, batch {tr['batch']}, 64x64 crops with flips and
  rotations; EMA generator exported. From step 4,000 on (`--d-normals 4.1087`) the discriminator
  also sees the normal's x and y derived from height, so it judges the height gradients a renderer
  shades with (height and normal SWD fell from 172 / 162 at step 4,000 to 83 / 79).
- Steps: {tr['steps']:,} ({tr['images_seen']:,} images), {tr['train_seconds'] / 3600:.2f} h of step time on 2 CPU cores
  (after albedo_v1's 7,800 steps).

## License
Weights derived from GPL-2+ game textures ({pk}); treat the model and its outputs as derived works of
GPL-2+ data. Code: MIT.

## Limitations
- CPU-only training of a few hours: colours and small-scale structure are learned; large structures
  (bricks, panels) remain weak, because the model only saw 64x64 crops.
- The shipped step (9,750) was chosen among the last checkpoints with a quick 256-crop SWD against
  held-out crops (roughness varies a lot between checkpoints: the full evaluation gave 130.6 at
  step 9,000, 98.5 at 9,750), then evaluated in full: the held-out split served both for choosing
  and for measuring, so the table is slightly optimistic. Roughness passes a narrow target (fBm is
  only 7 above the floor).
- Height is relative (per texture normalisation in the source data); `height_scale` is one global value.
- Game albedo bakes lighting and grime; so does this model.
"""
    with open(path, "w") as f:
        f.write(text)


def write_golden(ref, name, path):
    """Golden fixture in the layout plugin/src/model/golden_fixture.h reads: per case i the tensors
    case<i>.z [z_dim], case<i>.noise [C, gh, gw] (the input grid, to tell hash from network errors),
    case<i>.w [w_dim] (the mapped style) and case<i>.output [3, H, W] in [0, 1]; metadata
    case<i>.seed/.psi/.width/.height."""
    tensors, meta = {}, {"model": name, "count": str(len(GOLDEN_CASES))}
    for i, (seed, zsrc, psi, width, height) in enumerate(GOLDEN_CASES):
        z = hashnoise.z_from_seed(seed, ref.z_dim) if zsrc == "seed" else explicit_z(ref.z_dim)
        grid, _ = ref.noise(seed, height // ref.cell_size, width // ref.cell_size)
        with torch.no_grad():
            w = ref.mapping(z.astype(np.float32), psi).numpy().astype(np.float32)
        tensors[f"case{i}.z"] = z.astype(np.float32)
        tensors[f"case{i}.noise"] = grid.numpy().astype(np.float32)
        tensors[f"case{i}.w"] = w
        tensors[f"case{i}.output"] = ref.generate(seed, width, height, z=z, psi=psi).numpy().astype(np.float32)
        meta.update({f"case{i}.seed": str(seed), f"case{i}.psi": repr(float(psi)), f"case{i}.width": str(width),
                     f"case{i}.height": str(height)})
    safetensors_io.save(path, tensors, meta)


HASH_CASES = [
    (0, 0, 0, 0), (1, 0, 0, 0), (1, 0, 1, 0), (1, 0, 0, 1), (1, 1, 0, 0), (42, 3, 5, 7),
    (1, 15, -1, -1), (7, 2, -5, 3), (12345, 1000, 63, 31), (12345, 1013, -64, 200),
    (0xFFFFFFFF, 7, 2147483647, -2147483648), (0xDEADBEEF, 2000000, 63, 0), (1, 2000000, 0, 0),
    (99, 1004, 1000000, -1000000), (3, 12, 65535, 65536), (2024, 1001, -2147483647, 2147483647),
    (8, 5, 123456789, -987654321), (1, 1007, 255, 255), (4294967294, 999, -17, 17), (5, 2000000, 17, 0),
]


def write_hash_vectors(path):
    out = []
    for seed, stream, x, y in HASH_CASES:
        out.append({"seed": seed, "stream": stream, "x": x, "y": y,
                    "hash": int(hashnoise.hash4(seed, stream, x, y)),
                    "gauss": float(hashnoise.gauss(seed, stream, x, y))})
    latents = [{"seed": seed, "z": [float(v) for v in hashnoise.z_from_seed(seed, 64)]}
               for seed in (0, 1, 12345, 4294967295)]
    with open(path, "w") as f:
        json.dump({"description": "hash4(seed, stream, x, y) and gauss(...) of docs/model_format.md; "
                                  "x, y are signed int32; gauss is a float32 value; latents: z_from_seed(seed) "
                                  "for z_dim 64",
                   "vectors": out, "latents": latents}, f, indent=1)
        f.write("\n")


def model_card(path, desc, ckpt, name):
    tr = desc["training"]
    ops = desc["synthesis"]["ops"]
    convs = [o for o in ops if o["op"] == "modconv"]
    arch = "\n".join(
        f"| {i} | {o['op']} | " + (f"{o['in']}->{o['out']} k{o['kernel']} {o['activation']}"
                                   f"{' demod' if o.get('demodulate') else ''}{' +noise' if o.get('noise') else ''}"
                                   if o["op"] == "modconv" else
                                   ", ".join(f"{k}={v}" for k, v in o.items() if k != "op")) + " |"
        for i, o in enumerate(ops))
    hours = tr["train_seconds"] / 3600.0
    ev = tr.get("eval")
    swd_line = "" if not ev else (
        f"- Quality: SWD x1e3 against {ev['images']} held-out crops (256 px, Laplacian levels 256..16): "
        f"**{ev['swd_model']}** (per level {ev['swd_model_levels']}); real-vs-real floor (training crops vs "
        f"held-out crops) {ev['swd_real_floor']} (per level {ev['swd_real_floor_levels']}).\n")
    pk = ", ".join(f"{p['name']} {p['version']}" for p in tr["data"]["packages"])
    text = f"""# {name}: model card

Tileable albedo (sRGB) texture generator for the ntex runtime. Files: `{name}.json` (architecture,
provenance), `{name}.safetensors` (effective F32 weights), `{name}_samples.png` (contact sheet:
seeds 0-15 at 256x256, then seeds 0 and 1 tiled 2x2). Format: `docs/model_format.md`.

## Architecture
- Latent z: {desc['latent']['z_dim']} floats (normalised), mapping MLP {len(desc['mapping']['layers'])} layers
  to w ({desc['latent']['w_dim']}), truncation psi around the tracked mean w_avg.
- Synthesis: a {desc['latent']['noise_channels']}-channel hash-noise grid (one cell per
  {desc['latent']['cell_size']} output pixels) through {len(convs)} StyleGAN2-style modulated convolutions
  (demodulated 3x3, lrelu; per-stage noise injection) and 4 bilinear x2 upsamples, a 1x1 tanh
  projection to RGB and `x * 0.5 + 0.5` clamped to [0, 1]. Circular padding in every conv and
  upsample, so every output tiles exactly; output size is 16 x grid size, any size.
- Parameters: {desc['parameters']:,} (w_avg excluded). FLOPs: {desc['flops_per_megapixel'] / 1e9:.1f} GFLOP per
  megapixel of output (2 x multiply-adds of the convs; the mapping and weight modulation run once per style).

| # | op | details |
|---|----|---------|
{arch}

## Training
- Data: {pk} ({tr['data']['license']}). Albedo maps filtered by path keywords, size >= 256 px and
  aspect <= 2:1 (docs/training.md); {tr['data'].get('train_textures')} source textures for training
  ({tr['data'].get('train_crops')} crops of 256x256), {tr['data'].get('heldout_textures')} held out by a
  seeded hash of the texture name and never trained on.
- GAN: non-saturating logistic loss, lazy R1 (gamma {tr.get('r1_gamma')}, every 16 steps), Adam lr {tr.get('lr')}
  betas (0, 0.99), batch {tr['batch']}, random {tr['crop']}x{tr['crop']} crops with flips and 90-degree
  rotations; the generator runs on a {tr['crop'] // 16}x{tr['crop'] // 16} grid. Exported weights are the EMA
  generator (half-life {tr.get('ema_half_life_kimg')}k images).
{swd_line}- Steps: {tr['steps']:,} ({tr['images_seen']:,} images), {hours:.2f} h on 2 CPU cores; checkpoint
  `{tr['checkpoint']}`, exported {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.

## License
The weights are derived from GPL-2+ game textures ({pk}); treat the model and its outputs as
derived works of GPL-2+ data. The code is MIT.

## Limitations
- Short CPU-only training: the generator learns colour palettes and small-scale structure of
  sci-fi/industrial game textures; large structures (bricks, panels, >64 px) are weak or absent,
  because it only ever saw 64x64 crops.
- Albedo only; no normal, height or gloss output in this version (the data set has them).
- Outputs at sizes far from 64-256 px are in-distribution only locally (fully convolutional).
- Texture game art bakes lighting and grime into albedo; so does this model.
"""
    with open(path, "w") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=None, help="checkpoint .pt (default: the newest for --name)")
    ap.add_argument("--name", default="albedo_v1")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "models"))
    ap.add_argument("--fixtures-dir", default=os.path.join(REPO, "tests", "fixtures"))
    ap.add_argument("--no-samples", action="store_true", help="skip the contact sheet")
    ap.add_argument("--no-fixtures", action="store_true", help="skip the golden fixtures and hash vectors")
    ap.add_argument("--height-scale", type=float, default=None,
                    help="normal-map strength (default: fitted to the training normal maps)")
    ap.add_argument("--direction-labels", type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
                    default=[f"direction {i}" for i in range(8)],
                    help="comma-separated labels of the top latent directions (their count = how many are stored)")
    ap.add_argument("--directions-sheet", action="store_true",
                    help="write <name>_directions.png: each direction at -3..3 sigma, to choose labels")
    ap.add_argument("--no-swd", action="store_true",
                    help="skip the SWD evaluation on the held-out crops (skipped anyway without the data set)")
    args = ap.parse_args(argv)

    torch.set_num_threads(2)
    ckpt_path = args.checkpoint or find_checkpoint(args.name)
    ckpt = torch.load(ckpt_path, map_location="cpu")
    last = max(int(k.split(".")[1]) for k in ckpt["G_ema"] if k.startswith("convs.") and k.count(".") == 2)
    out_channels = ckpt["G_ema"][f"convs.{last}.weight"].shape[0]
    G = Generator(out_channels=out_channels)
    G.load_state_dict(ckpt["G_ema"])
    G.eval()
    tensors = G.export_tensors()
    is_material = out_channels == material.RAW_CHANNELS
    data = os.path.dirname(ckpt.get("args", {}).get("data") or os.path.join(data_dir(), "dataset", "train.npz"))
    extra = {}
    if is_material:
        if args.height_scale is not None:
            extra["height_scale"] = args.height_scale
            fit = None
        else:
            scale, corr, count = fit_height_scale(data)
            extra["height_scale"] = round(scale, 4)
            fit = {"textures": count, "median_correlation": round(corr, 3)}
        dirs, sigma, explained = latent_directions(G, count=len(args.direction_labels))
        extra["directions"] = []
        for i, label in enumerate(args.direction_labels):
            tensors[f"directions.{i}"] = dirs[i]
            extra["directions"].append({"label": label, "tensor": f"directions.{i}", "sigma": round(float(sigma[i]), 6),
                                        "explained_variance": round(float(explained[i]), 4)})
        extra["height_scale_fit"] = fit
    for k, v in tensors.items():
        if not np.isfinite(v).all():
            raise SystemExit(f"export: tensor {k} has non-finite values")
    desc = build_json(G, tensors, args.name, ckpt, ckpt_path)
    if is_material:
        desc["height_scale"] = extra["height_scale"]
        desc["directions"] = extra["directions"]
        if extra["height_scale_fit"]:
            desc["training"]["height_scale_fit"] = dict(extra["height_scale_fit"], method=(
                "least squares n.xy/n.z ~ (-s gx, s gy) per texture with both maps, median over textures"))

    os.makedirs(args.out_dir, exist_ok=True)
    json_path = os.path.join(args.out_dir, f"{args.name}.json")

    def write_json():
        with open(json_path, "w") as f:
            json.dump(desc, f, indent=1)
            f.write("\n")

    safetensors_io.save(os.path.join(args.out_dir, desc["weights"]), tensors,
                        {"format": "ntex-model", "name": args.name, "steps": str(ckpt["step"])})
    write_json()
    print(f"[export] {ckpt_path} (step {ckpt['step']}) -> {json_path}; {desc['parameters']} parameters, "
          f"{desc['flops_per_megapixel'] / 1e9:.2f} GFLOP/MP", flush=True)

    ref = ReferenceModel(json_path)  # everything below uses the exported files
    if is_material and args.directions_sheet:
        p = os.path.join(args.out_dir, f"{args.name}_directions.png")
        directions_sheet(G, desc, p)
        print(f"[export] {p}", flush=True)
    if not is_material and not args.no_swd and os.path.exists(os.path.join(data, "heldout.npz")):
        from eval_swd import evaluate
        res = evaluate(ref, data)
        desc["training"]["eval"] = {
            "metric": "SWD x1e3 vs held-out 256x256 crops (Karras et al. 2018 recipe), levels 256..16 px",
            "images": res["images"],
            "swd_model": round(res["model"][1], 2), "swd_model_levels": [round(v, 2) for v in res["model"][0]],
            "swd_real_floor": round(res["real_floor"][1], 2),
            "swd_real_floor_levels": [round(v, 2) for v in res["real_floor"][0]]}
        write_json()
        print(f"[export] SWD x1e3 model {res['model'][1]:.2f}, real-vs-real floor {res['real_floor'][1]:.2f}",
              flush=True)
    if not args.no_samples:
        p = os.path.join(args.out_dir, f"{args.name}_samples.png")
        contact_sheet(ref, p)
        print(f"[export] {p}", flush=True)
    if is_material:
        material_card(os.path.join(args.out_dir, f"{args.name}.md"), desc, args.name)
    else:
        model_card(os.path.join(args.out_dir, f"{args.name}.md"), desc, ckpt, args.name)
    if not args.no_fixtures:
        os.makedirs(args.fixtures_dir, exist_ok=True)
        gp = os.path.join(args.fixtures_dir, f"{args.name}_golden.safetensors")
        write_golden(ref, args.name, gp)
        write_hash_vectors(os.path.join(args.fixtures_dir, "hash_vectors.json"))
        print(f"[export] {gp}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
