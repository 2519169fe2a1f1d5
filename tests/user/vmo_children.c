// zx_vmo_create_child (snapshots and slices) and zx_vmo_op_range: Zircon's options,
// rights and errors; copy-on-write isolation through mappings on every CPU (the page
// tables and TLBs, not just zx_vmo_read), also once zx_vmar_protect adds write; a chain
// of 1,000 children of children; and zx_process_write_memory landing in the target's own copy of a shared page.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#define PAGE 4096UL
#define MAX_CPUS 8
#define STACK_SIZE 16384
#define SNAPSHOT ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE

static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));

static uint64_t read64(zx_handle_t vmo, uint64_t offset) {
  uint64_t v = 0xbad;
  EXPECT_EQ(zx_vmo_read(vmo, &v, offset, sizeof v), ZX_OK);
  return v;
}

static void write64(zx_handle_t vmo, uint64_t offset, uint64_t v) {
  EXPECT_EQ(zx_vmo_write(vmo, &v, offset, sizeof v), ZX_OK);
}

static zx_rights_t rights_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  return info.rights;
}

static volatile uint64_t *map(zx_handle_t vmo, size_t len) {
  zx_vaddr_t addr = 0;
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, len,
                        &addr),
            ZX_OK);
  return (volatile uint64_t *)addr;
}

static void unmap(volatile uint64_t *p, size_t len) {
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), (zx_vaddr_t)p, len), ZX_OK);
}

static void test_snapshot_isolation(void) {
  zx_handle_t parent, child;
  EXPECT_EQ(zx_vmo_create(3 * PAGE, 0, &parent), ZX_OK);
  write64(parent, 0, 1);
  write64(parent, PAGE + 8, 2);  // page 2 stays uncommitted
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 0, 3 * PAGE, &child), ZX_OK);
  EXPECT_EQ(read64(child, 0), 1);
  EXPECT_EQ(read64(child, PAGE + 8), 2);
  write64(parent, 0, 10);        // after the snapshot: the child keeps 1
  write64(parent, 2 * PAGE, 30);  // a page committed only now: the child reads zero
  write64(child, PAGE + 8, 20);   // the child's write: the parent keeps 2
  EXPECT_EQ(read64(child, 0), 1);
  EXPECT_EQ(read64(child, 2 * PAGE), 0);
  EXPECT_EQ(read64(parent, PAGE + 8), 2);
  EXPECT_EQ(read64(child, PAGE + 8), 20);
  EXPECT_EQ(read64(parent, 0), 10);
  // Offsets and sizes past the parent's end: zeros there, and a larger child.
  zx_handle_t tail;
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 2 * PAGE, 4 * PAGE + 1, &tail), ZX_OK);
  uint64_t size = 0;
  EXPECT_EQ(zx_vmo_get_size(tail, &size), ZX_OK);
  EXPECT_EQ(size, 5 * PAGE);
  EXPECT_EQ(read64(tail, 0), 30);
  EXPECT_EQ(read64(tail, PAGE), 0);
  write64(tail, 4 * PAGE, 5);
  EXPECT_EQ(read64(tail, 4 * PAGE), 5);
  // ZX_VMO_CHILD_SNAPSHOT behaves the same; a resizable child may grow.
  zx_handle_t snap;
  EXPECT_EQ(zx_vmo_create_child(parent, ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0, PAGE,
                                &snap),
            ZX_OK);
  EXPECT_EQ(zx_vmo_set_size(snap, 2 * PAGE), ZX_OK);
  EXPECT_EQ(read64(snap, 0), 10);
  EXPECT_EQ(read64(snap, PAGE), 0);
  EXPECT_EQ(zx_vmo_set_size(child, PAGE), ZX_ERR_UNAVAILABLE);
  zx_handle_close(snap);
  zx_handle_close(tail);
  zx_handle_close(parent);  // the child outlives its parent
  EXPECT_EQ(read64(child, 0), 1);
  zx_handle_close(child);
}

