#!/usr/bin/env bash
# Slow clients (slowloris-style trickling headers and bodies) do not starve
# others; oversized headers are refused cleanly.
. "$(dirname "$0")/lib.sh"
DB=$(db_target s)
"$AANWEZIG_BIN" --db "$DB" init >/dev/null
"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
port=${URL##*:}

test_case "300 trickling connections do not keep others from being served"
python3 - "$port" > slow.out 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(300):
    s = socket.create_connection(("127.0.0.1", port))
    # Half trickle headers, half announce a body and trickle it.
    if i % 2:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    else:
        s.sendall(b"POST /r/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
    socks.append(s)
for step in range(8):
    for s in socks:
        try:
            s.sendall(b"X-a: b\r\n" if socks.index(s) % 2 else b"a")
        except OSError:
            pass
    time.sleep(0.5)
print("held", len(socks))
PY
slow=$!
sleep 1
worst=0
for i in $(seq 20); do
  t=$(curl -s -o /dev/null -w '%{time_total}' -m 5 "$URL/healthz")
  ms=$(python3 -c "print(int(float('$t') * 1000))")
  [ "$ms" -gt "$worst" ] && worst=$ms
done
wait $slow
[ "$worst" -lt 1000 ] || _bad "a normal request took $worst ms beside the slow ones"
grep -q "held 300" slow.out || _bad "the slow clients did not run: $(cat slow.out)"
echo "# slowest of 20 normal requests beside 300 slow connections: $worst ms"

test_case "oversized headers are refused cleanly"
big=$(head -c 40000 /dev/zero | tr "\\0" a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$URL/healthz")
[ "$code" = 431 ] || [ "$code" = 413 ] || [ "$code" = 400 ] || _bad "got $code for a 40 KB header"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")
expect_eq "$code" "200"

test_case "the server stops cleanly afterwards"
kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' serve.err; then _bad "sanitizer: $(head -c 1500 serve.err)"; fi

finish
