#!/usr/bin/env bash
# E-mail against a real SMTP server (tests/e2e/smtp_sink.py, Debian's
# python3-aiosmtpd) on loopback: invitations arrive once each, to the right
# people, in their language, with a link that works; refusals, a hanging
# server and TLS with a login; reminders; rounds that close themselves;
# retention, the privacy export and erasure; the audit log.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3        # Debian's python, with python3-aiosmtpd
SINK_PY=$REPO/tests/e2e/smtp_sink.py
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT

# start_sink NAME [options]: a sink writing to $T/NAME; sets $sink_pid, $port.
start_sink() {
  local name=$1; shift
  rm -rf "${T:?}/$name" "$T/$name.port"
  "$PY" "$SINK_PY" --dir "$T/$name" --port-file "$T/$name.port" "$@" 2>"$T/$name.err" &
  sink_pid=$!
  pids+=("$sink_pid")
  for _ in $(seq 100); do [ -s "$T/$name.port" ] && break; sleep 0.05; done
  port=$(cat "$T/$name.port")
}
stop_sink() { kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null; }
# conf PORT [LINE...]: e-mail settings for the sink on PORT, in force for
# every command from now on ($AANWEZIG_SMTP_CONFIG; works for any backend);
# noconf: none.
conf() {
  local p=$1; shift
  printf '%s\n' "url = smtp://127.0.0.1:$p" "starttls = off" "from = aanwezig@gemeente.example" \
    "from-name = Aanwezigheidsprofiel Gemeente Dijkwaard" "retry-first = 1" "retry-max = 2" \
    "timeout = 3" "connect-timeout = 2" "$@" > "$T/mail.smtp"
  export AANWEZIG_SMTP_CONFIG=$T/mail.smtp
}
noconf() { unset AANWEZIG_SMTP_CONFIG; }
# count_in DIR WORD ADDRESS: how many log lines of the sink say WORD ADDRESS.
count_in() { if [ -f "$T/$1/log" ]; then grep -c -x -F "$2 $3" "$T/$1/log"; else echo 0; fi; }
# mails DIR: one line per message taken: rcpt, language, subject, link,
# parts, and whether the HTML holds a raw <script> or a Bcc header exists.
mails() {
  "$PY" - "$T/$1" <<'PY'
import email, glob, os, re, sys
from email import policy
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.eml'))):
    raw = open(path, 'rb').read()
    env = open(path[:-4] + '.env').read().split('\n')
    m = email.message_from_bytes(raw, policy=policy.default)
    text = m.get_body(('plain',)).get_content()
    html = m.get_body(('html',)).get_content()
    link = re.search(r'https?://\S+/r/[A-Za-z0-9_-]{22}', text)
    hlink = re.search(r'href="(https?://[^"]+/r/[A-Za-z0-9_-]{22})"', html)
    ok_link = bool(link and hlink and link.group(0) == hlink.group(1))
    print('\t'.join([env[1], m['Content-Language'] or '-', str(m['Subject']),
                     link.group(0) if link else '-', 'parts=' + ','.join(p.get_content_type() for p in m.walk()),
                     'samelink' if ok_link else 'difflink',
                     'rawscript' if '<script>' in html else 'noscript',
                     'bcc' if m['Bcc'] or b'\nBcc:' in raw else 'nobcc',
                     'msgid=' + (m['Message-ID'] or '-')]))
PY
}
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }

# ---------------------------------------------------------------------------
DB=$(db_target mail)
A init >/dev/null
A leader add --name 'Zoë "de Baas" <b>Dijk</b>' --email leader@gemeente.example --organisation "Gemeente Dijkwaard" >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null

