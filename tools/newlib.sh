#!/usr/bin/env bash
# Builds newlib 3.3 (Debian's newlib-source) for aarch64-none-elf with Debian's
# aarch64-linux-gnu cross gcc. Usage: newlib.sh user|kernel OUTDIR
#   user:   the ordinary C library for EL0 programs.
#   kernel: built with -mgeneral-regs-only, so the kernel never touches FP/SIMD
#           registers; only the FP-free parts the kernel links are kept
#           (string, ctype, integer-only formatted print, dlmalloc, errno, reent).
# Results: OUTDIR/include and OUTDIR/lib/libc.a. Rebuilt only when this script
# changes (the Makefile keeps each recipe's build apart).
set -euo pipefail
variant=$1 out=$(realpath -m "$2")
tarball=$(ls /usr/src/newlib/newlib-*.tar.xz | head -1)
cross=aarch64-linux-gnu-
work="$out.work"
rm -rf "$work" "$out"; mkdir -p "$work/src" "$work/obj" "$out"
tar -xf "$tarball" -C "$work/src" --strip-components=1

common="-g -ffunction-sections -fdata-sections -fno-stack-protector -fno-omit-frame-pointer"
case $variant in
  # C99 formats (%zu %jd %td %hhu) and long long (%lld): a user program gets
  # standard printf and scanf.
  user)   cflags="-O2 $common"
          opts="--enable-newlib-retargetable-locking --enable-newlib-io-c99-formats --enable-newlib-io-long-long" ;;
  # Not PREFER_SIZE_OVER_SPEED: with it newlib's C string routines copy and fill a
  # byte at a time (a 4 KiB memset took 12,000 instructions); without it they move
  # 8-byte words. The SIMD assembly versions are never linked (below).
  kernel) cflags="-O2 $common -mgeneral-regs-only -mstrict-align"
          opts="--enable-newlib-retargetable-locking --enable-newlib-nano-formatted-io --disable-newlib-io-float --disable-newlib-fvwrite-in-streamio" ;;
  *) echo "usage: $0 user|kernel OUTDIR" >&2; exit 2 ;;
esac

tools=()
for t in AR AS LD NM RANLIB OBJDUMP READELF STRIP; do
  tools+=("${t}_FOR_TARGET=${cross}$(echo $t | tr A-Z a-z)")
done
# newlib takes minutes to build: say so, and say how far it is every 20 seconds.
echo "newlib ($variant): building newlib once for Janus; this takes several minutes"
progress() { # log
  while sleep 20; do echo "newlib ($variant): $(grep -c -- ' -c -o ' "$1" 2>/dev/null) files compiled"; done
}
with_progress() { # log, command...
  local log=$1 ticker status; shift
  progress "$log" & ticker=$!
  "$@" >"$log" 2>&1; status=$?
  kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
  return $status
}
cd "$work/obj"
"$work/src/configure" --target=aarch64-none-elf --prefix="$work/inst" \
  --disable-newlib-supplied-syscalls --disable-nls --disable-multilib $opts \
  CC_FOR_TARGET="${cross}gcc" CFLAGS_FOR_TARGET="$cflags" "${tools[@]}" >configure.log 2>&1
if [ "$variant" = user ]; then
  with_progress build.log make -j"$(nproc)" all-target-newlib || { tail -40 build.log; exit 1; }
  make install-target-newlib >install.log 2>&1
  cp -r "$work/inst/aarch64-none-elf/include" "$out/include"
  mkdir -p "$out/lib"; cp "$work/inst/aarch64-none-elf/lib/"{libc.a,libm.a} "$out/lib/"
else
  # The FP parts of newlib (libm, strtod, difftime, ...) cannot build without FP
  # registers; -k lets the rest build, and we keep only the directories we need.
  with_progress build.log make -k -j"$(nproc)" all-target-newlib || true
  libc=aarch64-none-elf/newlib/libc
  objs=()
  # newlib's aarch64 assembly (SIMD string routines, setjmp saving d8-d15) is left
  # out: the portable C string routines in libc/string serve the kernel.
  for d in string ctype errno reent locale misc; do
    for o in "$libc/$d"/*.o; do
      # The kernel supplies its own SMP-safe locks (core/kernel/libc_glue.c).
      case $o in */lib_a-lock.o) continue ;; esac
      [ -e "$o" ] && objs+=("$o")
    done
  done
  # From stdio and stdlib, only integer-only formatted print and malloc. The malloc is
  # newlib's dlmalloc (binned: free is O(1)), not nano-malloc, whose address-ordered
  # free list makes each free O(free chunks): tearing down 70,000 processes took minutes.
  for o in "$libc"/stdio/lib_a-{nano-vfprintf,nano-svfprintf,nano-vfprintf_i,snprintf,vsnprintf,sprintf,vsprintf}.o \
           "$libc"/stdlib/lib_a-{mallocr,freer,reallocr,callocr,cfreer,malignr,msizer,malloc,free,calloc,realloc,abs,labs,llabs,div,qsort,bsearch,strtol,strtoul,strtoll,strtoull,atoi,atol}.o; do
    [ -e "$o" ] && objs+=("$o")
  done
  mkdir -p "$out/lib"
  printf '%s\n' "${objs[@]}" | sort -u | xargs ${cross}ar rcs "$out/lib/libc.a"
  mkdir -p "$out/include"
  cp -r "$work/src/newlib/libc/include/." "$out/include/"
  cp aarch64-none-elf/newlib/targ-include/newlib.h aarch64-none-elf/newlib/targ-include/_newlib_version.h "$out/include/" 2>/dev/null || true
fi
rm -rf "$work"
echo "newlib ($variant): $out"
