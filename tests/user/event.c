// zx_event_create and zx_object_signal: events carry signals between threads (and,
// through handles, processes); every waitable object takes the user signals; the
// documented errors (Zircon has no ZX_ERR_WRONG_TYPE here: a signal an object does not
// have is ZX_ERR_INVALID_ARGS, an object without signals ZX_ERR_ACCESS_DENIED/NOT_SUPPORTED).
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define WILD_PTR ((void *)0x70000000UL)  // user range, nothing mapped
#define STACK_SIZE 16384

static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));

static zx_signals_t observe(zx_handle_t h) {
  zx_signals_t seen = 0;
  zx_object_wait_one(h, ZX_USER_SIGNAL_ALL | ZX_EVENT_SIGNALED, 0, &seen);
  return seen;
}

// Waits for USER_1, answers with USER_2 (clearing USER_1), exits.
static void responder(uintptr_t event, uintptr_t arg2) {
  (void)arg2;
  zx_signals_t seen = 0;
  if (zx_object_wait_one((zx_handle_t)event, ZX_USER_SIGNAL_1, ZX_TIME_INFINITE, &seen) == ZX_OK &&
      (seen & ZX_USER_SIGNAL_1))
    zx_object_signal((zx_handle_t)event, ZX_USER_SIGNAL_1, ZX_USER_SIGNAL_2);
  zx_thread_exit();
}

static void test_create_and_signal(void) {
  zx_handle_t ev = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(ev, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.type, ZX_OBJ_TYPE_EVENT);
  EXPECT_EQ(info.rights, ZX_DEFAULT_EVENT_RIGHTS);
  // A new event has no signals: a wait with a past deadline times out.
  zx_signals_t seen = 123;
  EXPECT_EQ(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, 0, &seen), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(seen, 0);
  // Set, then clear-and-set in one call; every handle to the event sees the same bits.
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0), ZX_OK);
  EXPECT_EQ(observe(ev), ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0);
  EXPECT_EQ(zx_object_signal(ev, ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_7), ZX_OK);
  zx_handle_t dup = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup), ZX_OK);
  EXPECT_EQ(observe(dup), ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_7);
  EXPECT_EQ(zx_object_signal(dup, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_ALL, 0), ZX_OK);
  EXPECT_EQ(observe(ev), 0);
  // Clearing comes before setting: a bit in both masks ends up set.
  EXPECT_EQ(zx_object_signal(ev, ZX_USER_SIGNAL_3, ZX_USER_SIGNAL_3), ZX_OK);
  EXPECT_EQ(observe(ev), ZX_USER_SIGNAL_3);
  EXPECT_EQ(zx_handle_close(dup), ZX_OK);
  EXPECT_EQ(zx_handle_close(ev), ZX_OK);
}

// A blocked thread wakes when another thread signals, and answers through the event.
static void test_wakes_a_waiter(void) {
  zx_handle_t ev = ZX_HANDLE_INVALID, thread = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  EXPECT_EQ(zx_thread_create(zx_process_self(), "responder", 9, 0, &thread), ZX_OK);
  EXPECT_EQ(zx_thread_start(thread, (uintptr_t)responder, (uintptr_t)(stack + STACK_SIZE), ev, 0),
            ZX_OK);
  zx_nanosleep(after_ms(20));  // let it block first (it also works if it has not)
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_1), ZX_OK);
  zx_signals_t seen = 0;
  EXPECT_EQ(zx_object_wait_one(ev, ZX_USER_SIGNAL_2, ZX_TIME_INFINITE, &seen), ZX_OK);
  EXPECT_EQ(seen, ZX_USER_SIGNAL_2);
  EXPECT_EQ(zx_object_wait_one(thread, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_handle_close(thread);
  zx_handle_close(ev);
}

// Other waitable objects take the user signals, but not ZX_EVENT_SIGNALED (on a
// process that bit is ZX_PROCESS_TERMINATED, which only the kernel raises).
static void test_other_objects(void) {
  zx_handle_t self = zx_process_self();
  EXPECT_EQ(zx_object_signal(self, 0, ZX_USER_SIGNAL_5), ZX_OK);
  zx_signals_t seen = 0;
  EXPECT_EQ(zx_object_wait_one(self, ZX_USER_SIGNAL_5, 0, &seen), ZX_OK);
  EXPECT_EQ(seen & ZX_USER_SIGNAL_5, ZX_USER_SIGNAL_5);
  EXPECT_EQ(zx_object_signal(self, ZX_USER_SIGNAL_5, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(self, ZX_USER_SIGNAL_5, 0, NULL), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(zx_object_signal(self, 0, ZX_PROCESS_TERMINATED), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_signal(zx_job_default(), 0, ZX_USER_SIGNAL_0), ZX_OK);
  EXPECT_EQ(zx_object_signal(zx_job_default(), ZX_USER_SIGNAL_0, 0), ZX_OK);
  // A VMAR has no signals; its handles never carry ZX_RIGHT_SIGNAL.
  EXPECT_EQ(zx_object_signal(zx_vmar_root_self(), 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
}

static void test_errors(void) {
  zx_handle_t ev = ZX_HANDLE_INVALID;
  // zx_event_create: options must be 0; out must be writable user memory.
  EXPECT_EQ(zx_event_create(1, &ev), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_event_create(0, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_event_create(0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_event_create(0, WILD_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  // zx_object_signal: bad handles.
  EXPECT_EQ(zx_object_signal(ZX_HANDLE_INVALID, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_signal(0x12345677, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
  // No ZX_RIGHT_SIGNAL.
  zx_handle_t wait_only = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_duplicate(ev, ZX_RIGHT_WAIT, &wait_only), ZX_OK);
  EXPECT_EQ(zx_object_signal(wait_only, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_signal(wait_only, 0, 0), ZX_ERR_ACCESS_DENIED);
  // Signals the caller may not touch, in either mask: nothing changes.
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0 | (1u << 0)), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_signal(ev, ZX_SIGNAL_HANDLE_CLOSED, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_signal(ev, 1u << 5, ZX_USER_SIGNAL_1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_wait_one(wait_only, ZX_USER_SIGNAL_ALL, 0, NULL), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(zx_object_signal(ev, 0, 0), ZX_OK);  // empty masks are fine
  // A closed handle is stale (the event lives on through the other handle).
  EXPECT_EQ(zx_handle_close(ev), ZX_OK);
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(wait_only), ZX_OK);
}

int main(void) {
  test_create_and_signal();
  test_wakes_a_waiter();
  test_other_objects();
  test_errors();
  printf("event: %d checks, %d failures\n", checks, failures);
  return failures;
}
