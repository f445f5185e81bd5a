# pg.sh — a throw-away PostgreSQL server for the tests, from Debian's
# PostgreSQL packages (scripts/install-deps installs them).
#
#   . tests/pg/pg.sh
#   pg_start || exit 1   # exports AANWEZIG_TEST_PG, AANWEZIG_TEST_PSQL
#   ...                  # tests make their databases with db_target (lib.sh)
#   pg_stop
#
# The cluster lives in a new temporary folder and listens only on a Unix
# socket there (no TCP port, so runs side by side never clash). PostgreSQL
# refuses to run as root: under root it runs as the postgres system user.
# fsync is off (PG_FSYNC=on keeps it, for benchmarks): the tests never
# crash the database server, and they make many databases. AANWEZIG_TEST_PG is a libpq connection string without a
# dbname; db_target adds one.
#
# As a script: `bash tests/pg/pg.sh start` prints the export line and
# leaves the server running; `bash tests/pg/pg.sh stop DIR` stops it.

pg_bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# _pg_as CMD...: run as the user that owns the cluster.
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  PG_BIN=${PG_BIN:-$(pg_bin_dir)}
  if [ -z "$PG_BIN" ]; then
    echo "pg_start: PostgreSQL's initdb is missing (scripts/install-deps installs postgresql)" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/aanwezig-pg.XXXXXX) || return 1
  chmod 755 "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
  if ! _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
       > "$PG_DIR/initdb.log" 2>&1; then
    echo "pg_start: initdb failed:" >&2; tail -n 20 "$PG_DIR/initdb.log" >&2
    rm -rf "$PG_DIR"; return 1
  fi
  export PG_BIN PG_DIR PG_FSYNC=${PG_FSYNC:-off}
  if ! pg_resume; then
    echo "pg_start: the server did not start:" >&2; tail -n 20 "$PG_DIR/server.log" >&2
    rm -rf "$PG_DIR"; return 1
  fi
  export AANWEZIG_TEST_PG="host=$PG_DIR user=postgres"
  export AANWEZIG_TEST_PSQL="$PG_BIN/psql"
}

# pg_halt / pg_resume: stop the running server and start it again on the
# same data (for tests of a database that goes away mid-run).
pg_halt() {
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1
}

pg_resume() {
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status > /dev/null 2>&1 && return 0
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-k $PG_DIR -c listen_addresses='' -c fsync=${PG_FSYNC:-off} -c full_page_writes=${PG_FSYNC:-off} -c max_connections=300" \
    start > /dev/null 2>&1
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1
  rm -rf "$PG_DIR"
  unset PG_DIR AANWEZIG_TEST_PG
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start) pg_start && echo "export AANWEZIG_TEST_PG='$AANWEZIG_TEST_PG' AANWEZIG_TEST_PSQL='$AANWEZIG_TEST_PSQL' PG_DIR='$PG_DIR' PG_BIN='$PG_BIN'" ;;
    stop) PG_DIR=${2:?the folder pg_start made}; PG_BIN=${PG_BIN:-$(pg_bin_dir)}; pg_stop ;;
    *) echo "usage: bash tests/pg/pg.sh start | stop DIR" >&2; exit 2 ;;
  esac
fi
