#!/usr/bin/env bash
# /metrics: the Prometheus text format (checked by promcheck.py, which is
# shown to reject broken scrapes first), counters that move with the
# requests made, and who may read it: this machine without a proxy, or a
# bearer token, or nobody.
. "$(dirname "$0")/lib.sh"
DB=$(db_target m)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
check() { python3 "$REPO/tests/e2e/promcheck.py" "$@"; }
A init >/dev/null
A leader add --name L --email l@example.org --organisation O >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
{ echo "name,email,group"; for i in 1 2 3; do echo "R$i,r$i@example.org,medewerkers"; done; } > raters.csv
A rater import --round 1 raters.csv >/dev/null
A round open 1 >/dev/null
mapfile -t toks < <(A round links 1 | grep medewerkers | sed 's#.*/r/##')
items=$(A instrument show | awk '/^  [A-Z][A-Z0-9-]+ +\[/ {print $1}')

serve() { # serve OPTIONS...: start a server, set pid and URL
  "$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 "$@" > serve.out 2> serve.err &
  pid=$!
  for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
}
stop() { kill -TERM "$pid"; wait "$pid"; }
# value NAME_AND_LABELS: the sample's value in scrape.txt (0 when absent)
value() { awk -v k="$1" '$1 == k {v = $2} END {print v + 0}' scrape.txt; }
scrape() { curl -s "$@" "$URL/metrics" > scrape.txt; }

test_case "the checker rejects what Prometheus would reject"
printf '# TYPE a counter\na 1\n' > good.txt
run check good.txt; expect_rc 0
printf 'a 1\n' > bad1.txt                                    # no TYPE
printf '# TYPE a counter\na{x="1} 1\n' > bad2.txt            # broken label
printf '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n' > bad3.txt
printf '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n' > bad4.txt   # no +Inf
printf '# TYPE a counter\na 1\na 2\n' > bad5.txt             # twice
printf '# TYPE a counter\na one\n' > bad6.txt                # not a number
for f in bad1 bad2 bad3 bad4 bad5 bad6; do
  run check $f.txt; [ "$rc" -eq 1 ] || _bad "$f.txt was accepted"
done

serve
test_case "/metrics answers this machine in the Prometheus text format"
code=$(curl -s -o scrape.txt -w '%{http_code} %{content_type}' "$URL/metrics")
expect_eq "$code" "200 text/plain; version=0.0.4; charset=utf-8"
run check scrape.txt
expect_rc 0
expect_out "ok"
backend=sqlite; [ -n "${AANWEZIG_TEST_PG:-}" ] && backend=postgresql
grep -q "^aanwezig_build_info{version=\"[0-9.]*\",backend=\"$backend\"} 1\$" scrape.txt || _bad "no build info"
start=$(value process_start_time_seconds)
now=$(date +%s)
[ "$start" -le "$now" ] && [ "$start" -gt $((now - 60)) ] || _bad "start time $start, now $now"
expect_eq "$(value aanwezig_store_up)" "1"

test_case "counters move with requests: pages, statuses, latencies, drafts and submissions"
scrape
get0=$(value 'aanwezig_http_requests_total{method="GET",route="/r/",status="2xx"}')
none0=$(value 'aanwezig_http_requests_total{method="any",route="none",status="4xx"}')
cnt0=$(value 'aanwezig_http_request_duration_seconds_count{method="GET",route="/r/"}')
sub0=$(value aanwezig_submissions_total)
dr0=$(value aanwezig_drafts_saved_total)
post0=$(value 'aanwezig_http_requests_total{method="POST",route="/r/",status="3xx"}')
post4=$(value 'aanwezig_http_requests_total{method="POST",route="/r/",status="4xx"}')
for i in 1 2 3; do curl -s -o /dev/null "$URL/r/${toks[0]}"; done
curl -s -o /dev/null "$URL/no/such/page"
csrf=$(curl -s "$URL/r/${toks[1]}?p=1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -s -o /dev/null --data "csrf=$csrf&step=1&go=next&a_OMG1=2" "$URL/r/${toks[1]}"
body="csrf=$csrf&step=4&go=submit"; for i in $items; do body="$body&a_$i=3"; done
curl -s -o /dev/null --data "$body" "$URL/r/${toks[1]}"
scrape
run check scrape.txt; expect_rc 0
expect_eq "$(value 'aanwezig_http_requests_total{method="GET",route="/r/",status="2xx"}')" "$((get0 + 4))"
expect_eq "$(value 'aanwezig_http_requests_total{method="any",route="none",status="4xx"}')" "$((none0 + 1))"
expect_eq "$(value 'aanwezig_http_request_duration_seconds_count{method="GET",route="/r/"}')" "$((cnt0 + 4))"
# The page saved with questions left open is shown again (422), its draft saved.
expect_eq "$(value 'aanwezig_http_requests_total{method="POST",route="/r/",status="4xx"}')" "$((post4 + 1))"
expect_eq "$(value 'aanwezig_http_requests_total{method="POST",route="/r/",status="3xx"}')" "$((post0 + 1))"
expect_eq "$(value aanwezig_drafts_saved_total)" "$((dr0 + 1))"
expect_eq "$(value aanwezig_submissions_total)" "$((sub0 + 1))"
inf=$(value 'aanwezig_http_request_duration_seconds_bucket{method="GET",route="/r/",le="+Inf"}')
expect_eq "$inf" "$((cnt0 + 4))"
sum=$(value 'aanwezig_http_request_duration_seconds_sum{method="GET",route="/r/"}')
awk -v s="$sum" 'BEGIN {exit !(s > 0 && s < 10)}' || _bad "latency sum $sum"

test_case "the outbox's state is reported, read from the store"
for s in queued sending sent failed; do
  grep -q "^aanwezig_outbox_messages{state=\"$s\"} 0$" scrape.txt || _bad "no outbox state $s"
done

test_case "a request that came through a proxy gets the 404 of an unknown page"
for h in "X-Forwarded-For: 203.0.113.9" "X-Real-IP: 203.0.113.9" "Forwarded: for=203.0.113.9"; do
  code=$(curl -s -o page.html -w '%{http_code}' -H "$h" "$URL/metrics")
  expect_eq "$code" "404"
  grep -q aanwezig_http_requests_total page.html && _bad "counters shown through a proxy ($h)"
done
stop

test_case "--no-metrics turns it off"
serve --no-metrics
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/metrics")" "404"
stop

test_case "with a token, only a request with the bearer token gets it"
printf 'tok-%s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > metrics.token
chmod 600 metrics.token
serve --metrics-token-file metrics.token
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/metrics")" "404"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong-token-0123456789' "$URL/metrics")" "404"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -c 10 metrics.token)" "$URL/metrics")" "404"
scrape -H "Authorization: Bearer $(cat metrics.token)" -H "X-Forwarded-For: 203.0.113.9"
run check scrape.txt; expect_rc 0
stop

test_case "a bad token file stops the server at start with a clear message"
echo short > short.token
run aanwezig --db "$DB" serve --listen 127.0.0.1:0 --metrics-token-file short.token
expect_rc 1
expect_err "must be one line of at least 16 printable characters"
run aanwezig --db "$DB" serve --listen 127.0.0.1:0 --metrics-token-file nothere.token
expect_rc 1
expect_err "cannot read the metrics token nothere.token"
run aanwezig --db "$DB" serve --no-metrics --metrics-token-file metrics.token
expect_rc 2

finish
