#!/usr/bin/env bash
# `aanwezig analyze` over a generated long CSV of about 1,000,000 answer
# rows (2,250 leaders, one round each, the leader and 11 raters, 37
# items), against the I/O floor in the same run: awk summing one column of
# the same file. Prints both times and their ratio.
# Usage: bench/analyze.sh [LEADERS]   (default 2250)
set -euo pipefail
cd "$(dirname "$0")/.."
leaders=${1:-2250}
make -s build/aanwezig
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build/aanwezig instrument show | awk '
  /^Dimensions/ {d=1; next} /^$/ {d=0}
  /^  [A-Z][A-Z0-9-]+ +\[/ { gsub(/[\[\]]/, "", $2); print $1 "," $2 }' > "$tmp/items.csv"
sed -i '1i item,dimension' "$tmp/items.csv"
awk -v L="$leaders" -v seed=7 'BEGIN {
  srand(seed)
  print "leader,round,rater,group,item,score"
  split("bestuur,mt,medewerkers,peers,partners", g, ",")
  while ((getline line < "'"$tmp/items.csv"'") > 0) if (line !~ /^item,/) { split(line, f, ","); items[++n] = f[1] }
  for (l = 1; l <= L; l++) {
    base = 2.5 + rand() * 2
    for (r = 0; r < 12; r++) {
      grp = r == 0 ? "self" : g[(r % 5) + 1]
      for (i = 1; i <= n; i++) {
        s = int(base + rand() * 2)
        if (s > 5) s = 5
        if (rand() < 0.05) s = ""
        printf "L%d,1,R%d,%s,%s,%s\n", l, r, grp, items[i], s
      }
    }
  }
}' > "$tmp/data.csv"
rows=$(($(wc -l < "$tmp/data.csv") - 1))
size=$(du -h "$tmp/data.csv" | cut -f1)
cat "$tmp/data.csv" > /dev/null   # both runs read it from the page cache

t0=$(date +%s.%N)
awk -F, '{s+=$6} END {print s}' "$tmp/data.csv" > /dev/null
t1=$(date +%s.%N)
build/aanwezig analyze --map "$tmp/items.csv" "$tmp/data.csv" --format json -o "$tmp/out.json"
t2=$(date +%s.%N)
awk_s=$(echo "$t1 - $t0" | bc)
an_s=$(echo "$t2 - $t1" | bc)
echo "data: $rows answer rows ($size), $leaders leader-rounds"
echo "awk sum of one column (I/O floor): ${awk_s}s"
echo "aanwezig analyze --format json:    ${an_s}s"
echo "ratio analyze / awk: $(echo "scale=2; $an_s / $awk_s" | bc)"
