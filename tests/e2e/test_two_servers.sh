#!/usr/bin/env bash
# Two servers on one database (two processes: the store's locks, not a
# mutex inside one process, must keep them apart): every link submitted to
# both at the same moment is stored once, and a command beside them sees
# it all.
. "$(dirname "$0")/lib.sh"
DB=$(db_target two)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
A init > /dev/null
A leader add --name L --email l@example.org --organisation O > /dev/null
A round new --leader 1 --closes 2099-12-31 > /dev/null
{ echo "name,email,group"; for i in $(seq 40); do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
A rater import --round 1 raters.csv > /dev/null
A round open 1 > /dev/null
A round links 1 | grep medewerkers | sed 's#.*/r/##' > tokens
items=$("$AANWEZIG_BIN" instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
body_for() { local d="csrf=$1&step=4&go=submit"; for i in $items; do d="$d&a_$i=4"; done; printf '%s' "$d"; }

start() {   # start NAME: a server; its URL in NAME.url
  "$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > "$1.out" 2> "$1.err" &
  echo $! > "$1.pid"
  for _ in $(seq 100); do grep -q Listening "$1.out" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/^Listening on \([^ ]*\).*/\1/p' "$1.out" > "$1.url"
}
start one
start two
U1=$(cat one.url) U2=$(cat two.url)

test_case "a link submitted to two servers at once is stored once"
[ -n "$U1" ] && [ -n "$U2" ] || _bad "a server did not start: $(cat one.err two.err)"
: > codes
posts=()
while read -r t; do
  csrf=$(curl -s -m 10 "$U1/r/$t?p=4" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
  body=$(body_for "$csrf")
  for u in "$U1" "$U2"; do
    curl -s -m 20 -o /dev/null -w "$t %{http_code}\n" --data-binary "$body" \
         -H 'Content-Type: application/x-www-form-urlencoded' "$u/r/$t" >> codes &
    posts+=($!)
  done
done < tokens
wait "${posts[@]}"
expect_eq "$(wc -l < codes)" "80"
expect_eq "$(cut -d' ' -f1 codes | sort -u | wc -l)" "40"
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "40"
expect_eq "$(db_sql "$DB" "select count(*) from invitations where state = 'submitted'")" "40"
# The second of a pair finds the answers in: the receipt (200), or, when
# it lost in the store, the way to it (303); never an error.
expect_eq "$(grep -c -v -e ' 303$' -e ' 200$' codes)" "0"
expect_eq "$(grep -c ' 303$' codes)" "$((80 - $(grep -c ' 200$' codes)))"

test_case "a command beside the servers sees every response"
run aanwezig --db "$DB" round show 1
expect_rc 0
expect_out "40"

test_case "both servers stop cleanly"
for s in one two; do
  kill -TERM "$(cat $s.pid)"; wait "$(cat $s.pid)"
  expect_eq "$?" "0"
  if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' "$s.err"; then
    _bad "sanitizer: $(head -c 1500 "$s.err")"
  fi
done

finish
