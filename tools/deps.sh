#!/usr/bin/env bash
# Installs what building, booting and testing Janus needs, from Debian's packages.
# Idempotent: a no-op (two dpkg queries) when everything is there. Called by `make deps`,
# and as `deps.sh fuzz` by `make fuzz`.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"
QEMU_MIN_MAJOR=9

say() { echo "deps: $*"; }

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: this machine has no apt-get. Janus installs its tools from Debian's packages;" >&2
  echo "deps: install by hand: aarch64-linux-gnu gcc/binutils, qemu-system-aarch64 >= $QEMU_MIN_MAJOR," >&2
  echo "deps: u-boot (qemu_arm64), mtools, dosfstools, dtc, gdb-multiarch, newlib sources, gnuplot." >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

qemu_major() {
  command -v qemu-system-aarch64 >/dev/null 2>&1 || { echo 0; return; }
  qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -1
}

host_arch=$(dpkg --print-architecture)
# On an arm64 host the native gcc and binutils are aarch64-linux-gnu-*; elsewhere the
# cross packages provide those names.
if [ "$host_arch" = arm64 ]; then
  TOOLCHAIN=(gcc binutils)
else
  TOOLCHAIN=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
fi
# libc6-dev-arm64-cross: static glibc for the Linux test programs (tests/linux); qemu-user
# runs BusyBox on the host once, to list its applets (the links of the Linux file system).
PACKAGES=("${TOOLCHAIN[@]}" libc6-dev-arm64-cross qemu-user u-boot-qemu mtools dosfstools device-tree-compiler gdb-multiarch
          newlib-source xz-utils u-boot-tools gnuplot-nox clang-format)
# `deps.sh fuzz` (make fuzz): clang and its libFuzzer runtime as well; make test does
# not need them (it replays the fuzz corpus with the host's cc).
[ "${1:-}" = fuzz ] && PACKAGES+=(clang)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
need_qemu=0
[ "$(qemu_major)" -ge "$QEMU_MIN_MAJOR" ] || need_qemu=1
need_arm64=0
[ -f "$deps/u-boot-rpi/rpi_4/u-boot.bin" ] && [ -f "$deps/dtb/bcm2711-rpi-4-b.dtb" ] &&
  [ -f "$deps/busybox/bin/busybox" ] || need_arm64=1
# The Pi 4's boot firmware (start4.elf, fixup4.dat): Debian's raspi-firmware, in the
# non-free-firmware component. Only `make sdcard` needs it.
FIRMWARE_FILES=(start4.elf fixup4.dat)
need_firmware=0
for f in "${FIRMWARE_FILES[@]}"; do [ -f "$deps/firmware/$f" ] || need_firmware=1; done
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
distro=$(. /etc/os-release && echo "${ID:-}")