// A shared page mapped read-only, then made writable with zx_vmar_protect: the first
// write must still copy it (protect must not turn the read-only entry writable), in
// the parent's mapping and in the child's.
static void test_protect_keeps_copy_on_write(void) {
  zx_handle_t parent, child;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &parent), ZX_OK);
  write64(parent, 0, 1);
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 0, PAGE, &child), ZX_OK);
  zx_handle_t vmos[2] = {child, parent};
  for (int i = 0; i < 2; i++) {
    zx_vaddr_t addr = 0;
    EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmos[i], 0, PAGE, &addr),
              ZX_OK);
    volatile uint64_t *p = (volatile uint64_t *)addr;
    EXPECT_EQ(*p, 1);  // the shared page, mapped read-only
    EXPECT_EQ(zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, addr, PAGE),
              ZX_OK);
    *p = 7 + (uint64_t)i;
    EXPECT_EQ(*p, 7 + (uint64_t)i);
    EXPECT_EQ(read64(vmos[i], 0), 7 + (uint64_t)i);
    EXPECT_EQ(read64(vmos[1 - i], 0), i ? 7 : 1);  // the other kept its own
    unmap(p, PAGE);
  }
  zx_handle_close(child);
  zx_handle_close(parent);
}

static void test_rights_and_signal(void) {
  zx_handle_t parent, ro, child;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &parent), ZX_OK);
  zx_signals_t seen = 0;
  EXPECT_EQ(zx_object_wait_one(parent, ZX_VMO_ZERO_CHILDREN, 0, &seen), ZX_OK);
  // A snapshot: the handle's rights + GET/SET_PROPERTY + WRITE - EXECUTE.
  zx_handle_t dup, exec;
  EXPECT_EQ(zx_handle_duplicate(parent, ZX_RIGHT_SAME_RIGHTS, &dup), ZX_OK);
  EXPECT_EQ(zx_vmo_replace_as_executable(dup, ZX_HANDLE_INVALID, &exec), ZX_OK);
  EXPECT_EQ(zx_handle_replace(exec, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE | ZX_RIGHT_MAP |
                                        ZX_RIGHT_EXECUTE, &ro), ZX_OK);
  EXPECT_EQ(zx_vmo_create_child(ro, SNAPSHOT, 0, PAGE, &child), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(parent, ZX_VMO_ZERO_CHILDREN, 0, &seen), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(rights_of(child), ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE | ZX_RIGHT_MAP |
                                  ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY | ZX_RIGHT_WRITE);
  zx_handle_close(child);
  EXPECT_EQ(zx_object_wait_one(parent, ZX_VMO_ZERO_CHILDREN, 0, &seen), ZX_OK);
  // NO_WRITE: no WRITE (EXECUTE stays); a slice: the handle's rights + properties.
  EXPECT_EQ(zx_vmo_create_child(ro, SNAPSHOT | ZX_VMO_CHILD_NO_WRITE, 0, PAGE, &child), ZX_OK);
  EXPECT_EQ(rights_of(child), ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE | ZX_RIGHT_MAP | ZX_RIGHT_EXECUTE |
                                  ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY);
  EXPECT_EQ(zx_vmo_write(child, "x", 0, 1), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(child);
  EXPECT_EQ(zx_vmo_create_child(ro, ZX_VMO_CHILD_SLICE, 0, PAGE, &child), ZX_OK);
  EXPECT_EQ(rights_of(child), ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE | ZX_RIGHT_MAP | ZX_RIGHT_EXECUTE |
                                  ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY);
  zx_handle_close(child);
  // A resizable child alone gets ZX_RIGHT_RESIZE.
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT | ZX_VMO_CHILD_RESIZABLE, 0, PAGE, &child), ZX_OK);
  EXPECT_EQ(rights_of(child) & ZX_RIGHT_RESIZE, ZX_RIGHT_RESIZE);
  zx_handle_close(child);
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 0, PAGE, &child), ZX_OK);
  EXPECT_EQ(rights_of(child) & ZX_RIGHT_RESIZE, 0);
  zx_handle_close(child);
  zx_handle_close(ro);
  zx_handle_close(parent);
}

