#!/usr/bin/env bash
# Crash safety: submissions under way while the server is killed with
# SIGKILL at a random moment. Every submission that got its success
# response is stored, none twice or in part, drafts survive, and SQLite's
# integrity check passes (on SQLite). ITERATIONS (default 4) rounds of kill
# and restart.
. "$(dirname "$0")/lib.sh"
DB=$(db_target c)
iterations=${ITERATIONS:-4}
per=60
"$AANWEZIG_BIN" --db "$DB" init >/dev/null
"$AANWEZIG_BIN" --db "$DB" leader add --name L --email l@example.org --organisation O >/dev/null
"$AANWEZIG_BIN" --db "$DB" round new --leader 1 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in $(seq $((iterations * per + 10))); do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
"$AANWEZIG_BIN" --db "$DB" rater import --round 1 raters.csv >/dev/null
"$AANWEZIG_BIN" --db "$DB" round open 1 >/dev/null
"$AANWEZIG_BIN" --db "$DB" round links 1 | grep medewerkers | sed 's#.*/r/##' > tokens
items=$("$AANWEZIG_BIN" instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
body_for() { local d="csrf=$1&step=4&go=submit&o_mist=x"; for i in $items; do d="$d&a_$i=$(( (RANDOM % 5) + 1 ))"; done; printf '%s' "$d"; }

start() {
  "$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2>> serve.err &
  pid=$!
  for _ in $(seq 400); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
}

# submit TOKEN...: for each, fetch its form token, post every answer, and
# note the link in acked when the server said yes (303).
submit() {
  for t in "$@"; do
    csrf=$(curl -s -m 5 "$URL/r/$t?p=4" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
    [ -n "$csrf" ] || continue
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' --data-binary "$(body_for "$csrf")" \
           -H 'Content-Type: application/x-www-form-urlencoded' "$URL/r/$t")
    [ "$code" = 303 ] && echo "$t" >> acked
  done
}

: > acked
for it in $(seq "$iterations"); do
  test_case "kill -9 during submissions, round $it: nothing acknowledged is lost"
  start
  [ -n "$URL" ] || _bad "server did not start: $(tail -5 serve.err)"
  # A draft that must survive the kill.
  dtok=$(sed -n "$((iterations * per + it))p" tokens)
  csrf=$(curl -s "$URL/r/$dtok?p=1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -s -o /dev/null --data-binary "csrf=$csrf&step=1&go=next&a_OMG1=2&a_OMG2=3&a_OMG3=4&a_OMG4=5" \
       -H 'Content-Type: application/x-www-form-urlencoded' "$URL/r/$dtok"
  mapfile -t slice < <(sed -n "$(( (it - 1) * per + 1 )),$(( it * per ))p" tokens)
  submit "${slice[@]:0:20}" &
  s1=$!
  submit "${slice[@]:20:20}" &
  s2=$!
  submit "${slice[@]:40:20}" &
  s3=$!
  sleep "0.$(printf '%03d' $(( (RANDOM % 300) + 50 )))"
  kill -KILL "$pid"; wait "$pid" 2>/dev/null
  wait $s1 $s2 $s3 2>/dev/null
  on_pg || expect_eq "$(db_sql "$DB" "pragma integrity_check")" "ok"
  acked_n=$(sort -u acked | wc -l)
  submitted=$(db_sql "$DB" "select count(*) from invitations where state = 'submitted'")
  responses=$(db_sql "$DB" "select count(*) from responses")
  [ "$submitted" -ge "$acked_n" ] || _bad "$acked_n acknowledged, only $submitted stored"
  expect_eq "$responses" "$submitted"
  expect_eq "$(db_sql "$DB" "select count(*) from (select response_id from answers group by response_id having count(*) <> 37) x")" "0"
  expect_eq "$(db_sql "$DB" "select count(*) from responses r where not exists (select 1 from answers a where a.response_id = r.id)")" "0"
  expect_eq "$(db_sql "$DB" "select count(*) from drafts")" "$it"
done

test_case "after the kills the server starts again and every acknowledged link says its answers are in"
start
for t in $(sort -u acked); do
  curl -s "$URL/r/$t" | grep -q "antwoorden zijn binnen" || _bad "acknowledged link $t shows no receipt"
done
kill -TERM "$pid"; wait "$pid"
echo "# $(sort -u acked | wc -l) submissions acknowledged over $iterations kills"

finish
