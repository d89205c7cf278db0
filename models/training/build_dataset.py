#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""build_dataset.py: builds the 256x256 albedo/normal/height/gloss crop set from Debian texture packages.

Re-runnable: the .deb download and unpack steps are skipped when their outputs exist.
Output: $NTEX_DATA_DIR/dataset/{train,heldout}.npz (uint8 arrays, see docs/training.md), and
heldout_full.npz: every held-out texture whole at its working size (evaluate_v2.py cuts random
256 px windows from it; the 256 px crops of heldout.npz are too few). It is written when missing;
--full-heldout (re)writes only it, without rebuilding the other outputs.
"""
import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
from PIL import Image
from tqdm import tqdm

CROP = 256
MAX_CROPS = 4
HELDOUT_PER_MILLE = 100  # 10 % of the source textures
SPLIT_SEED = "ntex-split-v1"

# name, package, pk3 path inside the unpacked package
PACKAGES = {
    "nexuiz": ("nexuiz-textures", "usr/share/games/nexuiz/data/textures.pk3"),
    "openarena": ("openarena-081-textures", "usr/share/games/openarena/baseoa/pak4-textures.pk3"),
}
IMAGE_EXTS = (".tga", ".jpg", ".jpeg", ".png")
# Companion maps: never an albedo themselves.
MAP_SUFFIXES = ("_norm", "_gloss", "_glow", "_bump", "_pants", "_shirt", "_h", "_mask", "_alpha", "_reflect")
# Path keywords (substring match, lower case) of things that are not tileable material surfaces:
# effects, lights, sky boxes, liquids (animated shaders), UI/fonts/decals/sprites/models, signs.
EXCLUDE_SUBSTRINGS = (
    "sfx", "_fx", "fx/", "fx_", "light", "lig_", "glow", "sky", "skies", "env/", "common/", "flare",
    "sprite", "gfx/", "decal", "font", "hud", "model", "liquid", "water", "lava", "slime", "sign",
    "logo", "jumppad", "jump", "telep", "portal", "effect", "particle", "spawn", "banner", "poster",
    "arrow", "number", "icon", "crosshair", "beam", "laser", "fog", "glass", "flag", "shield",
    "scuff", "blood", "burn", "splat", "graffiti", "text", "letter", "nebula", "cloud",
    "tutorial", "items/", "screen", "document", "domination", "window", "wires",
)


def data_dir():
    return os.path.expanduser(os.environ.get("NTEX_DATA_DIR", "~/.cache/ntex"))


def log(msg):
    print(f"[build_dataset] {msg}", flush=True)


def ensure_deb(cache, package):
    """Returns the path of the package's .deb in cache/debs, downloading it with apt-get if missing."""
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    found = sorted(f for f in os.listdir(debs) if f.startswith(package + "_") and f.endswith(".deb"))
    if not found:
        log(f"downloading {package} with apt-get download")
        if subprocess.run(["apt-get", "download", package], cwd=debs).returncode != 0:
            subprocess.run(["apt-get", "update"], check=False)
            subprocess.run(["apt-get", "download", package], cwd=debs, check=True)
        found = sorted(f for f in os.listdir(debs) if f.startswith(package + "_") and f.endswith(".deb"))
    return os.path.join(debs, found[-1])


def deb_version(deb_path):
    return os.path.basename(deb_path).split("_")[1]


def ensure_unpacked(cache, deb_path, rel_pk3):
    root = os.path.join(cache, "unpack")
    pk3 = os.path.join(root, rel_pk3)
    if not os.path.exists(pk3):
        log(f"unpacking {os.path.basename(deb_path)}")
        os.makedirs(root, exist_ok=True)
        subprocess.run(["dpkg", "-x", deb_path, root], check=True)
    return pk3


def is_surface(path):
    """Keyword filter on the archive path; see docs/training.md for the reasoning."""
    low = path.lower()
    stem = os.path.splitext(low)[0]
    if not low.startswith("textures/") or low.count("/") < 2:
        return False  # loose files at textures/ root are player skins and HUD art
    if stem.endswith(MAP_SUFFIXES):
        return False
    rest = low[len("textures/"):]
    return not any(k in rest for k in EXCLUDE_SUBSTRINGS)


def is_heldout(source):
    h = hashlib.sha256(f"{SPLIT_SEED}:{source}".encode()).digest()
    return int.from_bytes(h[:8], "little") % 1000 < HELDOUT_PER_MILLE


