// Restricted mode: binding the state VMO, entering, leaving, kicks. The register
// work is arch's (arch/restricted.h); the MMU side is arch_aspace_set_restricted, which
// points TTBR1 at the kernel-only root and tags TTBR0 with the process's restricted
// ASID, so nothing of the shared window is reachable and no TLB flush is needed.
#include "core/object/restricted.h"

#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <stdlib.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/syscalls/syscall_table.h"
#include "core/vm/vmo.h"
#include "core/vm/slab.h"

static struct slab_cache binding_cache =
    SLAB_CACHE("restricted_binding", sizeof(struct restricted_binding));

static void binding_free(struct restricted_binding *b) {
  if (!b) return;
  kobject_unref(&b->vmo->obj);
  slab_free(&binding_cache, b);
}

void restricted_thread_release(struct thread *t) {
  binding_free(t->restricted);
  t->restricted = NULL;
}

zx_status_t sys_restricted_bind_state(uint32_t options, user_out_ptr_t out) {
  if (options != 0) return ZX_ERR_INVALID_ARGS;
  struct restricted_binding *b = slab_alloc(&binding_cache);
  if (!b) return ZX_ERR_NO_MEMORY;
  // One page, not resizable, committed now: the kernel keeps a pointer to it.
  zx_status_t status = vmo_create(PAGE_SIZE, 0, &b->vmo);
  if (status != ZX_OK) {
    slab_free(&binding_cache, b);
    return status;
  }
  paddr_t pa;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  status = vmo_commit_page_locked(b->vmo, 0, true, &pa, NULL);
  b->vmo->pinned = true;  // never shared or decommitted: the kernel keeps pa
  spin_unlock_irqrestore(&vm_lock, state);
  struct handle_table *ht = process_current()->handles;
  zx_handle_t h = ZX_HANDLE_INVALID;
  if (status == ZX_OK) status = handle_table_add(ht, &b->vmo->obj, ZX_DEFAULT_VMO_RIGHTS, &h);
  if (status == ZX_OK && arch_copy_to_user(out.addr, &h, sizeof h) != ZX_OK) {
    handle_table_close(ht, h);
    status = ZX_ERR_INVALID_ARGS;
  }
  if (status != ZX_OK) {
    binding_free(b);
    return status;
  }
  b->state = paddr_to_kva(pa);
  b->vector = USER_ASPACE_BASE;  // valid for every process (see struct restricted_binding)
  struct thread *self = thread_current();
  binding_free(self->restricted);  // a new binding replaces the old
  self->restricted = b;
  return ZX_OK;
}

zx_status_t sys_restricted_unbind_state(uint32_t options) {
  if (options != 0) return ZX_ERR_INVALID_ARGS;
  restricted_thread_release(thread_current());
  return ZX_OK;
}

// ZX_OK means the frame was rewritten: the thread resumes at the vector (the
// syscall layer then leaves x0 alone). Any other status is returned as usual.
zx_status_t sys_restricted_enter(uint32_t options, uintptr_t vector, uintptr_t context) {
  struct thread *self = thread_current();
  struct process *p = self->process;
  if (options != 0 || !process_user_address(p, vector)) return ZX_ERR_INVALID_ARGS;
  struct restricted_binding *b = self->restricted;
  if (!b) return ZX_ERR_BAD_STATE;
  // User threads may be writing the state: what is checked is read once, here. The
  // general registers need no check and go straight to the frame later.
  zx_restricted_state_t s;
  const volatile zx_restricted_state_t *live = b->state;
  s.sp = live->sp;
  s.pc = live->pc;
  s.tpidr_el0 = live->tpidr_el0;
  s.cpsr = live->cpsr;
  if (arch_restricted_check(&s) != ZX_OK) return ZX_ERR_BAD_STATE;
  b->vector = vector;
  b->context = context;
  irq_state_t state = arch_irq_save();
  if (__atomic_exchange_n(&self->restricted_kick, false, __ATOMIC_ACQ_REL)) {
    arch_irq_restore(state);
    arch_restricted_vector(vector, context, ZX_RESTRICTED_REASON_KICK);
    return ZX_OK;
  }
  arch_restricted_load(&s, b->state->x, &b->normal);
  self->in_restricted = true;
  arch_aspace_set_restricted(&p->aspace, true);
  arch_irq_restore(state);
  return ZX_OK;
}

void restricted_exit(uint64_t reason, uint64_t esr, uint64_t far) {
  struct thread *self = thread_current();
  struct restricted_binding *b = self->restricted;  // bound: only we could unbind it
  if (reason == ZX_RESTRICTED_REASON_EXCEPTION)
    arch_exception_report(esr, far, &((zx_restricted_exception_t *)b->state)->exception);
  irq_state_t state = arch_irq_save();
  arch_restricted_save(b->state, &b->normal, b->vector, b->context, reason);
  if (reason == ZX_RESTRICTED_REASON_KICK) __atomic_store_n(&self->restricted_kick, false, __ATOMIC_RELEASE);
  self->in_restricted = false;
  arch_aspace_set_restricted(&self->process->aspace, false);
  arch_irq_restore(state);
}

zx_status_t sys_restricted_kick(zx_handle_t handle, uint32_t options) {
  if (options != 0) return ZX_ERR_INVALID_ARGS;
  struct thread *t;
  zx_status_t status = handle_get_thread(handle, ZX_RIGHT_MANAGE_THREAD, &t, NULL);
  if (status != ZX_OK) return status;
  if (t->killed || __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) >= THREAD_EXITING ||
      __atomic_load_n(&t->process->state, __ATOMIC_ACQUIRE) >= PROCESS_DYING) {
    status = ZX_ERR_BAD_STATE;
  } else {
    __atomic_store_n(&t->restricted_kick, true, __ATOMIC_RELEASE);
    // Running elsewhere: an interrupt sends it through its return path, which sees
    // the kick. Anywhere else it passes that path before running restricted code.
    if (t->cpu != arch_cpu_index()) arch_cpu_kick(t->cpu);
  }
  kobject_unref(&t->obj);
  return status;
}
