#!/usr/bin/env bash
# make compdb: writes compile_commands.json (for clangd and other editors) from the
# commands make would run for the test flavor of BOARD (kernel with self-tests, every
# user program) and the host unit tests, without building anything.
# Usage: compdb.sh BOARD OUT
set -euo pipefail
board=$1 out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
entries=()
declare -A seen
# Every compile command of a full rebuild (-B -n: printed, not run) with one source.
while IFS= read -r cmd; do
  src=${cmd##* }
  case $src in *.c|*.S) ;; *) continue ;; esac
  [ -f "$src" ] && [ -z "${seen[$src]:-}" ] || continue
  seen[$src]=1
  entries+=("{\"directory\": $(json_string "$top"), \"file\": $(json_string "$src"), \"command\": $(json_string "$cmd")}")
done < <(make -B -n V=1 BOARD="$board" FLAVOR=test image 2>/dev/null | grep -E ' -c -o [^ ]+ [^ ]+\.(c|S)$')
# The host runner compiles all its sources in one command: one entry per source the
# kernel build does not already describe.
host_cflags=$(make -s V=1 --no-print-directory -f Makefile -f - print-host <<<'print-host: ; @echo $(HOST_CC) $(HOST_CFLAGS)' 2>/dev/null)
for src in $(make -s --no-print-directory -f Makefile -f - print-srcs <<<'print-srcs: ; @echo $(HOST_TEST_SRCS) $(HOST_UNDER_TEST)' 2>/dev/null); do
  [ -z "${seen[$src]:-}" ] || continue
  seen[$src]=1
  entries+=("{\"directory\": $(json_string "$top"), \"file\": $(json_string "$src"), \"command\": $(json_string "$host_cflags -c $src")}")
done
{
  echo "["
  for i in "${!entries[@]}"; do
    [ "$i" -gt 0 ] && echo ","
    printf '  %s' "${entries[$i]}"
  done
  echo; echo "]"
} >"$out"
echo "compdb: $out (${#entries[@]} files)"
