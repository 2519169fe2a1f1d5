// janus: shared-prototype
// The paths of issue 6 that need shared processes and restricted mode. This program is
// a shared prototype (user/user.mk): its image lives in its group's window, so the
// siblings it makes with zx_process_create_shared run its functions there, on stacks
// mapped into the window, and see its globals (samples, flags). Everything runs on this
// program's CPU (every thread it starts is pinned there with JANUS_PROP_THREAD_CPU),
// except in the two paths that span CPUs: restricted-kick-latency and
// shared-map-unmap-N*-4cpu pin their siblings' threads to the other CPUs and wait for
// them by spinning (bench_relax) on words in the window.
//
// A second copy of this program, started from the boot filesystem with
// janus_launch_bootfs in a job named PEER_JOB, is the prototype of a second group: the
// yield peer of cross-group-switch. It learns its role from its job's name; the first
// copy reads and writes its flags with zx_process_read/write_memory (the same image,
// so the same addresses in the other group's window).
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <setjmp.h>
#include <string.h>
#include <zircon/syscalls-next.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>

#include "lib/bench.h"

#define PAGE 4096UL
#define GUEST_BASE 0x20000000UL  // each restricted sibling's guest code page (its TTBR0)
#define GUEST_FAULT_ADDR (GUEST_BASE + 256 * PAGE)  // never mapped
#define INSN_SVC0 0xd4000001u
#define INSN_LDR_X1_X0 0xf9400001u  // ldr x1, [x0]
#define INSN_STR_X1_X0 0xf9000001u  // str x1, [x0]
#define INSN_YIELD 0xd503203fu
#define INSN_B_BACK1 0x17ffffffu    // b . - 4
#define GUEST_FLAG_OFFSET 0x800     // a word of the guest page the guest writes

#define PEER_JOB "bench-shared-peer"
#define STACK_SIZE (16 * 1024UL)
#define MAX_SIBLINGS 64

#define SWITCH_ITERS 5000
#define SWITCH_WARMUP 500
#define RESTRICTED_ITERS 20000
#define RESTRICTED_WARMUP 1000
#define CREATE_ITERS 2000
#define CREATE_WARMUP 100
#define MAP_ITERS 2000
#define MAP_WARMUP 100
#define KICK_ITERS 5000
#define KICK_WARMUP 500
#define SPIN_TIMEOUT_NS 10000000000LL  // a peer on another CPU that never answers: 10 s

static uint64_t samples[RESTRICTED_ITERS];  // in the window: siblings fill it
static bool failed;                         // a sibling's setup failed

#define CHECK(what, expr)                                                \
  do {                                                                   \
    zx_status_t s_ = (expr);                                             \
    if (s_ != ZX_OK) {                                                   \
      bench_printf("bench-shared: %s failed: %d\n", what, (int)s_);      \
      failed = true;                                                     \
    }                                                                    \
  } while (0)

// --- siblings -------------------------------------------------------------------------

// Window stacks for sibling threads, one per sibling alive at a time, mapped once.
static uintptr_t stacks;
static uintptr_t stack_top(unsigned i) { return stacks + (i + 1) * STACK_SIZE; }

static zx_vaddr_t vmar_base(zx_handle_t vmar) {
  zx_info_vmar_t info = {0};
  zx_object_get_info(vmar, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL);
  return info.base;
}

// A process of this group with one thread, not started yet.
struct sibling {
  zx_handle_t proc, vmar, thread;
};

// This thread's CPU: where everything started here runs unless pinned elsewhere.
static unsigned self_cpu;

static bool make_sibling(struct sibling *s, const char *name) {
  *s = (struct sibling){0, 0, 0};
  zx_status_t st = zx_process_create_shared(zx_process_self(), 0, name, strlen(name), &s->proc,
                                            &s->vmar);
  if (st == ZX_OK) st = zx_thread_create(s->proc, name, strlen(name), 0, &s->thread);
  if (st == ZX_OK) st = bench_pin(s->thread, self_cpu);
  CHECK("making a sibling", st);
  return st == ZX_OK;
}

// Starts the sibling's thread at fn(0, arg) in the window on stack i.
static bool start_sibling(struct sibling *s, void (*fn)(uintptr_t, uintptr_t), unsigned i,
                          uintptr_t arg) {
  zx_status_t st = zx_process_start(s->proc, s->thread, (uintptr_t)fn, stack_top(i),
                                    ZX_HANDLE_INVALID, arg);
  CHECK("starting a sibling", st);
  return st == ZX_OK;
}

// Waits for the process to die, closes the handles; its exit code (or -1).
static int64_t reap(zx_handle_t proc) {
  zx_info_process_t info = {0};
  if (zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL) != ZX_OK ||
      zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL) != ZX_OK)
    info.return_code = -1;
  if (info.return_code != 0) {
    bench_printf("bench-shared: a peer exited with %ld\n", (long)info.return_code);
    failed = true;
  }
  return info.return_code;
}

