// zx_channel_create, _write, _write_etc, _read, _read_etc, _call. Handles written are
// always consumed (moved into the message, or closed on any error), as Zircon's
// documentation says; checks come in Zircon's order.
#include <janus/arch.h>
#include "core/object/process.h"
#include <string.h>
#include <zircon/rights.h>

#include "core/object/channel.h"
#include "core/object/handle_get.h"
#include "core/syscalls/handle_out.h"
#include "core/syscalls/syscall_table.h"

zx_status_t sys_channel_create(uint32_t options, user_out_ptr_t out0, user_out_ptr_t out1) {
  if (options) return ZX_ERR_INVALID_ARGS;
  struct channel *a, *b;
  zx_status_t status = channel_create(&a, &b);
  if (status != ZX_OK) return status;
  status = handle_pair_out(&a->end.obj, &b->end.obj, ZX_DEFAULT_CHANNEL_RIGHTS, out0, out1);
  kobject_unref(&a->end.obj);
  kobject_unref(&b->end.obj);
  return status;
}

// Closes the handles a failed write was given: they are consumed either way.
static void close_all(const zx_handle_t *values, uint32_t n) {
  struct handle_table *ht = process_current()->handles;
  for (uint32_t i = 0; i < n; i++) handle_table_close(ht, values[i]);
}

// Moves the handles named by values into msg: each must be valid (ZX_ERR_BAD_HANDLE),
// carry ZX_RIGHT_TRANSFER (ZX_ERR_ACCESS_DENIED) and not be the channel written to
// (ZX_ERR_NOT_SUPPORTED). All are taken from the table; on an error, the first one's
// status, and the taken ones are dropped.
static zx_status_t take_handles(struct kobject *channel, const zx_handle_t *values, uint32_t n,
                                struct channel_msg *msg) {
  struct handle_table *ht = process_current()->handles;
  zx_status_t status = ZX_OK;
  for (uint32_t i = 0; i < n; i++) {
    struct kobject *obj;
    zx_rights_t rights;
    zx_status_t s = handle_table_remove(ht, values[i], &obj, &rights);
    if (s == ZX_OK && obj == channel) s = ZX_ERR_NOT_SUPPORTED;
    else if (s == ZX_OK && !(rights & ZX_RIGHT_TRANSFER)) s = ZX_ERR_ACCESS_DENIED;
    // Taken from the table: the message owns it, and drops it if the write fails.
    if (s != ZX_ERR_BAD_HANDLE) msg->handles[msg->num_handles++] = (struct msg_handle){obj, rights};
    if (status == ZX_OK) status = s;
  }
  return status;
}

// The message of a write: bytes from user memory, room for n handles.
static zx_status_t new_message(user_in_ptr_t bytes, uint32_t num_bytes, uint32_t num_handles,
                               struct channel_msg **out) {
  if (num_bytes > ZX_CHANNEL_MAX_MSG_BYTES) return ZX_ERR_OUT_OF_RANGE;
  struct channel_msg *msg = channel_msg_alloc(num_bytes, num_handles);
  if (!msg) return ZX_ERR_NO_MEMORY;
  if (num_bytes && arch_copy_from_user(msg->bytes, bytes.addr, num_bytes) != ZX_OK) {
    channel_msg_free(msg);
    return ZX_ERR_INVALID_ARGS;
  }
  *out = msg;
  return ZX_OK;
}

// The common part of write and call: handle values already copied in.
static zx_status_t prepare_write(struct kobject *channel, user_in_ptr_t bytes, uint32_t num_bytes,
                                 const zx_handle_t *values, uint32_t num_handles,
                                 struct channel_msg **out) {
  struct channel_msg *msg;
  zx_status_t status = new_message(bytes, num_bytes, num_handles, &msg);
  if (status != ZX_OK) {
    close_all(values, num_handles);
    return status;
  }
  status = take_handles(channel, values, num_handles, msg);
  if (status != ZX_OK) {
    channel_msg_free(msg);
    return status;
  }
  *out = msg;
  return ZX_OK;
}

