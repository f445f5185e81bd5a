#!/usr/bin/env bash
# The questionnaire over real HTTP against the real binary: a rater fills it
# in across pages, leaves and resumes, submits; hostile input is refused
# and stores nothing.
. "$(dirname "$0")/lib.sh"
DB=$(db_target w)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }

A init >/dev/null
A leader add --name "Marieke <b>van</b> Dalen" --email m@example.org --organisation "Gemeente Dijkwaard" >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
A rater add --round 1 --name "Henk" --email h@example.org --group bestuur
A rater add --round 1 --name "Els" --email e@example.org --group mt
A rater add --round 1 --name "Jane" --email j@example.org --group mt --language en
A round new --leader 1 >/dev/null
A rater add --round 2 --name "Draft" --email d@example.org --group mt
A round open 1 >/dev/null
links=$(A round links 1)
tok_self=$(printf '%s\n' "$links" | grep '(leader)' | sed 's#.*/r/##')
tok_henk=$(printf '%s\n' "$links" | grep -F ' Henk ' | sed 's#.*/r/##')
tok_els=$(printf '%s\n' "$links" | grep -F ' Els ' | sed 's#.*/r/##')
tok_jane=$(printf '%s\n' "$links" | grep -F ' Jane ' | sed 's#.*/r/##')
tok_draft=$(A round links 2 | grep -F ' Draft ' | sed 's#.*/r/##')

"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 50); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)

