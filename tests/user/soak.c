// The random-syscall soak: worker threads pinned to every CPU share a pool of live
// objects of every type (events, VMOs, jobs, processes unstarted and running, their
// VMARs and threads) and apply operations chosen to be valid most of the time, while
// the others close those handles, kill those processes and replace those mappings
// underneath. Every status is counted; most calls must succeed. At the end the pool
// is emptied and the kernel's own counts (JANUS_INFO_KMEM_STATS: unused pages, live
// objects, ASIDs) must be what they were before.
//
// Seeded: each worker draws from its own stream of the seed, so a run's operations are
// reproducible from the seed it prints; under `make soak` (QEMU -icount) the
// interleaving is too. `make test` runs SOAK_OPS operations per worker; `make soak`
// runs for SOAK_SECONDS of (virtual) time with a fresh seed (SOAK_SEED=... repeats one).
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#ifndef SOAK_SEED
#define SOAK_SEED 0x736f616bull
#endif
#ifndef SOAK_OPS
#define SOAK_OPS 2500  // per worker; 0: run for SOAK_SECONDS instead
#endif
#ifndef SOAK_SECONDS
#define SOAK_SECONDS 0
#endif

#define PAGE 4096ull
#define MAX_CPUS 8
#define STACK_SIZE 16384
#define POOL 96
#define VMAR_SPAN (64 * PAGE)  // child mappings live in the first VMAR_SPAN of its VMAR

enum kind { EMPTY, EVENT, VMO, JOB, PROC, VMAR, THREAD, KINDS };

// A slot holds kind << 32 | handle; whoever swaps it out owns the handle.
static uint64_t pool[POOL];
static uint8_t stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
static volatile int stop;
static const uint64_t soak_ops = SOAK_OPS;  // a variable: SOAK_OPS may be 0
static uint64_t started;                    // processes started
static zx_handle_t code_vmo;                // executable: the loop a running child runs
static zx_handle_t soak_job;                // every job and process of the soak is in its tree

struct worker_stats {
  uint64_t calls, ok;
  uint64_t by_status[32];  // -status, for statuses down to -31
  uint64_t other;          // statuses outside that range: a bug
} stats[MAX_CPUS];

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static zx_status_t note(struct worker_stats *st, zx_status_t s) {
  st->calls++;
  if (s == ZX_OK) st->ok++;
  else if (s < 0 && s > -32) st->by_status[-s]++;
  else st->other++;
  return s;
}

static uint64_t pack(enum kind k, zx_handle_t h) { return (uint64_t)k << 32 | h; }
static enum kind kind_of(uint64_t v) { return (enum kind)(v >> 32); }
static zx_handle_t handle_of(uint64_t v) { return (zx_handle_t)v; }

