// Jobs: the task tree (see core/object/job.h).
#include "core/object/job.h"

#include <janus/panic.h>
#include "core/object/process.h"
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>

#include "core/object/exception.h"
#include "core/object/signals.h"
#include "core/vm/vmar.h"
#include "core/vm/slab.h"

static struct job *root;

static bool kobject_try_ref(struct kobject *obj) {
  uint32_t count = __atomic_load_n(&obj->refcount, __ATOMIC_RELAXED);
  while (count) {
    if (__atomic_compare_exchange_n(&obj->refcount, &count, count + 1, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED))
      return true;
  }
  return false;  // being destroyed
}

// Turns a dying job that has become empty dead, then its parent if that empties it.
static void job_check_terminated(struct job *job) {
  while (job) {
    irq_state_t state = spin_lock_irqsave(&job->lock);
    bool fire = job->dying && !job->dead && !job->process_count && !job->child_count;
    if (fire) job->dead = true;
    spin_unlock_irqrestore(&job->lock, state);
    if (!fire) return;
    object_signal(&job->obj, 0, ZX_JOB_TERMINATED);
    struct job *parent = job->parent;
    if (!parent) return;
    bool unlinked = false, empty = false;
    state = spin_lock_irqsave(&parent->lock);
    if (job->linked) {
      struct job **link = &parent->children;
      while (*link != job) link = &(*link)->sibling_next;
      *link = job->sibling_next;
      job->linked = false;
      unlinked = true;
      empty = --parent->child_count == 0;
    }
    spin_unlock_irqrestore(&parent->lock, state);
    if (!unlinked) return;
    if (empty) object_signal(&parent->obj, 0, ZX_JOB_NO_JOBS);
    job = parent;  // our caller's reference to the first job keeps the chain alive
  }
}

static struct slab_cache job_cache = SLAB_CACHE("job", sizeof(struct job));

static void job_destroy(struct kobject *obj) {
  struct job *job = (struct job *)obj;
  ASSERT(!job->processes && !job->children);
  exception_channel_release(&job->exception_channel);
  struct job *parent = job->parent;
  if (parent) {
    bool empty = false;
    irq_state_t state = spin_lock_irqsave(&parent->lock);
    if (job->linked) {
      struct job **link = &parent->children;
      while (*link != job) link = &(*link)->sibling_next;
      *link = job->sibling_next;
      job->linked = false;
      empty = --parent->child_count == 0;
    }
    spin_unlock_irqrestore(&parent->lock, state);
    if (empty) object_signal(&parent->obj, 0, ZX_JOB_NO_JOBS);
    job_check_terminated(parent);
    kobject_unref(&parent->obj);
  }
  slab_free(&job_cache, job);
}

static const struct kobject_ops job_ops = {.destroy = job_destroy};

static struct job *job_alloc(struct job *parent) {
  struct job *job = slab_alloc(&job_cache);
  if (!job) return NULL;
  kobject_init(&job->obj, ZX_OBJ_TYPE_JOB, &job_ops);
  job->parent = parent;
  job->height = parent ? parent->height - 1 : JOB_MAX_HEIGHT;
  object_signal(&job->obj, 0, ZX_JOB_NO_JOBS | ZX_JOB_NO_PROCESSES);
  return job;
}

