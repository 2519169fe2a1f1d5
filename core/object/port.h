// Ports: queues of packets that threads wait on (zx_port_*). Packets are user packets
// (zx_port_queue) and signal-one packets from the observers zx_object_wait_async
// leaves on objects (core/object/signals.c).
#ifndef CORE_OBJECT_PORT_H_
#define CORE_OBJECT_PORT_H_

#include <janus/spinlock.h>
#include <stdbool.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#include <janus/object.h>
#include "core/object/signals.h"

// Zircon's limit on queued user packets per port; more is ZX_ERR_SHOULD_WAIT.
#define PORT_MAX_USER_PACKETS 16384u

struct port_node {
  struct port_node *next;
  zx_koid_t source;  // the observed object's koid; ZX_KOID_INVALID for user packets
  zx_port_packet_t packet;
};

struct port {
  struct kobject obj;
  spinlock_t lock;
  struct port_node *head, *tail;
  uint32_t user_packets;  // queued by zx_port_queue
};

// A new port; one reference for the caller. ZX_ERR_NO_MEMORY.
zx_status_t port_create(struct port **out);
// Queues a user packet (its type forced to ZX_PKT_TYPE_USER). ZX_ERR_SHOULD_WAIT at
// PORT_MAX_USER_PACKETS, ZX_ERR_NO_MEMORY.
zx_status_t port_queue_user(struct port *port, const zx_port_packet_t *packet);
// Takes the oldest packet, waiting until the deadline (ZX_ERR_TIMED_OUT) or a kill
// (ZX_ERR_CANCELED).
zx_status_t port_wait(struct port *port, zx_time_t deadline, zx_port_packet_t *out);
// zx_object_wait_async: leaves an observer on source that queues one signal packet
// (key, signals, options ZX_WAIT_ASYNC_*) when one of signals is (level) or becomes
// (ZX_WAIT_ASYNC_EDGE) active. ZX_ERR_NO_MEMORY.
// The wait ends early when the handle h of table (the caller's) is closed.
zx_status_t port_observe(struct port *port, struct kobject *source, const void *table,
                         zx_handle_t h, uint64_t key, zx_signals_t signals, uint32_t options);
// zx_port_cancel: drops source's observers for this port and key and the packets they
// queued. ZX_ERR_NOT_FOUND when there was neither.
zx_status_t port_cancel(struct port *port, struct kobject *source, uint64_t key);

// For signals.c: an observer fired (its packet goes to its port), or its object went.
void port_observer_fire(struct object_waiter *w);
void port_observer_discard(struct object_waiter *w);

#endif  // CORE_OBJECT_PORT_H_
