#!/usr/bin/env bash
# Accounts over real HTTP against the real binary: `user add`, logging in
# with a password and with a one-time link, cookies, rate limits, idle and
# absolute expiry, logging out here and everywhere, CSRF, and role checks
# with their audit entries. Two server processes share one database, as
# behind a load balancer: sessions and limits live in the store.
. "$(dirname "$0")/lib.sh"
DB=$(db_target auth)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
# sql QUERY: one query on the test's database, whichever backend it is.
sql() {
  db_sql "$DB" "$1"
}
PW='Regen op het dak van het gemeentehuis'
PW_URL='Regen+op+het+dak+van+het+gemeentehuis'

test_case "user add makes the first administrator; the password never on the command line"
run aanwezig --db "$DB" init
expect_rc 0
printf '%s\n' "$PW" > pw.txt
run aanwezig --db "$DB" user add --role admin --email Beheer@Dijkwaard.nl --name "Bea Beheer" --password-file pw.txt
expect_rc 0
expect_out "1"
run aanwezig --db "$DB" user add --role admin --email x@example.org --name X --password "$PW"
expect_rc 2
expect_err "never give a password on the command line"
run aanwezig --db "$DB" user add --role admin --email x@example.org --name X --password="$PW"
expect_rc 2

test_case "user add refuses a bad e-mail, a weak password, a duplicate, a leader account without its leader"
run aanwezig --db "$DB" user add --role coach --email not-an-address --name X
expect_rc 1
expect_err "e-mail address"
out=$(printf 'password123456789\n' | A user add --role coach --email c@example.org --name C --password-stdin 2>&1)
rc=$?
expect_rc 1
printf '%s' "$out" | grep -q "too common" || _bad "no 'too common': $out"
out=$(printf 'kort\n' | A user add --role coach --email c@example.org --name C --password-stdin 2>&1)
printf '%s' "$out" | grep -q "at least 15 characters" || _bad "no length message: $out"
run aanwezig --db "$DB" user add --role admin --email beheer@dijkwaard.nl --name Again
expect_rc 1
expect_err "already exists"
run aanwezig --db "$DB" user add --role leader --email lea@dijkwaard.nl --name Lea
expect_rc 1
expect_err "--leader"
run aanwezig --db "$DB" user add --role wizard --email w@example.org --name W
expect_rc 2
# None of the refused ones were stored.
run aanwezig --db "$DB" user list
expect_rc 0
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || _bad "expected one account: $out"

test_case "leader and coach accounts; user list shows roles, never hashes"
A leader add --name "Lea Leider" --email lea@dijkwaard.nl --organisation "Gemeente Dijkwaard" >/dev/null
printf '%s\n' "$PW" | A user add --role leader --leader 1 --email lea@dijkwaard.nl --name "Lea Leider" --password-stdin >/dev/null
printf '%s\n' "$PW" | A user add --role coach --email coach@example.org --name "Cor Coach" --password-stdin >/dev/null
A user add --role coach --email linkonly@example.org --name "Link Only" --language en >/dev/null
run aanwezig --db "$DB" user list
expect_out "beheer@dijkwaard.nl"
expect_out "leader 1"
expect_out "link only"
expect_no_out "argon2"
n=$(sql "select count(*) from audit where action = 'user.add' and actor = 'cli'")
expect_eq "$n" "4"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# The servers send their e-mail through a real SMTP server on loopback
# (tests/e2e/smtp_sink.py, Debian's python3-aiosmtpd), each second. The
# sink starts only once a login link has been asked for, so that the
# queued message can be looked at first; until then the message waits.
PY=/usr/bin/python3
smtp_port=$(free_port)
sink_pid=
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; _drop_dbs; rm -rf "$T"' EXIT
printf '%s\n' "url = smtp://127.0.0.1:$smtp_port" "starttls = off" "from = aanwezig@gemeente.example" \
  "interval = 1" "retry-first = 1" "retry-max = 2" "timeout = 3" "connect-timeout = 2" > mail.smtp