test_case "a malformed e-mail address is refused with a clear message and nothing is added"
run aanwezig --db "$DB" rater add --round 1 --name Piet --email 'piet@@example.org' --group mt
expect_rc 1; expect_err 'the e-mail address "piet@@example.org" must contain exactly one @'
run aanwezig --db "$DB" rater add --round 1 --name Piet --email 'piet@-example.org' --group mt
expect_rc 1; expect_err "hyphen"
printf 'name,email,group,language\nGoed,goed@example.org,mt,nl\nFout,fout@example,mt,en\nTaal,taal@example.org,mt,fr\n' > bad.csv
run aanwezig --db "$DB" rater import --round 1 bad.csv
expect_rc 1; expect_err "line 3: the e-mail address \"fout@example\" has a domain without a dot"
expect_err "line 4: the language must be nl or en"
expect_err "nothing was imported"
expect_eq "$(A round links 1 | wc -l)" "1"

test_case "without an SMTP server the links are handed out by hand, shown and as CSV"
A rater add --round 1 --name 'Piet <script>alert(1)</script> "&"' --email piet@example.org --group mt
A rater add --round 1 --name "Emma Brown" --email emma@example.org --group mt --language en
A rater add --round 1 --name "Bert" --email bert@example.org --group bestuur
run aanwezig --db "$DB" round open 1
expect_rc 0; expect_no_out "queued"
expect_eq "$(A mail list | wc -l)" "0"
run aanwezig --db "$DB" round links 1 --csv
expect_out "piet@example.org"; expect_out "/r/"
expect_eq "$(printf '%s\n' "$out" | wc -l)" "5"
run aanwezig --db "$DB" mail send
expect_rc 1; expect_err "no SMTP server is configured"; expect_err "round links"

test_case "an invitation per invitee is queued once, the leader's own included"
start_sink main
conf "$port"
run aanwezig --db "$DB" round invite 1
expect_rc 0; expect_out "4 messages queued"
run aanwezig --db "$DB" round invite 1
expect_out "0 messages queued"
expect_eq "$(A mail list | grep -c queued)" "4"

# The server answers the links; it sends nothing itself here (no settings).
: > none.smtp
"$AANWEZIG_BIN" --db "$DB" --smtp-config none.smtp serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
serve_pid=$!; pids+=("$serve_pid")
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)

test_case "mail send delivers each invitation once, to the right person, in their language"
run aanwezig --db "$DB" --base-url "$URL" mail send
expect_rc 0; expect_out "4 sent, 0 to try again later, 0 failed"
expect_err "sending: 4/4"
list=$(mails main)
expect_eq "$(printf '%s\n' "$list" | cut -f1 | sort | tr '\n' ' ')" \
  "bert@example.org emma@example.org leader@gemeente.example piet@example.org "
expect_eq "$(printf '%s\n' "$list" | grep -P '^emma@' | cut -f2,3)" $'en\tYour feedback on Zoë "de Baas" <b>Dijk</b>'
expect_eq "$(printf '%s\n' "$list" | grep -P '^piet@' | cut -f2,3)" $'nl\tUw feedback over Zoë "de Baas" <b>Dijk</b>'
expect_eq "$(printf '%s\n' "$list" | grep -P '^leader@' | cut -f2,3)" $'nl\tUw eigen reflectie voor uw aanwezigheidsprofiel'
expect_eq "$(printf '%s\n' "$list" | grep -c 'parts=multipart/alternative,text/plain,text/html')" "4"
expect_eq "$(printf '%s\n' "$list" | grep -c 'samelink')" "4"
expect_eq "$(A mail list | grep -c $'\tsent\t1\t')" "4"

test_case "each link is the invitee's own and opens their questionnaire"
links=$(A --base-url "$URL" round links 1)
for who in piet emma bert; do
  want=$(printf '%s\n' "$links" | grep -F "$who@example.org" | awk '{print $NF}')
  got=$(printf '%s\n' "$list" | grep -P "^$who@" | cut -f4)
  expect_eq "$got" "$want"
  code=$(curl -s -o page.html -w '%{http_code}' "$got")
  expect_eq "$code" "200"
  grep -q "Dijk" page.html || _bad "the page of $who does not name the leader"
