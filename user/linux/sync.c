// The personality's one lock, and sleeping on wait queues. Every Linux thread is a
// Janus thread of its sibling; all of them share the window, where this lock lives
// (futexes of a shared group are one context, so it works across siblings). A thread
// sleeps on its own word (wake_seq): whoever wakes it bumps the word under the lock,
// so a wake between the unlock and the futex wait is never lost. The futex calls use all
// of this before the vector saves the FP/SIMD registers (futex.c): no FP/SIMD here.
#pragma GCC target("general-regs-only")

#include "linux.h"

zx_futex_t lx_lock_state;

void lx_lock_contended(void) {
  while (__atomic_exchange_n(&lx_lock_state, 2, __ATOMIC_ACQUIRE) != 0)
    zx_futex_wait(&lx_lock_state, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

void lx_unlock_contended(void) { zx_futex_wake(&lx_lock_state, 1); }

// The waiter lives on this stack while linked: it is unlinked before the return.
#pragma GCC diagnostic ignored "-Wdangling-pointer"
static inline int sleep_on(struct lx_thread *t, struct lx_waitq *q, zx_time_t deadline,
                           const bool *woken) {
  if (lx_signal_pending(t) || t->exiting) return -LX_EINTR;
  if (deadline != ZX_TIME_INFINITE && deadline <= lx_now()) return -LX_ETIMEDOUT;
  struct lx_waiter w = {.thread = t, .next = NULL};
  if (q) {
    w.next = q->head;
    q->head = &w;
  }
  uint32_t seq = t->wake_seq;
  lx_unlock();
  zx_futex_wait((const zx_futex_t *)&t->wake_seq, (zx_futex_t)seq, ZX_HANDLE_INVALID, deadline);
  // The waker's last touch of a woken waiter is its release store of *woken.
  if (woken && __atomic_load_n(woken, __ATOMIC_ACQUIRE)) return LX_SLEEP_WOKEN_UNLOCKED;
  lx_lock();
  if (q && w.thread)  // not unlinked by lx_wake_all
    for (struct lx_waiter **link = &q->head; *link; link = &(*link)->next)
      if (*link == &w) {
        *link = w.next;
        break;
      }
  if (lx_signal_pending(t) || t->exiting) return -LX_EINTR;
  if (t->wake_seq == seq && deadline != ZX_TIME_INFINITE && deadline <= lx_now())
    return -LX_ETIMEDOUT;
  return 0;
}

int lx_sleep(struct lx_thread *t, struct lx_waitq *q, zx_time_t deadline) {
  return sleep_on(t, q, deadline, NULL);
}

int lx_sleep_until_woken(struct lx_thread *t, zx_time_t deadline, const bool *woken) {
  return sleep_on(t, NULL, deadline, woken);
}

static void wake(struct lx_thread *t) {
  __atomic_add_fetch(&t->wake_seq, 1, __ATOMIC_RELEASE);
  zx_futex_wake((const zx_futex_t *)&t->wake_seq, 1);
}

// Unlinks them too, marking each (thread NULL), so that its sleeper need not look.
void lx_wake_all(struct lx_waitq *q) {
  struct lx_waiter *w = q->head;
  q->head = NULL;
  for (; w; w = w->next) {
    wake(w->thread);
    w->thread = NULL;
  }
}

void lx_thread_wake(struct lx_thread *t) {
  wake(t);
  // Running Linux code, or about to: the kick brings it back to the vector, which
  // delivers (a kick before the entry makes the entry return at once). The fence
  // pairs with lx_may_reenter_unlocked's (linux.h).
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&t->in_restricted, __ATOMIC_RELAXED) && t->thread != ZX_HANDLE_INVALID)
    zx_restricted_kick(t->thread, 0);
}

void lx_reenter_unlock(struct lx_thread *t) {
  __atomic_store_n(&t->in_restricted, true, __ATOMIC_RELAXED);
  lx_unlock();
}
