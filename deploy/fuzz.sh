#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cc) with clang into build/fuzz and runs each
# for SECONDS (default 60) on a scratch copy of its seed corpus (tests/fuzz/corpus/<name>/),
# so the repo's corpus stays as committed. Prints each target's executions; exits 1 when any
# target crashes, leaving the reproducer (crash-*, leak-*, timeout-*) in build/fuzz/artifacts.
# Usage: deploy/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
GEBI_WITH_FUZZ=1 deploy/install-deps.sh
dir=build/fuzz
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DGEBI_BUILD_TESTS=OFF -DGEBI_FUZZ=ON >/dev/null
ninja -C "$dir" -j"${GEBI_JOBS:-2}" fuzz_targets >&2

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$dir/artifacts"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for src in tests/fuzz/*_fuzz.cc; do
  target=$(basename "$src" .cc)
  name=${target%_fuzz}
  mkdir -p "$scratch/$name"
  if [[ -d tests/fuzz/corpus/$name ]]; then cp -r "tests/fuzz/corpus/$name/." "$scratch/$name/"; fi
  log="$dir/artifacts/$name.log"
  # -rss_limit_mb and -timeout: a slow or memory-hungry input is a finding too (rule: every
  # algorithm on user input is linear). -max_len 64 KiB is the server's max_body_bytes.
  rc=0
  "$dir/$target" "$scratch/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$dir/artifacts/$name-" \
    >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [[ $rc -ne 0 ]]; then
    echo "fuzz: $name CRASHED (exit $rc) after ${execs:-?} executions; see $log" >&2
    grep -m 5 -E 'ERROR: |SUMMARY: |runtime error' "$log" >&2 || true
    failed+=("$name")
  else
    echo "fuzz: $name ok, ${execs:-?} executions in ${seconds}s"
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: crashed: ${failed[*]}" >&2
  exit 1
fi
