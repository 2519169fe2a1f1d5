// User-space tests of threads: create, start, exit, wait for termination on
// several CPUs, and the documented errors of zx_thread_create/zx_thread_start and
// zx_object_wait_one.
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

#define THREADS 6
#define STACK_SIZE 16384

static int failures;
#define EXPECT_EQ(a, b)                                                              \
  do {                                                                               \
    long long a_ = (long long)(a), b_ = (long long)(b);                              \
    if (a_ != b_) {                                                                  \
      printf("  %s:%d: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, a_, b_); \
      failures++;                                                                    \
    }                                                                                \
  } while (0)

static uint8_t stacks[THREADS][STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t counters[THREADS];

static void worker(uintptr_t index, uintptr_t rounds) {
  for (uintptr_t i = 0; i < rounds; i++) counters[index]++;
  zx_thread_exit();
}

static zx_time_t after_ms(int ms) { return zx_clock_get_monotonic() + (zx_time_t)ms * 1000000; }

static void test_threads_run_and_terminate(void) {
  zx_handle_t threads[THREADS];
  for (uintptr_t i = 0; i < THREADS; i++) {
    EXPECT_EQ(zx_thread_create(zx_process_self(), "worker", 6, 0, &threads[i]), ZX_OK);
    EXPECT_EQ(zx_thread_start(threads[i], (uintptr_t)worker, (uintptr_t)(stacks[i] + STACK_SIZE),
                              i, 100000 + i),
              ZX_OK);
  }
  for (int i = 0; i < THREADS; i++) {
    zx_signals_t observed = 0;
    EXPECT_EQ(zx_object_wait_one(threads[i], ZX_THREAD_TERMINATED, after_ms(5000), &observed), ZX_OK);
    EXPECT_EQ(observed & ZX_THREAD_TERMINATED, ZX_THREAD_TERMINATED);
    EXPECT_EQ(counters[i], 100000 + i);
    // A dead thread cannot start again.
    EXPECT_EQ(zx_thread_start(threads[i], (uintptr_t)worker, (uintptr_t)(stacks[i] + STACK_SIZE), 0, 0),
              ZX_ERR_BAD_STATE);
    EXPECT_EQ(zx_handle_close(threads[i]), ZX_OK);
  }
}

static void test_errors(void) {
  zx_handle_t t = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "x", 1, 1, &t), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_thread_create(zx_process_self(), NULL, 1, 0, &t), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_thread_create(0x10000003, "x", 1, 0, &t), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_thread_create(zx_thread_self(), "x", 1, 0, &t), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_thread_create(zx_process_self(), "x", 1, 0, (zx_handle_t *)0xffff800000000000UL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_thread_create(zx_process_self(), "a-thread-name-longer-than-31-characters", 39, 0, &t),
            ZX_OK);
  EXPECT_EQ(zx_thread_start(t, 0xffff800000001000UL, (uintptr_t)(stacks[0] + STACK_SIZE), 0, 0),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_thread_start(zx_process_self(), (uintptr_t)worker, 0, 0, 0), ZX_ERR_WRONG_TYPE);
  // Waiting: a timeout on a thread that never started, and wrong handles.
  zx_signals_t observed = 1;
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, after_ms(20), &observed), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(observed, 0);
  EXPECT_EQ(zx_object_wait_one(0x10000003, ZX_THREAD_TERMINATED, after_ms(1), NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(t), ZX_OK);
}

int main(void) {
  test_threads_run_and_terminate();
  test_errors();
  printf("threads: %d failures\n", failures);
  return failures;
}
