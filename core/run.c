// What the kernel does once every CPU is up. Demo builds run the boot filesystem's
// "main" program (make run PROGRAM=...) or else "hello"; test builds run the
// kernel self-tests, then every user program of the test suite.
#include <janus/console.h>
#include <janus/process.h>
#include <janus/selftest.h>
#include <string.h>

#include "core/boot_log.h"
#include "core/bootfs.h"

// Runs a boot-filesystem program to its end; *code is its return code.
static zx_status_t run_program(const char *name, int64_t *code) {
  const void *image;
  size_t size;
  if (!bootfs_find(name, &image, &size)) return ZX_ERR_NOT_FOUND;
  struct process *p;
  zx_status_t status = process_create(name, &p);
  if (status != ZX_OK) return status;
  uintptr_t entry;
  status = process_load_elf(p, image, size, &entry);
  if (status == ZX_OK) status = process_start(p, entry, USER_STACK_TOP);
  if (status == ZX_OK) *code = process_wait(p);
  kobject_unref(&p->obj);
  return status;
}

#if KCONFIG_SELFTEST
// Every "test-*" program must exit 0; "fault" must be killed by its exception
// while the kernel carries on; "hello" must exit 0.
static int run_user_suite(void) {
  int failed = 0;
  for (size_t i = 0; i < bootfs_count(); i++) {
    const char *name = bootfs_name(i);
    int64_t expected = strcmp(name, "fault") == 0 ? ZX_TASK_RETCODE_EXCEPTION_KILL : 0;
    if (strncmp(name, "test-", 5) && strcmp(name, "fault") && strcmp(name, "hello")) continue;
    int64_t code = 1;
    zx_status_t status = run_program(name, &code);
    bool ok = status == ZX_OK && code == expected;
    kprintf("%s user/%s (status %d, exit %ld)\n", ok ? "PASS" : "FAIL", name, status, (long)code);
    failed += !ok;
  }
  return failed;
}
#endif

int kernel_run(void) {
#if KCONFIG_SELFTEST
  int status = selftest_run_all(boot_info.bootargs);
  return run_user_suite() ? 1 : status;
#else
  const char *name = bootfs_find("main", NULL, NULL) ? "main" : "hello";
  int64_t code = 0;
  zx_status_t status = run_program(name, &code);
  if (status != ZX_OK) {
    kprintf("demo: cannot run %s: status %d\n", name, status);
    return 1;
  }
  kprintf("program %s exited with %ld\n", name, (long)code);
  return code == 0 ? 0 : 1;
#endif
}
