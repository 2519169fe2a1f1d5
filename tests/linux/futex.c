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

// FP/SIMD: the waiter's registers across its sleep (svc_keeping_fp), while the waker
// uses its own.
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
  uint64_t fp[4] = {3ull << 22, 0x1f};  // FPCR: round towards zero; FPSR: the flags
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, fp_waker, NULL), 0);
  fp_ready = 1;
  long r = svc_keeping_fp(SYS_futex, (long)&fp_word, FUTEX_WAIT_PRIVATE, 0, 0, in, out, fp);
  fp_done = 1;
  // 0: woken; -EAGAIN: the waker was first (then nothing slept: run again below).
  CHECK(r == 0 || r == -EAGAIN);
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK_EQ(memcmp(in, out, sizeof in), 0);
  CHECK_EQ(fp[2], fp[0]);
  CHECK_EQ(fp[3], fp[1]);
}

// Ping-pong between two threads, each side sleeping in turn: a woken waiter returns
// without the personality's lock (user/linux/futex.c) and waits again at once, with a
// new waiter where the last one was; SIGUSR1 handlers (SA_RESTART) land in between.
#define PING_ROUNDS 2000
static volatile uint32_t turn;  // 1: the peer's turn, 0: main's
static volatile long ping_bad;  // a wait that ended neither in 0 nor EAGAIN
static pid_t peer_tid;

static void wait_turn(uint32_t while_value) {
  while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == while_value)
    if (futex(&turn, FUTEX_WAIT_PRIVATE, while_value, 0) != 0 && errno != EAGAIN) ping_bad++;
}

static void *pong(void *arg) {
  (void)arg;
  peer_tid = gettid();
  for (int i = 0; i < PING_ROUNDS; i++) {
    wait_turn(0);
    __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
    futex(&turn, FUTEX_WAKE_PRIVATE, 1, 0);
  }
  return NULL;
}

static void ping_pong(void) {
  struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
  CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
  *page = (struct page){0};
  turn = 0;
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, pong, NULL), 0);
  while (!__atomic_load_n(&peer_tid, __ATOMIC_ACQUIRE)) sched_yield();
  for (int i = 0; i < PING_ROUNDS; i++) {
    __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
    futex(&turn, FUTEX_WAKE_PRIVATE, 1, 0);
    if (i % 97 == 0) syscall(SYS_tgkill, getpid(), peer_tid, SIGUSR1);
    wait_turn(1);
  }
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK_EQ(ping_bad, 0);
  CHECK_EQ(turn, 0);
  CHECK(page->handled > 0);
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

  // FUTEX_WAKE wakes the first waiter whatever the count: 0, or one past INT_MAX (a
  // negative int), wakes one of two, as on Linux.
  page->word = 0;
  page->ready = 0;
  pid_t waiters[2];
  for (int i = 0; i < 2; i++)
    if ((waiters[i] = fork()) == 0) {
      __atomic_fetch_add(&page->ready, 1, __ATOMIC_SEQ_CST);
      _exit(futex(&page->word, FUTEX_WAIT, 0, 0) == 0 ? 0 : 1);
    }
  while (page->ready < 2) sched_yield();
  for (int i = 0; i < 20; i++) sched_yield();  // both asleep, most likely
  uint32_t counts[2] = {0, 0x80000000u};
  for (int i = 0; i < 2; i++) {
    long n = 0;
    // Bounded: a personality that wakes none for these counts fails here, not hangs.
    for (int tries = 0; tries < 100000 && n == 0; tries++)
      if ((n = futex(&page->word, FUTEX_WAKE, counts[i], 0)) == 0) sched_yield();
    CHECK_EQ(n, 1);
    if (n != 1) break;
    pid_t done = wait(&status);
    CHECK(done == waiters[0] || done == waiters[1]);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

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

  ping_pong();
  return test_done();
}
