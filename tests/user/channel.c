// Channels and eventpairs: every call's success path and documented errors, handle
// transfer with rights as Zircon moves them, peer-closed, the 64 KiB / 64 handle
// limits, zx_channel_call, and a 4-CPU stress test in which handles travel through
// channels under random writes, reads, closes and peer closes and none is ever
// duplicated or lost.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define STACK_SIZE 16384

static uint8_t stacks[4][STACK_SIZE] __attribute__((aligned(16)));
static uint8_t big[ZX_CHANNEL_MAX_MSG_BYTES + 1];

static zx_koid_t koid_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info.koid;
}

static zx_rights_t rights_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info.rights;
}

static zx_signals_t signals_of(zx_handle_t h) {
  zx_signals_t seen = 0;
  zx_object_wait_one(h, ~0u, 0, &seen);
  return seen;
}

static void test_create_write_read(void) {
  zx_handle_t a, b;
  EXPECT_EQ(zx_channel_create(0, &a, &b), ZX_OK);
  EXPECT_EQ(rights_of(a), ZX_DEFAULT_CHANNEL_RIGHTS);
  EXPECT_EQ(signals_of(a), ZX_CHANNEL_WRITABLE);
  EXPECT_EQ(zx_channel_write(a, 0, "hello", 5, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_channel_write(a, 0, "world!", 6, NULL, 0), ZX_OK);
  EXPECT_EQ(signals_of(b), ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE);
  EXPECT_EQ(signals_of(a), ZX_CHANNEL_WRITABLE);
  char buf[16] = {0};
  uint32_t nb = 99, nh = 99;
  // Too small: the sizes come back and the message stays.
  EXPECT_EQ(zx_channel_read(b, 0, buf, NULL, 2, 0, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(nb, 5);
  EXPECT_EQ(nh, 0);
  EXPECT_EQ(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, &nh), ZX_OK);
  EXPECT_EQ(nb, 5);
  EXPECT_EQ(memcmp(buf, "hello", 5), 0);
  // MAY_DISCARD drops a message that does not fit.
  EXPECT_EQ(zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, buf, NULL, 2, 0, &nb, &nh),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(nb, 6);
  EXPECT_EQ(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, &nh), ZX_ERR_SHOULD_WAIT);
  EXPECT_EQ(signals_of(b), ZX_CHANNEL_WRITABLE);
  // An empty message, both ways; actual counts may be NULL.
  EXPECT_EQ(zx_channel_write(b, 0, NULL, 0, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_channel_read(a, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_OK);
  // The limits: 64 KiB and 64 handles.
  EXPECT_EQ(zx_channel_write(a, 0, big, ZX_CHANNEL_MAX_MSG_BYTES, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_channel_write(a, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0),
            ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_channel_read(b, 0, big, NULL, sizeof big, 0, &nb, NULL), ZX_OK);
  EXPECT_EQ(nb, ZX_CHANNEL_MAX_MSG_BYTES);
  zx_handle_t many[ZX_CHANNEL_MAX_MSG_HANDLES + 1];
  for (int i = 0; i < 64; i++) EXPECT_EQ(zx_event_create(0, &many[i]), ZX_OK);
  EXPECT_EQ(zx_channel_write(a, 0, NULL, 0, many, 64), ZX_OK);
  EXPECT_EQ(zx_channel_read(b, 0, NULL, many, 0, 64, NULL, &nh), ZX_OK);
  EXPECT_EQ(nh, 64);
  EXPECT_EQ(zx_channel_write(a, 0, NULL, 0, many, 65), ZX_ERR_OUT_OF_RANGE);
  for (int i = 0; i < 64; i++) EXPECT_EQ(zx_handle_close(many[i]), ZX_OK);
  // Peer closed: queued messages are still read, then PEER_CLOSED.
  EXPECT_EQ(zx_channel_write(a, 0, "last", 4, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_handle_close(a), ZX_OK);
  EXPECT_EQ(signals_of(b), ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED);
  EXPECT_EQ(zx_channel_write(b, 0, "x", 1, NULL, 0), ZX_ERR_PEER_CLOSED);
  EXPECT_EQ(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, NULL), ZX_OK);
  EXPECT_EQ(zx_channel_read(b, 0, buf, NULL, sizeof buf, 0, &nb, NULL), ZX_ERR_PEER_CLOSED);
  EXPECT_EQ(zx_handle_close(b), ZX_OK);
}

// Handles move with their rights; the writer's values go stale; _etc reports types and
// rights, and duplicates or reduces them on the way.
static void test_handle_transfer(void) {
  zx_handle_t a, b, ev, weak;
  EXPECT_EQ(zx_channel_create(0, &a, &b), ZX_OK);
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  zx_koid_t koid = koid_of(ev);
  EXPECT_EQ(zx_handle_duplicate(ev, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT, &weak), ZX_OK);
  zx_handle_t pair[2] = {ev, weak};
  EXPECT_EQ(zx_channel_write(a, 0, "h", 1, pair, 2), ZX_OK);
  EXPECT_EQ(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);  // moved
  EXPECT_EQ(zx_handle_close(weak), ZX_ERR_BAD_HANDLE);
  zx_handle_info_t infos[2];
  uint32_t nh = 0;
  EXPECT_EQ(zx_channel_read_etc(b, 0, NULL, infos, 0, 1, NULL, &nh), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(nh, 2);
  char c;
  EXPECT_EQ(zx_channel_read_etc(b, 0, &c, infos, 1, 2, NULL, &nh), ZX_OK);
  EXPECT_EQ(infos[0].type, ZX_OBJ_TYPE_EVENT);
  EXPECT_EQ(infos[0].rights, ZX_DEFAULT_EVENT_RIGHTS);
  EXPECT_EQ(infos[1].rights, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
  EXPECT_EQ(koid_of(infos[0].handle), koid);
  EXPECT_EQ(koid_of(infos[1].handle), koid);
  ev = infos[0].handle;
  EXPECT_EQ(zx_handle_close(infos[1].handle), ZX_OK);
  // write_etc: a duplicate with fewer rights, then a move checked for its type.
  zx_handle_disposition_t ds[2] = {
      {ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER, -1},
      {ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS, -1}};
  EXPECT_EQ(zx_channel_write_etc(a, 0, NULL, 0, ds, 2), ZX_OK);
  EXPECT_EQ(ds[0].result, ZX_OK);
  EXPECT_EQ(ds[1].result, ZX_OK);
  EXPECT_EQ(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_channel_read_etc(b, 0, NULL, infos, 0, 2, NULL, &nh), ZX_OK);
  EXPECT_EQ(infos[0].rights, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER);
  EXPECT_EQ(infos[1].rights, ZX_DEFAULT_EVENT_RIGHTS);
  // Errors of write_etc: wrong type, too many rights, bad op; a move is consumed anyway.
  zx_handle_disposition_t bad = {ZX_HANDLE_OP_MOVE, infos[0].handle, ZX_OBJ_TYPE_VMO,
                                 ZX_RIGHT_SAME_RIGHTS, 0};
  EXPECT_EQ(zx_channel_write_etc(a, 0, NULL, 0, &bad, 1), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(bad.result, ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_handle_close(infos[0].handle), ZX_ERR_BAD_HANDLE);
  bad = (zx_handle_disposition_t){ZX_HANDLE_OP_DUPLICATE, infos[1].handle, 0, ZX_RIGHT_MAP, 0};
  EXPECT_EQ(zx_channel_write_etc(a, 0, NULL, 0, &bad, 1), ZX_ERR_INVALID_ARGS);
  bad = (zx_handle_disposition_t){7, infos[1].handle, 0, ZX_RIGHT_SAME_RIGHTS, 0};
  EXPECT_EQ(zx_channel_write_etc(a, 0, NULL, 0, &bad, 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_close(infos[1].handle), ZX_OK);
  EXPECT_EQ(zx_channel_read(b, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_SHOULD_WAIT);
  // Handles in a message that is never read go with the channel.
  zx_handle_t e1, e2;
  EXPECT_EQ(zx_eventpair_create(0, &e1, &e2), ZX_OK);
  EXPECT_EQ(zx_channel_write(a, 0, NULL, 0, &e2, 1), ZX_OK);
  EXPECT_EQ(zx_handle_close(b), ZX_OK);
  EXPECT_EQ(signals_of(e1), ZX_EVENTPAIR_PEER_CLOSED);
  EXPECT_EQ(zx_handle_close(e1), ZX_OK);
  EXPECT_EQ(zx_handle_close(a), ZX_OK);
}

static void test_write_errors(void) {
  zx_handle_t a, b, ev, notransfer, vmo;
  EXPECT_EQ(zx_channel_create(1, &a, &b), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_create(0, NULL, &b), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_create(0, &a, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_create(0, &a, &b), ZX_OK);
  EXPECT_EQ(zx_vmo_create(4096, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_channel_write(ZX_HANDLE_INVALID, 0, "x", 1, NULL, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_channel_write(vmo, 0, "x", 1, NULL, 0), ZX_ERR_WRONG_TYPE);
  zx_handle_t ro;
  EXPECT_EQ(zx_handle_duplicate(a, ZX_RIGHT_READ, &ro),
            ZX_ERR_ACCESS_DENIED);  // channels do not duplicate
  EXPECT_EQ(zx_handle_replace(a, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT, &ro), ZX_OK);
  a = ro;
  EXPECT_EQ(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_channel_write(b, 1, "x", 1, NULL, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_write(b, 0, KERNEL_PTR, 1, NULL, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_write(b, 0, NULL, 0, KERNEL_PTR, 1), ZX_ERR_INVALID_ARGS);
  // The channel itself: NOT_SUPPORTED. A handle without TRANSFER: ACCESS_DENIED.
  // A bad value: BAD_HANDLE. Every handle given is consumed, and nothing is sent.
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  EXPECT_EQ(zx_handle_duplicate(ev, ZX_RIGHT_WAIT, &notransfer), ZX_OK);
  EXPECT_EQ(zx_channel_write(b, 0, NULL, 0, &notransfer, 1), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(notransfer), ZX_ERR_BAD_HANDLE);
  zx_handle_t list[2] = {ev, 0x12345677};
  EXPECT_EQ(zx_channel_write(b, 0, NULL, 0, list, 2), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
  // The same handle twice: the second is no longer there (BAD_HANDLE); both go.
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  zx_handle_t twice[2] = {ev, ev};
  EXPECT_EQ(zx_channel_write(b, 0, NULL, 0, twice, 2), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(ev), ZX_ERR_BAD_HANDLE);
  zx_handle_t self_list[1] = {b};
  EXPECT_EQ(zx_channel_write(b, 0, NULL, 0, self_list, 1), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(zx_channel_read(a, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_PEER_CLOSED);
  // Read errors.
  EXPECT_EQ(zx_channel_read(ZX_HANDLE_INVALID, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_channel_read(vmo, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_channel_read(a, 2, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_create(0, &b, &ro), ZX_OK);
  EXPECT_EQ(zx_channel_write(ro, 0, "abc", 3, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_channel_read(b, 0, KERNEL_PTR, NULL, 3, 0, NULL, NULL), ZX_ERR_INVALID_ARGS);
  zx_handle_t wo;
  EXPECT_EQ(zx_handle_replace(b, ZX_RIGHT_WRITE, &wo), ZX_OK);
  EXPECT_EQ(zx_channel_read(wo, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(wo), ZX_OK);
  EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  EXPECT_EQ(zx_handle_close(a), ZX_OK);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
}

// A server thread answers each call with the request's txid and its bytes reversed.
static void server(uintptr_t ch, uintptr_t self) {
  for (;;) {
    uint8_t buf[64];
    uint32_t n = 0, nh = 0;
    zx_handle_t h[1];
    if (zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE,
                           NULL) != ZX_OK)
      break;
    if (zx_channel_read(ch, 0, buf, h, sizeof buf, 1, &n, &nh) != ZX_OK) break;
    if (n == 8 && memcmp(buf + 4, "stop", 4) == 0) break;
    if (n == 8 && memcmp(buf + 4, "mute", 4) == 0) continue;  // no answer: the call times out
    uint8_t out[64];
    memcpy(out, buf, 4);
    for (uint32_t i = 4; i < n; i++) out[i] = buf[n - 1 - (i - 4)];
    zx_channel_write(ch, 0, out, n, h, nh);
  }
  (void)self;
  zx_handle_close(ch);
  zx_thread_exit();
}

static void test_call(void) {
  zx_handle_t a, b;
  EXPECT_EQ(zx_channel_create(0, &a, &b), ZX_OK);
  zx_handle_t t = start_on_cpu(1, server, b, stacks[0], STACK_SIZE);
  EXPECT_EQ(t != ZX_HANDLE_INVALID, 1);
  uint8_t req[8] = {0, 0, 0, 0, 'a', 'b', 'c', 'd'}, rep[8] = {0};
  zx_handle_t ev, got = 0;
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  zx_channel_call_args_t args = {req, &ev, rep, &got, 8, 1, sizeof rep, 1};
  uint32_t nb = 0, nh = 0;
  EXPECT_EQ(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_OK);
  EXPECT_EQ(nb, 8);
  EXPECT_EQ(nh, 1);
  EXPECT_EQ(memcmp(rep + 4, "dcba", 4), 0);
  uint32_t txid;
  memcpy(&txid, rep, 4);
  EXPECT_EQ(txid >> 31, 1);  // kernel txids have the high bit set
  EXPECT_EQ(zx_handle_close(got), ZX_OK);
  // Errors: too few bytes for a txid, options, a reply that does not fit (dropped),
  // the deadline.
  args = (zx_channel_call_args_t){req, NULL, rep, NULL, 3, 0, sizeof rep, 0};
  EXPECT_EQ(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_INVALID_ARGS);
  args.wr_num_bytes = 8;
  EXPECT_EQ(zx_channel_call(a, 1, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_channel_call(a, 0, ZX_TIME_INFINITE, KERNEL_PTR, &nb, &nh), ZX_ERR_INVALID_ARGS);
  args.rd_num_bytes = 4;
  EXPECT_EQ(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(nb, 8);
  EXPECT_EQ(zx_channel_read(a, 0, NULL, NULL, 0, 0, NULL, NULL), ZX_ERR_SHOULD_WAIT);
  memcpy(req + 4, "mute", 4);
  args.rd_num_bytes = sizeof rep;
  EXPECT_EQ(zx_channel_call(a, 0, after_ms(30), &args, &nb, &nh), ZX_ERR_TIMED_OUT);
  memcpy(req + 4, "stop", 4);
  args.wr_num_bytes = 8;
  // The server closes its end instead of answering: PEER_CLOSED.
  EXPECT_EQ(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_PEER_CLOSED);
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_handle_close(t);
  EXPECT_EQ(zx_channel_call(a, 0, ZX_TIME_INFINITE, &args, &nb, &nh), ZX_ERR_PEER_CLOSED);
  EXPECT_EQ(zx_handle_close(a), ZX_OK);
}

static void test_eventpair(void) {
  zx_handle_t a, b;
  EXPECT_EQ(zx_eventpair_create(1, &a, &b), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_eventpair_create(0, &a, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_eventpair_create(0, &a, &b), ZX_OK);
  EXPECT_EQ(rights_of(a), ZX_DEFAULT_EVENTPAIR_RIGHTS);
  EXPECT_EQ(signals_of(a), 0);
  EXPECT_EQ(zx_object_signal_peer(a, 0, ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_3), ZX_OK);
  EXPECT_EQ(signals_of(b), ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_3);
  EXPECT_EQ(signals_of(a), 0);
  EXPECT_EQ(zx_object_signal(a, 0, ZX_EVENTPAIR_SIGNALED), ZX_OK);
  EXPECT_EQ(signals_of(a), ZX_EVENTPAIR_SIGNALED);
  EXPECT_EQ(zx_object_signal_peer(b, ZX_EVENTPAIR_SIGNALED, 0), ZX_OK);
  EXPECT_EQ(signals_of(a), 0);
  EXPECT_EQ(zx_object_signal_peer(a, 0, ZX_EVENTPAIR_PEER_CLOSED), ZX_ERR_INVALID_ARGS);
  // Channels take only the user signals from their peer; events have no peer.
  zx_handle_t c, d, ev, weak;
  EXPECT_EQ(zx_channel_create(0, &c, &d), ZX_OK);
  EXPECT_EQ(zx_object_signal_peer(c, 0, ZX_USER_SIGNAL_0), ZX_OK);
  EXPECT_EQ(signals_of(d), ZX_CHANNEL_WRITABLE | ZX_USER_SIGNAL_0);
  EXPECT_EQ(zx_object_signal_peer(c, 0, ZX_EVENTPAIR_SIGNALED), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  EXPECT_EQ(zx_object_signal_peer(ev, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_signal_peer(ZX_HANDLE_INVALID, 0, ZX_USER_SIGNAL_0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_duplicate(a, ZX_RIGHT_WAIT, &weak), ZX_OK);
  EXPECT_EQ(zx_object_signal_peer(weak, 0, ZX_USER_SIGNAL_0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(b), ZX_OK);
  EXPECT_EQ(signals_of(a), ZX_EVENTPAIR_PEER_CLOSED);
  EXPECT_EQ(zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_0), ZX_ERR_PEER_CLOSED);
  zx_handle_close(weak), zx_handle_close(a), zx_handle_close(c), zx_handle_close(d),
      zx_handle_close(ev);
}

// --- 4 CPUs pass TOKENS handles around through SLOTS channels at random ------------
// Each token is one end of an eventpair whose other end the test keeps: a token that
// is gone (closed, or dropped with a channel) shows PEER_CLOSED there. At the end every
// token must be held exactly once or be gone, never both, never twice.
#define TOKENS 128
#define SLOTS 6
#define ROUNDS 3000
#define HAND 96

static zx_handle_t keepers[TOKENS];
static zx_koid_t token_koids[TOKENS];
static struct {
  volatile int lock;
  zx_handle_t end[2];
} slots[SLOTS];
static zx_handle_t hands[4][HAND];
static int hand_count[4];
static volatile int stress_errors;
static volatile zx_status_t first_error;
#define STRESS_ERROR(s) (first_error = first_error ? first_error : (s), stress_errors++)

static void lock(volatile int *l) {
  while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {}
}
static void unlock(volatile int *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

static uint32_t next_random(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

// Reads one message's handles into the thread's hand; a peer-closed channel (the
// survivor of a peer close) is fine when peer_gone.
static void read_into_hand(int me, zx_handle_t ch, bool peer_gone) {
  zx_handle_t got[ZX_CHANNEL_MAX_MSG_HANDLES];
  uint32_t nh = 0;
  int room = HAND - hand_count[me];
  if (room <= 0) return;
  zx_status_t s = zx_channel_read(ch, 0, NULL, got, 0, room > 64 ? 64 : room, NULL, &nh);
  if (s == ZX_OK) {
    for (uint32_t i = 0; i < nh; i++) hands[me][hand_count[me]++] = got[i];
  } else if (s != ZX_ERR_SHOULD_WAIT && s != ZX_ERR_BUFFER_TOO_SMALL &&
             !(peer_gone && s == ZX_ERR_PEER_CLOSED)) {
    STRESS_ERROR(s);
  }
}

static void stress_worker(uintptr_t me, uintptr_t self) {
  uint32_t seed = 0x9e3779b9u * (uint32_t)(me + 1);
  for (int round = 0; round < ROUNDS; round++) {
    uint32_t r = next_random(&seed);
    // Closes are rare enough (1 in 512 each) that some tokens are still held at the end.
    int slot = r % SLOTS, side = (r >> 8) & 1, op = (r >> 9) % 512;
    if (op < 224 && hand_count[me] > 0) {  // write 1..3 tokens
      int n = 1 + (r >> 16) % 3;
      if (n > hand_count[me]) n = hand_count[me];
      lock(&slots[slot].lock);
      zx_status_t s =
          zx_channel_write(slots[slot].end[side], 0, NULL, 0, &hands[me][hand_count[me] - n], n);
      unlock(&slots[slot].lock);
      if (s != ZX_OK) STRESS_ERROR(s);
      hand_count[me] -= n;  // consumed either way
    } else if (op < 448) {
      lock(&slots[slot].lock);
      read_into_hand(me, slots[slot].end[side], false);
      unlock(&slots[slot].lock);
    } else if (op == 448 && hand_count[me] > 0) {
      if (zx_handle_close(hands[me][--hand_count[me]]) != ZX_OK) stress_errors++;
    } else if (op == 449) {  // peer close: the side's queue goes with it; the other is drained
      lock(&slots[slot].lock);
      if (zx_handle_close(slots[slot].end[side]) != ZX_OK) stress_errors++;
      zx_handle_t survivor = slots[slot].end[!side];
      for (int i = 0; i < 32; i++) read_into_hand(me, survivor, true);
      if (zx_handle_close(survivor) != ZX_OK) stress_errors++;
      if (zx_channel_create(0, &slots[slot].end[0], &slots[slot].end[1]) != ZX_OK) stress_errors++;
      unlock(&slots[slot].lock);
    }
  }
  (void)self;
  zx_thread_exit();
}

static void test_transfer_stress(void) {
  for (int s = 0; s < SLOTS; s++)
    EXPECT_EQ(zx_channel_create(0, &slots[s].end[0], &slots[s].end[1]), ZX_OK);
  for (int i = 0; i < TOKENS; i++) {
    zx_handle_t token;
    EXPECT_EQ(zx_eventpair_create(0, &keepers[i], &token), ZX_OK);
    token_koids[i] = koid_of(token);
    hands[i % 4][hand_count[i % 4]++] = token;
  }
  zx_handle_t threads[4];
  for (int t = 0; t < 4; t++) threads[t] = start_on_cpu(t, stress_worker, t, stacks[t], STACK_SIZE);
  for (int t = 0; t < 4; t++) {
    EXPECT_EQ(zx_object_wait_one(threads[t], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
    zx_handle_close(threads[t]);
  }
  EXPECT_EQ(stress_errors, 0);
  EXPECT_EQ(first_error, ZX_OK);
  // Collect what the channels still hold, then count.
  for (int s = 0; s < SLOTS; s++) {
    for (int side = 0; side < 2; side++) {
      for (;;) {
        int before = hand_count[0];
        read_into_hand(0, slots[s].end[side], false);
        if (hand_count[0] == before) break;
      }
    }
  }
  int held[TOKENS] = {0}, alive = 0, gone = 0;
  for (int t = 0; t < 4; t++) {
    for (int k = 0; k < hand_count[t]; k++) {
      zx_koid_t koid = koid_of(hands[t][k]);
      for (int i = 0; i < TOKENS; i++)
        if (token_koids[i] == koid) held[i]++;
    }
  }
  for (int i = 0; i < TOKENS; i++) {
    bool closed = signals_of(keepers[i]) & ZX_EVENTPAIR_PEER_CLOSED;
    EXPECT_EQ(held[i] <= 1, 1);        // never duplicated
    EXPECT_EQ(held[i] == 1, !closed);  // never lost: held, or gone and its keeper knows
    alive += held[i] == 1;
    gone += closed;
  }
  EXPECT_EQ(alive + gone, TOKENS);
  printf("channel: stress: %d tokens held, %d gone after %d rounds on 4 CPUs\n", alive, gone,
         ROUNDS);
  for (int t = 0; t < 4; t++)
    for (int k = 0; k < hand_count[t]; k++) EXPECT_EQ(zx_handle_close(hands[t][k]), ZX_OK);
  for (int s = 0; s < SLOTS; s++)
    zx_handle_close(slots[s].end[0]), zx_handle_close(slots[s].end[1]);
  for (int i = 0; i < TOKENS; i++) {
    EXPECT_EQ(signals_of(keepers[i]) & ZX_EVENTPAIR_PEER_CLOSED, ZX_EVENTPAIR_PEER_CLOSED);
    zx_handle_close(keepers[i]);
  }
}

int main(void) {
  test_create_write_read();
  test_handle_transfer();
  test_write_errors();
  test_call();
  test_eventpair();
  test_transfer_stress();
  printf("channel: %d checks, %d failures\n", checks, failures);
  return failures;
}
