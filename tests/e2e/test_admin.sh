#!/usr/bin/env bash
# The pages for administrators, leaders and coaches over real HTTP against
# the real binary: the whole round from the browser's side (a leader and
# their account, a round, "Waar ben ik?", hand-in, approval, opening,
# progress, closing, release, the report), every role and ownership check
# with its audit entry, CSRF, bad input that stores nothing, and progress
# that never shows the number of answers of a group below its threshold.
. "$(dirname "$0")/lib.sh"
DB=$(db_target admin)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
PW='Regen op het dak van het gemeentehuis'
PW_URL='Regen+op+het+dak+van+het+gemeentehuis'

A init >/dev/null
printf '%s\n' "$PW" > pw.txt
A user add --role admin --email beheer@dijkwaard.nl --name "Bea Beheer" --password-file pw.txt >/dev/null
A user add --role coach --email coach@example.org --name "Cor Coach" --password-file pw.txt >/dev/null
A user add --role coach --email other.coach@example.org --name "Olga Ander" --password-file pw.txt >/dev/null
# A second leader with an account and a round of their own, made on the
# command line: the one whose rounds the first may not touch.
A leader add --name "Pieter de Wit" --email p.dewit@zandveen.nl --organisation "Gemeente Zandveen" >/dev/null
A user add --role leader --leader 1 --email p.dewit@zandveen.nl --name "Pieter de Wit" --password-file pw.txt >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null

"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)

# get PATH [curl options]: sets $code, $body, $hdr
get() {
  local path=$1; shift
  code=$(curl -s -D hdr.txt -o body.html -w '%{http_code}' "$@" "$URL$path")
  body=$(tr -d '\000' < body.html); hdr=$(cat hdr.txt)
}
# post PATH DATA [curl options]
post() {
  local path=$1 data=$2; shift 2
  code=$(curl -s -D hdr.txt -o body.html -w '%{http_code}' --data-binary "$data" \
         -H 'Content-Type: application/x-www-form-urlencoded' "$@" "$URL$path")
  body=$(tr -d '\000' < body.html); hdr=$(cat hdr.txt)
}
has() { printf '%s' "$body" | grep -q -F -e "$1" || _bad "page lacks \"$1\" (HTTP $code)"; }
hasnt() { printf '%s' "$body" | grep -q -F -e "$1" && _bad "page has \"$1\""; return 0; }
location() { printf '%s' "$hdr" | sed -n 's/^Location: \([^[:space:]]*\).*/\1/p'; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' body.html | head -n1; }
# login JAR EMAIL: a session in the cookie jar JAR
login() {
  get /login -c "$1" -b "$1"
  post /login "csrf=$(csrf_of)&email=$2&password=$PW_URL" -c "$1" -b "$1"
  [ "$code" = 303 ] || _bad "login of $2 failed: HTTP $code"
}
# as JAR: the session's CSRF token (from a page of the account)
token() { get "$2" -b "$1"; csrf_of; }
# The audit log as the administrator sees it.
audit_page() { get /admin/audit -b admin.jar; printf '%s' "$body"; }
# The number of invitations of round $1 (the leader's own included).
invited() { A round links "$1" | wc -l; }

test_case "the server starts"
[ -n "$URL" ] || _bad "no URL: $(cat serve.out serve.err)"

test_case "the pages of each role need a login; a GET is sent to the login page"
get /admin
expect_eq "$code" "303"
case "$(location)" in /login*) ;; *) _bad "not sent to /login: $(location)";; esac
post /admin/leaders/new "name=X&email=x%40example.org&organisation=Y"
expect_eq "$code" "403"

test_case "an administrator sees leaders and rounds, in Dutch and in English"
login admin.jar beheer%40dijkwaard.nl
get /admin -b admin.jar
expect_eq "$code" "200"
has "Leidinggevenden en rondes"
has "Pieter de Wit"
has "Ronde 1"
get "/admin?lang=en" -b admin.jar -c admin.jar
has "Leaders and rounds"
get "/admin?lang=nl" -b admin.jar -c admin.jar
printf '%s' "$hdr" | grep -q -F "Cache-Control: no-store" || _bad "account pages must not be cached"

