// System calls from several processes and threads at once on 4 CPUs: the lockless
// ones (ids, clocks, getrandom, uname, signal masks) and locked ones (getppid, files, pipes) give
// each caller its own right answer while the others run; signals reach a thread
// looping on lockless calls and one looping with no system call at all.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux_test.h"

#define PROCS 3    // children, besides the parent
#define THREADS 3  // per process
#define ROUNDS 100

static pid_t parent_pid;
static volatile int cpu_seen[64];

static void *worker(void *arg) {
  (void)arg;
  pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
  long bad = 0;
  struct timespec last = {0, 0};
  for (int i = 0; i < ROUNDS; i++) {
    bad += getpid() != pid;
    bad += syscall(SYS_gettid) != tid;
    struct timespec now;
    bad += clock_gettime(CLOCK_MONOTONIC, &now) != 0;
    bad += now.tv_sec < last.tv_sec || (now.tv_sec == last.tv_sec && now.tv_nsec < last.tv_nsec);
    last = now;
    uint64_t r[2] = {0, 0};
    bad += getrandom(r, sizeof r, 0) != sizeof r;
    struct utsname u;
    bad += uname(&u) != 0 || strcmp(u.sysname, "Linux") != 0;
    if (i % 10 == 0) {  // locked calls among them
      bad += pid != parent_pid && getppid() != parent_pid;
      int fd = open("/etc/passwd", O_RDONLY);
      char c;
      bad += fd < 0 || read(fd, &c, 1) != 1;
      close(fd);
    }
    sigset_t usr2;  // (nobody sends it: the mask calls themselves are checked)
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigset_t was;
    bad += sigprocmask(SIG_BLOCK, &usr2, &was) != 0 || sigismember(&was, SIGUSR2);
    bad += sigprocmask(SIG_UNBLOCK, &usr2, &was) != 0 || !sigismember(&was, SIGUSR2);
    int cpu = sched_getcpu();
    if (cpu >= 0 && cpu < 64) cpu_seen[cpu] = 1;
  }
  return (void *)bad;
}

// Threads of this process at once; the number of failed checks.
static long run_threads(void) {
  pthread_t t[THREADS];
  long bad = 0;
  for (int i = 0; i < THREADS; i++)
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) bad++;
  for (int i = 0; i < THREADS; i++) {
    void *ret;
    if (pthread_join(t[i], &ret) == 0) bad += (long)ret;
  }
  return bad;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

// A child that loops (on getpid and blocking and unblocking the signal, or on nothing)
// until the signal's handler stops it; it tells the parent through fd that it is
// looping. Exits with the signal's number.
static pid_t looper(int fd, int sig, int syscalls) {
  pid_t c = fork();
  if (c != 0) return c;
  signal(sig, on_signal);
  write(fd, "r", 1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  volatile long n = 0;
  while (!stop) {
    if (syscalls) {
      n += getpid() > 0;
      sigprocmask(SIG_BLOCK, &set, NULL);  // a signal sent now waits for the unblock
      sigprocmask(SIG_UNBLOCK, &set, NULL);
    } else {
      n++;
    }
  }
  _exit(stop);
}

int main(void) {
  parent_pid = getpid();
  pid_t kids[PROCS];
  for (int i = 0; i < PROCS; i++) {
    kids[i] = fork();
    if (kids[i] == 0) _exit(run_threads() == 0 ? 0 : 1);
    CHECK(kids[i] > 0);
  }
  CHECK_EQ(run_threads(), 0);
  for (int i = 0; i < PROCS; i++) {
    int status;
    CHECK_EQ(waitpid(kids[i], &status, 0), kids[i]);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  int cpus = 0;
  for (int c = 0; c < 64; c++) cpus += cpu_seen[c];
  CHECK(cpus > 1);

  int ready[2];
  CHECK_EQ(pipe(ready), 0);
  for (int syscalls = 1; syscalls >= 0; syscalls--) {
    int sig = syscalls ? SIGUSR1 : SIGTERM;
    pid_t c = looper(ready[1], sig, syscalls);
    char r;
    CHECK_EQ(read(ready[0], &r, 1), 1);
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);  // well inside its loop
    CHECK_EQ(kill(c, sig), 0);
    int status;
    CHECK_EQ(waitpid(c, &status, 0), c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == sig);
  }
  printf("concurrent: %d processes x %d threads on %d CPUs\n", PROCS + 1, THREADS, cpus);
  return test_done();
}
