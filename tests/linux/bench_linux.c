// `make bench-linux` (docs/benchmarks.md): one static Linux arm64 program that times
// the same system-call paths on any kernel that runs it: Linux itself (as /init of
// Debian's kernel), Janus's Linux personality, Raspberry Pi OS.
//
// Every path runs in a child forked after sched_setaffinity(CPU 0), so every thread
// and process it makes runs on CPU 0 (two sides of a round trip share the CPU). The
// loop of N operations is timed with the generic timer's virtual count (CNTVCT_EL0,
// read at EL0 on both kernels) after N/10 untimed ones. Per path it prints
//   BENCH-LINUX <path> <operations> <ticks> <CNTFRQ_EL0>
// or BENCH-LINUX <path> error <what failed> (tools/bench-linux.sh turns these into the
// table). Then the memory one idle process costs: MEMORY_PROCS forked children that
// each wrote a byte to a pipe and block reading another, from sysinfo's freeram before
// and after (the kernel's free memory: its own objects, page tables and stacks, and
// the pages the children copied on write), per child:
//   BENCH-LINUX-MEMORY idle-forked-process <processes> <bytes per process>
// Under QEMU with -icount shift=0 one nanosecond of the counter is one
// instruction. Exits 1 if any path failed; run as /init (Linux's initramfs) it powers
// the machine off instead of returning.
//
// Usage: bench_linux [-n N] [-p PATH]   N operations per path (a smoke run: every path,
//          briefly); -p runs only the path named PATH (to trace or time one path)
//        bench_linux exec-child   (what the fork + execve path runs: exits 0 at once)
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static inline uint64_t ticks(void) {
  uint64_t t;
  __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(t)::"memory");
  return t;
}

static inline uint64_t ticks_per_second(void) {
  uint64_t f;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
  return f;
}

static const char *self_path;  // for execve: argv[0], or /proc/self/exe

// A failed step: the path's result says what and the errno.
static char failure[128];
#define FAIL(what)                                                                   \
  do {                                                                               \
    snprintf(failure, sizeof failure, "%s:%s", what, strerrorname_np(errno) ?: "?"); \
    return 0;                                                                        \
  } while (0)
#define FAIL_AS(what, err) \
  do {                     \
    errno = (err);         \
    FAIL(what);            \
  } while (0)

// Memory every process of a path sees (MAP_SHARED before the fork).
struct shared {
  volatile uint32_t word;   // futex round trips
  volatile uint32_t ready;  // the peer runs
  volatile uint32_t stop;   // the peer may end
};

