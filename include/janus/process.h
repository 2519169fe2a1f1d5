// What arch asks of processes; the rest of struct process is core's
// (core/object/process.h). A user thread reaches its address space through
// thread->aspace, so arch never looks inside a process.
#ifndef JANUS_PROCESS_H_
#define JANUS_PROCESS_H_

#include <stdint.h>
#include <zircon/syscalls/object.h>  // ZX_TASK_RETCODE_*, for process_kill
#include <zircon/types.h>

struct process;

// Registers a user thread starts with: x0-x7 (arch_thread_init_user sets them).
#define PROCESS_START_REGS 8

// The running thread's process (NULL on a kernel thread).
struct process *process_current(void);
// Asks every thread of p to exit (they do so at their next return to user mode).
void process_kill(struct process *p, int64_t code);
// Called by a user thread that leaves: the last one turns the process dead.
__attribute__((noreturn)) void process_thread_exit(void);
// For fault reports: p's name (ZX_PROP_NAME) and koid.
const char *process_name(const struct process *p);
zx_koid_t process_koid(const struct process *p);

#endif  // JANUS_PROCESS_H_
