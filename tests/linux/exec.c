// execve: a new image with its arguments and environment, errors before the point of
// no return, scripts with #!.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

int main(int argc, char **argv) {
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
  return test_done();
}