if [ ${#missing[@]} -gt 0 ] || [ $need_qemu = 1 ] || [ $need_arm64 = 1 ] || [ $need_firmware = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Debian 12 ships QEMU 7.2, which lacks raspi4b: take QEMU from bookworm-backports.
  if [ $need_qemu = 1 ] && [ -n "$codename" ] && ! grep -rqs "$codename-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding $codename-backports for QEMU >= $QEMU_MIN_MAJOR"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$codename" | $SUDO tee /etc/apt/sources.list.d/janus-backports.sources >/dev/null
  fi
  if [ $need_firmware = 1 ] && [ "$distro" = debian ] && [ -n "$codename" ] &&
     ! grep -rqs non-free-firmware /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding Debian's non-free-firmware component for the Pi 4 boot firmware (raspi-firmware)"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: non-free-firmware\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$codename" | $SUDO tee /etc/apt/sources.list.d/janus-non-free-firmware.sources >/dev/null
  fi
  # u-boot-rpi and the Pi device tree exist only as arm64 packages.
  [ "$host_arch" = arm64 ] || dpkg --print-foreign-architectures | grep -qx arm64 ||
    $SUDO dpkg --add-architecture arm64
  say "apt-get update"
  $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ $need_qemu = 1 ]; then
    say "installing qemu-system-arm from $codename-backports"
    $SUDO apt-get install -y -qq --no-install-recommends -t "$codename-backports" qemu-system-arm >/dev/null ||
      $SUDO apt-get install -y -qq --no-install-recommends qemu-system-arm >/dev/null
    [ "$(qemu_major)" -ge "$QEMU_MIN_MAJOR" ] || { echo "deps: QEMU >= $QEMU_MIN_MAJOR is needed, have $(qemu_major)" >&2; exit 1; }
  fi
fi

# Arm64-only packages are downloaded and extracted under build/, never installed.
extract_arm64() { # package, destination
  local tmp; tmp=$(mktemp -d); chmod 777 "$tmp"  # apt downloads as _apt
  (cd "$tmp" && apt-get download -qq "$1:arm64" >/dev/null && dpkg-deb -x ./*.deb root)
  mkdir -p "$2"; echo "$tmp/root"
}
if [ ! -f "$deps/u-boot-rpi/rpi_4/u-boot.bin" ]; then
  say "fetching u-boot-rpi:arm64"
  root=$(extract_arm64 u-boot-rpi "$deps/u-boot-rpi")
  cp -r "$root/usr/lib/u-boot/." "$deps/u-boot-rpi/"
  rm -rf "$(dirname "$root")"
fi
if [ ! -f "$deps/dtb/bcm2711-rpi-4-b.dtb" ]; then
  # The Pi's device tree ships in Debian's arm64 kernel package.
  kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*-arm64\).*/\1/p' | head -1)
  [ -n "$kpkg" ] || { echo "deps: cannot resolve linux-image-arm64:arm64" >&2; exit 1; }
  say "fetching $kpkg:arm64 for bcm2711-rpi-4-b.dtb"
  root=$(extract_arm64 "$kpkg" "$deps/dtb")
  cp "$(find "$root" -name bcm2711-rpi-4-b.dtb | head -1)" "$deps/dtb/"
  rm -rf "$(dirname "$root")"
fi
if [ ! -f "$deps/busybox/bin/busybox" ]; then
  # Debian's statically linked BusyBox: the Linux personality's /bin (user/linux).
  say "fetching busybox-static:arm64"
  root=$(extract_arm64 busybox-static "$deps/busybox")
  mkdir -p "$deps/busybox/bin"
  cp "$root/bin/busybox" "$deps/busybox/bin/"
  rm -rf "$(dirname "$root")"
fi
# QEMU's raspi4b warns about every node it does not model: give it a tree without them.
if [ ! -f "$deps/dtb/bcm2711-rpi-4-b-qemu.dtb" ]; then
  bash "$top/tools/qemu-dtb.sh" "$deps/dtb/bcm2711-rpi-4-b.dtb" "$deps/dtb/bcm2711-rpi-4-b-qemu.dtb" >/dev/null
fi
if [ $need_firmware = 1 ]; then
  say "fetching raspi-firmware (start4.elf, fixup4.dat for make sdcard)"
  tmp=$(mktemp -d); chmod 777 "$tmp"
  if (cd "$tmp" && apt-get download -qq raspi-firmware >/dev/null 2>&1 && dpkg-deb -x ./*.deb root); then
    mkdir -p "$deps/firmware"
    for f in "${FIRMWARE_FILES[@]}"; do
      src=$(find "$tmp/root" -name "$f" | head -1)
      [ -n "$src" ] && cp "$src" "$deps/firmware/"
    done
    cp "$(find "$tmp/root" -name copyright -path '*raspi-firmware*' | head -1)" "$deps/firmware/LICENCE.raspi-firmware" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  for f in "${FIRMWARE_FILES[@]}"; do
    # Not fatal here: QEMU needs no firmware. make sdcard refuses to make a card without it.
    [ -f "$deps/firmware/$f" ] || { say "WARNING: no $f (raspi-firmware from Debian's non-free-firmware); make sdcard will fail"; break; }
  done
fi
say "ok (qemu $(qemu-system-aarch64 --version | head -1 | awk '{print $4}'))"
