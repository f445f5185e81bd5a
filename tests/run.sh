#!/usr/bin/env bash
# Runs every test suite against one build and ends with the line
# "N passed, N failed" over all of them: unit tests, end-to-end scripts and
# the browser tests. The store's unit tests and every end-to-end script run
# twice: on SQLite, then on PostgreSQL, on a throw-away server this script
# starts from Debian's packages (tests/pg/pg.sh) and stops afterwards.
#   AANWEZIG_BUILD     the build folder (default build/asan)
#   AANWEZIG_BACKENDS  "sqlite postgresql" (the default), or one of them
set -u
cd "$(dirname "$0")/.."
build=${AANWEZIG_BUILD:-build/asan}
backends=${AANWEZIG_BACKENDS:-sqlite postgresql}
export AANWEZIG_BIN="$PWD/$build/aanwezig"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset AANWEZIG_TEST_PG   # the first pass is SQLite's, whatever the caller has set

passed=0
failed=0
failures=()

# run_unit BINARY SUFFIX: a cmocka binary; reads its own summary lines.
run_unit() {
  local t=$1 name out rc p f
  name=$(basename "$t")$2
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
}

# run_e2e SCRIPT SUFFIX: an end-to-end script; it prints "# e2e-summary P F"
# last.
run_e2e() {
  local t=$1 name out rc line p f
  name=$(basename "$t")$2
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
}

# Unit tests, then end-to-end tests, on SQLite.
if [[ " $backends " == *" sqlite "* ]]; then
  for t in "$build"/tests/test_*; do
    [ -x "$t" ] && run_unit "$t" ""
  done
  for t in tests/e2e/test_*.sh; do
    run_e2e "$t" ""
  done
fi

# The same on PostgreSQL: the unit tests that open databases through
# test_db_target (tests/unit/testutil.h), and every end-to-end script.
if [[ " $backends " == *" postgresql "* ]]; then
  . tests/pg/pg.sh
  echo "# PostgreSQL: starting a throw-away server"
  pg_started=$(date +%s)
  if pg_start; then
    echo "# PostgreSQL $("$AANWEZIG_TEST_PSQL" -qAtX -d "$AANWEZIG_TEST_PG dbname=postgres" -c 'show server_version') on a socket in $PG_DIR"
    for src in $(grep -l test_db_target tests/unit/test_*.c); do
      t=$build/tests/$(basename "$src" .c)
      [ -x "$t" ] && run_unit "$t" " (PostgreSQL)"
    done
    for t in tests/e2e/test_*.sh; do
      run_e2e "$t" " (PostgreSQL)"
    done
    pg_stop
    echo "# PostgreSQL pass: $(( $(date +%s) - pg_started )) s"
  else
    echo "not ok - the PostgreSQL test server did not start (scripts/install-deps installs it)"
    failed=$((failed + 1))
    failures+=("postgresql")
  fi
  unset AANWEZIG_TEST_PG
fi

# Fuzz harnesses (tests/fuzz): built with clang under build/fuzz, each
# replays its seed corpus and then runs a fixed number of inputs from a
# fixed seed, so that a run is the same every time. A crash, a sanitizer
# report or a broken property fails it. Longer runs: make fuzz.
if command -v clang >/dev/null 2>&1; then
  if make -s O=build/fuzz SAN=fuzz CC=clang fuzz-build >/dev/null 2>build/fuzz-build.log; then
    for bin in build/fuzz/fuzz/fuzz_*; do
      name=${bin##*/}
      work=$(mktemp -d)
      cp -r "tests/fuzz/corpus/${name#fuzz_}/." "$work/" 2>/dev/null || true
      if "$bin" -seed=1 -runs="${AANWEZIG_FUZZ_RUNS:-100000}" -rss_limit_mb=2048 "$work" > "$work.log" 2>&1; then
        echo "ok - $name: ${AANWEZIG_FUZZ_RUNS:-100000} inputs, no finding"
        passed=$((passed + 1))
      else
        echo "not ok - $name"; tail -n 30 "$work.log"
        failed=$((failed + 1)); failures+=("$name")
      fi
      rm -rf "$work" "$work.log"
    done
  else
    echo "not ok - building the fuzz harnesses"; tail -n 20 build/fuzz-build.log
    failed=$((failed + 1)); failures+=("fuzz-build")
  fi
else
  echo "not ok - fuzz harnesses: clang is missing (scripts/install-deps --test installs it)"
  failed=$((failed + 1)); failures+=("fuzz")
fi

# Browser tests (tests/browser): Debian's chromium driven by playwright-core,
# with node's test runner, whose TAP output ends with "# pass N" and
# "# fail N". A missing browser, node or npm packages is a failure, not a
# skip: scripts/install-deps --browser installs them.
browser_missing=""
command -v node >/dev/null 2>&1 || browser_missing=" node"
[ -x "${AANWEZIG_CHROMIUM:-/usr/bin/chromium}" ] || browser_missing="$browser_missing chromium"
[ -d tests/browser/node_modules/playwright-core ] && [ -d tests/browser/node_modules/@axe-core/playwright ] \
  || browser_missing="$browser_missing tests/browser/node_modules"
if [ -n "$browser_missing" ]; then
  echo "browser tests: missing$browser_missing (run scripts/install-deps --browser)"
  failed=$((failed + 1))
  failures+=("tests/browser")
else
  out_file=$(mktemp)
  node --test --test-reporter=tap tests/browser/*.test.js 2>&1 | tee "$out_file"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out_file" | tail -n1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out_file" | tail -n1)
  c=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$out_file" | tail -n1)
  rm -f "$out_file"
  p=${p:-0}
  f=$(( ${f:-0} + ${c:-0} ))   # tests cancelled by a failed setup failed too
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1   # crashed, or did not get as far as counting
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("tests/browser")
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "failing suites: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