start_sink() {
  "$PY" "$REPO/tests/e2e/smtp_sink.py" --dir "$T/sink" --port "$smtp_port" --port-file "$T/sink.port" \
    2> "$T/sink.err" &
  sink_pid=$!
  for _ in $(seq 100); do [ -s "$T/sink.port" ] && break; sleep 0.05; done
}
# mail_link N: the login link in the N-th message the sink took, as a
# person finds it: the path of the plain text's link, when the HTML body
# has the same link (nothing otherwise). Writes the recipient, language
# and subject to NNNN.head beside the message. Waits up to 15 s for it.
mail_link() {
  local eml
  eml=$T/sink/$(printf '%04d' "$1").eml
  for _ in $(seq 150); do [ -f "$eml" ] && break; sleep 0.1; done
  [ -f "$eml" ] || return 0
  "$PY" - "$eml" <<'PY'
import email, re, sys
from email import policy
path = sys.argv[1]
m = email.message_from_bytes(open(path, 'rb').read(), policy=policy.default)
env = open(path[:-4] + '.env').read().split('\n')
text = m.get_body(('plain',)).get_content()
html = m.get_body(('html',)).get_content()
link = re.search(r'https?://[^/\s]+(/login/l/[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])', text)
if link and ('href="%s"' % link.group(0)) in html:
    print(link.group(1))
with open(path[:-4] + '.head', 'w') as f:
    f.write('%s\t%s\t%s\n' % (env[1], m['Content-Language'], m['Subject']))
PY
}

# Four server processes on the same database: server 1 as configured by
# default, server 2 ends sessions 4 s after login, server 3 is behind
# https, server 4 ends sessions after 2 s without a request. All send
# e-mail: any of them may send a message another one queued.
"$AANWEZIG_BIN" --db "$DB" --smtp-config mail.smtp serve --listen 127.0.0.1:0 > s1.out 2> s1.err &
s1_pid=$!
"$AANWEZIG_BIN" --db "$DB" --smtp-config mail.smtp serve --listen 127.0.0.1:0 --session-max 4 > s2.out 2> s2.err &
s2_pid=$!
# With a base URL the server announces that, not its port: give it one.
port3=$(free_port)
"$AANWEZIG_BIN" --db "$DB" --smtp-config mail.smtp --base-url https://aanwezig.example serve \
  --listen "127.0.0.1:$port3" > s3.out 2> s3.err &
