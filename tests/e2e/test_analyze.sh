#!/usr/bin/env bash
# `aanwezig analyze`: profiles of answers collected elsewhere, as JSON and
# CSV. The figures checked here are those R computed for the fixed data set
# (tests/data/stats/expected.R, also used by tests/unit/test_stats.c).
. "$(dirname "$0")/lib.sh"
D=$REPO/tests/data/stats
A() { run aanwezig "$@"; }

# pyjson CODE: run python CODE with the JSON of $out as `d`; prints what
# CODE prints, or "bad JSON".
pyjson() {
  printf '%s' "$out" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("bad JSON: %s" % e); sys.exit(0)
def near(a, b): return a is not None and abs(a - b) <= 1e-9
def prof(l, r): return [p for p in d["profiles"] if p["leader"] == l and p["round"] == r][0]
def dim(p, name): return [x for x in p["dimensions"] if x["dimension"] == name][0]
'"$1"
}

test_case "the fixed data set gives the figures R computed"
A analyze --map "$D/items.csv" "$D/data.csv" --format json
expect_rc 0
expect_eq "$(pyjson '
p = prof("L01", "1"); o = dim(p, "omgeving")
ok = (d["threshold"] == 3 and d["blind_spot"] == 0.5
  and o["self"] == 4.5
  and o["others"]["n"] == 9 and near(o["others"]["mean"], 3.8518518518518516)
  and near(o["others"]["sd"], 0.4890782461571947) and near(o["others"]["rwg"], 0.85470085470085477)
  and near(o["gap"], 0.64814814814814836) and o["flag"] == "blind_spot"
  and [g["group"] for g in o["groups"]] == ["bestuur", "mt", "overig"]
  and [g["n"] for g in o["groups"]] == [3, 3, 3]
  and o["groups"][0]["rwg"] is None and near(o["groups"][2]["rwg"], 0.5714285714285714))
r = dim(p, "regisserend")
ok = ok and [(g["group"], g["n"]) for g in r["groups"]] == [("bestuur", 4), ("overig", 5)]
ok = ok and near(r["groups"][1]["mean"], 2.8) and near(r["groups"][1]["rwg"], 0.87323943661971837)
v = dim(p, "verbindend")
ok = ok and v["self"] is None and v["gap"] is None and v["flag"] is None and v["others"]["n"] == 10
l = dim(p, "leeg")
ok = ok and "others" not in l and l["groups"] == [] and l["self"] is None
print("ok" if ok else json.dumps(p["dimensions"]))')" "ok"

test_case "reliability and trend match psych, multilevel and aov in R"
expect_eq "$(pyjson '
rel = {x["dimension"]: x for x in d["reliability"]}
ok = (rel["omgeving"]["n_alpha"] == 22 and near(rel["omgeving"]["alpha"], 0.75821217016693598)
  and near(rel["omgeving"]["icc1"], 0.57363464019238031) and near(rel["omgeving"]["icc1k"], 0.88041656516443367)
  and near(rel["verbindend"]["alpha"], 0.84343770819453689)
  and rel["leeg"]["alpha"] is None and rel["leeg"]["icc1"] is None and rel["leeg"]["n_alpha"] == 0)
t = prof("L01", "2")["trend"]
td = {x["dimension"]: x for x in t["dimensions"]}
ok = ok and t["from_round"] == "1" and td["omgeving"]["self"] == -0.25
ok = ok and near(td["regisserend"]["others"], 0.72222222222222232) and td["verbindend"]["self"] is None
ok = ok and "trend" not in prof("L01", "1")
print("ok" if ok else json.dumps(d["reliability"]))')" "ok"

test_case "items, their rankings and the roles x arenas table come with the profile"
expect_eq "$(pyjson '
p = prof("L01", "1")
it = {x["item"]: x for x in p["items"]}
ok = (it["OMG1"]["others"] == {"n": 10, "mean": 3.7} and it["OMG1"]["self"] == 5
  and "others" not in it["LEEG1"] and it["LEEG1"]["gap"] is None
  and [x["item"] for x in p["items_highest"]] == ["OMG4", "OMG2", "OMG1", "OMG3", "REG-BV"]
  and [x["item"] for x in p["items_lowest"]] == ["REG-SD", "REG-BV", "OMG3", "OMG1", "OMG2"]
  and [x["item"] for x in p["items_gaps"]] == ["REG-SD", "OMG1", "REG-BV", "OMG4", "OMG3"])
