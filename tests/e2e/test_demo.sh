#!/usr/bin/env bash
# The demo: a fresh database for a fictional municipality.
. "$(dirname "$0")/lib.sh"
DEMO=$(db_target demo)
REAL=$(db_target real)

test_case "the demo creates a round with answers and prints every link on its own line"
run aanwezig demo --no-serve --db "$DEMO" --listen 127.0.0.1:9123
expect_rc 0
expect_out "Gemeente Dijkwaard"
n=$(printf '%s\n' "$out" | grep -c 'http://127.0.0.1:9123/r/')
expect_eq "$n" "35"
expect_eq "$(printf '%s\n' "$out" | grep '/r/' | head -n1 | cut -f1)" "self"
# Last year's round: all 35 answered; this year's: 34 of 35.
expect_eq "$(db_sql "$DEMO" "select count(*) from responses")" "69"
expect_eq "$(db_list "$DEMO" "select state from rounds order by id")" "released,open"
expect_eq "$(db_sql "$DEMO" "select count(*) from invitations where state <> 'submitted'")" "1"
expect_eq "$(db_sql "$DEMO" "select count(distinct group_id) from invitations")" "7"

test_case "demo answers include 'kan ik niet beoordelen' and open texts"
nulls=$(db_sql "$DEMO" "select count(*) from answers where score is null")
[ "$nulls" -gt 10 ] || _bad "only $nulls empty answers"
texts=$(db_sql "$DEMO" "select count(*) from open_answers")
[ "$texts" -gt 10 ] || _bad "only $texts open texts"
expect_eq "$(db_sql "$DEMO" "select case when min(score) >= 1 and max(score) <= 5 then 1 else 0 end from answers")" "1"

test_case "the unanswered link still works"
tok=$(printf '%s\n' "$out" | grep -P '^medewerkers\tFemke' | sed 's#.*/r/##')
echo '{"answers": {"OMG1": 4}, "open": {"anders": "Meer ruimte geven."}}' > a.json
run aanwezig --db "$DEMO" response submit --token "$tok" a.json
expect_rc 0

test_case "running the demo again starts afresh"
run aanwezig demo --no-serve --db "$DEMO"
expect_rc 0
expect_eq "$(db_sql "$DEMO" "select count(*) from responses")" "69"

test_case "the demo prints the link to last year's report, and the report opens"
run aanwezig demo --no-serve --db "$DEMO"
report=$(printf '%s\n' "$out" | grep '/p/' | head -n1)
[ -n "$report" ] || _bad "no report link: $out"
run aanwezig --db "$DEMO" report --round 1 -o last.html
expect_rc 0
grep -q "Marieke van Dalen" last.html || _bad "report lacks the leader"
run aanwezig --db "$DEMO" report --round 2
expect_rc 1; expect_err "once it is closed"

test_case "the demo prints three accounts that log in to their own pages"
run aanwezig demo --no-serve --db "$DEMO" --listen 127.0.0.1:9123
expect_out "http://127.0.0.1:9123/login"
pw_of() { printf '%s\n' "$out" | awk -v r="$1" '$1 == r {print $3}'; }
pw_admin=$(pw_of administrator); pw_leader=$(pw_of secretary); pw_coach=$(pw_of coach)
[ ${#pw_admin} -ge 15 ] && [ ${#pw_leader} -ge 15 ] && [ ${#pw_coach} -ge 15 ] || _bad "passwords: $out"
[ "$pw_admin" != "$pw_leader" ] || _bad "the same password twice"
# The store keeps hashes only.
expect_eq "$(db_sql "$DEMO" "select count(*) from users where password like '\$argon2id\$%'")" "3"
expect_eq "$(db_sql "$DEMO" "select count(*) from users where password like '%$pw_admin%'")" "0"
"$AANWEZIG_BIN" --db "$DEMO" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
spid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
# login JAR EMAIL PASSWORD: sets $code and $loc
login() {
  curl -s -c "$1" -b "$1" -o login.html "$URL/login"
  local c
  c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' login.html | head -n1)
  loc=$(curl -s -c "$1" -b "$1" -o /dev/null -w '%{http_code} %{redirect_url}' \
        --data-urlencode "csrf=$c" --data-urlencode "email=$2" --data-urlencode "password=$3" "$URL/login")
  code=${loc%% *}
}
login ja beheer@dijkwaard.example "$pw_admin"
expect_eq "$loc" "303 $URL/admin"
curl -s -b ja "$URL/admin" | grep -q "Marieke van Dalen" || _bad "the administrator's overview lacks the secretary"
login jl m.vandalen@dijkwaard.example "$pw_leader"
expect_eq "$loc" "303 $URL/leader"
login jc coach@dijkwaard.example "$pw_coach"
expect_eq "$loc" "303 $URL/coach"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -b jc "$URL/coach/rounds/1/report")" "200"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -b jc "$URL/coach/rounds/2/report")" "403"
login jx beheer@dijkwaard.example "$pw_leader"
expect_eq "$code" "401"
kill -TERM "$spid"; wait "$spid"
expect_eq "$?" "0"

test_case "the demo never replaces a database that is not a demo"
"$AANWEZIG_BIN" --db "$REAL" init >/dev/null
"$AANWEZIG_BIN" --db "$REAL" leader add --name L --email l@example.org --organisation O >/dev/null
run aanwezig demo --no-serve --db "$REAL"
expect_rc 1; expect_err "not a demo database"
expect_eq "$(db_sql "$REAL" "select count(*) from leaders")" "1"
if ! on_pg; then
  echo "notes" > notes.txt
  run aanwezig demo --no-serve --db notes.txt
  expect_rc 1
  expect_eq "$(cat notes.txt)" "notes"
fi

test_case "a bad listen address is refused"
run aanwezig demo --no-serve --db "$T/d2.db" --listen nonsense
expect_rc 2; expect_err "ADDRESS:PORT"
run aanwezig demo --no-serve --db "$T/d2.db" --listen 127.0.0.1:70000
expect_rc 2

finish