struct job *root_job(void) {
  struct job *job = __atomic_load_n(&root, __ATOMIC_ACQUIRE);
  if (job) return job;
  job = job_alloc(NULL);
  ASSERT(job);
  strcpy(job->name, "root");
  struct job *expected = NULL;
  if (!__atomic_compare_exchange_n(&root, &expected, job, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    kobject_unref(&job->obj);  // another CPU won
    return expected;
  }
  return job;  // the root's own reference is never dropped
}

zx_status_t job_create(struct job *parent, struct job **out) {
  if (parent->height == 0) return ZX_ERR_OUT_OF_RANGE;
  struct job *job = job_alloc(parent);
  if (!job) return ZX_ERR_NO_MEMORY;
  irq_state_t state = spin_lock_irqsave(&parent->lock);
  if (parent->dying) {
    spin_unlock_irqrestore(&parent->lock, state);
    job->parent = NULL;  // never linked, holds no reference
    kobject_unref(&job->obj);
    return ZX_ERR_BAD_STATE;
  }
  kobject_ref(&parent->obj);
  job->sibling_next = parent->children;
  parent->children = job;
  job->linked = true;
  bool first = parent->child_count++ == 0;
  spin_unlock_irqrestore(&parent->lock, state);
  if (first) object_signal(&parent->obj, ZX_JOB_NO_JOBS, 0);
  *out = job;
  return ZX_OK;
}

zx_status_t job_add_process(struct job *job, struct process *p) {
  ASSERT(!p->job);
  irq_state_t state = spin_lock_irqsave(&job->lock);
  if (job->dying) {
    spin_unlock_irqrestore(&job->lock, state);
    return ZX_ERR_BAD_STATE;
  }
  kobject_ref(&job->obj);
  p->job = job;
  p->job_next = job->processes;
  p->job_prev = NULL;
  if (job->processes) job->processes->job_prev = p;
  job->processes = p;
  p->in_job = true;
  bool first = job->process_count++ == 0;
  spin_unlock_irqrestore(&job->lock, state);
  if (first) object_signal(&job->obj, ZX_JOB_NO_PROCESSES, 0);
  return ZX_OK;
}

bool job_unlink_process(struct process *p, bool *now_empty) {
  struct job *job = p->job;
  if (!job) return false;
  bool found = false;
  irq_state_t state = spin_lock_irqsave(&job->lock);
  if (p->in_job) {  // O(1): a job may hold tens of thousands of processes
    if (p->job_prev) p->job_prev->job_next = p->job_next;
    else job->processes = p->job_next;
    if (p->job_next) p->job_next->job_prev = p->job_prev;
    p->job_next = p->job_prev = NULL;
    p->in_job = false;
    found = true;
    *now_empty = --job->process_count == 0;
  }
  spin_unlock_irqrestore(&job->lock, state);
  return found;
}

void job_process_left(struct job *job, bool now_empty) {
  if (now_empty) object_signal(&job->obj, 0, ZX_JOB_NO_PROCESSES);
  job_check_terminated(job);
}

void job_remove_process(struct process *p) {
  bool empty = false;
  if (job_unlink_process(p, &empty)) job_process_left(p->job, empty);
}

void job_release_process(struct process *p) {
  job_remove_process(p);
  if (p->job) {
    kobject_unref(&p->job->obj);
    p->job = NULL;
  }
}

void task_kill_process(struct process *p) { process_kill(p, ZX_TASK_RETCODE_SYSCALL_KILL); }

// What one pass of a kill takes from a job's lists: on the stack, since a kill must
// work when memory has run out (a job full of sleeping processes may be what took it).
#define KILL_BATCH 8

// A member a kill has not reached yet: a process still unstarted or running, a child
// job not dying. Read without the member's lock: a kill by someone else that has
// started will finish it.
static bool process_needs_kill(const struct process *p) {
  enum process_state s = __atomic_load_n(&p->state, __ATOMIC_RELAXED);
  return s == PROCESS_INITIAL || s == PROCESS_RUNNING;
}

// Where a kill's next pass starts in each list: the first member no pass has looked
// at, held by a reference (members before it need nothing more), or the head again if
// that member has left the list meanwhile; done once a pass reached the end. So a kill
// of a job of n members looks at each about once, not n / KILL_BATCH times.
struct kill_cursor {
  struct process *process;
  struct job *child;
  bool processes_done, children_done;
};

// Under job->lock: where this pass starts.
static struct process *first_process(const struct job *job, const struct kill_cursor *at) {
  if (at->processes_done) return NULL;
  return at->process && at->process->in_job ? at->process : job->processes;
}

static struct job *first_child(const struct job *job, const struct kill_cursor *at) {
  if (at->children_done) return NULL;
  return at->child && at->child->linked ? at->child : job->children;
}

// Kills job's processes and, recursively, its child jobs, without allocating: each
// pass takes up to KILL_BATCH members the kill has not reached under the lock (a
// reference each) and kills them outside it, until a pass finds none. Killed members
// leave the lists as they die; after `dying` nothing joins them.
static void job_kill_tree(struct job *job) {
  irq_state_t state = spin_lock_irqsave(&job->lock);
  job->dying = true;  // from now on the lists only shrink
  spin_unlock_irqrestore(&job->lock, state);
  struct kill_cursor at = {0};
  size_t count;
  do {
    struct kobject *victims[KILL_BATCH];
    struct kill_cursor next = {.processes_done = at.processes_done,
                               .children_done = at.children_done};
    count = 0;
    state = spin_lock_irqsave(&job->lock);
    struct process *p = first_process(job, &at);
    for (; p && count < KILL_BATCH; p = p->job_next)
      if (process_needs_kill(p) && kobject_try_ref(&p->obj)) victims[count++] = &p->obj;
    if (!at.processes_done && !p) next.processes_done = true;
    else if (p && kobject_try_ref(&p->obj)) next.process = p;
    struct job *c = first_child(job, &at);
    for (; c && count < KILL_BATCH; c = c->sibling_next)
      if (!__atomic_load_n(&c->dying, __ATOMIC_RELAXED) && kobject_try_ref(&c->obj))
        victims[count++] = &c->obj;
    if (!at.children_done && !c) next.children_done = true;
    else if (c && kobject_try_ref(&c->obj)) next.child = c;
    spin_unlock_irqrestore(&job->lock, state);
    // Dropped outside the lock: a last reference destroys, which takes it.
    if (at.process) kobject_unref(&at.process->obj);
    if (at.child) kobject_unref(&at.child->obj);
    at = next;
    for (size_t i = 0; i < count; i++) {
      if (victims[i]->type == ZX_OBJ_TYPE_PROCESS)
        task_kill_process((struct process *)victims[i]);
      else
        job_kill_tree((struct job *)victims[i]);  // depth is bounded by JOB_MAX_HEIGHT
      kobject_unref(victims[i]);
    }
  } while (count);
  if (at.process) kobject_unref(&at.process->obj);
  if (at.child) kobject_unref(&at.child->obj);
  job_check_terminated(job);
}

zx_status_t job_kill(struct job *job) {
  if (!job->parent) return ZX_ERR_ACCESS_DENIED;
  job_kill_tree(job);
  return ZX_OK;
}

zx_status_t job_handle_for(struct process *p, zx_handle_t *out) {
  struct job *job = p->job;
  if (!job) return ZX_ERR_BAD_STATE;
  zx_rights_t rights = ZX_DEFAULT_JOB_RIGHTS;
  if (!job->parent) rights &= ~ZX_RIGHT_DESTROY;
  return handle_table_add(p->handles, &job->obj, rights, out);
}

size_t job_process_koids(struct job *job, zx_koid_t *koids, size_t max) {
  size_t avail = 0;
  irq_state_t state = spin_lock_irqsave(&job->lock);
  for (struct process *p = job->processes; p; p = p->job_next) {
    if (avail < max) koids[avail] = p->obj.koid;
    avail++;
  }
  spin_unlock_irqrestore(&job->lock, state);
  return avail;
}

size_t job_child_koids(struct job *job, zx_koid_t *koids, size_t max) {
  size_t avail = 0;
  irq_state_t state = spin_lock_irqsave(&job->lock);
  for (struct job *c = job->children; c; c = c->sibling_next) {
    if (avail < max) koids[avail] = c->obj.koid;
    avail++;
  }
  spin_unlock_irqrestore(&job->lock, state);
  return avail;
}

struct kobject *job_find_child(struct job *job, zx_koid_t koid) {
  struct kobject *found = NULL;
  irq_state_t state = spin_lock_irqsave(&job->lock);
  for (struct job *c = job->children; c && !found; c = c->sibling_next)
    if (c->obj.koid == koid && kobject_ref_unless_zero(&c->obj)) found = &c->obj;
  for (struct process *p = job->processes; p && !found; p = p->job_next)
    if (p->obj.koid == koid && kobject_ref_unless_zero(&p->obj)) found = &p->obj;
  spin_unlock_irqrestore(&job->lock, state);
  return found;
}

void job_get_name(struct job *job, char out[ZX_MAX_NAME_LEN]) {
  irq_state_t state = spin_lock_irqsave(&job->lock);
  memcpy(out, job->name, ZX_MAX_NAME_LEN);
  spin_unlock_irqrestore(&job->lock, state);
  out[ZX_MAX_NAME_LEN - 1] = '\0';
}

void job_set_name(struct job *job, const char *name, size_t len) {
  if (len > ZX_MAX_NAME_LEN - 1) len = ZX_MAX_NAME_LEN - 1;
  irq_state_t state = spin_lock_irqsave(&job->lock);
  memset(job->name, 0, sizeof job->name);
  memcpy(job->name, name, len);
  spin_unlock_irqrestore(&job->lock, state);
}
