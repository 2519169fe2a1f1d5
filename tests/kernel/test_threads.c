// Self-tests of kernel threads and the scheduler on every CPU.
#include <janus/arch.h>
#include <janus/testing.h>
#include <janus/cpu.h>
#include <janus/selftest.h>
#include <janus/thread.h>

#include <janus/pmm.h>

#include "core/kernel/sched_internal.h"

#define THREADS_PER_CPU 3
#define ROUNDS 50

struct counter_arg {
  volatile unsigned rounds;
  volatile unsigned wrong_cpu;
  unsigned cpu;
};

static void count_and_yield(void *p) {
  struct counter_arg *arg = p;
  for (unsigned i = 0; i < ROUNDS; i++) {
    if (arch_cpu_index() != arg->cpu) arg->wrong_cpu++;
    arg->rounds++;
    thread_yield();
  }
}

SELFTEST(threads_run_on_every_cpu_and_are_reaped) {
  static struct counter_arg args[MAX_CPUS * THREADS_PER_CPU];
  static struct thread *threads[MAX_CPUS * THREADS_PER_CPU];
  unsigned n = cpu_count * THREADS_PER_CPU;
  uint64_t free_before = pmm_free_pages();
  for (unsigned i = 0; i < n; i++) {
    args[i] = (struct counter_arg){.cpu = i % cpu_count};
    CHECK(thread_create_kernel("counter", count_and_yield, &args[i], &threads[i]) == ZX_OK);
  }
  for (unsigned i = 0; i < n; i++) thread_start(threads[i], i % cpu_count);
  for (unsigned i = 0; i < n; i++) thread_join(threads[i]);
  for (unsigned i = 0; i < n; i++) {
    CHECK(args[i].rounds == ROUNDS);
    CHECK(args[i].wrong_cpu == 0);
  }
  CHECK(pmm_free_pages() == free_before);
  return true;
}

static void exit_early(void *p) {
  *(volatile int *)p = 1;
  thread_exit();
}

SELFTEST(thread_exit_from_the_middle) {
  volatile int reached = 0;
  struct thread *t;
  CHECK(thread_create_kernel("exiter", exit_early, (void *)&reached, &t) == ZX_OK);
  thread_start(t, THREAD_ANY_CPU);
  thread_join(t);
  CHECK(reached == 1);
  return true;
}

// A freed kernel stack holds the poison (test kernels): whatever runs on it again
// loads non-canonical return addresses and faults at once. (Read through the physmap
// just after the free, before anything can reuse the pages: only CPU 0 runs now.)
SELFTEST(freed_kernel_stacks_are_poisoned) {
  struct thread *t;
  CHECK(thread_create_kernel("poisoned", NULL, NULL, &t) == ZX_OK);
  uintptr_t size = t->kstack_top - t->kstack_bottom;
  volatile uint64_t *middle = (uint64_t *)(t->kstack_bottom + size / 2);
  volatile uint64_t *top = (uint64_t *)t->kstack_top - 1;
  thread_destroy_unstarted(t);
  CHECK(*middle == KSTACK_POISON);
  CHECK(*top == KSTACK_POISON);
  return true;
}