static void close_sibling(struct sibling *s) {
  zx_handle_close(s->thread);
  zx_handle_close(s->vmar);
  zx_handle_close(s->proc);
}

// Pins the sibling's thread (not started yet) to cpu instead.
static bool pin_sibling(struct sibling *s, unsigned cpu) {
  zx_status_t st = bench_pin(s->thread, cpu);
  CHECK("pinning a sibling", st);
  return st == ZX_OK;
}

// Spins (bench_relax) until *word == want; false if *peer_failed (may be NULL) is set
// first, or after SPIN_TIMEOUT_NS (the clock is read only every 64 Ki spins, so never
// in a wait that ends quickly).
static bool spin_until(volatile uint64_t *word, uint64_t want, volatile int *peer_failed) {
  zx_time_t deadline = 0;
  for (uint32_t spins = 1;; spins++) {
    if (__atomic_load_n(word, __ATOMIC_ACQUIRE) == want) return true;
    if (peer_failed && *peer_failed) return false;
    if ((spins & 0xffff) == 0) {
      zx_time_t now = zx_clock_get_monotonic();
      if (!deadline) deadline = now + SPIN_TIMEOUT_NS;
      else if (now > deadline) return false;
    }
    bench_relax();
  }
}

// --- yield round trips ------------------------------------------------------------------

// Both sides of a yield round trip run this loop; with exactly two runnable threads on
// the CPU, one yield is a switch to the other and back. The measuring side (samples !=
// NULL) stops after warmup + iters and raises *stop; the other side loops until then.
static volatile uint32_t yield_ready, yield_stop;

static void yield_loop(uint64_t *out, size_t iters, size_t warmup, volatile uint32_t *stop) {
  for (size_t i = 0; out ? i < warmup + iters : !*stop; i++) {
    uint64_t t0 = bench_now();
    bench_yield();
    uint64_t t1 = bench_now();
    if (out && i >= warmup) out[i - warmup] = bench_sample(t0, t1);
  }
  if (out) *stop = 1;
}

static void group_peer(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  yield_ready = 1;
  yield_loop(NULL, 0, 0, &yield_stop);
  zx_process_exit(0);
}

static void group_measurer(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  while (!yield_ready) bench_yield();
  yield_loop(samples, SWITCH_ITERS, SWITCH_WARMUP, &yield_stop);
  zx_process_exit(0);
}

// Two siblings of this group yield to each other: TTBR0 changes, TTBR1 (the window)
// stays. This thread waits for their deaths, so only they are runnable.
static bool shared_group_switch(void) {
  struct sibling peer, measurer;
  yield_ready = yield_stop = 0;
  if (!make_sibling(&peer, "yield-peer") || !make_sibling(&measurer, "yield-measurer"))
    return false;
  bool ok = start_sibling(&peer, group_peer, 0, 0) && start_sibling(&measurer, group_measurer, 1, 0);
  if (!ok) {
    zx_task_kill(peer.proc);
    zx_task_kill(measurer.proc);
  }
  ok = reap(measurer.proc) == 0 && ok;
  ok = reap(peer.proc) == 0 && ok;
  close_sibling(&peer);
  close_sibling(&measurer);
  if (ok) bench_report("shared-group-switch", samples, SWITCH_ITERS);
  return ok;
}

// The cross-group peer (a second copy of this program, prototype of its own group):
// yields until the first copy sets peer_stop in this copy's window.
static volatile uint32_t peer_ready, peer_stop;

static int cross_group_peer(void) {
  peer_ready = 1;
  yield_loop(NULL, 0, 0, &peer_stop);
  return 0;
}

// This thread (group 1) and the peer's first thread (group 2) yield to each other:
// TTBR0 and TTBR1 both change. No sibling is alive, so only the two are runnable.
static bool cross_group_switch(void) {
  zx_handle_t job = ZX_HANDLE_INVALID, peer = ZX_HANDLE_INVALID;
  zx_status_t st = zx_job_create(zx_job_default(), 0, &job);
  if (st == ZX_OK) st = zx_object_set_property(job, ZX_PROP_NAME, PEER_JOB, strlen(PEER_JOB));
  janus_launch_options_t o = JANUS_LAUNCH_OPTIONS_INIT;
  o.cpu = self_cpu;  // the peer's thread runs on this thread's CPU
  if (st == ZX_OK) st = janus_launch_bootfs_etc(job, janus_bootfs(), "bench-shared", &o, &peer);
  CHECK("launching the cross-group peer", st);
  if (st != ZX_OK) {
    zx_handle_close(job);
    return false;
  }
  uint32_t ready = 0, one = 1;
  size_t actual;
  zx_time_t deadline = zx_clock_get_monotonic() + 10000000000LL;
  while (!ready && st == ZX_OK && zx_clock_get_monotonic() < deadline) {
    bench_yield();
    st = zx_process_read_memory(peer, (uintptr_t)&peer_ready, &ready, sizeof ready, &actual);
  }
  if (ready) {
    yield_loop(samples, SWITCH_ITERS, SWITCH_WARMUP, &yield_stop);
    st = zx_process_write_memory(peer, (uintptr_t)&peer_stop, &one, sizeof one, &actual);
  } else {
    bench_printf("bench-shared: the cross-group peer did not start (%d)\n", (int)st);
  }
  if (!ready || st != ZX_OK) zx_task_kill(peer);
  bool ok = reap(peer) == 0 && ready;
  zx_handle_close(peer);
  zx_handle_close(job);
  if (ok) bench_report("cross-group-switch", samples, SWITCH_ITERS);
  return ok;
}

