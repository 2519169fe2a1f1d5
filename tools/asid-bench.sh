#!/bin/sh
# Runs the ASID allocator benchmark (tests/host/asid_bench) under callgrind and turns
# its dumps into a table of host instructions per operation, net of the harness (the
# do-nothing allocator's count for the same segment). Usage: asid-bench.sh BIN CSV.
# Instruction counts, unlike host timings, are the same on every run.
set -eu
bin=$1
csv=$2
dumps=$(dirname "$csv")/asid-bench-callgrind
command -v valgrind >/dev/null || { echo "asid-bench: needs valgrind (callgrind)" >&2; exit 1; }
rm -rf "$dumps"
mkdir -p "$dumps"
# Count only inside measured_*(): set-up and the driver's checks are not counted.
valgrind --tool=callgrind --collect-atstart=no --toggle-collect='measured_*' \
  --callgrind-out-file="$dumps/out" "$bin" >"$dumps/bench.log" 2>"$dumps/valgrind.log" ||
  { cat "$dumps/valgrind.log" >&2; exit 1; }

n=$(ls "$dumps" | grep -c '^out\.[0-9]*$')
i=1
while [ "$i" -le "$n" ]; do echo "$dumps/out.$i"; i=$((i + 1)); done | xargs awk '
  /^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); label = $0 }
  /^summary: / { print label " ir=" $2 }
' | awk -v csv="$csv" -v cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" '
  function val(k,   i, kv) {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] }
    return ""
  }
  {
    w = val("workload"); a = val("alloc"); cfg = val("bits") SUBSEP val("cpus") SUBSEP val("live")
    n++; W[n] = w; A[n] = a; C[n] = cfg; OPS[n] = val("ops"); FAIL[n] = val("fails")
    ROLL[n] = val("rollovers"); IR[n] = val("ir")
    if (a == "null") HARN[w, cfg] = IR[n] / OPS[n]
  }
  END {
    print "workload,allocator,bits,cpus,live,ops,failures,rollovers,instructions,net_instructions_per_op" > csv
    for (i = 1; i <= n; i++) {
      # A rollover segment counts switches, like the switch segment it replays.
      h = HARN[(W[i] == "rollover" ? "switch-oversub" : W[i]), C[i]]
      net = A[i] == "null" ? 0 : IR[i] / OPS[i] - h
      split(C[i], c, SUBSEP)
      printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%.1f\n", W[i], A[i], c[1], c[2], c[3], OPS[i], FAIL[i],
        ROLL[i], IR[i], net > csv
      key = W[i] SUBSEP C[i]
      if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
      NET[key, A[i]] = sprintf("%.1f", net); R[key, A[i]] = ROLL[i]; F[key, A[i]] = FAIL[i]
    }
    printf "ASID allocators: host instructions per operation (callgrind, net of harness), %s\n\n", cpu
    print "| workload | bits | CPUs | live | Janus | Linux-style | Zircon-style | rollovers (Janus/Linux) | Zircon-style failed creates |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    nw = split("switch-fast churn create switch-oversub rollover", wl, " ")
    for (j = 1; j <= nw; j++) for (r = 1; r <= rows; r++) {
      key = order[r]; split(key, k, SUBSEP)
      if (k[1] != wl[j]) continue
      z = ((key, "zircon") in NET) ? NET[key, "zircon"] : "-"
      zf = ((key, "zircon") in F) ? F[key, "zircon"] : "-"
      if (k[1] == "rollover") zf = "-"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s/%s | %s |\n", k[1], k[2], k[3], k[4],
        NET[key, "janus"], NET[key, "linux"], z, R[key, "janus"], R[key, "linux"], zf
    }
    printf "\nper op: switch-fast, switch-oversub: one switch; churn: destroy + create + switch;\n"
    printf "create: one create; rollover: the switch that rolled over. CSV: %s\n", csv
  }
'
