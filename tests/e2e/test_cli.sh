#!/usr/bin/env bash
# The command line itself: help, usage errors, and databases that can't
# be used.
. "$(dirname "$0")/lib.sh"
DB=$(db_target c)
KEY=$(key_of "$DB")

test_case "help is there on every level"
for args in "--help" "help" "leader --help" "leader add --help" "leader list --help" \
            "round --help" "round new --help" "round open --help" "round close --help" \
            "round release --help" "round list --help" "round show --help" "round links --help" \
            "round export --help" "rater --help" "rater add --help" "rater import --help" \
            "response --help" "response submit --help" "instrument --help" \
            "instrument check --help" "instrument show --help" "init --help" "demo --help" \
            "serve --help" "report --help" "analyze --help" \
            "round invite --help" "round remind --help" "round reminders --help" \
            "round notify --help" "round tick --help" "mail --help" "mail send --help" \
            "mail list --help" "mail retry --help" "privacy --help" "privacy export --help" \
            "privacy erase --help" "privacy retention --help" "audit --help" "audit list --help"; do
  # shellcheck disable=SC2086
  run aanwezig $args
  [ "$rc" -eq 0 ] || _bad "aanwezig $args exits $rc"
  printf '%s' "$out" | grep -q "Usage" || _bad "aanwezig $args prints no usage"
done

test_case "a wrong command line exits 2 and says where to find help"
run aanwezig frobnicate
expect_rc 2; expect_err "unknown command"
run aanwezig leader add --name X --bogus 1
expect_rc 2; expect_err "unknown option --bogus"; expect_err "aanwezig leader add --help"
run aanwezig round show abc
expect_rc 2; expect_err "positive whole number"
run aanwezig round show -- -3
expect_rc 2
run aanwezig round open
expect_rc 2; expect_err "which round"
run aanwezig leader add --name
expect_rc 2; expect_err "needs a value"
run aanwezig

test_case "a missing database is named, with how to create it"
if on_pg; then
  run aanwezig --db "$AANWEZIG_TEST_PG dbname=az_none_$$" leader list
else
  run aanwezig --db "$T/none.db" leader list
fi
expect_rc 1; expect_err "does not exist"; expect_err "aanwezig init"

test_case "init never overwrites"
run aanwezig --db "$DB" init
expect_rc 0
run aanwezig --db "$DB" init
expect_rc 1; expect_err "already exists"
if on_pg; then
  # Even with a new key the database is not initialised twice.
  run aanwezig --db "$DB" --key-file "$T/second.key" init
  expect_rc 1; expect_err "init never overwrites"
  [ -e "$T/second.key" ] && _bad "left a key behind"
fi

if on_pg; then
  test_case "init of a PostgreSQL database that does not exist fails cleanly"
  run aanwezig --db "$AANWEZIG_TEST_PG dbname=az_none_$$" --key-file "$T/none.key" init
  expect_rc 1; expect_err "does not exist"; expect_err "createdb"
  [ -e "$T/none.key" ] && _bad "left a key behind"
else
  test_case "init in a folder that does not exist fails cleanly"
  run aanwezig --db "$T/no/such/dir/x.db" init
  expect_rc 1
  [ -e "$T/no/such/dir/x.db.key" ] && _bad "left a key behind"
fi

test_case "a PostgreSQL database needs its link key named"
run "$AANWEZIG_REAL_BIN" --db "host=/nonexistent dbname=x" leader list
expect_rc 1; expect_err "--key-file"
run "$AANWEZIG_REAL_BIN" --db "postgresql:///x" init
expect_rc 1; expect_err "--key-file"

test_case "a wrong connection string says which part is wrong"
run aanwezig --db "hots=/tmp dbname=x" --key-file "$T/k" leader list
expect_rc 1; expect_err "connection string"; expect_err "hots"
run aanwezig --db "postgresql://localhost/x?sslmod=require" --key-file "$T/k" leader list
expect_rc 1; expect_err "sslmod"
run aanwezig --db "dbname='x" --key-file "$T/k" leader list
expect_rc 1; expect_err "connection string"

test_case "an unreachable PostgreSQL server is named, and nothing starts"
run aanwezig --db "host=$T/nowhere port=5999 dbname=x" --key-file "$T/k" leader list
expect_rc 1; expect_err "cannot connect"; expect_err "$T/nowhere"; expect_err "5999"
run aanwezig --db "host=127.0.0.1 port=1 dbname=x connect_timeout=2" --key-file "$T/k" serve --listen 127.0.0.1:0
expect_rc 1; expect_err "127.0.0.1"; expect_err "port 1"
[ -e "$T/k" ] && _bad "a key was made"

if on_pg; then
  skip_case "a file that is not a database is refused" "a SQLite file"
else
  test_case "a file that is not a database is refused"
  echo "hello, I am a text file" > "$T/text.db"
  run aanwezig --db "$T/text.db" leader list
  expect_rc 1; expect_err "not an aanwezig database"
fi

test_case "another program's database is refused and left alone"
OTHER=$(db_target other)
db_sql "$OTHER" "create table t(x integer); insert into t values (1);"
if on_pg; then
  run aanwezig --db "$OTHER" --key-file "$T/other.key" init
  expect_rc 1; expect_err "not one of aanwezig"
fi
run aanwezig --db "$OTHER" leader list
expect_rc 1; expect_err "not one of aanwezig"
expect_eq "$(db_sql "$OTHER" "select count(*) from t")" "1"
if on_pg; then
  expect_eq "$(db_sql "$OTHER" "select count(*) from pg_tables where schemaname = 'public'")" "1"
