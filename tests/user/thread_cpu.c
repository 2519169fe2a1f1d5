// JANUS_PROP_THREAD_CPU: pinning a thread to a CPU before it starts. A pinned thread
// reports that CPU from inside and outside, a pinned process's first thread makes that
// CPU switch to its address space (the per-CPU ASID counters), and every documented
// error of zx_object_set_property / zx_object_get_property on the property.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#define PAGE 4096UL
#define MAX_CPUS 8
#define STACK_SIZE 16384

static uint8_t stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
static volatile uint32_t reported[MAX_CPUS];

static zx_status_t set_cpu(zx_handle_t thread, uint32_t cpu) {
  return zx_object_set_property(thread, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);
}

static uint32_t get_cpu(zx_handle_t thread) {
  uint32_t cpu = 0x12345678;
  EXPECT_EQ(zx_object_get_property(thread, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu), ZX_OK);
  return cpu;
}

// One record per CPU: how many CPUs there are, and how often each switched address space.
static size_t read_counters(janus_info_asid_counters_t counters[MAX_CPUS]) {
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, counters,
                               MAX_CPUS * sizeof counters[0], &actual, &avail),
            ZX_OK);
  return actual;
}

// A thread's own view: where it runs, as the kernel placed it. (zx_thread_self() names
// the program's first thread, so the thread gets its own handle as an argument.)
static void report_cpu(uintptr_t index, uintptr_t self) {
  uint32_t cpu = 0xdead;
  zx_object_get_property((zx_handle_t)self, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);
  reported[index] = cpu;
  zx_thread_exit();
}

static void wait_terminated(zx_handle_t task) {
  EXPECT_EQ(zx_object_wait_one(task, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
}

// Threads of this process pinned to each CPU in turn, and one that is not.
static void test_threads_pinned(size_t n) {
  for (uint32_t k = 0; k < n; k++) {
    zx_handle_t t;
    EXPECT_EQ(zx_thread_create(zx_process_self(), "pinned", 6, 0, &t), ZX_OK);
    EXPECT_EQ(get_cpu(t), JANUS_THREAD_CPU_ANY);  // the default: the kernel chooses
    EXPECT_EQ(set_cpu(t, (k + 1) % n), ZX_OK);    // may change its mind before the start
    EXPECT_EQ(set_cpu(t, k), ZX_OK);
    EXPECT_EQ(get_cpu(t), k);
    reported[k] = 0xffff;
    EXPECT_EQ(zx_thread_start(t, (uintptr_t)report_cpu, (uintptr_t)(stacks[k] + STACK_SIZE), k, t),
              ZX_OK);
    EXPECT_EQ(get_cpu(t), k);
    EXPECT_EQ(set_cpu(t, k), ZX_ERR_BAD_STATE);  // started: placement is decided
    wait_terminated(t);
    EXPECT_EQ(reported[k], k);
    EXPECT_EQ(get_cpu(t), k);  // dead: where it ran
    EXPECT_EQ(set_cpu(t, JANUS_THREAD_CPU_ANY), ZX_ERR_BAD_STATE);
    zx_handle_close(t);
  }
  // Pinned, then unpinned: the kernel chooses, and says what it chose.
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "unpinned", 8, 0, &t), ZX_OK);
  EXPECT_EQ(set_cpu(t, 0), ZX_OK);
  EXPECT_EQ(set_cpu(t, JANUS_THREAD_CPU_ANY), ZX_OK);
  EXPECT_EQ(get_cpu(t), JANUS_THREAD_CPU_ANY);
  reported[0] = 0xffff;
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)report_cpu, (uintptr_t)(stacks[0] + STACK_SIZE), 0, t),
            ZX_OK);
  wait_terminated(t);
  EXPECT_EQ(reported[0] < n, 1);
  EXPECT_EQ(get_cpu(t), reported[0]);
  zx_handle_close(t);
}

