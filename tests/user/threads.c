// User-space tests of threads: create, start, exit, wait for termination on
// several CPUs, and the documented errors of zx_thread_create/zx_thread_start and
// zx_object_wait_one.
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

#define THREADS 6
#define STACK_SIZE 16384

#include "user_test.h"

static uint8_t stacks[THREADS][STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t counters[THREADS];

static void worker(uintptr_t index, uintptr_t rounds) {
  for (uintptr_t i = 0; i < rounds; i++) counters[index]++;
  zx_thread_exit();
}


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
    EXPECT_EQ(zx_object_wait_one(threads[i], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &observed), ZX_OK);
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

static void spin_forever(uintptr_t a, uintptr_t b) {
  (void)a;
  (void)b;
  for (;;) __asm__ volatile("" ::: "memory");
}

static zx_futex_t never_woken;

static void block_forever(uintptr_t a, uintptr_t b) {
  (void)a;
  (void)b;
  zx_futex_wait(&never_woken, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  for (;;) __asm__ volatile("" ::: "memory");  // a kill must not let it get here
}

// zx_task_kill on a thread: a running one and a blocked one both terminate; the
// process goes on; a killed thread that never started cannot start.
static void test_kill_threads(void) {
  zx_handle_t spinner, sleeper, unstarted;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "spinner", 7, 0, &spinner), ZX_OK);
  EXPECT_EQ(zx_thread_create(zx_process_self(), "sleeper", 7, 0, &sleeper), ZX_OK);
  EXPECT_EQ(zx_thread_create(zx_process_self(), "unstarted", 9, 0, &unstarted), ZX_OK);
  EXPECT_EQ(zx_thread_start(spinner, (uintptr_t)spin_forever, (uintptr_t)(stacks[0] + STACK_SIZE), 0, 0), ZX_OK);
  EXPECT_EQ(zx_thread_start(sleeper, (uintptr_t)block_forever, (uintptr_t)(stacks[1] + STACK_SIZE), 0, 0), ZX_OK);
  zx_nanosleep(after_ms(30));  // let both get going
  EXPECT_EQ(zx_task_kill(spinner), ZX_OK);
  EXPECT_EQ(zx_task_kill(sleeper), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(spinner, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(sleeper, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  EXPECT_EQ(zx_task_kill(unstarted), ZX_OK);
  EXPECT_EQ(zx_thread_start(unstarted, (uintptr_t)spin_forever, (uintptr_t)(stacks[2] + STACK_SIZE), 0, 0),
            ZX_ERR_BAD_STATE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(unstarted, ZX_RIGHT_WAIT, &weak), ZX_OK);
  EXPECT_EQ(zx_task_kill(weak), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  zx_handle_close(spinner);
  zx_handle_close(sleeper);
  zx_handle_close(unstarted);
}

int main(void) {
  test_threads_run_and_terminate();
  test_kill_threads();
  test_errors();
  printf("threads: %d failures\n", failures);
  return failures;
}
