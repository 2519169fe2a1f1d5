#!/usr/bin/env bash
# `make bench-linux` (docs/benchmarks.md): the static Linux arm64 program
# tests/linux/bench_linux.c run twice under QEMU virt with the same machine, CPU and
# icount flags: as /init of Debian's arm64 Linux kernel (build/deps/linux/vmlinuz, an
# initramfs made with cpio) and under Janus's Linux personality (a LINUX=1 image, as
# `make linux PROGRAM=...` runs it). Prints one table (path, Linux, Janus, ratio) in
# QEMU icount instructions per operation, writes build/bench-linux/qemu-virt.csv and a
# bar chart (qemu-virt.png), and says whether the counts equal the previous run's of
# the same program and kernels (QEMU icount makes a run repeat exactly).
#
# bench-linux.sh [--timeout S]      (QEMU_TIMEOUT also sets it; default 900 s per run)
# bench-linux.sh --logs LINUX.log JANUS.log --name NAME
#   the table, build/bench-linux/NAME.csv and NAME.png from two captured outputs of the
#   program (a Pi 4: Raspberry Pi OS and Janus's SD image), in ns of CNTVCT_EL0.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
board=qemu-virt out=build/bench-linux timeout=${QEMU_TIMEOUT:-900} linux_log="" janus_log=""
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout=$2; shift ;;
    --logs) linux_log=$2 janus_log=$3; shift 2 ;;
    --name) board=$2; shift ;;
    *) echo "bench-linux: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
