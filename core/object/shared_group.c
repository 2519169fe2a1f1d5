// Shared process groups: the window, the shared handle table and their lifetime
// (see core/object/shared_group.h).
#include "core/object/shared_group.h"

#include <janus/arch.h>
#include <janus/panic.h>
#include <stdlib.h>

#include "core/vm/vmar.h"
#include "core/vm/vmo.h"
#include "core/vm/slab.h"

static struct slab_cache group_cache = SLAB_CACHE("shared_group", sizeof(struct shared_group));

zx_status_t shared_group_create(struct shared_group **out) {
  struct shared_group *g = slab_alloc(&group_cache);
  if (!g) return ZX_ERR_NO_MEMORY;
  zx_status_t status = arch_shared_window_init(&g->window);
  if (status == ZX_OK) {
    status = vm_window_init(&g->window, &g->root_vmar);
    if (status != ZX_OK) arch_aspace_destroy(&g->window);
  }
  if (status != ZX_OK) {
    slab_free(&group_cache, g);
    return status;
  }
  handle_table_init(&g->handles, (uint64_t)arch_monotonic_ns() ^ (uintptr_t)g);
  g->lock = (spinlock_t)SPINLOCK_INIT;
  g->refs = 1;  // the caller's
  *out = g;
  return ZX_OK;
}

zx_status_t shared_group_join(struct shared_group *g, struct process *p) {
  irq_state_t state = spin_lock_irqsave(&g->lock);
  if (g->gone) {
    spin_unlock_irqrestore(&g->lock, state);
    return ZX_ERR_BAD_STATE;
  }
  p->group_next = g->members;
  p->group_prev = NULL;
  if (g->members) g->members->group_prev = p;
  g->members = p;
  g->refs++;
  p->group = g;
  p->handles = &g->handles;
  arch_aspace_use_shared_window(&p->aspace, &g->window);
  spin_unlock_irqrestore(&g->lock, state);
  return ZX_OK;
}

// The last member is dead: no thread can reach the window or the table any more.
// Each member's last thread left the window on its CPU (arch_aspace_activate(NULL)),
// so no TTBR1 still holds it.
static void free_shared_state(struct shared_group *g) {
  handle_table_destroy(&g->handles);
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *root = g->root_vmar;
  g->root_vmar = NULL;
  spin_unlock_irqrestore(&vm_lock, state);
  if (root) vm_root_destroy(root);
  state = spin_lock_irqsave(&vm_lock);  // zx_process_read_memory walks it under vm_lock
  arch_aspace_destroy(&g->window);
  spin_unlock_irqrestore(&vm_lock, state);
}

// Up to max members that never started (still PROCESS_INITIAL), referenced.
static unsigned collect_unstarted_locked(struct shared_group *g, struct process **out, unsigned max) {
  unsigned n = 0;
  for (struct process *m = g->members; m && n < max; m = m->group_next)
    if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) == PROCESS_INITIAL) {
      kobject_ref(&m->obj);
      out[n++] = m;
    }
  return n;
}

void shared_group_member_started(struct process *p) {
  struct shared_group *g = p->group;
  irq_state_t state = spin_lock_irqsave(&g->lock);
  g->started_members++;
  spin_unlock_irqrestore(&g->lock, state);
}

// O(1): groups may have tens of thousands of members.
void shared_group_member_died(struct process *p) {
  struct shared_group *g = p->group;
  irq_state_t state = spin_lock_irqsave(&g->lock);
  g->refs++;  // ours, while we work
  if (p->group_prev) p->group_prev->group_next = p->group_next;
  else if (g->members == p) g->members = p->group_next;
  if (p->group_next) p->group_next->group_prev = p->group_prev;
  p->group_next = p->group_prev = NULL;
  bool was_started = __atomic_load_n(&p->ever_started, __ATOMIC_ACQUIRE);
  if (was_started) g->started_members--;
  // The last member that ran is gone: the rest never started, and their only
  // handles may be in the table only they keep alive. They die too (each comes
  // back here, and the last of them frees the shared state).
  bool kill_unstarted = was_started && g->started_members == 0 && g->members;
  bool last = !g->members && !g->gone;
  if (last) g->gone = true;
  spin_unlock_irqrestore(&g->lock, state);
  while (kill_unstarted) {
    struct process *victims[16];
    state = spin_lock_irqsave(&g->lock);
    unsigned n = collect_unstarted_locked(g, victims, 16);
    spin_unlock_irqrestore(&g->lock, state);
    for (unsigned i = 0; i < n; i++) {
      process_kill(victims[i], ZX_TASK_RETCODE_SYSCALL_KILL);
      kobject_unref(&victims[i]->obj);
    }
    kill_unstarted = n == 16;
  }
  if (last) free_shared_state(g);
  shared_group_release(g);
}

void shared_group_release(struct shared_group *g) {
  irq_state_t state = spin_lock_irqsave(&g->lock);
  bool free_it = --g->refs == 0;
  bool had_state = !g->gone;
  if (free_it) g->gone = true;
  spin_unlock_irqrestore(&g->lock, state);
  if (!free_it) return;
  if (had_state) free_shared_state(g);  // a group that never had a member
  slab_free(&group_cache, g);
}
