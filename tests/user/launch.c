// Starting programs from user space: the boot filesystem handle every kernel-started
// program gets, janus_launch / janus_launch_bootfs (user/lib/launch.c) with good
// programs (ordinary and a shared prototype) and with malformed images and wrong
// handles, janus_launch_bootfs_etc's options, and the syscall underneath,
// zx_process_start_handles, with each error.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <janus/elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#include "user_test.h"

#define PAGE 4096UL
#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define BAD_HANDLE_VALUE 0x12345677u

static zx_handle_t job;  // everything here runs in a job of its own

static zx_rights_t rights_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info.rights;
}

static bool handle_valid(zx_handle_t h) {
  zx_info_handle_basic_t info;
  return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) == ZX_OK;
}

// Waits for proc to end and returns its exit code (closes proc).
static int64_t wait_exit(zx_handle_t proc) {
  EXPECT_EQ(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_info_process_t info = {0};
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  zx_handle_close(proc);
  return info.return_code;
}

static size_t job_processes(void) {
  size_t actual = 0, avail = 0;
  zx_koid_t koids[4];
  EXPECT_EQ(zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  return avail;
}

// Processes leave their job when they die: wait for those still running to end (a
// hang is the QEMU run's timeout; a deadline here would fail on a busy host).
static void wait_job_empty(void) {
  while (job_processes()) zx_nanosleep(after_ms(1));
}

// A VMO holding a copy of bootfs program name; *size its length.
static zx_handle_t image_copy(const char *name, uint64_t *size) {
  uint64_t offset = 0;
  *size = 0;
  EXPECT_EQ(janus_bootfs_find(janus_bootfs(), name, &offset, size), ZX_OK);
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_vmo_create(*size, 0, &vmo), ZX_OK);
  static char buf[PAGE];
  for (uint64_t done = 0; done < *size; done += sizeof buf) {
    uint64_t n = *size - done < sizeof buf ? *size - done : sizeof buf;
    EXPECT_EQ(zx_vmo_read(janus_bootfs(), buf, offset + done, n), ZX_OK);
    EXPECT_EQ(zx_vmo_write(vmo, buf, done, n), ZX_OK);
  }
  return vmo;
}

static void test_bootfs(void) {
  zx_handle_t bootfs = janus_bootfs();
  EXPECT_EQ(bootfs != ZX_HANDLE_INVALID, 1);
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(bootfs, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.type, ZX_OBJ_TYPE_VMO);
  EXPECT_EQ(info.rights & (ZX_RIGHT_READ | ZX_RIGHT_MAP), ZX_RIGHT_READ | ZX_RIGHT_MAP);
  EXPECT_EQ(info.rights & (ZX_RIGHT_WRITE | ZX_RIGHT_SET_PROPERTY | ZX_RIGHT_SIGNAL), 0);
  EXPECT_EQ(zx_vmo_write(bootfs, "x", 0, 1), ZX_ERR_ACCESS_DENIED);
  char name[ZX_MAX_NAME_LEN] = {0};
  EXPECT_EQ(zx_object_get_property(bootfs, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strcmp(name, "bootfs"), 0);
  // The directory: this very program is in it, as an ELF file.
  uint64_t offset = 0, size = 0;
  EXPECT_EQ(janus_bootfs_find(bootfs, "test-launch", &offset, &size), ZX_OK);
  char magic[4] = {0};
  EXPECT_EQ(zx_vmo_read(bootfs, magic, offset, 4), ZX_OK);
  EXPECT_EQ(memcmp(magic, "\177ELF", 4), 0);
  // Read whole: the same bytes, or nothing when they do not fit.
  char *copy = malloc(size);
  size_t length = 0;
  EXPECT_EQ(janus_bootfs_read(bootfs, "test-launch", copy, size, &length), ZX_OK);
  EXPECT_EQ(length, size);
  EXPECT_EQ(memcmp(copy, "\177ELF", 4), 0);
  copy[0] = 0;
  length = 0;
  EXPECT_EQ(janus_bootfs_read(bootfs, "test-launch", copy, size - 1, &length), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(length, size);
  EXPECT_EQ(copy[0], 0);
  EXPECT_EQ(janus_bootfs_read(bootfs, "no-such-program", copy, size, NULL), ZX_ERR_NOT_FOUND);
  free(copy);
  EXPECT_EQ(janus_bootfs_find(bootfs, "test-", &offset, &size), ZX_ERR_NOT_FOUND);  // a prefix
  EXPECT_EQ(janus_bootfs_find(bootfs, "no-such-program", &offset, &size), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(janus_bootfs_find(bootfs, NULL, &offset, &size), ZX_ERR_INVALID_ARGS);
  // Not a bootfs: the wrong object, an empty one (no entries), a lying one.
  zx_handle_t event, vmo;
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  EXPECT_EQ(janus_bootfs_find(event, "hello", &offset, &size), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(janus_bootfs_find(BAD_HANDLE_VALUE, "hello", &offset, &size), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(janus_bootfs_find(vmo, "hello", &offset, &size), ZX_ERR_NOT_FOUND);
  janus_bootfs_header_t header = {.count = 1000};  // more entries than fit
  EXPECT_EQ(zx_vmo_write(vmo, &header, 0, sizeof header), ZX_OK);
  EXPECT_EQ(janus_bootfs_find(vmo, "hello", &offset, &size), ZX_ERR_INVALID_ARGS);
  janus_bootfs_entry_t entry = {.name_offset = 64, .data_offset = PAGE - 8, .size = 16};
  header.count = 1;
  EXPECT_EQ(zx_vmo_write(vmo, &header, 0, sizeof header), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, &entry, sizeof header, sizeof entry), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, "hello", 64, 6), ZX_OK);
  EXPECT_EQ(janus_bootfs_find(vmo, "hello", &offset, &size), ZX_ERR_INVALID_ARGS);  // past the end
  zx_handle_t ro;
  EXPECT_EQ(zx_handle_duplicate(bootfs, ZX_RIGHT_INSPECT, &ro), ZX_OK);
  EXPECT_EQ(janus_bootfs_find(ro, "hello", &offset, &size), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(ro);
  zx_handle_close(vmo);
  zx_handle_close(event);
}

// The programs launched here check their own start-up handles and say so in their
// exit code (user/programs/launched*.c).
static void test_launch_programs(void) {
  zx_handle_t bootfs = janus_bootfs(), proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(janus_launch_bootfs(job, bootfs, "hello", &proc), ZX_OK);
  EXPECT_EQ(wait_exit(proc), 0);
  EXPECT_EQ(janus_launch_bootfs(job, bootfs, "launched", &proc), ZX_OK);
  EXPECT_EQ(wait_exit(proc), 43);  // with the boot filesystem
  uint64_t size;
  zx_handle_t image = image_copy("launched", &size);
  EXPECT_EQ(janus_launch(job, "launched", image, &proc), ZX_OK);
  EXPECT_EQ(wait_exit(proc), 42);  // without it
  EXPECT_EQ(janus_launch(job, "launched", image, NULL), ZX_OK);  // nobody waits for it
  wait_job_empty();
  EXPECT_EQ(job_processes(), 0);
  EXPECT_EQ(handle_valid(image), 1);  // the caller's handles stay its own
  zx_handle_close(image);
  // A shared prototype: its image goes into the window of a new group.
  EXPECT_EQ(janus_launch_bootfs(job, bootfs, "launched_shared", &proc), ZX_OK);
  EXPECT_EQ(wait_exit(proc), 44);
  // What a launched program looks like from outside: named VMOs at the link address.
  EXPECT_EQ(janus_launch_bootfs(job, bootfs, "sleeper", &proc), ZX_OK);
  EXPECT_EQ(rights_of(proc), ZX_DEFAULT_PROCESS_RIGHTS);
  static zx_info_maps_t maps[32];
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail), ZX_OK);
  int elf = 0, stack = 0, code_at_link_address = 0;
  for (size_t i = 0; i < actual; i++) {
    if (maps[i].type != ZX_INFO_MAPS_TYPE_MAPPING) continue;
    elf += !strcmp(maps[i].name, "elf") && maps[i].depth == 2 && maps[i].u.mapping.vmo_koid != 0;
    stack += !strcmp(maps[i].name, "stack") && maps[i].size == JANUS_LAUNCH_STACK_SIZE;
    code_at_link_address += maps[i].base == 0x400000 &&
                            maps[i].u.mapping.mmu_flags == (ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE);
  }
  EXPECT_EQ(elf, 3);  // text, rodata, data (user/lib/user.ld)
  EXPECT_EQ(stack, 1);
  EXPECT_EQ(code_at_link_address, 1);
  EXPECT_EQ(zx_task_kill(proc), ZX_OK);
  EXPECT_EQ(wait_exit(proc), ZX_TASK_RETCODE_SYSCALL_KILL);
}

// A user-space loader places images itself: ZX_VM_SPECIFIC at 0x400000 in a new
// process's root VMAR, which starts low enough for it (page 0 stays out).
static void test_map_at_link_address(void) {
  zx_handle_t proc, vmar, vmo;
  EXPECT_EQ(zx_process_create(job, "placed", 6, 0, &proc, &vmar), ZX_OK);
  zx_info_vmar_t root = {0};
  EXPECT_EQ(zx_object_get_info(vmar, ZX_INFO_VMAR, &root, sizeof root, NULL, NULL), ZX_OK);
  EXPECT_EQ(root.base > 0 && root.base <= 0x400000, 1);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  zx_vaddr_t addr = 0;
  EXPECT_EQ(zx_vmar_map(vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ, 0x400000 - root.base, vmo, 0, PAGE,
                        &addr), ZX_OK);
  EXPECT_EQ(addr, 0x400000);
  // ZX_INFO_VMAR's errors.
  size_t actual = 9, avail = 9;
  EXPECT_EQ(zx_object_get_info(vmar, ZX_INFO_VMAR, &root, sizeof root - 1, &actual, &avail),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(avail, 1);
  EXPECT_EQ(zx_object_get_info(vmo, ZX_INFO_VMAR, &root, sizeof root, NULL, NULL), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(vmar, ZX_INFO_VMAR, KERNEL_PTR, sizeof root, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(vmar, ZX_RIGHT_READ, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, ZX_INFO_VMAR, &root, sizeof root, NULL, NULL), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  zx_handle_close(vmo);
  zx_handle_close(vmar);
  zx_handle_close(proc);
}

// janus_launch(job, image) of a copy of "launched" changed by edit; the status.
static zx_status_t launch_edited(void (*edit)(uint8_t *elf, struct elf64_phdr *ph)) {
  uint64_t size;
  zx_handle_t image = image_copy("launched", &size);
  static uint8_t elf[PAGE];
  EXPECT_EQ(zx_vmo_read(image, elf, 0, sizeof elf), ZX_OK);
  struct elf64_header *eh = (struct elf64_header *)elf;
  edit(elf, (struct elf64_phdr *)(elf + eh->phoff));
  EXPECT_EQ(zx_vmo_write(image, elf, 0, sizeof elf), ZX_OK);
  zx_handle_t proc = ZX_HANDLE_INVALID;
  zx_status_t status = janus_launch(job, "edited", image, &proc);
  if (status == ZX_OK) wait_exit(proc);
  zx_handle_close(image);
  return status;
}

static void no_edit(uint8_t *elf, struct elf64_phdr *ph) { (void)elf; (void)ph; }
static void bad_magic(uint8_t *elf, struct elf64_phdr *ph) { (void)ph; elf[1] = 'X'; }
static void x86_64(uint8_t *elf, struct elf64_phdr *ph) {
  (void)ph;
  ((struct elf64_header *)elf)->machine = 62;
}
static void shared_object(uint8_t *elf, struct elf64_phdr *ph) {
  (void)ph;
  ((struct elf64_header *)elf)->type = 3;  // ET_DYN
}
static void phdrs_past_end(uint8_t *elf, struct elf64_phdr *ph) {
  (void)ph;
  ((struct elf64_header *)elf)->phoff = ~0ULL - 8;
}
static void too_many_phdrs(uint8_t *elf, struct elf64_phdr *ph) {
  (void)ph;
  ((struct elf64_header *)elf)->phnum = JANUS_LAUNCH_MAX_PHDRS + 1;
}
static void entry_outside_code(uint8_t *elf, struct elf64_phdr *ph) {
  ((struct elf64_header *)elf)->entry = ph[1].vaddr;  // rodata: not executable
}
static void data_past_file(uint8_t *elf, struct elf64_phdr *ph) { (void)elf; ph[2].offset = ~0ULL - 8; }
static void filesz_over_memsz(uint8_t *elf, struct elf64_phdr *ph) {
  (void)elf;
  ph[1].filesz = ph[1].memsz + 1;
}
static void into_page_zero(uint8_t *elf, struct elf64_phdr *ph) { (void)elf; ph[1].vaddr = 0; }
static void overlapping(uint8_t *elf, struct elf64_phdr *ph) { (void)elf; ph[1].vaddr = ph[0].vaddr; }
static void write_only(uint8_t *elf, struct elf64_phdr *ph) { (void)elf; ph[2].flags = ELF_PF_W; }
static void into_kernel(uint8_t *elf, struct elf64_phdr *ph) {  // a "prototype" outside the window
  ((struct elf64_header *)elf)->entry = 0xffff800000400000ULL;
  ph[0].vaddr = 0xffff800000400000ULL;
}
static void wraps(uint8_t *elf, struct elf64_phdr *ph) {
  (void)elf;
  ph[2].memsz = ~0ULL - ph[2].vaddr;
}

static void test_bad_images(void) {
  EXPECT_EQ(launch_edited(no_edit), ZX_OK);  // the unedited copy is good
  EXPECT_EQ(launch_edited(bad_magic), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(x86_64), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(shared_object), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(phdrs_past_end), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(too_many_phdrs), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(entry_outside_code), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(data_past_file), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(filesz_over_memsz), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(into_page_zero), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(overlapping), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(write_only), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(into_kernel), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(launch_edited(wraps), ZX_ERR_INVALID_ARGS);
  // Bytes that are no ELF at all, and nothing.
  zx_handle_t vmo, proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, "#!/bin/sh\necho hi\n", 0, 18), ZX_OK);
  EXPECT_EQ(janus_launch(job, "garbage", vmo, &proc), ZX_ERR_INVALID_ARGS);
  zx_handle_close(vmo);
  EXPECT_EQ(zx_vmo_create(0, 0, &vmo), ZX_OK);
  EXPECT_EQ(janus_launch(job, "empty", vmo, &proc), ZX_ERR_INVALID_ARGS);
  zx_handle_close(vmo);
  EXPECT_EQ(proc, ZX_HANDLE_INVALID);
  EXPECT_EQ(job_processes(), 0);  // nothing half-made is left in the job
}

static void test_bad_handles(void) {
  uint64_t size;
  zx_handle_t image = image_copy("launched", &size), event, weak, proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  // The image.
  EXPECT_EQ(janus_launch(job, "x", BAD_HANDLE_VALUE, &proc), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(janus_launch(job, "x", event, &proc), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_handle_duplicate(image, ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE, &weak), ZX_OK);
  EXPECT_EQ(janus_launch(job, "x", weak, &proc), ZX_ERR_ACCESS_DENIED);  // no ZX_RIGHT_READ
  zx_handle_close(weak);
  EXPECT_EQ(janus_launch(job, NULL, image, &proc), ZX_ERR_INVALID_ARGS);
  // The job.
  EXPECT_EQ(janus_launch(image, "x", image, &proc), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(janus_launch(BAD_HANDLE_VALUE, "x", image, &proc), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_duplicate(job, ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE, &weak), ZX_OK);
  EXPECT_EQ(janus_launch(weak, "x", image, &proc), ZX_ERR_ACCESS_DENIED);  // no MANAGE_PROCESS
  zx_handle_close(weak);
  // The boot filesystem.
  EXPECT_EQ(janus_launch_bootfs(job, event, "launched", &proc), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(janus_launch_bootfs(job, janus_bootfs(), "no-such-program", &proc), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(proc, ZX_HANDLE_INVALID);
  EXPECT_EQ(job_processes(), 0);
  EXPECT_EQ(handle_valid(image) && handle_valid(event) && handle_valid(job), 1);
  zx_handle_close(image);
  zx_handle_close(event);
}

static zx_handle_t duplicate(zx_handle_t h) {
  zx_handle_t d = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &d), ZX_OK);
  return d;
}

// janus_launch_bootfs_etc: a name of its own, the first thread pinned before it starts,
// extra handles in x5.. (moved, also when the launch fails).
static void test_launch_options(void) {
  zx_handle_t bootfs = janus_bootfs(), event, proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  uint32_t cpus = 0;
  janus_info_asid_counters_t counters[8];
  size_t n = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, counters,
                               sizeof counters, &n, NULL), ZX_OK);
  cpus = (uint32_t)n;
  for (uint32_t cpu = 0; cpu < cpus; cpu++) {
    zx_handle_t extra = duplicate(event);
    janus_launch_options_t o = JANUS_LAUNCH_OPTIONS_INIT;
    o.name = "renamed";
    o.cpu = cpu;
    o.handles = &extra;
    o.handle_count = 1;
    EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "launched", &o, &proc), ZX_OK);
    char name[ZX_MAX_NAME_LEN] = {0};
    EXPECT_EQ(zx_object_get_property(proc, ZX_PROP_NAME, name, sizeof name), ZX_OK);
    EXPECT_EQ(strcmp(name, "renamed"), 0);
    EXPECT_EQ(wait_exit(proc), 100 + cpu);  // it saw the event and its CPU
    EXPECT_EQ(handle_valid(extra), 0);      // moved
  }
  // NULL options are janus_launch_bootfs's.
  EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "launched", NULL, &proc), ZX_OK);
  EXPECT_EQ(wait_exit(proc), 43);
  // Errors: the extra handles are gone all the same, and no process is left behind.
  zx_handle_t extra[JANUS_LAUNCH_EXTRA_HANDLES_MAX + 1];
  for (unsigned i = 0; i <= JANUS_LAUNCH_EXTRA_HANDLES_MAX; i++) extra[i] = duplicate(event);
  janus_launch_options_t o = JANUS_LAUNCH_OPTIONS_INIT;
  o.handles = extra;
  o.handle_count = JANUS_LAUNCH_EXTRA_HANDLES_MAX + 1;
  proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "launched", &o, &proc), ZX_ERR_OUT_OF_RANGE);
  for (unsigned i = 0; i <= JANUS_LAUNCH_EXTRA_HANDLES_MAX; i++) EXPECT_EQ(handle_valid(extra[i]), 0);
  extra[0] = duplicate(event);
  o.handle_count = 1;
  o.cpu = cpus;  // not online
  EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "launched", &o, &proc), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(handle_valid(extra[0]), 0);
  extra[0] = duplicate(event);
  o.cpu = JANUS_THREAD_CPU_ANY;
  EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "no-such-program", &o, &proc), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(handle_valid(extra[0]), 0);
  EXPECT_EQ(zx_handle_duplicate(event, ZX_RIGHT_WAIT, &extra[0]), ZX_OK);  // no ZX_RIGHT_TRANSFER
  EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "launched", &o, &proc), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(handle_valid(extra[0]), 0);
  extra[0] = BAD_HANDLE_VALUE;
  EXPECT_EQ(janus_launch_bootfs_etc(job, bootfs, "launched", &o, &proc), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(proc, ZX_HANDLE_INVALID);
  wait_job_empty();
  EXPECT_EQ(job_processes(), 0);
  zx_handle_close(event);
}