static void test_create_child_errors(void) {
  zx_handle_t vmo, resizable, event, h, out;
  EXPECT_EQ(zx_vmo_create(2 * PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &resizable), ZX_OK);
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  EXPECT_EQ(zx_vmo_create_child(ZX_HANDLE_INVALID, SNAPSHOT, 0, PAGE, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_create_child(event, SNAPSHOT, 0, PAGE, &out), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &h), ZX_OK);  // no DUPLICATE
  EXPECT_EQ(zx_vmo_create_child(h, SNAPSHOT, 0, PAGE, &out), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(h);
  EXPECT_EQ(zx_handle_duplicate(vmo, ZX_RIGHT_DUPLICATE, &h), ZX_OK);  // no READ
  EXPECT_EQ(zx_vmo_create_child(h, SNAPSHOT, 0, PAGE, &out), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(h);
  // Rights come before options: an invalid option on a bad handle is the handle's error.
  EXPECT_EQ(zx_vmo_create_child(event, 0, 0, PAGE, &out), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmo_create_child(vmo, 0, 0, PAGE, &out), ZX_ERR_INVALID_ARGS);  // no type
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_RESIZABLE, 0, PAGE, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT | SNAPSHOT, 0, PAGE, &out),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE | SNAPSHOT, 0, PAGE, &out),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_RESIZABLE, 0, PAGE, &out),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, SNAPSHOT | (1u << 20), 0, PAGE, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, SNAPSHOT, 100, PAGE, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, SNAPSHOT, 0, PAGE, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(vmo, SNAPSHOT, 0, UINT64_MAX, &out), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_create_child(vmo, SNAPSHOT, UINT64_MAX & ~(PAGE - 1), 2 * PAGE, &out),
            ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create_child(resizable, ZX_VMO_CHILD_SLICE, 0, PAGE, &out),
            ZX_ERR_NOT_SUPPORTED);
  // The kernel keeps the address of a restricted-state page: no snapshot of it.
  zx_handle_t state;
  EXPECT_EQ(zx_restricted_bind_state(0, &state), ZX_OK);
  EXPECT_EQ(zx_vmo_create_child(state, SNAPSHOT, 0, PAGE, &out), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmo_op_range(state, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_restricted_unbind_state(0), ZX_OK);
  zx_handle_close(state);
  zx_handle_close(event);
  zx_handle_close(resizable);
  zx_handle_close(vmo);
}

static void test_slices(void) {
  zx_handle_t parent, slice, inner, snap;
  EXPECT_EQ(zx_vmo_create(4 * PAGE, 0, &parent), ZX_OK);
  EXPECT_EQ(zx_vmo_create_child(parent, ZX_VMO_CHILD_SLICE, PAGE, 2 * PAGE, &slice), ZX_OK);
  write64(parent, PAGE, 7);
  EXPECT_EQ(read64(slice, 0), 7);
  write64(slice, PAGE, 8);  // the same pages both ways
  EXPECT_EQ(read64(parent, 2 * PAGE), 8);
  EXPECT_EQ(zx_vmo_write(slice, "x", 2 * PAGE, 1), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_set_size(slice, PAGE), ZX_ERR_UNAVAILABLE);
  // A slice of a slice, and mappings of both: one set of pages.
  EXPECT_EQ(zx_vmo_create_child(slice, ZX_VMO_CHILD_SLICE, PAGE, PAGE, &inner), ZX_OK);
  volatile uint64_t *pm = map(parent, 4 * PAGE), *im = map(inner, PAGE);
  EXPECT_EQ(im[0], 8);
  im[1] = 9;
  EXPECT_EQ(pm[2 * PAGE / 8 + 1], 9);
  // A snapshot of the parent write-protects the slice's mapping too.
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 0, 4 * PAGE, &snap), ZX_OK);
  im[1] = 10;
  EXPECT_EQ(pm[2 * PAGE / 8 + 1], 10);
  EXPECT_EQ(read64(snap, 2 * PAGE + 8), 9);
  // And a snapshot of a slice starts at the slice's offset.
  zx_handle_t ssnap;
  EXPECT_EQ(zx_vmo_create_child(slice, SNAPSHOT, 0, 3 * PAGE, &ssnap), ZX_OK);
  EXPECT_EQ(read64(ssnap, 0), 7);
  EXPECT_EQ(read64(ssnap, PAGE + 8), 10);
  EXPECT_EQ(read64(ssnap, 2 * PAGE), 0);  // past the slice's end
  unmap(pm, 4 * PAGE);
  unmap(im, PAGE);
  zx_handle_close(ssnap);
  zx_handle_close(snap);
  zx_handle_close(parent);
  zx_handle_close(slice);  // the slice keeps the pages alive
  EXPECT_EQ(read64(inner, 8), 10);
  zx_handle_close(inner);
}

