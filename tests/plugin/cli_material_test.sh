#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `ntex generate` on a multi-map model writes one PNG per map (height as 16-bit greyscale), in
# infinite mode with an origin and a latent direction. Skipped (77) when the model is absent.
set -euo pipefail
cli="$1"; model="$2"; out_dir="$3"
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
echo ok
