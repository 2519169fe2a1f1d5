#!/usr/bin/env bash
# `make test`: host unit tests, then for each board the kernel self-tests, the crash
# report check and the demo under QEMU. Every check prints PASS/FAIL; the last line
# is "N passed, N failed" and the exit status is non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BOARDS=${BOARDS:-"qemu-virt rpi4"}
# QEMU runs end on their own; the timeout only catches a hang, so it is generous: on
# a loaded host (other QEMUs, builds) a run may take several times as long as alone.
TIMEOUT=${QEMU_TIMEOUT:-300}
out=build/test
# The user suite and the benchmarks use zx_process_write_memory, a debugging syscall.
DEBUG_SYSCALLS=kernel.enable-debugging-syscalls=true
mkdir -p "$out"
passed=0 failed=0

record() { # name, status (0 = pass), [log to show on failure]
  if [ "$2" = 0 ]; then
    echo "PASS $1"; passed=$((passed + 1))
  else
    echo "FAIL $1"; failed=$((failed + 1))
    [ -n "${3:-}" ] && [ -f "$3" ] && { echo "----- $3 -----"; tail -n 80 "$3"; echo "-----"; }
  fi
}

# Counts the PASS/FAIL lines a runner printed (host runner, kernel and user tests)
# and shows them with an optional label in front of the test name.
count_lines() { # log, name pattern (ERE), [label]
  local p f
  p=$(tr -d '\r' <"$1" | grep -acE "^PASS $2/")
  f=$(tr -d '\r' <"$1" | grep -acE "^FAIL $2/")
  tr -d '\r' <"$1" | grep -aE "^(PASS|FAIL) $2/" | sed -E "s#^(PASS|FAIL) #\1 ${3:-}#"
  passed=$((passed + p)); failed=$((failed + f))
  # What failed and where: the "  file:line: ..." lines the checks print.
  [ "$f" = 0 ] || tr -d '\r' <"$1" | grep -aE '^  ([^ ]+:[0-9]+: |leaked: )' | sed "s#^#  ${3:-}#"
}

# --- host unit tests ---------------------------------------------------------------
if make -s --no-print-directory build/host/runner >"$out/host-build.log" 2>&1; then
  build/host/runner >"$out/host.log" 2>&1
  status=$?
  count_lines "$out/host.log" host
  [ $status = 0 ] || [ "$(grep -c '^FAIL' "$out/host.log")" != 0 ] || record host/runner $status "$out/host.log"
else
  record host/build 1 "$out/host-build.log"
fi
# Includes point one way (tools/check-layering.sh); the check must also catch a new
# include across the line, tried in a scratch repository.
bash tools/check-layering.sh >"$out/layering.log" 2>&1
record layering/includes-point-one-way "$?" "$out/layering.log"
layering_probe() {
  local d; d=$(mktemp -d)
  mkdir -p "$d/tools" "$d/arch" "$d/core"
  cp tools/check-layering.sh "$d/tools/"
  echo '#include "core/vm/vmar.h"' >"$d/arch/x.c"
  echo '#include <arch/sysreg.h>' >"$d/core/y.c"
  local report s
  report=$(cd "$d" && git init -q && git add -A && bash tools/check-layering.sh)
  s=$?  # must be 1, naming both files
  rm -rf "$d"
  [ $s = 1 ] && grep -q '^arch/x.c:1:' <<<"$report" && grep -q '^core/y.c:1:' <<<"$report"
}
layering_probe
record layering/check-catches-a-crossing "$?"
make -s --no-print-directory host-ksyms-check >"$out/ksyms.log" 2>&1
record host/gen-ksyms "$?" "$out/ksyms.log"
# The fuzz corpus in the tree (tests/fuzz/corpus/) through every fuzz target, built
# with the host cc and the sanitizers: replay only, deterministic (make fuzz searches).
make -s --no-print-directory fuzz-replay >"$out/fuzz-replay.log" 2>&1
record "host/fuzz-corpus-replay (device tree, handle table, VMAR ranges, ELF checks, syscall checks)" $? "$out/fuzz-replay.log"
# The TLB model must catch each broken ASID allocator (no rollover flush, batch bugs).
make -s --no-print-directory host-asid-mutant >"$out/asid-mutant.log" 2>&1
record host/asid-model-catches-broken-allocators "$?" "$out/asid-mutant.log"

