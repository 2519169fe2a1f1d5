// Fuzz target: the syscall layer's argument checks, on the host. The syscalls that
// build here unchanged (core/syscalls/sys_event.c, sys_handle.c and
// zx_object_get_info's output conventions in info_out.c) run over the real handle
// table and objects, a fake calling process and a fake user address space with an
// unmapped page, its end and the kernel half in reach. The input is a string of calls
// with hostile arguments: handle values live, closed or made up; any rights, options
// and signal masks; user pointers valid, unmapped, straddling an edge, misaligned or
// in the kernel half. Checked on every call: the status is one the call documents; a
// failed call writes no user memory and leaves no new handle (the table holds
// exactly the model's handles); a new handle resolves
// to its object with the rights it should have; signals change exactly as asked.
// At the end every handle is closed and every object must be gone.
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/process.h"
#include "core/syscalls/info_out.h"
#include "core/syscalls/syscall_table.h"
#include "core/vm/slab.h"

#define CHECK(c)       \
  do {                 \
    if (!(c)) abort(); \
  } while (0)

// The kernel's allocators and scheduler, as far as these syscalls reach them.
void *handle_chunk_alloc(void) { return malloc(HANDLE_TABLE_CHUNK_BYTES); }
void handle_chunk_free(void *chunk) { free(chunk); }
void *slab_alloc(struct slab_cache *cache) { return calloc(1, cache->obj_size); }
void slab_free(struct slab_cache *cache, void *obj) {
  (void)cache;
  free(obj);
}
// core/object/signals.c without waiters (it needs the scheduler): what a signal does
// to the object's bits.
void object_signal(struct kobject *obj, zx_signals_t clear, zx_signals_t set) {
  obj->signals = (obj->signals & ~clear) | set;
}

static struct process caller;
static struct handle_table caller_handles;
struct process *process_current(void) {
  return &caller;
}

// User memory: USER_PAGES pages at USER_BASE, the one at HOLE_PAGE unmapped.
#define PAGE 4096u
#define USER_BASE 0x10000u
#define USER_PAGES 4u
#define HOLE_PAGE 2u
static uint8_t user[USER_PAGES * PAGE];

static bool user_range_ok(uintptr_t addr, size_t len) {
  if (addr < USER_BASE || addr - USER_BASE > sizeof user || len > sizeof user - (addr - USER_BASE))
    return false;
  uintptr_t hole = USER_BASE + HOLE_PAGE * PAGE;
  return len == 0 || addr + len <= hole || addr >= hole + PAGE;
}

zx_status_t arch_copy_to_user(uintptr_t dst, const void *src, size_t len) {
  if (!user_range_ok(dst, len)) return ZX_ERR_INVALID_ARGS;
  memcpy(user + (dst - USER_BASE), src, len);
  return ZX_OK;
}

zx_status_t arch_copy_from_user(void *dst, uintptr_t src, size_t len) {
  if (!user_range_ok(src, len)) return ZX_ERR_INVALID_ARGS;
  memcpy(dst, user + (src - USER_BASE), len);
  return ZX_OK;
}

// A hostile program's pointer: near the hole, the ends, the kernel half, or anywhere.
static uintptr_t user_pointer(uint8_t a, uint8_t b) {
  static const uintptr_t bases[] = {
      USER_BASE, USER_BASE + HOLE_PAGE * PAGE, USER_BASE + sizeof user,
      0,         0xffff800000000000u,          UINTPTR_MAX - 7};
  return bases[a % (sizeof bases / sizeof bases[0])] + (uintptr_t)(int8_t)b;
}

// Handles the model holds; values that were valid once.
#define MAX_HELD 256
static zx_handle_t held[MAX_HELD], dead[MAX_HELD];
static size_t held_n, dead_n;

static void hold(zx_handle_t h) {
  if (held_n < MAX_HELD) held[held_n++] = h;
  else CHECK(handle_table_close(caller.handles, h) == ZX_OK);
}

static void forget(zx_handle_t h) {
  for (size_t i = 0; i < held_n; i++)
    if (held[i] == h) {
      held[i] = held[--held_n];
      if (dead_n < MAX_HELD) dead[dead_n++] = h;
      return;
    }
}

