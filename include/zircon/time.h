// Zircon's time helpers (<zircon/time.h>): unit macros and saturating arithmetic on
// zx_time_t and zx_duration_t. An overflow saturates to ZX_TIME_INFINITE or
// ZX_TIME_INFINITE_PAST, as Zircon's do.
#ifndef ZIRCON_TIME_H_
#define ZIRCON_TIME_H_

#include <zircon/types.h>

#define ZX_NSEC(n) ((zx_duration_t)(1LL * (n)))
#define ZX_USEC(n) ((zx_duration_t)(1000LL * (n)))
#define ZX_MSEC(n) ((zx_duration_t)(1000000LL * (n)))
#define ZX_SEC(n) ((zx_duration_t)(1000000000LL * (n)))
#define ZX_MIN(n) (ZX_SEC(n) * 60LL)
#define ZX_HOUR(n) (ZX_MIN(n) * 60LL)

// Sums and differences of times and durations saturate: one that overflows becomes
// infinite (past or future) on the side the true value lies, as Zircon's do.
static inline int64_t zx_time_add_saturating_(int64_t a, int64_t b) {
  int64_t x = 0;
  if (!__builtin_add_overflow(a, b, &x)) return x;
  return b < 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
}

static inline int64_t zx_time_sub_saturating_(int64_t a, int64_t b) {
  int64_t x = 0;
  if (!__builtin_sub_overflow(a, b, &x)) return x;
  return b > 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
}

static inline zx_time_t zx_time_add_duration(zx_time_t time, zx_duration_t duration) {
  return zx_time_add_saturating_(time, duration);
}

static inline zx_time_t zx_time_sub_duration(zx_time_t time, zx_duration_t duration) {
  return zx_time_sub_saturating_(time, duration);
}

static inline zx_duration_t zx_time_sub_time(zx_time_t time1, zx_time_t time2) {
  return zx_time_sub_saturating_(time1, time2);
}

static inline zx_duration_t zx_duration_add_duration(zx_duration_t dur1, zx_duration_t dur2) {
  return zx_time_add_saturating_(dur1, dur2);
}

static inline zx_duration_t zx_duration_sub_duration(zx_duration_t dur1, zx_duration_t dur2) {
  return zx_time_sub_saturating_(dur1, dur2);
}

static inline zx_duration_t zx_duration_mul_int64(zx_duration_t duration, int64_t multiplier) {
  zx_duration_t x = 0;
  if (__builtin_mul_overflow(duration, multiplier, &x))
    return (duration > 0) == (multiplier > 0) ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return x;
}

static inline int64_t zx_nsec_from_duration(zx_duration_t n) { return n; }
static inline int64_t zx_usec_from_duration(zx_duration_t n) { return n / 1000; }
static inline int64_t zx_msec_from_duration(zx_duration_t n) { return n / 1000000; }
static inline int64_t zx_sec_from_duration(zx_duration_t n) { return n / 1000000000; }
static inline int64_t zx_min_from_duration(zx_duration_t n) { return n / 60000000000LL; }
static inline int64_t zx_hour_from_duration(zx_duration_t n) { return n / 3600000000000LL; }

static inline zx_duration_t zx_duration_from_nsec(int64_t n) { return zx_duration_mul_int64(1, n); }
static inline zx_duration_t zx_duration_from_usec(int64_t n) {
  return zx_duration_mul_int64(1000, n);
}
static inline zx_duration_t zx_duration_from_msec(int64_t n) {
  return zx_duration_mul_int64(1000000, n);
}
static inline zx_duration_t zx_duration_from_sec(int64_t n) {
  return zx_duration_mul_int64(1000000000, n);
}
static inline zx_duration_t zx_duration_from_min(int64_t n) {
  return zx_duration_mul_int64(60000000000LL, n);
}
static inline zx_duration_t zx_duration_from_hour(int64_t n) {
  return zx_duration_mul_int64(3600000000000LL, n);
}

#endif  // ZIRCON_TIME_H_
