// What arch asks of the VM when user code faults: demand paging.
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

#endif  // JANUS_FAULT_H_