// --- restricted mode --------------------------------------------------------------------

// The vector: reads the counter first thing (the same isb; mrs; isb as bench_now), then
// goes back to the setjmp in restricted_loop. Normal mode's sp is restored by the
// kernel, so the C half may use the stack. zx_restricted_enter's context is t0.
struct restricted_ctx {
  jmp_buf back;
  uint64_t t0, t1, reason;
};
static struct restricted_ctx rctx;

void bench_restricted_vector(uintptr_t t0, uint64_t reason);
__attribute__((noreturn, used)) void bench_restricted_vector_c(uintptr_t t0, uint64_t reason,
                                                               uint64_t t1) {
  rctx.t0 = t0;
  rctx.t1 = t1;
  rctx.reason = reason;
  longjmp(rctx.back, 1);
}
__asm__(
    ".text\n"
    ".global bench_restricted_vector\n"
    ".type bench_restricted_vector, %function\n"
    ".p2align 2\n"
    "bench_restricted_vector:\n"
    "  isb\n"
    "  mrs x2, pmccntr_el0\n"
    "  isb\n"
    "  b bench_restricted_vector_c\n"
    ".size bench_restricted_vector, . - bench_restricted_vector\n");

struct restricted_job {
  uintptr_t pc;       // guest code: svc #0, or a load from GUEST_FAULT_ADDR
  uint64_t reason;    // the reason each round trip must come back with
  volatile int done;  // 1: measured, -1: failed
};

// This thread's bound restricted state, mapped so a sibling can reset pc without a
// syscall; the general registers start at 0. On failure: *done = -1, and the sibling
// exits.
struct mapped_state {
  zx_handle_t vmo;
  uintptr_t addr;
};

static volatile zx_restricted_state_t *bind_mapped_state(struct mapped_state *m,
                                                         volatile int *done) {
  m->vmo = ZX_HANDLE_INVALID;
  m->addr = 0;
  zx_status_t st = zx_restricted_bind_state(0, &m->vmo);
  if (st == ZX_OK)
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, m->vmo, 0, PAGE,
                     &m->addr);
  if (st != ZX_OK) {
    *done = -1;
    zx_process_exit(1);
  }
  volatile zx_restricted_state_t *state = (volatile zx_restricted_state_t *)m->addr;
  for (int i = 0; i < 31; i++) state->x[i] = 0;
  return state;
}

static void unbind_mapped_state(struct mapped_state *m) {
  zx_restricted_unbind_state(0);
  zx_vmar_unmap(zx_vmar_root_self(), m->addr, PAGE);
  zx_handle_close(m->vmo);
}

// Sibling thread: binds a state, maps it (so pc can be reset without a syscall), and
// enters restricted mode warmup + iters times; one sample per round trip.
static void restricted_loop(uintptr_t a, uintptr_t arg) {
  (void)a;
  struct restricted_job *job = (struct restricted_job *)arg;
  struct mapped_state mapped;
  volatile zx_restricted_state_t *state = bind_mapped_state(&mapped, &job->done);
  state->x[0] = GUEST_FAULT_ADDR;
  state->sp = GUEST_BASE + PAGE;
  state->cpsr = 0;
  for (size_t i = 0; i < RESTRICTED_WARMUP + RESTRICTED_ITERS; i++) {
    state->pc = job->pc;  // an svc leaves pc after it
    if (setjmp(rctx.back) == 0) {
      uint64_t t0 = bench_now();
      zx_restricted_enter(0, (uintptr_t)bench_restricted_vector, t0);
      job->done = -1;  // enter failed
      zx_process_exit(1);
    }
    if (rctx.reason != job->reason) {
      job->done = -1;
      zx_process_exit(1);
    }
    if (i >= RESTRICTED_WARMUP) samples[i - RESTRICTED_WARMUP] = bench_sample(rctx.t0, rctx.t1);
  }
  unbind_mapped_state(&mapped);
  job->done = 1;
  zx_process_exit(0);
}

