// zx_port_create, _queue, _wait, _cancel and zx_object_wait_async, in Zircon's order
// of checks.
#include <janus/arch.h>
#include "core/object/process.h"
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/port.h"
#include "core/syscalls/handle_out.h"
#include "core/syscalls/syscall_table.h"

zx_status_t sys_port_create(uint32_t options, user_out_ptr_t out) {
  if (options & ~ZX_PORT_BIND_TO_INTERRUPT) return ZX_ERR_INVALID_ARGS;
  struct port *port;
  zx_status_t status = port_create(&port);
  if (status != ZX_OK) return status;
  status = handle_out(&port->obj, ZX_DEFAULT_PORT_RIGHTS, out, NULL);
  kobject_unref(&port->obj);
  return status;
}

zx_status_t sys_port_queue(zx_handle_t handle, user_in_ptr_t packet) {
  struct port *port;
  zx_status_t status = handle_get_port(handle, ZX_RIGHT_WRITE, &port, NULL);
  if (status != ZX_OK) return status;
  zx_port_packet_t p;
  if (arch_copy_from_user(&p, packet.addr, sizeof p) != ZX_OK) status = ZX_ERR_INVALID_ARGS;
  else status = port_queue_user(port, &p);
  kobject_unref(&port->obj);
  return status;
}

zx_status_t sys_port_wait(zx_handle_t handle, zx_time_t deadline, user_out_ptr_t packet) {
  struct port *port;
  zx_status_t status = handle_get_port(handle, ZX_RIGHT_READ, &port, NULL);
  if (status != ZX_OK) return status;
  zx_port_packet_t p;
  status = port_wait(port, deadline, &p);
  kobject_unref(&port->obj);
  // As in Zircon, a packet taken for a bad pointer is lost.
  if (status == ZX_OK && arch_copy_to_user(packet.addr, &p, sizeof p) != ZX_OK)
    status = ZX_ERR_INVALID_ARGS;
  return status;
}

// A handle to a waitable object with ZX_RIGHT_WAIT (wait_async, port_cancel).
static zx_status_t get_waitable(zx_handle_t handle, struct kobject **out) {
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT, out, NULL);
  if (status == ZX_OK && ((*out)->type == ZX_OBJ_TYPE_VMAR || (*out)->type == ZX_OBJ_TYPE_PORT)) {
    kobject_unref(*out);
    status = ZX_ERR_NOT_SUPPORTED;
  }
  return status;
}

zx_status_t sys_port_cancel(zx_handle_t handle, zx_handle_t source, uint64_t key) {
  struct port *port;
  zx_status_t status = handle_get_port(handle, ZX_RIGHT_WRITE, &port, NULL);
  if (status != ZX_OK) return status;
  struct kobject *obj;
  status = get_waitable(source, &obj);
  if (status == ZX_OK) {
    status = port_cancel(port, obj, key);
    kobject_unref(obj);
  }
  kobject_unref(&port->obj);
  return status;
}

#define WAIT_ASYNC_OPTIONS \
  (ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_EDGE | ZX_WAIT_ASYNC_BOOT_TIMESTAMP)

zx_status_t sys_object_wait_async(zx_handle_t handle, zx_handle_t port_handle, uint64_t key,
                                  zx_signals_t signals, uint32_t options) {
  if ((options & ~WAIT_ASYNC_OPTIONS) ||
      (options & ZX_WAIT_ASYNC_TIMESTAMP && options & ZX_WAIT_ASYNC_BOOT_TIMESTAMP))
    return ZX_ERR_INVALID_ARGS;
  struct port *port;
  zx_status_t status = handle_get_port(port_handle, ZX_RIGHT_WRITE, &port, NULL);
  if (status != ZX_OK) return status;
  struct kobject *obj;
  status = get_waitable(handle, &obj);
  if (status == ZX_OK) {
    status = port_observe(port, obj, process_current()->handles, handle, key, signals, options);
    kobject_unref(obj);
  }
  kobject_unref(&port->obj);
  return status;
}
