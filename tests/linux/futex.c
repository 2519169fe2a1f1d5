// FUTEX_WAIT and FUTEX_WAKE as the personality answers them before it saves the FP/SIMD
// registers (user/linux/futex.c): the word compared where it lies (EAGAIN, EFAULT for an
// unmapped or PROT_NONE word, a page never touched reads 0), bitsets, a signal that
// interrupts a wait (EINTR, or the wait goes on after an SA_RESTART handler), and the
// waiter's vector registers, which must survive the sleep while its waker uses its own.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

static long futex(volatile uint32_t *w, int op, uint32_t val, uint32_t bitset) {
  return syscall(SYS_futex, w, op, val, NULL, NULL, bitset);
}

// Wakes w (op, bitset) until one waiter is woken: the other side said it is about to
// wait, but may not sleep yet.
static long wake_one(volatile uint32_t *w, int op, uint32_t bitset) {
  long n;
  while ((n = futex(w, op, 1, bitset)) == 0) sched_yield();
  return n;
}

struct page {
  volatile uint32_t word, ready, done, handled;
  volatile long result, error;
};

static struct page *page;
static void on_usr1(int sig) {
  (void)sig;
  page->handled++;
}

// A child waits on page->word (0); the parent sends SIGUSR1 (handler flags) until the
// child's wait ends or, with SA_RESTART, three handlers ran; then wakes it.
static void interrupted_wait(int flags) {
  struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = flags};
  CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
  *page = (struct page){0};
  pid_t pid = fork();
  if (pid == 0) {
    page->ready = 1;
    long r = futex(&page->word, FUTEX_WAIT, 0, 0);
    page->error = r ? errno : 0;
    page->result = r;
    page->done = 1;
    _exit(0);
  }
  while (!page->ready) sched_yield();
  while (!page->done && !((flags & SA_RESTART) && page->handled >= 3)) {
    kill(pid, SIGUSR1);
    sched_yield();
  }
  if (flags & SA_RESTART) {
    CHECK_EQ(page->done, 0);  // three handlers ran, and the wait goes on
    page->word = 1;
    while (!page->done) {
      futex(&page->word, FUTEX_WAKE, 1, 0);
      sched_yield();
    }
    // 0, or EAGAIN: the word changed while a handler ran, before the wait began again.
    CHECK(page->result == 0 || page->error == EAGAIN);
  } else {
    CHECK_EQ(page->result, -1);
    CHECK_EQ(page->error, EINTR);
  }
  int status;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// FP/SIMD: the waiter loads q0-q31, FPCR's rounding mode and FPSR's flags, then waits
// (svc in the same asm, so nothing in between touches them) and stores them afterwards.
static volatile uint32_t fp_word;
static volatile int fp_ready, fp_done;

static void *fp_waker(void *arg) {
  (void)arg;
  while (!fp_ready) sched_yield();
  volatile double x = 1.0;  // this thread's own vector registers and flags
  for (int i = 0; i < 1000; i++) x = x * 1.0000001 + 0.5;
  char a[256], b[256];
  memset(a, (int)x, sizeof a);
  memcpy(b, a, sizeof b);
  fp_word = 1;
  while (!fp_done) {
    futex(&fp_word, FUTEX_WAKE_PRIVATE, 1, 0);
    sched_yield();
  }
  return NULL;
}

