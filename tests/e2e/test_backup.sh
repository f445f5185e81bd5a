#!/usr/bin/env bash
# `aanwezig backup`: a consistent copy of a live SQLite database (also in
# the PostgreSQL run: backup is SQLite's; PostgreSQL's answer is checked
# at the end). While a
# server takes submissions from three loops of curl, backups are made; each
# copy passes SQLite's integrity check, holds every submission acknowledged
# before its backup started (its links, served from the copy with the copied
# key, say the answers are in), and no response in part. Then the refusals.
. "$(dirname "$0")/lib.sh"
DB=$T/b.db
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
A init >/dev/null
A leader add --name L --email l@example.org --organisation O >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in $(seq 900); do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
A rater import --round 1 raters.csv >/dev/null
A round open 1 >/dev/null
A round links 1 | grep medewerkers | sed 's#.*/r/##' > tokens
items=$(A instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
body_for() { local d="csrf=$1&step=4&go=submit&o_mist=x"; for i in $items; do d="$d&a_$i=$(( (RANDOM % 5) + 1 ))"; done; printf '%s' "$d"; }

serve() { # serve DB KEY OUTFILE: start a server, set pid and URL
  "$AANWEZIG_BIN" --db "$1" --key-file "$2" serve --listen 127.0.0.1:0 > "$3" 2>> serve.err &
  pid=$!
  for _ in $(seq 100); do grep -q Listening "$3" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' "$3")
}

# submit TOKEN...: fetch the form token, post every answer, and note the
# link in acked once the server said yes (303).
submit() {
  for t in "$@"; do
    csrf=$(curl -s -m 5 "$URL/r/$t?p=4" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
    [ -n "$csrf" ] || continue
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' --data-binary "$(body_for "$csrf")" \
           -H 'Content-Type: application/x-www-form-urlencoded' "$URL/r/$t")
    [ "$code" = 303 ] && echo "$t" >> acked
  done
}

serve "$DB" "$DB.key" serve.out
: > acked
mapfile -t all < tokens
submit "${all[@]:0:300}" & s1=$!
submit "${all[@]:300:300}" & s2=$!
submit "${all[@]:600:300}" & s3=$!

for k in 1 2 3; do
  test_case "backup $k while the server takes submissions: a checked copy with everything acknowledged before it"
  sleep 0.7
  sort -u acked > "before$k"   # acknowledged before this backup started
  run aanwezig --db "$DB" backup --to "$T/copy$k.db"
  expect_rc 0
  expect_out "integrity check ok"
  expect_out "the link key went to $T/copy$k.db.key"
  expect_eq "$(sqlite3 "$T/copy$k.db" "pragma integrity_check")" "ok"
  expect_eq "$(stat -c %a "$T/copy$k.db.key")" "600"
  cmp -s "$DB.key" "$T/copy$k.db.key" || _bad "the copied key differs from the original"
  ls "$T" | grep -q "copy$k.db.partial" && _bad "a partial file was left behind"
  submitted=$(sqlite3 "$T/copy$k.db" "select count(*) from invitations where state = 'submitted'")
  expect_eq "$(sqlite3 "$T/copy$k.db" "select count(*) from responses")" "$submitted"
  [ "$submitted" -ge "$(wc -l < "before$k")" ] || _bad "$(wc -l < "before$k") acknowledged before, $submitted in the copy"
done
sleep 0.5
kill $s1 $s2 $s3 2>/dev/null; wait $s1 $s2 $s3 2>/dev/null
kill -TERM "$pid"; wait "$pid"

test_case "the server kept taking submissions during the backups"
[ "$(sort -u acked | wc -l)" -gt "$(wc -l < before3)" ] || _bad "no submission after the last backup started"
[ "$(wc -l < before1)" -gt 0 ] || _bad "nothing was acknowledged before the first backup"
echo "# $(sort -u acked | wc -l) submissions acknowledged; $(wc -l < before1), $(wc -l < before2), $(wc -l < before3) before the backups"

test_case "every link acknowledged before a backup says its answers are in, served from the copy with the copied key"
for k in 1 2 3; do
  serve "$T/copy$k.db" "$T/copy$k.db.key" "copy$k.out"
  [ -n "$URL" ] || _bad "the copy $k does not serve: $(tail -3 serve.err)"
  while read -r t; do
    curl -s "$URL/r/$t" | grep -q "antwoorden zijn binnen" || { _bad "copy $k: link $t shows no receipt"; break; }
  done < "before$k"
  kill -TERM "$pid"; wait "$pid"
done

test_case "a backup never overwrites a file, nor the key's file"
echo keep > "$T/exists.db"
run aanwezig --db "$DB" backup --to "$T/exists.db"
expect_rc 1
expect_err "exists.db already exists; a backup never overwrites a file"
expect_eq "$(cat "$T/exists.db")" "keep"
echo keep > "$T/new.db.key"
run aanwezig --db "$DB" backup --to "$T/new.db"
expect_rc 1
expect_err "new.db.key already exists"
[ -e "$T/new.db" ] && _bad "a copy was made although its key could not be"

test_case "--no-key leaves the key and says where it is; --key-to puts it elsewhere"
run aanwezig --db "$DB" backup --to "$T/nokey.db" --no-key
expect_rc 0
expect_out "the link key was not copied: back up $DB.key too"
[ -e "$T/nokey.db.key" ] && _bad "the key was copied anyway"
mkdir -p "$T/keys"
run aanwezig --db "$DB" backup --to "$T/other.db" --key-to "$T/keys/other.key"
expect_rc 0
cmp -s "$DB.key" "$T/keys/other.key" || _bad "--key-to did not get the key"

test_case "clear errors: no --to, no database, a missing key, a folder that does not exist"
run aanwezig --db "$DB" backup
expect_rc 2
expect_err "Give --to COPY.db"
run aanwezig --db "$T/nothere.db" backup --to "$T/x.db"
expect_rc 1
expect_err "does not exist"
cp "$DB" "$T/lost.db"
run aanwezig --db "$T/lost.db" backup --to "$T/x.db"
expect_rc 1
expect_err "cannot read the link key"
expect_err "nothing was copied"
[ -e "$T/x.db" ] && _bad "a copy was made without a key"
run aanwezig --db "$DB" backup --to "$T/no/such/dir/x.db"
expect_rc 1
expect_err "cannot write $T/no/such/dir/x.db"

if on_pg; then
  test_case "a PostgreSQL database says to use pg_dump, and copies nothing"
  PGDB=$(db_target pgb)
  "$AANWEZIG_BIN" --db "$PGDB" init > /dev/null
  run aanwezig --db "$PGDB" backup --to "$T/pg.db"
  expect_rc 1
  expect_err "pg_dump"
  [ -e "$T/pg.db" ] && _bad "a file was made"
else
  skip_case "a PostgreSQL database says to use pg_dump, and copies nothing" "SQLite run"
fi

finish
