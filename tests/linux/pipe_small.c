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

// The reader loads q0-q31, FPCR and FPSR, reads (svc in the same asm) and stores them.
static void fp_survives_read(void) {
  uint64_t in[64], out[64];
  for (int i = 0; i < 64; i++) in[i] = 0xfedcba9876543210ull * (uint64_t)(i + 3);
  uint64_t fpcr_in = 2ull << 22, fpsr_in = 0x1b, fpcr_out = 0, fpsr_out = 0;
  char c = 0;
  CHECK_EQ(pipe(fp_pipe), 0);
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, fp_writer, NULL), 0);
  fp_ready = 1;
  register long x0 __asm__("x0") = fp_pipe[0];
  register long x1 __asm__("x1") = (long)&c;
  register long x2 __asm__("x2") = 1;
  register long x8 __asm__("x8") = SYS_read;
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
      : "r"(x1), "r"(x2),
        "r"(x8), [in] "r"(in), [out] "r"(out), [fpcr_in] "r"(fpcr_in), [fpsr_in] "r"(fpsr_in)
      : "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
        "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
        "v26", "v27", "v28", "v29", "v30", "v31");
  CHECK_EQ(x0, 1);
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK_EQ(memcmp(in, out, sizeof in), 0);
  CHECK_EQ(fpcr_out, fpcr_in);
  CHECK_EQ(fpsr_out, fpsr_in);
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
