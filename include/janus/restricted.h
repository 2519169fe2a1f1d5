// What arch calls in restricted mode's core (core/object/restricted.c): leaving it.
#ifndef JANUS_RESTRICTED_H_
#define JANUS_RESTRICTED_H_

#include <janus/arch.h>  // struct arch_normal_state
#include <stdint.h>
#include <zircon/syscalls-next.h>

struct vmo;

// A thread's bound state (zx_restricted_bind_state). Here, not in core, because
// arch's restricted enter and exit (restricted_entry.S) read it directly.
struct restricted_binding {
  struct vmo *vmo;               // the bound state VMO (one reference; not resizable)
  zx_restricted_state_t *state;  // its first page, through the physmap
  // Where normal mode resumes, and x0 there. vector is only ever a value
  // zx_restricted_enter accepted for this thread (USER_ASPACE_BASE at first), so the
  // fast enter takes an equal vector without checking it again.
  uintptr_t vector, context;
  struct arch_normal_state normal;  // what normal mode gets back (sp, TLS)
};

// Leaves restricted mode on the current thread for reason (ZX_RESTRICTED_REASON_*;
// esr/far: the exception's, for ZX_RESTRICTED_REASON_EXCEPTION): saves the state to
// the bound VMO and resumes normal mode at the vector on the next return to user mode.
void restricted_exit(uint64_t reason, uint64_t esr, uint64_t far);

#endif  // JANUS_RESTRICTED_H_
