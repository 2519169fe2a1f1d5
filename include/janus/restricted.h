// What arch calls in restricted mode's core (core/object/restricted.c): leaving it.
#ifndef JANUS_RESTRICTED_H_
#define JANUS_RESTRICTED_H_

#include <stdint.h>

// Leaves restricted mode on the current thread for reason (ZX_RESTRICTED_REASON_*;
// esr/far: the exception's, for ZX_RESTRICTED_REASON_EXCEPTION): saves the state to
// the bound VMO and resumes normal mode at the vector on the next return to user mode.
void restricted_exit(uint64_t reason, uint64_t esr, uint64_t far);

#endif  // JANUS_RESTRICTED_H_