// A sibling with a guest code page at GUEST_BASE runs restricted_loop.
static bool restricted_round_trip(const char *path, uint32_t insn, uint64_t reason) {
  struct sibling s;
  if (!make_sibling(&s, "restricted")) return false;
  zx_handle_t plain = ZX_HANDLE_INVALID, code = ZX_HANDLE_INVALID;
  uintptr_t guest = 0;
  size_t actual;
  zx_status_t st = zx_vmo_create(PAGE, 0, &plain);
  if (st == ZX_OK) st = zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &code);
  if (st == ZX_OK)
    st = zx_vmar_map(s.vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE,
                     GUEST_BASE - vmar_base(s.vmar), code, 0, PAGE, &guest);
  zx_handle_close(code);
  if (st == ZX_OK) st = zx_process_write_memory(s.proc, guest, &insn, sizeof insn, &actual);
  CHECK("mapping guest code", st);
  static struct restricted_job job;
  job = (struct restricted_job){.pc = guest, .reason = reason, .done = 0};
  bool ok = st == ZX_OK && start_sibling(&s, restricted_loop, 0, (uintptr_t)&job);
  if (!ok) zx_task_kill(s.proc);
  ok = reap(s.proc) == 0 && ok && job.done == 1;
  close_sibling(&s);
  if (ok) bench_report(path, samples, RESTRICTED_ITERS);
  return ok;
}

// zx_restricted_enter -> svc in restricted mode -> back at the vector.
static bool restricted_svc_round_trip(void) {
  return restricted_round_trip("restricted-svc-rt", INSN_SVC0, ZX_RESTRICTED_REASON_SYSCALL);
}
// zx_restricted_enter -> a load from an unmapped address -> back at the vector.
static bool restricted_fault_round_trip(void) {
  return restricted_round_trip("restricted-fault-rt", INSN_LDR_X1_X0, ZX_RESTRICTED_REASON_EXCEPTION);
}

// --- a kick across CPUs ----------------------------------------------------------------

// zx_restricted_kick from this thread (the kicker, on its CPU) to a sibling's thread
// pinned to another CPU and spinning in restricted mode, timed as a round trip on the
// kicker's own counter (the CPUs' counters need not agree): t0 just before the kick,
// t1 when the kicker sees the sibling's vector announce the round. Per round i:
//   sibling: state pc = guest, x1 = i; zx_restricted_enter(context i); the guest stores
//            i into its page (guest_flag) and spins (1: yield; b 1b);
//   kicker:  spins until guest_flag == i (the sibling runs restricted code), t0,
//            zx_restricted_kick, spins until kick_back == i, t1;
//   sibling: the kick's IPI takes it out of restricted mode to bench_kick_vector, which
//            stores its context (i) to kick_back, first thing, with a store-release,
//            then one YIELD (bench_relax: a no-op on the A72; under QEMU it ends that
//            vCPU's turn, so the sample does not run on into its next enter), and
//            goes back.
// The guest page is mapped in the sibling's TTBR0 (restricted mode) and, read-only, in
// the window, where the kicker watches guest_flag.
static volatile uint64_t kick_back;  // in the window: the round the vector came back from
static struct {
  jmp_buf back;
  uint64_t round, reason;
} kctx;

struct kick_job {
  uintptr_t pc, flag;  // guest code and the guest's flag word (restricted addresses)
  volatile int done;   // 1: all rounds, -1: failed
};

void bench_kick_vector(uintptr_t round, uint64_t reason);
__attribute__((noreturn, used)) void bench_kick_vector_c(uintptr_t round, uint64_t reason) {
  kctx.round = round;
  kctx.reason = reason;
  longjmp(kctx.back, 1);
}
__asm__(
    ".text\n"
    ".global bench_kick_vector\n"
    ".type bench_kick_vector, %function\n"
    ".p2align 2\n"
    "bench_kick_vector:\n"
    "  adrp x2, kick_back\n"
    "  add x2, x2, :lo12:kick_back\n"
    "  stlr x0, [x2]\n"
    "  yield\n"
    "  b bench_kick_vector_c\n"
    ".size bench_kick_vector, . - bench_kick_vector\n");

// The sibling's thread: rounds 1 .. warmup + iters, each ended by a kick.
static void kick_target(uintptr_t a, uintptr_t arg) {
  (void)a;
  struct kick_job *job = (struct kick_job *)arg;
  struct mapped_state mapped;
  volatile zx_restricted_state_t *state = bind_mapped_state(&mapped, &job->done);
  state->x[0] = job->flag;
  state->sp = GUEST_BASE + PAGE;
  state->cpsr = 0;
  for (uint64_t round = 1; round <= KICK_WARMUP + KICK_ITERS; round++) {
    state->pc = job->pc;
    state->x[1] = round;
    if (setjmp(kctx.back) == 0) {
      zx_restricted_enter(0, (uintptr_t)bench_kick_vector, round);
      job->done = -1;  // enter failed
      zx_process_exit(1);
    }
    if (kctx.reason != ZX_RESTRICTED_REASON_KICK || kctx.round != round) {
      job->done = -1;
      zx_process_exit(1);
    }
  }
  unbind_mapped_state(&mapped);
  job->done = 1;
  zx_process_exit(0);
}

