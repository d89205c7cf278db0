#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `ntex generate` on a multi-map model writes one PNG per map (height as 16-bit greyscale), in
# infinite mode with an origin and a latent direction. Skipped (77) when the model is absent.
# Conditioning options: material_v1 is unconditional, so a category or a pattern is a one-line
# error; numbers are range-checked while parsing. With a conditional model as 4th argument, also:
# category + pattern, a mask PNG, and `bake --preset` reproducing `generate` with the same values.
# --pack writes channel-packed PNGs whose components equal the maps' own files; bad values are one line.
# Usage: cli_material_test.sh <ntex> <material_v1.json> <out dir> [<conditional model.json>]
set -euo pipefail
cli="$1"; model="$2"; out_dir="$3"; conditional="${4:-}"
if [[ ! -f "$model" ]]; then echo "skip: $model absent"; exit 77; fi
mkdir -p "$out_dir"
rm -f "$out_dir"/mat_*.png
"$cli" info "$model" | grep -q "^halo: "
"$cli" generate --model "$model" --seed 4 --size 64x32 --tiling infinite --origin -64,128 --direction 0=1.5 --out "$out_dir/mat.png"
for map in albedo normal roughness height; do
  [[ -s "$out_dir/mat_$map.png" ]] || { echo "missing $out_dir/mat_$map.png"; exit 1; }
done
# IHDR: bit depth at byte 24, colour type at byte 25.
depth=$(od -An -t u1 -j 24 -N 2 "$out_dir/mat_height.png" | tr -s ' ')
[[ "$depth" == " 16 0" ]] || { echo "height PNG is not 16-bit greyscale: $depth"; exit 1; }
# Errors: origin in tileable mode, a direction the model lacks.
if "$cli" generate --model "$model" --size 64 --origin 64,0 --out "$out_dir/bad.png" 2>/dev/null; then exit 1; fi
if "$cli" generate --model "$model" --size 64 --direction 99=1 --out "$out_dir/bad.png" 2>/dev/null; then exit 1; fi

# expect_error <message part> <ntex arguments...>: fails, with one line "ntex: error: ...<part>...".
expect_error() {
  local want="$1" out; shift
  if out=$("$cli" "$@" 2>&1); then echo "accepted: $*"; exit 1; fi
  [[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]] || { echo "not one line for $*: $out"; exit 1; }
  [[ "$out" == "ntex: error: "*"$want"* ]] || { echo "for $*: '$out' lacks '$want'"; exit 1; }
}
"$cli" info "$model" | grep -q "^categories:  none"
"$cli" info "$model" | grep -q "^layouts:     no"
"$cli" generate --model "$model" --size 32 --category any --pattern none --out "$out_dir/any.png" >/dev/null
gen=(generate --model "$model" --size 32 --out "$out_dir/bad.png")
expect_error "has no categories" "${gen[@]}" --category metal
expect_error "has no layout conditioning" "${gen[@]}" --pattern bricks
expect_error "'sideways' is not a layout pattern" "${gen[@]}" --pattern sideways
expect_error "--columns" "${gen[@]}" --pattern bricks --columns 0
expect_error "--columns" "${gen[@]}" --pattern bricks --columns 18446744073709551617
expect_error "--rows" "${gen[@]}" --pattern bricks --rows 0x10
expect_error "--pattern-seed" "${gen[@]}" --pattern bricks --pattern-seed -1
expect_error "--offset" "${gen[@]}" --pattern bricks --offset nan
expect_error "--gap" "${gen[@]}" --pattern bricks --gap 80
expect_error "--period" "${gen[@]}" --pattern bricks --period 8x16
expect_error "--jitter needs --pattern" "${gen[@]}" --jitter 0.5
expect_error "--pattern mask needs --mask" "${gen[@]}" --pattern mask
# --pack: channel-packed RGBA8 PNGs beside the maps, each component by its source (NtexChannelPacking).
"$cli" bake --model "$model" --seed 4 --size 64x32 --pack orm=1,roughness,0,height --pack nrh=normal.x,normal.g,roughness,height.0 \
  --out "$out_dir/pk.png" >/dev/null
