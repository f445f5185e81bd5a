#!/usr/bin/env bash
# The files in dist/ that docs/operations.md tells administrators to
# install: the systemd units pass `systemd-analyze verify`, the nginx
# example passes `nginx -t` (with a self-signed certificate in place of the
# real one), and the service's command line is one `aanwezig serve` takes.
. "$(dirname "$0")/lib.sh"
D=$REPO/dist

test_case "the systemd units verify"
if command -v systemd-analyze >/dev/null; then
  mkdir -p units
  for u in aanwezig.service aanwezig-backup.service aanwezig-backup.timer; do
    sed "s#/usr/local/bin/aanwezig#$AANWEZIG_BIN#g" "$D/$u" > "units/$u"
  done
  run systemd-analyze verify --man=no units/aanwezig.service units/aanwezig-backup.service units/aanwezig-backup.timer
  expect_rc 0
  # verify prints problems but does not always fail on them
  printf '%s' "$err" | grep -v -e 'Failed to read \$container' -e 'riscv_hwprobe' -e 'uretprobe' \
    -e 'tmp.mount' -e '^$' | grep -q . && _bad "systemd-analyze: $err"
else
  echo "# systemd-analyze is not installed: skipped"
fi

test_case "the unit's hardening is there"
for k in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes StateDirectory=aanwezig \
         'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' CapabilityBoundingSet= User=aanwezig; do
  grep -q "^$k\$" "$D/aanwezig.service" || _bad "aanwezig.service lacks $k"
done

test_case "the service's command line is one the server takes"
exec_line=$(sed -n 's/^ExecStart=[^ ]* //p' "$D/aanwezig.service")
DB=$T/svc.db
"$AANWEZIG_BIN" --db "$DB" init >/dev/null
# shellcheck disable=SC2086
set -- $exec_line
args=()
for a in "$@"; do
  case $a in
    127.0.0.1:8080) args+=("127.0.0.1:0") ;;
    /var/lib/aanwezig/aanwezig.db.key) args+=("$DB.key") ;;
    *) args+=("$a") ;;
  esac
done
"$AANWEZIG_BIN" --db "$DB" "${args[@]}" > svc.out 2> svc.err &
pid=$!
for _ in $(seq 100); do grep -q Listening svc.out 2>/dev/null && break; sleep 0.05; done
grep -q Listening svc.out || _bad "the server did not start: $(cat svc.err)"
kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0"

test_case "the nginx example passes nginx -t"
if command -v nginx >/dev/null && command -v openssl >/dev/null; then
  mkdir -p ngx/conf.d ngx/logs
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=feedback.example.nl \
    -keyout ngx/key.pem -out ngx/cert.pem 2>/dev/null
  sed -e "s#/etc/letsencrypt/live/feedback.example.nl/fullchain.pem#$T/ngx/cert.pem#" \
      -e "s#/etc/letsencrypt/live/feedback.example.nl/privkey.pem#$T/ngx/key.pem#" \
      -e "s#/var/log/nginx/#$T/ngx/logs/#" "$D/nginx-aanwezig.conf" > ngx/conf.d/aanwezig.conf
  cat > ngx/nginx.conf <<NGX
pid $T/ngx/nginx.pid;
error_log $T/ngx/logs/error.log;
events {}
http {
  client_body_temp_path $T/ngx/body;
  proxy_temp_path $T/ngx/proxy;
  include $T/ngx/conf.d/*.conf;
}
NGX
  run nginx -t -p "$T/ngx" -c "$T/ngx/nginx.conf"
  expect_rc 0
  expect_err "test is successful"
else
  echo "# nginx or openssl is not installed: skipped"
fi

finish