static zx_handle_t some_handle(uint8_t a) {
  if (a & 0x80 && dead_n) return dead[a % dead_n];
  if (held_n && a & 0x40) return held[a % held_n];
  return (zx_handle_t)a * 0x01000001u;  // made up
}

static bool is_held(zx_handle_t h) {
  for (size_t i = 0; i < held_n; i++)
    if (held[i] == h) return true;
  return false;
}

static zx_rights_t rights_of(zx_handle_t h) {
  struct kobject *obj;
  zx_rights_t rights = 0;
  CHECK(handle_table_get(caller.handles, h, ZX_OBJ_TYPE_NONE, 0, &obj, &rights) == ZX_OK);
  kobject_unref(obj);
  return rights;
}

// The user memory an out pointer names must be unchanged after a failed call.
struct snapshot {
  uintptr_t addr;
  uint8_t bytes[sizeof(zx_handle_t)];
  bool mapped;
};

static struct snapshot snap(uintptr_t addr) {
  struct snapshot s = {addr, {0}, user_range_ok(addr, sizeof s.bytes)};
  if (s.mapped) memcpy(s.bytes, user + (addr - USER_BASE), sizeof s.bytes);
  return s;
}

static bool unchanged(const struct snapshot *s) {
  return !s->mapped || memcmp(s->bytes, user + (s->addr - USER_BASE), sizeof s->bytes) == 0;
}

static zx_handle_t written_handle(uintptr_t addr) {
  zx_handle_t h;
  memcpy(&h, user + (addr - USER_BASE), sizeof h);
  return h;
}

static void call_event_create(const uint8_t *a) {
  uint32_t options = a[0] & 0x10 ? a[1] : 0;
  uintptr_t out = user_pointer(a[2], a[3]);
  struct snapshot before = snap(out);
  zx_status_t s = sys_event_create(options, (user_out_ptr_t){out});
  if (options) CHECK(s == ZX_ERR_INVALID_ARGS);
  else if (!user_range_ok(out, sizeof(zx_handle_t))) CHECK(s == ZX_ERR_INVALID_ARGS);
  else CHECK(s == ZX_OK);
  if (s != ZX_OK) {
    CHECK(unchanged(&before));
    return;
  }
  zx_handle_t h = written_handle(out);
  CHECK(!is_held(h) && rights_of(h) == ZX_DEFAULT_EVENT_RIGHTS);
  hold(h);
}

static void call_duplicate_or_replace(const uint8_t *a, bool replace) {
  zx_handle_t h = some_handle(a[0]);
  zx_rights_t rights = a[1] & 1 ? ZX_RIGHT_SAME_RIGHTS : (zx_rights_t)a[1] * 0x00010101u;
  uintptr_t out = user_pointer(a[2], a[3]);
  bool live = is_held(h);
  zx_rights_t had = live ? rights_of(h) : 0;
  struct snapshot before = snap(out);
  zx_status_t s = replace ? sys_handle_replace(h, rights, (user_out_ptr_t){out})
                          : sys_handle_duplicate(h, rights, (user_out_ptr_t){out});
  bool subset = rights == ZX_RIGHT_SAME_RIGHTS || !(rights & ~had);
  if (!live) CHECK(s == ZX_ERR_BAD_HANDLE);
  else if (!replace && !(had & ZX_RIGHT_DUPLICATE)) CHECK(s == ZX_ERR_ACCESS_DENIED);
  else if (!subset) CHECK(s == ZX_ERR_INVALID_ARGS);
  else if (!user_range_ok(out, sizeof(zx_handle_t))) CHECK(s == ZX_ERR_INVALID_ARGS);
  else CHECK(s == ZX_OK);
  if (replace && live) {  // a valid handle is always invalidated, whatever the status
    struct kobject *obj;
    CHECK(handle_table_get(caller.handles, h, ZX_OBJ_TYPE_NONE, 0, &obj, NULL) ==
          ZX_ERR_BAD_HANDLE);
    forget(h);
  }
  if (s != ZX_OK) {
    CHECK(unchanged(&before));
    return;
  }
  zx_handle_t n = written_handle(out);
  CHECK(!is_held(n) && rights_of(n) == (rights == ZX_RIGHT_SAME_RIGHTS ? had : rights));
  hold(n);
}

