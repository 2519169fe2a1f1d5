// Runs every SELFTEST on CPU 0 and reports in a form the harness (tools/test.sh)
// counts: "PASS kernel/<name>" lines and a summary. Bootargs "janus.only=<name>" run
// that one test (opt-in tests run only so); "janus.crashtest" then provokes a kernel
// data abort, "janus.panictest" a panic(), "janus.lifecycletest" a bad thread state
// transition, to check the reports.
#include <janus/panic.h>
#include <janus/selftest.h>
#include <string.h>

#include "core/kernel/sched_internal.h"
#include "lib/bootargs.h"

extern const struct selftest __selftests_start[], __selftests_end[];

// A real kernel bug, on purpose: a store to an unmapped kernel address.
__attribute__((noinline)) void selftest_crash_data_abort(void) {
  *(volatile unsigned long *)0xffffff80dead0000UL = 0x1a2b3c4d;
}

const char *selftest_only(const char *bootargs, size_t *len) {
  const char *only;
  return bootarg_find(bootargs, "janus.only", &only, len) ? only : NULL;
}

int selftest_run_all(const char *bootargs) {
  int passed = 0, failed = 0;
  size_t only_len = 0;
  const char *only = selftest_only(bootargs, &only_len);
  for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
    bool named = only && strlen(t->name) == only_len && !strncmp(t->name, only, only_len);
    if (only ? !named : t->opt_in) continue;
    bool ok = t->run();
    kprintf("%s kernel/%s\n", ok ? "PASS" : "FAIL", t->name);
    if (ok) passed++; else failed++;
  }
  kprintf("selftest: %d passed, %d failed\n", passed, failed);
  if (strstr(bootargs, "janus.crashtest")) {
    kprintf("crashtest: provoking a kernel data abort\n");
    selftest_crash_data_abort();
    kprintf("crashtest: survived the data abort?!\n");
    return 2;
  }
  if (strstr(bootargs, "janus.panictest")) panic("selftest panic %d", 42);
  if (strstr(bootargs, "janus.lifecycletest")) {
    // The check every thread state change passes in test kernels: a wakeup of an
    // exiting thread (what a kill did to one before issue 11) must panic, by name.
    kprintf("lifecycletest: EXITING -> READY\n");
    thread_check_transition(thread_current(), THREAD_EXITING, THREAD_READY);
    kprintf("lifecycletest: survived a bad transition?!\n");
    return 2;
  }
  return failed ? 1 : 0;
}