s3_pid=$!
"$AANWEZIG_BIN" --db "$DB" --smtp-config mail.smtp serve --listen 127.0.0.1:0 --session-idle 2 > s4.out 2> s4.err &
s4_pid=$!
url_of() {
  for _ in $(seq 100); do grep -q Listening "$1.out" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^Listening on \([^ ]*\).*/\1/p' "$1.out"
}
URL=$(url_of s1); URL2=$(url_of s2); URL3=$(url_of s3); URL4=$(url_of s4)
# The https server is reached over http here, as a TLS proxy would.
[ "$URL3" = https://aanwezig.example ] && URL3=http://127.0.0.1:$port3

# get PATH [curl options]: sets $code, $body, $hdr
get() {
  local path=$1; shift
  code=$(curl -s -D hdr.txt -o body.html -w '%{http_code}' "$@" "${BASE:-$URL}$path")
  body=$(cat body.html); hdr=$(cat hdr.txt)
}
post() {
  local path=$1 data=$2; shift 2
  code=$(curl -s -D hdr.txt -o body.html -w '%{http_code}' --data-binary "$data" \
         -H 'Content-Type: application/x-www-form-urlencoded' "$@" "${BASE:-$URL}$path")
  body=$(cat body.html); hdr=$(cat hdr.txt)
}
has() { printf '%s' "$body" | grep -q -F -e "$1" || _bad "page lacks \"$1\" (HTTP $code)"; }
header() { printf '%s' "$hdr" | grep -i -F -e "$1" | head -n1 | tr -d '\r'; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' body.html | head -n1; }
audit_count() { sql "select count(*) from audit where action = '$1'"; }
# login JAR EMAIL PASSWORD [NEXT]: the login form, then posting it.
login() {
  local jar=$1 email=$2 pass=$3 next=${4:-}
  get "/login${next:+?next=$next}" -c "$jar" -b "$jar"
  post /login "csrf=$(csrf_of)&email=$email&password=$pass${next:+&next=$next}" -c "$jar" -b "$jar"
}

test_case "pages that need an account send the browser to the login page"
[ -n "$URL" ] && [ -n "$URL2" ] && [ -n "$URL3" ] && [ -n "$URL4" ] || _bad "a server did not start: $(cat s*.out s*.err)"
get /admin
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /login?next=%2Fadmin"
get /account
expect_eq "$(header Location)" "Location: /login?next=%2Faccount"
post /account "csrf=x&password=y"
expect_eq "$code" "403"

test_case "the login form is labelled, tells the password manager what it is, and sets its own CSRF cookie"
get /login -c j0 -b j0
expect_eq "$code" "200"
has '<label class="utrecht-form-label" for="email">E-mailadres</label>'
has 'autocomplete="username"'
has 'autocomplete="current-password"'
has 'href="/login/link"'
printf '%s' "$(header Set-Cookie)" | grep -q 'lcsrf=.*HttpOnly; SameSite=Strict' || _bad "login cookie: $(header Set-Cookie)"
printf '%s' "$(header Cache-Control)" | grep -q no-store || _bad "login page may be cached"

test_case "a right password logs in: a fresh HttpOnly, SameSite=Strict session cookie, then the role's page"
login j1 beheer%40dijkwaard.nl "$PW_URL"
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /admin"
cookie=$(header Set-Cookie)
printf '%s' "$cookie" | grep -q -E '^Set-Cookie: sid=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$' \
  || _bad "session cookie: $cookie"
sid=$(printf '%s' "$cookie" | sed 's/.*sid=\([^;]*\).*/\1/')
get /admin -b j1
expect_eq "$code" "200"
has "Bea Beheer"
# The database holds the cookie's hash, never the cookie.
n=$(sql "select count(*) from sessions where id_hash = '$sid'")
expect_eq "$n" "0"
n=$(sql "select count(*) from sessions")
expect_eq "$n" "1"
expect_eq "$(audit_count login)" "1"

test_case "a second server process knows the session: it lives in the database"
BASE=$URL2 get /admin -b j1
expect_eq "$code" "200"
has "Bea Beheer"

test_case "behind https the session cookie is Secure and __Host-"
BASE=$URL3 get /login
lc=$(header Set-Cookie | sed 's/^Set-Cookie: \([^;]*\);.*/\1/')
printf '%s' "$(header Set-Cookie)" | grep -q '^Set-Cookie: __Host-lcsrf=.*; Secure$' || _bad "login cookie: $(header Set-Cookie)"
# curl keeps no Secure cookie from http: send it by hand.
BASE=$URL3 post /login "csrf=$(csrf_of)&email=beheer%40dijkwaard.nl&password=$PW_URL" -b "$lc"
cookie=$(header Set-Cookie)
expect_eq "$code" "303"
printf '%s' "$cookie" | grep -q -E '^Set-Cookie: __Host-sid=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Secure$' \
  || _bad "https cookie: $cookie"

test_case "a wrong password and an unknown address get the same status and the same page"
get /login -c j2 -b j2
c=$(csrf_of)
post /login "csrf=$c&email=beheer%40dijkwaard.nl&password=not+the+right+one+at+all" -b j2
expect_eq "$code" "401"
has "Het e-mailadres of het wachtwoord klopt niet"
has '<title>Fout: Inloggen'
has 'aria-invalid="true"'
printf '%s' "$(header WWW-Authenticate)" | grep -q Form || _bad "401 without WWW-Authenticate"
wrong=$(sed 's/value="[^"]*@[^"]*"//' body.html)
start=$(date +%s%N)
post /login "csrf=$c&email=nobody%40dijkwaard.nl&password=not+the+right+one+at+all" -b j2
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "$code" "401"
expect_eq "$(sed 's/value="[^"]*@[^"]*"//' body.html)" "$wrong"
# The unknown address was checked against a hash all the same (Argon2id, 64 MiB).
[ "$ms" -ge 30 ] || _bad "an unknown address answered in $ms ms: no hash was checked"
# A link-only account has no password to guess.
post /login "csrf=$c&email=linkonly%40example.org&password=x" -b j2
expect_eq "$code" "401"
n=$(sql "select count(*) from audit where action = 'login.failed' and client = '127.0.0.1'")
expect_eq "$n" "3"
n=$(sql "select count(*) from audit where object like '%nobody%' or detail like '%not the right%'")
expect_eq "$n" "0"

test_case "empty fields are named in an error summary, with 422"
post /login "csrf=$c&email=&password=" -b j2
expect_eq "$code" "422"
has 'href="#email"'
has 'href="#password"'
has "Vul uw e-mailadres in."

test_case "a POST without the CSRF token is refused with 403, logged in or not"
post /login "email=beheer%40dijkwaard.nl&password=$PW_URL" -b j2
expect_eq "$code" "403"
post /login "csrf=AAAAAAAAAAAAAAAAAAAAAA&email=beheer%40dijkwaard.nl&password=$PW_URL" -b j2
expect_eq "$code" "403"
post /account "current=$PW_URL&password=Een+nieuw+en+lang+wachtwoord" -b j1
expect_eq "$code" "403"
has "Het formulier is verlopen"
post /logout "csrf=AAAAAAAAAAAAAAAAAAAAAA" -b j1
expect_eq "$code" "403"
get /admin -b j1
expect_eq "$code" "200"
[ "$(audit_count csrf.failed)" -ge 2 ] || _bad "csrf.failed not audited"

test_case "each role reaches only its own pages: 403 and an audit entry for the others"
get /coach -b j1
expect_eq "$code" "403"
has "Geen toegang"
get /leader -b j1
expect_eq "$code" "403"
n=$(sql "select count(*) from audit where action = 'access.denied' and object = '/coach' and actor = 'beheer@dijkwaard.nl' and detail = 'admin'")
expect_eq "$n" "1"
login jl lea%40dijkwaard.nl "$PW_URL"
expect_eq "$(header Location)" "Location: /leader"
get /admin -b jl
expect_eq "$code" "403"
get /leader -b jl
expect_eq "$code" "200"
has "Lea Leider"
login jc coach%40example.org "$PW_URL"
expect_eq "$(header Location)" "Location: /coach"
get /admin -b jc
expect_eq "$code" "403"
expect_eq "$(audit_count access.denied)" "4"

test_case "after logging in the browser returns to the page it asked for; never to another site"
login jn beheer%40dijkwaard.nl "$PW_URL" %2Faccount
expect_eq "$(header Location)" "Location: /account"
get "/login?next=%2F%2Fevil.example" -b jn
expect_eq "$code" "400"
get "/login?next=https%3A%2F%2Fevil.example"
expect_eq "$code" "400"
get "/login?next=%2F%5Cevil.example"
expect_eq "$code" "400"

test_case "sessions end after the idle time"
BASE=$URL4 login ji beheer%40dijkwaard.nl "$PW_URL"
BASE=$URL4 get /admin -b ji
expect_eq "$code" "200"
sleep 3.2
BASE=$URL4 get /admin -b ji
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /login?next=%2Fadmin&m=ended"
printf '%s' "$(header Set-Cookie)" | grep -q 'sid=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0' || _bad "stale cookie kept"
get "/login?m=ended"
has "Uw sessie is verlopen"

test_case "sessions end at the absolute limit however busy"
BASE=$URL2 login ja beheer%40dijkwaard.nl "$PW_URL"
for _ in 1 2 3; do
  BASE=$URL2 get /admin -b ja
  expect_eq "$code" "200"
  sleep 1
done
# Times are whole seconds: past 4 s by the clock may be 4 s by the store.
sleep 2.2
BASE=$URL2 get /admin -b ja
expect_eq "$code" "303"

test_case "logging out ends this session; its cookie no longer works"
login jo beheer%40dijkwaard.nl "$PW_URL"
cp jo jo.saved
get /account -b jo
post /logout "csrf=$(csrf_of)" -b jo -c jo
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /login?m=out"
get /admin -b jo.saved
expect_eq "$code" "303"
expect_eq "$(audit_count logout)" "1"

test_case "logging out everywhere ends every session of the account"
login je1 lea%40dijkwaard.nl "$PW_URL"
login je2 lea%40dijkwaard.nl "$PW_URL"
get /account -b je1
has "Overal uitloggen"
post /logout/all "csrf=$(csrf_of)" -b je1
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /login?m=all"
get /leader -b je2
expect_eq "$code" "303"
get /leader -b jl
expect_eq "$code" "303"
get /admin -b j1
expect_eq "$code" "200"

test_case "changing the password: the current one first, the rules, then other sessions end"
login jp1 coach%40example.org "$PW_URL"
login jp2 coach%40example.org "$PW_URL"
get /account -b jp1
has 'autocomplete="new-password"'
has 'autocomplete="current-password"'
c=$(csrf_of)
post /account "csrf=$c&current=wrong+wrong+wrong+wrong&password=Zon+boven+de+duinen+bij+Dijkwaard" -b jp1
expect_eq "$code" "422"
has "Het huidige wachtwoord klopt niet."
post /account "csrf=$c&current=$PW_URL&password=sunshineprincess" -b jp1
expect_eq "$code" "422"
has "Dit wachtwoord is te gewoon"
post /account "csrf=$c&current=$PW_URL&password=Zon+boven+de+duinen+bij+Dijkwaard" -b jp1 -c jp1
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /account?m=saved"
get "/account?m=saved" -b jp1
expect_eq "$code" "200"
has "Uw nieuwe wachtwoord is opgeslagen"
get /coach -b jp2
expect_eq "$code" "303"
login jp3 coach%40example.org "$PW_URL"
expect_eq "$code" "401"
login jp3 coach%40example.org "Zon+boven+de+duinen+bij+Dijkwaard"
expect_eq "$code" "303"

test_case "asking for a login link gives the same answer for any address"
get /login/link -c jk -b jk
has 'autocomplete="username"'
c=$(csrf_of)
start=$(date +%s%N)
post /login/link "csrf=$c&email=linkonly%40example.org" -b jk
ms1=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "$code" "200"
known=$body
start=$(date +%s%N)
post /login/link "csrf=$c&email=nobody%40example.org" -b jk
ms2=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "$code" "200"
expect_eq "$body" "$known"
has "Kijk in uw e-mail"
[ "$ms1" -ge 250 ] && [ "$ms2" -ge 250 ] || _bad "link requests took $ms1 and $ms2 ms, not at least 250"
n=$(sql "select count(*) from outbox where key like 'login:%'")
expect_eq "$n" "1"

test_case "the outbox holds no working login link: a mark and a nonce, the link made when it is sent"
# What a copy of the database made now would hold (the message is queued:
# the SMTP server is not up yet).
row="select key || ' ' || state || ' ' || text_body || ' ' || coalesce(html_body, '') from outbox where key like 'login:%'"
sql "$row" > outbox-row.txt
grep -q -E "^login:[0-9a-f]{32} (queued|sending) " outbox-row.txt || _bad "not a queued login message: $(head -c 300 outbox-row.txt)"
grep -q "Link Only" outbox-row.txt || _bad "the stored message lacks its text: $(head -c 300 outbox-row.txt)"
expect_eq "$(sql "select count(*) from outbox where key like 'login:%' and (text_body like '%/login/l/%' or coalesce(html_body, '') like '%/login/l/%')")" "0"
start_sink
link=$(mail_link 1)
[ -n "$link" ] || _bad "no login link arrived by e-mail: $(cat "$T/sink/log" "$T/sink.err" 2>/dev/null)"
expect_eq "$(cat "$T/sink/0001.head" 2>/dev/null)" $'linkonly@example.org\ten\tYour login link for aanwezig'
tok=${link#/login/l/}
[ -n "$tok" ] && ! grep -q -F -e "$tok" outbox-row.txt || _bad "the outbox held the token"
expect_eq "$(sql "select count(*) from outbox where key like '%$tok%' or text_body like '%$tok%' or coalesce(html_body, '') like '%$tok%' or coalesce(last_error, '') like '%$tok%'")" "0"
expect_eq "$(sql "select state from outbox where key like 'login:%'")" "sent"

test_case "a login link: opening it shows a button and uses nothing; the button logs in once"
get "$link" -c jq -b jq
expect_eq "$code" "200"
get "$link" -c jq -b jq
expect_eq "$code" "200"
has '<button'
post "$link" "csrf=$(csrf_of)" -b jq -c jq
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /coach"
get /coach -b jq
expect_eq "$code" "200"
has "Link Only"
get "$link" -c jr -b jr
post "$link" "csrf=$(csrf_of)" -b jr
expect_eq "$code" "410"
has "Deze inloglink werkt niet meer"
n=$(sql "select count(*) from audit where action = 'login' and detail = 'link'")
expect_eq "$n" "1"

test_case "an expired login link gets 410 too"
get /login/link -c jk -b jk
post /login/link "csrf=$(csrf_of)&email=linkonly%40example.org" -b jk
link=$(mail_link 2)
[ -n "$link" ] || _bad "no second login link arrived by e-mail"
sql "update login_links set expires_at = $(( $(date +%s) - 1 ))"
get "$link" -c js -b js
post "$link" "csrf=$(csrf_of)" -b js
expect_eq "$code" "410"
get /login/l/not-a-token
expect_eq "$code" "404"

test_case "a refused login-link form leaves no working link in the audit log"
# Opened logged out, then logged in with a password in another tab: the
# link's form holds the login form's token, no longer this browser's.
get /login/link -c jx -b jx
post /login/link "csrf=$(csrf_of)&email=linkonly%40example.org" -b jx
link=$(mail_link 3)
[ -n "$link" ] || _bad "no third login link arrived by e-mail"
tok=${link#/login/l/}
get "$link" -c jx -b jx
stale=$(csrf_of)
login jx beheer%40dijkwaard.nl "$PW_URL"
expect_eq "$code" "303"
post "$link" "csrf=$stale" -b jx
expect_eq "$code" "403"
n=$(sql "select count(*) from audit where action = 'csrf.failed' and object = '/login/l/'")
expect_eq "$n" "1"
expect_eq "$(sql "select count(*) from audit where object like '%$tok%' or coalesce(detail, '') like '%$tok%'")" "0"
# The link still works from the page as it is now.
get "$link" -b jx
post "$link" "csrf=$(csrf_of)" -b jx -c jx
expect_eq "$code" "303"
expect_eq "$(header Location)" "Location: /coach"

test_case "ten failures for one address, known or not, then 429 even with the right password"
get /login -c jt -b jt
c=$(csrf_of)
for i in $(seq 10); do
  post /login "csrf=$c&email=lea%40dijkwaard.nl&password=guess+number+$i+is+wrong" -b jt
  [ "$code" = 401 ] || _bad "failure $i gave $code"
done
post /login "csrf=$c&email=lea%40dijkwaard.nl&password=$PW_URL" -b jt
expect_eq "$code" "429"
printf '%s' "$(header Retry-After)" | grep -q 900 || _bad "no Retry-After"
has "Wacht 15 minuten"
# The other server counts the same failures.
BASE=$URL2 get /login -c ju -b ju
BASE=$URL2 post /login "csrf=$(csrf_of)&email=lea%40dijkwaard.nl&password=$PW_URL" -b ju
expect_eq "$code" "429"
# Others from the same address still get in.
login jv beheer%40dijkwaard.nl "$PW_URL"
expect_eq "$code" "303"

test_case "user password sets a new password from standard input and ends the account's sessions"
get /admin -b jv
expect_eq "$code" "200"
out=$(printf 'Wind over het Hollands Diep\n' | A user password --email BEHEER@dijkwaard.nl 2>&1)
rc=$?
expect_rc 0
get /admin -b jv
expect_eq "$code" "303"
login jw beheer%40dijkwaard.nl "Wind+over+het+Hollands+Diep"
expect_eq "$code" "303"
out=$(printf 'qwertyuiop12345\n' | A user password --email beheer@dijkwaard.nl 2>&1)
rc=$?
expect_rc 1
printf '%s' "$out" | grep -q "too common" || _bad "weak password accepted: $out"
out=$(printf 'Wind over het Hollands Diep\n' | A user password --email nobody@dijkwaard.nl 2>&1)
rc=$?
expect_rc 1
n=$(sql "select count(*) from audit where action = 'password.set' and actor = 'cli'")
expect_eq "$n" "1"

test_case "the servers stop cleanly, without sanitizer reports"
for p in "$s1_pid" "$s2_pid" "$s3_pid" "$s4_pid"; do kill -TERM "$p"; done
for p in "$s1_pid" "$s2_pid" "$s3_pid" "$s4_pid"; do wait "$p" || _bad "server $p exited with $?"; done
if grep -q -e 'AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' s1.err s2.err s3.err s4.err; then
  _bad "sanitizer: $(cat s1.err s2.err s3.err s4.err)"
fi


# After the servers stopped: their workers sweep too, every minute.
test_case "round tick deletes ended sessions, expired login links and old rate-limit counts"
now=$(date +%s)
sql "update sessions set seen_at = $now - 3600, created_at = $now - 3600"
sql "insert into login_links (token_hash, user_id, expires_at) values ('$(printf 'e%.0s' $(seq 64))', 1, $now - 1)"
sql "update ratelimits set \"window\" = $now - 1000"
n_s=$(sql "select count(*) from sessions"); n_r=$(sql "select count(*) from ratelimits")
[ "$n_s" -gt 1 ] && [ "$n_r" -gt 1 ] || _bad "expected sessions and rate-limit counts: $n_s, $n_r"
# An hour without a request is within a server's --session-idle 7200.
run aanwezig --db "$DB" round tick --session-idle 7200
expect_rc 0
expect_out "expired and deleted: 0 sessions, 1 login link, $n_r rate-limit counts"
run aanwezig --db "$DB" round tick
expect_rc 0
expect_out "expired and deleted: $n_s sessions, 0 login links, 0 rate-limit counts"
expect_eq "$(sql "select count(*) from sessions") $(sql "select count(*) from login_links")" "0 0"
expect_eq "$(sql "select count(*) from ratelimits")" "0"
run aanwezig --db "$DB" round tick --session-idle soon
expect_rc 2

finish
