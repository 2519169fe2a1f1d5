// Small pipe reads and writes, which the personality answers before it saves the FP/SIMD
// registers (user/linux/pipe.c): bytes in order across the ring's end, EFAULT and EBADF,
// EAGAIN, a blocked read that a signal interrupts (EINTR, or the read goes on after an
// SA_RESTART handler), a read whose fd another thread closes meanwhile, and the reader's
// vector registers across the sleep.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

struct shared {
  volatile int ready, done, handled;
  volatile long result, error;
};
static struct shared *s;
static void on_usr1(int sig) {
  (void)sig;
  s->handled++;
}

// A child blocks reading an empty pipe; the parent sends SIGUSR1 (handler flags) until
// the read ends or, with SA_RESTART, three handlers ran; then writes a byte.
static void interrupted_read(int flags) {
  struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = flags};
  CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
  *s = (struct shared){0};
  int fd[2];
  CHECK_EQ(pipe(fd), 0);
  pid_t pid = fork();
  if (pid == 0) {
    char c = 0;
    s->ready = 1;
    long r = read(fd[0], &c, 1);
    s->error = r < 0 ? errno : 0;
    s->result = r == 1 ? c : r;
    s->done = 1;
    _exit(0);
  }
  while (!s->ready) sched_yield();
  while (!s->done && !((flags & SA_RESTART) && s->handled >= 3)) {
    kill(pid, SIGUSR1);
    sched_yield();
  }
  if (flags & SA_RESTART) {
    CHECK_EQ(s->done, 0);  // three handlers ran, and the read goes on
    CHECK_EQ(write(fd[1], "r", 1), 1);
    while (!s->done) sched_yield();
    CHECK_EQ(s->result, 'r');
  } else {
    CHECK_EQ(s->result, -1);
    CHECK_EQ(s->error, EINTR);
  }
  int status;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  close(fd[0]), close(fd[1]);
}

static int closing[2];
static volatile int closer_ready;
static void *closer(void *arg) {
  (void)arg;
  while (!closer_ready) sched_yield();
  for (int i = 0; i < 50; i++) sched_yield();  // the reader most likely sleeps by now
  CHECK_EQ(close(closing[0]), 0);
  CHECK_EQ(write(closing[1], "c", 1), 1);  // the blocked read still holds the file
  return NULL;
}

static int fp_pipe[2];
static volatile int fp_ready;
static void *fp_writer(void *arg) {
  (void)arg;
  while (!fp_ready) sched_yield();
  volatile double x = 1.0;  // this thread's own vector registers and flags
  for (int i = 0; i < 1000; i++) x = x * 1.0000001 + 0.5;
  char c = (char)x;
  CHECK_EQ(write(fp_pipe[1], &c, 1), 1);
  return NULL;
}

// The reader's vector registers, FPCR and FPSR across its sleep (svc_keeping_fp).
static void fp_survives_read(void) {
  uint64_t in[64], out[64];
  for (int i = 0; i < 64; i++) in[i] = 0xfedcba9876543210ull * (uint64_t)(i + 3);
  uint64_t fp[4] = {2ull << 22, 0x1b};
  char c = 0;
  CHECK_EQ(pipe(fp_pipe), 0);
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, fp_writer, NULL), 0);
  fp_ready = 1;
  CHECK_EQ(svc_keeping_fp(SYS_read, fp_pipe[0], (long)&c, 1, 0, in, out, fp), 1);
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK_EQ(memcmp(in, out, sizeof in), 0);
  CHECK_EQ(fp[2], fp[0]);
  CHECK_EQ(fp[3], fp[1]);
  close(fp_pipe[0]), close(fp_pipe[1]);
}

int main(void) {
  s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(s != MAP_FAILED);
  int fd[2];
  CHECK_EQ(pipe(fd), 0);

  // Bytes in order, in small pieces, past the 64 KiB ring's end more than once.
  char out[200], in[200];
  for (int round = 0; round < 1000; round++) {
    size_t n = 1 + (size_t)(round * 37) % sizeof out;
    for (size_t i = 0; i < n; i++) out[i] = (char)(round + i);
    CHECK_EQ(write(fd[1], out, n), n);
    memset(in, 0, sizeof in);
    size_t got = 0;
    while (got < n) {
      long r = read(fd[0], in + got, n - got < 7 ? n - got : 7);
      CHECK(r > 0);
      if (r <= 0) break;
      got += (size_t)r;
    }
    CHECK_EQ(memcmp(in, out, n), 0);
  }

  // Errors: the wrong end or a closed fd is EBADF; a buffer nobody mapped is EFAULT and
  // moves no byte; an empty O_NONBLOCK pipe is EAGAIN; 0 bytes is 0.
  CHECK_EQ(write(fd[0], "x", 1), -1);
  CHECK_EQ(errno, EBADF);
  CHECK_EQ(read(fd[1], in, 1), -1);
  CHECK_EQ(errno, EBADF);
  CHECK_EQ(read(100, in, 1), -1);
  CHECK_EQ(errno, EBADF);
  void *volatile unmapped = (void *)16;
  CHECK_EQ(write(fd[1], unmapped, 1), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(write(fd[1], "y", 1), 1);
  CHECK_EQ(read(fd[0], unmapped, 1), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(read(fd[0], in, 0), 0);
  CHECK_EQ(read(fd[0], in, 1), 1);
  CHECK_EQ(in[0], 'y');
  CHECK_EQ(fcntl(fd[0], F_SETFL, O_NONBLOCK), 0);
  CHECK_EQ(read(fd[0], in, 1), -1);
  CHECK_EQ(errno, EAGAIN);
  close(fd[0]), close(fd[1]);

  // A signal ends a blocked read with EINTR; after an SA_RESTART handler it goes on.
  interrupted_read(0);
  interrupted_read(SA_RESTART);

  // Another thread closes the fd a read is blocked on: the read still gets the byte.
  // (The closer waits for the read to sleep, as far as a program can.)
  CHECK_EQ(pipe(closing), 0);
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, closer, NULL), 0);
  closer_ready = 1;
  char c = 0;
  long r = read(closing[0], &c, 1);
  CHECK(r == 1 ? c == 'c' : r == -1 && errno == EBADF);  // EBADF: the close came first
  CHECK_EQ(pthread_join(th, NULL), 0);
  close(closing[1]);

  for (int i = 0; i < 4; i++) {
    fp_ready = 0;
    fp_survives_read();
  }
  return test_done();
}
