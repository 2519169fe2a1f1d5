// Futexes: threads of one process wait on a 32-bit user word. Waiters are kept in a
// small hash of queues keyed by (futex context, address); wakes are FIFO per address.
// The context is the process, or for a shared group's members the group (as in
// Zircon, where the futex context is part of the shareable state): a lock in the
// shared window works across the group.
#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/spinlock.h>
#include <janus/thread.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/syscalls/syscall_table.h"
#include "core/kernel/timer.h"
#include "lib/hash.h"

#define FUTEX_BUCKETS 64

struct futex_waiter {
  struct thread *thread;
  const void *context;
  uintptr_t addr;
  volatile bool woken;
  struct futex_waiter *next;
};

static struct {
  spinlock_t lock;
  struct futex_waiter *head;
} buckets[FUTEX_BUCKETS];

static const void *futex_context(const struct process *p) {
  return p->group ? (const void *)p->group : (const void *)p;
}

static unsigned bucket_of(const void *context, uintptr_t addr) {
  return (unsigned)(((uintptr_t)context >> 6 ^ addr >> 2) * HASH_GOLDEN_RATIO_64 >> 58) %
         FUTEX_BUCKETS;
}

static zx_status_t check_futex_address(uintptr_t addr) {
  if (!addr || addr % sizeof(zx_futex_t)) return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}

zx_status_t sys_futex_wait(user_in_ptr_t value_ptr, zx_futex_t current_value,
                           zx_handle_t new_futex_owner, zx_time_t deadline) {
  if (check_futex_address(value_ptr.addr) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  if (new_futex_owner != ZX_HANDLE_INVALID) {
    // Ownership (priority inheritance) is not tracked; the handle must still be valid.
    zx_status_t status = handle_get(new_futex_owner, ZX_OBJ_TYPE_THREAD, 0, NULL, NULL);
    if (status != ZX_OK) return ZX_ERR_INVALID_ARGS;
  }
  struct thread *self = thread_current();  // its process: process_current() without the call
  struct futex_waiter waiter = {
      .thread = self, .context = futex_context(self->process), .addr = value_ptr.addr};
  unsigned b = bucket_of(waiter.context, value_ptr.addr);
  // The value is checked under the bucket lock, so a wake after the user changed it
  // cannot slip between the check and the sleep.
  irq_state_t state = spin_lock_irqsave(&buckets[b].lock);
  zx_futex_t value;
  if (arch_copy_from_user(&value, value_ptr.addr, sizeof value) != ZX_OK) {
    spin_unlock_irqrestore(&buckets[b].lock, state);
    return ZX_ERR_INVALID_ARGS;
  }
  if (value != current_value) {
    spin_unlock_irqrestore(&buckets[b].lock, state);
    return ZX_ERR_BAD_STATE;
  }
  struct futex_waiter **tail = &buckets[b].head;
  while (*tail) tail = &(*tail)->next;
  *tail = &waiter;
  struct timer timer;
  timer_arm(&timer, self, deadline);
  zx_status_t status = ZX_OK;
  while (!waiter.woken && status == ZX_OK)
    status = thread_block_locked(&buckets[b].lock, &state, deadline);
  if (!waiter.woken) {
    for (struct futex_waiter **link = &buckets[b].head; *link; link = &(*link)->next)
      if (*link == &waiter) {
        *link = waiter.next;
        break;
      }
  }
  spin_unlock_irqrestore(&buckets[b].lock, state);
  timer_cancel(&timer);
  return status;
}

zx_status_t sys_futex_wake(user_in_ptr_t value_ptr, uint32_t wake_count) {
  if (check_futex_address(value_ptr.addr) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  const void *context = futex_context(thread_current()->process);
  unsigned b = bucket_of(context, value_ptr.addr);
  irq_state_t state = spin_lock_irqsave(&buckets[b].lock);
  for (struct futex_waiter **link = &buckets[b].head; *link && wake_count;) {
    struct futex_waiter *w = *link;
    if (w->context == context && w->addr == value_ptr.addr) {
      *link = w->next;  // unlinked here: the waiter only reads its own fields after this
      w->woken = true;
      sched_wake(w->thread);
      wake_count--;
    } else {
      link = &w->next;
    }
  }
  spin_unlock_irqrestore(&buckets[b].lock, state);
  return ZX_OK;
}
