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
#
# One suite, two backends: with AANWEZIG_TEST_PG set (a libpq connection
# string without dbname, to the throw-away server of tests/pg/pg.sh; see
# tests/run.sh) every database a test makes with db_target is a fresh
# PostgreSQL database, and db_sql, db_list, db_columns, db_dump and key_of
# look at it as they would at a SQLite file.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AANWEZIG_BIN=${AANWEZIG_BIN:-$REPO/build/asan/aanwezig}
AANWEZIG_REAL_BIN=$AANWEZIG_BIN
T=$(mktemp -d)
trap '_drop_dbs; rm -rf "$T"' EXIT
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

# on_pg: true when this run's databases are PostgreSQL ones.
on_pg() {
  [ -n "${AANWEZIG_TEST_PG:-}" ]
}

# skip_case NAME REASON: a case that does not apply to this backend; it is
# reported as skipped and counted neither as passed nor as failed.
skip_case() {
  _close_case
  _case=""
  echo "ok - $1 # SKIP $2"
}

PSQL=${AANWEZIG_TEST_PSQL:-psql}

# db_target NAME: the --db value for a database of this test: a SQLite
# file in $T, or on PostgreSQL a database made here, empty, the first time
# NAME is asked for (as an operator makes one before `aanwezig init`); the
# same NAME gives the same database again, as it gives the same file.
db_target() {
  if on_pg; then
    local name
    name="t_$(printf '%s' "$1" | tr -c 'a-z0-9_' '_')_$$"
    if ! grep -q -x "$name" "$T/.dbs" 2>/dev/null; then
      if ! "$PSQL" -qAtX -d "$AANWEZIG_TEST_PG dbname=postgres" -c "CREATE DATABASE $name" > /dev/null; then
        echo "db_target: cannot create the database $name" >&2
        return 1
      fi
      echo "$name" >> "$T/.dbs"
    fi
    echo "$AANWEZIG_TEST_PG dbname=$name"
  else
    echo "$T/$1.db"
  fi
}

# The PostgreSQL databases of this test go with its folder.
_drop_dbs() {
  [ -f "$T/.dbs" ] || return 0
  while read -r name; do
    "$PSQL" -qAtX -d "$AANWEZIG_TEST_PG dbname=postgres" \
      -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" > /dev/null 2>&1
  done < "$T/.dbs"
}

# db_sql TARGET SQL: run SQL on a database db_target made, rows one a line
# with columns separated by "|" (sqlite3's and psql -At's format alike).
db_sql() {
  if on_pg; then
    "$PSQL" -qAtX -d "$1" -c "$2"
  else
    sqlite3 "$1" "$2"
  fi
}

# db_list TARGET SQL: the rows of a one-column query joined by commas.
db_list() {
  db_sql "$1" "$2" | paste -sd, -
}

# db_columns TARGET TABLE: a table's columns in order, joined by commas.
db_columns() {
  if on_pg; then
    db_list "$1" "select column_name from information_schema.columns
                  where table_schema = current_schema() and table_name = '$2' order by ordinal_position"
  else
    db_list "$1" "select name from pragma_table_info('$2')"
  fi
}

# db_dump TARGET: everything in a database as text.
db_dump() {
  if on_pg; then
    "$(dirname "$PSQL")/pg_dump" -d "$1"
  else
    sqlite3 "$1" .dump
  fi
}

# key_of TARGET: the link key file of a database: FILE.key beside a SQLite
# file; for PostgreSQL, which has no folder of its own, a file in $T named
# after the database (see the wrapper below).
key_of() {
  case $1 in
    *dbname=*) local n=${1##*dbname=}; echo "$T/${n%% *}.key" ;;
    *) echo "$1.key" ;;
  esac
}

# On PostgreSQL, AANWEZIG_BIN is a wrapper that names the link key, as an
# operator does with --key-file or AANWEZIG_KEY_FILE, when a command gives a
# PostgreSQL --db and no key of its own: key_of the database. It execs the
# binary, so $! of a server started in the background is the server's.
# AANWEZIG_REAL_BIN is the binary itself, for cases that check what
# happens without a key.
if on_pg; then
  mkdir -p "$T/.bin"
  {
    echo '#!/usr/bin/env bash'
    echo 'db="" prev="" key=${AANWEZIG_KEY_FILE:-}'
    echo 'for a in "$@"; do'
    echo '  [ "$prev" = --db ] && db=$a'
    echo '  case $a in --db=*) db=${a#--db=} ;; --key-file|--key-file=*) key=given ;; esac'
    echo '  prev=$a'
    echo 'done'
    echo 'case $db in'
    echo "  *dbname=*) [ -n \"\$key\" ] || { n=\${db##*dbname=}; export AANWEZIG_KEY_FILE=\"$T/\${n%% *}.key\"; } ;;"
    echo 'esac'
    echo "exec \"$AANWEZIG_REAL_BIN\" \"\$@\""
  } > "$T/.bin/aanwezig"
  chmod +x "$T/.bin/aanwezig"
  AANWEZIG_BIN=$T/.bin/aanwezig
fi