done

test_case "hostile names are escaped in the HTML, and no header is added through them"
expect_eq "$(printf '%s\n' "$list" | grep -c 'rawscript')" "0"
expect_eq "$(printf '%s\n' "$list" | grep -c 'nobcc')" "4"
grep -l 'piet@example.org' "$T"/main/*.env | sed 's/env$/eml/' | xargs cat | grep -q 'Piet &lt;script&gt;' \
  || _bad "the escaped name is not in Piet's message"

test_case "sending again sends nothing twice, nor does inviting again"
run aanwezig --db "$DB" mail send
expect_rc 0; expect_out "0 sent"
A round invite 1 >/dev/null
run aanwezig --db "$DB" mail send
expect_out "0 sent"
expect_eq "$(ls "$T"/main/*.eml | wc -l)" "4"
expect_eq "$(printf '%s\n' "$list" | cut -f9 | sort -u | wc -l)" "4"

test_case "a rater added to an open round is invited at once"
A rater add --round 1 --name "Late" --email late@example.org --group mt
run aanwezig --db "$DB" --base-url "$URL" mail send
expect_out "1 sent"
expect_eq "$(count_in main accepted late@example.org)" "1"

test_case "reminders go only to those who have not answered, once a day"
tok=$(A round links 1 | grep -F 'bert@example.org' | sed 's#.*/r/##')
echo '{"answers": {"OMG1": 4}}' > a.json
A response submit --token "$tok" a.json >/dev/null
run aanwezig --db "$DB" round remind 1
expect_rc 0; expect_out "4 messages queued"
run aanwezig --db "$DB" round remind 1
expect_out "0 messages queued"
# The audit log, which every administrator reads on the web, does not
# count them: invited minus reminded is how many answered.
run aanwezig --db "$DB" audit list
printf '%s\n' "$out" | grep -P '\tround\.remind\t' | grep -q queued && _bad "the log counts reminders: $out"
run aanwezig --db "$DB" --base-url "$URL" mail send
expect_out "4 sent"
# Nor does it count what was sent: right after reminders, that is the same.
run aanwezig --db "$DB" audit list
printf '%s\n' "$out" | grep -P '\tmail\.send\t' | grep -q '[0-9] sent' && _bad "the log counts messages sent: $out"
expect_eq "$(count_in main accepted bert@example.org)" "1"
expect_eq "$(count_in main accepted piet@example.org)" "2"
expect_eq "$(mails main | grep -P '^emma@' | grep -c 'Reminder: your feedback on')" "1"
expect_eq "$(mails main | grep -P '^piet@' | grep -c 'Herinnering: uw feedback over')" "1"

test_case "scheduled reminders are queued on their day, once"
run aanwezig --db "$DB" round reminders 1 7,x
expect_rc 1; expect_err "reminder days"
A round reminders 1 7,2 >/dev/null
run aanwezig --db "$DB" round tick --today 2099-12-20
expect_out "0 reminders queued"
run aanwezig --db "$DB" round tick --today 2099-12-24
expect_out "4 reminders queued"
run aanwezig --db "$DB" round tick --today 2099-12-25
expect_out "0 reminders queued"
expect_eq "$(A mail list | grep -c ':d7')" "4"
A --base-url "$URL" mail send >/dev/null 2>&1
expect_eq "$(count_in main accepted bert@example.org)" "1"

test_case "the server sends by itself and stops cleanly on SIGTERM"
kill -TERM "$serve_pid"; wait "$serve_pid"
conf "$port" "interval = 1"
"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve2.out 2> serve2.err &
serve_pid=$!; pids+=("$serve_pid")
for _ in $(seq 100); do grep -q Listening serve2.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve2.out)
A rater add --round 1 --name "Via server" --email via@example.org --group mt
for _ in $(seq 100); do [ "$(count_in main accepted via@example.org)" = 1 ] && break; sleep 0.1; done
expect_eq "$(count_in main accepted via@example.org)" "1"
kill -TERM "$serve_pid"; wait "$serve_pid"; src=$?
expect_eq "$src" "0"
grep -q Stopped serve2.out || _bad "no Stopped line"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' serve2.err; then
  _bad "sanitizer: $(head -c 2000 serve2.err)"
