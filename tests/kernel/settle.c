#include "tests/kernel/settle.h"

#include <janus/arch.h>
#include <janus/thread.h>

#include <janus/object.h>

#include "core/object/process.h"
#include "core/vm/kmem.h"

static bool asleep(const struct process *p) {
  struct thread *t = p->threads;
  return t && __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_BLOCKED;
}

void wait_until_asleep(struct process **procs, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    while (!asleep(procs[i])) thread_yield();
}

bool wait_until_unused_pages(uint64_t pages) {
  zx_time_t end = arch_monotonic_ns() + OTHER_CPU_WAIT_NS;
  while (kmem_unused_pages() != pages && arch_monotonic_ns() < end) thread_yield();
  return kmem_unused_pages() == pages;
}

bool wait_until_live_objects(uint64_t objects) {
  zx_time_t end = arch_monotonic_ns() + OTHER_CPU_WAIT_NS;
  while (kobject_live_count() > objects && arch_monotonic_ns() < end) thread_yield();
  return kobject_live_count() <= objects;
}
