#!/usr/bin/env bash
# The web benchmark (bench/web.sh) on both backends, one after the other
# on this machine: SQLite, then PostgreSQL on a throw-away server started
# from Debian's packages with fsync on (as a production server has it, and
# as SQLite's synchronous=FULL), on a Unix socket. Prints each run and the
# ratio of complete submissions per second, PostgreSQL / SQLite.
# Usage: bench/backends.sh [SECONDS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
. tests/pg/pg.sh
PG_FSYNC=on pg_start
trap pg_stop EXIT

sq=$(bench/web.sh "$secs")
printf '%s\n\n' "$sq"
pg=$(AANWEZIG_BENCH_PG=$AANWEZIG_TEST_PG AANWEZIG_BENCH_PSQL=$AANWEZIG_TEST_PSQL bench/web.sh "$secs")
printf '%s\n\n' "$pg"
rate() { sed -n 's/^complete submission POST: *\([0-9.]*\) req\/s.*/\1/p'; }
s=$(printf '%s\n' "$sq" | rate)
p=$(printf '%s\n' "$pg" | rate)
echo "submissions/s: SQLite $s, PostgreSQL $p; ratio PostgreSQL / SQLite: $(echo "scale=3; $p / $s" | bc)"
