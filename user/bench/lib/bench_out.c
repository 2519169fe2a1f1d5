// Output for benchmark programs: a small printf onto zx_debug_write, the report rows.
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls/janus.h>

#include "bench.h"

#define LINE_MAX 256

struct line {
  char buf[LINE_MAX];
  size_t len;
};

static void put(struct line *l, char c) {
  if (l->len < LINE_MAX) l->buf[l->len++] = c;
}

static void put_field(struct line *l, const char *s, size_t n, int width, bool left) {
  for (int pad = width - (int)n; !left && pad > 0; pad--) put(l, ' ');
  for (size_t i = 0; i < n; i++) put(l, s[i]);
  for (int pad = width - (int)n; left && pad > 0; pad--) put(l, ' ');
}

static void put_number(struct line *l, unsigned long long v, bool negative, unsigned base,
                       int width, bool left) {
  char digits[24];
  size_t n = 0;
  do {
    digits[sizeof digits - 1 - n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (negative) digits[sizeof digits - 1 - n++] = '-';
  put_field(l, digits + sizeof digits - n, n, width, left);
}

void bench_printf(const char *fmt, ...) {
  struct line l = {.len = 0};
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put(&l, *p);
      continue;
    }
    bool left = *++p == '-';
    if (left) p++;
    int width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    int longs = 0;
    while (*p == 'l') longs++, p++;
    switch (*p) {
      case 's': {
        const char *s = va_arg(ap, const char *);
        put_field(&l, s, strlen(s), width, left);
        break;
      }
      case 'c': {
        char c = (char)va_arg(ap, int);
        put_field(&l, &c, 1, width, left);
        break;
      }
      case 'd': {
        long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);  // long is 64-bit
        put_number(&l, v < 0 ? -(unsigned long long)v : (unsigned long long)v, v < 0, 10, width, left);
        break;
      }
      case 'u':
      case 'x': {
        unsigned long long v = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
        put_number(&l, v, false, *p == 'x' ? 16 : 10, width, left);
        break;
      }
      case '%':
        put(&l, '%');
        break;
      default:  // unknown: print as is
        put(&l, '%');
        if (*p) put(&l, *p);
        if (!*p) p--;
    }
  }
  va_end(ap);
  zx_debug_write(l.buf, l.len);
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

// Nearest rank: the smallest sample with at least p percent of them at or below it.
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned p) {
  size_t rank = (n * p + 99) / 100;
  return sorted[rank ? rank - 1 : 0];
}

void bench_header(const char *program) {
  bench_printf("%s (an empty measurement counts %lu, subtracted from every sample)\n", program,
               (unsigned long)bench_overhead());
  bench_printf("  %-28s %8s %10s %10s %10s %10s %10s\n", "path", "samples", "min", "median", "p90",
               "p99", "max");
}

void bench_report(const char *path, uint64_t *samples, size_t n) {
  if (n == 0) return;
  qsort(samples, n, sizeof *samples, compare_u64);
  uint64_t min = samples[0], med = percentile(samples, n, 50), p90 = percentile(samples, n, 90),
           p99 = percentile(samples, n, 99), max = samples[n - 1];
  bench_printf("BENCH %s %lu %lu %lu %lu %lu %lu\n", path, (unsigned long)n, min, med, p90, p99, max);
  bench_printf("  %-28s %8lu %10lu %10lu %10lu %10lu %10lu\n", path, (unsigned long)n, min, med, p90,
               p99, max);
}

void bench_todo(const char *path, const char *why) {
  bench_printf("BENCH-TODO %s %s\n", path, why);
  bench_printf("  %-28s not measured yet: %s\n", path, why);
}

uint64_t bench_overhead(void) {
  static uint64_t overhead;
  static bool measured;
  if (!measured) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 1000; i++) {
      uint64_t t0 = bench_now(), t1 = bench_now();
      if (t1 - t0 < best) best = t1 - t0;
    }
    overhead = best;
    measured = true;
  }
  return overhead;
}

bool bench_asid_read(struct bench_asid *out) {
  janus_info_asid_counters_t c[8];
  size_t actual = 0;
  *out = (struct bench_asid){0, 0};
  if (zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, c, sizeof c, &actual, NULL) !=
          ZX_OK ||
      actual == 0 || c[0].asid_bits == 0)
    return false;
  for (size_t i = 0; i < actual; i++) {
    out->slow += c[i].slow_switches;
    out->rollovers += c[i].rollovers;
  }
  return true;
}

unsigned bench_cpu_count(void) {
  janus_info_asid_counters_t c[8];
  size_t actual = 0;
  if (zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, c, sizeof c, &actual, NULL) !=
      ZX_OK)
    return 1;
  return actual ? (unsigned)actual : 1;
}

unsigned bench_thread_cpu(zx_handle_t thread) {
  uint32_t cpu = JANUS_THREAD_CPU_ANY;
  zx_object_get_property(thread, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);
  return cpu;
}

zx_status_t bench_pin(zx_handle_t thread, unsigned cpu) {
  uint32_t value = cpu;
  return zx_object_set_property(thread, JANUS_PROP_THREAD_CPU, &value, sizeof value);
}

void bench_memory_report(const char *path, unsigned n, const janus_info_kmem_stats_t *before,
                         const janus_info_kmem_stats_t *after, uint64_t user_bytes) {
#define GROWTH(field) ((int64_t)(after->field - before->field))
  int64_t kernel = -GROWTH(free_bytes) - (int64_t)user_bytes;  // the free list's drop
  int64_t kstack = GROWTH(kstack_bytes), tables = GROWTH(user_table_bytes);
  int64_t handles = GROWTH(handle_bytes), slab = GROWTH(slab_bytes), heap = GROWTH(heap_bytes);
  int64_t vmo = GROWTH(vmo_bytes) - (int64_t)user_bytes;
  int64_t other = kernel - kstack - tables - handles - slab - heap - vmo;
  int64_t objects = GROWTH(live_objects);
#undef GROWTH
  int64_t d = n ? n : 1;
  bench_printf("MEMORY %s %u %ld %ld %ld %ld\n", path, n, (long)(kernel / d), (long)(heap / d),
               (long)(slab / d), (long)(objects / d));
  bench_printf("MEMORY-KIND %s %ld %ld %ld %ld %ld %ld %ld\n", path, (long)(kstack / d),
               (long)(tables / d), (long)(handles / d), (long)(slab / d), (long)(heap / d),
               (long)(vmo / d), (long)(other / d));
}
