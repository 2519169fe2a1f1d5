#!/usr/bin/env bash
# Boots a Janus image under QEMU with a timeout, keeps the serial log, and checks the
# exit status (semihosting SYS_EXIT_EXTENDED) and, optionally, lines of the log.
#
# qemu-run.sh --board B --image FILE [--boot uboot|direct] [--timeout S] [--append ARGS]
#             [--machine-opts ,OPT=V] [--expect-exit N] [--expect REGEX]... [--reject REGEX]...
#             [--trace QEMU_TRACE_EVENT]... [--log FILE]
#             [--quiet] [--gdb PORT] [--icount] [--memory SIZE] [--cpus N] [--interactive]
# --icount: deterministic virtual time, one instruction per nanosecond (-icount shift=0;
# sleep=off: idle time is skipped, not waited for), so the cycle counter counts
# instructions and two runs count the same (benchmarks).
# On failure the whole serial log is printed. Exit 0 when every expectation holds.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
board="" image="" machine_opts="" boot=direct timeout=60 append="" expect_exit="" log="" quiet=0 gdb=0
icount=0 memory="" cpus="" interactive=0
expects=() rejects=() traces=()
while [ $# -gt 0 ]; do
  case $1 in
    --board) board=$2; shift ;;
    --image) image=$2; shift ;;
    --boot) boot=$2; shift ;;
    --machine-opts) machine_opts=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --append) append=$2; shift ;;
    --expect-exit) expect_exit=$2; shift ;;
    --expect) expects+=("$2"); shift ;;
    --reject) rejects+=("$2"); shift ;;   # the log must not match
    --trace) traces+=(-trace "$2"); shift ;;  # QEMU's own trace events, into the log
    --log) log=$2; shift ;;
    --quiet) quiet=1 ;;
    --gdb) gdb=$2; shift ;;  # wait for gdb on this TCP port
    --icount) icount=1 ;;
    --memory) memory=$2; shift ;;  # instead of the board's -m (large-scale tests)
    --cpus) cpus=$2; shift ;;      # instead of the board's -smp
    --interactive) interactive=1 ;;  # the terminal is the serial console; no timeout
    *) echo "qemu-run: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$top/board/$board/board.mk" ] || { echo "qemu-run: unknown board '$board'" >&2; exit 2; }
[ -f "$image" ] || { echo "qemu-run: no image $image" >&2; exit 2; }
# The board's QEMU settings come from its one make fragment.
mkvar() { make -s --no-print-directory -C "$top" -f - <<<"include board/$board/board.mk
print: ; @echo \$($1)" print; }
machine=$(mkvar BOARD_QEMU_MACHINE)$machine_opts
read -r -a flags <<<"$(mkvar BOARD_QEMU_FLAGS)"
for i in "${!flags[@]}"; do
  [ -n "$memory" ] && [ "${flags[$i]}" = -m ] && flags[$((i + 1))]=$memory
  [ -n "$cpus" ] && [ "${flags[$i]}" = -smp ] && flags[$((i + 1))]=$cpus
done
uboot=$(mkvar BOARD_UBOOT)

args=(-M "$machine" "${flags[@]}" -nographic -nic none -semihosting-config enable=on,target=native
      -serial mon:stdio -no-reboot)
if [ "$boot" = uboot ]; then
  args+=(-bios "$uboot" -kernel "$image")   # U-Boot finds the kernel over fw_cfg
else
  args+=(-kernel "$image")
fi
[ -n "$append" ] && args+=(-append "$append")
[ ${#traces[@]} -gt 0 ] && args+=("${traces[@]}")
[ $icount = 1 ] && args+=(-icount shift=0,sleep=off)
if [ "$gdb" != 0 ]; then
  exec qemu-system-aarch64 "${args[@]}" -gdb "tcp::$gdb" -S
fi

[ -n "$log" ] || log=$(mktemp /tmp/janus-qemu.XXXXXX.log)
mkdir -p "$(dirname "$log")"
if [ $interactive = 1 ]; then
  qemu-system-aarch64 "${args[@]}" 2>&1 | tee "$log"
elif [ $quiet = 1 ]; then
  timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null >"$log" 2>&1
else
  timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null 2>&1 | tee "$log"
fi
status=${PIPESTATUS[0]}
problems=()
[ "$status" = 124 ] && problems+=("timed out after ${timeout}s")
[ -n "$expect_exit" ] && [ "$status" != "$expect_exit" ] && [ "$status" != 124 ] &&
  problems+=("exit status $status, expected $expect_exit")
for re in "${expects[@]}"; do
  tr -d '\r' <"$log" | grep -aEq -- "$re" || problems+=("log lacks /$re/")
done
for re in "${rejects[@]}"; do
  tr -d '\r' <"$log" | grep -aEq -- "$re" && problems+=("log has /$re/")
done
if [ ${#problems[@]} -gt 0 ]; then
  if [ $quiet = 1 ]; then
    echo "----- serial log ($log) -----"; cat "$log"; echo "----- end of log -----"
  fi
  printf 'qemu-run: %s\n' "${problems[@]}" >&2
  exit 1
fi
exit 0
