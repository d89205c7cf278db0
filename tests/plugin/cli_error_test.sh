#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CLI error contract: `ntex info <bad>` prints exactly one line "ntex: error: <message>" and exits 1;
# a bad command-line value (here a layout number) prints one such line naming the option and exits 2.
# Integer options are decimal: a leading 0 is not octal (`--columns 010` is 10, not 8), checked by
# comparing output bytes with the conditional model models/material_v2.json (skipped when absent).
# Usage: cli_error_test.sh <ntex binary> <model.json that fails to load> [<material_v2.json>]
set -u
check_one_line() {   # <output> <expected status> <actual status>
    echo "$1"
    [ "$3" -eq "$2" ] || { echo "exit status $3, expected $2"; exit 1; }
    [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || { echo "expected one line"; exit 1; }
    printf '%s\n' "$1" | grep -q '^ntex: error: ' || { echo "missing 'ntex: error: ' prefix"; exit 1; }
}
expect_text() {   # <output> <text>
    printf '%s\n' "$1" | grep -qF -- "$2" || { echo "the message does not contain '$2'"; exit 1; }
}
out=$("$1" info "$2" 2>&1)
check_one_line "$out" 1 $?
info_out=$out
# generate reports a bad model with the same line as info (it used to prefix the result name).
out=$("$1" generate --model "$2" --out never.png 2>&1)
check_one_line "$out" 1 $?
[ "$out" = "$info_out" ] || { echo "generate and info differ: '$out' vs '$info_out'"; exit 1; }
# An empty output path and an unbounded psi are command-line errors naming the option.
out=$("$1" generate --model "$2" --out "" 2>&1)
check_one_line "$out" 2 $?
expect_text "$out" "--out: must name a file"
out=$("$1" generate --model "$2" --out never.png --psi 3e38 2>&1)
check_one_line "$out" 2 $?
expect_text "$out" "--psi"
out=$("$1" generate --model "$2" --out never.png --pattern bricks --gap nan 2>&1)
check_one_line "$out" 2 $?
expect_text "$out" "--gap"
# Hex is not decimal: refused while parsing, naming the option and the value.
out=$("$1" generate --model "$2" --out never.png --pattern bricks --columns 0x10 2>&1)
check_one_line "$out" 2 $?
expect_text "$out" "--columns"
expect_text "$out" "0x10"
out=$("$1" generate --model "$2" --out never.png --seed 0x10 2>&1)
check_one_line "$out" 2 $?
expect_text "$out" "--seed"
# A preset carries its own category and layout: combining it with those options is an error.
out=$("$1" bake --model "$2" --out never.png --preset p.json --category c0 2>&1)
check_one_line "$out" 2 $?
out=$("$1" generate --model "$2" --out never.png --preset p.json --pattern bricks 2>&1)
check_one_line "$out" 2 $?
expect_text "$out" "--preset"

v2="${3:-$(dirname "$0")/../../models/material_v2.json}"
if [ ! -f "$v2" ]; then
    echo "SKIPPED: $v2 absent (leading-zero and mask checks)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_v2() {   # <out.png> <options...>: generate map 0 of material_v2 at 64x64 on the CPU
    local png=$1
    shift
    "$NTEX" generate --model "$v2" --backend cpu --threads 2 --size 64 --map 0 --pattern bricks --out "$png" "$@" >/dev/null ||
        { echo "generate $* failed"; exit 1; }
}
NTEX=$1
run_v2 "$tmp/zeros.png" --seed 010 --columns 010 --rows 04 --pattern-seed 011
run_v2 "$tmp/decimal.png" --seed 10 --columns 10 --rows 4 --pattern-seed 11
run_v2 "$tmp/octal.png" --seed 8 --columns 8 --rows 4 --pattern-seed 9
cmp -s "$tmp/zeros.png" "$tmp/decimal.png" || { echo "--columns 010 (and --seed, --rows, --pattern-seed) did not act as decimal"; exit 1; }
cmp -s "$tmp/zeros.png" "$tmp/octal.png" && { echo "the octal reading gives the same image: the check cannot tell"; exit 1; }
# A mask above the runtime's 2048 x 2048: one line, before anything is generated.
python3 - "$tmp/wide_mask.png" <<'PY' || { echo "python3 could not write the mask PNG"; exit 1; }
import struct, sys, zlib
w, h = 2049, 1
raw = b"".join(b"\0" + bytes(w) for _ in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
out=$("$NTEX" generate --model "$v2" --backend cpu --size 64 --out "$tmp/never.png" --mask "$tmp/wide_mask.png" 2>&1)
check_one_line "$out" 1 $?
expect_text "$out" "2049x1 is outside 1..2048"
echo "PASS"
