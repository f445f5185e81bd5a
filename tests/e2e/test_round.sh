#!/usr/bin/env bash
# A whole round from the command line: leader, round, raters, links,
# answers, closing, export, release.
. "$(dirname "$0")/lib.sh"
DB=$(db_target r)
A() { run aanwezig --db "$DB" "$@"; }

# answers FILE SCORE: a JSON answer file giving every item SCORE, except
# REG-BV-A "kan ik niet beoordelen".
answers() {
  local f=$1 s=$2 items
  items=$("$AANWEZIG_BIN" instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
  { echo '{"answers": {'
    for i in $items; do
      if [ "$i" = REG-BV-A ]; then echo "\"$i\": null,"; else echo "\"$i\": $s,"; fi
    done | sed '$ s/,$//'
    echo '}'
    [ -n "${3:-}" ] && echo ", \"open\": $3"
    echo '}'; } > "$f"
}
token_of() { printf '%s\n' "$links" | grep -F "$1" | sed 's#.*/r/##'; }

test_case "init creates the database and a private link key"
A init
expect_rc 0
{ on_pg || [ -f "$DB" ]; } && [ -f "$(key_of "$DB")" ] || _bad "files missing"
expect_eq "$(stat -c %a "$(key_of "$DB")")" "600"

test_case "a leader is added and listed"
A leader add --name "Marieke van Dalen" --email " M.vanDalen@Dijkwaard.example " --organisation "Gemeente Dijkwaard"
expect_rc 0
expect_out "1"
A leader list
expect_out "m.vandalen@dijkwaard.example"

test_case "a round starts as draft with the leader's own link"
A round new --leader 1 --closes 2099-12-31
expect_rc 0
expect_eq "$out" "1"
A round show 1
expect_out "draft"
expect_out "gemeentesecretaris 2026.1"
A round links 1
expect_eq "$(printf '%s\n' "$out" | wc -l)" "1"
expect_out "(leader)"

test_case "raters are added one by one and from a CSV file"
A rater add --round 1 --name "Henk Bosman" --email h.bosman@example.org --group bestuur
expect_rc 0
printf 'name,email,group\nAyşe Yıldız,a.yildiz@example.org,bestuur\n"Graaf, Pieter de",p.degraaf@example.org,bestuur\nEls Jansen,e.jansen@example.org,mt\nBart Hendriks,b.hendriks@example.org,mt\nNoor Visser,n.visser@example.org,mt\nKees Brouwer,k.brouwer@example.org,peers\n' > raters.csv
A rater import --round 1 raters.csv
expect_rc 0
expect_out "6 raters invited"
A round links 1
links=$out
expect_eq "$(printf '%s\n' "$out" | wc -l)" "8"
expect_out "Graaf, Pieter de"

test_case "links are stored only as hashes"
for tok in $(printf '%s\n' "$links" | sed 's#.*/r/##'); do
  if db_dump "$DB" | grep -q -F "$tok"; then _bad "token $tok is in the database"; fi
done
expect_eq "$(db_sql "$DB" "select count(*) from invitations where length(token_hash) = 64")" "8"

test_case "answers are refused before the round opens"
answers ans4.json 4
A response submit --token "$(token_of 'Henk Bosman')" ans4.json
expect_rc 1
expect_err "not open"

test_case "the round opens"
A round open 1
expect_rc 0
A round show 1
expect_out "open"

test_case "a rater's answers are checked against the instrument"
echo '{"answers": {"NOPE1": 3}}' > bad1.json
A response submit --token "$(token_of 'Henk Bosman')" bad1.json
expect_rc 1; expect_err "unknown item"
echo '{"answers": {"OMG1": 6}}' > bad2.json
A response submit --token "$(token_of 'Henk Bosman')" bad2.json
expect_rc 1; expect_err "takes 1 to 5"
echo '{"answers": {}, "open": {"mijn_verhaal": "not for raters"}}' > bad3.json
A response submit --token "$(token_of 'Henk Bosman')" bad3.json
expect_rc 1; expect_err "unknown open question"
echo '{"answers": {"OMG1": "4"}}' > bad4.json
A response submit --token "$(token_of 'Henk Bosman')" bad4.json
expect_rc 1; expect_err "whole number"
echo '{"answers": {"OMG1": 4}' > bad5.json
A response submit --token "$(token_of 'Henk Bosman')" bad5.json
expect_rc 1; expect_err "bad5.json"
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "0"

test_case "a guessed or malformed token gets the same answer as an unknown one"
A response submit --token "AAAAAAAAAAAAAAAAAAAAAA" ans4.json
expect_rc 1; expect_err "no invitation has this link"
A response submit --token "'; DROP TABLE responses; --" ans4.json
expect_rc 1; expect_err "no invitation has this link"

test_case "raters and the leader hand in their answers"
answers self.json 5 '{"mijn_verhaal": "Mijn verhaal.\nTwee regels."}'
A response submit --token "$(token_of '(leader)')" self.json
expect_rc 0
for who in 'Henk Bosman' 'Ayşe Yıldız' 'Graaf, Pieter de' 'Els Jansen' 'Bart Hendriks' 'Kees Brouwer'; do
  answers a.json 3 '{"aanwezig": "=HYPERLINK(\"http://evil.example\")", "mist": "  "}'
  A response submit --token "$(token_of "$who")" a.json
  expect_rc 0
done
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "7"
expect_eq "$(db_sql "$DB" "select count(*) from answers where score is null")" "7"
expect_eq "$(db_sql "$DB" "select count(*) from open_answers where question_id = 'mist'")" "0"

test_case "a link can be used once"
A response submit --token "$(token_of 'Henk Bosman')" ans4.json
expect_rc 1; expect_err "already in"
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "7"

test_case "a response cannot be traced back to its invitation"
cols=$(db_columns "$DB" responses)
expect_eq "$cols" "id,round_id,group_id,submitted_on,answers"
cols=$(db_columns "$DB" invitations)
expect_eq "$cols" "id,round_id,group_id,name,email,nonce,token_hash,state,created_at,language"
expect_eq "$(db_sql "$DB" "select count(*) from responses where length(cast(submitted_on as text)) = 10")" "7"
# Responses are stored in the order of their random ids, not of submission
# (SQLite: a WITHOUT ROWID table; PostgreSQL's heap keeps no such order).
on_pg || expect_eq "$(db_sql "$DB" "select count(*) from pragma_index_list('responses') where origin = 'pk'")" "1"

test_case "progress shows a group's answers only once it reaches the threshold"
A round show 1
expect_out "bestuur"
printf '%s\n' "$out" | grep -E '^bestuur +3 +3$' >/dev/null || _bad "bestuur line: $out"
printf '%s\n' "$out" | grep -E '^peers +1 +fewer than 3$' >/dev/null || _bad "peers line: $out"

test_case "an open round is not exported"
A round export 1
expect_rc 1; expect_err "once it is closed"

test_case "a closed round exports long CSV with small groups as overig"
A round close 1
expect_rc 0
A round export 1 -o export.csv
expect_rc 0
expect_eq "$(head -n1 export.csv | tr -d '\r')" "leader,round,rater,group,item,score"
expect_eq "$(tail -n +2 export.csv | wc -l)" "$((7 * 37))"
groups=$(tail -n +2 export.csv | cut -d, -f4 | sort -u | tr '\n' ' ')
expect_eq "$groups" "bestuur overig self "
expect_eq "$(grep -c ',REG-BV-A,'$'\r' export.csv)" "7"
expect_eq "$(cut -d, -f3 export.csv | grep '^R' | sort -u | wc -l)" "6"

test_case "rounds move only forward"
A round open 1
expect_rc 1; expect_err "closed, not draft"
A round release 1
expect_rc 0
A round close 1
expect_rc 1; expect_err "released, not open"
A rater add --round 1 --name "Late" --email late@example.org --group mt
expect_rc 1; expect_err "released"

test_case "a round with too few raters in all is not exported"
A round new --leader 1
A rater add --round 2 --name "Een" --email een@example.org --group mt
A round open 2
tok=$("$AANWEZIG_BIN" --db "$DB" round links 2 | grep Een | sed 's#.*/r/##')
A response submit --token "$tok" ans4.json
expect_rc 0
A round close 2
A round export 2
expect_rc 1; expect_err "fewer than the threshold"

test_case "links can be exported as CSV safe for spreadsheets"
A round new --leader 1
A rater add --round 3 --name "=cmd|'/c calc'!A1" --email x@example.org --group mt
expect_rc 0
A round links 3 --csv
expect_out "'=cmd|'/c calc'!A1"
expect_out "name,email,group,link"

finish