static struct shared *shared_page(void) {
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static long futex(volatile uint32_t *word, int op, uint32_t val) {
  return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

// Each path: n timed operations after n / 10 untimed ones; the ticks they took, or 0
// (and failure says why).
typedef uint64_t (*path_fn)(long n);

static uint64_t null_syscall(long n) {
  pid_t parent = getppid();
  for (long i = 0; i < n / 10; i++) syscall(SYS_getppid);
  uint64_t t0 = ticks();
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  uint64_t t = ticks() - t0;
  if (syscall(SYS_getppid) != parent) FAIL_AS("getppid", EPROTO);
  return t;
}

// The peer of a round trip between processes: runs body, exits 0 if it returned true.
static pid_t fork_peer(int (*body)(void *), void *arg) {
  pid_t pid = fork();
  if (pid == 0) _exit(body(arg) ? 0 : 1);
  return pid;
}

static int reap(pid_t pid) {
  int status;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int yield_peer(void *arg) {
  struct shared *s = arg;
  s->ready = 1;
  while (!s->stop) sched_yield();
  return 1;
}

static uint64_t yield_processes(long n) {
  struct shared *s = shared_page();
  if (!s) FAIL("mmap");
  pid_t pid = fork_peer(yield_peer, s);
  if (pid < 0) FAIL("fork");
  while (!s->ready) sched_yield();
  for (long i = 0; i < n / 10; i++) sched_yield();
  uint64_t t0 = ticks();
  for (long i = 0; i < n; i++) sched_yield();
  uint64_t t = ticks() - t0;
  s->stop = 1;
  if (reap(pid) != 0) FAIL_AS("peer", ECHILD);
  munmap((void *)s, 4096);
  return t;
}

// Pipe round trips: one byte there (to[1] -> to[0]), the same byte back.
struct pipes {
  int to[2], from[2];
  long rounds;
};

static int pipe_echo(void *arg) {
  struct pipes *p = arg;
  char c;
  for (long i = 0; i < p->rounds; i++)
    if (read(p->to[0], &c, 1) != 1 || write(p->from[1], &c, 1) != 1) return 0;
  return 1;
}
static void *pipe_echo_thread(void *arg) { return (void *)(intptr_t)pipe_echo(arg); }
// In a process of its own the peer closes the ends it does not use, so that this
// side's close (after a failure, or early) ends its read with EOF.
static int pipe_echo_process(void *arg) {
  struct pipes *p = arg;
  close(p->to[1]), close(p->from[0]);
  return pipe_echo(p);
}

static uint64_t pipe_ping(struct pipes *p, long n) {
  uint64_t t0 = 0;
  for (long i = 0; i < n / 10 + n; i++) {
    if (i == n / 10) t0 = ticks();
    char c = (char)i, back;
    if (write(p->to[1], &c, 1) != 1) FAIL("write");
    if (read(p->from[0], &back, 1) != 1) FAIL("read");
    if (back != c) FAIL_AS("echo", EPROTO);
  }
  return ticks() - t0;
}

static uint64_t pipe_threads(long n) {
  struct pipes p = {.rounds = n / 10 + n};
  if (pipe(p.to) || pipe(p.from)) FAIL("pipe");
  pthread_t th;
  if ((errno = pthread_create(&th, NULL, pipe_echo_thread, &p))) FAIL("pthread_create");
  uint64_t t = pipe_ping(&p, n);
  close(p.to[1]);  // a peer still reading (after a failure) reads EOF
  void *ok = NULL;
  pthread_join(th, &ok);
  close(p.to[0]), close(p.from[0]), close(p.from[1]);
  if (t && !ok) FAIL_AS("peer", EPROTO);
  return t;
}

static uint64_t pipe_processes(long n) {
  struct pipes p = {.rounds = n / 10 + n};
  if (pipe(p.to) || pipe(p.from)) FAIL("pipe");
  pid_t pid = fork_peer(pipe_echo_process, &p);
  if (pid < 0) FAIL("fork");
  uint64_t t = pipe_ping(&p, n);
  close(p.to[0]), close(p.to[1]), close(p.from[0]), close(p.from[1]);
  if (reap(pid) != 0 && t) FAIL_AS("peer", ECHILD);
  return t;
}

// Futex round trips: the word goes 0 -> 1 (this side, waking the peer) -> 0 (the peer,
// waking this side). private: FUTEX_PRIVATE_FLAG (threads); without it the word is
// keyed by the shared page it lives in (processes).
struct futex_pair {
  struct shared *s;
  long rounds;
  int flag;
};

static int futex_echo(void *arg) {
  struct futex_pair *f = arg;
  volatile uint32_t *w = &f->s->word;
  for (long i = 0; i < f->rounds; i++) {
    while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 0)
      if (futex(w, FUTEX_WAIT | f->flag, 0) && errno != EAGAIN && errno != EINTR) return 0;
    __atomic_store_n(w, 0, __ATOMIC_RELEASE);
    if (futex(w, FUTEX_WAKE | f->flag, 1) < 0) return 0;
  }
  return 1;
}
static void *futex_echo_thread(void *arg) { return (void *)(intptr_t)futex_echo(arg); }

static uint64_t futex_ping(struct futex_pair *f, long n) {
  volatile uint32_t *w = &f->s->word;
  uint64_t t0 = 0;
  for (long i = 0; i < n / 10 + n; i++) {
    if (i == n / 10) t0 = ticks();
    __atomic_store_n(w, 1, __ATOMIC_RELEASE);
    if (futex(w, FUTEX_WAKE | f->flag, 1) < 0) FAIL("futex wake");
    while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 1)
      if (futex(w, FUTEX_WAIT | f->flag, 1) && errno != EAGAIN && errno != EINTR)
        FAIL("futex wait");
  }
  return ticks() - t0;
}

static uint64_t futex_threads(long n) {
  struct futex_pair f = {.s = shared_page(), .rounds = n / 10 + n, .flag = FUTEX_PRIVATE_FLAG};
  if (!f.s) FAIL("mmap");
  pthread_t th;
  if ((errno = pthread_create(&th, NULL, futex_echo_thread, &f))) FAIL("pthread_create");
  uint64_t t = futex_ping(&f, n);
  void *ok = NULL;
  if (t) pthread_join(th, &ok);  // (after a failure the peer may wait for ever)
  if (t && !ok) FAIL_AS("peer", EPROTO);
  return t;
}

static uint64_t futex_processes(long n) {
  struct futex_pair f = {.s = shared_page(), .rounds = n / 10 + n, .flag = 0};
  if (!f.s) FAIL("mmap");
  pid_t pid = fork_peer(futex_echo, &f);
  if (pid < 0) FAIL("fork");
  uint64_t t = futex_ping(&f, n);
  if (!t) {
    kill(pid, SIGKILL);
    reap(pid);
    return 0;
  }
  if (reap(pid) != 0) FAIL_AS("peer", ECHILD);
  return t;
}

static uint64_t fork_exit_wait(long n) {
  uint64_t t0 = 0;
  for (long i = 0; i < n / 10 + n; i++) {
    if (i == n / 10) t0 = ticks();
    pid_t pid = fork();
    if (pid == 0) _exit(7);
    if (pid < 0) FAIL("fork");
    if (reap(pid) != 7) FAIL_AS("waitpid", ECHILD);
  }
  return ticks() - t0;
}

extern char **environ;

static uint64_t fork_exec_wait(long n) {
  uint64_t t0 = 0;
  for (long i = 0; i < n / 10 + n; i++) {
    if (i == n / 10) t0 = ticks();
    pid_t pid = fork();
    if (pid == 0) {
      char *argv[] = {(char *)self_path, "exec-child", NULL};
      execve(self_path, argv, environ);
      _exit(127);
    }
    if (pid < 0) FAIL("fork");
    int status = reap(pid);
    if (status == 127) FAIL_AS("execve", ENOEXEC);
    if (status != 42) FAIL_AS("waitpid", ECHILD);
  }
  return ticks() - t0;
}

static void *thread_returns(void *arg) { return arg; }

static uint64_t thread_create_join(long n) {
  uint64_t t0 = 0;
  for (long i = 0; i < n / 10 + n; i++) {
    if (i == n / 10) t0 = ticks();
    pthread_t th;
    void *ret;
    if ((errno = pthread_create(&th, NULL, thread_returns, (void *)i))) FAIL("pthread_create");
    if ((errno = pthread_join(th, &ret))) FAIL("pthread_join");
    if (ret != (void *)i) FAIL_AS("pthread_join", EPROTO);
  }
  return ticks() - t0;
}

static uint64_t map_touch_unmap(long n, size_t pages) {
  uint64_t t0 = 0;
  for (long i = 0; i < n / 10 + n; i++) {
    if (i == n / 10) t0 = ticks();
    char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) FAIL("mmap");
    for (size_t k = 0; k < pages; k++) p[k * 4096] = (char)k;
    for (size_t k = 0; k < pages; k++)
      if (p[k * 4096] != (char)k) FAIL_AS("touch", EPROTO);
    if (munmap(p, pages * 4096)) FAIL("munmap");
  }
  return ticks() - t0;
}
static uint64_t map_1(long n) { return map_touch_unmap(n, 1); }
static uint64_t map_64(long n) { return map_touch_unmap(n, 64); }

