// Ports. The queue and its packets are under the port's lock; a thread waits on the
// port's own (internal) PORT_NONEMPTY signal, which the queue keeps equal to "not
// empty" under that lock. Users cannot see it: port handles never carry
// ZX_RIGHT_WAIT. An observer holds a reference to its port until it fires; its packet
// is part of it, so firing never needs memory.
#include "core/object/port.h"

#include <janus/arch.h>
#include <stddef.h>
#include <stdlib.h>

#define PORT_NONEMPTY __ZX_OBJECT_READABLE

struct port_observer {
  struct port_node node;  // first: a queued observer is freed as its node
  struct object_waiter waiter;
  struct port *port;
  uint32_t options;
  const void *table;  // the handle the wait was made through
  zx_handle_t handle;
};

static struct port_observer *observer_of(struct object_waiter *w) {
  return (struct port_observer *)((char *)w - offsetof(struct port_observer, waiter));
}

static void port_destroy(struct kobject *obj) {
  struct port *port = (struct port *)obj;
  for (struct port_node *n = port->head, *next; n; n = next) {
    next = n->next;
    free(n);
  }
  free(port);
}

static const struct kobject_ops port_ops = {.destroy = port_destroy};

zx_status_t port_create(struct port **out) {
  struct port *port = calloc(1, sizeof *port);
  if (!port) return ZX_ERR_NO_MEMORY;
  kobject_init(&port->obj, ZX_OBJ_TYPE_PORT, &port_ops);
  *out = port;
  return ZX_OK;
}

static void enqueue_locked(struct port *port, struct port_node *n) {
  n->next = NULL;
  if (port->tail) port->tail->next = n;
  else port->head = n;
  port->tail = n;
  if (port->head == n) object_signal(&port->obj, 0, PORT_NONEMPTY);
}

zx_status_t port_queue_user(struct port *port, const zx_port_packet_t *packet) {
  struct port_node *n = malloc(sizeof *n);
  if (!n) return ZX_ERR_NO_MEMORY;
  n->source = ZX_KOID_INVALID;
  n->packet = *packet;
  n->packet.type = ZX_PKT_TYPE_USER;
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&port->lock);
  if (port->user_packets >= PORT_MAX_USER_PACKETS) {
    status = ZX_ERR_SHOULD_WAIT;
  } else {
    port->user_packets++;
    enqueue_locked(port, n);
  }
  spin_unlock_irqrestore(&port->lock, state);
  if (status != ZX_OK) free(n);
  return status;
}

static struct port_node *dequeue(struct port *port) {
  irq_state_t state = spin_lock_irqsave(&port->lock);
  struct port_node *n = port->head;
  if (n) {
    port->head = n->next;
    if (!port->head) {
      port->tail = NULL;
      object_signal(&port->obj, PORT_NONEMPTY, 0);
    }
    if (n->source == ZX_KOID_INVALID) port->user_packets--;
  }
  spin_unlock_irqrestore(&port->lock, state);
  return n;
}

zx_status_t port_wait(struct port *port, zx_time_t deadline, zx_port_packet_t *out) {
  for (;;) {
    struct port_node *n = dequeue(port);
    if (n) {
      *out = n->packet;
      free(n);
      return ZX_OK;
    }
    zx_status_t status = object_wait(&port->obj, PORT_NONEMPTY, deadline, NULL);
    if (status != ZX_OK) return status;
  }
}

void port_observer_fire(struct object_waiter *w) {
  struct port_observer *o = observer_of(w);
  struct port *port = o->port;
  bool stamp = o->options & (ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP);
  o->node.packet.type = ZX_PKT_TYPE_SIGNAL_ONE;
  o->node.packet.status = ZX_OK;
  o->node.packet.signal = (zx_packet_signal_t){.trigger = w->mask,
                                               .observed = w->observed,
                                               .count = 1,
                                               .timestamp = stamp ? arch_monotonic_ns() : 0};
  irq_state_t state = spin_lock_irqsave(&port->lock);
  enqueue_locked(port, &o->node);
  spin_unlock_irqrestore(&port->lock, state);
  kobject_unref(&port->obj);  // the queue owns the observer now
}

void port_observer_discard(struct object_waiter *w) {
  struct port_observer *o = observer_of(w);
  kobject_unref(&o->port->obj);
  free(o);
}

zx_status_t port_observe(struct port *port, struct kobject *source, const void *table,
                         zx_handle_t h, uint64_t key, zx_signals_t signals, uint32_t options) {
  struct port_observer *o = calloc(1, sizeof *o);
  if (!o) return ZX_ERR_NO_MEMORY;
  o->table = table;
  o->handle = h;
  o->node.source = source->koid;
  o->node.packet.key = key;
  o->waiter.mask = signals;
  o->options = options;
  kobject_ref(&port->obj);
  o->port = port;
  if (object_observe(source, &o->waiter, options & ZX_WAIT_ASYNC_EDGE))
    port_observer_fire(&o->waiter);
  return ZX_OK;
}

struct cancel_match {
  struct port *port;
  uint64_t key;
};

static bool matches(struct object_waiter *w, void *ctx) {
  struct cancel_match *m = ctx;
  struct port_observer *o = observer_of(w);
  return o->port == m->port && o->node.packet.key == m->key;
}

zx_status_t port_cancel(struct port *port, struct kobject *source, uint64_t key) {
  struct cancel_match m = {port, key};
  size_t found = object_unobserve(source, matches, &m, port_observer_discard);
  // Then the packets its observers already queued.
  struct port_node *removed = NULL;
  irq_state_t state = spin_lock_irqsave(&port->lock);
  struct port_node *prev = NULL;
  for (struct port_node *n = port->head, *next; n; n = next) {
    next = n->next;
    if (n->source == source->koid && n->packet.key == key) {
      if (prev) prev->next = next;
      else port->head = next;
      if (port->tail == n) port->tail = prev;
      n->next = removed;
      removed = n;
      found++;
    } else {
      prev = n;
    }
  }
  if (!port->head) object_signal(&port->obj, PORT_NONEMPTY, 0);
  spin_unlock_irqrestore(&port->lock, state);
  while (removed) {
    struct port_node *n = removed;
    removed = n->next;
    free(n);
  }
  return found ? ZX_OK : ZX_ERR_NOT_FOUND;
}

struct handle_match {
  const void *table;
  zx_handle_t handle;
};

static bool made_through(struct object_waiter *w, void *ctx) {
  struct handle_match *m = ctx;
  struct port_observer *o = observer_of(w);
  return o->table == m->table && o->handle == m->handle;
}

void object_handle_closed(struct kobject *obj, const void *table, zx_handle_t h) {
  struct handle_match m = {table, h};
  object_unobserve(obj, made_through, &m, port_observer_discard);
}