/usr/bin/python3 - "$out_dir" <<'PY'
import sys
import numpy as np
from PIL import Image
d = sys.argv[1]
load = lambda n: np.asarray(Image.open(f"{d}/pk_{n}.png")).astype(np.int64)
orm, nrh, rough, normal, height = load("orm"), load("nrh"), load("roughness"), load("normal"), load("height")
assert orm.shape == (32, 64, 4) and nrh.shape == (32, 64, 4), (orm.shape, nrh.shape)
assert (orm[..., 0] == 255).all() and (orm[..., 2] == 0).all(), "constants 1 and 0"
assert (orm[..., 1] == rough).all() and (nrh[..., 2] == rough).all(), "roughness"
assert (nrh[..., :2] == normal[..., :2]).all(), "normal x, y"
h8 = np.floor(height / 65535.0 * 255.0 + 0.5)   # the 16-bit height PNG, re-quantised to 8 bits
assert np.abs(orm[..., 3] - h8).max() <= 1 and (orm[..., 3] == nrh[..., 3]).all(), "height in alpha"
assert rough.std() > 0, "a flat roughness cannot show the packing"
PY
pack=(bake --model "$model" --size 32 --out "$out_dir/bad.png")
rm -f "$out_dir"/bad_*.png
expect_error "expected NAME=R,G,B,A" "${pack[@]}" --pack orm
expect_error "'rough' is not 0, 1 or a map of the model (albedo, normal, roughness, height)" "${pack[@]}" --pack orm=1,rough,0,height
expect_error "map roughness has 1 channel(s)" "${pack[@]}" --pack orm=1,roughness.y,0,height
expect_error "the component after '.'" "${pack[@]}" --pack orm=1,normal.q,0,height
expect_error "expected four sources" "${pack[@]}" --pack orm=1,roughness,0
expect_error "expected four sources" "${pack[@]}" --pack orm=1,roughness,0,height,
expect_error "is a map's" "${pack[@]}" --pack height=1,1,1,1
expect_error "is a map's" "${pack[@]}" --pack Height=1,1,1,1
expect_error "the name (the file suffix)" "${pack[@]}" --pack ../x=1,1,1,1
expect_error "given twice" "${pack[@]}" --pack a=1,1,1,1 --pack a=0,0,0,0
[[ ! -e "$out_dir/bad_albedo.png" ]] || { echo "a refused --pack wrote the maps"; exit 1; }

# bake: a preset carries its own conditioning; its fields are resolved against the model.
preset="$out_dir/v2.preset.json"
expect_error "excludes" bake --model "$model" --preset "$preset" --pattern bricks --out "$out_dir/bad.png"
echo '{"format": "ntex-preset", "format_version": 2, "model": "material_v1", "seed": 1, "truncation_psi": 1, "category": "metal"}' > "$preset"
expect_error "v2.preset.json: preset field 'category' is 'metal' but model 'material_v1' has no categories" \
  bake --model "$model" --preset "$preset" --size 32 --out "$out_dir/bad.png"
echo '{"format": "ntex-preset", "format_version": 2, "model": "material_v1", "seed": 1, "truncation_psi": 1, "layout": {"pattern": "bricks"}}' > "$preset"
expect_error "has no layout conditioning" bake --model "$model" --preset "$preset" --size 32 --out "$out_dir/bad.png"

