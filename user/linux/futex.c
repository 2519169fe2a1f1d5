// Linux futexes, kept by the personality rather than by Janus's futexes: a Janus
// futex is keyed by address within the shared group, and the same address in two
// Linux processes is two different words. As in Linux, a waiter is keyed by what the
// word is: a private futex (FUTEX_PRIVATE_FLAG, or a word in a private mapping) by
// (process, address); a shared one (no FUTEX_PRIVATE_FLAG, a MAP_SHARED mapping) by
// (the mapping's VMO, offset), so processes that share the page meet on it whatever
// address each maps it at. Waiters sleep on their thread's own word (sync.c), which
// also lets signals interrupt them.
//
// The common calls (FUTEX_WAKE, and FUTEX_WAIT without a timeout, with or without a
// bitset) are answered before the vector saves any FP/SIMD register
// (lx_dispatch_futex, called from entry.S as fastcall.c's calls are): so this file, and
// everything it calls on that way (sync.c, lx_mm_find, fastcall.c's handshake), is
// compiled without FP/SIMD registers. The word is read straight from the Linux memory,
// which is mapped in normal mode too: under the lock, a mapping the list says is readable
// is there and backed by its own VMO of its size (mm.c), so the load cannot fault.
#pragma GCC target("general-regs-only")

#include "linux.h"

// The fast way's helpers are inlined into lx_dispatch_futex (one frame, no calls but the
// kernel's) and into lx_sys_futex.
#define FAST static inline __attribute__((always_inline))

// A process's address is even (aligned), a shared key's object odd (struct lx_vma's
// futex_object): the two never meet, and a key compares in two words.
struct futex_key {
  uint64_t object;  // the process (private) or the VMO's koid << 1 | 1 (shared)
  uint64_t offset;  // the address (private) or the offset in the VMO (shared)
};

struct futex_waiter {
  struct lx_thread *thread;
  struct futex_key key;
  uint32_t bitset;
  bool woken;
  struct futex_waiter *next;
};

static struct futex_waiter *waiters;

// Linux's get_futex_key: EINVAL for a misaligned word; a shared key needs the word
// mapped (EFAULT), a private one is the address alone. *vma: the word's mapping when
// looked up (read_word uses it), else NULL.
FAST int key_of(struct lx_thread *t, uintptr_t addr, bool private_op, struct futex_key *k,
                const struct lx_vma **vma) {
  *vma = NULL;
  if (addr & 3) return -LX_EINVAL;
  if (!private_op) {
    const struct lx_vma *v = *vma = lx_mm_find_inline(&t->proc->mm, addr);
    if (!v) return -LX_EFAULT;
    if (v->futex_object) {  // MAP_SHARED
      *k = (struct futex_key){v->futex_object, addr + v->futex_delta};
      return 0;
    }
  }
  *k = (struct futex_key){(uintptr_t)t->proc, addr};
  return 0;
}

// The word, loaded in place when a mapping that reads covers it (v, if not NULL: the
// mapping key_of found; an aligned word lies in one). Otherwise -EFAULT, as Linux's
// get_user on a PROT_NONE or unmapped word.
FAST int read_word(struct lx_thread *t, const struct lx_vma *v, uintptr_t addr, uint32_t *value) {
  if (!v) v = lx_mm_find_inline(&t->proc->mm, addr);
  if (!v || !(v->prot & LX_PROT_READABLE)) return -LX_EFAULT;
  *value = __atomic_load_n((const uint32_t *)addr, __ATOMIC_RELAXED);
  return 0;
}

FAST bool same_key(const struct futex_key *a, const struct futex_key *b) {
  return a->object == b->object && a->offset == b->offset;
}

// As Linux's futex_wake: the first waiter that matches is woken whatever n is, then up
// to n in all (so a count of 0, or one past INT_MAX, which is negative, wakes one).
FAST int wake(const struct futex_key *k, int n, uint32_t bitset) {
  int woken = 0;
  for (struct futex_waiter **link = &waiters; *link;) {
    struct futex_waiter *w = *link;
    if (same_key(&w->key, k) && (w->bitset & bitset)) {
      struct lx_thread *thread = w->thread;
      *link = w->next;
      // The last touch: the waiter may return at once, without the lock (futex_wait).
      __atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
      // Linked, it was in neither Linux code nor on its way there (in_restricted clear
      // from before it linked until after this unlink): a wake, never a kick.
      lx_thread_unpark(thread);
      if (++woken >= n) break;
    } else {
      link = &w->next;
    }
  }
  return woken;
}

