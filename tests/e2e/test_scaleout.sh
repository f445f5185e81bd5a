#!/usr/bin/env bash
# Several processes, one database: two `aanwezig serve` processes on one
# database (PostgreSQL when AANWEZIG_TEST_PG is set, else one SQLite file),
# behind nginx (round robin, loopback only, failed requests tried on the
# other process, POSTs included). Raters answer through nginx; in the middle
# one process is killed with SIGKILL. Meanwhile both processes send the
# invitations of the round to a real SMTP server (tests/e2e/smtp_sink.py).
# Then: every acknowledged submission is stored exactly once, no rater saw
# an error, no e-mail went out twice, and the surviving process still serves
# everyone and sends the rest.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3        # Debian's python, with python3-aiosmtpd
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT
if ! command -v nginx >/dev/null; then
  test_case "nginx is installed"; _bad "nginx is missing (scripts/install-deps installs nginx-light)"; finish; exit
fi
DB=$(db_target s)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
nraters=${SCALEOUT_RATERS:-240}
ninvite=$((nraters * 3))   # invited to the second round, opened just before the kill
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
  test_case "python3-aiosmtpd is installed"; _bad "python3-aiosmtpd is missing (scripts/install-deps)"; finish; exit
fi
mkdir -p sink
"$PY" "$REPO/tests/e2e/smtp_sink.py" --dir "$T/sink" --port-file "$T/sink.port" 2> sink.err &
pids+=($!)
for _ in $(seq 100); do [ -s sink.port ] && break; sleep 0.05; done
printf '%s\n' "url = smtp://127.0.0.1:$(cat sink.port)" "starttls = off" "from = aanwezig@gemeente.example" \
  "interval = 1" "retry-first = 1" "timeout = 5" "connect-timeout = 2" > mail.smtp
export AANWEZIG_SMTP_CONFIG=$T/mail.smtp
A init >/dev/null
A leader add --name L --email l@example.org --organisation O >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in $(seq "$nraters"); do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
A rater import --round 1 raters.csv >/dev/null 2>&1
A round open 1 >/dev/null   # queues the invitations; the servers send them
A round links 1 | grep medewerkers | sed 's#.*/r/##' > tokens
# A second round whose invitations go out while the process is killed.
A leader add --name M --email m@example.org --organisation O >/dev/null
A round new --leader 2 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in $(seq "$ninvite"); do echo "S$i,s$i@example.org,medewerkers"; done; } > raters2.csv
A rater import --round 2 raters2.csv >/dev/null 2>&1
items=$(A instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# serve NAME: a server process on the database; sets pid_NAME, port_NAME
serve() {
  "$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 --trust-proxy > "serve.$1" 2>> "serve.$1.err" &
  eval "pid_$1=$!"
  pids+=($!)
  for _ in $(seq 100); do grep -q Listening "serve.$1" 2>/dev/null && break; sleep 0.05; done
  eval "port_$1=$(sed -n 's/^Listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "serve.$1")"
}
serve a
serve b
NPORT=$(free_port)
mkdir -p ngx
cat > ngx/nginx.conf <<EOF
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
worker_processes 1;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $T/ngx/body;
  proxy_temp_path $T/ngx/proxy;
  client_max_body_size 64k;
  upstream aanwezig { server 127.0.0.1:$port_a; server 127.0.0.1:$port_b; }
  server {
    listen 127.0.0.1:$NPORT;
    location / {
      proxy_pass http://aanwezig;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
    }
  }
}
EOF
nginx -p "$T/ngx" -c "$T/ngx/nginx.conf" -g 'daemon off;' 2> ngx/stderr &
ngx=$!
pids+=($ngx)
URL=http://127.0.0.1:$NPORT
for _ in $(seq 50); do curl -s -o /dev/null "$URL/healthz" && break; sleep 0.1; done

test_case "nginx passes requests to both processes in turn"
healthz() { curl -s "http://127.0.0.1:$1/metrics" | awk '$1 ~ /route="\/healthz",status="2xx"/ {print $2}'; }
ma=$(healthz "$port_a"); mb=$(healthz "$port_b")
for i in 1 2 3 4; do curl -s "$URL/healthz" > /dev/null; done
expect_eq "$(( $(healthz "$port_a") - ma )) $(( $(healthz "$port_b") - mb ))" "2 2"