test_case "adding a leader with bad input says what is wrong and stores nothing"
csrf=$(token admin.jar /admin/leaders/new)
post /admin/leaders/new "csrf=$csrf&name=&email=not-an-address&organisation=Gemeente+Dijkwaard&language=nl&account=yes" -b admin.jar
expect_eq "$code" "422"
has "Vul de naam van de leidinggevende in."
has "Dit is geen e-mailadres"
has 'aria-describedby="e-email"'
has 'value="Gemeente Dijkwaard"'
long=$(head -c 300 /dev/zero | tr '\0' 'a')
post /admin/leaders/new "csrf=$csrf&name=$long&email=m%40example.org&organisation=G&language=nl" -b admin.jar
expect_eq "$code" "422"
has "hooguit 200 tekens"
n=$(A leader list | wc -l)
expect_eq "$n" "1"

test_case "an administrator adds a leader with an account"
post /admin/leaders/new "csrf=$csrf&name=Marieke+%3Cb%3Evan%3C%2Fb%3E+Dalen&email=M.vanDalen%40Dijkwaard.nl&organisation=Gemeente+Dijkwaard&language=nl&account=yes" -b admin.jar
expect_eq "$code" "303"
expect_eq "$(location)" "/admin/leaders/2?done=account"
get /admin/leaders/2?done=account -b admin.jar
has "Marieke &lt;b&gt;van&lt;/b&gt; Dalen"
hasnt "<b>van</b>"
has "m.vandalen@dijkwaard.nl"
has 'role="status"'
A user list | grep -q "m.vandalen@dijkwaard.nl" || _bad "no leader account: $(A user list)"
# The test sets the new account's password to log in with it.
A user password --email m.vandalen@dijkwaard.nl --password-file pw.txt >/dev/null
audit_page | grep -q "leader.add" || _bad "leader.add not audited"

test_case "the same e-mail address twice is refused"
post /admin/leaders/new "csrf=$csrf&name=Again&email=m.vandalen%40dijkwaard.nl&organisation=G&language=nl&account=yes" -b admin.jar
expect_eq "$code" "422"
has "bestaat al"
expect_eq "$(A leader list | wc -l)" "2"

test_case "an administrator starts a round that needs approval; bad dates and reminders are refused"
csrf=$(token admin.jar /admin/leaders/2)
post /admin/leaders/2 "csrf=$csrf&closes=2001-01-01&reminders=7%2C2&approval=yes" -b admin.jar
expect_eq "$code" "422"
has "De sluitingsdatum is al voorbij"
post /admin/leaders/2 "csrf=$csrf&closes=31-12-2099&reminders=7%2C400&approval=yes" -b admin.jar
expect_eq "$code" "422"
has "JJJJ-MM-DD"
has "van 1 tot 365"
expect_eq "$(A round list | wc -l)" "1"
post /admin/leaders/2 "csrf=$csrf&closes=2099-12-31&reminders=2%2C+7&approval=yes" -b admin.jar
expect_eq "$code" "303"
expect_eq "$(location)" "/admin/rounds/2?done=round"
get /admin/rounds/2 -b admin.jar
has "goedkeuring nodig"
has "2,7"
has "in de maak"

test_case "a POST without the CSRF token is refused and changes nothing"
post /admin/rounds/2 "do=open" -b admin.jar
expect_eq "$code" "403"
post /admin/rounds/2 "csrf=AAAAAAAAAAAAAAAAAAAAAA&do=open" -b admin.jar
expect_eq "$code" "403"
A round show 2 | grep -q "^state *draft" || _bad "round 2 changed: $(A round show 2)"
audit_page | grep -q "csrf.failed" || _bad "csrf.failed not audited"

test_case "a round that needs approval does not open before its list is approved"
csrf=$(token admin.jar /admin/rounds/2)
post /admin/rounds/2 "csrf=$csrf&do=open&closes=2099-12-31" -b admin.jar
expect_eq "$code" "409"
has "moet eerst worden goedgekeurd"
A round show 2 | grep -q "^state *draft" || _bad "round 2 opened"
run aanwezig --db "$DB" round open 2
expect_rc 1
expect_err "approved"

test_case "the leader logs in and sees their round, not the administrator's pages"
login lea.jar m.vandalen%40dijkwaard.nl
get /leader -b lea.jar
expect_eq "$code" "200"
has "Mijn rondes"
has "Ronde 2"
hasnt "Ronde 1"
has "Waar ben ik?"
get /admin -b lea.jar
expect_eq "$code" "403"

