// execve: a new image with its arguments and environment, errors before the point of
// no return, scripts with #!, and an image that writes cannot change: the program's
// data, bss and (after mprotect) read-only bytes come fresh from the file on every
// execve, whatever an earlier run of it wrote there.
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

// Initialised data, a bss larger than a page (past the file's last page the image
// holds other bytes: the loader must zero them) and a page of read-only data.
static volatile int data_word = 0x1234;
static volatile int bss_words[8192];
static const unsigned char rodata_page[4096] __attribute__((aligned(4096))) = {1, 2, 3};
// Read through this: the compiler would fold rodata_page[i] to its initial value.
static const volatile unsigned char *const rodata = rodata_page;

// 0, or what is not as the file has it: 1 data, 2 read-only data, 3 bss.
static int image_stale(void) {
  if (data_word != 0x1234) return 1;
  if (rodata[0] != 1 || rodata[2] != 3) return 2;
  for (size_t i = 0; i < sizeof bss_words / sizeof bss_words[0]; i++)
    if (bss_words[i]) return 3;
  return 0;
}

// Writes over every kind of segment, then runs the program again: it must see the file.
static void exec_after_writes(char *self) {
  CHECK_EQ(image_stale(), 0);
  data_word = 0x5678;
  for (size_t i = 0; i < sizeof bss_words / sizeof bss_words[0]; i++) bss_words[i] = -1;
  CHECK_EQ(mprotect((void *)rodata_page, sizeof rodata_page, PROT_READ | PROT_WRITE), 0);
  *(volatile unsigned char *)rodata = 0xaa;
  CHECK_EQ(image_stale(), 1);
  char *args[] = {self, "fresh", NULL};
  int status;
  pid_t c = fork();
  if (c == 0) {
    execv("/proc/self/exe", args);
    _exit(99);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK_EQ(status, 34 << 8);  // exited 34: what it found is the file's
  CHECK_EQ(rodata[0], 0xaa);  // this process keeps what it wrote
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "fresh")) return 34 + image_stale();
  if (argc == 3 && !strcmp(argv[1], "again")) {
    const char *v = getenv("EXEC_TEST");
    return v && !strcmp(v, "yes") && !strcmp(argv[2], "arg two") ? 33 : 1;
  }
  char *args[] = {argv[0], "again", "arg two", NULL};
  char *env[] = {"EXEC_TEST=yes", NULL};
  int status;
  pid_t c = fork();
  if (c == 0) {
    execve("/proc/self/exe", args, env);
    _exit(99);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 33);
  CHECK_EQ(execve("/no/such/file", args, env), -1);
  CHECK_EQ(errno, ENOENT);
  CHECK_EQ(execve("/etc/passwd", args, env), -1);  // not executable
  CHECK_EQ(errno, EACCES);
  c = fork();
  if (c == 0) {
    char *echo[] = {"echo", "exec:", "busybox", "runs", NULL};
    execve("/bin/echo", echo, env);
    _exit(99);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  FILE *f = fopen("/tmp/script.sh", "w");
  CHECK(f != NULL);
  fputs("#!/bin/sh\nexit 7\n", f);
  fclose(f);
  chmod("/tmp/script.sh", 0755);
  c = fork();
  if (c == 0) {
    char *sargs[] = {"/tmp/script.sh", NULL};
    execve("/tmp/script.sh", sargs, env);
    _exit(99);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
  exec_after_writes(argv[0]);
  return test_done();
}
