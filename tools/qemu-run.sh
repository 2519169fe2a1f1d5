#!/usr/bin/env bash
# Boots a Janus image under QEMU with a timeout, keeps the serial log, and checks the
# exit status (semihosting SYS_EXIT_EXTENDED) and, optionally, lines of the log.
#
# qemu-run.sh --board B --image FILE [--boot uboot|direct] [--timeout S] [--append ARGS]
#             [--machine-opts ,OPT=V] [--expect-exit N] [--expect REGEX]... [--reject REGEX]...
#             [--trace QEMU_TRACE_EVENT]... [--log FILE]
#             [--quiet] [--gdb PORT] [--gdb-socket PATH] [--icount] [--memory SIZE] [--cpus N]
#             [--interactive] [--qemu-arg ARG]...
# --gdb-socket: a gdb stub on a Unix socket while the run goes on as usual (attach to a
# hung run: gdb-multiarch -ex 'target remote PATH'; no TCP port to collide with).
# --icount: deterministic virtual time, one instruction per nanosecond (-icount shift=0;
# sleep=off: idle time is skipped, not waited for), so the cycle counter counts
# instructions and two runs count the same (benchmarks).
# Afterwards it prints one line saying how the run ended ("run: ...") and names the
# functions in every user fault report (addr2line on the program's ELF, found next to
# the image as user/NAME.elf). Exit status: 0 when every expectation holds (with
# --expect-exit; without it, when the program exited 0); otherwise
#   1  the program exited with a non-zero status
#   3  kernel panic
#   4  the program was killed by a fault
#   5  the log lacked an --expect or had a --reject
#   124 timeout (--timeout, QEMU_TIMEOUT)
#   2  usage errors and anything else (QEMU's own status)
# On failure with --quiet the whole serial log is printed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
board="" image="" machine_opts="" boot=direct timeout=60 append="" expect_exit="" log="" quiet=0 gdb=0
icount=0 memory="" cpus="" interactive=0 gdb_socket=""
expects=() rejects=() traces=() extra=()
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
    --gdb-socket) gdb_socket=$2; shift ;;
    --icount) icount=1 ;;
    --memory) memory=$2; shift ;;  # instead of the board's -m (large-scale tests)
    --cpus) cpus=$2; shift ;;      # instead of the board's -smp
    --interactive) interactive=1 ;;  # the terminal is the serial console; no timeout
    --qemu-arg) extra+=("$2"); shift ;;  # one more QEMU argument, as it is (make bench-linux)
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
tmpfiles=()
trap 'rm -f "${tmpfiles[@]}"' EXIT
if [ "$boot" = uboot ]; then
  # QEMU's loader puts the image where the board says; U-Boot's own environment, in the
  # second flash bank, boots it at once (no countdown, no "bad CRC" default
  # environment, no fw_cfg initrd lookup) with --append as its bootargs.
  kernel_pa=$(mkvar BOARD_UBOOT_KERNEL_PA)
  env_txt=$(mktemp /tmp/janus-uboot-env.XXXXXX) env_img=$(mktemp /tmp/janus-uboot-flash.XXXXXX)
  tmpfiles+=("$env_txt" "$env_img")
  { echo "bootdelay=0"; echo "bootcmd=booti $kernel_pa - \${fdtcontroladdr}"
    [ -z "$append" ] || echo "bootargs=$append"; } >"$env_txt"
  mkenvimage -s "$(mkvar BOARD_UBOOT_ENV_SIZE)" -o "$env_img" "$env_txt"
  truncate -s "$(mkvar BOARD_UBOOT_ENV_FLASH_SIZE)" "$env_img"
  args+=(-bios "$uboot" -device "loader,file=$image,addr=$kernel_pa,force-raw=on"
         -drive "if=pflash,format=raw,index=1,file=$env_img,readonly=on")
else
  args+=(-kernel "$image")
  [ -n "$append" ] && args+=(-append "$append")
