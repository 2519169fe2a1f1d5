// Channels. Both ends' queues are under the pair lock; READABLE follows "queue not
// empty" under it. A reply whose txid a zx_channel_call at this end waits for goes to
// that call instead of the queue, as in Zircon.
#include "core/object/channel.h"

#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>

#include "core/kernel/timer.h"
#include "core/object/signals.h"

struct channel_call {
  struct channel_call *next;
  struct thread *thread;
  zx_txid_t txid;
  struct channel_msg *reply;  // set by the writer of the reply
};

static zx_txid_t next_txid;

static void free_queue(struct channel_msg *msg) {
  while (msg) {
    struct channel_msg *next = msg->next;
    channel_msg_free(msg);
    msg = next;
  }
}

// The peer is gone: calls waiting here stop (they see peer == NULL).
static void wake_calls(struct peered *end) {
  for (struct channel_call *c = ((struct channel *)end)->calls; c; c = c->next)
    sched_wake(c->thread);
}

static void channel_destroy(struct kobject *obj) {
  struct channel *ch = (struct channel *)obj;
  peered_detach(&ch->end, ZX_CHANNEL_WRITABLE, wake_calls);
  free_queue(ch->head);  // no one else reaches this end's queue now
  free(ch);
}

static const struct kobject_ops channel_ops = {.destroy = channel_destroy};

zx_status_t channel_create(struct channel **a, struct channel **b) {
  return peered_create(sizeof(struct channel), ZX_OBJ_TYPE_CHANNEL, &channel_ops,
                       ZX_CHANNEL_WRITABLE, (struct peered **)a, (struct peered **)b);
}

struct channel_msg *channel_msg_alloc(uint32_t num_bytes, uint32_t num_handles) {
  size_t handles = num_handles * sizeof(struct msg_handle);
  struct channel_msg *msg = malloc(sizeof *msg + handles + num_bytes);
  if (!msg) return NULL;
  msg->next = NULL;
  msg->num_bytes = num_bytes;
  msg->num_handles = 0;
  msg->bytes = (uint8_t *)msg->handles + handles;
  return msg;
}

void channel_msg_free(struct channel_msg *msg) {
  for (uint32_t i = 0; i < msg->num_handles; i++) kobject_unref(msg->handles[i].obj);
  free(msg);
}

static zx_txid_t msg_txid(const struct channel_msg *msg) {
  zx_txid_t txid = 0;
  if (msg->num_bytes >= sizeof txid) memcpy(&txid, msg->bytes, sizeof txid);
  return txid;
}

// Delivers msg at end `to` (pair lock held): to a waiting call, or the queue.
static void deliver_locked(struct channel *to, struct channel_msg *msg) {
  if (to->calls && msg->num_bytes >= sizeof(zx_txid_t)) {
    zx_txid_t txid = msg_txid(msg);
    for (struct channel_call *c = to->calls; c; c = c->next) {
      if (c->txid == txid && !c->reply) {
        c->reply = msg;
        sched_wake(c->thread);
        return;
      }
    }
  }
  msg->next = NULL;
  if (to->tail) to->tail->next = msg;
  else to->head = msg;
  to->tail = msg;
  if (to->head == msg) object_signal(&to->end.obj, 0, ZX_CHANNEL_READABLE);
}

zx_status_t channel_write(struct channel *ch, struct channel_msg *msg) {
  irq_state_t state = spin_lock_irqsave(&ch->end.pair->lock);
  struct channel *peer = (struct channel *)ch->end.peer;
  if (peer) deliver_locked(peer, msg);
  spin_unlock_irqrestore(&ch->end.pair->lock, state);
  return peer ? ZX_OK : ZX_ERR_PEER_CLOSED;
}

zx_status_t channel_read(struct channel *ch, uint32_t num_bytes, uint32_t num_handles, bool discard,
                         struct channel_msg **out, uint32_t *need_bytes, uint32_t *need_handles) {
  *out = NULL;
  struct channel_msg *msg;
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&ch->end.pair->lock);
  msg = ch->head;
  if (!msg) {
    status = ch->end.peer ? ZX_ERR_SHOULD_WAIT : ZX_ERR_PEER_CLOSED;
  } else {
    *need_bytes = msg->num_bytes;
    *need_handles = msg->num_handles;
    if (msg->num_bytes > num_bytes || msg->num_handles > num_handles)
      status = ZX_ERR_BUFFER_TOO_SMALL;
    if (status == ZX_OK || discard) {
      ch->head = msg->next;
      if (!ch->head) {
        ch->tail = NULL;
        object_signal(&ch->end.obj, ZX_CHANNEL_READABLE, 0);
      }
    }
  }
  spin_unlock_irqrestore(&ch->end.pair->lock, state);
  if (status == ZX_OK) *out = msg;
  else if (status == ZX_ERR_BUFFER_TOO_SMALL && discard) channel_msg_free(msg);
  return status;
}

static void unlink_call(struct channel *ch, struct channel_call *call) {
  for (struct channel_call **link = &ch->calls; *link; link = &(*link)->next) {
    if (*link == call) {
      *link = call->next;
      return;
    }
  }
}

zx_status_t channel_call(struct channel *ch, struct channel_msg *msg, zx_time_t deadline,
                         bool *sent, struct channel_msg **reply) {
  struct thread *self = thread_current();
  struct channel_call call = {.thread = self};
  // Kernel txids have the high bit set (Zircon's convention); 0 is never one.
  call.txid = (__atomic_add_fetch(&next_txid, 1, __ATOMIC_RELAXED) & 0x7fffffffu) | 0x80000000u;
  memcpy(msg->bytes, &call.txid, sizeof call.txid);
  *sent = false;
  *reply = NULL;
  struct timer timer;
  spinlock_t *lock = &ch->end.pair->lock;
  irq_state_t state = spin_lock_irqsave(lock);
  struct channel *peer = (struct channel *)ch->end.peer;
  if (!peer) {
    spin_unlock_irqrestore(lock, state);
    return ZX_ERR_PEER_CLOSED;
  }
  call.next = ch->calls;
  ch->calls = &call;
  deliver_locked(peer, msg);
  *sent = true;
  timer_arm(&timer, self, deadline);
  zx_status_t status = ZX_OK;
  while (!call.reply && ch->end.peer && status == ZX_OK)
    status = thread_block_locked(lock, &state, deadline);
  unlink_call(ch, &call);
  if (call.reply) status = ZX_OK;  // a reply that came with the deadline still counts
  else if (status == ZX_OK) status = ZX_ERR_PEER_CLOSED;
  spin_unlock_irqrestore(lock, state);
  timer_cancel(&timer);
  *reply = call.reply;
  return status;
}