body_for() { local d="csrf=$1&step=4&go=submit&o_mist=x"; for i in $items; do d="$d&a_$i=$(( (RANDOM % 5) + 1 ))"; done; printf '%s' "$d"; }
# rater TOKEN...: open the link, save a page, send everything. A submission
# is acknowledged by the 303 after it, or by the receipt page when a
# request tried again on the other process found it already stored. Every
# reply that is not one a rater should see goes to errors.
rater() {
  for t in "$@"; do
    page=$(curl -s -m 10 -w '\n%{http_code}' "$URL/r/$t?p=1")
    code=${page##*$'\n'}
    [ "$code" = 200 ] || { echo "GET $code $t" >> errors; continue; }
    csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
    code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' --data "csrf=$csrf&step=1&go=back&a_OMG1=3" "$URL/r/$t")
    [ "$code" = 303 ] || echo "draft $code $t" >> errors
    code=$(curl -s -m 10 -o reply.$BASHPID -w '%{http_code}' --data-binary "$(body_for "$csrf")" "$URL/r/$t")
    if [ "$code" = 303 ] || { [ "$code" = 200 ] && grep -q "antwoorden zijn binnen" reply.$BASHPID; }; then
      echo "$t" >> acked
    else
      echo "submit $code $t" >> errors
    fi
  done
}

test_case "a rater load through nginx while one process is killed with SIGKILL"
: > acked; : > errors
per=$((nraters / 4))
mapfile -t all < tokens
for k in 0 1 2 3; do rater "${all[@]:$((k * per)):$per}" & eval "r$k=\$!"; done
# Kill when about a third of the load has been acknowledged.
for _ in $(seq 400); do [ "$(wc -l < acked)" -ge $((nraters / 3)) ] && break; sleep 0.05; done
before_kill=$(wc -l < acked)
A round open 2 >/dev/null
for _ in $(seq 400); do [ "$(grep -c '^accepted s' sink/log)" -ge 20 ] && break; sleep 0.02; done
sent_before_kill=$(grep -c '^accepted' sink/log)
kill -KILL "$pid_a"; wait "$pid_a" 2>/dev/null
queued=$(db_sql "$DB" "select count(*) from outbox")
wait $r0 $r1 $r2 $r3
after=$(sort -u acked | wc -l)
echo "# $after submissions acknowledged, $before_kill before the kill"
[ "$before_kill" -gt 0 ] && [ "$after" -gt "$before_kill" ] || _bad "the kill did not fall in the middle ($before_kill / $after)"
[ -s errors ] && _bad "raters saw errors: $(head -5 errors)"
expect_eq "$after" "$nraters"

test_case "every acknowledged submission is stored exactly once"
hashes=$(while read -r t; do printf '%s' "$t" | b2sum -l 256 | cut -d' ' -f1; done < <(sort -u acked) | sed "s/.*/'&'/" | paste -sd, -)
stored=$(db_sql "$DB" "select count(*) from invitations where state = 'submitted' and token_hash in ($hashes)")
expect_eq "$stored" "$after"
submitted=$(db_sql "$DB" "select count(*) from invitations where state = 'submitted'")
responses=$(db_sql "$DB" "select count(*) from responses")
expect_eq "$responses" "$submitted"
expect_eq "$(db_sql "$DB" "select count(*) from (select response_id from answers group by response_id having count(*) <> 37) x")" "0"

test_case "the surviving process serves every link through nginx"
for t in $(head -n 20 tokens); do
  curl -s "$URL/r/$t" | grep -q "antwoorden zijn binnen" || _bad "link $t shows no receipt"
done
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" "200"

test_case "no e-mail went out twice, and the surviving process sent the rest"
# Wait for the queue to empty (the survivor sends every second).
for _ in $(seq 300); do
  [ "$(db_sql "$DB" "select count(*) from outbox where state = 'queued'")" = 0 ] && break; sleep 0.2
done
accepted=$(grep -c '^accepted' sink/log)
sent=$(db_sql "$DB" "select count(*) from outbox where state = 'sent'")
failed=$(db_sql "$DB" "select count(*) from outbox where state = 'failed'")
sending=$(db_sql "$DB" "select count(*) from outbox where state = 'sending'")
echo "# $queued messages: $accepted taken by the SMTP server ($sent_before_kill before the kill), $failed failed, $sending left sending by the killed process"
expect_eq "$(grep '^accepted' sink/log | sort | uniq -d | wc -l)" "0"
expect_eq "$(db_sql "$DB" "select count(*) from outbox where state = 'queued'")" "0"
# A message the killed process was sending may have gone out: it stays
# "sending" until its lease runs out, then "failed", never sent again.
[ "$accepted" -ge "$sent" ] && [ "$accepted" -le $((sent + sending + failed)) ] ||
  _bad "$accepted taken by the server, $sent marked sent, $sending sending, $failed failed"
expect_eq "$((sent + failed + sending))" "$queued"
[ "$((failed + sending))" -le 1 ] || _bad "$failed failed, $sending sending: more than the one in flight"
[ "$sent_before_kill" -gt 0 ] && [ "$sent_before_kill" -lt "$queued" ] || _bad "the kill did not fall while sending ($sent_before_kill of $queued)"

kill -TERM "$pid_b" "$ngx"; wait "$pid_b" "$ngx" 2>/dev/null
finish