// The kernel's own wakes (clear_child_tid, robust lists) are shared ones, as Linux's.
int lx_futex_wake(struct lx_thread *t, uintptr_t addr, int n) {
  struct futex_key k;
  const struct lx_vma *v;
  return key_of(t, addr, false, &k, &v) == 0 && n > 0 ? wake(&k, n, ~0u) : 0;
}

// The waiter lives on this stack while linked: it is unlinked before the return.
#pragma GCC diagnostic ignored "-Wdangling-pointer"
// Lock held, in_restricted clear (wake's); so is the lock on return, except when unlocked
// is not NULL and a wake ended the sleep: then *unlocked is set and the lock was not taken
// again. bitset: not 0 (the callers answer EINVAL first, as Linux).
FAST long futex_wait(struct lx_thread *t, const struct futex_key *k, const struct lx_vma *v,
                     uintptr_t addr, uint32_t expected, zx_time_t deadline, uint32_t bitset,
                     bool *unlocked) {
  uint32_t value;
  if (read_word(t, v, addr, &value) != 0) return -LX_EFAULT;
  if (value != expected) return -LX_EAGAIN;
  struct futex_waiter w = {.thread = t, .key = *k, .bitset = bitset, .woken = false};
  w.next = waiters;
  waiters = &w;
  int err;
  do {  // not woken yet: it was linked under the lock, held since
    err = lx_sleep_until_woken(t, deadline, unlocked ? &w.woken : NULL);
    if (err == LX_SLEEP_WOKEN_UNLOCKED) {
      *unlocked = true;
      return 0;
    }
  } while (!w.woken && !err);
  if (!w.woken)
    for (struct futex_waiter **link = &waiters; *link; link = &(*link)->next)
      if (*link == &w) {
        *link = w.next;
        break;
      }
  if (w.woken) return 0;
  return err;
}

static inline bool waits(int op) { return op == LX_FUTEX_WAIT || op == LX_FUTEX_WAIT_BITSET; }

// The operations without a timeout or a second word (what lx_dispatch_futex answers), lock
// held. unlocked: as futex_wait's.
FAST long futex_simple(struct lx_thread *t, const uint64_t *a, int op, bool *unlocked) {
  uint32_t bitset = op == LX_FUTEX_WAIT || op == LX_FUTEX_WAKE ? ~0u : (uint32_t)a[5];
  if (!bitset) return -LX_EINVAL;  // Linux's first check, before the key's
  struct futex_key k;
  const struct lx_vma *v;
  int err = key_of(t, a[0], a[1] & LX_FUTEX_PRIVATE_FLAG, &k, &v);
  if (err) return err;
  uint32_t val = (uint32_t)a[2];
  if (waits(op)) return futex_wait(t, &k, v, a[0], val, ZX_TIME_INFINITE, bitset, unlocked);
  return wake(&k, (int)val, bitset);
}

// One of futex_simple's operations for the vector (op a constant: each call has its own
// copy): its answer in x0, then as lx_dispatch_futex.
FAST int dispatch_simple(struct lx_thread *t, zx_restricted_state_t *r, int op) {
  if (!waits(op)) {
    // in_restricted is still set from the entry: as fastcall.c's calls, a signal sent
    // meanwhile kicks, and the kick only brings the thread back once more.
    lx_lock();
    r->x[0] = (uint64_t)futex_simple(t, r->x, op, NULL);
    lx_unlock();
    t->interrupted = false;
    return lx_may_reenter_unlocked(t);
  }
  // As lx_dispatch: asleep, the thread is woken, not kicked (lx_thread_wake).
  __atomic_store_n(&t->in_restricted, false, __ATOMIC_RELAXED);
  lx_lock();
  bool unlocked = false;
  long ret = futex_simple(t, r->x, op, &unlocked);
  if (!unlocked) lx_unlock();
  // Linux's untimed wait is -ERESTARTSYS: after a handler with SA_RESTART it waits again.
  bool interrupted = ret == -LX_EINTR;
  if (interrupted) t->orig_x0 = r->x[0];  // what signal.c restores (only then)
  t->interrupted = interrupted;
  r->x[0] = (uint64_t)ret;
  return lx_may_reenter_unlocked(t);
}