test_case "Waar ben ik?: a fieldset per group with labelled rows, the threshold and the advice"
get /leader/rounds/2/environment -b lea.jar
expect_eq "$code" "200"
has "<legend"
has "College van B en W"
has "Directie / MT"
has "Zichtbaar vanaf 3 antwoorden; nodig er ongeveer 6 uit"
has "Wordt niet getoond:"
has 'form="add"'
has '<label class="utrecht-form-label" for="n_bestuur_1">'
lcsrf=$(csrf_of)

test_case "bad rows (an e-mail that is not one, an unknown group, an oversized name) store nothing and keep what was typed"
before=$(invited 2)
post /leader/rounds/2/environment "csrf=$lcsrf&n_mt_1=Henk+de+Vries&e_mt_1=henk%40example.org&n_mt_2=Els&e_mt_2=els-at-example.org" -b lea.jar
expect_eq "$code" "422"
has "Dit is geen e-mailadres"
has 'value="Henk de Vries"'
has 'value="els-at-example.org"'
has 'aria-invalid="true"'
has '<title>Fout:'
post /leader/rounds/2/environment "csrf=$lcsrf&n_nogroup_1=X&e_nogroup_1=x%40example.org" -b lea.jar
expect_eq "$code" "422"
has "Deze groep hoort niet bij deze ronde."
post /leader/rounds/2/environment "csrf=$lcsrf&n_mt_1=$long&e_mt_1=a%40example.org" -b lea.jar
expect_eq "$code" "422"
has "Deze naam is te lang"
post /leader/rounds/2/environment "csrf=$lcsrf&n_self_1=Me&e_self_1=me%40example.org" -b lea.jar
expect_eq "$code" "422"
post /leader/rounds/2/environment "csrf=$lcsrf&n_mt_1=A&e_mt_1=same%40example.org&n_mt_2=B&e_mt_2=SAME%40example.org" -b lea.jar
expect_eq "$code" "422"
has "twee keer"
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
post /leader/rounds/2/environment "csrf=$lcsrf&n_mt_1=$big&e_mt_1=a%40example.org" -b lea.jar
expect_eq "$code" "413"
expect_eq "$(invited 2)" "$before"

test_case "the leader names people per group; the advice and the flags follow"
data="csrf=$lcsrf"
for i in 1 2 3 4 5 6; do data="$data&n_bestuur_$i=Bestuur+$i&e_bestuur_$i=b$i%40dijkwaard.nl"; done
for i in 1 2 3 4; do data="$data&n_mt_$i=MT+$i&e_mt_$i=m$i%40dijkwaard.nl"; done
data="$data&n_peers_1=Peer+1&e_peers_1=p1%40example.org&l_peers_1=en&n_peers_2=Peer+2&e_peers_2=p2%40example.org"
post /leader/rounds/2/environment "$data" -b lea.jar
expect_eq "$code" "303"
expect_eq "$(location)" "/leader/rounds/2/environment?done=added"
expect_eq "$(invited 2)" "13"
get /leader/rounds/2/environment -b lea.jar
has "Genoemd: 6."
has "Genoeg mensen genoemd."
has "Risico:"
has "Bestuur 3 &lt;b3@dijkwaard.nl&gt;"
audit_page | grep -q "nominee.add" || _bad "nominee.add not audited"

test_case "the leader takes someone off the list"
get /leader/rounds/2/environment -b lea.jar
inv=$(sed -n 's/.*name="inv" value="\([0-9]*\)".*/\1/p' body.html | head -n1)
post /leader/rounds/2/environment/remove "csrf=$lcsrf&inv=$inv" -b lea.jar
expect_eq "$code" "303"
expect_eq "$(invited 2)" "12"

test_case "a leader trying another leader's round by changing the number gets 403 and an audit entry"
for p in /leader/rounds/1 /leader/rounds/1/environment /leader/rounds/1/report; do
  get "$p" -b lea.jar
  expect_eq "$code" "403"
  has "De poging is vastgelegd"
done
post /leader/rounds/1/environment "csrf=$lcsrf&n_mt_1=Sneaky&e_mt_1=s%40example.org" -b lea.jar
expect_eq "$code" "403"
post /leader/rounds/1 "csrf=$lcsrf&do=submit" -b lea.jar
expect_eq "$code" "403"
expect_eq "$(invited 1)" "1"
get /leader/rounds/99 -b lea.jar
expect_eq "$code" "404"
audit_page | grep -q "access.denied" || _bad "access.denied not audited"
audit_page | grep -q "href=\"/admin/rounds/1\">Ronde 1</a>" || _bad "the round tried is not in the audit log, linked"