static bool restricted_kick_latency(void) {
  unsigned cpus = bench_cpu_count(), self = bench_thread_cpu(zx_thread_self());
  if (cpus < 2 || self >= cpus) {
    bench_todo("restricted-kick-latency", "needs 2 CPUs");
    return true;
  }
  struct sibling s;
  if (!make_sibling(&s, "kick-target")) return false;
  const uint32_t guest_code[] = {INSN_STR_X1_X0, INSN_YIELD, INSN_B_BACK1};
  zx_handle_t plain = ZX_HANDLE_INVALID, code = ZX_HANDLE_INVALID;
  uintptr_t guest = 0, watch = 0;
  size_t actual;
  zx_status_t st = zx_vmo_create(PAGE, 0, &plain);
  if (st == ZX_OK) st = zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &code);
  if (st == ZX_OK)
    st = zx_vmar_map(s.vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE,
                     GUEST_BASE - vmar_base(s.vmar), code, 0, PAGE, &guest);
  if (st == ZX_OK)
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, code, 0, PAGE, &watch);
  zx_handle_close(code);
  if (st == ZX_OK)
    st = zx_process_write_memory(s.proc, guest, guest_code, sizeof guest_code, &actual);
  CHECK("mapping guest code", st);
  static struct kick_job job;
  job = (struct kick_job){.pc = guest, .flag = guest + GUEST_FLAG_OFFSET, .done = 0};
  kick_back = 0;
  bool ok = st == ZX_OK && pin_sibling(&s, (self + 1) % cpus) &&
            start_sibling(&s, kick_target, 0, (uintptr_t)&job);
  volatile uint64_t *guest_flag = (volatile uint64_t *)(watch + GUEST_FLAG_OFFSET);
  for (uint64_t round = 1; ok && round <= KICK_WARMUP + KICK_ITERS; round++) {
    ok = spin_until(guest_flag, round, &job.done);  // the sibling is in restricted mode
    if (!ok) break;
    uint64_t t0 = bench_now();
    st = zx_restricted_kick(s.thread, 0);
    ok = st == ZX_OK && spin_until(&kick_back, round, &job.done);
    uint64_t t1 = bench_now();
    if (round > KICK_WARMUP) samples[round - KICK_WARMUP - 1] = bench_sample(t0, t1);
  }
  if (!ok) {
    bench_printf("bench-shared: the kicked sibling stopped answering (kick %d, done %d)\n", (int)st,
                 job.done);
    zx_task_kill(s.proc);
  }
  ok = reap(s.proc) == 0 && ok && job.done == 1;
  if (watch) zx_vmar_unmap(zx_vmar_root_self(), watch, PAGE);
  close_sibling(&s);
  if (ok) bench_report("restricted-kick-latency", samples, KICK_ITERS);
  return ok;
}

// --- creating and tearing down siblings -------------------------------------------------

static void exit_now(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  zx_process_exit(0);
}

// One sample: zx_process_create_shared, zx_thread_create, zx_process_start at a window
// function that exits at once, the wait for ZX_PROCESS_TERMINATED, three closes. The
// pinning of the thread to this CPU between create and start is not timed.
static bool create_shared_teardown(void) {
  for (size_t i = 0; i < CREATE_WARMUP + CREATE_ITERS; i++) {
    zx_handle_t proc = ZX_HANDLE_INVALID, vmar = ZX_HANDLE_INVALID, thread = ZX_HANDLE_INVALID;
    uint64_t t0 = bench_now();
    zx_status_t st = zx_process_create_shared(zx_process_self(), 0, "t", 1, &proc, &vmar);
    if (st == ZX_OK) st = zx_thread_create(proc, "t", 1, 0, &thread);
    uint64_t t1 = bench_now();
    if (st == ZX_OK) st = bench_pin(thread, self_cpu);
    uint64_t t2 = bench_now();
    if (st == ZX_OK)
      st = zx_process_start(proc, thread, (uintptr_t)exit_now, stack_top(0), ZX_HANDLE_INVALID, 0);
    if (st == ZX_OK) st = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
    zx_handle_close(thread);
    zx_handle_close(vmar);
    zx_handle_close(proc);
    uint64_t t3 = bench_now();
    if (st != ZX_OK) {
      CHECK("create-shared-teardown", st);
      return false;
    }
    if (i >= CREATE_WARMUP) samples[i - CREATE_WARMUP] = bench_sample(t0, t1) + bench_sample(t2, t3);
  }
  bench_report("create-shared-teardown", samples, CREATE_ITERS);
  return true;
}

// --- one window page, mapped and unmapped with N siblings alive -------------------------

static volatile uintptr_t map_addr;
static volatile uint64_t touched;
static zx_futex_t release;

