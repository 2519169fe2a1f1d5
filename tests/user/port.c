// Ports, zx_object_wait_async and zx_object_wait_many: every call's success path and
// documented errors, user and signal-one packets, level and edge triggering, cancel,
// a port holding 10,000 queued packets, and wait_many on 64 objects signalled from
// the other CPUs.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "user_test.h"

#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define STACK_SIZE 16384

static uint8_t stacks[4][STACK_SIZE] __attribute__((aligned(16)));

static void test_port_basics(void) {
  zx_handle_t port, ev;
  EXPECT_EQ(zx_port_create(2, &port), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_port_create(0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_port_create(ZX_PORT_BIND_TO_INTERRUPT, &port), ZX_OK);
  EXPECT_EQ(zx_handle_close(port), ZX_OK);
  EXPECT_EQ(zx_port_create(0, &port), ZX_OK);
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(port, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.type, ZX_OBJ_TYPE_PORT);
  EXPECT_EQ(info.rights, ZX_DEFAULT_PORT_RIGHTS);
  zx_port_packet_t p = {.key = 42, .type = ZX_PKT_TYPE_SIGNAL_ONE, .status = -5};
  p.user.u64[0] = 1, p.user.u64[3] = 4;
  EXPECT_EQ(zx_port_queue(port, &p), ZX_OK);
  zx_port_packet_t out;
  memset(&out, 0xff, sizeof out);
  EXPECT_EQ(zx_port_wait(port, ZX_TIME_INFINITE, &out), ZX_OK);
  EXPECT_EQ(out.key, 42);
  EXPECT_EQ(out.type, ZX_PKT_TYPE_USER);  // the kernel makes every queued packet a user packet
  EXPECT_EQ(out.status, -5);
  EXPECT_EQ(out.user.u64[0], 1);
  EXPECT_EQ(out.user.u64[3], 4);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(zx_port_wait(port, after_ms(20), &out), ZX_ERR_TIMED_OUT);
  // Errors.
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  EXPECT_EQ(zx_port_queue(ZX_HANDLE_INVALID, &p), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_port_queue(ev, &p), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_port_queue(port, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_port_wait(ev, 0, &out), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_port_queue(port, &p), ZX_OK);
  EXPECT_EQ(zx_port_wait(port, 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);  // and the packet is gone
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
  zx_handle_t ro, wo;
  EXPECT_EQ(zx_handle_duplicate(port, ZX_RIGHT_READ, &ro), ZX_OK);
  EXPECT_EQ(zx_handle_duplicate(port, ZX_RIGHT_WRITE, &wo), ZX_OK);
  EXPECT_EQ(zx_port_queue(ro, &p), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_port_wait(wo, 0, &out), ZX_ERR_ACCESS_DENIED);
  // A port is not waitable.
  EXPECT_EQ(zx_object_wait_one(port, ZX_USER_SIGNAL_0, 0, NULL), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_wait_async(port, port, 1, ZX_USER_SIGNAL_0, 0), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(ro), zx_handle_close(wo), zx_handle_close(ev), zx_handle_close(port);
}

// 10,000 packets queue and come back in order; the limit is ZX_ERR_SHOULD_WAIT.
static void test_many_packets(void) {
  zx_handle_t port;
  EXPECT_EQ(zx_port_create(0, &port), ZX_OK);
  zx_port_packet_t p = {0};
  int queued = 0;
  for (int i = 0; i < 10000; i++) {
    p.key = i;
    queued += zx_port_queue(port, &p) == ZX_OK;
  }
  EXPECT_EQ(queued, 10000);
  int in_order = 0;
  zx_port_packet_t out;
  for (int i = 0; i < 10000; i++)
    in_order += zx_port_wait(port, 0, &out) == ZX_OK && out.key == (uint64_t)i;
  EXPECT_EQ(in_order, 10000);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
  zx_status_t s = ZX_OK;
  int n = 0;
  while ((s = zx_port_queue(port, &p)) == ZX_OK && n < 100000) n++;
  EXPECT_EQ(s, ZX_ERR_SHOULD_WAIT);
  printf("port: %d user packets queue before ZX_ERR_SHOULD_WAIT\n", n);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_OK);
  EXPECT_EQ(zx_port_queue(port, &p), ZX_OK);
  EXPECT_EQ(zx_handle_close(port), ZX_OK);  // with every packet still queued
}

static void test_wait_async(void) {
  zx_handle_t port, ev, vmo;
  EXPECT_EQ(zx_port_create(0, &port), ZX_OK);
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  zx_port_packet_t out;
  // Level: already signalled, so the packet comes at once.
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_1), ZX_OK);
  EXPECT_EQ(
      zx_object_wait_async(ev, port, 7, ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2, ZX_WAIT_ASYNC_ONCE),
      ZX_OK);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_OK);
  EXPECT_EQ(out.key, 7);
  EXPECT_EQ(out.type, ZX_PKT_TYPE_SIGNAL_ONE);
  EXPECT_EQ(out.status, ZX_OK);
  EXPECT_EQ(out.signal.trigger, ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2);
  EXPECT_EQ(out.signal.observed, ZX_USER_SIGNAL_1);
  EXPECT_EQ(out.signal.count, 1);
  EXPECT_EQ(out.signal.timestamp, 0);
  // Once: no second packet.
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_2), ZX_OK);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
  // Edge: the active signal does not count; a rising one does, with a timestamp.
  EXPECT_EQ(zx_object_wait_async(ev, port, 8, ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_3,
                                 ZX_WAIT_ASYNC_EDGE | ZX_WAIT_ASYNC_TIMESTAMP),
            ZX_OK);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
  zx_time_t before = zx_clock_get_monotonic();
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_3), ZX_OK);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_OK);
  EXPECT_EQ(out.key, 8);
  EXPECT_EQ(out.signal.observed, ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2 | ZX_USER_SIGNAL_3);
  EXPECT_EQ(out.signal.timestamp >= before && out.signal.timestamp <= zx_clock_get_monotonic(), 1);
  // A thread blocked in zx_port_wait wakes for a signal from another CPU... here, the
  // peer-closed of a channel whose other end goes.
  zx_handle_t a, b;
  EXPECT_EQ(zx_channel_create(0, &a, &b), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(a, port, 9, ZX_CHANNEL_PEER_CLOSED, 0), ZX_OK);
  EXPECT_EQ(zx_handle_close(b), ZX_OK);
  EXPECT_EQ(zx_port_wait(port, after_ms(1000), &out), ZX_OK);
  EXPECT_EQ(out.key, 9);
  EXPECT_EQ(out.signal.observed, ZX_CHANNEL_PEER_CLOSED);
  // Cancel: the pending wait and the queued packets of (object, key) go.
  EXPECT_EQ(zx_object_signal(ev, ZX_USER_SIGNAL_ALL, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(ev, port, 10, ZX_USER_SIGNAL_4, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(ev, port, 11, ZX_USER_SIGNAL_5, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(ev, port, 12, ZX_USER_SIGNAL_6, 0), ZX_OK);
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_6), ZX_OK);  // 12 is queued
  EXPECT_EQ(zx_port_cancel(port, ev, 10), ZX_OK);
  EXPECT_EQ(zx_port_cancel(port, ev, 10), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(zx_port_cancel(port, ev, 12), ZX_OK);
  EXPECT_EQ(zx_object_signal(ev, 0, ZX_USER_SIGNAL_4 | ZX_USER_SIGNAL_5), ZX_OK);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_OK);
  EXPECT_EQ(out.key, 11);
  EXPECT_EQ(zx_port_wait(port, 0, &out), ZX_ERR_TIMED_OUT);
  // Errors, in Zircon's order: options, the port, then the object.
  EXPECT_EQ(zx_vmo_create(4096, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(ev, port, 1, 1, 8), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(
      zx_object_wait_async(ev, port, 1, 1, ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP),
      ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_wait_async(ev, ZX_HANDLE_INVALID, 1, 1, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_wait_async(ev, vmo, 1, 1, 0), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_wait_async(ZX_HANDLE_INVALID, port, 1, 1, 0), ZX_ERR_BAD_HANDLE);
  zx_handle_t nowait, ro;
  EXPECT_EQ(zx_handle_duplicate(ev, ZX_RIGHT_SIGNAL, &nowait), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(nowait, port, 1, 1, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_duplicate(port, ZX_RIGHT_READ, &ro), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(ev, ro, 1, 1, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_wait_async(zx_vmar_root_self(), port, 1, 1, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_port_cancel(ro, ev, 1), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_port_cancel(ev, ev, 1), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_port_cancel(port, ZX_HANDLE_INVALID, 1), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_port_cancel(port, nowait, 1), ZX_ERR_ACCESS_DENIED);
  // Waits left pending when everything is closed go with the objects.
  EXPECT_EQ(zx_object_wait_async(ev, port, 13, ZX_USER_SIGNAL_7, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(vmo, port, 14, ZX_USER_SIGNAL_7, 0), ZX_OK);
  zx_handle_close(nowait), zx_handle_close(ro), zx_handle_close(vmo), zx_handle_close(ev);
  zx_handle_close(a), zx_handle_close(port);
}

// --- wait_many ---------------------------------------------------------------------
#define ITEMS 64

static zx_handle_t events[ITEMS];
static volatile int go;

// Signals the events with index % 3 == cpu - 1 once go is set, one per millisecond.
static void signaller(uintptr_t cpu, uintptr_t self) {
  while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE)) zx_nanosleep(after_ms(1));
  for (int i = 0; i < ITEMS; i++) {
    if (i % 3 != (int)cpu - 1) continue;
    zx_nanosleep(after_ms(1));
    zx_object_signal(events[i], 0, ZX_USER_SIGNAL_0);
  }
  (void)self;
  zx_thread_exit();
}

static void test_wait_many(void) {
  zx_wait_item_t items[ITEMS + 1];
  for (int i = 0; i < ITEMS; i++) {
    EXPECT_EQ(zx_event_create(0, &events[i]), ZX_OK);
    items[i] = (zx_wait_item_t){events[i], ZX_USER_SIGNAL_0, 0};
  }
  // Nothing yet: TIMED_OUT with every pending set to 0.
  EXPECT_EQ(zx_object_wait_many(items, ITEMS, 0), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(items[5].pending, 0);
  EXPECT_EQ(zx_object_wait_many(NULL, 0, after_ms(5)), ZX_ERR_TIMED_OUT);
  // Three other CPUs signal all 64; the waiter sees each one, from whichever CPU.
  zx_handle_t threads[3];
  for (int t = 0; t < 3; t++)
    threads[t] = start_on_cpu(t + 1, signaller, t + 1, stacks[t], STACK_SIZE);
  __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
  int seen = 0, waits = 0;
  bool counted[ITEMS] = {false};
  while (seen < ITEMS && waits < 10 * ITEMS) {
    waits++;
    if (zx_object_wait_many(items, ITEMS, after_ms(5000)) != ZX_OK) break;
    for (int i = 0; i < ITEMS; i++) {
      if (items[i].pending & ZX_USER_SIGNAL_0 && !counted[i]) {
        items[i].waitfor = ZX_USER_SIGNAL_1;  // never set: this one stays quiet from now on
        counted[i] = true;
        seen++;
      }
    }
  }
  EXPECT_EQ(seen, ITEMS);
  for (int t = 0; t < 3; t++) {
    EXPECT_EQ(zx_object_wait_one(threads[t], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
    zx_handle_close(threads[t]);
  }
  // Errors: 65 items, a bad pointer, a bad handle, a handle without ZX_RIGHT_WAIT.
  EXPECT_EQ(zx_object_wait_many(items, ITEMS + 1, 0), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_object_wait_many(KERNEL_PTR, 2, 0), ZX_ERR_INVALID_ARGS);
  // The same with more items than the kernel keeps on its stack (its state is then a
  // heap block: every error frees it; kernel_counts and the leak checks would see it).
  EXPECT_EQ(zx_object_wait_many(KERNEL_PTR, ITEMS, 0), ZX_ERR_INVALID_ARGS);
  zx_handle_t last = items[ITEMS - 1].handle;
  items[ITEMS - 1].handle = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_object_wait_many(items, ITEMS, 0), ZX_ERR_BAD_HANDLE);
  items[ITEMS - 1].handle = last;
  items[1].handle = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_object_wait_many(items, 2, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_duplicate(events[0], ZX_RIGHT_SIGNAL, &items[1].handle), ZX_OK);
  EXPECT_EQ(zx_object_wait_many(items, 2, 0), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(items[1].handle);
  for (int i = 0; i < ITEMS; i++) zx_handle_close(events[i]);
}

int main(void) {
  test_port_basics();
  test_many_packets();
  test_wait_async();
  test_wait_many();
  printf("port: %d checks, %d failures\n", checks, failures);
  return failures;
}