fi
grep -q "sending e-mail through smtp://127.0.0.1:$port" serve2.err || _bad "no start line: $(cat serve2.err)"
stop_sink

# ---------------------------------------------------------------------------
DB=$(db_target retry)
A init >/dev/null
A leader add --name "Anna" --email anna@gemeente.example --organisation "Gemeente Dijkwaard" --language en >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
A rater add --round 1 --name "Kees" --email kees@example.org --group mt
A rater add --round 1 --name "Weg" --email gone@example.org --group mt

test_case "a temporary refusal, then acceptance, delivers exactly once"
start_sink refuse --refuse-first 2 --reject gone@example.org
conf "$port"
A round open 1 >/dev/null
run aanwezig --db "$DB" mail send
expect_out "0 sent, 2 to try again later, 1 failed"
sleep 1.2
run aanwezig --db "$DB" mail send
sleep 2.2
run aanwezig --db "$DB" mail send
expect_eq "$(count_in refuse accepted anna@gemeente.example)" "1"
expect_eq "$(count_in refuse accepted kees@example.org)" "1"
expect_eq "$(grep -c '^refused 451' "$T/refuse/log")" "2"
expect_eq "$(A mail list | grep -c $'\tsent\t')" "2"

test_case "a permanent refusal marks the message failed with the server's answer"
run aanwezig --db "$DB" mail list
expect_out $'failed\t1\tgone@example.org\tinvite:3\t550 5.1.1 <gone@example.org>: Recipient address rejected'
expect_eq "$(count_in refuse 'rejected 550' gone@example.org)" "1"

test_case "a failed message can be queued again by hand, and is refused again"
run aanwezig --db "$DB" mail retry 3
expect_rc 0; expect_out "queued again"
run aanwezig --db "$DB" mail retry 2
expect_rc 1; expect_err "only a failed one"
run aanwezig --db "$DB" mail send
expect_rc 1; expect_err "550 5.1.1"
expect_eq "$(count_in refuse 'rejected 550' gone@example.org)" "2"
stop_sink

test_case "a server that hangs times out, and the message stays queued; nothing is lost"
start_sink hang --hang
conf "$port"
A rater add --round 1 --name "Geduld" --email wait@example.org --group mt
A rater add --round 1 --name "Ook" --email also@example.org --group mt
start=$(date +%s)
run aanwezig --db "$DB" mail send
took=$(( $(date +%s) - start ))
expect_rc 0; expect_out "0 sent, 1 to try again later, 0 failed"
expect_err "did not answer"
[ "$took" -le 8 ] || _bad "mail send took $took s against a hanging server"
expect_eq "$(A mail list | grep -c $'\tqueued\t')" "2"
stop_sink
start_sink after
conf "$port"
sleep 1.2
run aanwezig --db "$DB" mail send
expect_out "2 sent"
expect_eq "$(count_in after accepted wait@example.org)" "1"
expect_eq "$(count_in after accepted also@example.org)" "1"
stop_sink

test_case "an unreachable server stops the run; the messages wait"
conf "$port"
A rater add --round 1 --name "Dicht" --email closed@example.org --group mt
run aanwezig --db "$DB" mail send
expect_rc 0; expect_out "1 to try again later"; expect_err "did not answer"
expect_eq "$(A mail list | grep -c $'\tqueued\t')" "1"

