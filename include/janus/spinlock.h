// Ticket spinlock: FIFO-fair, so no CPU starves under contention. Portable C
// (compiler atomics); the _irqsave forms also mask interrupts on this CPU.
#ifndef JANUS_SPINLOCK_H_
#define JANUS_SPINLOCK_H_

#include <janus/arch.h>
#include <stdint.h>

typedef struct spinlock {
  uint16_t next;
  uint16_t owner;
} spinlock_t;

#define SPINLOCK_INIT {0, 0}

static inline void spin_lock(spinlock_t *lock) {
  uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
  while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket) arch_cpu_relax();
}

static inline void spin_unlock(spinlock_t *lock) {
  __atomic_store_n(&lock->owner, (uint16_t)(lock->owner + 1), __ATOMIC_RELEASE);
  arch_cpu_wake();
}

static inline irq_state_t spin_lock_irqsave(spinlock_t *lock) {
  irq_state_t state = arch_irq_save();
  spin_lock(lock);
  return state;
}

static inline void spin_unlock_irqrestore(spinlock_t *lock, irq_state_t state) {
  spin_unlock(lock);
  arch_irq_restore(state);
}

#endif  // JANUS_SPINLOCK_H_
