#!/usr/bin/env bash
# Compares two benchmark CSVs (tools/bench.sh writes them to build/bench/): for each
# path, the median and p99 of A and of B and the change from A to B.
#
# bench-compare.sh [--threshold PCT] A.csv B.csv
#   --threshold: exit 1 when some path's median is more than PCT percent slower in B
#   (a regression guard; under QEMU icount two runs of one build are identical, so any
#   change is the code's).
set -uo pipefail
threshold=""
if [ "${1:-}" = --threshold ]; then threshold=$2; shift 2; fi
[ $# = 2 ] && [ -f "$1" ] && [ -f "$2" ] || {
  echo "usage: bench-compare.sh [--threshold PCT] A.csv B.csv" >&2; exit 2; }
unit_a=$(sed -n 's/^# unit: //p' "$1" | head -1)
unit_b=$(sed -n 's/^# unit: //p' "$2" | head -1)
[ "$unit_a" = "$unit_b" ] || echo "bench-compare: the units differ ('$unit_a' vs '$unit_b'): not comparable" >&2
echo "A: $1"
echo "B: $2"
echo "unit: ${unit_a:-unknown}"
awk -F, -v threshold="$threshold" '
  FNR == 1 { file++ }
  /^#/ || /^path,/ { next }
  {
    if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    med[$1, file] = $4; p99[$1, file] = $6; todo[$1, file] = ($2 == "todo")
  }
  function change(a, b) { return (a == "" || b == "" || a == 0) ? "-" : sprintf("%+.1f%%", (b / a - 1) * 100) }
  END {
    printf "%-30s %10s %10s %9s   %10s %10s %9s\n", "path", "A median", "B median", "change", "A p99", "B p99", "change"
    worse = 0
    for (i = 1; i <= n; i++) {
      k = order[i]
      if (todo[k, 1] || todo[k, 2]) { printf "%-30s %10s\n", k, "not measured"; continue }
      a = med[k, 1]; b = med[k, 2]
      flag = ""
      if (threshold != "" && a > 0 && b != "" && (b / a - 1) * 100 > threshold) { flag = "  SLOWER"; worse++ }
      printf "%-30s %10s %10s %9s   %10s %10s %9s%s\n", k, a == "" ? "-" : a, b == "" ? "-" : b,
        change(a, b), p99[k, 1] == "" ? "-" : p99[k, 1], p99[k, 2] == "" ? "-" : p99[k, 2],
        change(p99[k, 1], p99[k, 2]), flag
    }
    if (threshold != "") printf "%d path(s) more than %s%% slower\n", worse, threshold
    exit worse ? 1 : 0
  }' "$1" "$2"