# verbindend: one rater skipped an item, so its item figures would give
# that rater away: they, its cells and the arena totals are not shown.
ok = ok and dim(p, "verbindend").get("items_hidden") is True and "others" not in it["VER-BV"]
ra = p["roles_arenas"]
cell = [c for c in ra["cells"] if c["role"] == "verbindend" and c["arena"] == "sociaal"][0]
ok = ok and cell == {"role": "verbindend", "arena": "sociaal"}
reg = [c for c in ra["cells"] if c["role"] == "regisserend" and c["arena"] == "sociaal"][0]
ok = ok and reg["n"] == 9 and near(reg["mean"], 2.5555555555555554)
ok = ok and all(set(a) == {"arena"} for a in ra["arenas"])
print("ok" if ok else json.dumps(p["roles_arenas"]))')" "ok"

test_case "below the threshold nothing of the others is shown, not even their number"
expect_eq "$(pyjson '
p = prof("L04", "1")
ok = all("others" not in x and x["groups"] == [] and x["gap"] is None for x in p["dimensions"])
ok = ok and all("others" not in x for x in p["items"])
ok = ok and all(set(c) <= {"role", "arena"} for c in p["roles_arenas"]["cells"])
ok = ok and p["items_highest"] == [] and dim(p, "omgeving")["self"] == 4.75
print("ok" if ok else "no")')" "ok"

test_case "a leader-round without a self response is left out and listed"
expect_err 'left out leader "L03" round "1": no self response'
expect_eq "$(pyjson 'print([(s["leader"], s["round"]) for s in d["skipped"]], [p["leader"] + "/" + p["round"] for p in d["profiles"]])')" \
  "[('L03', '1')] ['L04/1', 'L01/1', 'L01/2', 'L02/1']"

test_case "the threshold and the blind-spot gap are settings"
A analyze --map "$D/items.csv" "$D/data.csv" --format json --threshold 4 --blind-spot 2
expect_rc 0
expect_eq "$(pyjson '
p = prof("L01", "1")
print(d["threshold"], [(g["group"], g["n"]) for g in dim(p, "omgeving")["groups"]],
      [(g["group"], g["n"]) for g in dim(p, "regisserend")["groups"]], dim(p, "regisserend")["flag"])')" \
  "4 [('overig', 9)] [('bestuur', 4), ('overig', 5)] None"

test_case "the CSV form has one row per figure with the same numbers"
A analyze --map "$D/items.csv" "$D/data.csv" --format csv
expect_rc 0
expect_eq "$(printf '%s' "$out" | head -n1 | tr -d '\r')" "leader,round,dimension,figure,group,n,mean,sd,rwg,gap,flag"
expect_out "L01,1,omgeving,others,,9,3.8518518518518516,0.4890782461571947,0.85470085470085466,0.64814814814814836,blind_spot"
expect_out "L01,1,omgeving,group,bestuur,3,3.3888888888888888,0.34694433324435536,,,"
expect_out "L01,1,regisserend,group,overig,5,"
expect_no_out "L04,1,omgeving,others"
expect_no_out "L03,"
# self: 2 dimensions (none for verbindend); others: 3; groups: 3 + 2 + 3.
expect_eq "$(printf '%s\n' "$out" | grep -c '^L01,1,')" "13"

test_case "-o writes the file, and standard input works for the data"
A analyze --map "$D/items.csv" --format json -o prof.json - < "$D/data.csv"
expect_rc 0
expect_eq "$out" ""
python3 -c 'import json; json.load(open("prof.json"))' || _bad "prof.json is not JSON"
A analyze --map - "$D/data.csv" --format json < "$D/items.csv"
expect_rc 0

test_case "every bad row is named by its line and nothing is written"
printf 'leader,round,rater,group,item,score\nL1,1,s,self,OMG1,4\nL1,1,a,mt,OMG1,6\nL1,1,a,mt,NOPE,3\nL1,1,b,mt\nL1,1,a,bestuur,OMG2,3\nL1,1,c,mt,OMG1,4\nL1,1,c,mt,OMG1,5\nL1,1,s2,self,OMG1,3\nL1,1,d,mt,OMG1,4.5\nL1,,e,mt,OMG1,4\n' > bad.csv
A analyze --map "$D/items.csv" bad.csv --format json -o bad.json
expect_rc 1
expect_err "bad.csv: nothing was analysed; 8 problems"
expect_err 'line 3: the score "6" is not a whole number from 1 to 5'
expect_err 'line 4: the item "NOPE" is not in the item map'
expect_err "line 5: has 4 fields where the header has 6"
expect_err 'line 6: rater "a" is in group "bestuur" here but in "mt" on line 3'
expect_err 'line 8: rater "c" answers item "OMG1" again (also on line 7)'
expect_err 'line 9: a second self response for leader "L1" round "1"'
expect_err 'line 10: the score "4.5"'
expect_err "line 11: the round is empty"
[ -e bad.json ] && _bad "bad.json was written"

