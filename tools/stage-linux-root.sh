#!/usr/bin/env bash
# Stages the Linux personality's file system folder (user/linux/linux.mk) and prints
# its manifest (every path with its kind and checksum), so make repacks it only when
# something changed.
#
# Usage: tools/stage-linux-root.sh OUT BUSYBOX "[TESTS_BUILT TESTS_SRC]"
# Environment: LINUX_PROGRAM (a static binary, installed as /bin/<name>), LINUX_ROOT
# (a folder whose files are copied over the rest).
set -euo pipefail
out=$1 busybox=$2 tests=${3:-}
rm -rf "$out"
mkdir -p "$out"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp}
cp "$busybox" "$out/bin/busybox"
# The applets and where they go, from BusyBox itself (on the host through qemu-user).
if [ "$(uname -m)" = aarch64 ]; then run=(); else run=(qemu-aarch64); fi
list=$(mktemp)
"${run[@]}" "$busybox" --list-full > "$list"
while read -r applet; do
  [ -n "$applet" ] && [ "$applet" != bin/busybox ] && [ ! -e "$out/$applet" ] && ln -s /bin/busybox "$out/$applet"
done < "$list"
rm -f "$list"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$out/etc/passwd"
printf 'root:x:0:\n' > "$out/etc/group"
printf 'janus\n' > "$out/etc/hostname"
if [ -n "$tests" ]; then
  read -r built src <<<"$tests"
  mkdir -p "$out/tests"
  cp "$built"/* "$out/tests/"
  cp "$src"/*.sh "$out/tests/"
  chmod +x "$out/tests"/*.sh
fi
if [ -n "${LINUX_PROGRAM:-}" ]; then
  [ -f "$LINUX_PROGRAM" ] || { echo "stage-linux-root: PROGRAM=$LINUX_PROGRAM: no such file" >&2; exit 1; }
  cp "$LINUX_PROGRAM" "$out/bin/$(basename "$LINUX_PROGRAM")"
  chmod +x "$out/bin/$(basename "$LINUX_PROGRAM")"
fi
if [ -n "${LINUX_ROOT:-}" ]; then
  [ -d "$LINUX_ROOT" ] || { echo "stage-linux-root: LINUX_ROOT=$LINUX_ROOT: no such folder" >&2; exit 1; }
  cp -a "$LINUX_ROOT"/. "$out"/
fi
(cd "$out" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do
  if [ -L "$p" ]; then echo "L $p $(readlink "$p")"
  elif [ -d "$p" ]; then echo "D $p $(stat -c %a "$p")"
  else echo "F $p $(stat -c %a "$p") $(md5sum < "$p" | cut -d' ' -f1)"; fi
done)
