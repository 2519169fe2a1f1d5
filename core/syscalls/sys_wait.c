// zx_object_wait_one and zx_object_wait_many: block until handles' objects have one of
// the signals, or the deadline passes.
#include <janus/arch.h>
#include <stdlib.h>
#include "core/object/process.h"
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/signals.h"
#include "core/syscalls/syscall_table.h"

zx_status_t sys_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
                                user_out_ptr_t observed) {
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT, &obj, NULL);
  if (status != ZX_OK) return status;
  zx_signals_t seen = 0;
  status = object_wait(obj, signals, deadline, &seen);
  kobject_unref(obj);
  if (observed.addr && arch_copy_to_user(observed.addr, &seen, sizeof seen) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  return status;
}

// What one zx_object_wait_many holds while it waits, per item: on the kernel stack
// for a few items, else from the heap. 64 items take 4 KiB, half of a kernel stack
// (include/janus/thread.h): this was the deepest path of any test.
#define WAIT_MANY_ITEM_BYTES                                                      \
  (sizeof(zx_wait_item_t) + sizeof(struct kobject *) + 2 * sizeof(zx_signals_t) + \
   sizeof(struct object_waiter))
#define WAIT_MANY_ON_STACK 4

zx_status_t sys_object_wait_many(user_out_ptr_t user_items, size_t count, zx_time_t deadline) {
  if (count > ZX_WAIT_MANY_MAX_ITEMS) return ZX_ERR_OUT_OF_RANGE;
  // Largest alignment first: waiters and object pointers, then items, then masks.
  _Alignas(16) uint8_t local[WAIT_MANY_ON_STACK * WAIT_MANY_ITEM_BYTES];
  uint8_t *block = count <= WAIT_MANY_ON_STACK ? local : malloc(count * WAIT_MANY_ITEM_BYTES);
  if (!block) return ZX_ERR_NO_MEMORY;
  struct object_waiter *waiters = (struct object_waiter *)block;
  struct kobject **objs = (struct kobject **)(waiters + count);
  zx_wait_item_t *items = (zx_wait_item_t *)(objs + count);
  zx_signals_t *masks = (zx_signals_t *)(items + count), *seen = masks + count;
  zx_status_t status = ZX_OK;
  if (count && arch_copy_from_user(items, user_items.addr, count * sizeof items[0]) != ZX_OK)
    status = ZX_ERR_INVALID_ARGS;
  size_t got = 0;
  for (; got < count && status == ZX_OK; got++) {
    status = handle_get(items[got].handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT, &objs[got], NULL);
    if (status != ZX_OK) break;
    masks[got] = items[got].waitfor;
  }
  if (status == ZX_OK) status = object_wait_many(objs, masks, count, deadline, seen, waiters);
  for (size_t i = 0; i < got; i++) kobject_unref(objs[i]);
  if (status == ZX_OK || status == ZX_ERR_TIMED_OUT) {
    for (size_t i = 0; i < count; i++) items[i].pending = seen[i];
    if (count && arch_copy_to_user(user_items.addr, items, count * sizeof items[0]) != ZX_OK)
      status = ZX_ERR_INVALID_ARGS;
  }
  if (block != local) free(block);
  return status;
}
