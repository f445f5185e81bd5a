#!/usr/bin/env bash
# The national-scale benchmark (docs/performance.md, "National scale"):
#   1. generate an instance of LEADERS leaders (default 20,000) with one
#      closed round each (the leader and 12 raters, 37 items: ~9.6 million
#      answers) plus open rounds for the web load; bulk load time;
#   2. one leader's report with the whole instance loaded (median, p99) and
#      on a one-round baseline; every profile and the reliability statistics
#      over the whole instance;
#   3. complete submissions through the web at 64 connections into that
#      instance, SQLite with one server process, against the same into a
#      small instance (one open round, bench/web_fixture.c) in the same run.
# With AANWEZIG_PG set to the URI of an empty PostgreSQL database the same on
# PostgreSQL (generated there directly, and `aanwezig migrate` timed into a
# second empty database AANWEZIG_PG2 when set; the report's baseline in a
# third, AANWEZIG_PG_BASELINE, when set), the web load going to two
# server processes behind nginx (round robin), and the ratio of PostgreSQL's
# submissions/s to SQLite's.
# Usage: bench/national.sh [LEADERS] [SECONDS]   (defaults 20000, 10)
set -euo pipefail
cd "$(dirname "$0")/.."
leaders=${1:-20000}
secs=${2:-10}
open=$((secs * 9000 + 2000))
make -s build/aanwezig build/bench/national build/bench/web_fixture
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
build/aanwezig instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}' > "$tmp/items"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# serve DB KEY PORT: a server in the background
serve() {
  build/aanwezig --db "$1" --key-file "$2" serve --listen "127.0.0.1:$3" > "$tmp/serve.$3" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q Listening "$tmp/serve.$3" 2>/dev/null && break; sleep 0.1; done
}
# web URL TOKENS: complete submissions at 64 connections; prints the rate
web() {
  local out
  out=$(TOKENS="$2" ITEMS="$tmp/items" THREADS=2 wrk -t2 -c64 -d"${secs}s" --latency \
        -s bench/wrk/submit.lua "$1")
  echo "  $(echo "$out" | grep 'Requests/sec'), p99 $(echo "$out" | sed -n 's/^ *99% *//p'), $(echo "$out" | grep 'not accepted')" >&2
  echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}

echo "== SQLite"
build/bench/national generate "$tmp/n.db" "$leaders" "$open" "$tmp/tokens"
echo "database: $(du -h "$tmp/n.db" | cut -f1)"
build/bench/national measure "$tmp/n.db" 200
port=$((20000 + RANDOM % 20000))
build/bench/web_fixture "$tmp/small.db" "$open" "$tmp/smalltokens"
serve "$tmp/small.db" "$tmp/small.db.key" "$((port + 5))"
echo "baseline: submissions into a small instance, one server process, 64 connections, ${secs}s:"
small_rate=$(web "http://127.0.0.1:$((port + 5))" "$tmp/smalltokens")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
serve "$tmp/n.db" "$tmp/n.db.key" "$port"
echo "submissions through the web, one server process, 64 connections, ${secs}s:"
sq_rate=$(web "http://127.0.0.1:$port" "$tmp/tokens")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
echo "ratio national / small instance: $(echo "scale=2; $sq_rate / $small_rate" | bc)"

[ -n "${AANWEZIG_PG:-}" ] || { echo "(AANWEZIG_PG not set: PostgreSQL skipped)"; exit 0; }
echo "== PostgreSQL"
KEY_FILE="$tmp/pg.key" build/bench/national generate "$AANWEZIG_PG" "$leaders" "$open" "$tmp/pgtokens"
KEY_FILE="$tmp/pg.key" BASELINE_DB=${AANWEZIG_PG_BASELINE:-} build/bench/national measure "$AANWEZIG_PG" 200
if [ -n "${AANWEZIG_PG2:-}" ]; then
  t0=$(date +%s.%N)
  build/aanwezig migrate --from "$tmp/n.db" --to "$AANWEZIG_PG2" | tail -1
  echo "aanwezig migrate of the SQLite instance: $(echo "$(date +%s.%N) - $t0" | bc) s"
fi
p1=$((port + 1)); p2=$((port + 2)); pn=$((port + 3))
serve "$AANWEZIG_PG" "$tmp/pg.key" "$p1"
serve "$AANWEZIG_PG" "$tmp/pg.key" "$p2"
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  upstream aanwezig { server 127.0.0.1:$p1; server 127.0.0.1:$p2; keepalive 64; }
  server {
    listen 127.0.0.1:$pn;
    location / {
      proxy_pass http://aanwezig;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5
echo "submissions through nginx to two server processes, 64 connections, ${secs}s:"
pg_rate=$(web "http://127.0.0.1:$pn" "$tmp/pgtokens")
echo "ratio PostgreSQL (two processes) / SQLite (one): $(echo "scale=2; $pg_rate / $sq_rate" | bc)"
