// Switches between two threads of one process, the floor under the process paths (no
// address-space change): futex, event, channel and port ping-pong round trips, one-way switches in
// a yield ring of two, and yield round trips with and without FP/SIMD use on both sides (the cost
// of lazy FP/SIMD switching for threads that use it). The helper thread is pinned to the main
// thread's CPU: both run on one CPU.
#include "lib/bench.h"
#include "lib/channel_pingpong.h"
#include "lib/pingpong.h"
#include "lib/ring.h"

#define ITERS 5000
#define WARMUP 200
#define RING_MEASURE 20000
#define STACK_SIZE 16384

static uint64_t samples[ITERS];
static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));
static uint64_t ring_space[BENCH_RING_BYTES(RING_MEASURE) / 8 + 1];
static struct bench_ring *const ring = (struct bench_ring *)ring_space;

// Futex ping-pong: turn is 1 while the helper owes an answer.
static zx_futex_t turn;
static volatile uint32_t stop;

static void futex_helper(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  for (;;) {
    while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1)
      zx_futex_wait(&turn, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    bool last = stop;  // the last ping is answered too
    __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
    zx_futex_wake(&turn, 1);
    if (last) zx_thread_exit();
  }
}

static void futex_round_trip(void) {
  __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
  zx_futex_wake(&turn, 1);
  while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 1)
    zx_futex_wait(&turn, 1, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

static void event_helper(uintptr_t event, uintptr_t b) {
  (void)b;
  bench_pingpong((zx_handle_t)event, 1, NULL, 0, 0, &stop);
  zx_thread_exit();
}

static void channel_helper(uintptr_t channel, uintptr_t b) {
  (void)b;
  bench_channel_pingpong((zx_handle_t)channel, 1, NULL, 0, 0);
  zx_thread_exit();
}

// Port ping-pong: each side queues a user packet on the other's port and waits on its
// own; a round trip is two zx_port_wait wake-ups. Key 1 asks the helper to stop.
static zx_handle_t ports[2];

static void port_round_trip(uint64_t key) {
  zx_port_packet_t p = {.key = key};
  zx_port_queue(ports[1], &p);
  zx_port_wait(ports[0], ZX_TIME_INFINITE, &p);
}

static void port_helper(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  zx_port_packet_t p;
  do {
    zx_port_wait(ports[1], ZX_TIME_INFINITE, &p);
    zx_port_queue(ports[0], &p);
  } while (p.key == 0);
  zx_thread_exit();
}

// Yield round trips: with exactly two runnable threads on the CPU, one yield is a
// switch to the other and back. With fpsimd, each side writes a vector register every
// turn, inside the measured window: the switches then save and restore its state, and
// a lazy load traps where it must.
static volatile uint32_t yield_stop;

static inline void touch_fpsimd(void) {
  // No clobber list: bench code is built with -mgeneral-regs-only, so the compiler
  // keeps nothing in v0.
  __asm__ volatile("movi v0.2d, #0" ::: "memory");
}

static void yield_loop(uint64_t *out, size_t iters, size_t warmup, bool fpsimd) {
  for (size_t i = 0; out ? i < warmup + iters : !yield_stop; i++) {
    uint64_t t0 = bench_now();
    if (fpsimd) touch_fpsimd();
    bench_yield();
    uint64_t t1 = bench_now();
    if (out && i >= warmup) out[i - warmup] = bench_sample(t0, t1);
  }
  if (out) yield_stop = 1;
}

static void yield_helper(uintptr_t fpsimd, uintptr_t b) {
  (void)b;
  yield_loop(NULL, 0, 0, fpsimd != 0);
  zx_thread_exit();
}

static void ring_helper(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  bench_ring_member(ring, 1, 2, NULL);
  zx_thread_exit();
}

// Starts the helper thread on this thread's CPU; returns its handle (wait for
// ZX_THREAD_TERMINATED).
static zx_handle_t start_helper(void (*fn)(uintptr_t, uintptr_t), uintptr_t arg) {
  zx_handle_t t = ZX_HANDLE_INVALID;
  if (zx_thread_create(zx_process_self(), "helper", 6, 0, &t) != ZX_OK ||
      bench_pin(t, bench_thread_cpu(zx_thread_self())) != ZX_OK ||
      zx_thread_start(t, (uintptr_t)fn, (uintptr_t)(stack + STACK_SIZE), arg, 0) != ZX_OK) {
    bench_printf("bench-thread: cannot start a thread\n");
    zx_process_exit(1);
  }
  return t;
}

static void join(zx_handle_t t) {
  zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL);
  zx_handle_close(t);
}

int main(void) {
  bench_header("bench-thread");
  stop = 0;
  zx_handle_t t = start_helper(futex_helper, 0);
  BENCH_TIME(samples, ITERS, WARMUP, futex_round_trip());
  stop = 1;
  futex_round_trip();
  join(t);
  bench_report("thread-futex-rt", samples, ITERS);

  zx_handle_t event;
  if (zx_event_create(0, &event) != ZX_OK) return 1;
  stop = 0;
  t = start_helper(event_helper, event);
  bench_pingpong(event, 0, samples, ITERS, WARMUP, &stop);
  join(t);
  zx_handle_close(event);
  bench_report("thread-event-rt", samples, ITERS);

  zx_handle_t ch[2];
  if (zx_channel_create(0, &ch[0], &ch[1]) != ZX_OK) return 1;
  t = start_helper(channel_helper, ch[1]);
  bench_channel_pingpong(ch[0], 0, samples, ITERS, WARMUP);
  join(t);
  zx_handle_close(ch[0]), zx_handle_close(ch[1]);
  bench_report("thread-channel-rt", samples, ITERS);

  if (zx_port_create(0, &ports[0]) != ZX_OK || zx_port_create(0, &ports[1]) != ZX_OK) return 1;
  t = start_helper(port_helper, 0);
  BENCH_TIME(samples, ITERS, WARMUP, port_round_trip(0));
  port_round_trip(1);
  join(t);
  zx_handle_close(ports[0]), zx_handle_close(ports[1]);
  bench_report("thread-port-rt", samples, ITERS);

  ring->warmup = 2 * WARMUP;
  ring->measure = RING_MEASURE;
  t = start_helper(ring_helper, 0);
  bench_ring_member(ring, 0, 2, NULL);
  join(t);
  bench_ring_report(ring, "thread-switch", 2, 0);

  for (int fpsimd = 0; fpsimd <= 1; fpsimd++) {
    yield_stop = 0;
    t = start_helper(yield_helper, (uintptr_t)fpsimd);
    yield_loop(samples, ITERS, WARMUP, fpsimd);
    join(t);
    bench_report(fpsimd ? "thread-yield-rt-fpsimd" : "thread-yield-rt", samples, ITERS);
  }
  return 0;
}
