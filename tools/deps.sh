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
PACKAGES=("${TOOLCHAIN[@]}" u-boot-qemu mtools dosfstools device-tree-compiler gdb-multiarch
          newlib-source xz-utils u-boot-tools gnuplot-nox)
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
[ -f "$deps/u-boot-rpi/rpi_4/u-boot.bin" ] && [ -f "$deps/dtb/bcm2711-rpi-4-b.dtb" ] || need_arm64=1

if [ ${#missing[@]} -gt 0 ] || [ $need_qemu = 1 ] || [ $need_arm64 = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Debian 12 ships QEMU 7.2, which lacks raspi4b: take QEMU from bookworm-backports.
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ $need_qemu = 1 ] && [ -n "$codename" ] && ! grep -rqs "$codename-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding $codename-backports for QEMU >= $QEMU_MIN_MAJOR"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$codename" | $SUDO tee /etc/apt/sources.list.d/janus-backports.sources >/dev/null
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
say "ok (qemu $(qemu-system-aarch64 --version | head -1 | awk '{print $4}'))"
