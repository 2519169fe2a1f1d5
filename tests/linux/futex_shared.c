// Futexes between processes: a word in a MAP_SHARED page is one futex for every
// process that maps the page (no FUTEX_PRIVATE_FLAG), keyed by the page and offset,
// not the address; private futexes and words in private mappings stay per process.
// Also sched_setaffinity's mask: kept, inherited, and where children run.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux_test.h"

static long futex(volatile uint32_t *w, int op, uint32_t val, const struct timespec *ts,
                  volatile uint32_t *w2, uint32_t val3) {
  return syscall(SYS_futex, w, op, val, ts, w2, val3);
}

struct page {
  volatile uint32_t ready;
  volatile uint32_t word, other;
  volatile uint32_t child_result;
};

// Wakes (op) the word until one waiter is woken: the child says it is about to wait,
// but may not sleep yet.
static long wake_one(volatile uint32_t *w, int op) {
  long n;
  while ((n = futex(w, op, 1, NULL, NULL, 0)) == 0) sched_yield();
  return n;
}

static int finish(pid_t pid) {
  int status;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void) {
  struct page *s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(s != MAP_FAILED);

  // A shared wait in the child, a shared wake in the parent: the wake counts it.
  pid_t pid = fork();
  if (pid == 0) {
    s->ready = 1;
    _exit(futex(&s->word, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
  }
  while (!s->ready) sched_yield();
  CHECK_EQ(wake_one(&s->word, FUTEX_WAKE), 1);
  CHECK_EQ(finish(pid), 0);

  // The key is the page and offset: a waiter on the second page is not woken by a wake
  // of the first page's word.
  volatile uint32_t *second = (volatile uint32_t *)((char *)s + 4096);
  s->ready = 0;
  pid = fork();
  if (pid == 0) {
    s->ready = 1;
    _exit(futex(second, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
  }
  while (!s->ready) sched_yield();
  CHECK_EQ(futex(&s->word, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
  CHECK_EQ(wake_one(second, FUTEX_WAKE), 1);
  CHECK_EQ(finish(pid), 0);

  // CMP_REQUEUE moves a shared waiter to another shared word; a wrong value is EAGAIN.
  s->ready = 0;
  pid = fork();
  if (pid == 0) {
    s->ready = 1;
    _exit(futex(&s->word, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
  }
  while (!s->ready) sched_yield();
  CHECK_EQ(futex(&s->word, FUTEX_CMP_REQUEUE, 0, (void *)1, &s->other, 5), -1);
  CHECK_EQ(errno, EAGAIN);
  long moved;
  while ((moved = futex(&s->word, FUTEX_CMP_REQUEUE, 0, (void *)1, &s->other, 0)) == 0)
    sched_yield();
  CHECK_EQ(moved, 1);
  CHECK_EQ(futex(&s->word, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
  CHECK_EQ(futex(&s->other, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
  CHECK_EQ(finish(pid), 0);

  // A private futex is the process's own, even in a shared page: the parent's private
  // wake never reaches the child, whose wait times out.
  s->ready = 0;
  pid = fork();
  if (pid == 0) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    s->ready = 1;
    long r = futex(&s->word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
    _exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
  }
  while (!s->ready) sched_yield();
  CHECK_EQ(futex(&s->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
  CHECK_EQ(finish(pid), 0);

  // A word in a private mapping is per process after fork, with or without the flag.
  volatile uint32_t *mine =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mine != MAP_FAILED);
  s->ready = 0;
  pid = fork();
  if (pid == 0) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    s->ready = 1;
    long r = futex(mine, FUTEX_WAIT, 0, &ts, NULL, 0);
    _exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
  }
  while (!s->ready) sched_yield();
  CHECK_EQ(futex(mine, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
  CHECK_EQ(finish(pid), 0);

  // Errors: a misaligned word is EINVAL, private or shared; a shared futex needs its
  // word mapped (EFAULT); a wait on a changed value is EAGAIN.
  CHECK_EQ(futex((volatile uint32_t *)((char *)s + 2), FUTEX_WAKE, 1, NULL, NULL, 0), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(futex((volatile uint32_t *)((char *)s + 2), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(futex((volatile uint32_t *)16, FUTEX_WAKE, 1, NULL, NULL, 0), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(futex((volatile uint32_t *)16, FUTEX_WAIT, 0, NULL, NULL, 0), -1);
  CHECK_EQ(errno, EFAULT);
  s->word = 3;
  CHECK_EQ(futex(&s->word, FUTEX_WAIT, 0, NULL, NULL, 0), -1);
  CHECK_EQ(errno, EAGAIN);
  // The mapping the key was found in also decides the read: PROT_NONE is EFAULT.
  CHECK_EQ(mprotect((void *)s, 4096, PROT_NONE), 0);
  CHECK_EQ(futex(&s->word, FUTEX_WAIT, 3, NULL, NULL, 0), -1);
  CHECK_EQ(errno, EFAULT);
  munmap((void *)s, 8192);

  // sched_setaffinity: the mask is what sched_getaffinity reads, a child inherits it
  // and runs on its CPU; an empty or offline-only mask is EINVAL, a bad pid ESRCH.
  cpu_set_t all, one, got;
  CHECK_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  CHECK_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  CHECK_EQ(sched_getaffinity(0, sizeof got, &got), 0);
  CHECK(CPU_EQUAL(&got, &one));
  pid = fork();
  if (pid == 0) {
    cpu_set_t c;
    int ok = sched_getaffinity(0, sizeof c, &c) == 0 && CPU_EQUAL(&c, &one) && sched_getcpu() == 0;
    _exit(ok ? 0 : 1);
  }
  CHECK_EQ(finish(pid), 0);
  cpu_set_t none;
  CPU_ZERO(&none);
  CHECK_EQ(sched_setaffinity(0, sizeof none, &none), -1);
  CHECK_EQ(errno, EINVAL);
  CPU_ZERO(&none);
  CPU_SET(63, &none);
  CHECK_EQ(sched_setaffinity(0, sizeof none, &none), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(sched_setaffinity(999999, sizeof one, &one), -1);
  CHECK_EQ(errno, ESRCH);
  CHECK_EQ(sched_setaffinity(0, sizeof one, (cpu_set_t *)16), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  return test_done();
}
