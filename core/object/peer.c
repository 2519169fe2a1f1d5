#include "core/object/peer.h"

#include <stdlib.h>

#include "core/object/signals.h"

zx_status_t peered_create(size_t size, zx_obj_type_t type, const struct kobject_ops *ops,
                          zx_signals_t initial, struct peered **a, struct peered **b) {
  struct peer_pair *pair = calloc(1, sizeof *pair);
  struct peered *x = calloc(1, size), *y = calloc(1, size);
  if (!pair || !x || !y) {
    free(pair), free(x), free(y);
    return ZX_ERR_NO_MEMORY;
  }
  pair->ends = 2;
  kobject_init(&x->obj, type, ops);
  kobject_init(&y->obj, type, ops);
  x->obj.signals = y->obj.signals = initial;
  x->pair = y->pair = pair;
  x->peer = y;
  y->peer = x;
  *a = x;
  *b = y;
  return ZX_OK;
}

void peered_detach(struct peered *self, zx_signals_t clear,
                   void (*on_closed)(struct peered *peer)) {
  struct peer_pair *pair = self->pair;
  irq_state_t state = spin_lock_irqsave(&pair->lock);
  struct peered *peer = self->peer;
  if (peer) {
    peer->peer = NULL;
    if (on_closed) on_closed(peer);
    object_signal(&peer->obj, clear, __ZX_OBJECT_PEER_CLOSED);
  }
  bool last = --pair->ends == 0;
  spin_unlock_irqrestore(&pair->lock, state);
  if (last) free(pair);
}

zx_status_t peered_signal_peer(struct peered *self, zx_signals_t clear, zx_signals_t set) {
  irq_state_t state = spin_lock_irqsave(&self->pair->lock);
  struct peered *peer = self->peer;
  if (peer) object_signal(&peer->obj, clear, set);
  spin_unlock_irqrestore(&self->pair->lock, state);
  return peer ? ZX_OK : ZX_ERR_PEER_CLOSED;
}