# --- the build and the tools -------------------------------------------------------
bash tools/format-check.sh >"$out/format.log" 2>&1
record "build/format-check (tracked C files as .clang-format leaves them)" $? "$out/format.log"
bash tools/check-help.sh >"$out/help.log" 2>&1
record "build/make-help (every target and user variable has a line)" $? "$out/help.log"
log=$out/sdcard-board.log
make sdcard >"$log" 2>&1
[ $? != 0 ] && grep -q 'make sdcard is for the Raspberry Pi 4' "$log" && ! grep -qE '^  (CC|LD) ' "$log"
record "build/sdcard-needs-rpi4 (fails before building)" $? "$log"
# A user's program: warnings stay warnings unless USER_CFLAGS says -Werror; the build
# prints one short line per file, and every command with V=1.
runner_build=build/qemu-virt/runner-checks
log=$out/user-cflags.log
main_elf=$runner_build/user/main.elf
umake() { make --no-print-directory BOARD=qemu-virt B=$runner_build PROGRAM=tests/runner/unused_param.c "$@"; }
{ umake "$main_elf" USER_CFLAGS=-DQUIET_RUN >"$log" 2>&1 &&
    grep -q 'warning: unused parameter .unused.' "$log" &&
    grep -qE '^  CC +tests/runner/unused_param.c$' "$log" && ! grep -q 'aarch64-linux-gnu-gcc' "$log"; } &&
  { ! umake "$main_elf" USER_CFLAGS=-Werror >>"$log" 2>&1; } &&
  grep -q 'error: unused parameter .unused.' "$log" &&
  umake "$main_elf" USER_CFLAGS=-DV1_RUN V=1 >"$log.v1" 2>&1 &&
  grep -q 'aarch64-linux-gnu-gcc .*-DV1_RUN .*tests/runner/unused_param.c' "$log.v1"
record "build/user-cflags (warnings not errors in PROGRAM; USER_CFLAGS; quiet and V=1)" $? "$log"
log=$out/compdb.log
make -s compdb >"$log" 2>&1 && grep -q '"file": "core/boot/main.c"' compile_commands.json &&
  grep -q '"file": "tests/host/test_rpi4_console.c"' compile_commands.json &&
  grep -q '"file": "user/lib/newlib_glue.c"' compile_commands.json && git check-ignore -q compile_commands.json
record "build/compdb (compile_commands.json, git-ignored)" $? "$log"

