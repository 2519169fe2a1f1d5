// Exception objects and their channels. The faulting thread waits on a private object
// that the exception object signals when it goes (its last handle closed, or its
// message dropped unread), so the thread itself holds no reference that would keep
// the exception alive. One lock covers every task's channel slot and every thread's
// exception_frame: both change rarely.
#include "core/object/exception.h"

#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <stdlib.h>
#include <zircon/rights.h>

#include "core/object/channel.h"
#include "core/object/job.h"
#include "core/object/signals.h"

static spinlock_t exception_lock = SPINLOCK_INIT;

// What the faulting thread waits on: SIGNALED with the handler's verdict in state.
struct verdict {
  struct kobject obj;
  uint32_t state;
};

struct exception {
  struct kobject obj;
  struct thread *thread;  // references
  struct process *process;
  struct verdict *verdict;
  bool thread_channel;  // came through the thread's own channel
  uint32_t state;       // ZX_PROP_EXCEPTION_STATE
};

static void verdict_destroy(struct kobject *obj) { free(obj); }
static const struct kobject_ops verdict_ops = {.destroy = verdict_destroy};

static void exception_destroy(struct kobject *obj) {
  struct exception *e = (struct exception *)obj;
  e->verdict->state = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
  object_signal(&e->verdict->obj, 0, ZX_EVENT_SIGNALED);
  kobject_unref(&e->verdict->obj);
  kobject_unref(&e->thread->obj);
  kobject_unref(&e->process->obj);
  free(e);
}

static const struct kobject_ops exception_ops = {.destroy = exception_destroy};

// Hands the exception to one channel and waits for the verdict. TRY_NEXT also when
// nobody listens at the other end; ZX_ERR_CANCELED (as *state's stand-in) when killed.
static zx_status_t offer(struct channel *ch, bool thread_channel, zx_excp_type_t type,
                         uint32_t *state) {
  struct thread *self = thread_current();
  struct verdict *v = calloc(1, sizeof *v);
  struct exception *e = calloc(1, sizeof *e);
  struct channel_msg *msg = channel_msg_alloc(sizeof(zx_exception_info_t), 1);
  if (!v || !e || !msg) {
    free(v), free(e), free(msg);
    *state = ZX_EXCEPTION_STATE_TRY_NEXT;
    return ZX_ERR_NO_MEMORY;
  }
  kobject_init(&v->obj, ZX_OBJ_TYPE_EVENT, &verdict_ops);
  kobject_init(&e->obj, ZX_OBJ_TYPE_EXCEPTION, &exception_ops);
  kobject_ref(&v->obj);
  e->verdict = v;
  kobject_ref(&self->obj);
  e->thread = self;
  kobject_ref(&self->process->obj);
  e->process = self->process;
  e->thread_channel = thread_channel;
  e->state = ZX_EXCEPTION_STATE_TRY_NEXT;
  zx_exception_info_t info = {.pid = self->process->obj.koid, .tid = self->obj.koid, .type = type};
  __builtin_memcpy(msg->bytes, &info, sizeof info);
  msg->handles[0] = (struct msg_handle){&e->obj, ZX_DEFAULT_EXCEPTION_RIGHTS};
  msg->num_handles = 1;                                        // the message owns the exception now
  if (channel_write(ch, msg) != ZX_OK) channel_msg_free(msg);  // nobody there: TRY_NEXT
  zx_status_t status = object_wait(&v->obj, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, NULL);
  *state = v->state;
  kobject_unref(&v->obj);
  return status;
}

// The slots in the order Zircon tries them; job slots are reached through p->job.
static struct channel **slot_at(struct thread *t, unsigned i, bool *thread_channel) {
  struct process *p = t->process;
  *thread_channel = i == 1;
  if (i == 0) return &p->debugger_channel;
  if (i == 1) return &t->exception_channel;
  if (i == 2) return &p->exception_channel;
  struct job *job = p->job;
  for (unsigned k = 3; job && k < i; k++) job = job->parent;
  return job ? &job->exception_channel : NULL;
}

bool exception_dispatch(struct trap_frame *frame, zx_excp_type_t type) {
  struct thread *self = thread_current();
  irq_state_t irq = spin_lock_irqsave(&exception_lock);
  self->exception_frame = frame;
  spin_unlock_irqrestore(&exception_lock, irq);
  bool handled = false;
  bool thread_channel;
  struct channel **slot;
  for (unsigned i = 0; !handled && (slot = slot_at(self, i, &thread_channel)); i++) {
    irq = spin_lock_irqsave(&exception_lock);
    struct channel *ch = *slot;
    if (ch) kobject_ref(&ch->end.obj);
    spin_unlock_irqrestore(&exception_lock, irq);
    if (!ch) continue;
    uint32_t state;
    zx_status_t status = offer(ch, thread_channel, type, &state);
    kobject_unref(&ch->end.obj);
    if (status == ZX_ERR_CANCELED || state == ZX_EXCEPTION_STATE_THREAD_EXIT) {
      thread_kill(self);  // it leaves on its way back to user mode
      handled = true;
    } else if (state == ZX_EXCEPTION_STATE_HANDLED) {
      handled = true;
    }
  }
  irq = spin_lock_irqsave(&exception_lock);
  self->exception_frame = NULL;
  spin_unlock_irqrestore(&exception_lock, irq);
  return handled;
}