# ---------------------------------------------------------------------------
test_case "STARTTLS with a login: sent when right, stopped and kept when wrong"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout key.pem -out cert.pem 2>/dev/null
start_sink tls --tls cert.pem key.pem --auth aanwezig:geheim
printf 'geheim\n' > pw; chmod 600 pw
DB=$(db_target tls)
A init >/dev/null
A leader add --name "Anna" --email anna@gemeente.example --organisation "Gemeente Dijkwaard" >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
printf 'wrong\n' > badpw; chmod 600 badpw
conf "$port" "starttls = required" "ca-file = cert.pem" "user = aanwezig" "password-file = badpw"
A round open 1 >/dev/null
run aanwezig --db "$DB" mail send
expect_rc 1; expect_err "refused the settings"; expect_err "535"
expect_eq "$(A mail list | grep -c $'\tqueued\t')" "1"
conf "$port" "starttls = required" "ca-file = cert.pem" "user = aanwezig" "password-file = pw"
sleep 1.2
run aanwezig --db "$DB" mail send
expect_rc 0; expect_out "1 sent"
expect_eq "$(count_in tls 'auth ok' aanwezig)" "1"
expect_eq "$(count_in tls accepted anna@gemeente.example)" "1"
stop_sink

test_case "STARTTLS required but not offered: nothing is sent in the clear"
start_sink plain
A rater add --round 1 --name "Kees" --email kees@example.org --group mt
conf "$port" "starttls = required"
run aanwezig --db "$DB" mail send
expect_rc 1; expect_err "refused the settings"
expect_eq "$(count_in plain accepted kees@example.org)" "0"
expect_eq "$(A mail list | grep -c $'\tqueued\t')" "1"
stop_sink

test_case "a password file others can read, or a password in the settings, is refused"
chmod 644 pw
conf "$port" "user = aanwezig" "password-file = pw"
run aanwezig --db "$DB" mail send
expect_rc 1; expect_err "chmod 600"
conf "$port" "password = geheim"
run aanwezig --db "$DB" round list
expect_rc 1; expect_err "mail.smtp:9: put the password in a file of its own"
noconf

# ---------------------------------------------------------------------------
DB=$(db_target life)
A init >/dev/null
A leader add --name "Anna" --email anna@gemeente.example --organisation "Gemeente Dijkwaard" >/dev/null
A round new --leader 1 >/dev/null
A rater add --round 1 --name "Kees" --email kees@example.org --group mt
today=$(date -u +%F)
tomorrow=$(date -u -d tomorrow +%F)
A round open 1 --closes "$today" >/dev/null

test_case "a round closes itself after its deadline, and the log says so"
run aanwezig --db "$DB" round tick --today "$today"
expect_out "0 rounds closed"
run aanwezig --db "$DB" round tick --today "$tomorrow"
expect_out "1 round closed"
expect_eq "$(A round list | cut -f3)" "closed"
run aanwezig --db "$DB" round tick --today "$tomorrow"
expect_out "0 rounds closed"
run aanwezig --db "$DB" audit list
expect_out $'cli\tround.close\tround 1\tthe deadline '"$today"' passed'

test_case "raters' names and addresses are erased after the retention period"
run aanwezig --db "$DB" privacy retention --days 1
expect_out "0 invitations"
run aanwezig --db "$DB" privacy retention --days 0
expect_rc 0; expect_out "1 invitation of rounds closed 0 days ago or longer erased"
A privacy export --leader 1 -o life.json
expect_eq "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["rounds"][0]["invited"]; print(r)' life.json)" \
  "[{'name': None, 'email': None, 'group': 'mt'}]"
A privacy retention --set 30 >/dev/null
run aanwezig --db "$DB" audit list
expect_out $'cli\tprivacy.retention\traters\t1 invitations of rounds closed on or before '"$today"
expect_out $'cli\tprivacy.retention.set\tinstance\t30 days'

