// Code a program writes and then runs, as a JIT or libffi's closures do: on arm64 Linux
// the program makes it visible to instruction fetch itself (__builtin___clear_cache:
// DC CVAU and IC IVAU from EL0, CTR_EL0 for the line sizes), through mprotect or in a
// mapping that is writable and executable at once, and a page rewritten later runs
// its new code.
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

#define MOV_W0(imm) (0x52800000u | (uint32_t)(imm) << 5)  // movz w0, #imm
#define RET 0xd65f03c0u

typedef int (*code_fn)(void);

static void emit(uint32_t *code, int value) {
  code[0] = MOV_W0(value);
  code[1] = RET;
  __builtin___clear_cache((char *)code, (char *)(code + 2));
}

static int run(uint32_t *code) { return ((code_fn)(uintptr_t)code)(); }

// Written while writable, run after mprotect to executable, rewritten and run again.
static void write_then_protect(void) {
  uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(code != MAP_FAILED);
  if (code == MAP_FAILED) return;
  emit(code, 42);
  CHECK_EQ(mprotect(code, 4096, PROT_READ | PROT_EXEC), 0);
  CHECK_EQ(run(code), 42);
  CHECK_EQ(mprotect(code, 4096, PROT_READ | PROT_WRITE), 0);
  emit(code, 7);
  CHECK_EQ(mprotect(code, 4096, PROT_READ | PROT_EXEC), 0);
  CHECK_EQ(run(code), 7);
  CHECK_EQ(munmap(code, 4096), 0);
}

// One mapping writable and executable at once; code at the end of one page and the
// start of the next, so the maintenance covers two lines on two pages.
static void writable_and_executable(void) {
  char *page =
      mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(page != MAP_FAILED);
  if (page == MAP_FAILED) return;
  uint32_t *code = (uint32_t *)(page + 4096 - 4);
  for (int value = 1; value <= 3; value++) {
    emit(code, value * 100);
    CHECK_EQ(run(code), value * 100);
  }
  CHECK_EQ(munmap(page, 8192), 0);
}

// The maintenance instructions on a page never touched (on hardware a fault that the
// kernel takes as a read) leave it reading zero and writable afterwards.
static void maintenance_on_untouched_pages(void) {
  char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  if (p == MAP_FAILED) return;
  __builtin___clear_cache(p, p + 8192);
  __asm__ volatile("dc civac, %0" ::"r"(p) : "memory");
  CHECK_EQ(p[0], 0);
  CHECK_EQ(p[4096], 0);
  p[4096] = 5;
  CHECK_EQ(p[4096], 5);
  CHECK_EQ(munmap(p, 8192), 0);
}

// The child's copy of code written before a fork runs in the child; the parent's
// rewrite after the fork does not reach it.
static void code_across_fork(void) {
  uint32_t *code =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(code != MAP_FAILED);
  if (code == MAP_FAILED) return;
  emit(code, 11);
  int go[2];
  CHECK_EQ(pipe(go), 0);
  pid_t c = fork();
  if (c == 0) {
    char b;
    if (read(go[0], &b, 1) != 1) _exit(1);
    _exit(run(code));  // 11: its own copy
  }
  CHECK(c > 0);
  emit(code, 12);
  CHECK_EQ(run(code), 12);
  CHECK_EQ(write(go[1], "g", 1), 1);
  int status = 0;
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 11);
  close(go[0]);
  close(go[1]);
  CHECK_EQ(munmap(code, 4096), 0);
}

int main(void) {
  uint64_t ctr;
  __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
  CHECK(((ctr >> 16) & 0xf) != 0);  // DminLine: log2 of the smallest data line in words
  write_then_protect();
  writable_and_executable();
  maintenance_on_untouched_pages();
  code_across_fork();
  return test_done();
}
