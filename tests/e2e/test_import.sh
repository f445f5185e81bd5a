#!/usr/bin/env bash
# Importing raters from CSV files that people make by hand or with a
# spreadsheet, and hostile ones: a bad line fails the whole file.
. "$(dirname "$0")/lib.sh"
DB=$(db_target i)
A() { run aanwezig --db "$DB" "$@"; }
count() { db_sql "$DB" "select count(*) from invitations where round_id = 1 and group_id <> 'self'"; }

"$AANWEZIG_BIN" --db "$DB" init >/dev/null
"$AANWEZIG_BIN" --db "$DB" leader add --name L --email l@example.org --organisation O >/dev/null
"$AANWEZIG_BIN" --db "$DB" round new --leader 1 >/dev/null

test_case "a Dutch spreadsheet export imports: BOM, semicolons, CRLF, quotes, Dutch header"
printf '\xef\xbb\xbfNaam;E-mail;Groep\r\n"Jansen; Els";E.Jansen@Example.org;mt\r\nAyşe Yıldız;a.yildiz@example.org;bestuur\r\n\r\n' > nl.csv
A rater import --round 1 nl.csv
expect_rc 0; expect_out "2 raters invited"
expect_eq "$(db_sql "$DB" "select name from invitations where email = 'e.jansen@example.org'")" "Jansen; Els"

test_case "columns may come in any order"
printf 'group,email,name\npeers,p1@example.org,Peer Een\n' > order.csv
A rater import --round 1 order.csv
expect_rc 0
expect_eq "$(count)" "3"

test_case "one bad line fails the whole file and every bad line is named"
printf 'name,email,group\nGoed,goed@example.org,mt\nSlecht,geen-adres,mt\nOnbekend,o@example.org,wethouders\nKort,k@example.org\nDubbel,goed@example.org,mt\nZelf,z@example.org,self\n' > bad.csv
A rater import --round 1 bad.csv
expect_rc 1
expect_err "nothing was imported"
expect_err "line 3: the e-mail address \"geen-adres\""
expect_err "line 4: unknown group \"wethouders\""
expect_err "line 5: has 2 fields"
expect_err "line 6: goed@example.org is also on line 2"
expect_err "line 7: unknown group \"self\""
expect_eq "$(count)" "3"

test_case "someone already invited fails the file and names the line"
printf 'name,email,group\nNieuw,nieuw@example.org,mt\nEls,e.jansen@example.org,mt\n' > dup.csv
A rater import --round 1 dup.csv
expect_rc 1; expect_err "line 3: e.jansen@example.org is already invited"
expect_eq "$(count)" "3"

test_case "a wrong header is named"
printf 'naam,adres,groep\nX,x@example.org,mt\n' > hdr.csv
A rater import --round 1 hdr.csv
expect_rc 1; expect_err "line 1: unknown column \"adres\""
printf 'name,email\nX,x@example.org\n' > hdr2.csv
A rater import --round 1 hdr2.csv
expect_rc 1; expect_err "lacks group"
printf 'name,email,group,name\n' > hdr3.csv
A rater import --round 1 hdr3.csv
expect_rc 1; expect_err "appears twice"

test_case "a file in the wrong encoding is refused with its line"
printf 'name,email,group\nJos\xe9 Garc\xeda,j@example.org,mt\n' > latin1.csv
A rater import --round 1 latin1.csv
expect_rc 1; expect_err "line 2: the text is not UTF-8"
expect_eq "$(count)" "3"

test_case "broken quoting is refused with its line"
printf 'name,email,group\n"Open,o@example.org,mt\n' > q1.csv
A rater import --round 1 q1.csv
expect_rc 1; expect_err "never closed"
printf 'name,email,group\nHalf"way,h@example.org,mt\n' > q2.csv
A rater import --round 1 q2.csv
expect_rc 1; expect_err "line 2, field 1: a quote inside an unquoted field"
printf 'name,email,group\n"Closed"x,c@example.org,mt\n' > q3.csv
A rater import --round 1 q3.csv
expect_rc 1; expect_err "text after the closing quote"

test_case "huge lines and huge files are refused"
{ printf 'name,email,group\n'; head -c 6000 /dev/zero | tr '\0' a; printf ',x@example.org,mt\n'; } > long.csv
A rater import --round 1 long.csv
expect_rc 1; expect_err "line 2: the line is longer than"
head -c 5000000 /dev/zero | tr '\0' a > big.csv
A rater import --round 1 big.csv
expect_rc 1; expect_err "larger than"
expect_eq "$(count)" "3"

test_case "binary files and empty files are refused"
printf 'name,email,group\nA\0B,a@example.org,mt\n' > nul.csv
A rater import --round 1 nul.csv
expect_rc 1; expect_err "NUL byte"
: > empty.csv
A rater import --round 1 empty.csv
expect_rc 1; expect_err "empty"
printf 'name,email,group\n' > onlyheader.csv
A rater import --round 1 onlyheader.csv
expect_rc 1; expect_err "no raters"

test_case "formula-looking names are kept as text and neutralised on the way out"
printf 'name,email,group\n"=HYPERLINK(""http://evil.example"";""klik"")",f@example.org,mt\n+31 6 1234,p@example.org,mt\n@SUM(A1),s@example.org,mt\n-2+3,m@example.org,mt\n' > formula.csv
A rater import --round 1 formula.csv
expect_rc 0
expect_eq "$(db_sql "$DB" "select name from invitations where email = 's@example.org'")" "@SUM(A1)"
A round links 1 --csv
expect_out "'=HYPERLINK"
expect_out "'+31 6 1234"
expect_out "'@SUM(A1)"
expect_out "'-2+3"
printf '%s\n' "$out" | grep -q -e '^=' -e ',=' -e ',+' -e ',@' && _bad "a cell starts with a formula character"

test_case "control characters in names are refused"
printf 'name,email,group\n"Bell\x07",b@example.org,mt\n' > ctl.csv
A rater import --round 1 ctl.csv
expect_rc 1; expect_err "control character"
printf 'name,email,group\n"Two\nLines",tl@example.org,mt\n' > nl2.csv
A rater import --round 1 nl2.csv
expect_rc 1; expect_err "line break"

test_case "an unknown round or a missing file is named"
A rater import --round 9 nl.csv
expect_rc 1; expect_err "no round 9"
A rater import --round 1 nosuch.csv
expect_rc 1; expect_err "cannot read nosuch.csv"
A rater import nl.csv
expect_rc 2; expect_err "which round"

test_case "standard input works"
printf 'name,email,group\nStdin,stdin@example.org,partners\n' > stdin.csv
run aanwezig --db "$DB" rater import --round 1 - < stdin.csv
expect_rc 0; expect_out "1 rater invited"

finish
