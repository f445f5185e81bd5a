#!/usr/bin/env bash
# Load and soak: 256 concurrent raters opening their links, reading pages
# and saving answers, for LOAD_SECONDS (default 10; 60 with AANWEZIG_LONG=1):
# zero errors, p99 recorded. With AANWEZIG_LONG=1 also a soak of
# SOAK_SECONDS (default 600) with the server's memory sampled: its growth
# after the first minute must stay under 20 %.
. "$(dirname "$0")/lib.sh"
DB=$(db_target l)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
long=${AANWEZIG_LONG:-0}
secs=${LOAD_SECONDS:-$([ "$long" = 1 ] && echo 60 || echo 10)}
if ! command -v wrk >/dev/null; then
  test_case "wrk is installed"; _bad "wrk is missing (scripts/install-deps --test installs it)"; finish; exit
fi
A init >/dev/null
A leader add --name L --email l@example.org --organisation O >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in $(seq 256); do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
A rater import --round 1 raters.csv >/dev/null
A round open 1 >/dev/null
A instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}' > items
"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
for t in $(A round links 1 | grep medewerkers | sed 's#.*/r/##'); do
  echo "$t $(curl -s "$URL/r/$t?p=1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)"
done > links

test_case "256 concurrent raters for ${secs}s: no errors"
out=$(LINKS=links ITEMS=items wrk -t2 -c256 -d"${secs}s" --timeout 10s --latency -s "$REPO/tests/e2e/load.lua" "$URL")
printf '%s\n' "$out" | grep -q '^bad replies: 0$' || _bad "$(printf '%s\n' "$out" | grep -e bad -e Non-2xx)"
printf '%s\n' "$out" | grep -q 'Socket errors' && _bad "$(printf '%s\n' "$out" | grep 'Socket errors')"
echo "# $(printf '%s\n' "$out" | grep 'Requests/sec'), $(printf '%s\n' "$out" | grep 'p99 ms')"
on_pg || expect_eq "$(db_sql "$DB" "pragma integrity_check")" "ok"

if [ "$long" = 1 ]; then
  test_case "a soak of ${SOAK_SECONDS:-600}s keeps memory steady"
  LINKS=links ITEMS=items wrk -t2 -c64 -d"${SOAK_SECONDS:-600}s" --timeout 10s -s "$REPO/tests/e2e/load.lua" "$URL" > soak.out &
  w=$!
  sleep 60
  first=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  while kill -0 $w 2>/dev/null; do last=$(awk '/VmRSS/ {print $2}' /proc/$pid/status); sleep 10; done
  grep -q '^bad replies: 0$' soak.out || _bad "errors in the soak: $(grep bad soak.out)"
  echo "# RSS after 1 minute: $first kB; at the end: $last kB"
  [ "$last" -le $((first * 120 / 100)) ] || _bad "memory grew from $first kB to $last kB"
fi

test_case "the server stops cleanly after the load"
kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' serve.err; then _bad "sanitizer: $(head -c 1500 serve.err)"; fi

finish