test_case "the leader hands the list in; then it no longer changes"
post /leader/rounds/2 "csrf=$lcsrf&do=submit" -b lea.jar
expect_eq "$code" "303"
post /leader/rounds/2/environment "csrf=$lcsrf&n_mt_5=Late&e_mt_5=late%40example.org" -b lea.jar
expect_eq "$code" "409"
expect_eq "$(invited 2)" "12"
get /leader/rounds/2 -b lea.jar
has "wacht op goedkeuring"

test_case "a coach sees only what is shared: an unshared list or report is refused"
login coach.jar coach%40example.org
get /coach -b coach.jar
expect_eq "$code" "200"
has "Nog geen leidinggevende"
get /coach/rounds/2/list -b coach.jar
expect_eq "$code" "403"
get /coach/rounds/2/report -b coach.jar
expect_eq "$code" "403"
ccsrf=$(token coach.jar /coach)
post /coach/rounds/2/list "csrf=$ccsrf&do=approve" -b coach.jar
expect_eq "$code" "403"
get /admin/rounds/2 -b coach.jar
expect_eq "$code" "403"

test_case "the leader shares the round with a coach, who approves the list"
post /leader/rounds/2/share "csrf=$lcsrf&coach=nobody%40example.org&do=add" -b lea.jar
expect_eq "$code" "422"
post /leader/rounds/2/share "csrf=$lcsrf&coach=beheer%40dijkwaard.nl&do=add" -b lea.jar
expect_eq "$code" "422"
post /leader/rounds/2/share "csrf=$lcsrf&coach=coach%40example.org&do=add" -b lea.jar
expect_eq "$code" "303"
get /coach -b coach.jar
has "Marieke &lt;b&gt;van&lt;/b&gt; Dalen"
get /coach/rounds/2/list -b coach.jar
expect_eq "$code" "200"
has "Bestuur 2"
post /coach/rounds/2/list "csrf=$ccsrf&do=approve" -b coach.jar
expect_eq "$code" "303"
audit_page | grep -q "nomination.approve" || _bad "approval not audited"
# The other coach still sees nothing.
login other.jar other.coach%40example.org
get /coach/rounds/2/list -b other.jar
expect_eq "$code" "403"

test_case "the administrator opens the round: the invitations are queued"
post /admin/rounds/2 "csrf=$csrf&do=open&closes=2099-12-31" -b admin.jar
expect_eq "$code" "303"
A round show 2 | grep -q "^state *open" || _bad "not open: $(A round show 2)"
audit_page | grep -q "round.open" || _bad "round.open not audited"
# Once open, the list is fixed: no approval is awaited any more.
get /admin/rounds/2 -b admin.jar
has "vastgesteld"; hasnt "in de maak"; hasnt "goedkeuring nodig"
get /admin/rounds/2/outbox -b admin.jar
expect_eq "$code" "200"
has "Uitnodigingsmails"

test_case "the personal links page and its CSV, spreadsheet-safe"
get /admin/rounds/2/links -b admin.jar
expect_eq "$code" "200"
has "/r/"
get /admin/rounds/2/links.csv -b admin.jar
expect_eq "$code" "200"
printf '%s' "$hdr" | grep -q "Content-Type: text/csv" || _bad "not CSV"
printf '%s' "$body" | head -n1 | grep -q "^name,email,group,link" || _bad "header: $(printf '%s' "$body" | head -n1)"
audit_page | grep -q "round.links" || _bad "viewing the links not audited"

test_case "the leader's own link is not among them: the leader has an account, and the link shows their self-reflection"
selftok=$(A round links 2 | grep -F '(leader)' | sed 's#.*/r/##')
ratertok=$(A round links 2 | grep -v -F '(leader)' | head -n1 | sed 's#.*/r/##')
[ -n "$selftok" ] && [ -n "$ratertok" ] || _bad "no links from the command line"
get /admin/rounds/2/links -b admin.jar
has "$ratertok"
hasnt "$selftok"
get /admin/rounds/2/links.csv -b admin.jar
has "$ratertok"
hasnt "$selftok"

