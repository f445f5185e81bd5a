#!/usr/bin/env bash
# A database server that goes away: while the PostgreSQL server is down
# the pages say 503 and nothing is half-written; when it is back the
# running aanwezig carries on without a restart; a server that is down at
# start is named and aanwezig exits non-zero; sessions cut off in the
# middle of submissions lose nothing acknowledged and leave no part of a
# response. PostgreSQL only: a SQLite database has no server to lose.
. "$(dirname "$0")/lib.sh"

if ! on_pg; then
  skip_case "pages say 503 while the database server is down, and recover when it is back" "PostgreSQL only"
  skip_case "sessions cut off during submissions lose nothing acknowledged" "PostgreSQL only"
  finish
  exit
fi
. "$REPO/tests/pg/pg.sh"
# Whatever happens here, the next test finds the server running.
trap 'pg_resume; _drop_dbs; rm -rf "$T"' EXIT

DB=$(db_target outage)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
A init > /dev/null
A leader add --name L --email l@example.org --organisation O > /dev/null
A round new --leader 1 --closes 2099-12-31 > /dev/null
{ echo "name,email,group"; for i in $(seq 200); do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
A rater import --round 1 raters.csv > /dev/null
A round open 1 > /dev/null
A round links 1 | grep medewerkers | sed 's#.*/r/##' > tokens
items=$("$AANWEZIG_BIN" instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
body_for() { local d="csrf=$1&step=4&go=submit"; for i in $items; do d="$d&a_$i=3"; done; printf '%s' "$d"; }
csrf_of() { curl -s -m 10 "$URL/r/$1?p=4" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1; }
# submit TOKEN CSRF: prints the HTTP status of the final submit.
submit() {
  curl -s -m 20 -o body.html -w '%{http_code}' --data-binary "$(body_for "$2")" \
       -H 'Content-Type: application/x-www-form-urlencoded' "$URL/r/$1"
}
"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)

test_case "pages say 503 while the database server is down, and recover when it is back"
[ -n "$URL" ] || _bad "server did not start: $(cat serve.err)"
t1=$(sed -n 1p tokens)
csrf=$(csrf_of "$t1")
[ -n "$csrf" ] || _bad "no form for the first link"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" "200"
pg_halt
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" "503"
expect_eq "$(curl -s -o body.html -w '%{http_code}' "$URL/r/$t1")" "503"
grep -q 'utrecht-heading-1' body.html || _bad "the 503 is not the error page: $(head -c 300 body.html)"
expect_eq "$(submit "$t1" "$csrf")" "503"
grep -q 'utrecht-heading-1' body.html || _bad "the 503 of a submission is not the error page"
kill -0 "$pid" 2>/dev/null || _bad "the server stopped with the database"

test_case "a server that cannot reach its database at start says where and exits non-zero"
run aanwezig --db "$DB" serve --listen 127.0.0.1:0
expect_rc 1; expect_err "cannot connect"; expect_err "$PG_DIR"
run aanwezig --db "$DB" leader list
expect_rc 1; expect_err "cannot connect"

test_case "back again: the running server answers without a restart, and the submission goes in once"
pg_resume
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" "200"
expect_eq "$(submit "$t1" "$csrf")" "303"
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "1"
expect_eq "$(db_sql "$DB" "select count(*) from invitations where state = 'submitted'")" "1"
expect_eq "$(submit "$t1" "$csrf")" "200"    # the receipt: already in
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "1"

test_case "sessions cut off during submissions lose nothing acknowledged and leave no part of a response"
: > acked
: > codes
# Three submitters over 90 links, while the database ends aanwezig's
# sessions again and again (as a failover or a restart of PostgreSQL does).
sub_range() {
  local t c code
  for t in $(sed -n "$1,$2p" tokens); do
    code=$(curl -s -m 10 -o "form.$1" -w '%{http_code}' "$URL/r/$t?p=4")
    c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "form.$1" | head -n1)
    [ "$code" = 200 ] || { echo "$code" >> codes; continue; }    # the form itself got a 503
    code=$(submit "$t" "$c")
    echo "$code" >> codes
    [ "$code" = 303 ] && echo "$t" >> acked
  done
}
sub_range 11 40 & s1=$!
sub_range 41 70 & s2=$!
sub_range 71 100 & s3=$!
dbname=${DB##*dbname=}
for _ in $(seq 30); do
  db_sql "$AANWEZIG_TEST_PG dbname=postgres" "select count(pg_terminate_backend(pid)) from pg_stat_activity
    where datname = '$dbname' and application_name = 'aanwezig'" > /dev/null
  sleep 0.05
done
wait $s1 $s2 $s3
acked_n=$(sort -u acked | wc -l)
submitted=$(db_sql "$DB" "select count(*) from invitations where state = 'submitted'")
responses=$(db_sql "$DB" "select count(*) from responses")
[ "$acked_n" -gt 0 ] || _bad "nothing was acknowledged"
[ "$submitted" -ge $((acked_n + 1)) ] || _bad "$acked_n acknowledged, only $((submitted - 1)) stored"
expect_eq "$responses" "$submitted"
expect_eq "$(db_sql "$DB" "select count(*) from (select response_id from answers group by response_id having count(*) <> 37) x")" "0"
for t in $(sort -u acked); do
  expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/r/$t")" "200"
done
bad=$(grep -v -x -e 303 -e 503 codes | sort | uniq -c)
[ -z "$bad" ] || _bad "answers other than 303 and 503: $bad"
echo "# $acked_n of 90 acknowledged, $(grep -c -x 503 codes) got 503 while sessions were cut off"

test_case "the server stops cleanly afterwards"
kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' serve.err; then _bad "sanitizer: $(head -c 1500 serve.err)"; fi

finish
