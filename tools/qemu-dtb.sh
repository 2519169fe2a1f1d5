#!/usr/bin/env bash
# The Pi 4 device tree for QEMU's raspi4b: Debian's bcm2711-rpi-4-b.dtb without the
# nodes raspi4b does not model (PCIe, RNG, thermal, GENET). raspi4b removes them
# itself, with a warning for each on every run; this copy has none to remove. The SD
# card gets the original. Usage: qemu-dtb.sh IN.dtb OUT.dtb
set -euo pipefail
in=$1 out=$2
unmodelled='brcm,bcm2711-pcie|brcm,bcm2711-rng200|brcm,bcm2711-thermal|brcm,bcm2711-genet-v5'
# Paths of the nodes whose compatible names one of them, from the decompiled tree.
paths=$(dtc -q -I dtb -O dts "$in" | awk -v re="\"($unmodelled)\"" '
  /\{[ \t]*$/ { name = $0; sub(/^[ \t]*/, "", name); sub(/[ \t]*\{[ \t]*$/, "", name)
                sub(/^[^ ]*: /, "", name); path[++depth] = name; next }
  /^[ \t]*\};/ { depth--; next }
  /^[ \t]*compatible = / && $0 ~ re {
    p = ""; for (i = 2; i <= depth; i++) p = p "/" path[i]; print (p == "" ? "/" : p) }')
cp "$in" "$out.tmp"
for p in $paths; do fdtput -r "$out.tmp" "$p"; done
mv "$out.tmp" "$out"
echo "qemu-dtb: $out without $(echo $paths | wc -w) unmodelled nodes"