# --- each board under QEMU ----------------------------------------------------------
for board in $BOARDS; do
  image_name=$(make -s --no-print-directory -f - <<<"include board/$board/board.mk
print: ; @echo \$(BOARD_IMAGE_NAME)" print)
  run_boot=$(make -s --no-print-directory -f - <<<"include board/$board/board.mk
print: ; @echo \$(BOARD_RUN_BOOT)" print)
  for flavor in test qemu; do
    make -s --no-print-directory BOARD=$board FLAVOR=$flavor image >"$out/$board-$flavor-build.log" 2>&1
    record "$board/build-$flavor (image header, relocations, no FP/SIMD)" "$?" "$out/$board-$flavor-build.log"
  done
  test_image=build/$board/test/$image_name

  log=$out/$board-selftest.log
  bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout "$TIMEOUT" --quiet \
    --log "$log" --append "$DEBUG_SYSCALLS" --expect-exit 0 --expect '^selftest: [0-9]+ passed, 0 failed' \
    --expect '^libc_formats: zu=\[42\] lld=\[42\] jd=\[-1\] hhu=\[255\] td=\[-3\]$' \
    --expect '^\*\*\* user fault in process fault_stack_overflow .*: stack overflow: .*Data Abort' \
    >"$log.result" 2>&1
  status=$?
  # The runner names the frames of user faults (addr2line on the program's ELF).
  [ $status != 0 ] || grep -Eq '^    #[0-9]+ 0x000000000040[0-9a-f]{4} descend user/programs/fault_stack_overflow.c:[0-9]+$' \
    "$log.result" || { status=1; echo "no symbolized descend frame" >>"$log.result"; }
  count_lines "$log" '(kernel|user)' "$board/"
  record "$board/selftest-boot (printf formats exact, stack overflow named, faults symbolized)" $status "$log.result"
  # test-write_memory tried to write over hello's text in the boot filesystem, then
  # launched hello: the next line must be hello's own.
  tr -d '\r' <"$log" | grep -a -A1 '^write_memory: launching hello$' | tail -n 1 |
    grep -qx 'hello from user space'
  record "$board/write-memory-cannot-change-bootfs (hello prints its own text)" $? "$log"

  # zx_task_kill racing exit, kill, futex wake, timeout and start from other CPUs,
  # 1,000 rounds each (minutes under TCG: alone, the timeout only guards a hang).
  log=$out/$board-kill-races.log
  bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout $((TIMEOUT * 5)) --quiet \
    --log "$log" --append janus.user=test-kill_races --expect-exit 0 \
    --expect '^PASS user/test-kill_races' >"$log.result" 2>&1
  status=$?
  count_lines "$log" user "$board/"
  record "$board/kill-races (the thread life cycle under zx_task_kill races)" $status "$log.result"

  # Without the boot argument, zx_process_write_memory is ZX_ERR_NOT_SUPPORTED.
  log=$out/$board-write-memory-disabled.log
  bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout "$TIMEOUT" --quiet \
    --log "$log" --append janus.user=write_memory_disabled --expect-exit 0 \
    --expect '^PASS user/write_memory_disabled' >"$log.result" 2>&1
  record "$board/write-memory-disabled (no $DEBUG_SYSCALLS: ZX_ERR_NOT_SUPPORTED)" $? "$log.result"

  # The Linux personality (user/linux): static glibc test programs and BusyBox command
  # lines (tests/linux), run by the kernel as test-linux with its leak check.
  log=$out/$board-linux.log
  if make -s --no-print-directory BOARD=$board FLAVOR=test LINUX=1 image >"$out/$board-linux-build.log" 2>&1; then
    bash tools/qemu-run.sh --board "$board" --image "build/$board/test-linux/$image_name" \
      --timeout $((TIMEOUT * 5)) --quiet --log "$log" --expect-exit 0 \
      --expect '^PASS user/test-linux' >"$log.result" 2>&1
    status=$?
    count_lines "$log" linux "$board/"
  else
    status=1; cp "$out/$board-linux-build.log" "$log.result"
  fi
  record "$board/linux-suite (Linux programs on the personality; nothing leaked)" $status "$log.result"
  # tests/linux/errors.c calls io_setup and number 5000 three times each: one line each.
  [ "$(tr -d '\r' <"$log" | grep -c '^linux: unimplemented system call 0 (io_setup): -ENOSYS$')" = 1 ] &&
    [ "$(tr -d '\r' <"$log" | grep -c '^linux: unknown system call 5000: -ENOSYS$')" = 1 ]
  record "$board/linux-enosys-logged-once (by number, with its name)" $? "$log"
  # make linux CMD=...: the command line's output, and make's own status is the
  # command's, a death by signal as 128 + the signal (tools/make_exit.c).
  log=$out/$board-make-linux.log
  make -s --no-print-directory BOARD=$board QEMU_TIMEOUT=$((TIMEOUT * 2)) linux \
    CMD='ls -l /bin | wc -l; kill -TERM $$' >"$log" 2>&1
  status=$?
  [ $status = 143 ] && tr -d '\r' <"$log" | grep -qE '^[0-9]+$' &&
    tr -d '\r' <"$log" | grep -q '^linux-run: exit status 143$'
  record "$board/make-linux (CMD's output; make exits 143 for SIGTERM)" $? "$log"
  # make linux: BusyBox's sh on the serial console, here fed from a pipe; `exit 5` is
  # make's status. (The timeout only catches a hang: the shell ends with its input.)
  # The first line is blanks: under raspi4b the byte QEMU hands the UART before Janus
  # sets it up is lost (its FIFO is reset), as typing before a boot is on a real Pi.
  log=$out/$board-make-linux-interactive.log
  printf '%s\n' '                ' 'echo one two three | wc -w' 'x=4; echo "sum $((x + 1))"' 'exit 5' |
    timeout $((TIMEOUT * 2)) make -s --no-print-directory BOARD=$board linux >"$log" 2>&1
  status=$?
  [ $status = 5 ] && tr -d '\r' <"$log" | grep -q '^/ # echo one two three | wc -w$' &&
    tr -d '\r' <"$log" | grep -q '^3$' && tr -d '\r' <"$log" | grep -q '^sum 5$'
  record "$board/make-linux-interactive (typed lines run; exit 5 is make's status)" $? "$log"

  log=$out/$board-crash.log
  bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout "$TIMEOUT" --quiet \
    --log "$log" --append janus.crashtest --expect-exit 3 \
    --expect 'KERNEL PANIC on CPU 0' --expect 'Data Abort' --expect 'translation fault' \
    --expect 'FAR 0xffffff80dead0000' --expect 'ELR  *0x[0-9a-f]+ selftest_crash_data_abort\+' \
    --expect 'x29 0x[0-9a-f]{16}' --expect '^backtrace:' --expect 'selftest_run_all\+' >"$log.result" 2>&1
  record "$board/crash-report" $? "$log.result"

  log=$out/$board-panic.log
  bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout "$TIMEOUT" --quiet \
    --log "$log" --append janus.panictest --expect-exit 3 \
    --expect 'KERNEL PANIC on CPU 0: selftest panic 42' --expect 'x19 0x[0-9a-f]{16}' \
    --expect '^backtrace:' --expect ' panic\+' --expect 'selftest_run_all\+' \
    --expect '^\*\*\* system halted' >"$log.result" 2>&1
  record "$board/panic-report" $? "$log.result"

  # A bad thread state transition panics in test kernels, naming it.
  log=$out/$board-lifecycle.log
  bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout "$TIMEOUT" --quiet \
    --log "$log" --append janus.lifecycletest --expect-exit 3 \
    --expect 'KERNEL PANIC on CPU 0: thread [^ ]+: bad state transition EXITING -> READY' \
    >"$log.result" 2>&1
  record "$board/lifecycle-check (a bad thread state transition panics, by name)" $? "$log.result"

  # janus.exit= takes over from semihosting: after the same panic QEMU exits 0 instead
  # of 3. PSCI on virt, the BCM2835 watchdog on the Pi. QEMU's trace tells the two
  # apart: a power off is a guest shutdown request (reason 6); a reset is not, and
  # ends the run only because of -no-reboot.
  shutdown_request='qemu_system_shutdown_request reason=6'
  for how in off reset; do
    log=$out/$board-exit-$how.log
    if [ $how = off ]; then said='powering off' check=(--expect "$shutdown_request")
    else said='resetting' check=(--reject "$shutdown_request"); fi
    bash tools/qemu-run.sh --board "$board" --image "$test_image" --timeout "$TIMEOUT" --quiet \
      --log "$log" --append "janus.panictest janus.exit=$how" --trace qemu_system_shutdown_request \
      --expect-exit 0 --expect 'KERNEL PANIC on CPU 0: selftest panic 42' --expect "^janus: $said" \
      "${check[@]}" >"$log.result" 2>&1
    record "$board/exit-$how (janus.exit=$how after a panic: QEMU exits 0, not 3)" $? "$log.result"
  done

  log=$out/$board-demo.log
  bash tools/qemu-run.sh --board "$board" --image "build/$board/qemu/$image_name" --boot "$run_boot" \
    --timeout "$TIMEOUT" --quiet --log "$log" --expect-exit 0 \
    --expect '^Janus .* on '"$board" --expect '^entered at EL[12]' --expect '^memory: [0-9]+ MiB RAM' \
    --expect '^cpus: 4 of 4 online' --expect '^demo: all siblings behaved as expected' \
    --expect '^program demo exited with 0' --expect '^program init exited with 0' \
    --reject 'bad CRC' --reject 'no initrd' --reject 'autoboot: +[1-9]' --reject 'has been disabled' \
    >"$log.result" 2>&1
  record "$board/demo-boot ($run_boot: init launches the shared-process demo, no boot noise)" $? "$log.result"

  # make debug: QEMU waits for gdb, and the script make debug writes loads the symbols
  # where the kernel runs: a hardware breakpoint on kernel_main must hit, by name.
  log=$out/$board-gdb.log
  gdb_script=build/$board/qemu/debug.gdb
  if make -s --no-print-directory BOARD="$board" "$gdb_script" >"$log" 2>&1; then
    # A TCP port nobody uses (other clones' runs may be listening too); if QEMU still
    # cannot bind it (taken in between), it exits, and another port is tried. Waits
    # end when the stub listens or QEMU is gone (startup may be slow on a busy host).
    for _ in 1 2 3 4 5; do
      port=$((20000 + RANDOM % 20000))
      grep -qi ":$(printf %04X $port) " /proc/net/tcp /proc/net/tcp6 2>/dev/null && continue
      timeout 300 bash tools/qemu-run.sh --board "$board" --boot direct \
        --image "build/$board/qemu/$image_name" --gdb $port </dev/null >"$log.qemu" 2>&1 &
      qemu_pid=$!
      # The stub listens on 127.0.0.1 only (tcp sockets in /proc: 0100007F is 127.0.0.1).
      while kill -0 $qemu_pid 2>/dev/null && ! grep -qi ":$(printf %04X $port) " /proc/net/tcp; do
        sleep 0.2
      done
      kill -0 $qemu_pid 2>/dev/null && break
    done
    loopback_only=0
    grep -qi "^ *[0-9]*: 0100007F:$(printf %04X $port) 00000000:0000 0A" /proc/net/tcp &&
      ! grep -qi "^ *[0-9]*: 00000000:$(printf %04X $port) " /proc/net/tcp && loopback_only=1
    echo "gdb stub on 127.0.0.1 only: $loopback_only" >>"$log"
    # Then bt ends at the boot code, a syscall's breakpoint has one location, and bt
    # from inside a syscall ends at the exception entry (CFI marks it outermost).
    timeout 300 gdb-multiarch -nx -batch -ex 'set tcp connect-timeout 120' -ex "target remote :$port" \
      -x "$gdb_script" -ex 'hbreak kernel_main' -ex continue -ex 'info symbol $pc' \
      -ex 'print entry_el' -ex 'echo BT-BOOT\n' -ex bt -ex delete \
      -ex 'break sys_process_create_shared' -ex delete -ex 'hbreak sys_process_create_shared' \
      -ex continue -ex 'echo BT-SYSCALL\n' -ex bt -ex 'echo BT-END\n' -ex kill >>"$log" 2>&1
    kill $qemu_pid 2>/dev/null; wait $qemu_pid 2>/dev/null
    boot_bt=$(sed -n '/^BT-BOOT/,/^Breakpoint 2/p' "$log")
    syscall_bt=$(sed -n '/^BT-SYSCALL/,/^BT-END/p' "$log")
    [ $loopback_only = 1 ] && grep -q '^Thread 1 hit Breakpoint 1, kernel_main (.* at core/boot/main.c' "$log" &&
      grep -q '^kernel_main in section .text' "$log" && grep -q '^\$1 = [12]$' "$log" &&
      grep -q '^#1 .* in primary_entry ' <<<"$boot_bt" && ! grep -q '^#2 ' <<<"$boot_bt" &&
      grep -q '^Breakpoint 2 at 0x[0-9a-f]*: file core/syscalls/sys_task.c' "$log" &&
      grep -q '^#0  sys_process_create_shared ' <<<"$syscall_bt" &&
      [ "$(grep -c '^#' <<<"$syscall_bt")" -le 4 ] && grep -qE ' in el0_sync(_save)? \(\) ' <<<"$syscall_bt"
  else
    false
  fi
  record "$board/make-debug (gdb stub on 127.0.0.1 only; gdb stops at kernel_main in the upper half; bt ends at boot and at the exception entry)" $? "$log"

  # The hardware image (no semihosting, what make sdcard writes): under QEMU it must run
  # the demo and then power the machine off (PSCI on virt, the watchdog on the Pi).
  log=$out/$board-hw.log
  if make -s --no-print-directory BOARD=$board FLAVOR=hw image >"$log.result" 2>&1; then
    bash tools/qemu-run.sh --board "$board" --image "build/$board/hw/$image_name" \
      --timeout "$TIMEOUT" --quiet --log "$log" --trace qemu_system_shutdown_request \
      --expect-exit 0 --expect '^program demo exited with 0' --expect '^janus: exit 0' \
      --expect "$shutdown_request" >>"$log.result" 2>&1
  else
    false
  fi
  record "$board/hw-image (no semihosting: runs the demo, then powers off)" $? "$log.result"

  if [ "$board" = rpi4 ]; then
    # The card: the firmware, config.txt, the device tree and Janus, read back from it.
    log=$out/rpi4-sdcard.log
    make sdcard BOARD=rpi4 >"$log" 2>&1 &&
      for f in start4.elf fixup4.dat config.txt bcm2711-rpi-4-b.dtb kernel8.img; do
        grep -qE "^  $f +[1-9][0-9]* bytes$" "$log" || { echo "no $f on the card" >>"$log"; false; } || break
      done
    record "rpi4/sdcard (a card with start4.elf, fixup4.dat, config.txt, dtb, kernel8.img)" $? "$log"
    # Without the firmware there is no card, and a message says why.
    log=$out/rpi4-sdcard-nofw.log
    rm -f "$out/nofw.img"
    JANUS_FIRMWARE_DIR=$out/no-firmware bash tools/sdcard.sh rpi4 build/rpi4/hw/kernel8.img \
      "$out/nofw.img" >"$log" 2>&1
    [ $? = 1 ] && [ ! -e "$out/nofw.img" ] && grep -q 'cannot boot without its firmware' "$log"
    record "rpi4/sdcard-without-firmware (no card, a message)" $? "$log"
  fi

  if [ "$board" = qemu-virt ]; then
    # How a run ends, told apart by the runner's one line and exit status (README,
    # "When a program fails"): a program's exit status, a fault (named by addr2line),
    # a panic and a timeout.
    for case in exit_status:1:'^run: program main exited with status 7$' \
                null_deref:4:'^run: program main killed by a fault: .*translation fault.* in sum_list .*null_deref.c:14'; do
      prog=${case%%:*} rest=${case#*:}; want=${rest%%:*} line=${rest#*:}
      log=$out/runner-$prog.log
      if make -s --no-print-directory BOARD=qemu-virt B=$runner_build PROGRAM=tests/runner/$prog.c \
          image >"$log.result" 2>&1; then
        bash tools/qemu-run.sh --board qemu-virt --boot uboot --image $runner_build/Image \
          --timeout "$TIMEOUT" --quiet --log "$log" --expect-exit 0 >>"$log.result" 2>&1
        got=$?
        [ "$got" = "$want" ] && grep -Eq "$line" "$log.result"
      else
        false
      fi
      record "runner/$prog (exit status $want and one line saying why)" $? "$log.result"
    done
    log=$out/runner-panic.log
    bash tools/qemu-run.sh --board qemu-virt --image "$test_image" --timeout "$TIMEOUT" --quiet \
      --log "$log" --append janus.panictest >"$log.result" 2>&1
    [ $? = 3 ] && grep -q '^run: kernel panic: on CPU 0: selftest panic 42' "$log.result"
    record "runner/panic (exit status 3 and one line)" $? "$log.result"
    log=$out/runner-timeout.log
    bash tools/qemu-run.sh --board qemu-virt --image "$test_image" --timeout 2 --quiet \
      --log "$log" --expect-exit 0 >"$log.result" 2>&1
    [ $? = 124 ] && grep -q '^run: timed out after 2s' "$log.result"
    record "runner/timeout (exit status 124 and one line)" $? "$log.result"

    # U-Boot running at EL2 hands over at EL2: the kernel drops to EL1 itself, and
    # PSCI moves from HVC to SMC.
    log=$out/$board-demo-el2.log
    bash tools/qemu-run.sh --board "$board" --image "build/$board/qemu/$image_name" --boot uboot \
      --machine-opts ,virtualization=on --timeout "$TIMEOUT" --quiet --log "$log" --expect-exit 0 \
      --expect '^entered at EL2, running at EL1' --expect '^cpus: 4 of 4 online' >"$log.result" 2>&1
    record "$board/demo-boot (uboot, entered at EL2)" $? "$log.result"
  fi
done

# --- ASID variants on virt: 4-bit ASIDs (rollovers all the time, more address spaces
# than ASIDs) and ASID=off (the flush-on-switch baseline) must pass the same suites.
for variant in "ASID_BITS=4:test-asid4" "ASID=off:test-asidoff"; do
  setting=${variant%%:*} dir=${variant#*:}
  make -s --no-print-directory BOARD=qemu-virt FLAVOR=test "$setting" image >"$out/virt-$dir-build.log" 2>&1
  record "qemu-virt/build ($setting)" $? "$out/virt-$dir-build.log"
  log=$out/virt-$dir.log
  # 5,000 live processes take over a minute under TCG, more on a busy machine: the
  # timeout only guards against a hang.
  bash tools/qemu-run.sh --board qemu-virt --image "build/qemu-virt/$dir/Image" --timeout $((TIMEOUT * 5)) \
    --append "$DEBUG_SYSCALLS" --quiet --log "$log" --expect-exit 0 --expect '^selftest: [0-9]+ passed, 0 failed' >"$log.result" 2>&1
  status=$?
  count_lines "$log" '(kernel|user)' "qemu-virt-$dir/"
  record "qemu-virt/selftest-boot ($setting)" $status "$log.result"
done

# --- 70,000 live processes on the CPU's full 16-bit ASIDs (more than there are
# ASIDs: Zircon would fail here), siblings of one shared group; alone, with 3 GiB.
# One CPU: with 4 vCPUs on a 2-core host, 70,000 concurrent exits make ticket-lock
# waiters wait for descheduled vCPU threads, and teardown takes 20 minutes instead
# of seconds (rollovers on several CPUs are what the ASID_BITS=4 run tests).
log=$out/virt-asid-scale.log
bash tools/qemu-run.sh --board qemu-virt --image build/qemu-virt/test/Image --memory 3G --cpus 1 \
  --timeout $((TIMEOUT * 10)) --append janus.only=seventy_thousand_processes --quiet --log "$log" \
  --expect-exit 0 --expect '^  70000 live processes, each switched to once, on 16-bit ASIDs: [1-9]' \
  >"$log.result" 2>&1
status=$?
count_lines "$log" kernel "qemu-virt-scale/"
record "qemu-virt/asid-scale (70,000 live processes, 16-bit ASIDs)" $status "$log.result"

# --- the benchmarks run and say something sane (timing them is make bench's job) ----
make -s --no-print-directory BOARD=qemu-virt FLAVOR=bench BENCH_RING=2,16 image >"$out/virt-bench-build.log" 2>&1
record "qemu-virt/build (bench)" $? "$out/virt-bench-build.log"
log=$out/virt-bench-smoke.log
bash tools/qemu-run.sh --board qemu-virt --image build/qemu-virt/bench/Image --icount \
  --timeout $((TIMEOUT * 3)) --append "$DEBUG_SYSCALLS" --quiet --log "$log" \
  --expect-exit 0 --expect '^BENCH null-syscall [0-9]+ [0-9]+ [0-9]+' \
  --expect '^BENCH ring-16 ' --expect '^BENCH restricted-svc-rt ' \
  --expect '^BENCH restricted-kick-latency [0-9]+ ' --expect '^BENCH shared-map-unmap-N64-4cpu [0-9]+ ' \
  --expect '^BENCH create-shared-teardown ' --expect '^MEMORY shared-sibling [0-9]+ [0-9]+ ' \
  --expect '^MEMORY process [0-9]+ [0-9]+ ' \
  >"$log.result" 2>&1
record "qemu-virt/bench-smoke (every benchmark runs)" $? "$log.result"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