static void call_signal(const uint8_t *a) {
  zx_handle_t h = some_handle(a[0]);
  uint32_t clear = a[1] & 0x80 ? (uint32_t)a[2] << 24 : (uint32_t)a[2] << (a[1] & 31);
  uint32_t set = a[3] & 0x80 ? (uint32_t)a[3] << 24 : (uint32_t)a[3] << (a[1] >> 3 & 31);
  struct kobject *obj = NULL;
  zx_rights_t had = 0;
  bool live = is_held(h);
  if (live) CHECK(handle_table_get(caller.handles, h, ZX_OBJ_TYPE_NONE, 0, &obj, &had) == ZX_OK);
  zx_signals_t old = live ? obj->signals : 0;
  zx_status_t s = sys_object_signal(h, clear, set);
  zx_signals_t allowed = ZX_USER_SIGNAL_ALL | ZX_EVENT_SIGNALED;  // every object here is an event
  if (!live) CHECK(s == ZX_ERR_BAD_HANDLE);
  else if (!(had & ZX_RIGHT_SIGNAL)) CHECK(s == ZX_ERR_ACCESS_DENIED);
  else if ((clear | set) & ~allowed) CHECK(s == ZX_ERR_INVALID_ARGS);
  else CHECK(s == ZX_OK);
  if (live) {
    CHECK(obj->signals == (s == ZX_OK ? ((old & ~clear) | set) : old));
    kobject_unref(obj);
  }
}

static void call_get_info_record(const uint8_t *a) {
  uint64_t record = 0x1122334455667788u;
  uintptr_t buffer = user_pointer(a[0], a[1]), actual = user_pointer(a[2], a[3]);
  uintptr_t avail = a[0] & 0x40 ? 0 : user_pointer(a[3], a[2]);
  size_t size = a[1] & 0x80 ? sizeof record : (size_t)a[1] % 16;
  zx_status_t s = info_single_record((user_out_ptr_t){buffer}, size, (user_out_ptr_t){actual},
                                     (user_out_ptr_t){avail}, &record, sizeof record);
  bool fits = size >= sizeof record;
  bool ok_out = (!fits || user_range_ok(buffer, sizeof record)) &&
                (!actual || user_range_ok(actual, sizeof(size_t))) &&
                (!avail || user_range_ok(avail, sizeof(size_t)));
  if (!ok_out) CHECK(s == ZX_ERR_INVALID_ARGS);
  else CHECK(s == (fits ? ZX_OK : ZX_ERR_BUFFER_TOO_SMALL));
}

static void close_some(const uint8_t *a) {
  zx_handle_t h = some_handle(a[0]);
  bool live = is_held(h);
  CHECK(handle_table_close(caller.handles, h) == (live ? ZX_OK : ZX_ERR_BAD_HANDLE));
  if (live) forget(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  memset(&caller, 0, sizeof caller);
  caller.handles = caller.own_handles = &caller_handles;
  handle_table_init(caller.handles, size * 0x9e3779b97f4a7c15ull);
  memset(user, 0xa5, sizeof user);
  held_n = dead_n = 0;
  uint64_t objects = kobject_live_count();
  for (size_t at = 0; at + 5 <= size; at += 5) {
    const uint8_t *a = data + at + 1;
    switch (data[at] % 6) {
      case 0:
        call_event_create(a);
        break;
      case 1:
        call_duplicate_or_replace(a, false);
        break;
      case 2:
        call_duplicate_or_replace(a, true);
        break;
      case 3:
        call_signal(a);
        break;
      case 4:
        call_get_info_record(a);
        break;
      default:
        close_some(a);
        break;
    }
    CHECK(caller.handles->count == held_n);  // no handle made or lost behind the model's back
  }
  while (held_n) {
    CHECK(handle_table_close(caller.handles, held[0]) == ZX_OK);
    forget(held[0]);
  }
  handle_table_destroy(caller.handles);
  CHECK(kobject_live_count() == objects);  // every event went with its last handle
  return 0;
}
