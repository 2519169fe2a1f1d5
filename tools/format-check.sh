#!/usr/bin/env bash
# make format-check: every C file and header git tracks under arch/ core/ drivers/
# include/ lib/ user/ tests/ must be exactly what clang-format (.clang-format) makes
# of it. Files written before .clang-format existed are listed in
# tools/format-pending.txt and skipped until someone formats them (make format does
# all at once; then empty the list). A listed file that is already clean is reported,
# so the list only shrinks.  Usage: format-check.sh [--fix]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v clang-format >/dev/null || { echo "format-check: no clang-format (make deps installs it)" >&2; exit 2; }
fix=0; [ "${1:-}" = --fix ] && fix=1
pending=tools/format-pending.txt
mapfile -t files < <(git ls-files -- 'arch/*.[ch]' 'core/*.[ch]' 'drivers/*.[ch]' 'include/*.h' \
  'lib/*.[ch]' 'user/*.[ch]' 'tests/*.[ch]')
bad=0 stale=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if [ $fix = 1 ]; then clang-format -i "$f"; continue; fi
  listed=0; grep -qxF "$f" "$pending" 2>/dev/null && listed=1
  if clang-format "$f" | cmp -s - "$f"; then
    [ $listed = 1 ] && { echo "format-check: $f is formatted now: remove it from $pending"; stale=1; }
  elif [ $listed = 0 ]; then
    echo "format-check: $f is not as clang-format leaves it (clang-format -i $f):"
    clang-format "$f" | diff -u "$f" - | head -20
    bad=1
  fi
done
[ $fix = 1 ] && { : >"$pending"; echo "format: formatted ${#files[@]} files; $pending emptied"; exit 0; }
[ $bad = 0 ] && [ $stale = 0 ] && echo "format-check: ${#files[@]} files ok ($(grep -c . "$pending" 2>/dev/null || echo 0) pending)"
[ $bad = 0 ] && [ $stale = 0 ]
