#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CLI output traps (issue 14, review robustness-2026-12 #3 and #5): `ntex generate/bake` never
# overwrites a file it reads (the model JSON, its weights), writes through a symlink to its target
# (the link stays), refuses a non-regular target, and leaves no temp file behind; a stale temp file of
# a dead writer is removed by the next write. Each refusal: one "ntex: error:" line, exit 1, the
# input unchanged.
# Usage: cli_output_test.sh <ntex binary> <albedo_v1.json>
set -u
ntex=$(readlink -f "$1")
src_model=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src_model" "$work/m.json"
cp "$(dirname "$src_model")/$(sed -n 's/.*"weights": *"\([^"]*\)".*/\1/p' "$src_model")" "$work/"
weights=$(sed -n 's/.*"weights": *"\([^"]*\)".*/\1/p' "$src_model")
sum_before=$(cat "$work/m.json" "$work/$weights" | md5sum)
fail() { echo "FAIL: $*"; exit 1; }
expect_refusal() {   # <what> <text> <args...>
    local what=$1 text=$2; shift 2
    out=$("$ntex" generate --model "$work/m.json" --size 32 "$@" 2>&1); rc=$?
    echo "$what: $out"
    [ "$rc" -eq 1 ] || fail "$what: exit $rc, expected 1"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "$what: expected one line"
    printf '%s\n' "$out" | grep -q '^ntex: error: ' || fail "$what: no 'ntex: error:' prefix"
    printf '%s\n' "$out" | grep -qF -- "$text" || fail "$what: the message lacks '$text'"
}
expect_refusal "output = model" "refusing to overwrite" --out "$work/m.json"
expect_refusal "output = weights" "refusing to overwrite" --out "$work/$weights"
(cd "$work" && expect_refusal "output = model, relative" "refusing to overwrite" --out "./m.json")
ln -s "$work/m.json" "$work/link_to_model.png"
expect_refusal "output = a link to the model" "refusing to overwrite" --out "$work/link_to_model.png"
mkfifo "$work/fifo.png"
expect_refusal "output = a FIFO" "not a regular file" --out "$work/fifo.png"
[ "$(cat "$work/m.json" "$work/$weights" | md5sum)" = "$sum_before" ] || fail "an input changed"

# A symlinked output: the PNG lands in the link's target, the link stays a link.
ln -s "$work/target.png" "$work/link.png"
"$ntex" generate --model "$work/m.json" --size 32 --out "$work/link.png" > /dev/null || fail "writing through a link"
[ -L "$work/link.png" ] || fail "the link was replaced"
head -c 8 "$work/target.png" | od -An -c | grep -q 'P   N   G' || fail "the link's target is not a PNG"

# A dead writer's temp file is removed by the next write; a live one's is kept; none of ours remains.
sleep 300 & live=$!
: > "$work/out.png.tmp-999999999-AAAAAA"      # no such process
: > "$work/out.png.tmp-$live-BBBBBB"           # a running process
"$ntex" generate --model "$work/m.json" --size 32 --out "$work/out.png" > /dev/null || fail "plain write"
kill "$live"
[ ! -e "$work/out.png.tmp-999999999-AAAAAA" ] || fail "a dead writer's temp file was not removed"
[ -e "$work/out.png.tmp-$live-BBBBBB" ] || fail "a live writer's temp file was removed"
rm -f "$work/out.png.tmp-$live-BBBBBB"
ls "$work" | grep -q '\.tmp-' && fail "a temp file was left behind: $(ls "$work")"
# Numbers never wrap (review #8): out-of-range sizes, origins and direction offsets are one-line errors.
expect_number_error() {   # <text> <args...>
    local text=$1; shift
    out=$("$ntex" generate --out "$work/never.png" "$@" 2>&1); rc=$?
    echo "$*: $out"
    [ "$rc" -eq 1 ] || fail "$*: exit $rc, expected 1"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "$*: expected one line"
    printf '%s\n' "$out" | grep -qF -- "$text" || fail "$*: the message lacks '$text'"
}
expect_number_error "is outside 1..8192" --model "$work/m.json" --size 4294967312
expect_number_error "is outside 1..8192" --model "$work/m.json" --size 99999999999999999999
expect_number_error "is outside -2147483648..2147483647" --model "$work/m.json" --tiling infinite --origin 4294967296,0
v1="$(dirname "$src_model")/material_v1.json"
if [ -f "$v1" ]; then
    expect_number_error "is not a finite float" --model "$v1" --size 64 --direction 0=1e39
fi
[ -e "$work/never.png" ] && fail "an image was written"
echo "PASS"
