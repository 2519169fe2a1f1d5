// mmap: anonymous memory, files, MAP_FIXED, munmap and mprotect (checked by faults),
// mremap (shrinks in place; cannot grow: ENOMEM), sysinfo's free memory following what
// a program touches and unmaps.
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "linux_test.h"

static sigjmp_buf escape;
static void on_segv(int sig) {
  (void)sig;
  siglongjmp(escape, 1);
}

static int faults(volatile char *p, int write) {
  if (sigsetjmp(escape, 1)) return 1;
  if (write) *p = 1;
  else (void)*p;
  return 0;
}

static unsigned long free_ram(void) {
  struct sysinfo si;
  CHECK_EQ(sysinfo(&si), 0);
  CHECK(si.mem_unit >= 1 && si.totalram > 0 && si.freeram < si.totalram && si.procs >= 1);
  return si.freeram * si.mem_unit;
}

// 8 MiB touched costs at least 8 MiB of free memory, and gives it back when unmapped.
static void sysinfo_follows_memory(void) {
  size_t len = 8u << 20;
  unsigned long before = free_ram();
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  for (size_t i = 0; i < len; i += 4096) p[i] = 1;
  unsigned long touched = free_ram();
  CHECK(touched + len <= before);
  CHECK_EQ(munmap(p, len), 0);
  CHECK(free_ram() >= touched + len);
  CHECK_EQ(sysinfo(NULL), -1);
  CHECK_EQ(errno, EFAULT);
}

int main(void) {
  signal(SIGSEGV, on_segv);
  sysinfo_follows_memory();
  size_t len = 16 * 4096;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  CHECK(p[0] == 0 && p[len - 1] == 0);
  memset(p, 0x5a, len);
  CHECK_EQ(munmap(p + 4096, 4096), 0);
  CHECK(faults(p + 4096, 0));
  CHECK(!faults(p, 1) && !faults(p + 8192, 1));
  CHECK_EQ(mprotect(p + 8192, 4096, PROT_READ), 0);
  CHECK(faults(p + 8192, 1));
  CHECK(!faults(p + 8192, 0));
  CHECK_EQ(p[8192], 1);  // written just before the mprotect
  char *q =
      mmap(p + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(q == p + 4096);
  CHECK(!faults(q, 1));
  CHECK_EQ(munmap(p, len), 0);
  CHECK(faults(p, 0));
  CHECK_EQ(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
  CHECK_EQ(errno, EINVAL);

  int fd = open("/tmp/mapped", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK_EQ(write(fd, "mapped bytes", 12), 12);
  char *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(f != MAP_FAILED);
  CHECK(!memcmp(f, "mapped bytes", 12) && f[12] == 0);
  close(fd);
  CHECK_EQ(munmap(f, 4096), 0);
  CHECK_EQ(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0), MAP_FAILED);
  CHECK_EQ(errno, EBADF);

  char *r = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(r != MAP_FAILED);
  r[0] = 'k';
  CHECK(mremap(r, 4 * 4096, 4 * 4096, 0) == r);
  CHECK(mremap(r, 4 * 4096, 4096, 0) == r);  // shrunk: the rest is unmapped
  CHECK_EQ(r[0], 'k');
  if (sigsetjmp(escape, 1) == 0) {
    signal(SIGSEGV, on_segv);
    r[4096] = 1;
    CHECK(0);  // not reached: the tail is gone
  }
  signal(SIGSEGV, SIG_DFL);
  CHECK_EQ(mremap(r, 4096, 8192, 0), MAP_FAILED);
  CHECK_EQ(errno, ENOMEM);
  CHECK_EQ(mremap(r + 1, 4096, 4096, 0), MAP_FAILED);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(mremap(r + 4096, 4096, 4096, 0), MAP_FAILED);  // not mapped
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(munmap(r, 4096), 0);
  return test_done();
}
