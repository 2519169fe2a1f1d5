// The first user program of bench builds (user/user.mk makes it "init"; the kernel
// starts init and nothing else). It says what the cycle counter counts, then runs the
// benchmarks bootfs file bench.list names (one a line), in that order, one at a time,
// each started on this CPU: the benchmarks place everything they start themselves
// (user/bench/lib/bench.h, bench_pin). They print their own results
// (docs/benchmarks.md); init exits with the number that failed.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#define CLOCK_WINDOW_NS 50000000LL  // 50 ms
#define LIST_MAX 4096

static uint64_t cycles(void) {
  uint64_t v;
  __asm__ volatile("isb\n mrs %0, pmccntr_el0\n isb" : "=r"(v)::"memory");
  return v;
}

// BENCH_QEMU_ICOUNT: the bench flavor, which runs under QEMU -icount shift=0
// (tools/bench.sh); bench-hw runs on hardware.
static void banner(void) {
  printf("bench: unit: %s\n",
         BENCH_QEMU_ICOUNT ? "instructions (QEMU icount), not cycles" : "CPU cycles (PMCCNTR_EL0)");
  // Without the firmware mailbox the set clock is unknown; this is what the counter did.
  zx_time_t t0 = zx_clock_get_monotonic(), t1;
  uint64_t c0 = cycles();
  while ((t1 = zx_clock_get_monotonic()) - t0 < CLOCK_WINDOW_NS) {}
  uint64_t hz = (uint64_t)((unsigned __int128)(cycles() - c0) * 1000000000u / (uint64_t)(t1 - t0));
  printf("bench: CPU clock %lu.%03lu MHz, measured: cycle counter against the monotonic clock%s\n",
         (unsigned long)(hz / 1000000), (unsigned long)(hz / 1000 % 1000),
         BENCH_QEMU_ICOUNT ? " (under QEMU both follow virtual time: 1 GHz by construction)" : "");
}

// Runs program to its end on cpu; its exit code, or -1 if it could not run.
static int64_t run(const char *program, uint32_t cpu) {
  janus_launch_options_t o = JANUS_LAUNCH_OPTIONS_INIT;
  o.cpu = cpu;
  zx_handle_t proc;
  zx_status_t status =
      janus_launch_bootfs_etc(zx_job_default(), janus_bootfs(), program, &o, &proc);
  zx_info_process_t info = {.return_code = -1};
  if (status == ZX_OK &&
      zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL) == ZX_OK)
    zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL);
  if (status == ZX_OK) zx_handle_close(proc);
  if (status != ZX_OK) printf("bench: cannot start %s: status %d\n", program, status);
  return info.return_code;
}

int main(void) {
  static char list[LIST_MAX + 1];  // NUL-terminated: one byte more than it reads
  zx_status_t status = janus_bootfs_read(janus_bootfs(), "bench.list", list, LIST_MAX, NULL);
  if (status != ZX_OK) {
    printf("bench: no bench.list in the boot filesystem: status %d\n", status);
    return 1;
  }
  uint32_t cpu = JANUS_THREAD_CPU_ANY;
  zx_object_get_property(zx_thread_self(), JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);
  banner();
  int failed = 0;
  for (char *line = list, *next; *line; line = next) {
    next = line + strcspn(line, "\n");
    if (*next) *next++ = 0;
    if (!*line) continue;
    int64_t code = run(line, cpu);
    if (code != 0) {
      printf("bench: %s failed: exit %ld\n", line, (long)code);
      failed++;
    }
  }
  return failed;
}
