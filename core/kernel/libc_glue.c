// newlib's hooks into the kernel, all in one place: memory for malloc comes from
// _sbrk (the heap window, core/vm/heap.c); malloc's lock is a recursive, interrupt-masking spinlock so
// it is safe on every CPU. The kernel never uses newlib's FILE streams.
#include <errno.h>
#include <janus/arch.h>
#include <janus/heap.h>
#include <janus/spinlock.h>
#include <malloc.h>
#include <reent.h>
#include <stdlib.h>
#include <string.h>

static spinlock_t malloc_lock = SPINLOCK_INIT;
static volatile int malloc_owner = -1;  // CPU index holding the lock
static unsigned malloc_depth;
static irq_state_t malloc_irq_state;

void __malloc_lock(struct _reent *reent) {
  (void)reent;
  irq_state_t state = arch_irq_save();
  int self = (int)arch_cpu_index();
  if (malloc_owner == self) {
    malloc_depth++;
    return;
  }
  spin_lock(&malloc_lock);
  malloc_owner = self;
  malloc_depth = 1;
  malloc_irq_state = state;
}

void __malloc_unlock(struct _reent *reent) {
  (void)reent;
  if (--malloc_depth) return;
  irq_state_t state = malloc_irq_state;
  malloc_owner = -1;
  spin_unlock(&malloc_lock);
  arch_irq_restore(state);
}

void *_sbrk(ptrdiff_t increment) {
  void *old_end = heap_extend(increment);
  if (old_end == (void *)-1) errno = ENOMEM;
  return old_end;
}
