// User-space tests of handles, jobs, processes and object info/properties:
// zx_handle_duplicate/replace, zx_job_create, zx_process_create/start, zx_task_kill,
// zx_process_read/write_memory, zx_object_get_info, zx_object_get/set_property —
// success paths and every documented error.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define WILD_PTR ((void *)0x70000000UL)  // user range, nothing mapped

static zx_info_handle_basic_t basic(zx_handle_t h) {
  zx_info_handle_basic_t info;
  memset(&info, 0, sizeof info);
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info;
}

static zx_info_process_t process_info(zx_handle_t h) {
  zx_info_process_t info;
  memset(&info, 0, sizeof info);
  EXPECT_EQ(zx_object_get_info(h, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  return info;
}

static zx_handle_t dup(zx_handle_t h, zx_rights_t rights) {
  zx_handle_t out = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_duplicate(h, rights, &out), ZX_OK);
  return out;
}

static void test_duplicate(void) {
  zx_handle_t self = zx_process_self();
  zx_handle_t h = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_duplicate(self, ZX_RIGHT_SAME_RIGHTS, &h), ZX_OK);
  EXPECT_EQ(h != self && h != ZX_HANDLE_INVALID, 1);
  EXPECT_EQ(basic(h).koid, basic(self).koid);
  EXPECT_EQ(basic(h).rights, basic(self).rights);
  zx_handle_t fewer = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);
  EXPECT_EQ(basic(fewer).rights, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);
  zx_handle_t out = 0x1234;
  // Not a subset of the source's rights.
  EXPECT_EQ(zx_handle_duplicate(fewer, ZX_RIGHT_WRITE, &out), ZX_ERR_INVALID_ARGS);
  // No ZX_RIGHT_DUPLICATE.
  zx_handle_t nodup = dup(self, ZX_RIGHT_INSPECT);
  EXPECT_EQ(zx_handle_duplicate(nodup, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(out, 0x1234);
  // Bad handles.
  EXPECT_EQ(zx_handle_duplicate(ZX_HANDLE_INVALID, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_duplicate(0x12345677, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(h), ZX_OK);
  EXPECT_EQ(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);  // closed
  // Bad out pointers: the new handle must not leak (it is closed again).
  EXPECT_EQ(zx_handle_duplicate(self, ZX_RIGHT_SAME_RIGHTS, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_duplicate(self, ZX_RIGHT_SAME_RIGHTS, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_duplicate(self, ZX_RIGHT_SAME_RIGHTS, WILD_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_close(fewer), ZX_OK);
  EXPECT_EQ(zx_handle_close(nodup), ZX_OK);
}

static void test_replace(void) {
  zx_handle_t self = zx_process_self();
  zx_handle_t h = dup(self, ZX_RIGHT_SAME_RIGHTS), r = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_replace(h, ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE, &r), ZX_OK);
  EXPECT_EQ(basic(r).rights, ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE);
  EXPECT_EQ(basic(r).koid, basic(self).koid);
  EXPECT_EQ(zx_handle_close(h), ZX_ERR_BAD_HANDLE);  // replaced
  zx_handle_t r2 = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_replace(r, ZX_RIGHT_SAME_RIGHTS, &r2), ZX_OK);
  EXPECT_EQ(basic(r2).rights, ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE);
  // More rights than it has: INVALID_ARGS, and the handle is gone all the same.
  zx_handle_t out = 0x1234;
  EXPECT_EQ(zx_handle_replace(r2, ZX_RIGHT_WRITE, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_close(r2), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_replace(ZX_HANDLE_INVALID, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_replace(0x12345677, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(out, 0x1234);
  // A bad out pointer: the replacement is closed, the original is gone too.
  h = dup(self, ZX_RIGHT_SAME_RIGHTS);
  EXPECT_EQ(zx_handle_replace(h, ZX_RIGHT_SAME_RIGHTS, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
  h = dup(self, ZX_RIGHT_SAME_RIGHTS);
  EXPECT_EQ(zx_handle_replace(h, ZX_RIGHT_SAME_RIGHTS, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_handle_close(h), ZX_ERR_BAD_HANDLE);
}

static void test_info_basic(void) {
  zx_handle_t self = zx_process_self();
  zx_info_handle_basic_t info;
  size_t actual = 99, avail = 99;
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, &info, sizeof info, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(actual, 1);
  EXPECT_EQ(avail, 1);
  EXPECT_EQ(info.type, ZX_OBJ_TYPE_PROCESS);
  EXPECT_EQ(info.rights, ZX_DEFAULT_PROCESS_RIGHTS);
  EXPECT_EQ(info.koid >= ZX_KOID_FIRST, 1);
  // Any handle works, whatever its rights.
  zx_handle_t none = dup(self, ZX_RIGHT_DUPLICATE);
  EXPECT_EQ(zx_object_get_info(none, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.rights, ZX_RIGHT_DUPLICATE);
  EXPECT_EQ(zx_handle_close(none), ZX_OK);
  // Too small for one record: BUFFER_TOO_SMALL, with actual 0 and avail 1.
  actual = avail = 99;
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, &info, sizeof info - 1, &actual, &avail),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(avail, 1);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, NULL, 0, NULL, NULL),
            ZX_ERR_BUFFER_TOO_SMALL);
  // Bad pointers.
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, NULL, sizeof info, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, KERNEL_PTR, sizeof info, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, WILD_PTR, sizeof info, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, &info, sizeof info, KERNEL_PTR, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, WILD_PTR),
            ZX_ERR_INVALID_ARGS);
  // Bad handles and topics.
  EXPECT_EQ(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL,
                               NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_get_info(0x12345677, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_get_info(self, 0x7777, &info, sizeof info, NULL, NULL), ZX_ERR_NOT_SUPPORTED);
  // The thread handle, when the runtime has one: related_koid is the process.
  zx_handle_t thread = zx_thread_self();
  if (thread != ZX_HANDLE_INVALID) {
    EXPECT_EQ(basic(thread).type, ZX_OBJ_TYPE_THREAD);
    EXPECT_EQ(basic(thread).related_koid, basic(self).koid);
  }
}

static void test_info_process(void) {
  zx_handle_t self = zx_process_self();
  zx_info_process_t info = process_info(self);
  EXPECT_EQ(info.flags, ZX_INFO_PROCESS_FLAG_STARTED);
  size_t actual = 99, avail = 99;
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS, &info, sizeof info - 1, &actual, &avail),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(avail, 1);
  zx_handle_t noinspect = dup(self, ZX_RIGHT_DUPLICATE);
  EXPECT_EQ(zx_object_get_info(noinspect, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(noinspect), ZX_OK);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS, KERNEL_PTR, sizeof info, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL),
            ZX_ERR_BAD_HANDLE);
  zx_koid_t koids[4];
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, NULL, NULL),
            ZX_ERR_WRONG_TYPE);
}

static void test_properties(void) {
  zx_handle_t self = zx_process_self();
  char name[ZX_MAX_NAME_LEN], saved[ZX_MAX_NAME_LEN];
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, saved, sizeof saved), ZX_OK);
  EXPECT_EQ(strcmp(saved, "test-handles_objects"), 0);
  const char *longer = "a-name-that-is-much-longer-than-thirty-one-characters";
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, longer, strlen(longer)), ZX_OK);
  memset(name, 'x', sizeof name);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strlen(name), ZX_MAX_NAME_LEN - 1);
  EXPECT_EQ(strncmp(name, longer, ZX_MAX_NAME_LEN - 1), 0);
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, "abc", 3), ZX_OK);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strcmp(name, "abc"), 0);
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, "", 0), ZX_OK);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(name[0], '\0');
  // Errors.
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, name, sizeof name - 1),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, NULL, sizeof name), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, KERNEL_PTR, sizeof name),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, WILD_PTR, sizeof name), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, NULL, 3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, KERNEL_PTR, 3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, WILD_PTR, 3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_property(ZX_HANDLE_INVALID, ZX_PROP_NAME, name, sizeof name),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_set_property(0x12345677, ZX_PROP_NAME, "x", 1), ZX_ERR_BAD_HANDLE);
  zx_handle_t ro = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_GET_PROPERTY);
  zx_handle_t wo = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_SET_PROPERTY);
  EXPECT_EQ(zx_object_set_property(ro, ZX_PROP_NAME, "x", 1), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_get_property(wo, ZX_PROP_NAME, name, sizeof name), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  EXPECT_EQ(zx_handle_close(wo), ZX_OK);
  EXPECT_EQ(zx_object_get_property(self, 0x7777, name, sizeof name), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(zx_object_set_property(self, 0x7777, name, sizeof name), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(zx_object_set_property(self, ZX_PROP_NAME, saved, strlen(saved)), ZX_OK);
  EXPECT_EQ(zx_object_get_property(self, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strcmp(name, saved), 0);
}

static char memory[3 * 4096];

// The end of the mapping that holds addr (0 if none), and whether another mapping
// starts right there.
static void mapping_end_of(uintptr_t addr, uintptr_t *end, bool *followed) {
  static zx_info_maps_t maps[64];
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual,
                               &avail), ZX_OK);
  *end = 0;
  for (size_t i = 0; i < actual; i++)
    if (maps[i].type == ZX_INFO_MAPS_TYPE_MAPPING && addr >= maps[i].base &&
        addr - maps[i].base < maps[i].size)
      *end = maps[i].base + maps[i].size;
  *followed = false;
  for (size_t i = 0; *end && i < actual; i++)
    *followed |= maps[i].type == ZX_INFO_MAPS_TYPE_MAPPING && maps[i].base == *end;
}

static void test_process_memory(void) {
  zx_handle_t self = zx_process_self();
  char buf[64];
  size_t actual = 0;
  // Across a page boundary, in this very process.
  char *target = (char *)(((uintptr_t)memory + 4096) & ~4095UL) - 20;
  EXPECT_EQ(zx_process_write_memory(self, (uintptr_t)target, "hello, process memory!!!!!", 26,
                                    &actual), ZX_OK);
  EXPECT_EQ(actual, 26);
  EXPECT_EQ(memcmp(target, "hello, process memory!!!!!", 26), 0);
  memset(buf, 0, sizeof buf);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)target, buf, 26, &actual), ZX_OK);
  EXPECT_EQ(actual, 26);
  EXPECT_EQ(memcmp(buf, "hello, process memory!!!!!", 26), 0);
  // A read that runs off the end of the stack mapping stops there (unless, by chance,
  // another mapping follows it).
  uintptr_t stack_top = 0;
  bool followed = false;
  mapping_end_of((uintptr_t)__builtin_frame_address(0), &stack_top, &followed);
  EXPECT_EQ(stack_top != 0, 1);
  EXPECT_EQ(zx_process_read_memory(self, stack_top - 8, buf, 16, &actual), ZX_OK);
  EXPECT_EQ(actual, followed ? 16 : 8);
  // Nothing mapped: NO_MEMORY.
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)WILD_PTR, buf, 8, &actual), ZX_ERR_NO_MEMORY);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)KERNEL_PTR, buf, 8, &actual), ZX_ERR_NO_MEMORY);
  EXPECT_EQ(zx_process_write_memory(self, (uintptr_t)WILD_PTR, buf, 8, &actual), ZX_ERR_NO_MEMORY);
  EXPECT_EQ(zx_process_write_memory(self, 0, buf, 8, &actual), ZX_ERR_NO_MEMORY);
  // Bad arguments.
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)memory, NULL, 8, &actual), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)memory, buf, 0, &actual), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)memory, buf, 65UL << 20, &actual),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)memory, KERNEL_PTR, 8, &actual),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)memory, WILD_PTR, 8, &actual),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_read_memory(self, (uintptr_t)memory, buf, 8, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_write_memory(self, (uintptr_t)memory, NULL, 8, &actual), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_write_memory(self, (uintptr_t)memory, buf, 0, &actual), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_write_memory(self, (uintptr_t)memory, KERNEL_PTR, 8, &actual),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_write_memory(self, (uintptr_t)memory, WILD_PTR, 8, &actual),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_read_memory(ZX_HANDLE_INVALID, (uintptr_t)memory, buf, 8, &actual),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_write_memory(0x12345677, (uintptr_t)memory, buf, 8, &actual),
            ZX_ERR_BAD_HANDLE);
  // Rights: reading needs READ and WRITE, writing needs WRITE.
  zx_handle_t ro = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ);
  zx_handle_t wo = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_WRITE);
  EXPECT_EQ(zx_process_read_memory(ro, (uintptr_t)memory, buf, 8, &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_process_write_memory(ro, (uintptr_t)memory, buf, 8, &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_process_read_memory(wo, (uintptr_t)memory, buf, 8, &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_process_write_memory(wo, (uintptr_t)memory, buf, 8, &actual), ZX_OK);
  EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  EXPECT_EQ(zx_handle_close(wo), ZX_OK);
}

static void test_kill_errors(void) {
  zx_handle_t self = zx_process_self();
  EXPECT_EQ(zx_task_kill(ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_task_kill(0x12345677), ZX_ERR_BAD_HANDLE);
  zx_handle_t nodestroy = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);
  EXPECT_EQ(zx_task_kill(nodestroy), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(nodestroy), ZX_OK);
  zx_handle_t vmo;
  if (zx_vmo_create(4096, 0, &vmo) == ZX_OK) {  // not a task
    EXPECT_EQ(zx_task_kill(vmo), ZX_ERR_ACCESS_DENIED);  // rights come before the type
    EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  }
}

static zx_status_t wait_terminated(zx_handle_t h) {
  zx_signals_t observed = 0;
  zx_status_t status = zx_object_wait_one(h, ZX_TASK_TERMINATED,
                                          ZX_TIME_INFINITE, &observed);
  if (status == ZX_OK && !(observed & ZX_TASK_TERMINATED)) return ZX_ERR_INTERNAL;
  return status;
}

static void test_jobs_and_processes(zx_handle_t job) {
  zx_handle_t self = zx_process_self();
  zx_info_handle_basic_t jinfo = basic(job);
  EXPECT_EQ(jinfo.type, ZX_OBJ_TYPE_JOB);
  EXPECT_EQ(basic(self).related_koid, jinfo.koid);  // a process's related koid: its job
  // This process is one of the job's processes.
  zx_koid_t koids[64];
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  int found = 0;
  for (size_t i = 0; i < actual; i++) found |= koids[i] == basic(self).koid;
  EXPECT_EQ(found, 1);
  EXPECT_EQ(actual >= 1 && actual == avail, 1);
  // This process's job cannot be killed from here (its handle has no ZX_RIGHT_DESTROY).
  EXPECT_EQ(zx_task_kill(job), ZX_ERR_ACCESS_DENIED);

  // zx_job_create.
  zx_handle_t child = ZX_HANDLE_INVALID, out = 0x1234;
  EXPECT_EQ(zx_job_create(job, 0, &child), ZX_OK);
  zx_info_handle_basic_t cinfo = basic(child);
  EXPECT_EQ(cinfo.type, ZX_OBJ_TYPE_JOB);
  EXPECT_EQ(cinfo.rights, ZX_DEFAULT_JOB_RIGHTS);
  EXPECT_EQ(cinfo.related_koid, jinfo.koid);
  EXPECT_EQ(zx_job_create(job, 1, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_job_create(ZX_HANDLE_INVALID, 0, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_job_create(self, 0, &out), ZX_ERR_WRONG_TYPE);
  zx_handle_t nomanage = dup(child, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT | ZX_RIGHT_MANAGE_PROCESS);
  EXPECT_EQ(zx_job_create(nomanage, 0, &out), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_job_create(child, 0, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_job_create(child, 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(out, 0x1234);
  char name[ZX_MAX_NAME_LEN];
  EXPECT_EQ(zx_object_set_property(child, ZX_PROP_NAME, "child-job", 9), ZX_OK);
  EXPECT_EQ(zx_object_get_property(child, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strcmp(name, "child-job"), 0);

  // zx_process_create.
  zx_handle_t proc = ZX_HANDLE_INVALID, vmar = 0x1234;
  EXPECT_EQ(zx_process_create(child, "child-process", 13, 0, &proc, &vmar), ZX_OK);
  zx_info_handle_basic_t pinfo = basic(proc);
  EXPECT_EQ(pinfo.type, ZX_OBJ_TYPE_PROCESS);
  EXPECT_EQ(pinfo.rights, ZX_DEFAULT_PROCESS_RIGHTS);
  EXPECT_EQ(pinfo.related_koid, cinfo.koid);
  EXPECT_EQ(pinfo.koid != basic(self).koid, 1);
  if (vmar == ZX_HANDLE_INVALID) printf("handles_objects: no root VMAR handle yet\n");
  else EXPECT_EQ(basic(vmar).type, ZX_OBJ_TYPE_VMAR);
  EXPECT_EQ(zx_object_get_property(proc, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strcmp(name, "child-process"), 0);
  EXPECT_EQ(process_info(proc).flags, 0);
  zx_handle_t proc2 = ZX_HANDLE_INVALID, vmar2 = ZX_HANDLE_INVALID;
  const char *longer = "a-process-name-longer-than-thirty-one-characters";
  EXPECT_EQ(zx_process_create(child, longer, strlen(longer), 0, &proc2, &vmar2), ZX_OK);
  EXPECT_EQ(zx_object_get_property(proc2, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strlen(name), ZX_MAX_NAME_LEN - 1);
  EXPECT_EQ(strncmp(name, longer, ZX_MAX_NAME_LEN - 1), 0);
  zx_handle_t p3 = 0x1234, v3 = 0x1234;
  EXPECT_EQ(zx_process_create(child, "x", 1, 2, &p3, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create(child, "x", 1, 0x80000000u, &p3, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create(child, NULL, 1, 0, &p3, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create(child, KERNEL_PTR, 4, 0, &p3, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create(child, WILD_PTR, 4, 0, &p3, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create(ZX_HANDLE_INVALID, "x", 1, 0, &p3, &v3), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_create(self, "x", 1, 0, &p3, &v3), ZX_ERR_WRONG_TYPE);
  zx_handle_t noproc = dup(child, ZX_RIGHT_DUPLICATE | ZX_RIGHT_MANAGE_JOB);
  EXPECT_EQ(zx_process_create(noproc, "x", 1, 0, &p3, &v3), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_process_create(child, "x", 1, 0, NULL, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create(child, "x", 1, 0, KERNEL_PTR, &v3), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(p3, 0x1234);
  // The job lists exactly its two processes (the failed creations left nothing behind).
  actual = avail = 0;
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(actual, 2);
  EXPECT_EQ(avail, 2);
  EXPECT_EQ((koids[0] == pinfo.koid || koids[1] == pinfo.koid), 1);
  // A buffer for one: ZX_OK with actual < avail.
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, koids, sizeof koids[0], &actual,
                               &avail), ZX_OK);
  EXPECT_EQ(actual, 1);
  EXPECT_EQ(avail, 2);
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, NULL, 0, &actual, &avail), ZX_OK);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(avail, 2);
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, KERNEL_PTR, sizeof koids, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, WILD_PTR, NULL),
            ZX_ERR_INVALID_ARGS);
  zx_handle_t noenum = dup(child, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);
  EXPECT_EQ(zx_object_get_info(noenum, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_PROCESS, name, sizeof name, NULL, NULL),
            ZX_ERR_WRONG_TYPE);
  // A new process has no memory at all.
  size_t got = 0;
  EXPECT_EQ(zx_process_read_memory(proc, 0x1000, name, 8, &got), ZX_ERR_NO_MEMORY);

  // zx_process_start: errors first.
  zx_handle_t thread = ZX_HANDLE_INVALID, thread2 = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_thread_create(proc, "child-thread", 12, 0, &thread), ZX_OK);
  EXPECT_EQ(zx_thread_create(proc2, "other-thread", 12, 0, &thread2), ZX_OK);
  zx_handle_t arg = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_INSPECT);
  // Every failure still consumes arg1, as in Zircon.
  EXPECT_EQ(zx_process_start(ZX_HANDLE_INVALID, thread, 0x1000, 0x2000, arg, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(arg), ZX_ERR_BAD_HANDLE);
  arg = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);  // no ZX_RIGHT_TRANSFER
  EXPECT_EQ(zx_process_start(proc, thread, 0x1000, 0x2000, arg, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(arg), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_start(proc, thread, 0x1000, 0x2000, 0x12345677, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_start(proc, ZX_HANDLE_INVALID, 0x1000, 0x2000, 0, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_start(proc, proc, 0x1000, 0x2000, 0, 0), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_process_start(thread, thread, 0x1000, 0x2000, 0, 0), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_process_start(proc, thread2, 0x1000, 0x2000, 0, 0), ZX_ERR_ACCESS_DENIED);
  zx_handle_t proc_ro = dup(proc, ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ | ZX_RIGHT_INSPECT);
  EXPECT_EQ(zx_process_start(proc_ro, thread, 0x1000, 0x2000, 0, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_process_start(proc, thread, (uintptr_t)KERNEL_PTR, 0x2000, 0, 0),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_start(proc, thread, 0x1000, (uintptr_t)KERNEL_PTR, 0, 0),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(process_info(proc).flags, 0);  // still not started
  // Start it for real at an address where it has nothing: its first instruction
  // faults and the exception kills it. arg1 moves into it.
  arg = dup(self, ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_INSPECT);
  EXPECT_EQ(zx_process_start(proc, thread, 0x1000, 0x2000, arg, 0), ZX_OK);
  EXPECT_EQ(zx_handle_close(arg), ZX_ERR_BAD_HANDLE);  // no longer ours
  EXPECT_EQ(zx_process_start(proc, thread, 0x1000, 0x2000, 0, 0), ZX_ERR_BAD_STATE);
  EXPECT_EQ(wait_terminated(proc), ZX_OK);
  zx_info_process_t pi = process_info(proc);
  EXPECT_EQ(pi.flags, ZX_INFO_PROCESS_FLAG_STARTED | ZX_INFO_PROCESS_FLAG_EXITED);
  EXPECT_EQ(pi.start_time > 0 && pi.start_time <= zx_clock_get_monotonic(), 1);
  EXPECT_EQ(pi.return_code, ZX_TASK_RETCODE_EXCEPTION_KILL);
  EXPECT_EQ(zx_process_read_memory(proc, 0x1000, name, 8, &got), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_object_get_property(proc, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strcmp(name, "child-process"), 0);
  // A dead process has left its job.
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(avail, 1);

  // Another process's memory through a VMO mapped into its root VMAR: pages it never
  // touched are paged in for the access.
  if (vmar2 != ZX_HANDLE_INVALID) {
    zx_handle_t vmo;
    zx_vaddr_t addr = 0;
    EXPECT_EQ(zx_vmo_create(8192, 0, &vmo), ZX_OK);
    EXPECT_EQ(zx_vmar_map(vmar2, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 8192, &addr), ZX_OK);
    EXPECT_EQ(zx_process_write_memory(proc2, addr + 4090, "crossing", 8, &got), ZX_OK);
    EXPECT_EQ(got, 8);
    memset(name, 0, sizeof name);
    EXPECT_EQ(zx_vmo_read(vmo, name, 4090, 8), ZX_OK);
    EXPECT_EQ(strcmp(name, "crossing"), 0);
    EXPECT_EQ(zx_vmo_write(vmo, "from-vmo", 100, 9), ZX_OK);
    EXPECT_EQ(zx_process_read_memory(proc2, addr + 100, name, 9, &got), ZX_OK);
    EXPECT_EQ(got, 9);
    EXPECT_EQ(strcmp(name, "from-vmo"), 0);
    EXPECT_EQ(zx_process_read_memory(proc2, addr + 8192 - 4, name, 8, &got), ZX_OK);
    EXPECT_EQ(got, 4);  // the mapping ends there
    EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  }

  // zx_task_kill on a process that never started: it is dead at once.
  EXPECT_EQ(zx_task_kill(proc2), ZX_OK);
  EXPECT_EQ(wait_terminated(proc2), ZX_OK);
  pi = process_info(proc2);
  EXPECT_EQ(pi.flags, ZX_INFO_PROCESS_FLAG_EXITED);  // never started
  EXPECT_EQ(pi.start_time, 0);
  EXPECT_EQ(pi.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
  EXPECT_EQ(zx_process_start(proc2, thread2, 0x1000, 0x2000, 0, 0), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_task_kill(proc2), ZX_OK);  // killing again is harmless

  // zx_task_kill on a job: a grandchild job and its process die too, and the killed
  // jobs take no new children.
  zx_handle_t grandchild = ZX_HANDLE_INVALID, gproc = ZX_HANDLE_INVALID, gvmar = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_job_create(child, 0, &grandchild), ZX_OK);
  EXPECT_EQ(zx_process_create(grandchild, "grandchild", 10, 0, &gproc, &gvmar), ZX_OK);
  zx_handle_t nokill = dup(child, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT);
  EXPECT_EQ(zx_task_kill(nokill), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_task_kill(child), ZX_OK);
  EXPECT_EQ(wait_terminated(gproc), ZX_OK);
  EXPECT_EQ(process_info(gproc).return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
  EXPECT_EQ(wait_terminated(grandchild), ZX_OK);
  EXPECT_EQ(wait_terminated(child), ZX_OK);
  EXPECT_EQ(zx_job_create(child, 0, &out), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_job_create(grandchild, 0, &out), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_process_create(child, "late", 4, 0, &p3, &v3), ZX_ERR_BAD_STATE);
  EXPECT_EQ(p3, 0x1234);
  EXPECT_EQ(zx_object_get_info(child, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(avail, 0);

  // Isolation: values we never received, or gave away, mean nothing here.
  EXPECT_EQ(zx_handle_close(pinfo.koid), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_get_info(proc ^ 0x40, ZX_INFO_HANDLE_BASIC, koids, sizeof koids, NULL, NULL),
            ZX_ERR_BAD_HANDLE);

  zx_handle_t all[] = {child, nomanage, proc, vmar, proc2, vmar2, noproc, noenum, thread, thread2,
                       proc_ro, grandchild, gproc, gvmar, nokill};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i] != ZX_HANDLE_INVALID) EXPECT_EQ(zx_handle_close(all[i]), ZX_OK);
}

int main(void) {
  test_duplicate();
  test_replace();
  test_info_basic();
  test_info_process();
  test_properties();
  test_process_memory();
  test_kill_errors();
  zx_handle_t job = zx_job_default();
  if (job == ZX_HANDLE_INVALID)
    printf("handles_objects: no default job handle yet; job and process tests skipped\n");
  else
    test_jobs_and_processes(job);
  printf("handles_objects: %d checks, %d failures\n", checks, failures);
  return failures;
}