links=$(A round links 2)
items=$("$AANWEZIG_BIN" instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
{ echo '{"answers": {'; for i in $items; do echo "\"$i\": 4,"; done | sed '$ s/,$//'; echo '}, "open": {}}'; } > a.json
answer() { A response submit --token "$(printf '%s\n' "$links" | grep -F "$1" | sed 's#.*/r/##')" a.json >/dev/null; }

test_case "progress shows no number of answers for a group below its threshold, and no total that gives it away"
answer "m1@dijkwaard.nl"; answer "m2@dijkwaard.nl"
for i in 2 3 4; do answer "b$i@dijkwaard.nl"; done
get /admin/rounds/2 -b admin.jar
row=$(printf '%s' "$body" | tr -d '\n' | grep -o 'Directie / MT</th>[^/]*</td><td[^>]*>[^<]*' )
printf '%s' "$row" | grep -q "minder dan 3" || _bad "MT row: $row"
row=$(printf '%s' "$body" | tr -d '\n' | grep -o 'College van B en W</th>[^/]*</td><td[^>]*>[^<]*' )
printf '%s' "$row" | grep -q '>3$' || _bad "bestuur row: $row"
has "niet getoond zolang een groep onder de drempel zit"
get /leader/rounds/2 -b lea.jar
has "minder dan 3"
has "niet getoond zolang een groep onder de drempel zit"
# The command line follows the same rule.
A round show 2 | grep -E '^mt +[0-9]+ +fewer than 3$' >/dev/null || _bad "round show: $(A round show 2)"
A round show 2 | grep -q "^total .*not shown" || _bad "round show total: $(A round show 2)"
answer "m3@dijkwaard.nl"
get /admin/rounds/2 -b admin.jar
row=$(printf '%s' "$body" | tr -d '\n' | grep -o 'Directie / MT</th>[^/]*</td><td[^>]*>[^<]*' )
printf '%s' "$row" | grep -q '>3$' || _bad "MT row at 3: $row"

test_case "no page shows a single response or who answered"
for p in /admin/responses/1 /admin/rounds/2/responses /admin/rounds/2/response/1 /admin/rounds/2/invitations; do
  get "$p" -b admin.jar
  expect_eq "$code" "404"
done
get /admin/rounds/2/links -b admin.jar
hasnt "submitted"; hasnt "ingevuld"
get /leader/rounds/2/environment -b lea.jar
hasnt "submitted"

test_case "the export waits for the round to close"
get /admin/rounds/2/export.csv -b admin.jar
expect_eq "$code" "409"

test_case "the report is not there before release, for the leader nor the coach"
get /leader/rounds/2/report -b lea.jar
expect_eq "$code" "409"
post /admin/rounds/2 "csrf=$csrf&do=close" -b admin.jar
expect_eq "$code" "200"
has "Ronde 2 van Marieke"; has "name=\"sure\" value=\"yes\""; has "Ja, de ronde sluiten"
expect_eq "$(db_list "$DB" "select state from rounds where id = 2")" "open"
post /admin/rounds/2 "csrf=$csrf&do=close&sure=yes" -b admin.jar
expect_eq "$code" "303"
get /leader/rounds/2/report -b lea.jar
expect_eq "$code" "409"
get /coach/rounds/2/report -b coach.jar
expect_eq "$code" "409"

test_case "an administrator exports a closed round, small groups merged"
get /admin/rounds/2/export.csv -b admin.jar
expect_eq "$code" "200"
printf '%s' "$body" | head -n1 | grep -q "leader,round,rater,group,item,score" || _bad "export header"
printf '%s' "$body" | grep -q ",peers," && _bad "peers exported by name"
audit_page | grep -q "round.export" || _bad "export not audited"

test_case "released, the leader and the shared coach read the report; the administrator has no report page"
post /admin/rounds/2 "csrf=$csrf&do=release" -b admin.jar
expect_eq "$code" "200"
has "Ja, het rapport vrijgeven"
get /leader/rounds/2/report -b lea.jar
expect_eq "$code" "409"
post /admin/rounds/2 "csrf=$csrf&do=release&sure=yes" -b admin.jar
expect_eq "$code" "303"
get /leader/rounds/2/report -b lea.jar
expect_eq "$code" "200"
has "Marieke &lt;b&gt;van&lt;/b&gt; Dalen"
hasnt "<b>van</b>"
get "/leader/rounds/2/report?format=pdf" -b lea.jar
expect_eq "$code" "200"
printf '%s' "$hdr" | grep -q "application/pdf" || _bad "no PDF"
get /coach/rounds/2/report -b coach.jar
expect_eq "$code" "200"
get /coach/rounds/2/report -b other.jar
expect_eq "$code" "403"
get /leader/rounds/2/report -b admin.jar
expect_eq "$code" "403"

test_case "the other leader cannot read this report"
login piet.jar p.dewit%40zandveen.nl
get /leader/rounds/2/report -b piet.jar
expect_eq "$code" "403"
get /leader/rounds/1 -b piet.jar
expect_eq "$code" "200"

test_case "an administrator adds a coach account in the browser; bad input and a taken address store nothing"
csrf=$(token admin.jar /admin/accounts)
has "coach@example.org"
has "Coach"
before=$(A user list | wc -l)
post /admin/accounts "csrf=$csrf&name=&email=nope&role=coach" -b admin.jar
expect_eq "$code" "422"
has "Vul een naam in."
has "Dit is geen e-mailadres"
post /admin/accounts "csrf=$csrf&name=Cor&email=COACH%40example.org&role=coach" -b admin.jar
expect_eq "$code" "422"
has "Er bestaat al een account"
post /admin/accounts "csrf=$csrf&name=Wim&email=w%40example.org&role=wizard" -b admin.jar
expect_eq "$code" "400"
expect_eq "$(A user list | wc -l)" "$before"
post /admin/accounts "csrf=$csrf&name=Carla+Coach&email=carla%40example.org&role=coach" -b admin.jar
expect_eq "$code" "303"
A user list | grep "carla@example.org" | grep -q coach || _bad "no coach account: $(A user list)"
get /admin/accounts -b lea.jar
expect_eq "$code" "403"
post /admin/accounts "csrf=$lcsrf&name=Sneaky&email=s%40example.org&role=admin" -b lea.jar
expect_eq "$code" "403"
expect_eq "$(A user list | wc -l)" "$((before + 1))"

test_case "the audit log pages back, in words in the page's language with the code beside"
get /admin/audit -b admin.jar
expect_eq "$code" "200"
has "<th scope=\"col\""
has "beheer@dijkwaard.nl"
has "Toegang geweigerd<br><code>access.denied</code>"
has "Ingelogd<br><code>login</code>"
has ">wachtwoord</td>"
has ">de ronde bekijken</td>"
hasnt ">password</td>"
get "/admin/audit?lang=en" -b admin.jar
expect_eq "$code" "200"
has "Access refused<br><code>access.denied</code>"
has "Logged in<br><code>login</code>"
has ">password</td>"
has ">view the round</td>"
hasnt "Toegang geweigerd"

test_case "the server stops cleanly, without sanitizer reports"
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" "0"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' serve.err; then
  _bad "sanitizer: $(head -c 2000 serve.err)"
fi

# With a mail server (a real one: tests/e2e/smtp_sink.py) that refuses
# one address for good: the same database, a server with the settings. The
# leader gets an invitation to their own reflection too.
PY=/usr/bin/python3
"$PY" "$REPO/tests/e2e/smtp_sink.py" --dir "$T/sink" --port-file "$T/sink.port" \
  --reject refuses@example.org 2>"$T/sink.err" &
sink=$!
for _ in $(seq 100); do [ -s "$T/sink.port" ] && break; sleep 0.05; done
printf '%s\n' "url = smtp://127.0.0.1:$(cat "$T/sink.port")" "starttls = off" "from = aanwezig@dijkwaard.example" \
  "retry-first = 1" "retry-max = 2" "timeout = 3" "connect-timeout = 2" "interval = 1" > mail.smtp
AANWEZIG_SMTP_CONFIG=$T/mail.smtp "$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve2.out 2> serve2.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve2.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve2.out)
# Sessions live in the database: the administrator is still logged in.
csrf=$(token admin.jar /admin/leaders/1)

test_case "a spreadsheet pasted with a bad line adds nobody and says which line"
post /admin/leaders/1 "csrf=$csrf&closes=2099-12-31&reminders=" -b admin.jar
expect_eq "$code" "303"
r3=$(location | sed 's#/admin/rounds/\([0-9]*\).*#\1#')
csv=$(printf 'name,email,group\nAnna,anna@example.org,mt\nBob,not-an-address,mt\n' | python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read()))')
post "/admin/rounds/$r3/import" "csrf=$csrf&csv=$csv" -b admin.jar
expect_eq "$code" "422"
has "Regel 3: &quot;not-an-address&quot; is geen e-mailadres"
hasnt "line 3"
has "Er is niemand toegevoegd"
has "Anna,anna@example.org,mt"
expect_eq "$(invited "$r3")" "1"
# Each problem in the page's language, the groups one may use named.
csv=$(printf 'name,email,group\nAnna,anna@example.org,board\nBob,bob@example.org,mt\nBob,bob@example.org,mt\nCor,cor@example.org\n' | python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read()))')
post "/admin/rounds/$r3/import" "csrf=$csrf&csv=$csv" -b admin.jar
expect_eq "$code" "422"
has "Regel 2: &quot;board&quot; is geen groep van deze ronde. De groepen zijn: bestuur (College van B en W)"
has "Regel 4: bob@example.org staat ook op regel 3."
has "Regel 5: Deze regel heeft 2 velden, de eerste regel 3."
post "/admin/rounds/$r3/import?lang=en" "csrf=$csrf&csv=name%2Cmail%2Cgroup%0AAnna%2Ca%40example.org%2Cmt%0A" -b admin.jar
expect_eq "$code" "422"
has "Line 1: Unknown column &quot;mail&quot;"
post "/admin/rounds/$r3/import?lang=en" "csrf=$csrf&csv=name%2Cemail%2Cgroup%0A" -b admin.jar
has "The list has a first line with the columns, but nobody under it."
post "/admin/rounds/$r3/import" "csrf=$csrf&csv=name%2Cemail%2Cgroup%0A%22Anna%2Canna%40example.org%2Cmt%0A" -b admin.jar
has "Regel 2: Een aanhalingsteken (&quot;) opent een veld dat nergens wordt gesloten."
expect_eq "$(invited "$r3")" "1"
csv=$(printf 'naam;email;groep\nAnna;anna@example.org;mt\nBob;bob@example.org;mt\n=cmd;refuses@example.org;peers\n' | python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read()))')
post "/admin/rounds/$r3/import" "csrf=$csrf&csv=$csv" -b admin.jar
expect_eq "$code" "303"
expect_eq "$(invited "$r3")" "4"
audit_page | grep -q "rater.import" || _bad "import not audited"

