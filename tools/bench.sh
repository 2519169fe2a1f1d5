#!/usr/bin/env bash
# `make bench`: the benchmark suite (docs/benchmarks.md).
#
# bench.sh [--board qemu-virt|rpi4] [--timeout S] [--ring N,N,...] [--memory SIZE]
#   qemu-virt: builds the bench flavor three ways (ASIDs on, the ASID=off baseline,
#     ASID_BITS=4 for the slow path and rollovers), runs each under QEMU with
#     -icount shift=0, writes build/bench/<board>-<build>.csv (and -sweep.csv), prints
#     the table side by side with the ratio ASIDs on / off, plots the scale sweep.
#     --ring: the ring sizes of the sweep instead of bench-ring's (2,16,256,4096,8192),
#     built into the images (BENCH_RING);
#     --memory: QEMU RAM instead of the board's 1 GiB (65,536 processes need more).
#   rpi4: builds SD-card images of the same suite for a Pi 4 (ASIDs on and off); run
#     them on the board and feed the serial logs back with --log.
# bench.sh --log FILE --name NAME [--unit UNIT]
#   turns a captured serial log (e.g. from a Pi 4) into build/bench/NAME.csv.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/bench
board=qemu-virt timeout=${QEMU_TIMEOUT:-600} log="" name="" unit="CPU cycles (PMCCNTR_EL0)"
ring="" memory=""
while [ $# -gt 0 ]; do
  case $1 in
    --board) board=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --log) log=$2; shift ;;
    --name) name=$2; shift ;;
    --unit) unit=$2; shift ;;
    --ring) ring=$2; shift ;;
    --memory) memory=$2; shift ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
QEMU_UNIT="instructions (QEMU icount)"

# A serial log's BENCH and SWEEP lines as CSV (the first line names the columns).
to_csv() { # log, csv, sweep csv, unit
  { echo "# unit: $4"
    echo "path,samples,min,median,p90,p99,max"
    tr -d '\r' <"$1" | awk '$1 == "BENCH" && NF == 8 { print $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 }'
    tr -d '\r' <"$1" | awk '$1 == "BENCH-TODO" { print $2 ",todo,,,,," }'
  } >"$2"
  { echo "# unit: $4"
    echo "n,switches,median,mean,rollovers_per_1000,slow_per_1000"
    tr -d '\r' <"$1" | awk '$1 == "SWEEP" && NF == 7 { print $2 "," $3 "," $4 "," $5 "," $6 "," $7 }'
  } >"$3"
  # Kernel memory per process (MEMORY lines; bytes from the kernel's own accounting).
  { echo "path,processes,kernel_bytes,heap_bytes,slab_bytes,objects"
    tr -d '\r' <"$1" | awk '$1 == "MEMORY" && NF == 7 { print $2 "," $3 "," $4 "," $5 "," $6 "," $7 }'
  } >"${3%-sweep.csv}-memory.csv"
}

if [ -n "$log" ]; then
  [ -n "$name" ] || { echo "bench: --log needs --name" >&2; exit 2; }
  to_csv "$log" "$out/$name.csv" "$out/$name-sweep.csv" "$unit"
  echo "bench: $out/$name.csv, $out/$name-sweep.csv, $out/$name-memory.csv"
  exit 0
fi

if [ "$board" = rpi4 ]; then
  # No semihosting on hardware (FLAVOR=bench-hw): the kernel powers off when done.
  for asid in on off; do
    suffix=$([ $asid = off ] && echo -asidoff)
    make -s --no-print-directory BOARD=rpi4 FLAVOR=bench-hw ASID=$asid image || exit 1
    bash tools/sdcard.sh rpi4 "build/rpi4/bench-hw$suffix/kernel8.img" "$out/rpi4-bench$suffix-sdcard.img" direct \
      kernel.enable-debugging-syscalls=true || exit 1
  done
  cat <<EOF

