#!/usr/bin/env bash
# The web benchmark (bench/web.sh) on both backends on this machine:
# SQLite, and PostgreSQL on a throw-away server started from Debian's
# packages with fsync on (as a production server has it, and as SQLite's
# synchronous=FULL), on a Unix socket. The two alternate for ROUNDS rounds
# (default 3), so that other work on the machine weighs on both alike; it
# prints every run's figures, then the medians of complete submissions per
# second and their ratio, PostgreSQL / SQLite.
# Usage: bench/backends.sh [SECONDS]   (default 10; ROUNDS=n for more rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${ROUNDS:-3}
. tests/pg/pg.sh
PG_FSYNC=on pg_start
trap pg_stop EXIT

rate() { sed -n 's/^complete submission POST: *\([0-9.]*\) req\/s.*/\1/p'; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
: > "$PG_DIR/sqlite.rates"
: > "$PG_DIR/pg.rates"
for r in $(seq "$rounds"); do
  echo "== round $r of $rounds"
  out=$(bench/web.sh "$secs")
  printf '%s\n\n' "$out"
  printf '%s\n' "$out" | rate >> "$PG_DIR/sqlite.rates"
  out=$(AANWEZIG_BENCH_PG=$AANWEZIG_TEST_PG AANWEZIG_BENCH_PSQL=$AANWEZIG_TEST_PSQL bench/web.sh "$secs")
  printf '%s\n\n' "$out"
  printf '%s\n' "$out" | rate >> "$PG_DIR/pg.rates"
done
s=$(median < "$PG_DIR/sqlite.rates")
p=$(median < "$PG_DIR/pg.rates")
echo "submissions/s, SQLite: $(paste -sd' ' "$PG_DIR/sqlite.rates")"
echo "submissions/s, PostgreSQL: $(paste -sd' ' "$PG_DIR/pg.rates")"
echo "medians: SQLite $s, PostgreSQL $p; ratio PostgreSQL / SQLite: $(echo "scale=3; $p / $s" | bc)"