// zx_process_start_handles, directly. A probe process runs four instructions that
// exit with the value of one register: what the handle list put there.
struct probe {
  zx_handle_t proc, vmar, thread;
  zx_vaddr_t code;
};

static void probe_make(struct probe *p, unsigned reg) {
  EXPECT_EQ(zx_process_create(job, "probe", 5, 0, &p->proc, &p->vmar), ZX_OK);
  EXPECT_EQ(zx_thread_create(p->proc, "probe", 5, 0, &p->thread), ZX_OK);
  const uint32_t code[] = {
      0xaa0003e0u | reg << 16,                           // mov x0, x<reg>
      0xd2800010u | (uint32_t)SYSNUM_process_exit << 5,  // movz x16, #process_exit
      0xd4000001u,                                       // svc #0
      0xd4200000u,                                       // brk #0 (not reached)
  };
  zx_handle_t plain, vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &plain), ZX_OK);
  EXPECT_EQ(zx_vmo_write(plain, code, 0, sizeof code), ZX_OK);
  EXPECT_EQ(zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(p->vmar, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, vmo, 0, PAGE, &p->code),
            ZX_OK);
  zx_handle_close(vmo);
}

static void probe_close(struct probe *p) {
  zx_handle_close(p->thread);
  zx_handle_close(p->vmar);
  zx_handle_close(p->proc);
}

