// What arch calls in core's exception channels (core/object/exception.c) when user
// code faults: the handlers get the fault first; nobody handling it ends the process.
#ifndef JANUS_EXCEPTION_H_
#define JANUS_EXCEPTION_H_

#include <stdbool.h>
#include <zircon/syscalls/exception.h>

struct trap_frame;

// Offers the current thread's fault (type from arch_exception_report) to its
// exception channels, in Zircon's order. True: handled, return to user mode with
// *frame (the thread may also have been told to exit). False: nobody handled it.
bool exception_dispatch(struct trap_frame *frame, zx_excp_type_t type);

#endif  // JANUS_EXCEPTION_H_
