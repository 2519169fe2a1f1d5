# The Linux suite, run by BusyBox's sh as Linux process 1 in test builds
# (user/linux/linux.mk): every static test program in /tests, then BusyBox command
# lines against their expected output. Prints "PASS linux/NAME" or "FAIL linux/NAME"
# (with what went wrong) per check, and exits 1 if any failed.
failed=0
pass() { echo "PASS linux/$1"; }
fail() { echo "FAIL linux/$1"; failed=1; }

for t in stdio malloc threads concurrent fork exec pipe signals files mmap time errors segv forkbomb futex_shared futex pipe_small ids jit; do
  if /tests/$t > /tmp/out.$t 2>&1; then pass "$t"; else fail "$t (exit $?)"; sed 's/^/  /' /tmp/out.$t; fi
done
# make bench-linux's program, briefly (3 operations a path): every path runs and checks
# what it measures.
if /tests/bench_linux -n 3 > /tmp/out.bench 2>&1; then pass bench_linux-smoke; else
  fail "bench_linux-smoke (exit $?)"; sed 's/^/  /' /tmp/out.bench; fi

# expect NAME EXPECTED COMMAND...: the command's output (stdout and stderr) must be EXPECTED.
expect() {
  name=$1 want=$2
  shift 2
  got=$("$@" 2>&1)
  if [ "$got" = "$want" ]; then pass "busybox/$name"; else
    fail "busybox/$name"; echo "  expected: $want"; echo "  got:      $got"; fi
}

expect echo "hello world" echo hello world
expect pipeline "3" sh -c 'printf "a\nb\nc\n" | cat | wc -l'
expect pipes-sort-uniq "1 a
2 b" sh -c 'printf "b\na\nb\n" | sort | uniq -c | sed "s/^ *//"'
expect redirect "line1
line2" sh -c 'echo line1 > /tmp/r.txt; echo line2 >> /tmp/r.txt; cat < /tmp/r.txt'
expect stderr-redirect "oops" sh -c 'ls /nonexistent 2>/dev/null || echo oops'
expect loop "1 2 3 4 5" sh -c 'for i in 1 2 3 4 5; do printf "%s" "$i"; [ $i -lt 5 ] && printf " "; done; echo'
expect while "3" sh -c 'i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo $i'
expect subshell "inner outer" sh -c 'x=outer; (x=inner; printf "%s " $x); echo $x'
expect status "1 0 42" sh -c 'false; a=$?; true; b=$?; sh -c "exit 42"; echo $a $b $?'
expect test "yes no" sh -c '[ -d /bin ] && printf "yes "; [ -f /nonexistent ] || echo no'
expect sed "hello janus" sh -c 'echo hello world | sed s/world/janus/'
expect grep "b2" sh -c 'printf "a1\nb2\nc3\n" | grep b'
expect wc-words "4" sh -c 'echo one two three four | wc -w'
expect cat-written "written earlier" sh -c 'echo written earlier > /tmp/w.txt; cat /tmp/w.txt'
expect ls-l "-rw-r--r--" sh -c 'touch /tmp/f; ls -l /tmp/f | cut -c1-10'
expect ls-bin "yes" sh -c '[ $(ls -l /bin | wc -l) -gt 50 ] && echo yes'
printf 'echo script says $1\nexit 3\n' > /tmp/s.sh
expect script "script says hi
3" sh -c 'sh /tmp/s.sh hi; echo $?'
expect signal-status "Terminated
143" sh -c 'sh -c "kill -TERM \$\$"; echo $?'
expect head-tail "3" sh -c 'seq 1 10 | head -n 3 | tail -n 1'
expect mkdir-rm "gone" sh -c 'mkdir -p /tmp/x/y && rm -r /tmp/x && [ ! -e /tmp/x ] && echo gone'
expect uname "Linux aarch64" uname -sm

exit $failed