// Puts h into an empty slot near i; closes it when there is none (the pool is full).
static void put(struct worker_stats *st, unsigned i, enum kind k, zx_handle_t h) {
  for (unsigned n = 0; n < 8; n++) {
    uint64_t expected = 0;
    if (__atomic_compare_exchange_n(&pool[(i + n) % POOL], &expected, pack(k, h), false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      return;
  }
  note(st, zx_handle_close(h));
}

// Another slot's handle of kind k (without taking it), or ZX_HANDLE_INVALID.
static zx_handle_t peek(uint64_t *rng, enum kind k) {
  for (unsigned n = 0; n < 8; n++) {
    uint64_t v = __atomic_load_n(&pool[splitmix(rng) % POOL], __ATOMIC_ACQUIRE);
    if (kind_of(v) == k) return handle_of(v);
  }
  return ZX_HANDLE_INVALID;
}

// A new child process, sometimes in a new job; its VMAR and a thread go into the pool
// too. Sometimes it is started: its thread sleeps forever in a loop of four
// instructions mapped from code_vmo.
static void make_process(struct worker_stats *st, uint64_t *rng, unsigned i) {
  zx_handle_t job = peek(rng, JOB);
  if (job == ZX_HANDLE_INVALID) job = soak_job;
  zx_handle_t proc, vmar, thread;
  if (note(st, zx_process_create(job, "soak", 4, 0, &proc, &vmar)) != ZX_OK) return;
  if (note(st, zx_thread_create(proc, "soak", 4, 0, &thread)) != ZX_OK) thread = ZX_HANDLE_INVALID;
  zx_vaddr_t code = 0;
  if (thread != ZX_HANDLE_INVALID && splitmix(rng) % 2 &&
      note(st, zx_vmar_map(vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, VMAR_SPAN,
                           code_vmo, 0, PAGE, &code)) == ZX_OK) {
    uint32_t cpu = (uint32_t)(splitmix(rng) % 4);
    zx_object_set_property(thread, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);  // may be out of range
    if (note(st, zx_process_start(proc, thread, code, code + PAGE, ZX_HANDLE_INVALID, 0)) == ZX_OK)
      __atomic_fetch_add(&started, 1, __ATOMIC_RELAXED);
  }
  put(st, i, PROC, proc);
  put(st, i + 1, VMAR, vmar);
  if (thread != ZX_HANDLE_INVALID) put(st, i + 2, THREAD, thread);
}

static void create(struct worker_stats *st, uint64_t *rng, unsigned i) {
  zx_handle_t h;
  switch (splitmix(rng) % 5) {
    case 0:
      if (note(st, zx_event_create(0, &h)) == ZX_OK) put(st, i, EVENT, h);
      break;
    case 1:
    case 2: {
      uint64_t size = (1 + splitmix(rng) % 8) * PAGE;
      uint32_t options = splitmix(rng) % 2 ? ZX_VMO_RESIZABLE : 0;
      if (note(st, zx_vmo_create(size, options, &h)) == ZX_OK) put(st, i, VMO, h);
      break;
    }
    case 3: {
      zx_handle_t parent = peek(rng, JOB);
      if (note(st, zx_job_create(parent ? parent : soak_job, 0, &h)) == ZX_OK) put(st, i, JOB, h);
    } break;
    default:
      make_process(st, rng, i);
      break;
  }
}

// One operation valid for a handle of kind k (which may be closed underneath us).
static void operate(struct worker_stats *st, uint64_t *rng, enum kind k, zx_handle_t h,
                    unsigned i) {
  uint64_t r = splitmix(rng);
  uint8_t buf[256] = {0};
  zx_handle_t out;
  switch ((r >> 8) % 4) {  // what every object takes
    case 0: {
      zx_info_handle_basic_t info;
      note(st, zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL));
      return;
    }
    case 1:
      if (note(st, zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &out)) == ZX_OK)
        put(st, i + 7, k, out);
      return;
    default:
      break;
  }
  switch (k) {
    case EVENT:
      if (r % 2) note(st, zx_object_signal(h, 0, ZX_USER_SIGNAL_0 << (r >> 16) % 8));
      else note(st, zx_object_signal(h, ZX_USER_SIGNAL_ALL, 0));
      break;
    case VMO: {
      uint64_t off = (r >> 16) % (8 * PAGE);
      size_t len = 1 + (r >> 32) % sizeof buf;
      switch ((r >> 40) % 4) {
        case 0:
          note(st, zx_vmo_write(h, buf, off, len));
          break;
        case 1:
          note(st, zx_vmo_read(h, buf, off, len));
          break;
        case 2:
          note(st, zx_vmo_set_size(h, (1 + (r >> 48) % 8) * PAGE));
          break;
        default: {
          uint64_t size;
          note(st, zx_vmo_get_size(h, &size));
        }
      }
      break;
    }
    case JOB:
      if ((r >> 16) % 16 == 0) note(st, zx_task_kill(h));  // its processes die with it
      else make_process(st, rng, i);
      break;
    case PROC:
      if ((r >> 16) % 4 == 0) {
        note(st, zx_task_kill(h));
      } else {
        zx_info_process_t info;
        note(st, zx_object_get_info(h, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL));
      }
      break;
    case VMAR: {
      // Mappings are made over each other (ZX_VM_SPECIFIC_OVERWRITE), unmapped and
      // protected at random pages of the first VMAR_SPAN, whoever else is there.
      uint64_t off = ((r >> 16) % 60) * PAGE, len = (1 + (r >> 24) % 4) * PAGE;
      zx_handle_t vmo = peek(rng, VMO);
      zx_vaddr_t addr;
      zx_info_vmar_t info = {0};
      switch ((r >> 40) % 4) {
        case 0:
        case 1:
          note(st, zx_vmar_map(h, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC_OVERWRITE,
                               off, vmo, 0, len, &addr));
          break;
        case 2:
          if (note(st, zx_object_get_info(h, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL)) ==
              ZX_OK)
            note(st, zx_vmar_unmap(h, info.base + off, len));
          break;
        default:
          if (note(st, zx_object_get_info(h, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL)) ==
              ZX_OK)
            note(st, zx_vmar_protect(h, ZX_VM_PERM_READ, info.base + off, len));
          break;
      }
      break;
    }
    case THREAD:
      if ((r >> 16) % 4 == 0) {
        note(st, zx_task_kill(h));
      } else {
        char name[ZX_MAX_NAME_LEN] = "soak-thread";
        note(st, zx_object_set_property(h, ZX_PROP_NAME, name, strlen(name)));
      }
      break;
    default:
      break;
  }
}