// --- Copy on write through mappings, with the access on each CPU in turn ----------

struct cow_step {
  volatile uint64_t *parent_map, *child_map;
  uint64_t phase;
};

static void worker(uintptr_t arg, uintptr_t unused __attribute__((unused))) {
  struct cow_step *s = (struct cow_step *)arg;
  if (s->phase == 0) {
    s->parent_map[0] = 100;  // this CPU's TLB now holds a writable entry
    (void)s->parent_map[PAGE / 8];
  } else {
    s->parent_map[0] = 200;  // after the snapshot: must fault and copy
    s->child_map[PAGE / 8] = 300;
  }
  zx_thread_exit();
}

static void run_on_cpu(uint32_t cpu, struct cow_step *s) {
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "cow", 3, 0, &t), ZX_OK);
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu), ZX_OK);
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)worker, (uintptr_t)(stack + STACK_SIZE), (uintptr_t)s, 0),
            ZX_OK);
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_handle_close(t);
}

static size_t cpu_count(void) {
  janus_info_asid_counters_t c[MAX_CPUS];
  size_t actual = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, c, sizeof c, &actual,
                               NULL),
            ZX_OK);
  return actual;
}

static void test_cow_on_every_cpu(void) {
  size_t n = cpu_count();
  EXPECT_EQ(n > 1, 1);
  for (uint32_t cpu = 0; cpu < n; cpu++) {
    zx_handle_t parent, child;
    EXPECT_EQ(zx_vmo_create(2 * PAGE, 0, &parent), ZX_OK);
    struct cow_step s = {.parent_map = map(parent, 2 * PAGE)};
    s.parent_map[PAGE / 8] = 1;
    run_on_cpu(cpu, &s);  // phase 0 there: writable entries cached on that CPU
    EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 0, 2 * PAGE, &child), ZX_OK);  // here
    s.child_map = map(child, 2 * PAGE);
    s.phase = 1;
    run_on_cpu(cpu, &s);
    // The parent's write after the snapshot is the parent's alone, the child's the child's.
    EXPECT_EQ(s.parent_map[0], 200);
    EXPECT_EQ(s.child_map[0], 100);
    EXPECT_EQ(read64(child, 0), 100);
    EXPECT_EQ(s.child_map[PAGE / 8], 300);
    EXPECT_EQ(s.parent_map[PAGE / 8], 1);
    EXPECT_EQ(read64(parent, PAGE), 1);
    unmap(s.parent_map, 2 * PAGE);
    unmap(s.child_map, 2 * PAGE);
    zx_handle_close(child);
    zx_handle_close(parent);
  }
}

// A write by the kernel on the user's behalf (zx_vmo_read into a buffer in a shared
// page) copies too.
static void test_kernel_write_copies(void) {
  zx_handle_t parent, child, src;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &parent), ZX_OK);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &src), ZX_OK);
  write64(src, 0, 42);
  volatile uint64_t *pm = map(parent, PAGE);
  pm[0] = 1;
  EXPECT_EQ(zx_vmo_create_child(parent, SNAPSHOT, 0, PAGE, &child), ZX_OK);
  EXPECT_EQ(zx_vmo_read(src, (void *)pm, 0, 8), ZX_OK);
  EXPECT_EQ(pm[0], 42);
  EXPECT_EQ(read64(child, 0), 1);
  unmap(pm, PAGE);
  zx_handle_close(child);
  zx_handle_close(parent);
  zx_handle_close(src);
}

// --- A chain of 1,000 children of children --------------------------------------

#define CHAIN 1000
static zx_handle_t chain[CHAIN + 1];

