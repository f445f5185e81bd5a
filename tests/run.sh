#!/usr/bin/env bash
# Runs every test suite against one build and ends with the line
# "N passed, N failed" over all of them.
#   AANWEZIG_BUILD  the build folder (default build/asan)
set -u
cd "$(dirname "$0")/.."
build=${AANWEZIG_BUILD:-build/asan}
export AANWEZIG_BIN="$PWD/$build/aanwezig"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failures=()

# Unit tests (cmocka): read their own summary lines.
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  out=$("$t" 2>&1)
  rc=$?
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1   # crashed or a sanitizer stopped it
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("$name")
done

# End-to-end tests: each script drives the real binary and prints
# "# e2e-summary P F" last.
for t in tests/e2e/test_*.sh; do
  name=$(basename "$t")
  out=$(bash "$t" 2>&1)
  rc=$?
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep '^# e2e-summary ' | tail -n1)
  p=$(echo "$line" | awk '{print $3}')
  f=$(echo "$line" | awk '{print $4}')
  p=${p:-0}
  f=${f:-0}
  if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
    f=$((f + 1))
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("$name")
done

if [ ${#failures[@]} -gt 0 ]; then
  echo "failing suites: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
