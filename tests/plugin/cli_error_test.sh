#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CLI error contract: `ntex info <bad>` prints exactly one line "ntex: error: <message>" and exits 1;
# a bad command-line value (here a layout number) prints one such line naming the option and exits 2.
# Usage: cli_error_test.sh <ntex binary> <model.json that fails to load>
set -u
check_one_line() {   # <output> <expected status> <actual status>
    echo "$1"
    [ "$3" -eq "$2" ] || { echo "exit status $3, expected $2"; exit 1; }
    [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || { echo "expected one line"; exit 1; }
    printf '%s\n' "$1" | grep -q '^ntex: error: ' || { echo "missing 'ntex: error: ' prefix"; exit 1; }
}
out=$("$1" info "$2" 2>&1)
check_one_line "$out" 1 $?
out=$("$1" generate --model "$2" --out never.png --pattern bricks --gap nan 2>&1)
check_one_line "$out" 2 $?
printf '%s\n' "$out" | grep -q -- "--gap" || { echo "the message does not name --gap"; exit 1; }
