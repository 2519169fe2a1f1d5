// newlib's locks (it is built with --enable-newlib-retargetable-locking): futex
// mutexes, recursive where newlib asks, so stdio, malloc and atexit are safe with
// several threads. A thread is known by TPIDR_EL0: a thread that has none yet (0 at
// start, as in Zircon) is given a unique odd value the first time it takes a lock, so
// threads started with a bare zx_thread_start need nothing from their creator.
// Futexes of a shared group's members are one context (docs/design.md), so a lock in
// the shared window works across the group.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/lock.h>
#include <zircon/syscalls.h>

struct __lock {
  zx_futex_t state;  // 0 free, 1 held, 2 held with waiters
  uintptr_t owner;   // recursive locks: the holder's identity
  unsigned depth;
};

// newlib's static locks.
struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
    __lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex,
    __lock___malloc_recursive_mutex, __lock___env_recursive_mutex, __lock___tz_mutex,
    __lock___dd_hash_mutex, __lock___arc4random_mutex;

static uintptr_t thread_identity(void) {
  static uintptr_t next_identity = 1;
  uintptr_t id;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(id));
  if (!id) {
    // Odd: never a pointer a program might keep in TPIDR_EL0 for its own TLS.
    id = __atomic_fetch_add(&next_identity, 2, __ATOMIC_RELAXED);
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(id));
  }
  return id;
}

static int mutex_try(struct __lock *l) {
  zx_futex_t free_state = 0;
  return __atomic_compare_exchange_n(&l->state, &free_state, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

static void mutex_lock(struct __lock *l) {
  if (mutex_try(l)) return;
  // Contended: mark waiters and sleep until the holder hands it over.
  while (__atomic_exchange_n(&l->state, 2, __ATOMIC_ACQUIRE) != 0)
    zx_futex_wait(&l->state, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

static void mutex_unlock(struct __lock *l) {
  if (__atomic_exchange_n(&l->state, 0, __ATOMIC_RELEASE) == 2) zx_futex_wake(&l->state, 1);
}

void __retarget_lock_init(_LOCK_T *lock) { *lock = calloc(1, sizeof **lock); }
void __retarget_lock_init_recursive(_LOCK_T *lock) { *lock = calloc(1, sizeof **lock); }
void __retarget_lock_close(_LOCK_T lock) { free(lock); }
void __retarget_lock_close_recursive(_LOCK_T lock) { free(lock); }

// A NULL lock: its init ran out of memory; run unlocked rather than crash.
void __retarget_lock_acquire(_LOCK_T lock) {
  if (lock) mutex_lock(lock);
}
int __retarget_lock_try_acquire(_LOCK_T lock) { return lock ? mutex_try(lock) : 1; }
void __retarget_lock_release(_LOCK_T lock) {
  if (lock) mutex_unlock(lock);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock) {
  if (!lock) return;
  uintptr_t self = thread_identity();
  if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != self) {
    mutex_lock(lock);
    __atomic_store_n(&lock->owner, self, __ATOMIC_RELAXED);
  }
  lock->depth++;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock) {
  if (!lock) return 1;
  uintptr_t self = thread_identity();
  if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != self) {
    if (!mutex_try(lock)) return 0;
    __atomic_store_n(&lock->owner, self, __ATOMIC_RELAXED);
  }
  lock->depth++;
  return 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock) {
  if (!lock || --lock->depth) return;
  __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
  mutex_unlock(lock);
}
