// The personality's one lock, and sleeping on wait queues. Every Linux thread is a
// Janus thread of its sibling; all of them share the window, where this lock lives
// (futexes of a shared group are one context, so it works across siblings). A thread
// sleeps on its own word (wake_seq, linux.h's lx_sleep_on). The futex calls use all
// of this before the vector saves the FP/SIMD registers (futex.c): no FP/SIMD here.
#pragma GCC target("general-regs-only")

#include "linux.h"

zx_futex_t lx_lock_state;

void lx_lock_contended(void) {
  while (__atomic_exchange_n(&lx_lock_state, 2, __ATOMIC_ACQUIRE) != 0)
    zx_futex_wait(&lx_lock_state, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

void lx_unlock_contended(void) { zx_futex_wake(&lx_lock_state, 1); }

int lx_sleep(struct lx_thread *t, struct lx_waitq *q, zx_time_t deadline) {
  return lx_sleep_on(t, q, deadline, NULL);
}

// Unlinks them too, marking each (thread NULL), so that its sleeper need not look.
void lx_wake_all(struct lx_waitq *q) {
  struct lx_waiter *w = q->head;
  q->head = NULL;
  for (; w; w = w->next) {
    lx_thread_unpark(w->thread);
    w->thread = NULL;
  }
}

void lx_thread_wake(struct lx_thread *t) {
  lx_thread_unpark(t);
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
