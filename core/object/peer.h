// The two ends of a pair (channels, eventpairs): each end knows the other until one
// goes, and the survivor then gets ZX_*_PEER_CLOSED. One lock per pair covers both
// ends' peer links and whatever the pair's type keeps under it (a channel's queues).
#ifndef CORE_OBJECT_PEER_H_
#define CORE_OBJECT_PEER_H_

#include <janus/spinlock.h>
#include <stddef.h>
#include <zircon/types.h>

#include <janus/object.h>

struct peer_pair {
  spinlock_t lock;
  unsigned ends;  // ends not yet destroyed; the last one frees the pair
};

struct peered {
  struct kobject obj;
  struct peer_pair *pair;
  struct peered *peer;  // NULL once the peer is gone (under pair->lock)
};

// Two ends of `size` bytes each (struct peered first), zeroed, of type with ops, each
// with the signals `initial` and one reference for the caller. ZX_ERR_NO_MEMORY.
zx_status_t peered_create(size_t size, zx_obj_type_t type, const struct kobject_ops *ops,
                          zx_signals_t initial, struct peered **a, struct peered **b);
// From an end's destroy: the peer (if any) loses `clear` and gets PEER_CLOSED, after
// on_closed(peer) ran under the pair lock (NULL: nothing). Frees the pair with the
// last end; the end's own memory is the caller's.
void peered_detach(struct peered *self, zx_signals_t clear, void (*on_closed)(struct peered *peer));
// zx_object_signal_peer: ZX_ERR_PEER_CLOSED when the peer is gone.
zx_status_t peered_signal_peer(struct peered *self, zx_signals_t clear, zx_signals_t set);

#endif  // CORE_OBJECT_PEER_H_
