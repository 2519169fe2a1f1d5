// Bench groups (group.h).
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "bench.h"
#include "group.h"

static bool parse_unsigned(const char **p, unsigned *out) {
  if (**p < '0' || **p > '9') return false;
  unsigned v = 0;
  while (**p >= '0' && **p <= '9') v = v * 10 + (unsigned)(*(*p)++ - '0');
  *out = v;
  return true;
}

// "<program> <i>/<n>" into name (no snprintf: these images stay small).
static void member_name(char *name, const char *program, unsigned i, unsigned n) {
  size_t len = strlen(program);
  memcpy(name, program, len);
  name[len++] = ' ';
  for (unsigned k = 0; k < 2; k++) {
    char digits[12];
    int d = 0;
    for (unsigned v = k ? n : i; d == 0 || v; v /= 10) digits[d++] = (char)('0' + v % 10);
    while (d) name[len++] = digits[--d];
    if (k == 0) name[len++] = '/';
  }
  name[len] = 0;
}

// Maps size bytes of vmo (a new one when *vmo is invalid) read/write, at address
// (0: anywhere).
static void *map(zx_handle_t *vmo, size_t size, uintptr_t address) {
  zx_info_vmar_t root = {0};
  uintptr_t addr = 0;
  if (*vmo == ZX_HANDLE_INVALID && zx_vmo_create(size, 0, vmo) != ZX_OK) return NULL;
  if (zx_object_get_info(zx_vmar_root_self(), ZX_INFO_VMAR, &root, sizeof root, NULL, NULL) !=
      ZX_OK)
    return NULL;
  zx_vm_option_t options = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | (address ? ZX_VM_SPECIFIC : 0);
  if (zx_vmar_map(zx_vmar_root_self(), options, address ? address - root.base : 0, *vmo, 0, size,
                  &addr) != ZX_OK)
    return NULL;
  return (void *)addr;
}

static size_t procs_bytes(unsigned count) { return ((count * sizeof(zx_handle_t)) | 4095) + 1; }

bool bench_group_is_member(void) { return janus_startup_handle(0) != ZX_HANDLE_INVALID; }

bool bench_group_start(const char *program, unsigned count, struct bench_group *g) {
  *g = (struct bench_group){.index = 0, .count = count};
  unsigned cpu = bench_thread_cpu(zx_thread_self());
  zx_handle_t procs_vmo = ZX_HANDLE_INVALID;
  zx_status_t st = zx_job_create(zx_job_default(), 0, &g->job);
  if (st == ZX_OK) st = zx_event_create(0, &g->event);
  if (st == ZX_OK && (!(g->data = map(&g->vmo, BENCH_GROUP_BYTES, BENCH_GROUP_ADDR)) ||
                      !(g->procs = map(&procs_vmo, procs_bytes(count), 0))))
    st = ZX_ERR_NO_MEMORY;
  zx_handle_close(procs_vmo);                // the mapping keeps it
  zx_handle_t peer_end = ZX_HANDLE_INVALID;  // member 1's end of the channel
  if (st == ZX_OK && count > 1) st = zx_channel_create(0, &g->channel, &peer_end);
  for (unsigned i = 1; st == ZX_OK && i < count; i++) {
    char name[ZX_MAX_NAME_LEN];
    zx_handle_t handles[3] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID, peer_end};
    member_name(name, program, i, count);
    st = zx_handle_duplicate(g->event, ZX_RIGHT_SAME_RIGHTS, &handles[0]);
    if (st == ZX_OK) st = zx_handle_duplicate(g->vmo, ZX_RIGHT_SAME_RIGHTS, &handles[1]);
    janus_launch_options_t o = {
        .name = name, .cpu = cpu, .handle_count = i == 1 ? 3 : 2, .handles = handles};
    if (st == ZX_OK) {
      st =
          janus_launch_bootfs_etc(g->job, janus_bootfs(), program, &o, &g->procs[i]);  // moves them
    } else {
      zx_handle_close(handles[0]);
      if (i == 1) zx_handle_close(peer_end);
    }
    if (st != ZX_OK) bench_printf("%s: member %u of %u: status %d\n", program, i, count, (int)st);
    if (st == ZX_OK && i >= BENCH_GROUP_TRACKED) {
      zx_handle_close(g->procs[i]);
      g->procs[i] = ZX_HANDLE_INVALID;
    }
  }
  if (st == ZX_OK) return true;
  zx_task_kill(g->job);
  bench_group_leave(g);
  return false;
}

bool bench_group_join(struct bench_group *g) {
  char name[ZX_MAX_NAME_LEN] = {0};
  *g = (struct bench_group){.event = janus_startup_handle(0),
                            .vmo = janus_startup_handle(1),
                            .channel = janus_startup_handle(2)};
  if (zx_object_get_property(zx_process_self(), ZX_PROP_NAME, name, sizeof name) != ZX_OK)
    return false;
  const char *p = name;
  while (*p && *p != ' ') p++;
  if (*p++ != ' ' || !parse_unsigned(&p, &g->index) || *p++ != '/' ||
      !parse_unsigned(&p, &g->count) || *p)
    return false;
  return g->index < g->count &&
         (g->data = map(&g->vmo, BENCH_GROUP_BYTES, BENCH_GROUP_ADDR)) != NULL;
}

bool bench_group_arrive(const struct bench_group *g, uint32_t *arrived, unsigned count) {
  if (__atomic_add_fetch(arrived, 1, __ATOMIC_SEQ_CST) != count) return true;
  return zx_object_signal(g->event, 0, BENCH_GROUP_ARRIVED) == ZX_OK;
}

bool bench_group_wait_arrived(const struct bench_group *g) {
  return zx_object_wait_one(g->event, BENCH_GROUP_ARRIVED, ZX_TIME_INFINITE, NULL) == ZX_OK;
}

bool bench_group_leave(struct bench_group *g) {
  bool ok = true;
  for (unsigned i = 1; g->procs && i < g->count; i++) {
    if (g->procs[i] == ZX_HANDLE_INVALID) continue;
    zx_info_process_t info = {0};
    if (zx_object_wait_one(g->procs[i], ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL) != ZX_OK ||
        zx_object_get_info(g->procs[i], ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL) != ZX_OK ||
        info.return_code != 0)
      ok = false;
    zx_handle_close(g->procs[i]);
  }
  if (g->job != ZX_HANDLE_INVALID && g->count > BENCH_GROUP_TRACKED &&
      zx_object_wait_one(g->job, ZX_JOB_NO_PROCESSES, ZX_TIME_INFINITE, NULL) != ZX_OK)
    ok = false;
  if (g->procs) zx_vmar_unmap(zx_vmar_root_self(), (uintptr_t)g->procs, procs_bytes(g->count));
  if (g->data) zx_vmar_unmap(zx_vmar_root_self(), (uintptr_t)g->data, BENCH_GROUP_BYTES);
  zx_handle_close(g->job);
  zx_handle_close(g->vmo);
  zx_handle_close(g->event);
  zx_handle_close(g->channel);
  return ok;
}
