// Bench groups: several copies of one bootfs program, started together by the kernel
// (written before user space could start programs; with janus_launch a benchmark could
// now start its peers itself, which would take this out of the kernel). The copies
// share one job, one event and one VMO (include/janus/bench_group.h).
#include <janus/arch.h>
#include <janus/bench_group.h>
#include <janus/console.h>
#include <janus/process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>

#include "core/boot/bench_group.h"
#include "core/boot/boot_log.h"
#include "core/boot/bootfs.h"
#include "core/object/channel.h"
#include "core/object/event.h"
#include "core/object/job.h"
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

#if KCONFIG_BENCH
// Which programs run as groups, and how big (bootargs "bench-ring=2,16,..." override).
// 8,192 ring members fit in 1 GiB; 65,536 (past the 16-bit ASID count) need more.
static const unsigned pair_sizes[] = {2, 0};
static const unsigned ring_sizes[] = {2, 16, 256, 4096, 8192, 0};
static const struct {
  const char *program;
  const unsigned *sizes;
} groups[] = {
    {"bench-pair", pair_sizes},
    {"bench-ring", ring_sizes},
};

void bench_banner(const char *bootargs) {
  bool icount = strstr(bootargs, "janus.bench.icount") != NULL;
  uint64_t hz = arch_cpu_clock_hz();
  kprintf("bench: unit: %s\n", icount ? "instructions (QEMU icount), not cycles"
                                       : "CPU cycles (PMCCNTR_EL0)");
  // Without the firmware mailbox the set clock is unknown; this is what the counter did.
  kprintf("bench: CPU clock %lu.%03lu MHz, measured: cycle counter against the %lu Hz "
          "system counter%s\n", (unsigned long)(hz / 1000000), (unsigned long)(hz / 1000 % 1000),
          (unsigned long)arch_timer_frequency(),
          icount ? " (under QEMU both follow virtual time: 1 GHz by construction)" : "");
}

// "<program>=n,n,..." in bootargs replaces a group's sizes (up to 15 of them).
static const unsigned *sizes_from_bootargs(const char *program) {
  static unsigned sizes[16];
  size_t len = strlen(program);
  for (const char *p = boot_info.bootargs; (p = strstr(p, program)) != NULL; p += len) {
    if ((p != boot_info.bootargs && p[-1] != ' ') || p[len] != '=') continue;
    unsigned n = 0;
    for (p += len + 1; n < 15 && *p >= '0' && *p <= '9';) {
      unsigned v = 0;
      while (*p >= '0' && *p <= '9') v = v * 10 + (unsigned)(*p++ - '0');
      sizes[n++] = v;
      if (*p == ',') p++;
    }
    sizes[n] = 0;
    return sizes;
  }
  return NULL;
}

const unsigned *bench_group_sizes(const char *program) {
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
    if (strcmp(groups[i].program, program)) continue;
    const unsigned *sizes = sizes_from_bootargs(program);
    return sizes ? sizes : groups[i].sizes;
  }
  return NULL;
}

// Adds a handle to obj in p and writes its value into the group header at offset.
static zx_status_t give_handle(struct process *p, struct vmo *vmo, struct kobject *obj,
                               zx_rights_t rights, size_t offset) {
  zx_handle_t h;
  zx_status_t status = handle_table_add(p->handles, obj, rights, &h);
  if (status == ZX_OK) status = vmo_write(vmo, &h, offset, sizeof h);
  return status;
}

// Member i: its own process in job, the group VMO mapped, its handles to the event
// (and for members 0 and 1 to their end of the channel) written into the header,
// started (it runs once this kernel thread blocks).
static zx_status_t make_member(const char *program, unsigned i, unsigned count, struct job *job,
                               struct vmo *vmo, struct kobject *event, struct channel *ends[2],
                               struct process **out) {
  const void *image;
  size_t size;
  if (!bootfs_find(program, &image, &size)) return ZX_ERR_NOT_FOUND;
  char name[ZX_MAX_NAME_LEN];
  snprintf(name, sizeof name, "%s %u/%u", program, i, count);
  struct process *p;
  zx_status_t status = process_create(name, &p);
  if (status != ZX_OK) return status;
  status = job_add_process(job, p);
  uintptr_t entry = 0, addr;
  if (status == ZX_OK) status = process_load_elf(p, image, size, &entry);
  if (status == ZX_OK)
    status = vmar_map(p->root_vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE,
                      BENCH_GROUP_ADDR - VMAR_ROOT_BASE, vmo, ZX_DEFAULT_VMO_RIGHTS, 0,
                      BENCH_GROUP_SIZE, &addr);
  if (status == ZX_OK)
    status = give_handle(p, vmo, event, ZX_DEFAULT_EVENT_RIGHTS,
                         offsetof(struct bench_group, event) + i * sizeof(zx_handle_t));
  if (status == ZX_OK && i < 2)
    status = give_handle(p, vmo, &ends[i]->end.obj, ZX_DEFAULT_CHANNEL_RIGHTS,
                         offsetof(struct bench_group, channel) + i * sizeof(zx_handle_t));
  if (status == ZX_OK) status = process_start(p, entry, USER_STACK_TOP);
  if (status != ZX_OK) {
    process_kill(p, ZX_TASK_RETCODE_SYSCALL_KILL);  // never started: dead at once
    kobject_unref(&p->obj);
    return status;
  }
  *out = p;
  return ZX_OK;
}

zx_status_t bench_group_run(const char *program, unsigned count, int64_t *code) {
  if (count == 0 || count > BENCH_GROUP_MAX) return ZX_ERR_INVALID_ARGS;
  struct process **members = calloc(count, sizeof *members);
  struct job *job = NULL;
  struct vmo *vmo = NULL;
  struct kobject *event = NULL;
  struct channel *ends[2] = {NULL, NULL};
  zx_status_t status = members ? job_create(root_job(), &job) : ZX_ERR_NO_MEMORY;
  if (status == ZX_OK) status = vmo_create(BENCH_GROUP_SIZE, 0, &vmo);
  if (status == ZX_OK) status = event_create(&event);
  if (status == ZX_OK) status = channel_create(&ends[0], &ends[1]);
  // Field by field: the header with its handle array is far too big for a kernel stack.
  uint32_t magic = BENCH_GROUP_MAGIC;
  if (status == ZX_OK)
    status = vmo_write(vmo, &magic, offsetof(struct bench_group, magic), sizeof magic);
  if (status == ZX_OK)
    status = vmo_write(vmo, &count, offsetof(struct bench_group, count), sizeof count);
  // Kernel threads are not preempted: every member exists before the first one runs.
  unsigned made = 0;
  while (status == ZX_OK && made < count) {
    status = make_member(program, made, count, job, vmo, event, ends, &members[made]);
    if (status == ZX_OK) made++;
  }
  if (status != ZX_OK) {
    kprintf("bench: %s: member %u of %u: status %d\n", program, made, count, status);
    for (unsigned i = 0; i < made; i++) process_kill(members[i], ZX_TASK_RETCODE_SYSCALL_KILL);
  }
  *code = 0;
  for (unsigned i = 0; i < made; i++) {
    int64_t c = process_wait(members[i]);
    if (*code == 0) *code = c;
    kobject_unref(&members[i]->obj);
  }
  if (event) kobject_unref(event);
  for (int i = 0; i < 2; i++)
    if (ends[i]) kobject_unref(&ends[i]->end.obj);
  if (vmo) kobject_unref(&vmo->obj);
  if (job) kobject_unref(&job->obj);
  free(members);
  return status;
}
#endif
