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

#define FUTEX_BUCKETS 64

struct futex_waiter {
  struct thread *thread;
  const void *context;
  uintptr_t addr;
  bool woken;  // set by the waker, under the bucket lock, as its last touch of the waiter
  struct futex_waiter *next;
};

static struct futex_bucket {
  spinlock_t lock;
  struct futex_waiter *head;
} buckets[FUTEX_BUCKETS];

static const void *futex_context(const struct process *p) {
  return p->group ? (const void *)p->group : (const void *)p;
}

// Folds the word's address and its context into a bucket: a few shifts and xors (no
// multiply), enough to spread neighbouring words and the futexes of different processes.
static struct futex_bucket *bucket_of(const void *context, uintptr_t addr) {
  uintptr_t h = (uintptr_t)context >> 6 ^ addr >> 2;
  struct futex_bucket *b = &buckets[(h ^ h >> 6 ^ h >> 12) % FUTEX_BUCKETS];
  __asm__("" : "+r"(b));  // one register: GCC recomputed it at each use around the lock
  return b;
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
  struct futex_bucket *bucket = bucket_of(waiter.context, value_ptr.addr);
  spinlock_t *lock = &bucket->lock;
  // The value is checked under the bucket lock, so a wake after the user changed it
  // cannot slip between the check and the sleep.
  irq_state_t state = spin_lock_irqsave(lock);
  zx_futex_t value;
  zx_status_t status = ZX_OK;
  if (arch_copy_u32_from_user(&value, value_ptr.addr) != ZX_OK) status = ZX_ERR_INVALID_ARGS;
  else if (value != current_value) status = ZX_ERR_BAD_STATE;
  if (status != ZX_OK) {
    spin_unlock_irqrestore(lock, state);
    return status;
  }
  struct futex_waiter **tail = &bucket->head;
  while (*tail) tail = &(*tail)->next;
  *tail = &waiter;
  struct timer timer;
  timer_arm(&timer, self, deadline);
  for (;;) {
    status = thread_block_unlock(lock, state, deadline);
    // Woken is the waker's last touch of the waiter (and of this thread): seen, the
    // wait is over without the lock, which the waker may still hold (the usual case).
    if (__atomic_load_n(&waiter.woken, __ATOMIC_ACQUIRE)) break;
    state = spin_lock_irqsave(lock);
    if (!waiter.woken && status != ZX_OK) {  // timed out or killed: leave the queue
      for (struct futex_waiter **link = &bucket->head; *link; link = &(*link)->next)
        if (*link == &waiter) {
          *link = waiter.next;
          break;
        }
    }
    if (waiter.woken || status != ZX_OK) {
      spin_unlock_irqrestore(lock, state);
      break;
    }
  }
  timer_cancel(&timer);
  return status;
}

zx_status_t sys_futex_wake(user_in_ptr_t value_ptr, uint32_t wake_count) {
  if (check_futex_address(value_ptr.addr) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  const void *context = futex_context(thread_current()->process);
  struct futex_bucket *bucket = bucket_of(context, value_ptr.addr);
  irq_state_t state = spin_lock_irqsave(&bucket->lock);
  for (struct futex_waiter **link = &bucket->head; *link && wake_count;) {
    struct futex_waiter *w = *link;
    if (w->context == context && w->addr == value_ptr.addr) {
      *link = w->next;
      sched_wake(w->thread);
      // The last touch of w: its waiter may return as soon as it sees this.
      __atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
      wake_count--;
    } else {
      link = &w->next;
    }
  }
  spin_unlock_irqrestore(&bucket->lock, state);
  return ZX_OK;
}