// Starts a probe that exits with x<reg>, giving it handles[0..n); its exit code.
static int64_t probe_run(unsigned reg, const zx_handle_t *handles, size_t n) {
  struct probe p;
  probe_make(&p, reg);
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, handles, n), ZX_OK);
  zx_handle_close(p.thread);
  zx_handle_close(p.vmar);
  return wait_exit(p.proc);
}

static zx_handle_t new_event(void) {
  zx_handle_t h = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_event_create(0, &h), ZX_OK);
  return h;
}

static void test_start_handles(void) {
  // Handles land in x0, x1, ... as values of the new process (never 0, low bits set);
  // ZX_HANDLE_INVALID entries and the registers past the list are 0.
  zx_handle_t list[3] = {new_event(), ZX_HANDLE_INVALID, new_event()};
  int64_t x0 = probe_run(0, list, 3);
  EXPECT_EQ(x0 != 0 && (x0 & 3) == 3, 1);
  EXPECT_EQ(handle_valid(list[0]) || handle_valid(list[2]), 0);  // moved out
  list[0] = new_event();
  list[2] = new_event();
  EXPECT_EQ(probe_run(1, list, 3), 0);
  list[0] = new_event();
  list[2] = new_event();
  int64_t x2 = probe_run(2, list, 3);
  EXPECT_EQ(x2 != 0 && (x2 & 3) == 3, 1);
  list[0] = new_event();
  list[2] = new_event();
  EXPECT_EQ(probe_run(3, list, 3), 0);
  EXPECT_EQ(probe_run(0, NULL, 0), 0);  // no handles at all
  zx_handle_t eight[JANUS_PROCESS_START_HANDLES_MAX];
  for (unsigned i = 0; i < JANUS_PROCESS_START_HANDLES_MAX; i++) eight[i] = new_event();
  int64_t x7 = probe_run(7, eight, JANUS_PROCESS_START_HANDLES_MAX);
  EXPECT_EQ(x7 != 0 && (x7 & 3) == 3, 1);

  // Errors. The list is read first: too long or unreadable consumes nothing.
  struct probe p;
  probe_make(&p, 0);
  zx_handle_t nine[JANUS_PROCESS_START_HANDLES_MAX + 1];
  for (unsigned i = 0; i <= JANUS_PROCESS_START_HANDLES_MAX; i++) nine[i] = ZX_HANDLE_INVALID;
  nine[0] = new_event();
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, nine,
                                     JANUS_PROCESS_START_HANDLES_MAX + 1), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(handle_valid(nine[0]), 1);
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, NULL, 1),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, KERNEL_PTR, 1),
            ZX_ERR_INVALID_ARGS);
  zx_handle_close(nine[0]);
  // Every other error consumes the listed handles, as zx_process_start's arg1.
  zx_handle_t h = new_event(), vmo;
  EXPECT_EQ(zx_process_start_handles(BAD_HANDLE_VALUE, p.thread, p.code, p.code + PAGE, &h, 1),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_valid(h), 0);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  h = new_event();
  EXPECT_EQ(zx_process_start_handles(vmo, p.thread, p.code, p.code + PAGE, &h, 1), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(handle_valid(h), 0);
  EXPECT_EQ(zx_process_start_handles(p.proc, vmo, p.code, p.code + PAGE, NULL, 0), ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(p.proc, ZX_RIGHT_READ, &weak), ZX_OK);
  EXPECT_EQ(zx_process_start_handles(weak, p.thread, p.code, p.code + PAGE, NULL, 0),
            ZX_ERR_ACCESS_DENIED);  // no ZX_RIGHT_WRITE
  zx_handle_close(weak);
  zx_handle_t bad[2] = {new_event(), BAD_HANDLE_VALUE};
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, bad, 2),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_valid(bad[0]), 0);
  zx_handle_t twice[2] = {new_event(), ZX_HANDLE_INVALID};
  twice[1] = twice[0];
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, twice, 2),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_valid(twice[0]), 0);
  h = new_event();
  EXPECT_EQ(zx_handle_replace(h, ZX_RIGHT_WAIT, &h), ZX_OK);  // no ZX_RIGHT_TRANSFER
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, &h, 1),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(handle_valid(h), 0);
  struct probe other;
  probe_make(&other, 0);
  h = new_event();
  EXPECT_EQ(zx_process_start_handles(p.proc, other.thread, p.code, p.code + PAGE, &h, 1),
            ZX_ERR_ACCESS_DENIED);  // another process's thread
  EXPECT_EQ(handle_valid(h), 0);
  probe_close(&other);
  h = new_event();
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, 0xffff800000400000ULL, p.code + PAGE, &h, 1),
            ZX_ERR_INVALID_ARGS);  // entry in the kernel
  EXPECT_EQ(handle_valid(h), 0);
  EXPECT_EQ(job_processes(), 1);  // still there, never started
  // Started once; a second start is ZX_ERR_BAD_STATE, and still consumes.
  zx_handle_t t2;
  EXPECT_EQ(zx_thread_create(p.proc, "t2", 2, 0, &t2), ZX_OK);
  h = new_event();
  EXPECT_EQ(zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, &h, 1), ZX_OK);
  h = new_event();
  EXPECT_EQ(zx_process_start_handles(p.proc, t2, p.code, p.code + PAGE, &h, 1), ZX_ERR_BAD_STATE);
  EXPECT_EQ(handle_valid(h), 0);
  zx_handle_close(t2);
  zx_handle_close(p.thread);
  zx_handle_close(p.vmar);
  int64_t code = wait_exit(p.proc);
  EXPECT_EQ(code != 0 && (code & 3) == 3, 1);
  zx_handle_close(vmo);
}

