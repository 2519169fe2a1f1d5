#!/usr/bin/env bash
# Makes a Raspberry Pi 4 SD-card image: an MBR with one FAT32 boot partition holding
# the Pi 4's boot firmware (start4.elf, fixup4.dat), config.txt, the Pi's device tree
# and Janus. Usage: sdcard.sh BOARD KERNEL OUT [direct|uboot] [BOOTARGS]
#   direct: the firmware loads Janus as kernel8.img (as `make run BOARD=rpi4` does).
#   uboot:  the firmware loads Debian's rpi_4 U-Boot, whose boot.scr loads janus.img.
#   BOOTARGS: the kernel command line, as cmdline.txt (the firmware's /chosen/bootargs).
# The firmware comes from Debian's raspi-firmware (make deps puts it in
# build/deps/firmware/); without it no card is made, since it could not boot.
#        sdcard.sh --check-firmware: only say whether the firmware is there (before a build).
set -euo pipefail
check_only=0
[ "${1:-}" = --check-firmware ] && { check_only=1; set -- rpi4 - -; }
board=$1 kernel=$2 out=$3 mode=${4:-direct} bootargs=${5:-}
[ "$board" = rpi4 ] || { echo "sdcard: only BOARD=rpi4 boots from an SD card" >&2; exit 2; }
case $mode in direct|uboot) ;; *) echo "sdcard: SDCARD_BOOT must be direct or uboot, not '$mode'" >&2; exit 2 ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
firmware=${JANUS_FIRMWARE_DIR:-$top/build/deps/firmware}  # tests point it elsewhere
for f in start4.elf fixup4.dat; do
  if [ ! -s "$firmware/$f" ]; then
    echo "sdcard: no $firmware/$f: the Pi 4 cannot boot without its firmware." >&2
    echo "sdcard: make deps fetches it from Debian's raspi-firmware (component non-free-firmware);" >&2
    echo "sdcard: or copy start4.elf and fixup4.dat from github.com/raspberrypi/firmware (boot/) there." >&2
    [ $check_only = 1 ] || rm -f "$out"
    exit 1
  fi
done
[ $check_only = 0 ] || exit 0
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

cp "$firmware/start4.elf" "$firmware/fixup4.dat" "$stage/"
cp "$top/board/rpi4/config.txt" "$stage/config.txt"
cp "$top/build/deps/dtb/bcm2711-rpi-4-b.dtb" "$stage/"
[ -z "$bootargs" ] || echo "$bootargs" >"$stage/cmdline.txt"
if [ "$mode" = uboot ]; then
  cp "$top/build/deps/u-boot-rpi/rpi_4/u-boot.bin" "$stage/kernel8.img"
  cp "$kernel" "$stage/janus.img"
  cat >"$stage/boot.cmd" <<'CMD'
echo Janus: loading janus.img
fatload mmc 0:1 ${kernel_addr_r} janus.img
booti ${kernel_addr_r} - ${fdt_addr}
CMD
  mkimage -A arm64 -T script -C none -d "$stage/boot.cmd" "$stage/boot.scr" >/dev/null
else
  cp "$kernel" "$stage/kernel8.img"
fi

part_start=2048                      # sectors: 1 MiB alignment
part_sectors=$((64 * 1024 * 2))      # 64 MiB
rm -f "$out"
truncate -s $(((part_start + part_sectors) * 512)) "$out"
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
# MBR: one bootable FAT32 (LBA) partition, then the boot signature.
{ printf '\x80\x00\x00\x00\x0c\x00\x00\x00'; le32 $part_start; le32 $part_sectors; } |
  dd of="$out" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$out" bs=1 seek=510 conv=notrunc status=none

fat=$stage/fat.img
truncate -s $((part_sectors * 512)) "$fat"
mkfs.vfat -F 32 -n JANUS "$fat" >/dev/null
for f in "$stage"/*; do
  case $f in "$fat"|*/boot.cmd) continue ;; esac
  mcopy -i "$fat" "$f" ::/
done
dd if="$fat" of="$out" bs=512 seek=$part_start conv=notrunc status=none
# What the card holds, read back from its FAT: a file that did not make it is an error.
echo "sdcard: $out ($mode boot), FAT32 partition at sector $part_start:"
on_card=$(mdir -b -i "$fat" ::/ | sed 's#^::/##')
for f in "$stage"/*; do
  name=${f##*/}
  case $name in fat.img|boot.cmd) continue ;; esac
  grep -qxF "$name" <<<"$on_card" || { echo "sdcard: $name is missing from the card" >&2; exit 1; }
  printf '  %-24s %10d bytes\n' "$name" "$(stat -c %s "$f")"
done
echo "sdcard: write it with: dd if=$out of=/dev/sdX bs=4M conv=fsync (README: \"On a Raspberry Pi 4\")"