// A child process whose first thread is pinned to CPU k: zx_process_start honours the
// pin, and CPU k (idle otherwise) switches to the child's address space, which its ASID
// counters show. (The ASID=off build counts no switches; there only the report is checked.)
static void test_process_pinned(size_t n, uint32_t self_cpu) {
  const uint32_t code[] = {
      0xd2800000u,                                       // movz x0, #0
      0xd2800010u | (uint32_t)SYSNUM_process_exit << 5,  // movz x16, #process_exit
      0xd4000001u,                                       // svc #0
      0xd4200000u,                                       // brk #0 (not reached)
  };
  for (uint32_t k = 0; k < n; k++) {
    zx_handle_t proc, vmar, thread, plain, vmo;
    uintptr_t addr = 0;
    size_t actual = 0;
    EXPECT_EQ(zx_process_create(zx_job_default(), "pinned-child", 12, 0, &proc, &vmar), ZX_OK);
    EXPECT_EQ(zx_thread_create(proc, "pinned-child", 12, 0, &thread), ZX_OK);
    EXPECT_EQ(zx_vmo_create(PAGE, 0, &plain), ZX_OK);
    EXPECT_EQ(zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo), ZX_OK);
    EXPECT_EQ(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE, 0, vmo, 0,
                          PAGE, &addr), ZX_OK);
    zx_handle_close(vmo);
    EXPECT_EQ(zx_process_write_memory(proc, addr, code, sizeof code, &actual), ZX_OK);
    EXPECT_EQ(set_cpu(thread, k), ZX_OK);
    janus_info_asid_counters_t before[MAX_CPUS], after[MAX_CPUS];
    read_counters(before);
    EXPECT_EQ(zx_process_start(proc, thread, addr, addr + PAGE - 16, ZX_HANDLE_INVALID, 0), ZX_OK);
    EXPECT_EQ(get_cpu(thread), k);
    wait_terminated(proc);
    read_counters(after);
    zx_info_process_t info;
    memset(&info, 0, sizeof info);
    EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
    EXPECT_EQ(info.return_code, 0);
    if (k != self_cpu && before[k].asid_bits != 0)
      EXPECT_EQ(after[k].fast_switches + after[k].slow_switches >
                    before[k].fast_switches + before[k].slow_switches,
                1);
    zx_handle_close(thread);
    zx_handle_close(vmar);
    zx_handle_close(proc);
  }
}

static void test_errors(size_t n) {
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "errors", 6, 0, &t), ZX_OK);
  uint32_t cpu = 0;
  // Handles and rights.
  EXPECT_EQ(zx_object_set_property(0x10000003, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_get_property(0x10000003, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_set_property(zx_process_self(), JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_property(zx_process_self(), JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_set_property(zx_job_default(), JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(t, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHTS_PROPERTY, &weak), ZX_OK);
  EXPECT_EQ(zx_object_set_property(weak, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_get_property(weak, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_handle_duplicate(t, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_SET_PROPERTY, &weak), ZX_OK);
  EXPECT_EQ(set_cpu(weak, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(get_cpu(weak), JANUS_THREAD_CPU_ANY);  // reading needs only GET_PROPERTY
  zx_handle_close(weak);
  // The value: its size, its pointer, its range.
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu, 3), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu, 0), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_object_get_property(t, JANUS_PROP_THREAD_CPU, &cpu, 3), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, NULL, sizeof cpu), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_property(t, JANUS_PROP_THREAD_CPU, NULL, sizeof cpu), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, (void *)0xffff800040200000UL, sizeof cpu),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_property(t, JANUS_PROP_THREAD_CPU, (void *)0xffff800040200000UL, sizeof cpu),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(set_cpu(t, (uint32_t)n), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(set_cpu(t, MAX_CPUS), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(set_cpu(t, 0xfffffffe), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(get_cpu(t), JANUS_THREAD_CPU_ANY);  // no failed call changed it
  // A wider value is fine: the first four bytes count.
  uint64_t wide = n - 1;
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &wide, sizeof wide), ZX_OK);
  EXPECT_EQ(get_cpu(t), n - 1);
  // A thread that was killed before it started can never start: nothing to place.
  EXPECT_EQ(zx_task_kill(t), ZX_OK);
  EXPECT_EQ(set_cpu(t, 0), ZX_ERR_BAD_STATE);
  zx_handle_close(t);
  // A running thread: this one.
  EXPECT_EQ(set_cpu(zx_thread_self(), 0), ZX_ERR_BAD_STATE);
}

int main(void) {
  janus_info_asid_counters_t counters[MAX_CPUS];
  size_t n = read_counters(counters);
  EXPECT_EQ(n >= 1 && n <= MAX_CPUS, 1);
  if (n < 1 || n > MAX_CPUS) return failures;
  uint32_t self_cpu = get_cpu(zx_thread_self());
  EXPECT_EQ(self_cpu < n, 1);
  test_threads_pinned(n);
  test_process_pinned(n, self_cpu);
  test_errors(n);
  printf("thread_cpu: %u CPUs, this thread on CPU %u, %d checks, %d failures\n", (unsigned)n,
         (unsigned)self_cpu, checks, failures);
  return failures;
}