status=0
mkvar() { make -s --no-print-directory -f - <<<"include board/$board/board.mk
print: ; @echo \$($1)" print; }
if [ -n "$linux_log" ]; then
  UNIT="ns (CNTVCT_EL0)"
  machine_text="$board"
  cp "$linux_log" "$out/$board-linux.log" && cp "$janus_log" "$out/$board-janus.log" || exit 1
  linux_log=$out/$board-linux.log janus_log=$out/$board-janus.log
else
  UNIT="instructions (QEMU icount)"
  vmlinuz=build/deps/linux/vmlinuz
  [ -f "$vmlinuz" ] || { echo "bench-linux: no $vmlinuz (make deps fetches Debian's arm64 kernel)" >&2; exit 1; }

  # The board's QEMU machine and flags (-cpu, -smp, -m, as make bench uses), and the
  # clocks: one instruction per ns of virtual time, idle time skipped, a fixed random
  # seed (the device tree's rng-seed and kaslr-seed) and real-time clock.
  machine=$(mkvar BOARD_QEMU_MACHINE)
  read -r -a board_flags <<<"$(mkvar BOARD_QEMU_FLAGS)"
  clock_flags=(-icount shift=0,align=off,sleep=off -seed 1 -rtc base=2020-01-01T00:00:00,clock=vm)

  # --- build: the program (as the Linux suite's are), the Janus image, the initramfs ---
  lx=build/$board/qemu-linux
  prog=$lx/linux/tests/bench_linux
  echo "bench-linux: building $prog and the Janus image ($lx)"
  { make -s --no-print-directory BOARD=$board LINUX=1 "$prog" &&
    make -s --no-print-directory BOARD=$board LINUX=1 LINUX_PROGRAM="$prog" PROGRAM= CMD= ARGS= image; } \
    >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
  rm -rf "$out/initramfs"
  mkdir -p "$out/initramfs/dev" "$out/initramfs/proc"
  cp "$prog" "$out/initramfs/init"
  # The same bytes every time (no inode numbers, times of 0): another archive boots Linux
  # to another timer phase, and the counts would differ.
  find "$out/initramfs" -exec touch -h -d @0 {} +
  (cd "$out/initramfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible -R 0:0) >"$out/initramfs.cpio" ||
    { echo "bench-linux: cpio failed" >&2; exit 1; }

  # --- the two runs ----------------------------------------------------------------------
  echo "bench-linux: Linux $(cat build/deps/linux/release 2>/dev/null) under QEMU; log $out/linux.log"
  start=$(date +%s)
  timeout --foreground -k 5 "$timeout" qemu-system-aarch64 -M "$machine" "${board_flags[@]}" "${clock_flags[@]}" \
    -nographic -nic none -serial mon:stdio -no-reboot -kernel "$vmlinuz" -initrd "$out/initramfs.cpio" \
    -append 'console=ttyAMA0 nokaslr panic=-1' </dev/null >"$out/linux.log" 2>&1
  echo "bench-linux:   $(($(date +%s) - start)) s"
  tr -d '\r' <"$out/linux.log" | grep -q '^BENCH-LINUX-DONE ' ||
    { echo "bench-linux: the Linux run did not finish (see $out/linux.log)" >&2; status=1; }

  echo "bench-linux: Janus's Linux personality under QEMU; log $out/janus.log"
  start=$(date +%s)
  qemu_args=()
  for a in "${clock_flags[@]}"; do qemu_args+=(--qemu-arg "$a"); done
  bash tools/qemu-run.sh --board "$board" --image "$lx/Image" --timeout "$timeout" --quiet \
    --log "$out/janus.log" "${qemu_args[@]}" >"$out/janus.result" 2>&1
  echo "bench-linux:   $(($(date +%s) - start)) s"
  tr -d '\r' <"$out/janus.log" | grep -q '^BENCH-LINUX-DONE ' ||
    { echo "bench-linux: the Janus run did not finish:" >&2; tail -n 5 "$out/janus.result" >&2; status=1; }
  linux_log=$out/linux.log janus_log=$out/janus.log
  machine_text="QEMU virt ${board_flags[*]} ${clock_flags[*]}"
fi

# --- the table, the CSV, the plot ------------------------------------------------------
# A log's BENCH-LINUX lines: path, then instructions per operation (ticks * 1e9 /
# CNTFRQ / operations: one ns is one instruction under -icount shift=0) or the error.
per_op() {
  tr -d '\r' <"$1" | awk '$1 == "BENCH-LINUX" && NF == 5 { printf "%s %.0f %s %s\n", $2, $4 * 1e9 / $5 / $3, $3, $4 }
                          $1 == "BENCH-LINUX" && $3 == "error" { print $2, "error:" $4, "-", "-" }'
}
per_op "$linux_log" >"$out/linux.txt"
per_op "$janus_log" >"$out/janus.txt"
csv=$out/$board.csv
{ echo "# unit: $UNIT per operation; $(tr -d '\r' <"$linux_log" | sed -n 's/^BENCH-LINUX-KERNEL //p' | head -1) and Janus; $machine_text"
  echo "path,operations,linux,janus,janus_over_linux"
  awk -v lf="$out/linux.txt" -v jf="$out/janus.txt" '
    BEGIN {
      while ((getline < lf) > 0) { order[++n] = $1; lin[$1] = $2; ops[$1] = $3 }
      while ((getline < jf) > 0) { if (!($1 in lin)) order[++n] = $1; jan[$1] = $2; if (ops[$1] == "" || ops[$1] == "-") ops[$1] = $3 }
      for (i = 1; i <= n; i++) {
        k = order[i]; l = lin[k]; j = jan[k]
        r = (l ~ /^[0-9]+$/ && j ~ /^[0-9]+$/ && l > 0) ? sprintf("%.2f", j / l) : ""
        print k "," ops[k] "," (l == "" ? "missing" : l) "," (j == "" ? "missing" : j) "," r
      }
    }'
} >"$csv"

echo
echo "The same static binary (tests/linux/bench_linux.c) on both kernels, $machine_text:"
echo "$UNIT per operation$([ -z "${vmlinuz:-}" ] || echo ", not cycles"); ratio = Janus / Linux (below 1: Janus is faster)."
awk -F, '!/^#/ && !/^path,/ {
    if (!header++) printf "%-24s %9s %12s %12s %7s\n", "path", "ops", "Linux", "Janus", "ratio"
    printf "%-24s %9s %12s %12s %7s\n", $1, $2, $3, $4, $5 == "" ? "-" : $5
  }' "$csv"
cat <<'LEGEND'
  every path runs in a child forked after sched_setaffinity(CPU 0): both sides of a round
  trip share CPU 0. -rt: round trip (there and back: two switches); -2thread: two threads
  of one process; -2proc: two processes. futex-rt-2proc: a word in a MAP_SHARED page (no
  FUTEX_PRIVATE_FLAG). fork-execve-wait: the child execs the program itself, which exits
  at once. mmap-touch-munmap-Np: map N anonymous pages, write each, unmap. error:X: the
  path failed (what failed and its errno), on that kernel.
LEGEND
# Memory per idle process (BENCH-LINUX-MEMORY): bytes, from each kernel's sysinfo.
memory() { tr -d '\r' <"$1" | awk '$1 == "BENCH-LINUX-MEMORY" && $3 != "error" { print $4; n++ }
                                  $1 == "BENCH-LINUX-MEMORY" && $3 == "error" { print "error:" $4; n++ }
                                  END { if (!n) print "missing" }'; }
mem_linux=$(memory "$linux_log") mem_janus=$(memory "$janus_log")
{ echo "path,processes,linux_bytes,janus_bytes"
  echo "idle-forked-process,$(cat "$janus_log" "$linux_log" | tr -d '\r' | awk '$1 == "BENCH-LINUX-MEMORY" && $3 != "error" { print $3; exit }'),$mem_linux,$mem_janus"
} >"$out/$board-memory.csv"
echo "memory per idle forked process (sysinfo's free memory before and after, bytes): Linux $mem_linux, Janus $mem_janus"
echo "bench-linux: $csv, $out/$board-memory.csv"

# The same program and kernels give the same counts: compare with the previous run's.
if [ -n "${vmlinuz:-}" ]; then
  key=$(cat "$prog" "$lx/Image" "$vmlinuz" | sha1sum | cut -c1-16)
  counts=$(cat "$linux_log" "$janus_log" | tr -d '\r' | grep -E '^BENCH-LINUX(-MEMORY)? ' | sort)
  if [ -f "$out/last.key" ] && [ "$(cat "$out/last.key")" = "$key" ] && [ -f "$out/last.counts" ]; then
    if [ "$counts" = "$(cat "$out/last.counts")" ]; then
      echo "bench-linux: counts identical to the previous run of the same program and kernels"
    else
      echo "bench-linux: counts DIFFER from the previous run of the same program and kernels:"
      diff <(cat "$out/last.counts") <(echo "$counts") | sed 's/^/  /'
      status=1
    fi
  fi
  echo "$key" >"$out/last.key"
  echo "$counts" >"$out/last.counts"
fi

if command -v gnuplot >/dev/null 2>&1; then
  png=$out/$board.png
  gnuplot <<EOF 2>"$out/gnuplot.log" && echo "bench-linux: plot $png" || echo "bench-linux: gnuplot failed (see $out/gnuplot.log)"
set terminal png size 1000,560 noenhanced
set output '$png'
set datafile separator ','
set datafile missing '-'
set title 'One static Linux arm64 program on Linux and on Janus ($board), $UNIT per operation'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 10
set yrange [100:*]
set ylabel '$UNIT per operation (log scale)'
set xtics rotate by -35 scale 0
set key top left
set grid ytics
plot '$csv' every ::1 using (column(3) > 0 ? column(3) : 1/0):xtic(1) title 'Linux', \
     '' every ::1 using (column(4) > 0 ? column(4) : 1/0) title 'Janus'
EOF
else
  echo "bench-linux: no gnuplot (make deps installs gnuplot-nox): no plot"
fi
exit $status
