#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CLI error contract: `ntex info <bad>` prints exactly one line "ntex: error: <message>" and exits 1.
# Usage: cli_error_test.sh <ntex binary> <model.json that fails to load>
set -u
out=$("$1" info "$2" 2>&1)
rc=$?
echo "$out"
[ "$rc" -eq 1 ] || { echo "exit status $rc, expected 1"; exit 1; }
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || { echo "expected one line"; exit 1; }
printf '%s\n' "$out" | grep -q '^ntex: error: ' || { echo "missing 'ntex: error: ' prefix"; exit 1; }
