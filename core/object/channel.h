// Channels: pairs of ends that carry messages of bytes and handles each way. A
// message's handles are owned by it (one reference each, with its rights) until a
// read installs them in the reader's handle table, or the message is dropped.
#ifndef CORE_OBJECT_CHANNEL_H_
#define CORE_OBJECT_CHANNEL_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "core/object/peer.h"

struct msg_handle {
  struct kobject *obj;
  zx_rights_t rights;
};

struct channel_msg {
  struct channel_msg *next;
  uint32_t num_bytes, num_handles;
  uint8_t *bytes;  // in the same allocation, after the handles
  struct msg_handle handles[];
};

struct channel_call;

struct channel {
  struct peered end;
  struct channel_msg *head, *tail;  // messages to read at this end (under the pair lock)
  struct channel_call *calls;       // zx_channel_call waiting for a reply here
};

// Two new ends, one reference each for the caller. ZX_ERR_NO_MEMORY.
zx_status_t channel_create(struct channel **a, struct channel **b);
// A message with room for num_bytes and num_handles (handles empty). NULL: no memory.
struct channel_msg *channel_msg_alloc(uint32_t num_bytes, uint32_t num_handles);
// Drops the message's handles and frees it.
void channel_msg_free(struct channel_msg *msg);
// Queues msg at ch's peer (which owns it from then on). ZX_ERR_PEER_CLOSED: it did not
// (msg is still the caller's).
zx_status_t channel_write(struct channel *ch, struct channel_msg *msg);
// Takes the oldest message when it fits num_bytes/num_handles. Else *msg stays NULL and
// the sizes go to *need_bytes/*need_handles: ZX_ERR_BUFFER_TOO_SMALL (the message is
// dropped if discard). ZX_ERR_SHOULD_WAIT: nothing queued; ZX_ERR_PEER_CLOSED: nothing
// queued and the peer is gone.
zx_status_t channel_read(struct channel *ch, uint32_t num_bytes, uint32_t num_handles, bool discard,
                         struct channel_msg **msg, uint32_t *need_bytes, uint32_t *need_handles);
// zx_channel_call's kernel half: writes msg (its first 4 bytes become a new txid) and
// waits until the deadline for the reply with that txid, which *reply gets.
// ZX_ERR_PEER_CLOSED (msg is then still the caller's if *sent is false),
// ZX_ERR_TIMED_OUT, ZX_ERR_CANCELED (killed).
zx_status_t channel_call(struct channel *ch, struct channel_msg *msg, zx_time_t deadline,
                         bool *sent, struct channel_msg **reply);

#endif  // CORE_OBJECT_CHANNEL_H_
