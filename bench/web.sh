#!/usr/bin/env bash
# Web benchmarks, in one run on this machine, against a bare libmicrohttpd
# server (bench/bare_server.c) serving a page of the same size:
#   1. GET of a rater page: token look-up + render, vs the bare server;
#   2. complete 37-item submissions at 64 connections: throughput, p99;
#   3. the server's peak RSS under that load.
# Usage: bench/web.sh [SECONDS]   (default 10). Needs wrk (scripts/install-deps --bench).
# With AANWEZIG_BENCH_PG (a libpq connection string without dbname) the
# server runs on a new PostgreSQL database there instead of a SQLite file
# (bench/backends.sh compares the two).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=64
threads=2
make -s build/aanwezig build/bench/bare_server build/bench/web_fixture
tmp=$(mktemp -d)
trap 'kill $srv $bare 2>/dev/null || true; rm -rf "$tmp"' EXIT

n=$((secs * 8000 + 10000))
if [ -n "${AANWEZIG_BENCH_PG:-}" ]; then
  psql=${AANWEZIG_BENCH_PSQL:-psql}
  dbname=bench_$$
  "$psql" -qAtX -d "$AANWEZIG_BENCH_PG dbname=postgres" -c "CREATE DATABASE $dbname"
  db="$AANWEZIG_BENCH_PG dbname=$dbname"
  count() { "$psql" -qAtX -d "$db" -c "$1"; }
  trap 'kill $srv $bare 2>/dev/null || true; rm -rf "$tmp"; sleep 0.5
        "$psql" -qAtX -d "$AANWEZIG_BENCH_PG dbname=postgres" -c "DROP DATABASE $dbname WITH (FORCE)"' EXIT
  echo "backend: PostgreSQL $("$psql" -qAtX -d "$db" -c 'show server_version' | cut -d' ' -f1)," \
       "fsync $("$psql" -qAtX -d "$db" -c 'show fsync'), synchronous_commit $("$psql" -qAtX -d "$db" -c 'show synchronous_commit')"
else
  db=$tmp/b.db
  count() { sqlite3 "$db" "$1"; }
  echo "backend: SQLite (WAL, synchronous=FULL)"
fi
key=$tmp/b.key
build/bench/web_fixture "$db" "$n" "$tmp/tokens" "$key"
build/aanwezig instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}' > "$tmp/items"
build/aanwezig --db "$db" --key-file "$key" serve --listen 127.0.0.1:0 > "$tmp/serve.out" &
srv=$!
for _ in $(seq 50); do grep -q Listening "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' "$tmp/serve.out")
tok=$(head -n1 "$tmp/tokens" | cut -d' ' -f1)
size=$(curl -s "$url/r/$tok?p=3" | wc -c)
port=$((20000 + RANDOM % 20000))
build/bench/bare_server "$port" "$size" &
bare=$!
sleep 0.3

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
p99() { sed -n 's/^ *99% *\([0-9.]*[a-z]*\).*/\1/p'; }

echo "machine: $(nproc) cores; page of $size bytes; $conns connections, $threads wrk threads, ${secs}s each"
bare_out=$(wrk -t$threads -c$conns -d${secs}s --latency "http://127.0.0.1:$port/")
page_out=$(TOKENS="$tmp/tokens" wrk -t$threads -c$conns -d${secs}s --latency -s bench/wrk/page.lua "$url")
b=$(echo "$bare_out" | rps); p=$(echo "$page_out" | rps)
echo "bare server        GET:  $b req/s  p99 $(echo "$bare_out" | p99)"
echo "rater page         GET:  $p req/s  p99 $(echo "$page_out" | p99)"
echo "ratio rater page / bare server: $(echo "scale=3; $p / $b" | bc)"

sub_out=$(TOKENS="$tmp/tokens" ITEMS="$tmp/items" THREADS=$threads \
          wrk -t$threads -c$conns -d${secs}s --latency -s bench/wrk/submit.lua "$url")
s=$(echo "$sub_out" | rps)
echo "complete submission POST: $s req/s  p99 $(echo "$sub_out" | p99)  $(echo "$sub_out" | grep 'not accepted')"
stored=$(count "select count(*) from responses")
echo "responses stored: $stored"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$srv/status)"