else
  expect_eq "$(sqlite3 "$OTHER" "select count(*) from sqlite_schema")" "1"
fi

test_case "a database of a newer schema is refused"
NEWER=$(db_target newer)
"$AANWEZIG_BIN" --db "$NEWER" init > /dev/null
db_sql "$NEWER" "insert into schema_migrations (version, applied_at) values (99, '2099-01-01')"
run aanwezig --db "$NEWER" leader list
expect_rc 1; expect_err "newer than this program"; expect_err "99"
run aanwezig --db "$NEWER" serve --listen 127.0.0.1:0
expect_rc 1; expect_err "newer than this program"

test_case "migrations are recorded"
expect_eq "$(db_list "$DB" "select version from schema_migrations order by version")" "1,2,3,4,5"
on_pg || expect_eq "$(sqlite3 "$DB" "pragma journal_mode")" "wal"

if on_pg; then
  skip_case "a database of schema 2 is migrated with its answers intact" "the fixture is a SQLite file"
else
test_case "a database of schema 2 is migrated with its answers intact"
cp "$REPO/tests/data/migrate/schema2.sqlite" "$T/old.db"
run aanwezig --db "$T/old.db" round export 1 -o "$T/old.csv"
expect_rc 0
cmp -s "$T/old.csv" "$REPO/tests/data/migrate/schema2-export.csv" || _bad "the export changed: $(diff "$T/old.csv" "$REPO/tests/data/migrate/schema2-export.csv" | head -5)"
expect_eq "$(sqlite3 "$T/old.db" "select max(version) from schema_migrations")" "5"
expect_eq "$(sqlite3 "$T/old.db" "select count(*) from answers")" "111"
expect_eq "$(sqlite3 "$T/old.db" "pragma integrity_check")" "ok"
expect_eq "$(sqlite3 "$T/old.db" "pragma foreign_key_check")" ""
expect_eq "$(sqlite3 "$T/old.db" "select count(*) from rounds where state = 'closed' and closed_at <= date('now')")" "1"
fi

test_case "a leader with bad input is refused and nothing is stored"
run aanwezig --db "$DB" leader add --name "A" --email "not-an-address" --organisation "O"
expect_rc 1; expect_err "must contain exactly one @"
run aanwezig --db "$DB" leader add --name "" --email "a@b.example" --organisation "O"
expect_rc 1; expect_err "the name is empty"
run aanwezig --db "$DB" leader add --name $'Bad\x1bName' --email "a@b.example" --organisation "O"
expect_rc 1; expect_err "control character"
run aanwezig --db "$DB" leader add --name "A" --email "a@b.example" --organisation "O" --language de
expect_rc 1; expect_err "nl or en"
run aanwezig --db "$DB" leader add --name "$(head -c 300 /dev/zero | tr '\0' x)" --email "a@b.example" --organisation "O"
expect_rc 1; expect_err "longer than"
expect_eq "$(db_sql "$DB" "select count(*) from leaders")" "0"
run aanwezig --db "$DB" leader add --name "A" --email "a@b.example" --organisation "O"
expect_rc 0
run aanwezig --db "$DB" leader add --name "B" --email "A@B.example" --organisation "O"
expect_rc 1; expect_err "already exists"

test_case "a round with bad dates or an unknown leader is refused"
run aanwezig --db "$DB" round new --leader 1 --closes 2026-02-30
expect_rc 1; expect_err "YYYY-MM-DD"
run aanwezig --db "$DB" round new --leader 1 --opens 2030-01-10 --closes 2030-01-01
expect_rc 1; expect_err "before it opens"
run aanwezig --db "$DB" round new --leader 42
expect_rc 1; expect_err "no leader 42"
run aanwezig --db "$DB" round show 42
expect_rc 1; expect_err "no round 42"
expect_eq "$(db_sql "$DB" "select count(*) from rounds")" "0"
expect_eq "$(db_sql "$DB" "select count(*) from instruments")" "0"

test_case "a round with a broken instrument is refused with every problem"
printf '{"format": 1, "id": "x", "version": "1", "languages": ["nl"],\n "titel": {}}\n' > bad.json
run aanwezig --db "$DB" round new --leader 1 --instrument bad.json
expect_rc 1; expect_err "unknown key \"titel\""; expect_err "\"scales\" is missing"
expect_eq "$(db_sql "$DB" "select count(*) from rounds")" "0"

test_case "a round can use its own instrument file, frozen at the start"
sed 's/"version": "2026.1"/"version": "2026.1-local"/' "$REPO/instruments/default.json" > mine.json
run aanwezig --db "$DB" round new --leader 1 --instrument mine.json
expect_rc 0
sed -i 's/"threshold": 3/"threshold": 4/' mine.json
run aanwezig --db "$DB" round show 1
expect_out "2026.1-local"
expect_eq "$(db_sql "$DB" "select count(*) from instruments where body like '%\"threshold\": 3%'")" "1"

test_case "a missing link key is named when links are needed"
mv "$KEY" "$KEY.away"
run aanwezig --db "$DB" round links 1
expect_rc 1; expect_err "link key"
mv "$KEY.away" "$KEY"
echo "short" > "$T/dmg.key"
run aanwezig --db "$DB" --key-file "$T/dmg.key" round links 1
expect_rc 1; expect_err "damaged"

finish
