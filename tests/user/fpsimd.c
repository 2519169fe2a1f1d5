// FP/SIMD state across switches (the kernel switches it lazily: arch/arm64/thread.c):
// each thread's 32 vector registers survive many yields among threads that use
// FP/SIMD and threads that do not, and a new thread starts with zeroed registers,
// never another thread's values.
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define FP_THREADS 8      // two per CPU with four CPUs: they share CPUs with each other
#define PLAIN_THREADS 4   // yield without touching FP/SIMD
#define YIELDS 200
#define STACK_SIZE 8192

static uint8_t stacks[FP_THREADS + PLAIN_THREADS + 1][STACK_SIZE] __attribute__((aligned(16)));
static uint64_t seen[FP_THREADS][32][2];
static volatile uint32_t finished;

// Fills v0-v31 with seed + n (both lanes of vN), yields `yields` times with raw
// svcs (no C code in between could spill or reuse the registers), then stores
// v0-v31 to out.
static void fill_yield_store(uint64_t seed, uint64_t yields, uint64_t out[32][2]) {
  __asm__ volatile(
      ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
      "  add x9, %[seed], #\\n\n"
      "  dup v\\n\\().2d, x9\n"
      ".endr\n"
      "1:\n"
      "  mov x0, #0\n"
      "  mov x16, %[nanosleep]\n"
      "  svc #0\n"
      "  subs %[yields], %[yields], #1\n"
      "  b.ne 1b\n"
      ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
      "  str q\\n, [%[out], #16 * \\n]\n"
      ".endr\n"
      : [yields] "+r"(yields)
      : [seed] "r"(seed), [out] "r"(out), [nanosleep] "i"(SYSNUM_nanosleep)
      : "x0", "x16", SVC_CLOBBERS, "cc", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",
        "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",
        "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}

static void fp_thread(uintptr_t index, uintptr_t unused) {
  (void)unused;
  fill_yield_store(0x1000 * (index + 1), YIELDS, seen[index]);
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
  zx_thread_exit();
}

static void plain_thread(uintptr_t unused_a, uintptr_t unused_b) {
  (void)unused_a, (void)unused_b;
  for (int i = 0; i < YIELDS; i++) zx_nanosleep(0);
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
  zx_thread_exit();
}

static void start(void (*entry)(uintptr_t, uintptr_t), uintptr_t arg, int slot) {
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "fp", 2, 0, &t), ZX_OK);
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)entry, (uintptr_t)(stacks[slot] + STACK_SIZE), arg, 0),
            ZX_OK);
  zx_handle_close(t);
}

static void wait_finished(uint32_t n) {
  while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < n) zx_nanosleep(0);
}

static void test_vector_registers_survive_switches(void) {
  finished = 0;
  for (int i = 0; i < FP_THREADS; i++) start(fp_thread, (uintptr_t)i, i);
  for (int i = 0; i < PLAIN_THREADS; i++) start(plain_thread, 0, FP_THREADS + i);
  wait_finished(FP_THREADS + PLAIN_THREADS);
  int wrong = 0;
  for (int i = 0; i < FP_THREADS; i++)
    for (int n = 0; n < 32; n++) {
      uint64_t want = 0x1000 * (uint64_t)(i + 1) + (uint64_t)n;
      if (seen[i][n][0] != want || seen[i][n][1] != want) {
        if (wrong++ < 8)
          printf("  thread %d: v%d = %#lx:%#lx, want %#lx\n", i, n, (unsigned long)seen[i][n][1],
                 (unsigned long)seen[i][n][0], (unsigned long)want);
      }
    }
  EXPECT_EQ(wrong, 0);
}

// A new thread's first instructions: store v0-v31, FPSR and FPCR, then exit. No C
// code runs before, so nothing of this program could have set them.
static uint64_t fresh[34][2];
__attribute__((used)) static const uint64_t thread_exit_number = SYSNUM_thread_exit;
void fresh_thread_entry(void);
__asm__(
    ".global fresh_thread_entry\n"
    "fresh_thread_entry:\n"
    "  adrp x9, fresh\n"
    "  add x9, x9, :lo12:fresh\n"
    ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "  str q\\n, [x9, #16 * \\n]\n"
    ".endr\n"
    "  mrs x10, fpsr\n"
    "  str x10, [x9, #16 * 32]\n"
    "  mrs x10, fpcr\n"
    "  str x10, [x9, #16 * 33]\n"
    "  adrp x10, thread_exit_number\n"
    "  ldr x16, [x10, :lo12:thread_exit_number]\n"
    "  svc #0\n");  // zx_thread_exit

static void test_new_thread_starts_with_zeroed_registers(void) {
  memset(fresh, 0xa5, sizeof fresh);
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "fresh", 5, 0, &t), ZX_OK);
  // This thread's own registers hold nonzero values while the new one starts.
  __asm__ volatile("movi v0.16b, #0x5a\n movi v31.16b, #0x5a" ::: "v0", "v31");
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)fresh_thread_entry,
                            (uintptr_t)(stacks[FP_THREADS + PLAIN_THREADS] + STACK_SIZE), 0, 0),
            ZX_OK);
  zx_signals_t observed = 0;
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &observed), ZX_OK);
  zx_handle_close(t);
  int nonzero = 0;
  for (int n = 0; n < 34; n++) nonzero += fresh[n][0] != 0 || (n < 32 && fresh[n][1] != 0);
  EXPECT_EQ(nonzero, 0);
}

int main(void) {
  test_vector_registers_survive_switches();
  test_new_thread_starts_with_zeroed_registers();
  printf("fpsimd: %d failures\n", failures);
  return failures;
}
