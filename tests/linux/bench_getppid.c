// Not a test: the cost of one Linux null system call (getppid) through the
// personality, in PMU cycles (instructions under QEMU with -icount); with the argument
// "getpid", of getpid, which runs without the personality's lock. Run by hand:
// make linux CMD=/tests/bench_getppid QEMU_FLAGS... (docs/benchmarks.md says how).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline uint64_t cycles(void) {
  uint64_t c;
  __asm__ volatile("isb\n mrs %0, pmccntr_el0\n isb" : "=r"(c));
  return c;
}

int main(int argc, char **argv) {
  int lockless = argc > 1 && strcmp(argv[1], "getpid") == 0;
  long nr = lockless ? SYS_getpid : SYS_getppid;
  uint64_t best = ~0ull, total = 0;
  enum { N = 2000 };
  for (int i = 0; i < N; i++) {
    uint64_t t0 = cycles();
    syscall(nr);
    uint64_t d = cycles() - t0;
    total += d;
    if (d < best) best = d;
  }
  uint64_t t0 = cycles(), t1 = cycles();
  printf("%s: min %llu, mean %llu PMU cycles per call (empty measurement %llu)\n",
         lockless ? "getpid" : "getppid", (unsigned long long)best, (unsigned long long)(total / N),
         (unsigned long long)(t1 - t0));
  return 0;
}
