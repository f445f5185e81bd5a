#!/usr/bin/env bash
# Rules on the source that the compiler can't check: every HTML format goes
# through the escaping printf with known conversions only, every UI text
# has its Dutch translation, and SQL lives only in the store's backends.
. "$(dirname "$0")/lib.sh"

test_case "HTML formats use only escaping conversions"
out=$(python3 - "$REPO" <<'PY'
import re, sys, glob, os
repo = sys.argv[1]
allowed = re.compile(r'%(%|h|a|u|R|d|ld|lld|zu|\.1f|\.2f)')
lit = r'"(?:[^"\\]|\\.)*"'
bad = []
for path in glob.glob(os.path.join(repo, 'src/web/*.c')) + glob.glob(os.path.join(repo, 'src/render/*.c')):
    src = open(path, encoding='utf-8').read()
    for m in re.finditer(r'\bhtml_printf\(\s*[^,]+,\s*((?:' + lit + r'\s*)+)', src):
        fmt = ''.join(eval(x) for x in re.findall(lit, m.group(1)))
        line = src.count('\n', 0, m.start()) + 1
        i = 0
        while True:
            i = fmt.find('%', i)
            if i < 0:
                break
            a = allowed.match(fmt, i)
            if not a:
                bad.append('%s:%d: conversion %r in an HTML format' % (os.path.relpath(path, repo), line, fmt[i:i+3]))
                break
            i = a.end()
    # HTML must not be written around the escaping printf.
    for m in re.finditer(r'\bbuf_(?:printf|puts)\(\s*[^,]+,\s*((?:' + lit + r'\s*)+)', src):
        fmt = ''.join(eval(x) for x in re.findall(lit, m.group(1)))
        if '<' in fmt and path.endswith(('.c',)) and '/web/' in path:
            line = src.count('\n', 0, m.start()) + 1
            bad.append('%s:%d: HTML written with buf_printf/buf_puts' % (os.path.relpath(path, repo), line))
print('\n'.join(bad))
PY
)
[ -z "$out" ] || _bad "$out"

test_case "the checker itself finds an unescaped conversion"
mkdir -p fake/src/web
printf 'void f(void) { html_printf(b, "<p>%%s</p>", name); }\n' > fake/src/web/x.c
out=$(REPO=$T/fake python3 - "$T/fake" <<'PY'
import re, sys, glob, os
repo = sys.argv[1]
src = open(os.path.join(repo, 'src/web/x.c')).read()
m = re.search(r'html_printf\(\s*[^,]+,\s*("(?:[^"\\]|\\.)*")', src)
fmt = eval(m.group(1))
print('bad' if re.search(r'%(?!(%|h|a|u|R|d|ld|lld|zu|\.1f|\.2f))', fmt) else 'ok')
PY
)
expect_eq "$out" "bad"

test_case "every text of the web pages and reports has a Dutch translation"
xgettext --language=C --keyword=T:2 --keyword=tr:2 --keyword=N_ --from-code=UTF-8 --no-location -o msgs.pot "$REPO"/src/web/*.c "$REPO"/src/render/*.c "$REPO"/src/core/password.c
out=$(python3 - msgs.pot "$REPO/po/nl.po" <<'PY'
import re, sys
def entries(path):
    text = open(path, encoding='utf-8').read()
    out = {}
    for block in text.split('\n\n'):
        mid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        mstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if not mid:
            continue
        j = lambda s: ''.join(eval(x) for x in re.findall(r'"(?:[^"\\]|\\.)*"', s))
        out[j(mid.group(1))] = (j(mstr.group(1)) if mstr else '', '#, fuzzy' in block)
    return out
pot, nl = entries(sys.argv[1]), entries(sys.argv[2])
for k in pot:
    if k and (k not in nl or not nl[k][0] or nl[k][1]):
        print('untranslated: %r' % k)
PY
)
[ -z "$out" ] || _bad "$out"
msgfmt --check-format -o /dev/null "$REPO/po/nl.po" 2>/dev/null || _bad "po/nl.po does not compile"

test_case "SQL is written only in the store's backends (sqlite.c, pg.c)"
sql_re='"[^"]*\b(SELECT .* FROM|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX|VIEW)|ALTER TABLE|DROP TABLE)\b'
sql=$(grep -rnE "$sql_re" "$REPO/src" --include='*.c' --include='*.h' \
      | grep -v -e '/src/store/sqlite\.c:' -e '/src/store/pg\.c:')
[ -z "$sql" ] || _bad "SQL outside the backends: $sql"
# The rule can fail: SQL put elsewhere is found.
printf 'static const char x[] = "SELECT id FROM rounds WHERE id = ?";\n' > "$T/probe.c"
grep -qE "$sql_re" "$T/probe.c" || _bad "the rule misses a SELECT"

finish
