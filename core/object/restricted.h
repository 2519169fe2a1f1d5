// Restricted mode (zx_restricted_bind_state, _unbind_state, _enter, _kick): a thread
// runs code with only its process's restricted (TTBR0) space mapped; a syscall, an
// exception or a kick brings it back to normal mode at the vector it entered with.
#ifndef CORE_RESTRICTED_H_
#define CORE_RESTRICTED_H_

#include <janus/arch.h>  // struct arch_normal_state, arch_restricted_*
#include <janus/restricted.h>  // struct restricted_binding, restricted_exit
#include <stdint.h>
#include <zircon/syscalls-next.h>

struct thread;

// Drops t's binding (thread destruction).
void restricted_thread_release(struct thread *t);

#endif  // CORE_RESTRICTED_H_