static bool task_dead(struct kobject *task) {
  switch (task->type) {
    case ZX_OBJ_TYPE_THREAD:
      return ((struct thread *)task)->state == THREAD_DEAD;
    case ZX_OBJ_TYPE_PROCESS:
      return ((struct process *)task)->state == PROCESS_DEAD;
    default:
      return ((struct job *)task)->dead;
  }
}

static struct channel **task_slot(struct kobject *task, bool debugger) {
  switch (task->type) {
    case ZX_OBJ_TYPE_THREAD:
      return &((struct thread *)task)->exception_channel;
    case ZX_OBJ_TYPE_PROCESS: {
      struct process *p = (struct process *)task;
      return debugger ? &p->debugger_channel : &p->exception_channel;
    }
    default:
      return &((struct job *)task)->exception_channel;
  }
}

static bool peer_alive(struct channel *ch) {
  irq_state_t irq = spin_lock_irqsave(&ch->end.pair->lock);
  bool alive = ch->end.peer != NULL;
  spin_unlock_irqrestore(&ch->end.pair->lock, irq);
  return alive;
}

zx_status_t exception_channel_create(struct kobject *task, bool debugger, struct kobject **out) {
  if (task_dead(task)) return ZX_ERR_BAD_STATE;
  struct channel *kernel_end, *user_end;
  zx_status_t status = channel_create(&kernel_end, &user_end);
  if (status != ZX_OK) return status;
  struct channel **slot = task_slot(task, debugger);
  struct channel *old = NULL;
  irq_state_t irq = spin_lock_irqsave(&exception_lock);
  // A channel whose user end is closed no longer binds the slot.
  if (*slot && peer_alive(*slot)) {
    status = ZX_ERR_ALREADY_BOUND;
  } else {
    old = *slot;
    *slot = kernel_end;
  }
  spin_unlock_irqrestore(&exception_lock, irq);
  if (old) kobject_unref(&old->end.obj);
  if (status != ZX_OK) {
    kobject_unref(&kernel_end->end.obj);
    kobject_unref(&user_end->end.obj);
    return status;
  }
  *out = &user_end->end.obj;
  return ZX_OK;
}

void exception_channel_release(struct channel **slot) {
  irq_state_t irq = spin_lock_irqsave(&exception_lock);
  struct channel *ch = *slot;
  *slot = NULL;
  spin_unlock_irqrestore(&exception_lock, irq);
  if (ch) kobject_unref(&ch->end.obj);
}

zx_status_t exception_get_thread(struct exception *e, struct thread **out) {
  kobject_ref(&e->thread->obj);
  *out = e->thread;
  return ZX_OK;
}

zx_status_t exception_get_process(struct exception *e, struct process **out) {
  if (e->thread_channel) return ZX_ERR_ACCESS_DENIED;
  kobject_ref(&e->process->obj);
  *out = e->process;
  return ZX_OK;
}

uint32_t exception_get_state(struct exception *e) {
  return __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
}

zx_status_t exception_set_state(struct exception *e, uint32_t state) {
  if (state > ZX_EXCEPTION_STATE_THREAD_EXIT) return ZX_ERR_INVALID_ARGS;
  __atomic_store_n(&e->state, state, __ATOMIC_RELEASE);
  return ZX_OK;
}

zx_status_t exception_read_regs(struct thread *t, struct zx_thread_state_general_regs *out) {
  irq_state_t irq = spin_lock_irqsave(&exception_lock);
  zx_status_t status = t->exception_frame ? ZX_OK : ZX_ERR_BAD_STATE;
  if (status == ZX_OK) arch_frame_get_regs(t, t->exception_frame, out);
  spin_unlock_irqrestore(&exception_lock, irq);
  return status;
}

zx_status_t exception_write_regs(struct thread *t, const struct zx_thread_state_general_regs *in) {
  irq_state_t irq = spin_lock_irqsave(&exception_lock);
  zx_status_t status = t->exception_frame ? ZX_OK : ZX_ERR_BAD_STATE;
  if (status == ZX_OK) arch_frame_set_regs(t, t->exception_frame, in);
  spin_unlock_irqrestore(&exception_lock, irq);
  return status;
}