// zx_process_start_handles racing zx_task_kill from another CPU: the start either
// wins (the probe exits, or is killed, with its handles) or finds the process dead
// (ZX_ERR_BAD_STATE, the handles consumed); either way nothing leaks (the kernel's
// check after this program) and nothing lands in a torn-down handle table.
#define RACE_ROUNDS 200
static volatile uint32_t race_round, race_done;
static volatile zx_handle_t race_victim;
static uint8_t killer_stack[16384] __attribute__((aligned(16)));

static void killer(uintptr_t arg0, uintptr_t arg1) {
  (void)arg0, (void)arg1;
  for (uint32_t round = 1; round <= RACE_ROUNDS; round++) {
    while (race_round != round) {}
    for (volatile uint32_t spin = 0; spin < (round * 97) % 6000; spin++) {}  // sweep the window
    zx_task_kill(race_victim);
    race_done = round;
  }
  zx_thread_exit();
}

static void test_start_races_kill(void) {
  uint32_t here = 0;
  janus_info_asid_counters_t counters[8];  // one per CPU
  size_t cpus = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, counters,
                               sizeof counters, &cpus, &avail), ZX_OK);
  EXPECT_EQ(zx_object_get_property(zx_thread_self(), JANUS_PROP_THREAD_CPU, &here, sizeof here),
            ZX_OK);
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "killer", 6, 0, &t), ZX_OK);
  uint32_t there = (here + 1) % (uint32_t)(cpus ? cpus : 1);
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &there, sizeof there), ZX_OK);
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)killer, (uintptr_t)(killer_stack + sizeof killer_stack),
                            0, 0), ZX_OK);
  unsigned started = 0, refused = 0;
  for (uint32_t round = 1; round <= RACE_ROUNDS; round++) {
    struct probe p;
    probe_make(&p, 5);  // exits with x5: 0, past the four handles
    zx_handle_t list[4];
    for (unsigned i = 0; i < 4; i++) list[i] = new_event();
    race_victim = p.proc;
    race_round = round;
    zx_status_t status = zx_process_start_handles(p.proc, p.thread, p.code, p.code + PAGE, list, 4);
    started += status == ZX_OK;
    refused += status == ZX_ERR_BAD_STATE;
    if (status != ZX_OK) EXPECT_EQ(status, ZX_ERR_BAD_STATE);
    for (unsigned i = 0; i < 4; i++) EXPECT_EQ(handle_valid(list[i]), 0);  // consumed either way
    while (race_done != round) {}
    int64_t code = wait_exit(p.proc);
    if (code != 0) EXPECT_EQ(code, ZX_TASK_RETCODE_SYSCALL_KILL);
    zx_handle_close(p.thread);
    zx_handle_close(p.vmar);
  }
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_handle_close(t);
  EXPECT_EQ(job_processes(), 0);
  printf("launch: start vs kill: %u started, %u found the process dead\n", started, refused);
}

int main(void) {
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &job), ZX_OK);
  test_bootfs();
  test_map_at_link_address();
  test_launch_programs();
  test_bad_images();
  test_bad_handles();
  test_launch_options();
  test_start_handles();
  test_start_races_kill();
  EXPECT_EQ(job_processes(), 0);
  EXPECT_EQ(zx_task_kill(job), ZX_OK);
  zx_handle_close(job);
  printf("launch: %d checks, %d failures\n", checks, failures);
  return failures;
}