if [[ -n "$conditional" ]]; then
  # The first category, then the same values through a preset: identical files.
  category=$("$cli" info "$conditional" | sed -n 's/^categories:  [0-9]* (\([^,;]*\).*/\1/p')
  [[ -n "$category" ]] || { echo "$conditional: no categories"; exit 1; }
  "$cli" info "$conditional" | grep -q "^layouts:     yes"
  layout=(--pattern bricks --columns 4 --rows 8 --offset 0.5 --gap 2 --bevel 1 --jitter 0.3 --pattern-seed 5)
  "$cli" generate --model "$conditional" --size 64 --seed 3 --category "$category" "${layout[@]}" --out "$out_dir/cond.png" >/dev/null
  name=$("$cli" info "$conditional" | sed -n 's/^model: *\([^ ]*\).*/\1/p')
  cat > "$preset" <<JSON
{"format": "ntex-preset", "format_version": 2, "model": "$name", "seed": 3, "truncation_psi": 1, "category": "$category",
 "layout": {"pattern": "bricks", "columns": 4, "rows": 8, "period": [0, 0], "offset": 0.5, "gap": 2, "bevel": 1, "jitter": 0.3, "seed": 5}}
JSON
  "$cli" bake --model "$conditional" --preset "$preset" --size 64 --out "$out_dir/cond_baked.png" >/dev/null
  for f in "$out_dir"/cond_*.png; do
    base=$(basename "$f")
    [[ "$base" == cond_baked_* ]] && continue
    cmp "$f" "$out_dir/cond_baked_${base#cond_}" || { echo "bake --preset differs from generate: $base"; exit 1; }
  done
  expect_error "is not a category of model" generate --model "$conditional" --size 64 --category no_such --out "$out_dir/bad.png"
  # The layout prior's AUTO layout: the same files as a preset storing "auto"; its numbers are the prior's.
  "$cli" info "$conditional" | grep -q "auto (layout prior)" || { echo "$conditional: no layout prior"; exit 1; }
  "$cli" generate --model "$conditional" --size 64 --seed 3 --category "$category" --pattern auto --pattern-seed 2 \
    --out "$out_dir/auto.png" >/dev/null
  cat > "$preset" <<JSON
{"format": "ntex-preset", "format_version": 2, "model": "$name", "seed": 3, "truncation_psi": 1, "category": "$category",
 "layout": {"pattern": "auto", "seed": 2}}
JSON
  "$cli" bake --model "$conditional" --preset "$preset" --size 64 --out "$out_dir/auto_baked.png" >/dev/null
  cmp "$out_dir/auto_albedo.png" "$out_dir/auto_baked_albedo.png" || { echo "bake of an auto preset differs from generate"; exit 1; }
  expect_error "chosen by the layout prior" generate --model "$conditional" --size 64 --pattern auto --columns 3 --out "$out_dir/bad.png"
  # Blobs: --offset is its noise threshold; a different layout from the bricks above, and a preset
  # storing it bakes the same files.
  blobs=(--pattern blobs --columns 3 --rows 3 --offset 0.4 --gap 0 --bevel 3 --jitter 0.8 --pattern-seed 4)
  "$cli" generate --model "$conditional" --size 64 --seed 3 --category "$category" "${blobs[@]}" --out "$out_dir/blobs.png" >/dev/null
  if cmp -s "$out_dir/blobs_height.png" "$out_dir/cond_height.png"; then echo "blobs gave the bricks' height"; exit 1; fi
  cat > "$preset" <<JSON
{"format": "ntex-preset", "format_version": 2, "model": "$name", "seed": 3, "truncation_psi": 1, "category": "$category",
 "layout": {"pattern": "blobs", "columns": 3, "rows": 3, "period": [0, 0], "offset": 0.4, "gap": 0, "bevel": 3, "jitter": 0.8, "seed": 4}}
JSON
  "$cli" bake --model "$conditional" --preset "$preset" --size 64 --out "$out_dir/blobs_baked.png" >/dev/null
  cmp "$out_dir/blobs_height.png" "$out_dir/blobs_baked_height.png" || { echo "bake of a blobs preset differs from generate"; exit 1; }
  # A mask: material_v1's 16-bit height map, tiled over the period.
  "$cli" generate --model "$model" --size 32 --map 3 --out "$out_dir/mask.png" >/dev/null
  "$cli" generate --model "$conditional" --size 64 --mask "$out_dir/mask.png" --out "$out_dir/masked.png" >/dev/null
fi
echo ok