static void step(struct worker_stats *st, uint64_t *rng) {
  unsigned i = (unsigned)(splitmix(rng) % POOL);
  uint64_t v = __atomic_load_n(&pool[i], __ATOMIC_ACQUIRE);
  if (kind_of(v) == EMPTY) {
    create(st, rng, i);
  } else if (splitmix(rng) % 8 == 0) {  // close it, if nobody else got there first
    if (__atomic_compare_exchange_n(&pool[i], &v, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      note(st, zx_handle_close(handle_of(v)));
  } else {
    operate(st, rng, kind_of(v), handle_of(v), i);
  }
}

static void worker(uintptr_t index, uintptr_t unused) {
  (void)unused;
  struct worker_stats *st = &stats[index];
  uint64_t rng = SOAK_SEED * 0x100000001b3ull + index;
  for (uint64_t n = 0; soak_ops ? n < soak_ops : !stop; n++) step(st, &rng);
  zx_thread_exit();
}

static size_t cpu_count(void) {
  janus_info_asid_counters_t c[MAX_CPUS];
  size_t actual = 0;
  zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, c, sizeof c, &actual, NULL);
  return actual ? actual : 1;
}

struct counts {
  uint64_t unused_pages, objects, asids;
};

static bool leaked(struct counts before, struct counts after) {
  return after.objects > before.objects || after.asids > before.asids ||
         after.unused_pages < before.unused_pages;
}

static struct counts kernel_counts(void) {
  janus_info_kmem_stats_t s = {0};
  kernel_record(JANUS_INFO_KMEM_STATS, &s, sizeof s);
  // What kmem_unused_pages() adds up in the kernel (core/vm/kmem.c).
  return (struct counts){
      (s.free_bytes + s.heap_bytes + s.mmu_overhead_bytes + s.free_slab_bytes) / PAGE,
      s.live_objects, s.asids_in_use};
}

// Empties the pool: the soak's job tree is killed (running processes whose handles
// were closed keep running until then, as in Zircon) and waited for; every handle is
// closed.
static void drain(void) {
  zx_time_t start = zx_clock_get_monotonic();
  EXPECT_EQ(zx_task_kill(soak_job), ZX_OK);
  zx_time_t killed = zx_clock_get_monotonic();
  EXPECT_EQ(zx_object_wait_one(soak_job, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  printf("soak: job tree killed in %lld ms, gone %lld ms later\n",
         (long long)(killed - start) / 1000000,
         (long long)(zx_clock_get_monotonic() - killed) / 1000000);
  for (unsigned i = 0; i < POOL; i++) {
    uint64_t v = __atomic_exchange_n(&pool[i], 0, __ATOMIC_ACQ_REL);
    if (kind_of(v) != EMPTY) EXPECT_EQ(zx_handle_close(handle_of(v)), ZX_OK);
  }
}

int main(void) {
  size_t cpus = cpu_count();
  if (cpus > MAX_CPUS) cpus = MAX_CPUS;
  printf("soak: seed 0x%llx, %lu workers, %s %d\n", (unsigned long long)SOAK_SEED,
         (unsigned long)cpus, SOAK_OPS ? "operations each" : "seconds",
         SOAK_OPS ? SOAK_OPS : SOAK_SECONDS);
  // Everything this process itself will hold is made before the first count: its
  // stacks committed, its handle table grown past what the pool needs, the code VMO.
  memset(stacks, 0, sizeof stacks);
  zx_handle_t grow[POOL * 4 + 64];
  zx_handle_t ev;
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  for (size_t i = 0; i < sizeof grow / sizeof grow[0]; i++)
    EXPECT_EQ(zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &grow[i]), ZX_OK);
  for (size_t i = 0; i < sizeof grow / sizeof grow[0]; i++) zx_handle_close(grow[i]);
  zx_handle_close(ev);
  const uint32_t loop[] = {
      0x92f00000u,                                    // movn x0, #0x8000, lsl #48: ZX_TIME_INFINITE
      0xd2800010u | (uint32_t)SYSNUM_nanosleep << 5,  // movz x16, #nanosleep
      0xd4000001u,                                    // svc #0
      0x17fffffdu,                                    // b loop
  };
  zx_handle_t plain;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &plain), ZX_OK);
  EXPECT_EQ(zx_vmo_write(plain, loop, 0, sizeof loop), ZX_OK);
  EXPECT_EQ(zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &code_vmo), ZX_OK);
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &soak_job), ZX_OK);
  struct counts before = kernel_counts();

  zx_handle_t threads[MAX_CPUS];
  for (size_t i = 0; i < cpus; i++) {
    uint32_t cpu = (uint32_t)i;
    EXPECT_EQ(zx_thread_create(zx_process_self(), "soak", 4, 0, &threads[i]), ZX_OK);
    EXPECT_EQ(zx_object_set_property(threads[i], JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu), ZX_OK);
    EXPECT_EQ(
        zx_thread_start(threads[i], (uintptr_t)worker, (uintptr_t)(stacks[i] + STACK_SIZE), i, 0),
        ZX_OK);
  }
  if (!SOAK_OPS) {
    zx_nanosleep(zx_clock_get_monotonic() + (zx_time_t)SOAK_SECONDS * 1000000000);
    stop = 1;
  }
  for (size_t i = 0; i < cpus; i++) {
    EXPECT_EQ(zx_object_wait_one(threads[i], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
    zx_handle_close(threads[i]);
  }
  drain();

  struct worker_stats all = {0};
  for (size_t i = 0; i < cpus; i++) {
    all.calls += stats[i].calls;
    all.ok += stats[i].ok;
    all.other += stats[i].other;
    for (int s = 0; s < 32; s++) all.by_status[s] += stats[i].by_status[s];
  }
  printf("soak: %llu processes started\n", (unsigned long long)started);
  printf("soak: %llu calls, %llu ZX_OK (%llu%%)", (unsigned long long)all.calls,
         (unsigned long long)all.ok,
         (unsigned long long)(all.calls ? all.ok * 100 / all.calls : 0));
  for (int s = 1; s < 32; s++)
    if (all.by_status[s]) printf(", %llu x %d", (unsigned long long)all.by_status[s], -s);
  printf("\n");
  EXPECT_EQ(all.other, 0);               // only statuses the ABI knows
  EXPECT_EQ(all.ok * 2 > all.calls, 1);  // most calls succeed

  // Dead processes finish dying on their own CPUs: wait for the counts to settle. A leak
  // is more objects or ASIDs, or fewer unused pages, than before; fewer objects is fine
  // (before may have counted something of the previous program's that was still dying).
  struct counts after = kernel_counts();
  for (int tries = 0; tries < 20000 && leaked(before, after); tries++) {
    zx_nanosleep(after_ms(1));
    after = kernel_counts();
  }
  printf("soak: before %llu unused pages, %llu objects, %llu ASIDs; after %llu, %llu, %llu\n",
         (unsigned long long)before.unused_pages, (unsigned long long)before.objects,
         (unsigned long long)before.asids, (unsigned long long)after.unused_pages,
         (unsigned long long)after.objects, (unsigned long long)after.asids);
  EXPECT_EQ(after.objects <= before.objects, 1);
  EXPECT_EQ(after.asids <= before.asids, 1);
  EXPECT_EQ(after.unused_pages >= before.unused_pages, 1);
  zx_handle_close(soak_job);
  zx_handle_close(code_vmo);
  return failures;
}