// A sibling: reads the page, says so, and sleeps until released.
static void toucher(uintptr_t a, uintptr_t b) {
  (void)a, (void)b;
  (void)*(volatile uint64_t *)map_addr;
  __atomic_add_fetch(&touched, 1, __ATOMIC_SEQ_CST);
  while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
    zx_futex_wait(&release, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  zx_process_exit(0);
}

// With N siblings alive (blocked, each having read the page at map_addr), one sample is
// zx_vmar_map (ZX_VM_SPECIFIC, the same address) + a write that faults the page in +
// zx_vmar_unmap, by this thread; only it is runnable.
static bool map_unmap_n(zx_handle_t vmo, unsigned n) {
  zx_handle_t root = zx_vmar_root_self();
  const uint32_t opts = ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE;
  const uintptr_t offset = map_addr - vmar_base(root);
  uintptr_t addr;
  zx_status_t st = zx_vmar_map(root, opts, offset, vmo, 0, PAGE, &addr);
  CHECK("mapping the page", st);
  if (st != ZX_OK) return false;
  *(volatile uint64_t *)addr = 1;
  static struct sibling sib[MAX_SIBLINGS];
  touched = 0;
  release = 0;
  unsigned started = 0;
  bool ok = true;
  for (; started < n && ok; started++)
    ok = make_sibling(&sib[started], "toucher") && start_sibling(&sib[started], toucher, started, 0);
  zx_time_t deadline = zx_clock_get_monotonic() + 10000000000LL;
  while (ok && touched < n && zx_clock_get_monotonic() < deadline) bench_yield();
  if (ok && touched < n) {
    bench_printf("bench-shared: %lu of %u siblings touched the page\n", (unsigned long)touched, n);
    ok = false;
  }
  if (ok) {
    st = zx_vmar_unmap(root, addr, PAGE);  // the one the siblings touched
    for (size_t i = 0; st == ZX_OK && i < MAP_WARMUP + MAP_ITERS; i++) {
      uint64_t t0 = bench_now();
      st = zx_vmar_map(root, opts, offset, vmo, 0, PAGE, &addr);
      if (st == ZX_OK) {
        *(volatile uint64_t *)addr = i;
        st = zx_vmar_unmap(root, addr, PAGE);
      }
      uint64_t t1 = bench_now();
      if (i >= MAP_WARMUP) samples[i - MAP_WARMUP] = bench_sample(t0, t1);
    }
    CHECK("map/unmap", st);
    ok = st == ZX_OK;
  }
  __atomic_store_n(&release, 1, __ATOMIC_RELEASE);
  zx_futex_wake(&release, UINT32_MAX);
  for (unsigned i = 0; i < started; i++) {
    if (!ok) zx_task_kill(sib[i].proc);
    if (reap(sib[i].proc) != 0 && ok) ok = false;
    close_sibling(&sib[i]);
  }
  if (ok) {
    char path[48];
    memcpy(path, "shared-map-unmap-N", 18);
    size_t len = 18;
    char digits[4];
    size_t d = 0;
    for (unsigned v = n; v; v /= 10) digits[d++] = (char)('0' + v % 10);
    while (d) path[len++] = digits[--d];
    memcpy(path + len, "-1cpu", 6);
    bench_report(path, samples, MAP_ITERS);
  }
  return ok;
}

// --- the same with readers on the other CPUs --------------------------------------------

// shared-map-unmap-Nk-4cpu: k - 1 siblings, pinned round robin to the other three CPUs,
// hold the page's translation in their CPUs' TLBs (each under its own ASID) when this
// thread unmaps it, so the unmap's broadcast invalidation (TLBI VAAE1IS) has entries to
// remove on every CPU. A reader must not touch the page while it is unmapped (the fault
// would kill it), so each round is a handshake through words in the window:
//   this thread: t0, map + write, t1; map_round = i (release), wake sleeping readers;
//                spin until every map_ack[r] == i (then a little more); t2, unmap, t3;
//                sample = (t1 - t0) + (t3 - t2)
//   reader r:    waits for a new map_round; on round i reads the page (its CPU walks
//                the tables and caches the entry), then map_ack[r] = i (release), and
//                waits again, never touching the page until the next round.
// A reader alone on its CPU (k = 4) waits spinning with YIELD. Readers that share a CPU
// spin a little, then sleep on a futex (this thread wakes them after the map), so the
// others on the CPU get to run; before the unmap this thread spins a little more
// (untimed), so that under QEMU, where virtual time is every vCPU's, the readers are
// asleep rather than on their way into the kernel while the unmap is timed. On
// hardware each CPU counts its own cycles, and sleeping CPUs keep their TLB entries.
// So the operations timed are the 1cpu path's (map, write, unmap), the handshake is not.
#define MAP_READERS_MAX (MAX_SIBLINGS - 1)
#define MAP_STOP UINT64_MAX
#define MAP_SPINS_BEFORE_SLEEP 64
#define MAP_SETTLE_SPINS 512
static volatile uint64_t map_round, map_ack[MAP_READERS_MAX];
static zx_futex_t map_round_futex;  // the low half of map_round, for sleeping readers

#define MAP_READER_SHARES_CPU (1u << 16)  // in map_reader's argument, above its index

static void map_reader(uintptr_t a, uintptr_t arg) {
  (void)a;
  const unsigned index = arg & (MAP_READER_SHARES_CPU - 1);
  const bool shares_cpu = arg & MAP_READER_SHARES_CPU;
  uint64_t seen = 0, round;
  for (;;) {
    unsigned spins = 0;
    while ((round = __atomic_load_n(&map_round, __ATOMIC_ACQUIRE)) == seen) {
      if (shares_cpu && ++spins >= MAP_SPINS_BEFORE_SLEEP) {
        zx_futex_wait(&map_round_futex, (zx_futex_t)seen, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
        spins = 0;
      } else {
        bench_relax();
      }
    }
    if (round == MAP_STOP) break;
    (void)*(volatile uint64_t *)map_addr;
    __atomic_store_n(&map_ack[index], round, __ATOMIC_RELEASE);
    seen = round;
  }
  zx_process_exit(0);
}

static void map_next_round(uint64_t round, bool shares_cpu) {
  __atomic_store_n(&map_round, round, __ATOMIC_RELEASE);
  if (!shares_cpu) return;
  __atomic_store_n(&map_round_futex, (zx_futex_t)round, __ATOMIC_RELEASE);
  zx_futex_wake(&map_round_futex, UINT32_MAX);
}

static bool map_unmap_all_cpus(zx_handle_t vmo, unsigned n, const char *path) {
  unsigned cpus = bench_cpu_count(), self = bench_thread_cpu(zx_thread_self());
  if (cpus != 4 || self >= cpus) {
    bench_todo(path, "needs 4 CPUs");
    return true;
  }
  const unsigned readers = n - 1;
  const bool shares_cpu = readers > cpus - 1;
  zx_handle_t root = zx_vmar_root_self();
  const uint32_t opts = ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE;
  const uintptr_t offset = map_addr - vmar_base(root);
  static struct sibling sib[MAP_READERS_MAX];
  map_round = 0;
  map_round_futex = 0;
  for (unsigned r = 0; r < readers; r++) map_ack[r] = 0;
  unsigned started = 0;
  bool ok = true;
  for (; started < readers && ok; started++)
    ok = make_sibling(&sib[started], "map-reader") &&
         pin_sibling(&sib[started], (self + 1 + started % (cpus - 1)) % cpus) &&
         start_sibling(&sib[started], map_reader, started,
                       started | (shares_cpu ? MAP_READER_SHARES_CPU : 0));
  zx_status_t st = ZX_OK;
  for (uint64_t i = 1; ok && i <= MAP_WARMUP + MAP_ITERS; i++) {
    uintptr_t addr;
    uint64_t t0 = bench_now();
    st = zx_vmar_map(root, opts, offset, vmo, 0, PAGE, &addr);
    if (st == ZX_OK) *(volatile uint64_t *)addr = i;
    uint64_t t1 = bench_now();
    if (st != ZX_OK) break;
    map_next_round(i, shares_cpu);
    for (unsigned r = 0; ok && r < readers; r++) ok = spin_until(&map_ack[r], i, NULL);
    if (!ok) {
      bench_printf("bench-shared: a map reader stopped answering in round %lu\n", (unsigned long)i);
      zx_vmar_unmap(root, addr, PAGE);
      break;
    }
    for (unsigned k = 0; shares_cpu && k < MAP_SETTLE_SPINS; k++) bench_relax();
    uint64_t t2 = bench_now();
    st = zx_vmar_unmap(root, addr, PAGE);
    uint64_t t3 = bench_now();
    if (i > MAP_WARMUP) samples[i - MAP_WARMUP - 1] = bench_sample(t0, t1) + bench_sample(t2, t3);
  }
  CHECK("map/unmap on 4 CPUs", st);
  ok = ok && st == ZX_OK;
  map_next_round(MAP_STOP, shares_cpu);
  for (unsigned r = 0; r < started; r++) {
    if (!ok) zx_task_kill(sib[r].proc);
    if (reap(sib[r].proc) != 0 && ok) ok = false;
    close_sibling(&sib[r]);
  }
  if (ok) bench_report(path, samples, MAP_ITERS);
  return ok;
}

static bool shared_window_map_unmap(void) {
  static const unsigned sizes[] = {1, 4, 16, 64};
  static const char *const paths_4cpu[] = {NULL, "shared-map-unmap-N4-4cpu",
                                           "shared-map-unmap-N16-4cpu", "shared-map-unmap-N64-4cpu"};
  zx_handle_t vmo;
  uintptr_t addr = 0;
  zx_status_t st = zx_vmo_create(PAGE, 0, &vmo);
  if (st == ZX_OK)
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, PAGE, &addr);
  if (st == ZX_OK) st = zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE);  // keep the address
  CHECK("placing the page", st);
  if (st != ZX_OK) return false;
  map_addr = addr;
  bool ok = true;
  for (size_t i = 0; ok && i < sizeof sizes / sizeof sizes[0]; i++) ok = map_unmap_n(vmo, sizes[i]);
  // On 4 CPUs k = 1 would be the 1cpu path again: nobody else holds the page.
  for (size_t i = 1; ok && i < sizeof sizes / sizeof sizes[0]; i++)
    ok = map_unmap_all_cpus(vmo, sizes[i], paths_4cpu[i]);
  zx_handle_close(vmo);
  return ok;
}