zx_status_t sys_channel_write(zx_handle_t handle, uint32_t options, user_in_ptr_t bytes,
                              uint32_t num_bytes, user_in_ptr_t handles, uint32_t num_handles) {
  if (num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) return ZX_ERR_OUT_OF_RANGE;
  zx_handle_t values[ZX_CHANNEL_MAX_MSG_HANDLES];
  if (num_handles &&
      arch_copy_from_user(values, handles.addr, num_handles * sizeof values[0]) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  if (options) {
    close_all(values, num_handles);
    return ZX_ERR_INVALID_ARGS;
  }
  struct channel *ch;
  zx_status_t status = handle_get_channel(handle, ZX_RIGHT_WRITE, &ch, NULL);
  if (status != ZX_OK) {
    close_all(values, num_handles);
    return status;
  }
  struct channel_msg *msg;
  status = prepare_write(&ch->end.obj, bytes, num_bytes, values, num_handles, &msg);
  if (status == ZX_OK && (status = channel_write(ch, msg)) != ZX_OK) channel_msg_free(msg);
  kobject_unref(&ch->end.obj);
  return status;
}

// One disposition of zx_channel_write_etc: a move (which consumes the handle whatever
// happens) or a duplicate, checked for type and rights.
static zx_status_t take_disposition(struct kobject *channel, zx_handle_disposition_t *d,
                                    struct channel_msg *msg) {
  struct handle_table *ht = process_current()->handles;
  if (d->operation != ZX_HANDLE_OP_MOVE && d->operation != ZX_HANDLE_OP_DUPLICATE) {
    return ZX_ERR_INVALID_ARGS;
  }
  bool move = d->operation == ZX_HANDLE_OP_MOVE;
  struct kobject *obj;
  zx_rights_t rights;
  zx_status_t status = move ? handle_table_remove(ht, d->handle, &obj, &rights)
                            : handle_table_get(ht, d->handle, ZX_OBJ_TYPE_NONE, 0, &obj, &rights);
  if (status != ZX_OK) return status;
  zx_rights_t needed = move ? ZX_RIGHT_TRANSFER : ZX_RIGHT_DUPLICATE;
  if (d->type != ZX_OBJ_TYPE_NONE && obj->type != d->type) status = ZX_ERR_WRONG_TYPE;
  else if (!(rights & needed)) status = ZX_ERR_ACCESS_DENIED;
  else if (d->rights != ZX_RIGHT_SAME_RIGHTS && (rights & d->rights) != d->rights)
    status = ZX_ERR_INVALID_ARGS;
  else if (obj == channel) status = ZX_ERR_NOT_SUPPORTED;
  if (status != ZX_OK) {
    kobject_unref(obj);
    return status;
  }
  if (d->rights != ZX_RIGHT_SAME_RIGHTS) rights = d->rights;
  msg->handles[msg->num_handles++] = (struct msg_handle){obj, rights};
  return ZX_OK;
}

zx_status_t sys_channel_write_etc(zx_handle_t handle, uint32_t options, user_in_ptr_t bytes,
                                  uint32_t num_bytes, user_out_ptr_t handles,
                                  uint32_t num_handles) {
  if (num_handles > ZX_CHANNEL_MAX_MSG_HANDLES) return ZX_ERR_OUT_OF_RANGE;
  zx_handle_disposition_t ds[ZX_CHANNEL_MAX_MSG_HANDLES];
  size_t ds_size = num_handles * sizeof ds[0];
  if (num_handles && arch_copy_from_user(ds, handles.addr, ds_size) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  struct handle_table *ht = process_current()->handles;
  struct channel *ch = NULL;
  struct channel_msg *msg = NULL;
  zx_status_t status =
      options ? ZX_ERR_INVALID_ARGS : handle_get_channel(handle, ZX_RIGHT_WRITE, &ch, NULL);
  if (status == ZX_OK) status = new_message(bytes, num_bytes, num_handles, &msg);
  for (uint32_t i = 0; i < num_handles; i++) {
    if (status == ZX_OK) {
      ds[i].result = take_disposition(&ch->end.obj, &ds[i], msg);
      status = ds[i].result;
    } else {
      ds[i].result = status;
      if (ds[i].operation == ZX_HANDLE_OP_MOVE) handle_table_close(ht, ds[i].handle);
    }
  }
  if (status == ZX_OK && (status = channel_write(ch, msg)) == ZX_OK) msg = NULL;
  if (msg) channel_msg_free(msg);
  if (ch) kobject_unref(&ch->end.obj);
  if (num_handles) arch_copy_to_user(handles.addr, ds, ds_size);  // the results, best effort
  return status;
}

// Installs a read message's handles in the caller's table and copies the message out:
// its values (etc: zx_handle_info_t records) to handles. The message is freed. On
// any failure the message's handles are closed.
static zx_status_t deliver(struct channel_msg *msg, user_out_ptr_t bytes, user_out_ptr_t handles,
                           bool etc) {
  struct handle_table *ht = process_current()->handles;
  zx_status_t status = ZX_OK;
  if (msg->num_bytes && arch_copy_to_user(bytes.addr, msg->bytes, msg->num_bytes) != ZX_OK)
    status = ZX_ERR_INVALID_ARGS;
  zx_handle_t values[ZX_CHANNEL_MAX_MSG_HANDLES];
  uint32_t added = 0;
  for (; status == ZX_OK && added < msg->num_handles; added++) {
    status =
        handle_table_add(ht, msg->handles[added].obj, msg->handles[added].rights, &values[added]);
    if (status != ZX_OK) break;
  }
  if (status == ZX_OK && msg->num_handles) {
    zx_status_t copied;
    if (etc) {
      zx_handle_info_t infos[ZX_CHANNEL_MAX_MSG_HANDLES];
      for (uint32_t i = 0; i < msg->num_handles; i++)
        infos[i] =
            (zx_handle_info_t){values[i], msg->handles[i].obj->type, msg->handles[i].rights, 0};
      copied = arch_copy_to_user(handles.addr, infos, msg->num_handles * sizeof infos[0]);
    } else {
      copied = arch_copy_to_user(handles.addr, values, msg->num_handles * sizeof values[0]);
    }
    if (copied != ZX_OK) status = ZX_ERR_INVALID_ARGS;
  }
  if (status != ZX_OK)
    for (uint32_t i = 0; i < added; i++) handle_table_close(ht, values[i]);
  channel_msg_free(msg);  // drops the message's own references
  return status;
}

static zx_status_t copy_count(user_out_ptr_t out, uint32_t value) {
  if (!out.addr) return ZX_OK;
  return arch_copy_to_user(out.addr, &value, sizeof value) == ZX_OK ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

static zx_status_t read_common(zx_handle_t handle, uint32_t options, user_out_ptr_t bytes,
                               user_out_ptr_t handles, uint32_t num_bytes, uint32_t num_handles,
                               user_out_ptr_t actual_bytes, user_out_ptr_t actual_handles,
                               bool etc) {
  if (options & ~ZX_CHANNEL_READ_MAY_DISCARD) return ZX_ERR_INVALID_ARGS;
  struct channel *ch;
  zx_status_t status = handle_get_channel(handle, ZX_RIGHT_READ, &ch, NULL);
  if (status != ZX_OK) return status;
  struct channel_msg *msg;
  uint32_t need_bytes = 0, need_handles = 0;
  status = channel_read(ch, num_bytes, num_handles, options & ZX_CHANNEL_READ_MAY_DISCARD, &msg,
                        &need_bytes, &need_handles);
  kobject_unref(&ch->end.obj);
  if (status != ZX_OK && status != ZX_ERR_BUFFER_TOO_SMALL) return status;
  zx_status_t copied = copy_count(actual_bytes, need_bytes);
  if (copied == ZX_OK) copied = copy_count(actual_handles, need_handles);
  if (status == ZX_OK) status = deliver(msg, bytes, handles, etc);
  return copied != ZX_OK ? copied : status;
}

zx_status_t sys_channel_read(zx_handle_t handle, uint32_t options, user_out_ptr_t bytes,
                             user_out_ptr_t handles, uint32_t num_bytes, uint32_t num_handles,
                             user_out_ptr_t actual_bytes, user_out_ptr_t actual_handles) {
  return read_common(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes,
                     actual_handles, false);
}

zx_status_t sys_channel_read_etc(zx_handle_t handle, uint32_t options, user_out_ptr_t bytes,
                                 user_out_ptr_t handles, uint32_t num_bytes, uint32_t num_handles,
                                 user_out_ptr_t actual_bytes, user_out_ptr_t actual_handles) {
  return read_common(handle, options, bytes, handles, num_bytes, num_handles, actual_bytes,
                     actual_handles, true);
}

zx_status_t sys_channel_call(zx_handle_t handle, uint32_t options, zx_time_t deadline,
                             user_in_ptr_t user_args, user_out_ptr_t actual_bytes,
                             user_out_ptr_t actual_handles) {
  zx_channel_call_args_t args;
  if (arch_copy_from_user(&args, user_args.addr, sizeof args) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  uint32_t n = args.wr_num_handles;
  if (n > ZX_CHANNEL_MAX_MSG_HANDLES) return ZX_ERR_OUT_OF_RANGE;
  zx_handle_t values[ZX_CHANNEL_MAX_MSG_HANDLES];
  if (n && arch_copy_from_user(values, (uintptr_t)args.wr_handles, n * sizeof values[0]) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  zx_status_t status =
      options || args.wr_num_bytes < sizeof(zx_txid_t) ? ZX_ERR_INVALID_ARGS : ZX_OK;
  struct channel *ch = NULL;
  if (status == ZX_OK)
    status = handle_get_channel(handle, ZX_RIGHT_READ | ZX_RIGHT_WRITE, &ch, NULL);
  if (status != ZX_OK) {
    close_all(values, n);
    return status;
  }
  struct channel_msg *msg, *reply = NULL;
  status = prepare_write(&ch->end.obj, (user_in_ptr_t){(uintptr_t)args.wr_bytes}, args.wr_num_bytes,
                         values, n, &msg);
  if (status == ZX_OK) {
    bool sent;
    status = channel_call(ch, msg, deadline, &sent, &reply);
    if (!sent) channel_msg_free(msg);
  }
  kobject_unref(&ch->end.obj);
  if (status != ZX_OK) return status;
  zx_status_t copied = copy_count(actual_bytes, reply->num_bytes);
  if (copied == ZX_OK) copied = copy_count(actual_handles, reply->num_handles);
  if (reply->num_bytes > args.rd_num_bytes || reply->num_handles > args.rd_num_handles) {
    channel_msg_free(reply);  // Zircon drops a reply that does not fit
    status = ZX_ERR_BUFFER_TOO_SMALL;
  } else {
    status = deliver(reply, (user_out_ptr_t){(uintptr_t)args.rd_bytes},
                     (user_out_ptr_t){(uintptr_t)args.rd_handles}, false);
  }
  return copied != ZX_OK ? copied : status;
}
