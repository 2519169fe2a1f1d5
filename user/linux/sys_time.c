// Time: the monotonic clock is Janus's; the real-time clock is it plus a fixed start
// (Janus has no real-time clock source yet): 2026-01-01T00:00:00Z at boot.
#include "linux.h"

#define REALTIME_AT_BOOT (1767225600ll * 1000000000ll)

int64_t lx_realtime_offset(void) { return REALTIME_AT_BOOT; }

static int64_t clock_now(uint64_t clock) {
  switch (clock) {
    // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
    case 0:
    case 5:
    case 8:
    case 11:
      return lx_now() + REALTIME_AT_BOOT;
    // MONOTONIC, _RAW, _COARSE, BOOTTIME, BOOTTIME_ALARM; and the CPU-time clocks of
    // the process and the thread, which Janus does not count: they read as uptime.
    case 1:
    case 4:
    case 6:
    case 7:
    case 9:
    case 2:
    case 3:
      return lx_now();
    default:
      return -1;
  }
}

long lx_sys_clock_gettime(struct lx_thread *t, const uint64_t *a) {
  int64_t ns = clock_now(a[0]);
  if (ns < 0) return -LX_EINVAL;
  struct lx_timespec ts = {ns / 1000000000, ns % 1000000000};
  return lx_copy_out_lockless(t, a[1], &ts, sizeof ts);
}

long lx_sys_clock_getres(struct lx_thread *t, const uint64_t *a) {
  if (clock_now(a[0]) < 0) return -LX_EINVAL;
  struct lx_timespec ts = {0, 1};
  return a[1] ? lx_copy_out_lockless(t, a[1], &ts, sizeof ts) : 0;
}

long lx_sys_gettimeofday(struct lx_thread *t, const uint64_t *a) {
  int64_t ns = lx_now() + REALTIME_AT_BOOT;
  struct lx_timeval tv = {ns / 1000000000, ns % 1000000000 / 1000};
  if (a[0] && lx_copy_out_lockless(t, a[0], &tv, sizeof tv) != 0) return -LX_EFAULT;
  if (a[1]) {
    static const uint32_t tz[2];
    if (lx_copy_out_lockless(t, a[1], tz, sizeof tz) != 0) return -LX_EFAULT;
  }
  return 0;
}

long lx_sys_times(struct lx_thread *t, const uint64_t *a) {
  static const uint64_t zeros[4];
  if (a[0] && lx_copy_out_lockless(t, a[0], zeros, sizeof zeros) != 0) return -LX_EFAULT;
  return (long)(lx_now() / 10000000);  // clock ticks (100 Hz)
}

static long sleep_until(struct lx_thread *t, zx_time_t deadline, uintptr_t rem, int64_t offset) {
  while (lx_now() < deadline) {
    int err = lx_sleep(t, NULL, deadline);
    if (err == -LX_EINTR) {
      if (rem) {
        int64_t left = deadline - lx_now();
        if (left < 0) left = 0;
        struct lx_timespec ts = {left / 1000000000, left % 1000000000};
        lx_copy_out(t, rem, &ts, sizeof ts);
      }
      return err;
    }
  }
  (void)offset;
  return 0;
}

static int read_timespec(struct lx_thread *t, uintptr_t p, int64_t *ns) {
  struct lx_timespec ts;
  if (lx_copy_in(t, &ts, p, sizeof ts) != 0) return -LX_EFAULT;
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -LX_EINVAL;
  *ns = ts.tv_sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX - 1000000000
                                               : ts.tv_sec * 1000000000 + ts.tv_nsec;
  return 0;
}

static zx_time_t deadline_after(int64_t ns) {
  zx_time_t now = lx_now();
  return ns > ZX_TIME_INFINITE - now ? ZX_TIME_INFINITE : now + ns;
}

long lx_sys_nanosleep(struct lx_thread *t, const uint64_t *a) {
  int64_t ns;
  int err = read_timespec(t, a[0], &ns);
  if (err) return err;
  return sleep_until(t, deadline_after(ns), a[1], 0);
}

long lx_sys_clock_nanosleep(struct lx_thread *t, const uint64_t *a) {
  int64_t ns;
  if (clock_now(a[0]) < 0) return -LX_EINVAL;
  int err = read_timespec(t, a[2], &ns);
  if (err) return err;
  zx_time_t deadline;
  if (a[1] & LX_TIMER_ABSTIME) {
    int64_t offset = clock_now(a[0]) - lx_now();
    deadline = ns - offset;
    return sleep_until(t, deadline, 0, offset);
  }
  deadline = deadline_after(ns);
  return sleep_until(t, deadline, a[3], 0);
}

long lx_sys_getrandom(struct lx_thread *t, const uint64_t *a) {
  if (a[2] & ~7ull) return -LX_EINVAL;
  char buf[256];
  size_t len = a[1] > 65536 ? 65536 : a[1];
  for (size_t done = 0; done < len;) {
    size_t n = len - done < sizeof buf ? len - done : sizeof buf;
    lx_random_bytes(buf, n);
    if (lx_copy_out_lockless(t, a[0] + done, buf, n) != 0) return -LX_EFAULT;
    done += n;
  }
  return (long)len;
}
