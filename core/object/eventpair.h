// Eventpairs: two ends that signal each other (zx_eventpair_create,
// zx_object_signal_peer); an end going away raises ZX_EVENTPAIR_PEER_CLOSED on the other.
#ifndef CORE_OBJECT_EVENTPAIR_H_
#define CORE_OBJECT_EVENTPAIR_H_

#include "core/object/peer.h"

// Two new ends, one reference each for the caller. ZX_ERR_NO_MEMORY.
zx_status_t eventpair_create(struct peered **a, struct peered **b);

#endif  // CORE_OBJECT_EVENTPAIR_H_