test_case "a long list of problems is cut, with the count of the rest"
{ echo leader,round,rater,group,item,score; for i in $(seq 1 60); do echo "L1,1,r$i,mt,OMG1,9"; done; } > many.csv
A analyze --map "$D/items.csv" many.csv --format json
expect_rc 1
expect_err "60 problems"
expect_err "line 2: the score"
expect_err "more"

test_case "broken CSV, wrong headers, empty files and a bad item map are named"
printf 'leader,round,rater,group,item,score\nL1,1,s,self,OMG1,"4\n' > q.csv
A analyze --map "$D/items.csv" q.csv --format json
expect_rc 1; expect_err "q.csv: line 2: a quoted field is never closed"
printf 'leader,round,rater,group,item\n' > h.csv
A analyze --map "$D/items.csv" h.csv --format json
expect_rc 1; expect_err "line 1: the header must be leader,round,rater,group,item,score (it lacks score)"
printf 'leader,round,rater,group,item,score,extra\n' > h2.csv
A analyze --map "$D/items.csv" h2.csv --format json
expect_rc 1; expect_err 'line 1: unknown column "extra"'
printf 'leader,round,rater,group,item,score\n' > h3.csv
A analyze --map "$D/items.csv" h3.csv --format json
expect_rc 1; expect_err "has a header but no answers"
: > empty.csv
A analyze --map "$D/items.csv" empty.csv --format json
expect_rc 1; expect_err "the file is empty"
printf 'leader,round,rater,group,item,score\nL1,1,a,mt,OMG1,4\n' > noself.csv
A analyze --map "$D/items.csv" noself.csv --format json
expect_rc 1; expect_err "no leader-round has a self response"
printf 'item,dimension\nA,d\nA,e\nB\n,x\n' > map.csv
A analyze --map map.csv noself.csv --format json
expect_rc 1
expect_err "map.csv: nothing was analysed; 3 problems"
expect_err 'line 3: the item "A" is listed twice'
expect_err "line 4: has 1 field where the header has 2"
expect_err "line 5: the item is empty"
A analyze --map nosuch.csv noself.csv --format json
expect_rc 1; expect_err "cannot read nosuch.csv"

test_case "only json and csv are formats here; other arguments are checked"
A analyze --map "$D/items.csv" "$D/data.csv" --format html
expect_rc 2; expect_err "--format html is not available yet; the formats that work are json and csv"
A analyze --map "$D/items.csv" "$D/data.csv" --format pdf
expect_rc 2; expect_err "json and csv"
A analyze --map "$D/items.csv" "$D/data.csv" --format xml
expect_rc 2; expect_err 'unknown format "xml"'
A analyze --map "$D/items.csv" "$D/data.csv"
expect_rc 2; expect_err "which format?"
A analyze "$D/data.csv" --format json
expect_rc 2; expect_err "--map ITEMS.csv"
A analyze --map "$D/items.csv" "$D/data.csv" --format json --threshold 2
expect_rc 2; expect_err "--threshold must be a whole number from 3 to 100"
A analyze --map "$D/items.csv" "$D/data.csv" --format json --blind-spot -1
expect_rc 2; expect_err "--blind-spot must be a number above 0"
A analyze --help
expect_rc 0; expect_out "leader,round,rater,group,item,score"
A --help
expect_out "analyze"

test_case "a Dutch spreadsheet file works: BOM, semicolons, CRLF, Dutch header, spaces"
{ printf '\xef\xbb\xbfleider;ronde;beoordelaar;groep;vraag;antwoord\r\n'
  for r in s a b c; do g=mt; [ $r = s ] && g=self
    for i in OMG1 OMG2 OMG3 OMG4; do printf 'L 1;2;%s;%s;%s; 4 \r\n' $r $g $i; done; done; } > nl.csv
A analyze --map "$D/items.csv" nl.csv --format json
expect_rc 0
expect_eq "$(pyjson 'o = dim(prof("L 1", "2"), "omgeving"); print(o["self"], o["others"]["n"], o["others"]["rwg"], o["groups"][0]["group"])')" "4.0 3 1.0 mt"

