// What arch asks of the VM when user code faults: demand paging, and whether the
// fault is a stack overflow (for the report).
#ifndef JANUS_FAULT_H_
#define JANUS_FAULT_H_

#include <stdbool.h>
#include <stdint.h>

struct process;

// A translation fault at addr from p's user code (restricted: in restricted mode,
// where the shared window is out of reach). True if a page was mapped (or already
// is): the instruction may run again.
bool vm_handle_user_fault(struct process *p, uintptr_t addr, bool write, bool exec,
                          bool restricted);

// Whether addr is in the page just below a mapping of a VMO named "stack", with
// nothing mapped there: a fault there is the thread running off its stack.
bool vm_is_stack_guard(struct process *p, uintptr_t addr);

#endif  // JANUS_FAULT_H_