test_case "the server erases by itself once the retention period has passed"
A round new --leader 1 >/dev/null
A rater add --round 2 --name "Joke" --email joke@example.org --group mt
A round open 2 --closes "$today" >/dev/null
A round close 2 >/dev/null
A privacy retention --set 0 >/dev/null
"$AANWEZIG_BIN" --db "$DB" --smtp-config none.smtp serve --listen 127.0.0.1:0 > serve4.out 2> serve4.err &
serve_pid=$!; pids+=("$serve_pid")
for _ in $(seq 100); do A audit list | grep -q $'system\tprivacy.retention' && break; sleep 0.1; done
kill -TERM "$serve_pid"; wait "$serve_pid"
run aanwezig --db "$DB" audit list
expect_out $'system\tprivacy.retention\traters\t1 invitations of rounds closed on or before '"$today"
grep -q "1 rater' names erased" serve4.err || _bad "the server did not say so: $(cat serve4.err)"
A privacy retention --set 90 >/dev/null

test_case "releasing a round queues the leader's notice, whose link opens the report"
start_sink notice
conf "$port"
run aanwezig --db "$DB" round release 1
expect_rc 0; expect_out "the leader's notice is queued"
"$AANWEZIG_BIN" --db "$DB" --smtp-config none.smtp serve --listen 127.0.0.1:0 > serve3.out 2> serve3.err &
serve_pid=$!; pids+=("$serve_pid")
for _ in $(seq 100); do grep -q Listening serve3.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve3.out)
run aanwezig --db "$DB" --base-url "$URL" mail send
expect_out "1 sent"
plink=$("$PY" - "$T"/notice/0001.eml <<'PY'
import email, re, sys
from email import policy
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
print(m['Subject'], re.search(r'\S+/p/[A-Za-z0-9_-]{22}[0-9]+', m.get_body(('plain',)).get_content()).group(0))
PY
)
expect_eq "${plink% *}" "Uw aanwezigheidsprofiel staat klaar"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "${plink##* }")" "200"
kill -TERM "$serve_pid"; wait "$serve_pid"
stop_sink
noconf

# ---------------------------------------------------------------------------
DB=$(db_target demo)
"$AANWEZIG_BIN" demo --no-serve --db "$DB" >/dev/null

test_case "the privacy export is valid JSON with the leader's data and no single rater's answers"
run aanwezig --db "$DB" privacy export --leader 1 -o export.json
expect_rc 0
out=$("$PY" - export.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print('leader', d['leader']['name'] is not None, d['leader']['email'] is not None)
print('rounds', len(d['rounds']))
def walk(x, path):
    if isinstance(x, dict):
        for k, v in x.items():
            yield path + [k], v
            yield from walk(v, path + [k])
    elif isinstance(x, list):
        for v in x:
            yield from walk(v, path)
answers = [p for p, v in walk(d, []) if p[-1] == 'answers']
print('answers-only-self', all(p[-2] == 'self' for p in answers), len(answers))
print('states', any(p[-1] in ('state', 'submitted', 'submitted_on') and 'invited' in p for p, v in walk(d, [])))
r0 = d['rounds'][0]
print('invited', len(r0['invited']), sorted(r0['invited'][0].keys()))
print('report', 'report' in r0 and 'withheld' not in r0['report'])
print('open', d['rounds'][1].get('report'))
PY
)
expect_out "leader True True"
expect_out "rounds 2"
expect_out "answers-only-self True 2"
expect_out "states False"
expect_out "invited 34 ['email', 'group', 'name']"
expect_out "report True"
expect_out "open None"

test_case "privacy erase asks for confirmation and then leaves nothing of the leader"
run aanwezig --db "$DB" privacy erase --leader 1
expect_rc 2; expect_err "add --yes"
run aanwezig --db "$DB" privacy erase --leader 1 --yes
expect_rc 0
expect_eq "$(A leader list | wc -l)" "0"
expect_eq "$(A round list | wc -l)" "0"
run aanwezig --db "$DB" privacy export --leader 1
expect_rc 1; expect_err "no leader 1"
for tbl in leaders rounds invitations responses drafts outbox; do
  expect_eq "$(db_sql "$DB" "select count(*) from $tbl")" "0"