def find_companion(index, stem, suffix):
    for ext in IMAGE_EXTS:
        name = stem + suffix + ext
        if name in index:
            return index[name]
    return None


def open_image(zf, name):
    im = Image.open(io.BytesIO(zf.read(name)))
    im.load()
    return im


def crop_windows(w, h):
    """Non-overlapping 256 windows in the (possibly resized) albedo, at most MAX_CROPS, deterministic."""
    nx, ny = w // CROP, h // CROP
    wins = [(x * CROP, y * CROP) for y in range(ny) for x in range(nx)]
    if len(wins) > MAX_CROPS:
        step = len(wins) / MAX_CROPS
        wins = [wins[int(i * step)] for i in range(MAX_CROPS)]
    return wins


def working_size(w, h):
    """Textures close to 256 on the short side are resized to exactly 256; big ones to 512 (the common
    authoring size, which keeps a similar texel density across sources)."""
    short = min(w, h)
    target = CROP if short < 2 * CROP else 2 * CROP
    s = target / short
    return max(CROP, round(w * s)), max(CROP, round(h * s))


def load_maps(zf, name, index):
    """The texture's maps at its working size: albedo/normal/height/gloss uint8 arrays and has_* flags."""
    stem = os.path.splitext(name)[0]
    albedo = open_image(zf, name)
    w, h = albedo.size
    size = working_size(w, h)
    albedo = albedo.convert("RGB").resize(size, Image.LANCZOS)
    out = {"albedo": np.asarray(albedo)}
    norm_name = find_companion(index, stem, "_norm")
    bump_name = find_companion(index, stem, "_bump")
    gloss_name = find_companion(index, stem, "_gloss")
    zeros3 = np.zeros(size[::-1] + (3,), np.uint8)
    zeros1 = np.zeros(size[::-1], np.uint8)
    out["has_normal"], out["has_height"], out["has_gloss"] = False, False, False
    out["normal"], out["height"], out["gloss"] = zeros3, zeros1, zeros1
    if norm_name:
        nim = open_image(zf, norm_name)
        out["normal"] = np.asarray(nim.convert("RGB").resize(size, Image.BILINEAR))
        out["has_normal"] = True
        if nim.mode in ("RGBA", "LA"):
            out["height"] = np.asarray(nim.getchannel("A").resize(size, Image.BILINEAR))
            out["has_height"] = True
    if not out["has_height"] and bump_name:
        out["height"] = np.asarray(open_image(zf, bump_name).convert("L").resize(size, Image.BILINEAR))
        out["has_height"] = True
    if gloss_name:
        out["gloss"] = np.asarray(open_image(zf, gloss_name).convert("L").resize(size, Image.BILINEAR))
        out["has_gloss"] = True
    return out


def process(zf, name, index):
    """(crops of the texture, its whole maps at the working size)."""
    out = load_maps(zf, name, index)
    h, w = out["albedo"].shape[:2]
    crops = []
    for x, y in crop_windows(w, h):
        c = {k: (v[y:y + CROP, x:x + CROP] if isinstance(v, np.ndarray) else v) for k, v in out.items()}
        crops.append(c)
    return crops, out


def collect(pk3_path, tag):
    zf = zipfile.ZipFile(pk3_path)
    index = {n.lower()[: -len(os.path.splitext(n)[1])] + os.path.splitext(n)[1].lower(): n
             for n in zf.namelist() if n.lower().endswith(IMAGE_EXTS)}
    index = {k: v for k, v in index.items()}
    candidates = sorted(v for v in index.values() if is_surface(v))
    kept, rejected_size = [], 0
    for name in candidates:
        with zf.open(name) as f:
            w, h = Image.open(io.BytesIO(f.read())).size
        if min(w, h) >= CROP and max(w, h) <= 2 * min(w, h):
            kept.append(name)
        else:
            rejected_size += 1
    log(f"{tag}: {len(index)} images, {len(candidates)} pass the keyword filter, "
        f"{len(kept)} pass the size/aspect filter ({rejected_size} too small or too elongated)")
    lower_index = {k.lower(): v for k, v in index.items()}
    return zf, kept, lower_index