fi
[ ${#traces[@]} -gt 0 ] && args+=("${traces[@]}")
[ $icount = 1 ] && args+=(-icount shift=0,sleep=off)
[ ${#extra[@]} -gt 0 ] && args+=("${extra[@]}")
[ -n "$gdb_socket" ] && args+=(-chardev "socket,id=gdbsock,path=$gdb_socket,server=on,wait=off" -gdb chardev:gdbsock)
if [ "$gdb" != 0 ]; then
  # Only this machine may attach: a gdb stub can read and write all guest memory.
  exec qemu-system-aarch64 "${args[@]}" -gdb "tcp:127.0.0.1:$gdb" -S
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
# The log without the serial line's carriage returns, once: grep -q on a pipe would
# end the writer early, which pipefail counts as a failure.
clean=$(mktemp /tmp/janus-qemu-clean.XXXXXX)
tmpfiles+=("$clean")
tr -d '\r' <"$log" >"$clean"
clean_log() { cat "$clean"; }

# User fault reports with names: "#N 0xADDR" lines get "function file:line". The
# ELF of process NAME is user/NAME.elf beside the image; others stay as they are.
elf_dir=$(dirname "$image")/user
symbolize_faults() {
  local proc="" elf="" line addr where
  while IFS= read -r line; do
    case $line in
      '*** user fault in process '*)
        proc=${line#'*** user fault in process '}; proc=${proc%% *}
        elf="$elf_dir/$proc.elf"; [ -f "$elf" ] || elf=""
        echo "$line" ;;
      '    #'[0-9]*' 0x'*)
        addr=${line##* }
        if [ -n "$elf" ]; then
          # Return addresses (#1 on) point after the call: look up the call itself.
          [[ $line == '    #0 '* ]] || addr=$(printf '0x%x' $((addr - 4)))
          where=$(addr2line -f -p -C -e "$elf" "$addr" 2>/dev/null |
            sed -e 's/ at / /' -e "s# $top/# #" -e 's/ (discriminator [0-9]*)//')
          echo "$line ${where:-?}"
        else
          echo "$line"
        fi ;;
    esac
  done
}

# How the run ended, in one line, and the status that says so.
outcome="" outcome_status=0
fault_summary() { # process name: its report's description and where the pc was
  local report pc
  report=$(grep -aEm1 "^\*\*\* user fault in process $1 " "$clean" | sed 's/^[^:]*: //')
  pc=$(clean_log | symbolize_faults | awk -v p="*** user fault in process $1 " \
    'index($0, p) == 1 { f = 1; next } f && /^    #0 / { $1 = $2 = ""; sub(/^ +/, ""); print; exit }')
  echo "${report:-no report}${pc:+ in $pc}"
}
exit_line=$(grep -aEm1 '^program [^ ]+ exited with -?[0-9]+$' "$clean")
if [ "$status" = 124 ]; then
  outcome="timed out after ${timeout}s (QEMU_TIMEOUT)"; outcome_status=124
elif panic=$(grep -aEm1 'KERNEL PANIC' "$clean"); then
  outcome="kernel panic: ${panic#*KERNEL PANIC }"; outcome_status=3
elif [ -n "$exit_line" ]; then
  name=${exit_line#program }; name=${name%% *}; code=${exit_line##* }
  if [ "$code" = -1028 ]; then  # ZX_TASK_RETCODE_EXCEPTION_KILL
    outcome="program $name killed by a fault: $(fault_summary "$name")"; outcome_status=4
  else
    outcome="program $name exited with status $code"; [ "$code" = 0 ] || outcome_status=1
  fi
elif [ "$status" != 0 ]; then
  outcome="the kernel exited with status $status"; outcome_status=2
else
  outcome="the kernel exited with status 0"
fi

problems=()
[ -n "$expect_exit" ] && [ "$status" != "$expect_exit" ] && [ "$status" != 124 ] &&
  problems+=("exit status $status, expected $expect_exit")
[ -z "$expect_exit" ] && [ "$outcome_status" != 0 ] && problems+=("$outcome")
[ "$status" = 124 ] && [ -n "$expect_exit" ] && problems+=("timed out after ${timeout}s")
expect_problems=0
for re in "${expects[@]}"; do
  grep -aEq -- "$re" "$clean" || { problems+=("log lacks /$re/"); expect_problems=1; }
done
for re in "${rejects[@]}"; do
  grep -aEq -- "$re" "$clean" && { problems+=("log has /$re/"); expect_problems=1; }
done
if grep -aq '^\*\*\* user fault in process ' "$clean"; then
  echo "----- user faults, symbolized -----"
  clean_log | symbolize_faults
fi
echo "run: $outcome"
if [ ${#problems[@]} -gt 0 ]; then
  if [ $quiet = 1 ]; then
    echo "----- serial log ($log) -----"; cat "$log"; echo "----- end of log -----"
  fi
  printf 'qemu-run: %s\n' "${problems[@]}" >&2
  if [ "$outcome_status" = 0 ] || { [ -n "$expect_exit" ] && [ "$status" = "$expect_exit" ]; }; then
    exit $((expect_problems ? 5 : 1))
  fi
  exit "$outcome_status"
fi
exit 0
