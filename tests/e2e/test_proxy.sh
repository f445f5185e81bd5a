#!/usr/bin/env bash
# Behind a reverse proxy every peer is the proxy. Without --trust-proxy one
# client's wrong guesses lock out everyone who comes through it; with it the
# client is the last address of X-Forwarded-For (only on loopback requests),
# so only the guesser is locked out.
. "$(dirname "$0")/lib.sh"
DB=$(db_target p)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
A init >/dev/null
A leader add --name L --email l@example.org --organisation O >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
A rater add --round 1 --name R --email r@example.org --group medewerkers >/dev/null
A round open 1 >/dev/null
tok=$(A round links 1 | grep medewerkers | sed 's#.*/r/##')

serve() {
  "$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 "$@" > serve.out 2> serve.err &
  pid=$!
  for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
guess() { for i in $(seq 21); do code -H "X-Forwarded-For: $1" "$URL/r/AAAAAAAAAAAAAAAAAAAAA$i" >/dev/null; done; }

test_case "without --trust-proxy, one client's guesses through the proxy lock out the next client"
serve
guess 203.0.113.7
expect_eq "$(code -H 'X-Forwarded-For: 198.51.100.2' "$URL/r/$tok")" "429"
kill -TERM "$pid"; wait "$pid"

test_case "with --trust-proxy only the guesser is locked out"
serve --trust-proxy
guess 203.0.113.7
expect_eq "$(code -H 'X-Forwarded-For: 203.0.113.7' "$URL/r/$tok")" "429"
expect_eq "$(code -H 'X-Forwarded-For: 198.51.100.2' "$URL/r/$tok")" "200"
# The proxy appends the address it saw: only the last entry counts.
expect_eq "$(code -H 'X-Forwarded-For: 198.51.100.9, 203.0.113.7' "$URL/r/$tok")" "429"
expect_eq "$(code -H 'X-Forwarded-For: 203.0.113.7, 198.51.100.9' "$URL/r/$tok")" "200"

test_case "with --trust-proxy a header that is not one address changes nothing"
guess "not-an-address"
expect_eq "$(code -H 'X-Forwarded-For: 198.51.100.3' "$URL/r/$tok")" "200"
expect_eq "$(code "$URL/r/$tok")" "429"   # the guesses counted against the proxy itself
kill -TERM "$pid"; wait "$pid"

finish
