#!/usr/bin/env bash
# Build-time checks of a kernel image: usage: check-image.sh kernel.elf Image
#  - the arm64 Image header (magic, non-zero image_size, flags) that booti, QEMU and
#    the Pi firmware rely on;
#  - only R_AARCH64_RELATIVE dynamic relocations (all boot/relocate.c handles);
#  - no FP/SIMD register anywhere in kernel code (exception entry does not save them).
set -euo pipefail
elf=$1 image=$2
fail() { echo "check-image: $image: $*" >&2; exit 1; }

magic=$(od -An -tx4 -j56 -N4 "$image" | tr -d ' ')
[ "$magic" = 644d5241 ] || fail "bad Image magic ($magic)"
size=$(od -An -tu8 -j16 -N8 "$image" | tr -d ' ')
[ "$size" -gt 0 ] || fail "image_size is 0"
[ "$size" -ge "$(stat -c %s "$image")" ] || fail "image_size $size is smaller than the file"
flags=$(od -An -tu8 -j24 -N8 "$image" | tr -d ' ')
[ $((flags & 1)) = 0 ] && [ $(((flags >> 1) & 3)) = 1 ] || fail "flags $flags: want little-endian, 4K"

others=$(aarch64-linux-gnu-readelf -rW "$elf" | awk '/^[0-9a-f]+ / && $3 != "R_AARCH64_RELATIVE" && $3 != "R_AARCH64_NONE"' | head -3)
[ -z "$others" ] || fail "relocations other than R_AARCH64_RELATIVE: $others"

# Operands naming b/h/s/d/q/v registers. Branch targets and symbol names are cut first.
# fpsimd_save/fpsimd_restore (arch/arm64/fpsimd.S) switch user FP state: allowed.
fp=$(aarch64-linux-gnu-objdump -d --no-show-raw-insn "$elf" | awk -F'\t' '
  /^[0-9a-f]+ <.*>:$/ { allowed = ($0 ~ /<fpsimd_(save|restore)>:$/) }
  /^ *[0-9a-f]+:\t/ && !allowed {
    op = $3; sub(/[<\/].*/, "", op)
    if ($2 ~ /^(b|bl|b\..*|cbn?z|tbn?z|adrp?)$/) next
    if (op ~ /(^|[ ,\[{])[bhsdqv][0-9]+([ ,.\]}]|$)/) { print $0; n++; if (n == 3) exit }
  }')
[ -z "$fp" ] || fail "kernel code uses FP/SIMD registers:
$fp"
echo "check-image: $image ok ($size bytes with bss)"