def write_split(path, crops):
    def stack(key, shape, dtype=np.uint8):
        if not crops:
            return np.zeros((0,) + shape, dtype)
        return np.stack([c[key] for c in crops]).astype(dtype)

    np.savez(path,
             albedo=stack("albedo", (CROP, CROP, 3)),
             normal=stack("normal", (CROP, CROP, 3)),
             height=stack("height", (CROP, CROP)),
             gloss=stack("gloss", (CROP, CROP)),
             has_normal=np.array([c["has_normal"] for c in crops], bool),
             has_height=np.array([c["has_height"] for c in crops], bool),
             has_gloss=np.array([c["has_gloss"] for c in crops], bool),
             source=np.array([c["source"] for c in crops], dtype="U128"))


def write_full(path, textures):
    """Whole textures of different sizes in one npz: each map's pixels concatenated row-major
    (albedo [P, 3], height [P], gloss [P]); texture i is pixels offset[i] .. offset[i] + h * w with
    shape[i] = (h, w). Normals are left out: the evaluation derives what it needs from height."""
    shapes = np.array([t["albedo"].shape[:2] for t in textures], np.int64).reshape(-1, 2)
    offset = np.concatenate([[0], np.cumsum(shapes[:, 0] * shapes[:, 1])[:-1]]).astype(np.int64)

    def flat(key, channels):
        if not textures:
            return np.zeros((0,) + channels, np.uint8)
        return np.concatenate([t[key].reshape((-1,) + channels) for t in textures]).astype(np.uint8)

    np.savez(path, albedo=flat("albedo", (3,)), height=flat("height", ()), gloss=flat("gloss", ()),
             shape=shapes, offset=offset,
             has_height=np.array([t["has_height"] for t in textures], bool),
             has_gloss=np.array([t["has_gloss"] for t in textures], bool),
             has_normal=np.array([t["has_normal"] for t in textures], bool),
             source=np.array([t["source"] for t in textures], dtype="U128"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--openarena", action="store_true", help="also use openarena-081-textures")
    ap.add_argument("--out", default=None, help="output folder (default $NTEX_DATA_DIR/dataset)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N textures per package (debug)")
    ap.add_argument("--full-heldout", action="store_true",
                    help="(re)write only heldout_full.npz (whole held-out textures); other outputs stay as they are")
    args = ap.parse_args(argv)

    cache = data_dir()
    out_dir = args.out or os.path.join(cache, "dataset")
    os.makedirs(out_dir, exist_ok=True)
    full_path = os.path.join(out_dir, "heldout_full.npz")
    want_full = args.full_heldout or not os.path.exists(full_path)
    full = []
    tags = ["nexuiz"] + (["openarena"] if args.openarena else [])
    splits = {"train": [], "heldout": []}
    provenance = {"packages": [], "textures": {"train": 0, "heldout": 0}}
    for tag in tags:
        package, rel = PACKAGES[tag]
        deb = ensure_deb(cache, package)
        pk3 = ensure_unpacked(cache, deb, rel)
        provenance["packages"].append({"name": package, "version": deb_version(deb)})
        zf, kept, index = collect(pk3, tag)
        if args.limit:
            kept = kept[: args.limit]
        if args.full_heldout:  # only the held-out textures are needed
            kept = [n for n in kept if is_heldout(f"{tag}:{os.path.splitext(n)[0]}")]
        for name in tqdm(kept, desc=f"crops {tag}", unit="tex"):
            source = f"{tag}:{os.path.splitext(name)[0]}"
            split = "heldout" if is_heldout(source) else "train"
            provenance["textures"][split] += 1
            crops, whole = process(zf, name, index)
            for c in crops:
                c["source"] = source
                splits[split].append(c)
            if want_full and split == "heldout":
                whole["source"] = source
                full.append(whole)
    if want_full:
        write_full(full_path, full)
        log(f"heldout_full: {len(full)} whole held-out textures -> {full_path}")
    if args.full_heldout:
        return 0
    for split, crops in splits.items():
        write_split(os.path.join(out_dir, f"{split}.npz"), crops)
        n_norm = sum(c["has_normal"] for c in crops)
        n_gloss = sum(c["has_gloss"] for c in crops)
        log(f"{split}: {provenance['textures'][split]} source textures, {len(crops)} crops "
            f"({n_norm} with normal, {n_gloss} with gloss)")
        provenance[split + "_crops"] = len(crops)
    with open(os.path.join(out_dir, "provenance.json"), "w") as f:
        json.dump(provenance, f, indent=2)
    log(f"wrote {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