static void test_chain(void) {
  EXPECT_EQ(zx_vmo_create(2 * PAGE, 0, &chain[0]), ZX_OK);
  write64(chain[0], 0, 0);
  write64(chain[0], PAGE, 77);
  int made = 0;
  for (int i = 1; i <= CHAIN; i++) {
    if (zx_vmo_create_child(chain[i - 1], SNAPSHOT, 0, 2 * PAGE, &chain[i]) != ZX_OK) break;
    write64(chain[i], 0, (uint64_t)i);
    made = i;
  }
  EXPECT_EQ(made, CHAIN);
  int wrong = 0;
  for (int i = 0; i <= made; i++) wrong += read64(chain[i], 0) != (uint64_t)i || read64(chain[i], PAGE) != 77;
  EXPECT_EQ(wrong, 0);
  // Close the middle first, then the rest from the root: nothing recurses, nothing leaks
  // (the kernel checks every page and object after the program).
  for (int i = made / 2; i <= made; i += 2) zx_handle_close(chain[i]);
  EXPECT_EQ(read64(chain[made / 2 + 1], PAGE), 77);
  for (int i = 0; i <= made; i++)
    if (i < made / 2 || (i - made / 2) % 2) zx_handle_close(chain[i]);
}

// --- zx_vmo_op_range ----------------------------------------------------------------

