#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The long fuzzing runs issue 14 asks for: the structure-aware model-JSON and preset fuzzers (libFuzzer,
# ASan + UBSan with float-cast-overflow), NTEX_FUZZ_SECONDS each (default 600), side by side, from the
# shipped models, the review's reproducers (tests/fuzz/model_seeds) and tests/fuzz/preset_seeds. Prints
# each run's executions, coverage and findings; exits non-zero when a run found anything.
# Needs clang-14 with libFuzzer (scripts/install_deps.sh installs it). Build dir: NTEX_FUZZ_BUILD_DIR
# (default build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${NTEX_FUZZ_SECONDS:-600}
build=${NTEX_FUZZ_BUILD_DIR:-build-fuzz}
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" --target ntex_model_json_fuzz ntex_preset_fuzz
mkdir -p "$build/json_seeds" "$build/json_corpus" "$build/preset_corpus"
cp models/*.json tests/fuzz/model_seeds/*.json "$build/json_seeds/"
run() {   # name binary max_len corpus seeds
  "$build/$2" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$3" -print_final_stats=1 \
    -artifact_prefix="$build/$1-" "$build/$4" "$5" > "$build/$1.log" 2>&1
}
status=0
run model_json ntex_model_json_fuzz 65536 json_corpus "$build/json_seeds" & json_pid=$!
run preset ntex_preset_fuzz 8192 preset_corpus tests/fuzz/preset_seeds & preset_pid=$!
wait "$json_pid" || status=1
wait "$preset_pid" || status=1
for name in model_json preset; do
  log="$build/$name.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  corpus=$(ls "$build/${name/model_json/json}_corpus" | wc -l)
  findings=$(ls "$build" | grep -c "^$name-\(crash\|leak\|timeout\|oom\)-" || true)
  echo "$name: ${seconds} s, ${runs:-?} executions (${rate:-?}/s), ${cov:-cov: ?} edges, corpus ${corpus} inputs, findings ${findings}"
  [ "$findings" = 0 ] || status=1
done
exit $status
