#!/usr/bin/env bash
# Runs every libFuzzer harness in build/fuzz for SECONDS (default 10)
# from its seed corpus in tests/fuzz/corpus/NAME (copied, so the run adds
# nothing to the repository), after replaying that corpus once.
# Build them first: make fuzz-build O=build/fuzz SAN=fuzz CC=clang.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-10}
failed=0
for bin in build/fuzz/fuzz/fuzz_*; do
  name=${bin##*/fuzz_}
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  if "$bin" -runs=0 "$work" > "$work.log" 2>&1 &&
     "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$work" >> "$work.log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -n1)
    cov=$(grep -o 'cov: [0-9]*' "$work.log" | tail -n1)
    echo "ok - fuzz $name: ${execs:-?} executions, $cov, ${secs}s"
  else
    echo "not ok - fuzz $name: a finding; see below"
    tail -n 40 "$work.log"
    failed=$((failed + 1))
  fi
  rm -rf "$work" "$work.log"
done
[ "$failed" -eq 0 ]
