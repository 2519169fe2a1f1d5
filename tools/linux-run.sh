#!/usr/bin/env bash
# `make linux`: boots a LINUX=1 image under QEMU and exits with the status of the
# Linux command it ran (init's "program main exited with N"), which --status-file also
# writes to a file (make's own status comes from there). --interactive connects the
# terminal (or whatever stdin is) to the serial console and waits as long as the shell
# runs.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
board="" image="" timeout=60 interactive=0 status_file=""
while [ $# -gt 0 ]; do
  case $1 in
    --board) board=$2; shift ;;
    --image) image=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --interactive) interactive=1 ;;
    --status-file) status_file=$2; shift ;;
    *) echo "linux-run: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log=$(mktemp /tmp/janus-linux.XXXXXX.log)
args=(--board "$board" --image "$image" --log "$log")
if [ $interactive = 1 ]; then
  bash "$top/tools/qemu-run.sh" "${args[@]}" --interactive
else
  bash "$top/tools/qemu-run.sh" "${args[@]}" --timeout "$timeout"
fi
status=$(tr -d '\r' <"$log" | sed -n 's/^program main exited with \(-*[0-9]*\)$/\1/p' | tail -1)
rm -f "$log"
[ -n "$status" ] || { echo "linux-run: the personality did not finish" >&2; exit 1; }
echo "linux-run: exit status $((status & 255))"
[ -z "$status_file" ] || echo $((status & 255)) >"$status_file"
exit $((status & 255))
