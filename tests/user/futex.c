// User-space tests of zx_futex_wait/zx_futex_wake: a futex-based mutex under
// contention from threads on several CPUs, and the documented errors.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

#define THREADS 4
#define ROUNDS 20000
#define STACK_SIZE 16384

#include "user_test.h"


// 0 unlocked, 1 locked, 2 locked with waiters (Drepper's mutex).
static zx_futex_t lock_word;
static volatile uint64_t shared_counter;

static void mutex_lock(zx_futex_t *word) {
  int expected = 0;
  if (__atomic_compare_exchange_n(word, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
    return;
  if (expected != 2) expected = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
  while (expected != 0) {
    zx_futex_wait(word, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    expected = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
  }
}

static void mutex_unlock(zx_futex_t *word) {
  if (__atomic_fetch_sub(word, 1, __ATOMIC_RELEASE) != 1) {
    __atomic_store_n(word, 0, __ATOMIC_RELEASE);
    zx_futex_wake(word, 1);
  }
}

static uint8_t stacks[THREADS][STACK_SIZE] __attribute__((aligned(16)));

static void worker(uintptr_t arg1, uintptr_t arg2) {
  (void)arg1;
  (void)arg2;
  for (int i = 0; i < ROUNDS; i++) {
    mutex_lock(&lock_word);
    shared_counter++;
    mutex_unlock(&lock_word);
  }
  zx_thread_exit();
}

static void test_mutex_under_contention(void) {
  zx_handle_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) {
    EXPECT_EQ(zx_thread_create(zx_process_self(), "locker", 6, 0, &threads[i]), ZX_OK);
    EXPECT_EQ(zx_thread_start(threads[i], (uintptr_t)worker, (uintptr_t)(stacks[i] + STACK_SIZE), 0, 0),
              ZX_OK);
  }
  for (int i = 0; i < THREADS; i++) {
    EXPECT_EQ(zx_object_wait_one(threads[i], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
    zx_handle_close(threads[i]);
  }
  EXPECT_EQ(shared_counter, (uint64_t)THREADS * ROUNDS);
}

static void test_errors(void) {
  static zx_futex_t word;
  EXPECT_EQ(zx_futex_wait(NULL, 0, ZX_HANDLE_INVALID, after_ms(1)), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_futex_wait((zx_futex_t *)((uintptr_t)&word + 1), 0, ZX_HANDLE_INVALID, after_ms(1)),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_futex_wait((zx_futex_t *)0xffff800000000000UL, 0, ZX_HANDLE_INVALID, after_ms(1)),
            ZX_ERR_INVALID_ARGS);
  // A user address with nothing mapped: the kernel's load faults and the call fails.
  EXPECT_EQ(zx_futex_wait((zx_futex_t *)0x1000, 0, ZX_HANDLE_INVALID, after_ms(1)),
            ZX_ERR_INVALID_ARGS);
  word = 5;
  EXPECT_EQ(zx_futex_wait(&word, 4, ZX_HANDLE_INVALID, after_ms(1)), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_futex_wait(&word, 5, ZX_HANDLE_INVALID, after_ms(20)), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(zx_futex_wait(&word, 5, 0x10000003, after_ms(1)), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_futex_wake(&word, 10), ZX_OK);  // no waiters: fine
  EXPECT_EQ(zx_futex_wake(NULL, 1), ZX_ERR_INVALID_ARGS);
}

int main(void) {
  test_errors();
  test_mutex_under_contention();
  printf("futex: %d failures\n", failures);
  return failures;
}