// The paths in table order, with their operation counts for a full run: enough that
// a path takes a few million instructions or more, and the whole run under a minute
// or two of QEMU time on either kernel.
static const struct path {
  const char *name;
  path_fn fn;
  long n;
} paths[] = {
    {"null-syscall-getppid", null_syscall, 20000},
    {"sched-yield-rt-2proc", yield_processes, 4000},
    {"pipe-rt-2thread", pipe_threads, 2000},
    {"pipe-rt-2proc", pipe_processes, 2000},
    {"futex-rt-2thread", futex_threads, 2000},
    {"futex-rt-2proc", futex_processes, 2000},
    {"fork-exit-wait", fork_exit_wait, 300},
    {"fork-execve-wait", fork_exec_wait, 100},
    {"thread-create-join", thread_create_join, 1000},
    {"mmap-touch-munmap-1p", map_1, 4000},
    {"mmap-touch-munmap-64p", map_64, 300},
};

// One path in a child of its own (pinned to CPU 0, as everything it makes), which
// hands the result back through a shared page.
static int run_path(const struct path *p, long n) {
  struct result {
    uint64_t ticks;
    char failure[128];
  } *r = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (r == MAP_FAILED) {
    printf("BENCH-LINUX %s error mmap:%s\n", p->name, strerrorname_np(errno));
    return 1;
  }
  memset(r, 0, sizeof *r);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    r->ticks = p->fn(n);
    memcpy(r->failure, failure, sizeof failure);
    _exit(0);
  }
  int status = pid < 0 ? -1 : reap(pid);
  int failed = 1;
  if (pid < 0) printf("BENCH-LINUX %s error fork:%s\n", p->name, strerrorname_np(errno));
  else if (status != 0) printf("BENCH-LINUX %s error exit-status-%d\n", p->name, status);
  else if (!r->ticks)
    printf("BENCH-LINUX %s error %s\n", p->name, r->failure[0] ? r->failure : "?");
  else {
    printf("BENCH-LINUX %s %ld %llu %llu\n", p->name, n, (unsigned long long)r->ticks,
           (unsigned long long)ticks_per_second());
    failed = 0;
  }
  fflush(stdout);
  munmap(r, 4096);
  return failed;
}

