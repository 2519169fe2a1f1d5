// The first user program of test builds (user/user.mk makes it "init"; the kernel
// runs its self-tests, then starts init). It runs the user suite: every program bootfs
// file suite.list names (tests/user/suite.list, plus every tests/user/X.c as "test-X"),
// in order, each in a job of its own, and checks that the program ended as the list
// says and gave back everything it took: pages, kernel objects and ASIDs
// (JANUS_INFO_KERNEL_COUNTS before and after). One line per program, "PASS user/NAME"
// or "FAIL user/NAME", which tools/test.sh counts; init exits with the failures.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#define LIST_MAX 8192
// How long a dead process's last thread may take to switch out on its CPU: a hang
// guard only (it takes microseconds), since a busy host may not run that vCPU for a while.
#define SETTLE_NS 20000000000LL
#define STACK_WARM_BYTES (64 * 1024)

// What a program must have given back. The heap and the kernel's own tables only
// grow, so the pages they hold count as given back.
struct resource_counts {
  int64_t pages, objects, asids;
};

static struct resource_counts count_resources(void) {
  janus_info_kernel_counts_t c = {0};
  zx_object_get_info(zx_job_default(), JANUS_INFO_KERNEL_COUNTS, &c, sizeof c, NULL, NULL);
  return (struct resource_counts){
      .pages = (int64_t)(c.free_pages + c.heap_pages + c.kernel_table_pages),
      .objects = (int64_t)c.objects,
      .asids = (int64_t)c.asids};
}

static bool same(struct resource_counts a, struct resource_counts b) {
  return a.pages == b.pages && a.objects == b.objects && a.asids == b.asids;
}

// This process's own stack pages are committed on first touch: touch the part the
// runs below use before the first count, so that they do not show as a leak.
static void __attribute__((noinline)) warm_stack(void) {
  volatile char bytes[STACK_WARM_BYTES];
  for (size_t i = 0; i < sizeof bytes; i += 512) bytes[i] = 0;
}

// Runs program in a job of its own to its end: its exit code in *code. Its handle to
// that job cannot kill it (no ZX_RIGHT_DESTROY), as a program's handle to the root job.
static zx_status_t run(const char *program, int64_t *code) {
  zx_handle_t job, given = ZX_HANDLE_INVALID, proc = ZX_HANDLE_INVALID;
  zx_status_t status = zx_job_create(zx_job_default(), 0, &job);
  if (status != ZX_OK) return status;
  status = zx_handle_duplicate(job, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_DESTROY, &given);
  if (status == ZX_OK) status = janus_launch_bootfs(given, janus_bootfs(), program, &proc);
  zx_handle_close(given);
  zx_info_process_t info = {0};
  if (status == ZX_OK)
    status = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
  if (status == ZX_OK)
    status = zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL);
  *code = info.return_code;
  zx_handle_close(proc);
  zx_task_kill(job);  // anything it left running (the leak check has seen it by then)
  zx_handle_close(job);
  return status;
}

static bool run_checked(const char *program, int64_t expected) {
  int64_t code = 1;
  struct resource_counts before = count_resources();
  zx_status_t status = run(program, &code);
  // A dead process's last thread may still be switching out (its stack and object
  // go with that switch): give the accounting a moment to settle.
  struct resource_counts after = count_resources();
  for (zx_time_t end = zx_clock_get_monotonic() + SETTLE_NS;
       !same(before, after) && zx_clock_get_monotonic() < end; after = count_resources())
    zx_nanosleep(0);
  bool leaked = !same(before, after);
  bool ok = status == ZX_OK && code == expected && !leaked;
  printf("%s user/%s (status %d, exit %ld)\n", ok ? "PASS" : "FAIL", program, status, (long)code);
  if (leaked)
    printf("  leaked: %ld pages, %ld objects, %ld ASIDs\n", (long)(before.pages - after.pages),
           (long)(after.objects - before.objects), (long)(after.asids - before.asids));
  return ok;
}

// "program expected" with expected a number or "killed"; false for a malformed line.
static bool parse(char *line, const char **program, int64_t *expected) {
  char *end = line + strcspn(line, " ");
  if (end == line || !*end) return false;
  *end++ = 0;
  *program = line;
  if (!strcmp(end, "killed")) {
    *expected = ZX_TASK_RETCODE_EXCEPTION_KILL;
    return true;
  }
  char *rest;
  *expected = strtoll(end, &rest, 10);
  return rest != end && !*rest;
}

// The boot argument janus.user=NAME: that program alone (one that is too slow for the
// suite, or one to work on), which must exit 0, or be killed if its name says "fault".
static bool only_program(char name[ZX_MAX_NAME_LEN]) {
  janus_info_boot_args_t boot = {0};
  if (zx_object_get_info(zx_job_default(), JANUS_INFO_BOOT_ARGS, &boot, sizeof boot, NULL, NULL) !=
      ZX_OK)
    return false;
  boot.args[sizeof boot.args - 1] = 0;
  for (const char *arg = boot.args; *arg; arg += strspn(arg, " ")) {
    size_t len = strcspn(arg, " ");
    if (len > 11 && !strncmp(arg, "janus.user=", 11) && len - 11 < ZX_MAX_NAME_LEN) {
      memcpy(name, arg + 11, len - 11);
      name[len - 11] = 0;
      return true;
    }
    arg += len;
  }
  return false;
}

int main(void) {
  char only[ZX_MAX_NAME_LEN];
  if (only_program(only)) {
    printf("user suite: %s alone (janus.user)\n", only);
    warm_stack();
    return !run_checked(only, strncmp(only, "fault", 5) ? 0 : ZX_TASK_RETCODE_EXCEPTION_KILL);
  }
  static char list[LIST_MAX + 1];  // NUL-terminated: one byte more than it reads
  zx_status_t status = janus_bootfs_read(janus_bootfs(), "suite.list", list, LIST_MAX, NULL);
  printf("user suite: %s\n", status == ZX_OK ? "suite.list" : "no suite.list");  // stdio set up
  if (status != ZX_OK) return 1;
  warm_stack();
  int failed = 0;
  for (char *line = list, *next; *line; line = next) {
    next = line + strcspn(line, "\n");
    if (*next) *next++ = 0;
    const char *program;
    int64_t expected;
    if (!*line || *line == '#') continue;
    if (!parse(line, &program, &expected)) {
      printf("FAIL user/suite.list (a malformed line: '%s')\n", line);
      failed++;
      continue;
    }
    failed += !run_checked(program, expected);
  }
  return failed;
}
