#!/usr/bin/env bash
# sqlmap (Debian's package) against every route that takes parameters:
# nothing injectable. The token in the path never reaches SQL as text (it
# must be 22 base64url characters, and only its hash is looked up); the
# query and form parameters are tested here.
. "$(dirname "$0")/lib.sh"
DB=$(db_target q)
A() { "$AANWEZIG_BIN" --db "$DB" "$@"; }
if ! command -v sqlmap >/dev/null; then
  test_case "sqlmap is installed"
  _bad "sqlmap is missing (scripts/install-deps --test installs it)"
  finish; exit
fi
A init >/dev/null
A leader add --name L --email l@example.org --organisation O >/dev/null
A round new --leader 1 --closes 2099-12-31 >/dev/null
A rater add --round 1 --name Rater --email r@example.org --group mt
A round open 1 >/dev/null
tok=$(A round links 1 | grep -F ' Rater ' | sed 's#.*/r/##')
"$AANWEZIG_BIN" --db "$DB" serve --listen 127.0.0.1:0 > serve.out 2> serve.err &
pid=$!
for _ in $(seq 100); do grep -q Listening serve.out 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^Listening on \([^ ]*\).*/\1/p' serve.out)
csrf=$(curl -s "$URL/r/$tok?p=1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)

# sqlmap URL [--data BODY]: passes when sqlmap finds no injection point.
scan() {
  sqlmap --batch --flush-session --disable-coloring --level=2 --risk=1 --threads=2 \
         --output-dir="$T/sqlmap" --timeout=5 --retries=0 "$@" > sqlmap.log 2>&1
  if grep -q -i -e "identified the following injection point" -e "is vulnerable" sqlmap.log; then
    _bad "injectable: $(grep -i -A5 'injection point' sqlmap.log | head -20)"
  fi
  grep -q -i -e "do not appear to be injectable" -e "does not seem to be injectable" sqlmap.log \
    || _bad "sqlmap did not finish its tests: $(tail -5 sqlmap.log)"
}

test_case "the questionnaire's query parameters are not injectable"
scan -u "$URL/r/$tok?p=1&lang=nl" -p "p,lang"

test_case "the questionnaire's form fields are not injectable"
scan -u "$URL/r/$tok" --data "csrf=$csrf&step=1&go=back&a_OMG1=3&o_aanwezig=tekst" -p "step,go,a_OMG1,o_aanwezig"

test_case "the report's query parameters are not injectable"
A round close 1 >/dev/null
rep=$(A round release 1 | sed -n 's#.*/p/##p')
[ -n "$rep" ] || _bad "no report link"
scan -u "$URL/p/$rep?format=html&lang=nl" -p "format,lang"

test_case "the server survived the scans"
expect_eq "$(curl -s "$URL/healthz")" "ok"
kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0"
if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' serve.err; then _bad "sanitizer: $(head -c 1500 serve.err)"; fi

finish
