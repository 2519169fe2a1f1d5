#!/usr/bin/env bash
# Traces one run of a static Linux program under Janus's personality (QEMU -d exec,nochain,in_asm,
# icount as make bench-linux) and prints where its timed window's instructions go per function
# (tools/trace-profile.py; docs/benchmarks.md, "The futex and pipe round trips, traced").
#
# trace-profile.sh [--program FILE] [--args 'ARGS'] [--ops N] [--keep] [-- trace-profile.py options]
#   defaults: the bench-linux program, --args '-n 200 -p futex-rt-2proc', --ops 200 (the timed
#   operations of -n 200). The trace (hundreds of MB) goes to build/trace-profile/trace.log and is
#   deleted afterwards unless --keep.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
board=qemu-virt lx=build/$board/qemu-linux
prog=$lx/linux/tests/bench_linux args='-n 200 -p futex-rt-2proc' ops=200 keep=0 extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --program) prog=$2; shift ;;
    --args) args=$2; shift ;;
    --ops) ops=$2; shift ;;
    --keep) keep=1 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "trace-profile: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
out=build/trace-profile
mkdir -p "$out"
{ [ "$prog" != "$lx/linux/tests/bench_linux" ] || make -s --no-print-directory BOARD=$board LINUX=1 "$prog"; } &&
  make -s --no-print-directory BOARD=$board LINUX=1 LINUX_PROGRAM="$prog" PROGRAM= CMD= ARGS="$args" image \
    >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
qemu=()
for a in -icount shift=0,align=off,sleep=off -seed 1 -rtc base=2020-01-01T00:00:00,clock=vm \
  -d exec,nochain,in_asm -D "$out/trace.log"; do qemu+=(--qemu-arg "$a"); done
echo "trace-profile: $prog $args (trace $out/trace.log)"
bash tools/qemu-run.sh --board $board --image "$lx/Image" --timeout 1800 --quiet --log "$out/serial.log" \
  "${qemu[@]}" >"$out/run.txt" 2>&1 || { tail -n 5 "$out/run.txt"; exit 1; }
grep -a '^BENCH-LINUX ' "$out/serial.log" | tr -d '\r'
# The kernel runs where it relocated itself (debug.gdb's offset); the personality and the
# program run where they are linked.
physmap=$(sed -n 's/^#define KERNEL_PHYSMAP_BASE \(0x[0-9a-fA-F]*\)UL.*/\1/p' arch/arm64/include/arch/memory_map.h)
load=$(sed -n 's/^BOARD_DIRECT_LOAD_PA := //p' board/$board/board.mk)
python3 tools/trace-profile.py --elf "$lx/kernel.elf@$(printf 0x%x $((physmap + load)))" --elf "$lx/user/main.elf" \
  --elf "$prog" --ops "$ops" "${extra[@]}" "$out/trace.log"
status=$?
[ $keep = 1 ] || rm -f "$out/trace.log"
exit $status
