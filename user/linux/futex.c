// Linux futexes, kept by the personality rather than by Janus's futexes: a Janus
// futex is keyed by address within the shared group, and the same address in two
// Linux processes is two different words. Waiters are keyed by (process, address)
// (so shared-memory futexes between processes are not supported) and sleep on their
// thread's own word (sync.c), which also lets signals interrupt them.
#include "linux.h"

struct futex_waiter {
  struct lx_thread *thread;
  struct lx_process *proc;
  uintptr_t addr;
  uint32_t bitset;
  bool woken;
  struct futex_waiter *next;
};

static struct futex_waiter *waiters;

static int wake(struct lx_process *p, uintptr_t addr, int n, uint32_t bitset) {
  int woken = 0;
  for (struct futex_waiter **link = &waiters; *link && woken < n;) {
    struct futex_waiter *w = *link;
    if (w->proc == p && w->addr == addr && (w->bitset & bitset)) {
      *link = w->next;
      w->woken = true;
      lx_thread_wake(w->thread);
      woken++;
    } else {
      link = &w->next;
    }
  }
  return woken;
}

int lx_futex_wake(struct lx_process *p, uintptr_t addr, int n) { return wake(p, addr, n, ~0u); }

// The waiter lives on this stack while linked: it is unlinked before the return.
#pragma GCC diagnostic ignored "-Wdangling-pointer"
static long futex_wait(struct lx_thread *t, uintptr_t addr, uint32_t expected, zx_time_t deadline,
                       uint32_t bitset) {
  if (addr & 3) return -LX_EINVAL;
  if (bitset == 0) return -LX_EINVAL;
  uint32_t value;
  if (lx_copy_in(t, &value, addr, 4) != 0) return -LX_EFAULT;
  if (value != expected) return -LX_EAGAIN;
  struct futex_waiter w = {
      .thread = t, .proc = t->proc, .addr = addr, .bitset = bitset, .woken = false};
  w.next = waiters;
  waiters = &w;
  int err = 0;
  while (!w.woken && !err) err = lx_sleep(t, NULL, deadline);
  if (!w.woken)
    for (struct futex_waiter **link = &waiters; *link; link = &(*link)->next)
      if (*link == &w) {
        *link = w.next;
        break;
      }
  if (w.woken) return 0;
  return err;
}

long lx_sys_futex(struct lx_thread *t, const uint64_t *a) {
  uintptr_t addr = a[0];
  int op = (int)a[1] & ~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME);
  uint32_t val = (uint32_t)a[2];
  zx_time_t deadline = ZX_TIME_INFINITE;
  if ((op == LX_FUTEX_WAIT || op == LX_FUTEX_WAIT_BITSET) && a[3]) {
    struct lx_timespec ts;
    if (lx_copy_in(t, &ts, a[3], sizeof ts) != 0) return -LX_EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -LX_EINVAL;
    int64_t ns = ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (op == LX_FUTEX_WAIT) deadline = lx_now() + ns;                                   // relative
    else deadline = ns - ((a[1] & LX_FUTEX_CLOCK_REALTIME) ? lx_realtime_offset() : 0);  // absolute
  }
  switch (op) {
    case LX_FUTEX_WAIT:
      return futex_wait(t, addr, val, deadline, ~0u);
    case LX_FUTEX_WAIT_BITSET:
      return futex_wait(t, addr, val, deadline, (uint32_t)a[5]);
    case LX_FUTEX_WAKE:
      return wake(t->proc, addr, (int)(val > 0x7fffffff ? 0x7fffffff : val), ~0u);
    case LX_FUTEX_WAKE_BITSET:
      if ((uint32_t)a[5] == 0) return -LX_EINVAL;
      return wake(t->proc, addr, (int)(val > 0x7fffffff ? 0x7fffffff : val), (uint32_t)a[5]);
    case LX_FUTEX_REQUEUE:
    case LX_FUTEX_CMP_REQUEUE: {
      if (op == LX_FUTEX_CMP_REQUEUE) {
        uint32_t value;
        if (lx_copy_in(t, &value, addr, 4) != 0) return -LX_EFAULT;
        if (value != (uint32_t)a[5]) return -LX_EAGAIN;
      }
      int n = wake(t->proc, addr, (int)val, ~0u);
      int moved = 0, limit = (int)(a[3] > 0x7fffffff ? 0x7fffffff : a[3]);
      for (struct futex_waiter *w = waiters; w && moved < limit; w = w->next)
        if (w->proc == t->proc && w->addr == addr) {
          w->addr = a[4];
          moved++;
        }
      return n + moved;
    }
    default:
      return -LX_ENOSYS;
  }
}
