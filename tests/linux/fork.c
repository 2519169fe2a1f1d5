// fork and wait: exit statuses, deaths by signal, WNOHANG, the child's own memory
// (also of mappings that were read-only at the fork and are made writable after it,
// or writable ones made executable), getppid, many children.
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

static int value = 1;

static int wait_status(pid_t c) {
  int status = -1;
  if (waitpid(c, &status, 0) != c || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Private mappings that cannot be written at the fork (Janus shares their memory
// read-only then) stay private to each side once one side makes them writable, or
// writes them through a system call.
static void read_only_private_mappings(void) {
  char *ro = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *none = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(ro != MAP_FAILED && none != MAP_FAILED);
  if (ro == MAP_FAILED || none == MAP_FAILED) return;
  memset(ro, 'o', 8192);
  memset(none, 'n', 4096);
  CHECK_EQ(mprotect(ro, 8192, PROT_READ), 0);
  CHECK_EQ(mprotect(none, 4096, PROT_NONE), 0);

  // The child writes its copy (of one page of two: the mapping splits).
  pid_t c = fork();
  if (c == 0) {
    if (mprotect(ro + 4096, 4096, PROT_READ | PROT_WRITE) != 0) _exit(10);
    ro[4096] = 'c';
    if (mprotect(none, 4096, PROT_READ | PROT_WRITE) != 0) _exit(11);
    if (none[0] != 'n') _exit(12);
    none[0] = 'c';
    _exit(ro[4096] == 'c' && ro[0] == 'o' && none[0] == 'c' ? 0 : 13);
  }
  CHECK(c > 0);
  CHECK_EQ(wait_status(c), 0);
  CHECK_EQ(ro[4096], 'o');
  CHECK_EQ(mprotect(none, 4096, PROT_READ), 0);
  CHECK_EQ(none[0], 'n');
  CHECK_EQ(mprotect(none, 4096, PROT_NONE), 0);

  // A writable page made read-only and writable again after a fork: the parent's
  // writes must not reach the child's copy (the pages are still shared then).
  char *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(rw != MAP_FAILED);
  if (rw == MAP_FAILED) return;
  rw[0] = 'o';
  int sync[2];
  CHECK_EQ(pipe(sync), 0);
  c = fork();
  if (c == 0) {
    char b;
    if (read(sync[0], &b, 1) != 1) _exit(60);
    _exit(rw[0] == 'o' ? 0 : 61);
  }
  CHECK(c > 0);
  CHECK_EQ(mprotect(rw, 4096, PROT_READ), 0);
  CHECK_EQ(mprotect(rw, 4096, PROT_READ | PROT_WRITE), 0);
  rw[0] = 'p';
  CHECK_EQ(write(sync[1], "s", 1), 1);
  CHECK_EQ(wait_status(c), 0);
  close(sync[0]);
  close(sync[1]);
  munmap(rw, 4096);

  // A child (and its own child) forked before the parent writes keeps the old bytes.
  int go[2], done[2];
  CHECK_EQ(pipe(go), 0);
  CHECK_EQ(pipe(done), 0);
  c = fork();
  if (c == 0) {
    char b;
    pid_t g = fork();
    if (read(go[0], &b, 1) != 1) _exit(20);
    int ok = ro[0] == 'o' && ro[4096] == 'o';
    if (g == 0) _exit(ok ? 0 : 21);
    if (write(done[1], "x", 1) != 1) _exit(22);
    _exit(ok && wait_status(g) == 0 ? 0 : 23);
  }
  CHECK(c > 0);
  CHECK_EQ(mprotect(ro, 8192, PROT_READ | PROT_WRITE), 0);
  memset(ro, 'p', 8192);
  CHECK_EQ(write(go[1], "gg", 2), 2);
  char b;
  CHECK_EQ(read(done[0], &b, 1), 1);
  CHECK_EQ(wait_status(c), 0);
  CHECK_EQ(mprotect(ro, 8192, PROT_READ), 0);

  // A read() into the read-only page (Linux: EFAULT; Janus's copies ignore page
  // protections) must not reach the other process either.
  c = fork();
  if (c == 0) {
    if (write(go[1], "k", 1) != 1) _exit(30);
    (void)read(go[0], ro, 1);
    _exit(0);
  }
  CHECK(c > 0);
  CHECK_EQ(wait_status(c), 0);
  CHECK_EQ(ro[0], 'p');
  c = fork();  // the other way round: the parent's read() must not reach the child
  if (c == 0) {
    if (read(done[0], &b, 1) != 1) _exit(40);
    _exit(ro[0] == 'p' ? 0 : 41);
  }
  CHECK(c > 0);
  CHECK_EQ(write(go[1], "q", 1), 1);
  (void)read(go[0], ro, 1);
  CHECK_EQ(write(done[1], "x", 1), 1);
  CHECK_EQ(wait_status(c), 0);
  for (int i = 0; i < 2; i++) {
    close(go[i]);
    close(done[i]);
  }
  munmap(ro, 8192);
  munmap(none, 4096);
}

// A writable private page made executable after the fork (its copy in the child is a
// snapshot, which Janus makes executable only then) keeps its bytes and runs them.
static void executable_after_fork(void) {
  static const uint32_t ret42[] = {0x52800540, 0xd65f03c0};  // mov w0, #42; ret
  uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(code != MAP_FAILED);
  if (code == MAP_FAILED) return;
  memcpy(code, ret42, sizeof ret42);
  __builtin___clear_cache((char *)code, (char *)(code + 2));
  int (*fn)(void) = (int (*)(void))(uintptr_t)code;
  pid_t c = fork();
  if (c == 0) {
    if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) _exit(50);
    _exit(code[0] == ret42[0] && code[1] == ret42[1] && fn() == 42 ? 0 : 51);
  }
  CHECK(c > 0);
  CHECK_EQ(wait_status(c), 0);
  CHECK_EQ(mprotect(code, 4096, PROT_READ | PROT_EXEC), 0);  // the parent's own too
  CHECK_EQ(code[0], ret42[0]);
  CHECK_EQ(fn(), 42);
  munmap(code, 4096);
}

int main(void) {
  pid_t me = getpid();
  pid_t c = fork();
  if (c == 0) {
    value = 2;  // the parent's copy must not change
    _exit(getppid() == me ? 42 : 1);
  }
  CHECK(c > 0);
  int status;
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status));
  CHECK_EQ(WEXITSTATUS(status), 42);
  CHECK_EQ(value, 1);

  c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  CHECK_EQ(waitpid(c, &status, WNOHANG), 0);  // still running
  CHECK_EQ(kill(c, SIGTERM), 0);
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFSIGNALED(status));
  CHECK_EQ(WTERMSIG(status), SIGTERM);

  enum { KIDS = 10 };
  for (int i = 0; i < KIDS; i++)
    if (fork() == 0) _exit(i);
  int seen = 0;
  for (int i = 0; i < KIDS; i++) {
    CHECK(wait(&status) > 0);
    seen |= 1 << WEXITSTATUS(status);
  }
  CHECK_EQ(seen, (1 << KIDS) - 1);
  CHECK_EQ(wait(&status), -1);
  CHECK_EQ(errno, ECHILD);

  read_only_private_mappings();
  executable_after_fork();
  return test_done();
}
