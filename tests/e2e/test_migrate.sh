#!/usr/bin/env bash
# `aanwezig migrate`: the demo database copied to another (PostgreSQL when
# AANWEZIG_TEST_PG is set, else a new SQLite file), verified table by table;
# the report of a round is the same on both, byte for byte; the personal
# links keep working with the same key; new rows get new ids; refusals.
. "$(dirname "$0")/lib.sh"
SRC=$T/demo.db
TO=$(db_target m)
R() { "$AANWEZIG_BIN" "$@"; }
R demo --db "$SRC" --no-serve > demo.out

test_case "the demo database is copied and every table verified"
run aanwezig migrate --from "$SRC" --to "$TO"
expect_rc 0
expect_out "every table verified"
for t in leaders instruments rounds invitations responses open_answers; do
  printf '%s\n' "$out" | grep -q "^$t  *[0-9][0-9]*  *[0-9][0-9]*  *[0-9a-f]\{16\} same$" || _bad "no verified line for $t"
done
printf '%s\n' "$out" | grep -q DIFFERS && _bad "a table differs"
expect_eq "$(printf '%s\n' "$out" | awk '$1 == "responses" {print $2 "/" $3}')" "69/69"

test_case "the report of a round is byte for byte the same on both"
report() { R --db "$1" --key-file "$SRC.key" report --round "$2" --format "$3"; }
for f in json csv; do
  report "$SRC" 1 $f > a.$f; report "$TO" 1 $f > b.$f
  [ -s a.$f ] && cmp -s a.$f b.$f || _bad "the $f report differs"
done
# The open answers are shuffled anew for every report: the same lines.
report "$SRC" 1 html | sort > a.html; report "$TO" 1 html | sort > b.html
cmp -s a.html b.html || _bad "the html report differs: $(diff a.html b.html | head -5)"

test_case "a round closed on both gives the same report on both"
R --db "$SRC" round close 2 > /dev/null
R --db "$TO" --key-file "$SRC.key" round close 2 > /dev/null
report "$SRC" 2 json > a2.json; report "$TO" 2 json > b2.json
[ -s a2.json ] && cmp -s a2.json b2.json || _bad "the json report of round 2 differs"

test_case "the personal links keep working with the same key"
"$AANWEZIG_BIN" --db "$TO" --key-file "$SRC.key" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
link=$(grep -m1 'Femke Hoekstra' demo.out | awk -F'\t' '{print $3}')
tok=${link##*/r/}
[ -n "$tok" ] || _bad "no link for Femke Hoekstra in the demo's output"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/r/$tok")" "200"
kill -TERM "$pid"; wait "$pid"

test_case "new rows get ids past the copied ones"
run aanwezig --db "$TO" --key-file "$SRC.key" leader add --name Nieuw --email nieuw@example.org --organisation O
expect_rc 0
expect_out "2"

test_case "refused: a target with data, the same database twice, a missing source"
run aanwezig migrate --from "$SRC" --to "$TO"
expect_rc 1
expect_err "is not empty"
run aanwezig migrate --from "$SRC" --to "$SRC"
expect_rc 1
expect_err "the same database"
run aanwezig migrate --from "$T/none.db" --to "$(db_target n)"
expect_rc 1
expect_err "the source"
expect_err "does not exist"
run aanwezig migrate --from "$SRC"
expect_rc 2
expect_err "--from and --to are both required"

finish