// Below the personality's process limit (64) with the bench's own processes; enough
// that Linux's per-CPU page lists (up to a batch of pages taken at once) move the
// figure by a few KiB at most.
#define MEMORY_PROCS 48

static long free_bytes(void) {
  struct sysinfo si;
  return sysinfo(&si) == 0 ? (long)(si.freeram * si.mem_unit) : -1;
}

static int memory_per_process(void) {
  int ready[2], hold[2];
  pid_t pids[MEMORY_PROCS];
  int made = 0;
  if (pipe(ready) || pipe(hold)) {
    printf("BENCH-LINUX-MEMORY idle-forked-process error pipe:%s\n", strerrorname_np(errno));
    return 1;
  }
  long before = free_bytes();
  for (; made < MEMORY_PROCS; made++) {
    pid_t pid = fork();
    if (pid == 0) {
      char c = 1;
      close(hold[1]);
      if (write(ready[1], &c, 1) != 1) _exit(1);
      _exit(read(hold[0], &c, 1) == 0 ? 0 : 1);  // until the write end closes
    }
    if (pid < 0) break;
    pids[made] = pid;
  }
  char c;
  int arrived = 0;
  while (arrived < made && read(ready[0], &c, 1) == 1) arrived++;
  long after = free_bytes();
  close(hold[1]);
  int failed = made < MEMORY_PROCS || arrived < made || before < 0 || after < 0;
  for (int i = 0; i < made; i++)
    if (reap(pids[i]) != 0) failed = 1;
  close(ready[0]), close(ready[1]), close(hold[0]);
  if (failed) printf("BENCH-LINUX-MEMORY idle-forked-process error %d-of-%d\n", made, MEMORY_PROCS);
  else printf("BENCH-LINUX-MEMORY idle-forked-process %d %ld\n", made, (before - after) / made);
  fflush(stdout);
  return failed;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "exec-child") == 0) return 42;
  // As /init, argv also holds the kernel command line's words Linux does not know.
  bool init = getpid() == 1 && strcmp(argv[0], "/init") == 0;
  long n = 0;
  const char *only = NULL;
  for (int i = 1; i < argc && !init; i += 2) {
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) n = atol(argv[i + 1]);
    else if (i + 1 < argc && strcmp(argv[i], "-p") == 0) only = argv[i + 1];
    else {
      fprintf(stderr, "usage: %s [-n OPERATIONS] [-p PATH]\n", argv[0]);
      return 2;
    }
  }
  self_path = strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct utsname u;
  uname(&u);
  printf("BENCH-LINUX-KERNEL %s %s %s\n", u.sysname, u.release, u.machine);
  cpu_set_t cpu0;
  CPU_ZERO(&cpu0);
  CPU_SET(0, &cpu0);
  if (sched_setaffinity(0, sizeof cpu0, &cpu0) != 0)
    printf("BENCH-LINUX-NOTE sched_setaffinity: %s (paths are not pinned)\n",
           strerrorname_np(errno));
  int failed = 0, ran = 0;
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (!only || strcmp(only, paths[i].name) == 0) {
      failed += run_path(&paths[i], n > 0 ? n : paths[i].n);
      ran++;
    }
  if (!ran && only) printf("BENCH-LINUX %s error no-such-path\n", only);
  failed += only && !ran;
  if (!only) failed += memory_per_process();
  printf("BENCH-LINUX-DONE %d failed\n", failed);
  fflush(stdout);
  if (init) {  // Linux's initramfs: nothing runs after us
    sync();
    reboot(RB_POWER_OFF);
  }
  return failed ? 1 : 0;
}
