// zx_task_kill on a thread racing every other way a thread's life can change, from
// threads pinned to other CPUs (JANUS_PROP_THREAD_CPU): the victim exiting, a second
// killer, a futex wake, a wait timing out, and zx_thread_start. Each race runs ROUNDS
// times (bounded in count, not time). Every round must end with the victim terminated
// (or, if the kill won over the start, never run), and the kernel must survive: the
// thread life cycle these races exercise is docs/design.md's state machine, which test
// kernels check at every transition. Before the fix of issue 11 the first race panicked
// the kernel ("dead thread victim ran again") in every run. It takes minutes under
// TCG, so tools/test.sh boots it on its own (janus.user=test-kill_races).
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#define ROUNDS 1000
#define STACK_SIZE 8192
#define MAX_CPUS 8

enum { VICTIM, KILLER, HELPER, ROLES };  // a helper: a second killer, a waker, a starter
static uint8_t stacks[ROLES][STACK_SIZE] __attribute__((aligned(16)));
static uint32_t cpu_of[ROLES];

// One round's shared state; each round starts from zero.
static zx_futex_t armed;              // the round has begun: racers stop sleeping
static volatile uint32_t go;          // the victim is about to do its part
static volatile uint32_t victim_ran;  // the victim's code ran
static volatile zx_status_t start_status;
static zx_futex_t futex_word;
static zx_handle_t victim, event;

static void relax(void) { __asm__ volatile("yield" ::: "memory"); }

// Racers sleep until the round begins (spinning vCPUs would starve the ones doing the
// work on a small host), then spin for the moment the victim acts.
static void wait_go(void) {
  while (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
    zx_futex_wait(&armed, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  while (!go) relax();
}

static void arm(void) {
  __atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
  zx_futex_wake(&armed, UINT32_MAX);
}

static zx_handle_t new_thread(const char *name, unsigned role) {
  zx_handle_t t = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_thread_create(zx_process_self(), name, strlen(name), 0, &t), ZX_OK);
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu_of[role], sizeof cpu_of[role]),
            ZX_OK);
  return t;
}

static void start(zx_handle_t t, unsigned role, void (*entry)(uintptr_t, uintptr_t),
                  uintptr_t arg) {
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)entry, (uintptr_t)(stacks[role] + STACK_SIZE), arg, 0),
            ZX_OK);
}

static bool terminated(zx_handle_t t, zx_time_t deadline) {
  return zx_object_wait_one(t, ZX_THREAD_TERMINATED, deadline, NULL) == ZX_OK;
}

static void finish(zx_handle_t t) {
  EXPECT_EQ(terminated(t, ZX_TIME_INFINITE), true);
  EXPECT_EQ(zx_handle_close(t), ZX_OK);
}

// Killers: kill the victim until it is gone (a kill that comes first makes it die on
// its way back to user mode; one that comes later finds it exiting or dead).
static void killer(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  wait_go();
  do zx_task_kill(victim);
  while (!terminated(victim, 0));
  zx_thread_exit();
}

// One kill, for the start race: it lands before the start (which then fails) or after.
static void killer_once(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  wait_go();
  zx_task_kill(victim);
  zx_thread_exit();
}

// --- the victims --------------------------------------------------------------------
static void victim_exits(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  victim_ran = 1;
  go = 1;
  zx_thread_exit();
}