test_case "rounds follow in number order and the trend comes from the round before"
{ echo leader,round,rater,group,item,score
  for rd in 10 2 9; do for r in s a b c; do g=mt; [ $r = s ] && g=self
    printf 'L,%s,%s,%s,OMG1,%s\n' $rd $r $g $(( rd % 5 + 1 )); done; done; } > rounds.csv
A analyze --map "$D/items.csv" rounds.csv --format json
expect_rc 0
expect_eq "$(pyjson 'print([p["round"] for p in d["profiles"]], [p.get("trend", {}).get("from_round") for p in d["profiles"]])')" \
  "['2', '9', '10'] [None, '2', '9']"

test_case "a group our own export called overig joins the merged small groups: one overig"
# Two of the four omgeving items answered: half, so every rater counts.
{ echo leader,round,rater,group,item,score
  for i in OMG1 OMG2; do
    printf 'L,1,s,self,%s,3\n' $i
    for r in m1 m2 m3 m4; do printf 'L,1,%s,mt,%s,4\n' $r $i; done
    for r in o1 o2 o3; do printf 'L,1,%s,overig,%s,2\n' $r $i; done
    printf 'L,1,r1,raad,%s,5\nL,1,p1,peers,%s,5\nL,1,p2,peers,%s,5\n' $i $i $i; done; } > overig.csv
A analyze --map "$D/items.csv" overig.csv --format json
expect_rc 0
expect_eq "$(pyjson 'print([(g["group"], g["n"], g["mean"]) for g in dim(prof("L", "1"), "omgeving")["groups"]])')" \
  "[('mt', 4, 4.0), ('overig', 6, 3.5)]"

test_case "hostile names come out inert in CSV and as valid JSON"
{ echo leader,round,rater,group,item,score
  for r in s a b c d e f; do
    case $r in s) g=self;; a|b|c) g='"<script>alert(1)</script>"';; *) g='"@SUM(A1), ""quoted"""';; esac
    for i in OMG1 OMG2; do
      printf '"=HYPERLINK(""http://evil.example"";""klik"")",%s,"%s",%s,%s,%d\n' \
        '"+1 ronde
twee"' "-r$r é 😀 שלום" "$g" $i $(( (${#r} + ${#i}) % 5 + 1 )); done; done; } > hostile.csv
A analyze --map "$D/items.csv" hostile.csv --format json
expect_rc 0
expect_eq "$(pyjson '
p = d["profiles"][0]; o = dim(p, "omgeving")
print(p["leader"] == "=HYPERLINK(\"http://evil.example\";\"klik\")", p["round"] == "+1 ronde\ntwee",
      [g["group"] for g in o["groups"]] == ["<script>alert(1)</script>", "@SUM(A1), \"quoted\""])')" "True True True"
expect_no_out "</script>"
A analyze --map "$D/items.csv" hostile.csv --format csv
expect_rc 0
expect_eq "$(printf '%s' "$out" | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
def number(c):
    try: float(c); return True
    except ValueError: return False
bad = [c for r in rows for c in r if c and c[0] in "=+-@\t\r" and not number(c)]
lead = set(r[0] for r in rows[1:]); rnd = set(r[1] for r in rows[1:]); grp = set(r[4] for r in rows[1:])
print(len(bad), lead == {"'"'"'=HYPERLINK(\"http://evil.example\";\"klik\")"}, rnd == {"'"'"'+1 ronde\ntwee"},
      "'"'"'@SUM(A1), \"quoted\"" in grp, "<script>alert(1)</script>" in grp)')" "0 True True True True"

test_case "control characters in names stay out of messages"
printf 'leader,round,rater,group,item,score\nL,1,s,self,OMG1,4\n"X\033[31m",1,a,mt,OMG1,4\n' > ctl.csv
A analyze --map "$D/items.csv" ctl.csv --format json
expect_rc 0
printf '%s' "$err" | grep -q $'\033' && _bad "an escape character reached the terminal"
expect_err 'left out leader "X?[31m" round "1"'
printf 'leader,round,rater,group,item,score\nL,1,s,self,OMG1,4\nL,1,"t\033]0;x\007",self,OMG1,4\n' > ctl2.csv
A analyze --map "$D/items.csv" ctl2.csv --format json
expect_rc 1
printf '%s' "$err" | grep -q -e $'\033' -e $'\007' && _bad "a control character reached the terminal"
expect_err 'rater "t?]0;x?"'

finish
