// Shared process groups (ZX_PROCESS_SHARED, zx_process_create_shared): processes
// that share one window of their address space (TTBR1, see docs/design.md) and one
// handle table, while each keeps its own restricted (TTBR0) space.
//
// Lifetime: every member holds a reference to the group's memory; the shared state
// (window pages and tables, VMARs, handle table) lives while any member is alive.
// When the last member that ever ran dies, members that never started die with it:
// their only handles may sit in the group's own table, which nothing could close.
// After that the group is "gone": joining it is ZX_ERR_BAD_STATE.
#ifndef CORE_SHARED_GROUP_H_
#define CORE_SHARED_GROUP_H_

#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/spinlock.h>
#include <stdbool.h>

#include "core/object/handle_table.h"

struct vmar;

struct shared_group {
  struct arch_aspace window;    // the TTBR1 window
  struct vmar *root_vmar;       // its root VMAR; NULL once gone (under vm_lock)
  struct handle_table handles;  // every member's handle table
  spinlock_t lock;              // members, refs, gone
  struct process *members;      // live members (process.group_next/group_prev)
  unsigned started_members;     // live members that have been started
  unsigned refs;                // member processes, dead or alive
  bool gone;
};

// A new, empty group (it dies with its first member's reference dropped).
zx_status_t shared_group_create(struct shared_group **out);
// p (new, not started) joins g: its handle table becomes g's and its normal mode sees
// g's window. ZX_ERR_BAD_STATE when g is gone.
zx_status_t shared_group_join(struct shared_group *g, struct process *p);
// p (a member) died: the last live member's death frees the shared state.
void shared_group_member_died(struct process *p);
// p (a member) is being started for the first time.
void shared_group_member_started(struct process *p);
// Drops p's reference to its group's memory (process destruction).
void shared_group_release(struct shared_group *g);
// The window's root VMAR, or NULL once the group is gone (vm_lock held).
static inline struct vmar *shared_group_root_vmar_locked(const struct shared_group *g) {
  return g ? g->root_vmar : NULL;
}

#endif  // CORE_SHARED_GROUP_H_