static void fp_survives_wait(void) {
  uint64_t in[64], out[64];
  for (int i = 0; i < 64; i++) in[i] = 0x0123456789abcdefull * (uint64_t)(i + 1);
  uint64_t fpcr_in = 3ull << 22, fpsr_in = 0x1f, fpcr_out = 0, fpsr_out = 0;  // RZ; the flags
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, fp_waker, NULL), 0);
  fp_ready = 1;
  register long x0 __asm__("x0") = (long)&fp_word;
  register long x1 __asm__("x1") = FUTEX_WAIT_PRIVATE;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x8 __asm__("x8") = SYS_futex;
  __asm__ volatile(
      "ldp q0, q1, [%[in], #0]\n ldp q2, q3, [%[in], #32]\n ldp q4, q5, [%[in], #64]\n"
      "ldp q6, q7, [%[in], #96]\n ldp q8, q9, [%[in], #128]\n ldp q10, q11, [%[in], #160]\n"
      "ldp q12, q13, [%[in], #192]\n ldp q14, q15, [%[in], #224]\n"
      "ldp q16, q17, [%[in], #256]\n ldp q18, q19, [%[in], #288]\n"
      "ldp q20, q21, [%[in], #320]\n ldp q22, q23, [%[in], #352]\n"
      "ldp q24, q25, [%[in], #384]\n ldp q26, q27, [%[in], #416]\n"
      "ldp q28, q29, [%[in], #448]\n ldp q30, q31, [%[in], #480]\n"
      "msr fpcr, %[fpcr_in]\n msr fpsr, %[fpsr_in]\n"
      "svc #0\n"
      "stp q0, q1, [%[out], #0]\n stp q2, q3, [%[out], #32]\n stp q4, q5, [%[out], #64]\n"
      "stp q6, q7, [%[out], #96]\n stp q8, q9, [%[out], #128]\n stp q10, q11, [%[out], #160]\n"
      "stp q12, q13, [%[out], #192]\n stp q14, q15, [%[out], #224]\n"
      "stp q16, q17, [%[out], #256]\n stp q18, q19, [%[out], #288]\n"
      "stp q20, q21, [%[out], #320]\n stp q22, q23, [%[out], #352]\n"
      "stp q24, q25, [%[out], #384]\n stp q26, q27, [%[out], #416]\n"
      "stp q28, q29, [%[out], #448]\n stp q30, q31, [%[out], #480]\n"
      "mrs %[fpcr_out], fpcr\n mrs %[fpsr_out], fpsr\n msr fpcr, xzr\n msr fpsr, xzr\n"
      : "+r"(x0), [fpcr_out] "=&r"(fpcr_out), [fpsr_out] "=&r"(fpsr_out)
      : "r"(x1), "r"(x2), "r"(x3),
        "r"(x8), [in] "r"(in), [out] "r"(out), [fpcr_in] "r"(fpcr_in), [fpsr_in] "r"(fpsr_in)
      : "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
        "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
        "v26", "v27", "v28", "v29", "v30", "v31");
  fp_done = 1;
  // 0: woken; -EAGAIN: the waker was first (then nothing slept: run again below).
  CHECK(x0 == 0 || x0 == -EAGAIN);
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK_EQ(memcmp(in, out, sizeof in), 0);
  CHECK_EQ(fpcr_out, fpcr_in);
  CHECK_EQ(fpsr_out, fpsr_in);
}

int main(void) {
  page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(page != MAP_FAILED);

  // The word is compared where it lies: another value is EAGAIN, private or shared; a
  // word of a page nobody touched yet reads 0.
  page->word = 5;
  CHECK_EQ(futex(&page->word, FUTEX_WAIT, 4, 0), -1);
  CHECK_EQ(errno, EAGAIN);
  CHECK_EQ(futex(&page->word, FUTEX_WAIT_PRIVATE, 6, 0), -1);
  CHECK_EQ(errno, EAGAIN);
  CHECK_EQ(futex(&page->word, FUTEX_WAIT_BITSET_PRIVATE, 4, 1), -1);
  CHECK_EQ(errno, EAGAIN);
  uint32_t *fresh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(fresh != MAP_FAILED);
  CHECK_EQ(futex(fresh + 1024, FUTEX_WAIT_PRIVATE, 1, 0), -1);
  CHECK_EQ(errno, EAGAIN);

  // Unmapped and PROT_NONE words are EFAULT for a wait; a private wake needs no word.
  CHECK_EQ(munmap(fresh + 1024, 4096), 0);
  CHECK_EQ(futex(fresh + 1024, FUTEX_WAIT_PRIVATE, 0, 0), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(mprotect(fresh, 4096, PROT_NONE), 0);
  CHECK_EQ(futex(fresh, FUTEX_WAIT_PRIVATE, 0, 0), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(futex(fresh, FUTEX_WAIT, 0, 0), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(futex(fresh, FUTEX_WAKE_PRIVATE, 1, 0), 0);
  // A word in a read-only page waits as any other.
  CHECK_EQ(mprotect(fresh, 4096, PROT_READ), 0);
  CHECK_EQ(futex(fresh, FUTEX_WAIT_PRIVATE, 1, 0), -1);
  CHECK_EQ(errno, EAGAIN);
  munmap(fresh, 4096);

  // Bitsets: 0 is EINVAL for both; a wake whose bitset misses the waiter's wakes nothing.
  CHECK_EQ(futex(&page->word, FUTEX_WAIT_BITSET, 5, 0), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(futex(&page->word, FUTEX_WAKE_BITSET, 1, 0), -1);
  CHECK_EQ(errno, EINVAL);
  page->word = 0;
  page->ready = 0;
  pid_t pid = fork();
  if (pid == 0) {
    page->ready = 1;
    _exit(futex(&page->word, FUTEX_WAIT_BITSET, 0, 0x2) == 0 ? 0 : 1);
  }
  while (!page->ready) sched_yield();
  for (int i = 0; i < 20; i++) {
    CHECK_EQ(futex(&page->word, FUTEX_WAKE_BITSET, 1, 0x1), 0);
    sched_yield();
  }
  CHECK_EQ(wake_one(&page->word, FUTEX_WAKE_BITSET, 0x6), 1);
  int status;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // A signal ends a wait with EINTR; after an SA_RESTART handler the wait goes on.
  interrupted_wait(0);
  interrupted_wait(SA_RESTART);

  // The waiter's vector registers, FPCR and FPSR across a sleep (a few times: the waker
  // may come first).
  for (int i = 0; i < 4; i++) {
    fp_word = 0;
    fp_ready = fp_done = 0;
    fp_survives_wait();
  }
  return test_done();
}
