# lib.sh — a small harness for end-to-end tests of the real binary.
#
#   . "$(dirname "$0")/lib.sh"
#   test_case "a leader can be added"
#   run aanwezig --db "$DB" leader add ...   # sets $out, $err, $rc
#   expect_rc 0; expect_out "1"
#   ...
#   finish                                   # prints "# e2e-summary P F"
#
# A test case passes when none of its expectations failed. Every test file
# works in its own temporary folder ($T), removed at the end.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AANWEZIG_BIN=${AANWEZIG_BIN:-$REPO/build/asan/aanwezig}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
_pass=0
_fail=0
_case=""
_case_ok=1

_close_case() {
  if [ -n "$_case" ]; then
    if [ "$_case_ok" -eq 1 ]; then
      _pass=$((_pass + 1)); echo "ok - $_case"
    else
      _fail=$((_fail + 1)); echo "not ok - $_case"
    fi
  fi
}

test_case() {
  _close_case
  _case=$1
  _case_ok=1
}

_bad() {
  _case_ok=0
  echo "  # $*" >&2
}

# run CMD...: run the binary (or any command) capturing output and status.
run() {
  local cmd=$1; shift
  [ "$cmd" = aanwezig ] && cmd=$AANWEZIG_BIN
  out=$("$cmd" "$@" 2>"$T/.stderr")
  rc=$?
  err=$(cat "$T/.stderr")
  if printf '%s' "$err" | grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer'; then
    _bad "sanitizer report: $err"
  fi
}

expect_rc() {
  [ "$rc" -eq "$1" ] || _bad "exit code $rc, expected $1 (stderr: ${err:0:400})"
}
expect_out() {
  printf '%s' "$out" | grep -q -F -e "$1" || _bad "stdout lacks \"$1\": ${out:0:400}"
}
expect_err() {
  printf '%s' "$err" | grep -q -F -e "$1" || _bad "stderr lacks \"$1\": ${err:0:400}"
}
expect_no_out() {
  printf '%s' "$out" | grep -q -F -e "$1" && _bad "stdout has \"$1\""
  return 0
}
expect_eq() {
  [ "$1" = "$2" ] || _bad "got \"$1\", expected \"$2\""
}

finish() {
  _close_case
  echo "# e2e-summary $_pass $_fail"
  [ "$_fail" -eq 0 ]
}

# db_target NAME: the --db value for a new database of this test: a SQLite
# file in $T (the PostgreSQL run gives a fresh database instead).
db_target() {
  echo "$T/$1.db"
}