# get PATH [curl options]: sets $code, $body, $hdr
get() {
  local path=$1; shift
  code=$(curl -s -D hdr.txt -o body.html -w '%{http_code}' "$@" "$URL$path")
  body=$(cat body.html); hdr=$(cat hdr.txt)
}
# post PATH DATA [curl options]
post() {
  local path=$1 data=$2; shift 2
  code=$(curl -s -D hdr.txt -o body.html -w '%{http_code}' --data-binary "$data" \
         -H 'Content-Type: application/x-www-form-urlencoded' "$@" "$URL$path")
  body=$(cat body.html); hdr=$(cat hdr.txt)
}
has() { printf '%s' "$body" | grep -q -F -e "$1" || _bad "page lacks \"$1\" (HTTP $code)"; }
hasnt() { printf '%s' "$body" | grep -q -F -e "$1" && _bad "page has \"$1\""; return 0; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' body.html | head -n1; }
items_of() { grep -o 'name="a_[A-Z0-9-]*"' body.html | sort -u | sed 's/name="a_//; s/"//'; }
# answers for every item on the current page: SCORE, or x for cannot judge
answers_for() { local s=$1 d=""; for i in $(items_of); do d="$d&a_$i=$s"; done; printf '%s' "$d"; }

test_case "the server starts and answers /healthz"
[ -n "$URL" ] || _bad "no URL: $(cat serve.out serve.err)"
get /healthz
expect_eq "$code" "200"
expect_eq "$body" "ok"

test_case "an unknown token gets the same 404 as any unknown path"
get /nowhere
expect_eq "$code" "404"
nowhere=$body
get /r/AAAAAAAAAAAAAAAAAAAAAA
expect_eq "$code" "404"
expect_eq "$body" "$nowhere"
get "/r/'%3Cscript%3E"
expect_eq "$code" "404"

test_case "personal pages carry strict security headers"
get "/r/$tok_henk"
expect_eq "$code" "200"
for h in "Content-Security-Policy: default-src 'none'" "frame-ancestors 'none'" "Referrer-Policy: no-referrer" \
         "X-Content-Type-Options: nosniff" "Cache-Control: no-store"; do
  printf '%s' "$hdr" | grep -q -F "$h" || _bad "missing header $h"
done
printf '%s' "$body" | grep -q '<script' && _bad "inline script"
printf '%s' "$body" | grep -q 'style=' && _bad "inline style"

test_case "the introduction says whose profile, which group, and how anonymity works"
get "/r/$tok_henk"
has "Marieke &lt;b&gt;van&lt;/b&gt; Dalen"
hasnt "<b>van</b>"
has "College van B en W"
has "minstens 3"
has "Schrijf geen namen"
has '<html lang="nl"'

test_case "a rater answers page one and the draft is saved"
get "/r/$tok_henk?p=1"
expect_eq "$code" "200"
has "Waar ben ik?"
has "De secretaris vertelt een helder verhaal"
has "kan ik niet beoordelen"
csrf=$(csrf_of)
[ ${#csrf} -eq 22 ] || _bad "csrf token: $csrf"
expect_eq "$(items_of | wc -l)" "4"
post "/r/$tok_henk" "csrf=$csrf&step=1&go=next$(answers_for 4)&o_aanwezig=Bij+de+wijkavond."
expect_eq "$code" "303"
printf '%s' "$hdr" | grep -q "Location: /r/$tok_henk?p=2" || _bad "redirect: $hdr"
expect_eq "$(db_sql "$DB" "select count(*) from drafts")" "1"
expect_eq "$(db_sql "$DB" "select state from invitations where name = 'Henk'")" "draft"

test_case "a page with unanswered items is shown again with errors tied to the fields"
get "/r/$tok_henk?p=2"
post "/r/$tok_henk" "csrf=$csrf&step=2&go=next&a_DRV1=3"
expect_eq "$code" "422"
has 'role="alert"'
has 'aria-describedby="e-DRV2"'
has 'id="e-DRV2"'
has 'value="3" checked'

test_case "leaving and coming back resumes where the rater was"
get "/r/$tok_henk"
expect_eq "$code" "200"
has "Wie ben ik?"
has 'value="3" checked'

test_case "the rater finishes every page, reviews and sends"
get "/r/$tok_henk?p=2"
post "/r/$tok_henk" "csrf=$csrf&step=2&go=next$(answers_for 5)&o_staat_voor=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
expect_eq "$code" "303"
get "/r/$tok_henk?p=3"
expect_eq "$(items_of | wc -l)" "29"
post "/r/$tok_henk" "csrf=$csrf&step=3&go=next$(answers_for x | sed 's/a_REG-BV-A=x/a_REG-BV-A=2/')&o_mist=%3DHYPERLINK(%22x%22)"
expect_eq "$code" "303"
get "/r/$tok_henk?p=4"
has "Controleer uw antwoorden"
has "&lt;script&gt;alert(1)&lt;/script&gt;"
hasnt "<script>alert"
post "/r/$tok_henk" "csrf=$csrf&step=4&go=submit"
expect_eq "$code" "303"
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "1"
expect_eq "$(db_sql "$DB" "select count(*) from drafts")" "0"
expect_eq "$(db_sql "$DB" "select state from invitations where name = 'Henk'")" "submitted"

test_case "the answers are stored exactly"
expect_eq "$(db_sql "$DB" "select score from answers where item_id = 'OMG1'")" "4"
expect_eq "$(db_sql "$DB" "select score from answers where item_id = 'DRV1'")" "5"
expect_eq "$(db_sql "$DB" "select score from answers where item_id = 'REG-BV-A'")" "2"
expect_eq "$(db_sql "$DB" "select count(*) from answers where score is null")" "28"
expect_eq "$(db_sql "$DB" "select count(*) from answers")" "37"
expect_eq "$(db_sql "$DB" "select body from open_answers where question_id = 'staat_voor'")" "<script>alert(1)</script>"
expect_eq "$(db_sql "$DB" "select body from open_answers where question_id = 'mist'")" '=HYPERLINK("x")'

test_case "after sending, the link says the answers are in and refuses changes"
get "/r/$tok_henk"
expect_eq "$code" "200"
has "uw antwoorden zijn binnen"
hasnt 'name="csrf"'
post "/r/$tok_henk" "csrf=$csrf&step=1&go=next&a_OMG1=1"
has "uw antwoorden zijn binnen"
expect_eq "$(db_sql "$DB" "select score from answers where item_id = 'OMG1'")" "4"

test_case "a missing or wrong CSRF token is refused and saves nothing"
get "/r/$tok_els?p=1"
post "/r/$tok_els" "step=1&go=next&a_OMG1=2"
expect_eq "$code" "403"
post "/r/$tok_els" "csrf=$csrf&step=1&go=next&a_OMG1=2"
expect_eq "$code" "403"
expect_eq "$(db_sql "$DB" "select count(*) from drafts")" "0"

test_case "hostile bodies are refused cleanly"
get "/r/$tok_els?p=1"
c2=$(csrf_of)
head -c 70000 /dev/zero | tr '\0' a > big.txt
code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @big.txt -H 'Content-Type: application/x-www-form-urlencoded' "$URL/r/$tok_els")
expect_eq "$code" "413"
post "/r/$tok_els" "csrf=$c2&step=1&go=next&a_OMG1=%ff"
expect_eq "$code" "400"
post "/r/$tok_els" "csrf=$c2&step=1&go=next&a_OMG1=7"
expect_eq "$code" "400"
post "/r/$tok_els" "csrf=$c2&step=99&go=next"
expect_eq "$code" "400"
post "/r/$tok_els" "csrf=$c2&step=1&go=next&a_OMG1=%zz"
expect_eq "$code" "400"
code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "csrf=$c2&step=1&go=next" -H 'Content-Type: text/plain' "$URL/r/$tok_els")
expect_eq "$code" "415"
long=$(head -c 5000 /dev/zero | tr '\0' b)
post "/r/$tok_els" "csrf=$c2&step=1&go=next$(answers_for 3)&o_aanwezig=$long"
expect_eq "$code" "422"
has "te lang"
expect_eq "$(db_sql "$DB" "select count(*) from drafts where body like '%bbbbb%'")" "0"
expect_eq "$(db_sql "$DB" "select count(*) from responses")" "1"

test_case "undeclared parameters are dropped"
post "/r/$tok_els" "csrf=$c2&step=1&go=back&evil=1&a_NOTANITEM=3"
expect_eq "$code" "303"
expect_eq "$(db_sql "$DB" "select count(*) from drafts where body like '%NOTANITEM%'")" "0"

test_case "the leader's own link shows the self wording and the leader's questions"
get "/r/$tok_self?p=1"
expect_eq "$code" "200"
has "Ik vertel een helder verhaal"
has "Wat is mijn verhaal over de samenleving? Welke"
hasnt "Waar ervaart u de secretaris"
get "/r/$tok_self"
has "Uw eigen reflectie"

test_case "English by choice, by the browser, and Dutch by default"
get "/r/$tok_els?lang=en"
has '<html lang="en"'
has "Feedback for"
printf '%s' "$hdr" | grep -q 'Set-Cookie: lang=en' || _bad "no language cookie"
get "/r/$tok_els" -H 'Cookie: lang=en'
has "Feedback for"
get "/r/$tok_els" -H 'Accept-Language: en-GB,en;q=0.9'
has "Feedback for"
get "/r/$tok_els" -H 'Accept-Language: nl-NL,nl;q=0.9,en;q=0.5'
has "Feedback voor"

test_case "an invitee's link opens in the invitation's language unless they choose another"
get "/r/$tok_jane" -H 'Accept-Language: nl-NL,nl;q=0.9'
has '<html lang="en"'
has "Feedback for"
get "/r/$tok_jane" -H 'Cookie: lang=nl'
has "Feedback voor"
get "/r/$tok_jane?lang=nl"
has "Feedback voor"
get "/r/$tok_els"
has "Feedback voor"

test_case "a round that is not open yet, or closed, says so"
get "/r/$tok_draft"
expect_eq "$code" "200"
has "nog niet open"
A round close 1 >/dev/null
get "/r/$tok_els?p=1"
has "gesloten"
hasnt 'name="csrf"'

test_case "static files are served, nothing else is"
get /static/aanwezig.css
expect_eq "$code" "200"
printf '%s' "$hdr" | grep -q 'Content-Type: text/css' || _bad "css type"
get /static/../w.db
[ "$code" = 404 ] || [ "$code" = 400 ] || _bad "traversal got $code"
get /static/%2e%2e/w.db
expect_eq "$code" "404"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/healthz")
expect_eq "$code" "405"

test_case "guessing tokens is rate limited and never crashes the server"
for i in $(seq 1000); do printf 'url = "%s/r/%s"\noutput = /dev/null\n' "$URL" "$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"; done > guesses.cfg
codes=$(curl -s -K guesses.cfg -w '%{http_code}\n' | sort | uniq -c)
printf '%s\n' "$codes" | grep -q ' 429$' || _bad "no 429 among: $codes"
printf '%s\n' "$codes" | grep -v -e ' 404$' -e ' 429$' | grep -q . && _bad "unexpected codes: $codes"
get /healthz
expect_eq "$code" "200"

test_case "the server stops cleanly on SIGTERM"
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_eq "$rc" "0"
grep -q Stopped serve.out || _bad "no Stopped line"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' serve.err; then _bad "sanitizer: $(head -c 2000 serve.err)"; fi

finish