// Half the rounds the victim sleeps until killed (two kills race to wake it), half it
// exits at once (two kills race its exit).
static void victim_sleeps_or_exits(uintptr_t exits, uintptr_t b) {
  (void)b;
  static zx_futex_t never;
  victim_ran = 1;
  go = 1;
  if (!exits) zx_futex_wait(&never, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  zx_thread_exit();
}

// Blocks on the futex; whether the wake or the kill comes first, it never returns to
// user code with anything but ZX_OK (a kill does not let it back).
static void victim_futex(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  victim_ran = 1;
  go = 1;
  zx_status_t s = zx_futex_wait(&futex_word, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  if (s != ZX_OK) victim_ran = 2;  // checked by the round
  zx_thread_exit();
}

// A wait whose deadline is now or one tick away: the timeout and the kill race.
static void victim_times_out(uintptr_t future, uintptr_t b) {
  (void)b;
  victim_ran = 1;
  go = 1;
  zx_time_t deadline = future ? zx_clock_get_monotonic() + 1000000 : zx_clock_get_monotonic();
  zx_status_t s = zx_object_wait_one(event, ZX_EVENT_SIGNALED, deadline, NULL);
  if (s != ZX_ERR_TIMED_OUT) victim_ran = 2;
  zx_thread_exit();
}

static void victim_spins(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  victim_ran = 1;
  for (;;) relax();
}

// --- the helpers --------------------------------------------------------------------
static void waker(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  wait_go();
  while (zx_futex_wake(&futex_word, 1) == ZX_OK && !terminated(victim, 0)) relax();
  zx_thread_exit();
}

static void starter(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  wait_go();
  start_status = zx_thread_start(victim, (uintptr_t)victim_spins,
                                 (uintptr_t)(stacks[VICTIM] + STACK_SIZE), 0, 0);
  zx_thread_exit();
}

// --- the races ----------------------------------------------------------------------
// The victim runs entry(arg); the killer and (if not NULL) helper race it.
static void race(void (*entry)(uintptr_t, uintptr_t), uintptr_t arg,
                 void (*helper)(uintptr_t, uintptr_t)) {
  armed = 0;
  go = 0;
  victim_ran = 0;
  futex_word = 0;
  victim = new_thread("victim", VICTIM);
  zx_handle_t k = new_thread("killer", KILLER), h = ZX_HANDLE_INVALID;
  start(k, KILLER, killer, 0);
  if (helper) {
    h = new_thread("helper", HELPER);
    start(h, HELPER, helper, 0);
  }
  arm();
  start(victim, VICTIM, entry, arg);
  finish(k);
  if (helper) finish(h);
  finish(victim);
  EXPECT_EQ(victim_ran == 0 || victim_ran == 1, true);
}

static void test_kill_vs_exit(void) {
  for (int i = 0; i < ROUNDS && !failures; i++) race(victim_exits, 0, NULL);
}

static void test_kill_vs_kill(void) {
  for (int i = 0; i < ROUNDS && !failures; i++) race(victim_sleeps_or_exits, i & 1, killer);
}

static void test_kill_vs_futex_wake(void) {
  for (int i = 0; i < ROUNDS && !failures; i++) race(victim_futex, 0, waker);
}

// Most rounds time out at once (the waiter wakes itself); every eighth waits for the
// tick to time it out (10 ms each), so the round count stays bounded in virtual time.
static void test_kill_vs_timeout(void) {
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  for (int i = 0; i < ROUNDS && !failures; i++) race(victim_times_out, i % 8 == 0, NULL);
  zx_handle_close(event);
}

// The start and the kill race: either the start wins (ZX_OK) and the kill ends the
// thread, or the kill wins and the start fails with ZX_ERR_BAD_STATE, never to run.
static void test_kill_vs_start(void) {
  int started = 0;
  for (int i = 0; i < ROUNDS && !failures; i++) {
    armed = 0;
    go = 0;
    victim_ran = 0;
    start_status = 1;
    victim = new_thread("victim", VICTIM);
    zx_handle_t k = new_thread("killer", KILLER), s = new_thread("starter", HELPER);
    start(k, KILLER, killer_once, 0);
    start(s, HELPER, starter, 0);
    go = 1;
    arm();
    finish(s);
    finish(k);
    if (start_status == ZX_OK) {
      started++;
      EXPECT_EQ(terminated(victim, ZX_TIME_INFINITE), true);
    } else {
      EXPECT_EQ(start_status, ZX_ERR_BAD_STATE);  // killed first: it can never start
      EXPECT_EQ(victim_ran, 0);
    }
    EXPECT_EQ(zx_handle_close(victim), ZX_OK);
  }
  printf("kill_races: the start won %d of %d rounds\n", started, ROUNDS);
}

static void timed(const char *what, void (*test)(void)) {
  zx_time_t start = zx_clock_get_monotonic();
  test();
  printf("kill_races: kill vs %s: %d rounds, %lld ms\n", what, ROUNDS,
         (long long)(zx_clock_get_monotonic() - start) / 1000000);
}

int main(void) {
  janus_info_asid_counters_t counters[MAX_CPUS];
  size_t cpus = 0, avail = 0;
  zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, counters, sizeof counters, &cpus,
                     &avail);
  // Victim, killer and helper on three different CPUs, none of them the main thread's
  // (a busy racer sharing its CPU would slow every round to the 20 ms time slice).
  uint32_t main_cpu = 0;
  EXPECT_EQ(
      zx_object_get_property(zx_thread_self(), JANUS_PROP_THREAD_CPU, &main_cpu, sizeof main_cpu),
      ZX_OK);
  for (unsigned r = 0; r < ROLES; r++)
    cpu_of[r] = cpus > 1 ? (main_cpu + 1 + r % (cpus - 1)) % cpus : 0;
  timed("exit", test_kill_vs_exit);
  timed("kill", test_kill_vs_kill);
  timed("futex wake", test_kill_vs_futex_wake);
  timed("timeout", test_kill_vs_timeout);
  timed("start", test_kill_vs_start);
  printf("kill_races: %d checks, %d failures\n", checks, failures);
  return failures;
}