test_case "opening sends the invitations; a refused one shows the server's answer and can be sent again"
post "/admin/rounds/$r3" "csrf=$csrf&do=open&closes=2099-12-31" -b admin.jar
expect_eq "$code" "303"
expect_eq "$(location)" "/admin/rounds/$r3?done=opened"
for _ in $(seq 100); do
  get "/admin/rounds/$r3/outbox" -b admin.jar
  printf '%s' "$body" | grep -q "Verstuurd: 3. Mislukt: 1." && break
  sleep 0.2
done
has "Verstuurd: 3. Mislukt: 1."
has "550"
has "refuses@example.org"
has "Opnieuw versturen"
hasnt "remind:"
mail=$(sed -n 's/.*name="mail" value="\([0-9]*\)".*/\1/p' body.html | head -n1)
post "/admin/rounds/$r3/outbox" "csrf=$csrf&mail=$mail" -b admin.jar
expect_eq "$code" "303"
audit_page | grep -q "outbox.retry" || _bad "retry not audited"
# A message of another round, or one that did not fail, is not retried here.
post "/admin/rounds/2/outbox" "csrf=$csrf&mail=$mail" -b admin.jar
expect_eq "$code" "404"
grep -c "^accepted" "$T/sink/log" | grep -q "^3$" || _bad "sink: $(cat "$T/sink/log")"

test_case "the links CSV is safe in a spreadsheet"
get "/admin/rounds/$r3/links.csv" -b admin.jar
printf '%s' "$body" | grep -q "^'=cmd," || _bad "formula not neutralised: $body"

test_case "the server with e-mail stops cleanly"
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" "0"
kill "$sink" 2>/dev/null; wait "$sink" 2>/dev/null
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' serve2.err; then
  _bad "sanitizer: $(head -c 2000 serve2.err)"
fi

finish