static void test_op_range(void) {
  zx_handle_t vmo, child, ro, wo, event;
  EXPECT_EQ(zx_vmo_create(4 * PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 4 * PAGE, NULL, 0), ZX_OK);
  EXPECT_EQ(read64(vmo, 3 * PAGE), 0);
  write64(vmo, 0, 1);
  write64(vmo, PAGE, 2);
  write64(vmo, 2 * PAGE, 3);
  volatile uint64_t *m = map(vmo, 4 * PAGE);
  EXPECT_EQ(m[PAGE / 8], 2);
  // ZERO: a whole page drops (the mapping sees zeros), part of one is written.
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, PAGE, PAGE, NULL, 0), ZX_OK);
  EXPECT_EQ(m[PAGE / 8], 0);
  write64(vmo, 2 * PAGE + 16, 4);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 2 * PAGE + 8, 8, NULL, 0), ZX_OK);
  EXPECT_EQ(read64(vmo, 2 * PAGE), 3);
  EXPECT_EQ(read64(vmo, 2 * PAGE + 16), 4);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, 2 * PAGE, 100 * PAGE, NULL, 0), ZX_OK);  // trimmed
  EXPECT_EQ(read64(vmo, 2 * PAGE), 0);
  // DECOMMIT: page-aligned, back to zeros.
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_OK);
  EXPECT_EQ(m[0], 0);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 8, PAGE, NULL, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 5 * PAGE, PAGE, NULL, 0), ZX_ERR_OUT_OF_RANGE);
  // Cache operations on committed and uncommitted pages.
  m[0] = 5;
  uint32_t cache_ops[] = {ZX_VMO_OP_CACHE_SYNC, ZX_VMO_OP_CACHE_CLEAN,
                          ZX_VMO_OP_CACHE_CLEAN_INVALIDATE, ZX_VMO_OP_CACHE_INVALIDATE};
  for (unsigned i = 0; i < 4; i++) {
    EXPECT_EQ(zx_vmo_op_range(vmo, cache_ops[i], 0, 4 * PAGE, NULL, 0), ZX_OK);
    EXPECT_EQ(zx_vmo_op_range(vmo, cache_ops[i], 0, 0, NULL, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(zx_vmo_op_range(vmo, cache_ops[i], PAGE, 4 * PAGE, NULL, 0), ZX_ERR_OUT_OF_RANGE);
  }
  EXPECT_EQ(m[0], 5);
  // A snapshot: COMMIT gives it its own pages, ZERO leaves the parent alone, DECOMMIT
  // is not supported on either side.
  EXPECT_EQ(zx_vmo_create_child(vmo, SNAPSHOT, 0, 4 * PAGE, &child), ZX_OK);
  EXPECT_EQ(zx_vmo_op_range(child, ZX_VMO_OP_COMMIT, 0, 4 * PAGE, NULL, 0), ZX_OK);
  m[0] = 6;
  EXPECT_EQ(read64(child, 0), 5);
  EXPECT_EQ(zx_vmo_op_range(child, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0), ZX_OK);
  EXPECT_EQ(read64(child, 0), 0);
  EXPECT_EQ(m[0], 6);
  EXPECT_EQ(zx_vmo_op_range(child, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
  zx_handle_close(child);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_OK);
  // Rights, in Zircon's split: WRITE for commit, decommit, zero and invalidate; READ
  // for sync, clean and clean-invalidate.
  EXPECT_EQ(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &ro), ZX_OK);
  EXPECT_EQ(zx_handle_duplicate(vmo, ZX_RIGHT_WRITE, &wo), ZX_OK);
  EXPECT_EQ(zx_vmo_op_range(ro, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(ro, ZX_VMO_OP_DECOMMIT, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(ro, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(ro, ZX_VMO_OP_CACHE_INVALIDATE, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(ro, ZX_VMO_OP_CACHE_CLEAN, 0, PAGE, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_vmo_op_range(wo, ZX_VMO_OP_CACHE_SYNC, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(wo, ZX_VMO_OP_CACHE_CLEAN, 0, PAGE, NULL, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(wo, ZX_VMO_OP_CACHE_CLEAN_INVALIDATE, 0, PAGE, NULL, 0),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmo_op_range(wo, ZX_VMO_OP_ZERO, 0, PAGE, NULL, 0), ZX_OK);
  // Not a discardable VMO; unknown operations; bad handles; offsets past the end.
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, 4 * PAGE, NULL, 0), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(zx_vmo_op_range(vmo, 5, 0, PAGE, NULL, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_op_range(vmo, 1000, 0, PAGE, NULL, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_op_range(ZX_HANDLE_INVALID, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_op_range(event, ZX_VMO_OP_COMMIT, 0, PAGE, NULL, 0), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 5 * PAGE, PAGE, NULL, 0), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_ZERO, PAGE, UINT64_MAX, NULL, 0), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 4 * PAGE, 0, NULL, 0), ZX_OK);
  unmap(m, 4 * PAGE);
  zx_handle_close(ro);
  zx_handle_close(wo);
  zx_handle_close(event);
  zx_handle_close(vmo);
}

// --- zx_process_write_memory into a read-only mapping of a shared VMO -------------

static void test_debugger_write_is_private(void) {
  zx_handle_t shared;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &shared), ZX_OK);
  write64(shared, 0, 11);
  // Mapped through a handle that cannot write it (as a program's code from its image).
  zx_handle_t ro_handle;
  EXPECT_EQ(zx_handle_duplicate(shared, ZX_RIGHT_READ | ZX_RIGHT_MAP, &ro_handle), ZX_OK);
  zx_vaddr_t addr = 0;
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, ro_handle, 0, PAGE, &addr),
            ZX_OK);
  zx_handle_close(ro_handle);
  volatile uint64_t *ro = (volatile uint64_t *)addr;
  EXPECT_EQ(ro[0], 11);
  uint64_t v = 12;
  size_t actual = 0;
  EXPECT_EQ(zx_process_write_memory(zx_process_self(), addr, &v, sizeof v, &actual), ZX_OK);
  EXPECT_EQ(actual, sizeof v);
  EXPECT_EQ(ro[0], 12);              // the mapping shows the write
  EXPECT_EQ(read64(shared, 0), 11);  // the VMO others may map does not
  write64(shared, 8, 13);            // and the mapping is a snapshot from then on
  EXPECT_EQ(ro[1], 0);
  // A writable mapping of a snapshot: the write lands in the child alone.
  zx_handle_t child;
  EXPECT_EQ(zx_vmo_create_child(shared, SNAPSHOT, 0, PAGE, &child), ZX_OK);
  volatile uint64_t *cm = map(child, PAGE);
  v = 14;
  EXPECT_EQ(zx_process_write_memory(zx_process_self(), (zx_vaddr_t)cm, &v, sizeof v, &actual),
            ZX_OK);
  EXPECT_EQ(cm[0], 14);
  EXPECT_EQ(read64(child, 0), 14);
  EXPECT_EQ(read64(shared, 0), 11);
  unmap(cm, PAGE);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE), ZX_OK);
  zx_handle_close(child);
  zx_handle_close(shared);
}

int main(void) {
  test_snapshot_isolation();
  test_protect_keeps_copy_on_write();
  test_rights_and_signal();
  test_create_child_errors();
  test_slices();
  test_cow_on_every_cpu();
  test_kernel_write_copies();
  test_chain();
  test_op_range();
  test_debugger_write_is_private();
  printf("vmo_children: %d checks, %d failures\n", checks, failures);
  return failures;
}
