#!/usr/bin/env bash
# The presence profile: `aanwezig report` and the leader's report page.
# Hostile texts come out inert; small groups are never shown by name.
. "$(dirname "$0")/lib.sh"
DB=$(db_target p)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }

A init >/dev/null
A leader add --name "Marieke van Dalen" --email m@example.org --organisation "Gemeente <Dijkwaard>" >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
for i in 1 2 3 4; do A rater add --round 1 --name "B$i" --email "b$i@example.org" --group bestuur; done
for i in 1 2 3; do A rater add --round 1 --name "M$i" --email "m$i@example.org" --group mt; done
for i in 1 2; do A rater add --round 1 --name "P$i" --email "p$i@example.org" --group peers; done
A round open 1 >/dev/null
links=$(A round links 1)
items=$("$AANWEZIG_BIN" instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
answers() {  # answers SCORE TEXT-JSON
  { echo '{"answers": {'; for i in $items; do echo "\"$i\": $1,"; done | sed '$ s/,$//'; echo '}, "open": '"$2"'}'; } > a.json
}
# The token of the invitee named $1 (names stand between spaces; tokens
# are random and may contain any short name).
tok() { printf '%s\n' "$links" | grep -F " $1 " | sed 's#.*/r/##'; }
submit() { A response submit --token "$(tok "$1")" a.json >/dev/null; }
answers 5 '{"mijn_verhaal": "Mijn eigen verhaal"}'; submit "(leader)"
hostile='<script>alert(1)</script> =HYPERLINK(\"http://evil.example\") \"quoted\" & co\nnieuwe regel 🙂 مرحبا שלום'
answers 3 "{\"aanwezig\": \"$hostile\"}"; submit B1
answers 4 '{"aanwezig": "Bij de wijkavond"}'; submit B2
answers 4 '{}'; submit B3
answers 2 '{"mist": "Bij het overleg met de raad"}'; submit M1
answers 3 '{}'; submit M2
answers 4 '{"anders": "Peer text that must not be named"}'; submit P1
answers 2 '{}'; submit P2

test_case "no report while the round is open"
run aanwezig --db "$DB" report --round 1
expect_rc 1; expect_err "once it is closed"

test_case "a closed round gives an HTML report with the figures"
A round close 1 >/dev/null
run aanwezig --db "$DB" report --round 1 -o r.html
expect_rc 0
grep -q "Marieke van Dalen" r.html || _bad "no leader name"
grep -q "Gemeente &lt;Dijkwaard&gt;" r.html || _bad "organisation not escaped"
grep -q "Samenvatting" r.html || _bad "no summary"
grep -q "<svg" r.html || _bad "no chart"
grep -q 'role="img"' r.html || _bad "chart without role"
grep -q "College van B en W" r.html || _bad "bestuur (4 raters) is not shown"

test_case "hostile open texts come out inert"
grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" r.html || _bad "script not escaped"
grep -q "<script>alert" r.html && _bad "script tag in the report"
grep -q "&quot;quoted&quot;" r.html || _bad "quotes not escaped"
grep -q "🙂" r.html || _bad "emoji lost"
grep -q "مرحبا" r.html || _bad "Arabic lost"

test_case "a group below its threshold is never named; its text goes under overig"
grep -q "Collega-secretarissen" r.html && _bad "peers (2 raters) named"
grep -q "Overig (kleine groepen samen)" r.html || _bad "no overig"
grep -q "Peer text that must not be named" r.html || _bad "peer text missing"

test_case "the leader's story is shown, and the English report is English"
grep -q "Mijn eigen verhaal" r.html || _bad "leader's story missing"
run aanwezig --db "$DB" report --round 1 --language en
expect_rc 0; expect_out "Summary"; expect_out "Blind spots"

test_case "the figures come as JSON and CSV too, with small groups absent"
run aanwezig --db "$DB" report --round 1 --format json -o r.json
expect_rc 0
out=$(python3 - r.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["profiles"][0]
dims = {x["dimension"]: x for x in p["dimensions"]}
groups = sorted({g["group"] for x in p["dimensions"] for g in x.get("groups", [])})
print(len(p["dimensions"]), dims["omgeving"]["others"]["n"], ",".join(groups), dims["omgeving"]["self"])
PY
)
expect_eq "$out" "10 7 bestuur,overig 5.0"
run aanwezig --db "$DB" report --round 1 --format csv
expect_rc 0
expect_out "leader,round,dimension,figure,group,n,mean,sd,rwg,gap,flag"
expect_no_out "peers"

test_case "the PDF holds the same content, with hostile texts as plain text"
run aanwezig --db "$DB" report --round 1 --format pdf -o r.pdf
expect_rc 0
expect_eq "$(head -c 5 r.pdf)" "%PDF-"
if command -v pdftotext >/dev/null; then
  pdftotext r.pdf r.txt
  grep -q "Marieke van Dalen" r.txt || _bad "no leader in the PDF"
  grep -q "<script>alert(1)</script>" r.txt || _bad "hostile text not literal in the PDF"
  grep -q "Collega-secretarissen" r.txt && _bad "peers named in the PDF"
  grep -q "Samenvatting" r.txt || _bad "no summary in the PDF"
else
  _bad "pdftotext (poppler-utils) is missing"
fi

test_case "bad arguments are refused"
run aanwezig --db "$DB" report --round 1 --format docx
expect_rc 2
run aanwezig --db "$DB" report --round 9
expect_rc 1; expect_err "no round 9"

test_case "the leader reads the released report on the web; raters can't"
"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 50); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
self=$(tok "(leader)")
b1=$(tok B1)
rep=$(A round show 1 | sed -n 's#^report  *[^ ]*/p/\([^ ]*\).*#\1#p')
[ -n "$rep" ] || _bad "round show gives no report link"
code=$(curl -s -o page.html -w '%{http_code}' "$URL/p/$rep")
expect_eq "$code" "200"
grep -q "nog niet beschikbaar" page.html || _bad "closed but unreleased report shown"
released=$(A round release 1)
printf '%s' "$released" | grep -q -F "/p/$rep" || _bad "round release does not print the report link: $released"
code=$(curl -s -o page.html -w '%{http_code}' "$URL/p/$rep")
expect_eq "$code" "200"
grep -q "Samenvatting" page.html || _bad "released report not shown"
grep -q "&lt;script&gt;" page.html || _bad "not escaped on the web"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/p/$b1")
expect_eq "$code" "404"
# The leader's questionnaire link, which an administrator may hand out, is
# not the report's; nor is the report's token a questionnaire link.
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/p/$self")
expect_eq "$code" "404"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/r/$rep")
expect_eq "$code" "404"
# Another round's number behind this round's code opens nothing.
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/p/${rep%1}2")
expect_eq "$code" "404"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/p/AAAAAAAAAAAAAAAAAAAAAA")
expect_eq "$code" "404"
kill -TERM "$pid"; wait "$pid"

finish