done
run aanwezig --db "$DB" audit list
expect_out $'cli\tprivacy.erase\tleader 1'
expect_out $'cli\tprivacy.export\tleader 1'

test_case "the audit log records the administrative actions of the command line"
DB=$(db_target mail)
run aanwezig --db "$DB" audit list --limit 500
for act in leader.add rater.add round.open round.invite round.remind round.reminders mail.send; do
  printf '%s' "$out" | grep -q -P "\tcli\t$act\t" || _bad "no $act in the log"
done
DB=$(db_target retry)
run aanwezig --db "$DB" audit list
expect_out $'cli\tmail.retry\tmessage 3'

test_case "bulk work shows a bar on a terminal and a plain count elsewhere"
DB=$(db_target bulk)
A init >/dev/null
A leader add --name "Anna" --email anna@gemeente.example --organisation "Gemeente Dijkwaard" >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in $(seq 1 200); do echo "Rater $i,r$i@example.org,medewerkers"; done; } > many.csv
run aanwezig --db "$DB" rater import --round 1 many.csv
expect_rc 0; expect_out "200 raters invited"
expect_err "checking: 200/200"
[ "$(printf '%s\n' "$err" | grep -c '^checking:')" -le 11 ] || _bad "too many progress lines"
A round new --leader 1 --closes 2099-12-31 >/dev/null
script -qec "$AANWEZIG_BIN --db '$DB' rater import --round 2 many.csv" /dev/null > tty.out
grep -q '\[####################################\]    200/200' tty.out || _bad "no bar on a terminal: $(head -c 300 tty.out)"
start_sink bulk
conf "$port"
A round open 1 >/dev/null
run aanwezig --db "$DB" mail send --max 20
expect_out "20 sent"; expect_err "sending: 20/20"

test_case "two senders at once send every message exactly once"
A mail send > send1.out 2> send1.err &
s1=$!
A mail send > send2.out 2> send2.err &
s2=$!
wait "$s1"; r1=$?; wait "$s2"; r2=$?
expect_eq "$r1 $r2" "0 0"
n1=$(sed -n 's/^\([0-9]*\) sent.*/\1/p' send1.out); n2=$(sed -n 's/^\([0-9]*\) sent.*/\1/p' send2.out)
expect_eq "$((n1 + n2))" "181"
expect_eq "$(ls "$T"/bulk/*.eml | wc -l)" "201"
expect_eq "$(cut -d' ' -f2 "$T/bulk/log" | sort | uniq -d | wc -l)" "0"
expect_eq "$(A mail list | grep -c $'\tsent\t1\t')" "201"
if grep -q -e 'AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' send1.err send2.err; then _bad "sanitizer"; fi
stop_sink
noconf

test_case "invitations sent after some answered by a link handed out go to everyone, so the outbox tells nobody who answered"
DB=$(db_target late)
A init >/dev/null
A leader add --name Lea --email lea@gemeente.example --organisation "Gemeente Dijkwaard" >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
A rater add --round 1 --name Ans --email ans@example.org --group mt
A rater add --round 1 --name Bob --email bob@example.org --group mt
A round open 1 >/dev/null
tok=$(A round links 1 | grep -F ' Ans ' | sed 's#.*/r/##')
echo '{"answers": {"OMG1": 4}, "open": {}}' > late.json
A response submit --token "$tok" late.json >/dev/null
start_sink late
conf "$port"
run aanwezig --db "$DB" round invite 1
expect_rc 0; expect_out "3 messages queued"
expect_eq "$(A mail list | grep -c 'ans@example.org')" "1"
# A reminder still goes only to those who have not answered.
run aanwezig --db "$DB" round remind 1
expect_out "2 messages queued"
stop_sink
noconf

finish