bench: SD-card images for a Raspberry Pi 4: $out/rpi4-bench-sdcard.img (ASIDs on) and
  $out/rpi4-bench-asidoff-sdcard.img (the ASID=off baseline). For each: add start4.elf and
  fixup4.dat (README, "Flashing a Raspberry Pi 4"), flash, boot with the serial console
  captured (e.g. picocom -b 115200 --logfile pi-asid.log /dev/ttyUSB0) until "janus: exit",
  then:
    tools/bench.sh --log pi-asid.log --name rpi4-hw-asid
    tools/bench.sh --log pi-asidoff.log --name rpi4-hw-asidoff
    tools/bench-compare.sh $out/rpi4-hw-asidoff.csv $out/rpi4-hw-asid.csv
  The log's "bench: CPU clock" line says the clock the cores ran at (measured against
  the system counter; the firmware's setting is not read).
EOF
  exit 0
fi

# --- QEMU: three builds, each run once ---------------------------------------------
builds=(asid asidoff asid4)
declare -A make_args=([asid]="" [asidoff]="ASID=off" [asid4]="ASID_BITS=4")
declare -A build_dir=([asid]=bench [asidoff]=bench-asidoff [asid4]=bench-asid4)
image_name=$(make -s --no-print-directory -f - <<<"include board/$board/board.mk
print: ; @echo \$(BOARD_IMAGE_NAME)" print)
status=0
for b in "${builds[@]}"; do
  echo "bench: building $board/${build_dir[$b]}"
  # shellcheck disable=SC2086  # make_args holds words
  make -s --no-print-directory BOARD=$board FLAVOR=bench ${make_args[$b]} BENCH_RING="$ring" image >"$out/$board-$b-build.log" 2>&1 ||
    { cat "$out/$board-$b-build.log"; exit 1; }
done
for b in "${builds[@]}"; do
  log=$out/$board-$b.log
  echo "bench: running $board/${build_dir[$b]} under QEMU (-icount shift=0); log $log"
  start=$(date +%s)
  bash tools/qemu-run.sh --board "$board" --image "build/$board/${build_dir[$b]}/$image_name" \
    --timeout "$timeout" --icount --append "kernel.enable-debugging-syscalls=true" \
    ${memory:+--memory "$memory"} --quiet --log "$log" --expect-exit 0 ||
    { echo "bench: $board/$b failed" >&2; status=1; }
  echo "bench:   $(( $(date +%s) - start )) s"
  to_csv "$log" "$out/$board-$b.csv" "$out/$board-$b-sweep.csv" "$QEMU_UNIT"
done

# --- the table ---------------------------------------------------------------------
echo
echo "Janus benchmarks on $board: median (p99) per operation, in $QEMU_UNIT, not cycles."
echo "QEMU does not model TLBs: what ASIDs save shows only on hardware (make bench BOARD=rpi4)."
echo "asid: full-width ASIDs; off: ASID=off (ASID 0, TLB flush per switch); asid4: ASID_BITS=4."
awk -F, -v builds="${builds[*]}" -v dir="$out" -v board="$board" '
  # Table order: syscalls, single switches, round trips, the sweep by n, then the rest.
  function rank(k,   n, r) {
    if (k == "null-syscall") return 1
    if (k == "clock-get-monotonic") return 2
    if (k == "thread-switch") return 3
    if (k == "thread-yield-rt") return 4.5
    if (k == "thread-yield-rt-fpsimd") return 4.6
    if (k == "thread-event-rt") return 5
    if (k == "process-event-rt") return 6
    if (k == "thread-channel-rt") return 6.1
    if (k == "process-channel-rt") return 6.2
    if (k == "thread-port-rt") return 6.3
    if (k == "thread-futex-rt") return 7
    if (k == "shared-group-switch") return 7.1
    if (k == "cross-group-switch") return 7.2
    if (k == "restricted-svc-rt") return 7.3
    if (k == "restricted-fault-rt") return 7.4
    if (k == "restricted-kick-latency") return 7.5
    if (k ~ /^ring-[0-9]+/) {
      n = k; sub(/^ring-/, "", n); sub(/\/.*/, "", n)
      r = (n == 2 ? 4 : 10 + n / 100000)
      if (k ~ /asid-slow$/) r += 0.000001
      if (k ~ /asid-rollover$/) r += 0.000002
      return r
    }
    return 1000 + first[k]
  }
  BEGIN {
    n = split(builds, b, " ")
    for (i = 1; i <= n; i++) {
      f = dir "/" board "-" b[i] ".csv"
      while ((getline line < f) > 0) {
        if (line ~ /^#/ || line ~ /^path,/) continue
        split(line, v, ",")
        if (!(v[1] in seen)) { seen[v[1]] = 1; order[++paths] = v[1]; first[v[1]] = paths }
        cell[v[1], b[i]] = v[2] == "todo" ? "todo" : v[4] " (" v[6] ")"
        med[v[1], b[i]] = v[4]
      }
    }
    for (p = 1; p <= paths; p++) key[p] = rank(order[p])
    for (p = 2; p <= paths; p++)  # insertion sort by rank
      for (q = p; q > 1 && key[q - 1] > key[q]; q--) {
        t = key[q]; key[q] = key[q - 1]; key[q - 1] = t
        t = order[q]; order[q] = order[q - 1]; order[q - 1] = t
      }
    printf "%-30s %18s %18s %7s %18s\n", "path", "asid", "off", "on/off", "asid4"
    for (p = 1; p <= paths; p++) {
      k = order[p]
      ratio = (med[k, "asid"] != "" && med[k, "asidoff"] > 0) ? sprintf("%.2f", med[k, "asid"] / med[k, "asidoff"]) : "-"
      if (cell[k, "asid"] == "todo") ratio = "-"
      printf "%-30s %18s %18s %7s %18s\n", k, cell[k, "asid"] == "" ? "-" : cell[k, "asid"],
        cell[k, "asidoff"] == "" ? "-" : cell[k, "asidoff"], ratio, cell[k, "asid4"] == "" ? "-" : cell[k, "asid4"]
    }
  }'
cat <<'LEGEND'
  null-syscall          zx_handle_close(ZX_HANDLE_INVALID): call, svc, dispatch, eret
  thread-switch         one switch between two threads of a process (they yield in turn)
  thread-yield-rt       yield round trip between two threads (two switches); -fpsimd: both
                        write a vector register every turn (lazy FP/SIMD's cost for them)
  ring-2                one switch between two processes (yield): TTBR0 and ASID change
  *-event-rt            round trip through one event: signal, wait, two switches
  *-channel-rt          round trip over one channel: write + read each way, two switches
  thread-port-rt        round trip through two ports: zx_port_queue, and a zx_port_wait
                        woken on each side, two switches
  thread-futex-rt       round trip through a futex, two switches
  shared-group-switch   yield round trip between two processes of one shared group (two
                        switches, TTBR0 only); cross-group-switch: between two groups'
                        prototypes (TTBR0 and TTBR1)
  restricted-*-rt       zx_restricted_enter -> svc / a fault in restricted mode -> the vector
  restricted-kick-latency  round trip on the kicker's CPU: zx_restricted_kick to a thread
                        spinning in restricted mode on another CPU -> its vector's store seen
  create-shared-teardown  zx_process_create_shared + thread + start + exit + wait + closes
  shared-map-unmap-Nk-1cpu  zx_vmar_map + a write + zx_vmar_unmap of one window page, with
                        k siblings alive that touched it (all on one CPU); -Nk-4cpu: k - 1
                        siblings on the other 3 CPUs holding it in their TLBs at the unmap
  ring-N                one switch in a ring of N processes; /asid-slow: the switches that
                        took the allocator's slow path; /asid-rollover: those that rolled over
LEGEND
# Only when the table has such a row (a path that needs more CPUs than this run had).
if grep -qs ',todo,' "$out"/$board-*.csv; then
  echo "  todo                  not measured: the path needs more CPUs (user/bench/shared.c)"
fi

# The project's targets (docs/benchmarks.md), where this run measures the path.
echo
echo "Targets (QEMU icount instructions; docs/benchmarks.md says where they go):"
awk -F, -v f="$out/$board-asid.csv" -v s="$out/$board-asid-sweep.csv" '
  BEGIN {
    while ((getline line < f) > 0) { split(line, v, ","); med[v[1]] = v[4] }
    t = med["null-syscall"]
    if (t != "") printf "  null syscall <= 50: %d, %s\n", t, t <= 50 ? "met" : sprintf("missed by %d (%.1fx)", t - 50, t / 50)
    while ((getline line < s) > 0) { split(line, v, ","); if (v[1] ~ /^[0-9]+$/) { last = v[1]; sw[v[1]] = v[3] } }
    if (sw[2] != "" && last != 2)
      printf "  ring of %d within 5%% of a ring of 2: %d vs %d, %s\n", last, sw[last], sw[2],
        sw[last] <= sw[2] * 1.05 ? "met" : sprintf("missed: +%.1f%%", (sw[last] / sw[2] - 1) * 100)
    if (last != 65536) print "  (the ring target is for 65,536 processes, past the ASID count: make bench BENCH_RING=2,65536 BENCH_MEMORY=8G, about 20 minutes a build, most of it creating and tearing down the processes)"
    target("shared-group yield round trip", "shared-group-switch", 600)
    target("restricted enter -> svc -> vector", "restricted-svc-rt", 200)
    target("create_shared + start + exit + reap", "create-shared-teardown", 18000)
  }
  function target(what, path, limit,   t) {
    t = med[path]
    if (t == "") printf "  %s <= %d: not measured\n", what, limit
    else printf "  %s <= %d: %d, %s\n", what, limit, t, t <= limit ? "met" : sprintf("missed by %d (%.1fx)", t - limit, t / limit)
  }'

# Kernel memory per process, from JANUS_INFO_KMEM_STATS (bytes, not instructions).
echo
echo "Kernel memory per process (page allocator bytes less the process's data pages; of it heap, slab; objects):"
for b in "${builds[@]}"; do
  tail -n +2 "$out/$board-$b-memory.csv" | awk -F, -v b="$b" '{ printf "  %-8s %-16s %8s bytes (%s processes), heap %s, slab %s, %s objects\n", b, $1, $3, $2, $4, $5, $6 }'
done
echo "  target for a shared sibling (one thread, one page): <= 24,576 bytes"

# Scale sweep: instructions per switch and rollovers per 1,000 switches against n.
echo
echo "Scale sweep (ring of n processes on one CPU): median per switch; rollovers per 1,000 switches"
for b in "${builds[@]}"; do
  tail -n +3 "$out/$board-$b-sweep.csv" | awk -F, -v b="$b" '{ printf "  %-8s n=%-6s %8s per switch, %6s rollovers/1000, %6s slow/1000\n", b, $1, $3, $5, $6 }'
done
if command -v gnuplot >/dev/null 2>&1; then
  png=$out/$board-sweep.png
  gnuplot <<EOF 2>"$out/gnuplot.log" && echo "bench: plot $png" || echo "bench: gnuplot failed (see $out/gnuplot.log)"
set terminal png size 900,540 noenhanced
set output '$png'
set datafile separator ','
set title 'Janus on $board: one switch in a ring of n processes, in $QEMU_UNIT'
set logscale x 2
set xlabel 'processes in the ring (n)'
set ylabel 'median per switch ($QEMU_UNIT)'
set y2label 'ASID rollovers per 1,000 switches'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key below
plot '$out/$board-asid-sweep.csv' every ::1 using 1:3 with linespoints title 'asid (per switch)', \
     '$out/$board-asidoff-sweep.csv' every ::1 using 1:3 with linespoints title 'ASID=off (per switch)', \
     '$out/$board-asid4-sweep.csv' every ::1 using 1:3 with linespoints title 'ASID_BITS=4 (per switch)', \
     '$out/$board-asid4-sweep.csv' every ::1 using 1:5 axes x1y2 with points pt 7 title 'ASID_BITS=4 rollovers/1000'
EOF
else
  echo "bench: no gnuplot (make deps installs gnuplot-nox): no plot"
fi
echo "bench: CSVs in $out/ (compare two with tools/bench-compare.sh A.csv B.csv)"
exit $status