// --- kernel memory per sibling ----------------------------------------------------------

#define MEM_SIBLINGS (MAX_SIBLINGS - 1)
#define MEM_PAGE_ADDR 0x30000000UL  // in each sibling's own (TTBR0) space
static zx_futex_t mem_release;
static volatile uint64_t mem_touched;

// A sibling: writes its own page (committed and mapped now), says so, sleeps.
static void mem_sibling(uintptr_t a, uintptr_t page) {
  (void)a;
  *(volatile uint64_t *)page = 1;
  __atomic_add_fetch(&mem_touched, 1, __ATOMIC_SEQ_CST);
  while (!__atomic_load_n(&mem_release, __ATOMIC_ACQUIRE))
    zx_futex_wait(&mem_release, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  zx_process_exit(0);
}

static bool kmem(janus_info_kmem_stats_t *s) {
  zx_status_t st =
      zx_object_get_info(zx_job_default(), JANUS_INFO_KMEM_STATS, s, sizeof *s, NULL, NULL);
  CHECK("reading JANUS_INFO_KMEM_STATS", st);
  return st == ZX_OK;
}

// Kernel memory per zx_process_create_shared sibling with one thread (blocked on a
// futex) and one page of its own mapped and written: the page allocator's free bytes
// before and after MEM_SIBLINGS of them, less their data pages, per sibling; and the
// heap's, the slab caches' and the object count's share of it. One MEMORY line.
static bool memory_per_sibling(void) {
  static struct sibling sib[MEM_SIBLINGS];
  janus_info_kmem_stats_t before, after;
  mem_touched = 0;
  mem_release = 0;
  if (!kmem(&before)) return false;
  bool ok = true;
  unsigned n = 0;
  for (; n < MEM_SIBLINGS; n++) {
    struct sibling *s = &sib[n];
    if (!make_sibling(s, "mem")) break;
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    uintptr_t page = 0;
    zx_status_t st = zx_vmo_create(PAGE, 0, &vmo);
    if (st == ZX_OK)
      st = zx_vmar_map(s->vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE,
                       MEM_PAGE_ADDR - vmar_base(s->vmar), vmo, 0, PAGE, &page);
    zx_handle_close(vmo);
    CHECK("mapping a sibling's page", st);
    if (st != ZX_OK || !start_sibling(s, mem_sibling, n, page)) {
      close_sibling(s);  // never started: it goes with its handles
      break;
    }
  }
  ok = n == MEM_SIBLINGS;
  while (ok && mem_touched < n) bench_yield();
  if (ok && !kmem(&after)) ok = false;
  __atomic_store_n(&mem_release, 1, __ATOMIC_RELEASE);
  zx_futex_wake(&mem_release, UINT32_MAX);
  for (unsigned i = 0; i < n; i++) {
    if (reap(sib[i].proc) != 0) ok = false;
    close_sibling(&sib[i]);
  }
  if (!ok) return false;
  bench_memory_report("shared-sibling", n, &before, &after, (uint64_t)n * PAGE);
  return true;
}

static const struct {
  const char *path;
  bool (*measure)(void);
  const char *why;
} paths[] = {
    {"shared-group-switch", shared_group_switch, "failed (see above)"},
    {"cross-group-switch", cross_group_switch, "failed (see above)"},
    {"restricted-svc-rt", restricted_svc_round_trip, "failed (see above)"},
    {"restricted-fault-rt", restricted_fault_round_trip, "failed (see above)"},
    {"restricted-kick-latency", restricted_kick_latency, "failed (see above)"},
    {"create-shared-teardown", create_shared_teardown, "failed (see above)"},
    {"shared-map-unmap", shared_window_map_unmap, "failed (see above)"},
    {"memory-shared-sibling", memory_per_sibling, "failed (see above)"},
};

static bool is_cross_group_peer(void) {
  char name[ZX_MAX_NAME_LEN] = {0};
  return zx_object_get_property(zx_job_default(), ZX_PROP_NAME, name, sizeof name) == ZX_OK &&
         strcmp(name, PEER_JOB) == 0;
}

int main(void) {
  if (is_cross_group_peer()) return cross_group_peer();
  self_cpu = bench_thread_cpu(zx_thread_self());
  bench_header("bench-shared");
  zx_handle_t vmo;
  zx_status_t st = zx_vmo_create(MAX_SIBLINGS * STACK_SIZE, 0, &vmo);
  if (st == ZX_OK)
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                     MAX_SIBLINGS * STACK_SIZE, &stacks);
  zx_handle_close(vmo);
  CHECK("mapping sibling stacks", st);
  if (st != ZX_OK) return 1;
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (!paths[i].measure()) bench_todo(paths[i].path, paths[i].why);
  return failed ? 1 : 0;
}