// The vector's way for futex (entry.S), before the FP/SIMD save: 1, t re-enters Linux
// code at once; 0, done, but a signal or an exit waits (lx_dispatch with fast_done);
// 2, not done: the call takes lx_dispatch's whole way (a timeout, a requeue, an
// unknown operation).
int lx_dispatch_futex(struct lx_thread *t) {
  zx_restricted_state_t *r = t->regs;
  int op = (int)r->x[1] & ~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME);
  if (op == LX_FUTEX_WAKE) return dispatch_simple(t, r, LX_FUTEX_WAKE);
  if (op == LX_FUTEX_WAKE_BITSET) return dispatch_simple(t, r, LX_FUTEX_WAKE_BITSET);
  if (r->x[3]) return 2;  // a wait's timeout
  if (op == LX_FUTEX_WAIT) return dispatch_simple(t, r, LX_FUTEX_WAIT);
  if (op == LX_FUTEX_WAIT_BITSET) return dispatch_simple(t, r, LX_FUTEX_WAIT_BITSET);
  return 2;
}

long lx_sys_futex(struct lx_thread *t, const uint64_t *a) {
  uintptr_t addr = a[0];
  int op = (int)a[1] & ~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME);
  uint32_t val = (uint32_t)a[2];
  zx_time_t deadline = ZX_TIME_INFINITE;
  if (waits(op) && a[3]) {
    struct lx_timespec ts;
    if (lx_copy_in(t, &ts, a[3], sizeof ts) != 0) return -LX_EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -LX_EINVAL;
    int64_t ns = ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (op == LX_FUTEX_WAIT) deadline = lx_now() + ns;                                   // relative
    else deadline = ns - ((a[1] & LX_FUTEX_CLOCK_REALTIME) ? lx_realtime_offset() : 0);  // absolute
  }
  if (op != LX_FUTEX_WAIT && op != LX_FUTEX_WAIT_BITSET && op != LX_FUTEX_WAKE &&
      op != LX_FUTEX_WAKE_BITSET && op != LX_FUTEX_REQUEUE && op != LX_FUTEX_CMP_REQUEUE)
    return -LX_ENOSYS;
  if (op == LX_FUTEX_WAKE || op == LX_FUTEX_WAKE_BITSET || (waits(op) && !a[3]))
    return futex_simple(t, a, op, NULL);
  uint32_t bitset = op == LX_FUTEX_WAIT_BITSET ? (uint32_t)a[5] : ~0u;
  if (!bitset) return -LX_EINVAL;
  bool private_op = a[1] & LX_FUTEX_PRIVATE_FLAG;
  struct futex_key k, to;
  const struct lx_vma *v, *to_v;
  int err = key_of(t, addr, private_op, &k, &v);
  if (err) return err;
  if (waits(op)) return futex_wait(t, &k, v, addr, val, deadline, bitset, NULL);
  // LX_FUTEX_REQUEUE, LX_FUTEX_CMP_REQUEUE
  if ((err = key_of(t, a[4], private_op, &to, &to_v)) != 0) return err;
  if (op == LX_FUTEX_CMP_REQUEUE) {
    uint32_t value;
    if (read_word(t, v, addr, &value) != 0) return -LX_EFAULT;
    if (value != (uint32_t)a[5]) return -LX_EAGAIN;
  }
  int woken = (int)val > 0 ? wake(&k, (int)val, ~0u) : 0;  // Linux's requeue: <= 0 wakes none
  int moved = 0, limit = (int)(a[3] > 0x7fffffff ? 0x7fffffff : a[3]);
  for (struct futex_waiter *w = waiters; w && moved < limit; w = w->next)
    if (same_key(&w->key, &k)) {
      w->key = to;
      moved++;
    }
  return woken + moved;
}
