// Interval timers (setitimer, getitimer; glibc's alarm is setitimer): ITIMER_REAL sends
// SIGALRM to its process when it expires, and again every interval. Each process has
// one deadline (struct lx_process); one thread of the prototype, started by the first
// setitimer, sleeps until the earliest of them, sends the signals and re-arms. fork
// clears a child's timer, execve keeps it (Linux's rules). CPU time is not counted, so
// ITIMER_VIRTUAL and ITIMER_PROF are -EINVAL.
#include "linux.h"

#define ITIMER_REAL 0
#define NS_PER_US 1000ll

struct lx_itimerval {
  struct lx_timeval interval, value;
};

static zx_futex_t changed;  // bumped (under the lock) whenever a deadline moves

struct earliest {
  zx_time_t now, next;
};

// Fires p's timer if it is due; keeps the earliest deadline still to come.
static void fire(struct lx_process *p, void *arg) {
  struct earliest *e = arg;
  if (!p->alarm_deadline) return;
  if (p->alarm_deadline <= e->now) {
    lx_signal_send_process(p, LX_SIGALRM);
    if (!p->alarm_interval) {
      p->alarm_deadline = 0;
      return;
    }
    // Intervals missed while the signal waited are skipped, as on Linux.
    zx_duration_t late = e->now - p->alarm_deadline;
    p->alarm_deadline += (late / p->alarm_interval + 1) * p->alarm_interval;
  }
  if (p->alarm_deadline < e->next) e->next = p->alarm_deadline;
}

static void timer_main(uintptr_t unused, uintptr_t arg) {
  (void)unused, (void)arg;
  lx_lock();
  for (;;) {
    struct earliest e = {lx_now(), ZX_TIME_INFINITE};
    lx_process_each(fire, &e);
    zx_futex_t seen = __atomic_load_n(&changed, __ATOMIC_RELAXED);
    lx_unlock();
    zx_futex_wait(&changed, seen, ZX_HANDLE_INVALID, e.next);
    lx_lock();
  }
}

// Lock held. false: no thread could be started.
static bool timer_thread_started(void) {
  static bool started;
  static char stack[8192] __attribute__((aligned(16)));
  if (started) return true;
  zx_handle_t thread;
  if (zx_thread_create(zx_process_self(), "itimer", 6, 0, &thread) != ZX_OK) return false;
  started = zx_thread_start(thread, (uintptr_t)timer_main, (uintptr_t)(stack + sizeof stack), 0,
                            0) == ZX_OK;
  zx_handle_close(thread);
  return started;
}

static void to_timeval(zx_duration_t ns, struct lx_timeval *tv) {
  tv->tv_sec = ns / 1000000000;
  tv->tv_usec = ns % 1000000000 / NS_PER_US;
}

static void current(struct lx_process *p, struct lx_itimerval *out) {
  zx_duration_t left = 0;
  if (p->alarm_deadline) {
    left = p->alarm_deadline - lx_now();
    if (left < NS_PER_US) left = NS_PER_US;  // due: it has not been sent yet
  }
  to_timeval(left, &out->value);
  to_timeval(p->alarm_interval, &out->interval);
}

static int from_timeval(const struct lx_timeval *tv, zx_duration_t *ns) {
  if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) return -LX_EINVAL;
  if (tv->tv_sec > INT64_MAX / 1000000000 - 1) *ns = INT64_MAX / 2;  // far enough
  else *ns = tv->tv_sec * 1000000000 + tv->tv_usec * NS_PER_US;
  return 0;
}

long lx_sys_getitimer(struct lx_thread *t, const uint64_t *a) {
  if (a[0] != ITIMER_REAL) return -LX_EINVAL;
  struct lx_itimerval now;
  current(t->proc, &now);
  return lx_copy_out(t, a[1], &now, sizeof now);
}

long lx_sys_setitimer(struct lx_thread *t, const uint64_t *a) {
  if (a[0] != ITIMER_REAL) return -LX_EINVAL;
  struct lx_process *p = t->proc;
  struct lx_itimerval next, old;
  zx_duration_t value = 0, interval = 0;
  if (a[1]) {  // Linux takes NULL as a disarm
    if (lx_copy_in(t, &next, a[1], sizeof next) != 0) return -LX_EFAULT;
    int err = from_timeval(&next.value, &value);
    if (!err) err = from_timeval(&next.interval, &interval);
    if (err) return err;
  }
  current(p, &old);
  if (a[2] && lx_copy_out(t, a[2], &old, sizeof old) != 0) return -LX_EFAULT;
  if (value && !timer_thread_started()) return -LX_EAGAIN;
  p->alarm_deadline = value ? lx_now() + value : 0;
  p->alarm_interval = value ? interval : 0;
  __atomic_add_fetch(&changed, 1, __ATOMIC_RELAXED);
  zx_futex_wake(&changed, 1);
  return 0;
}
