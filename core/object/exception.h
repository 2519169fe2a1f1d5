// Exceptions: a user thread's fault goes, in Zircon's order, to its process's debugger
// channel, its own exception channel, its process's, then its job's and each parent
// job's. Each channel gets a message (zx_exception_info_t) carrying an exception
// object; the thread waits until the handler closes that object, then resumes (state
// ZX_EXCEPTION_STATE_HANDLED, with any registers written meanwhile), exits
// (THREAD_EXIT) or goes on to the next channel (TRY_NEXT, the default). When no
// channel handles it the caller ends the process, as before.
#ifndef CORE_OBJECT_EXCEPTION_H_
#define CORE_OBJECT_EXCEPTION_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/syscalls/exception.h>
#include <zircon/types.h>

#include <janus/exception.h>  // exception_dispatch, which arch calls
#include <janus/object.h>

struct channel;
struct exception;
struct thread;
struct process;

// zx_task_create_exception_channel: binds a new channel to task (a thread, process or
// job; debugger: the process's debugger slot) and returns the user's end.
// ZX_ERR_ALREADY_BOUND: the slot has a live channel. ZX_ERR_BAD_STATE: the task is dead.
zx_status_t exception_channel_create(struct kobject *task, bool debugger, struct kobject **out);
// Drops a task's kernel end(s) when the task goes (its object's destroy).
void exception_channel_release(struct channel **slot);

// The exception object's thread and process (new references); ZX_ERR_ACCESS_DENIED for
// the process of an exception from a thread's own channel, as in Zircon.
zx_status_t exception_get_thread(struct exception *e, struct thread **out);
zx_status_t exception_get_process(struct exception *e, struct process **out);
// ZX_PROP_EXCEPTION_STATE.
uint32_t exception_get_state(struct exception *e);
zx_status_t exception_set_state(struct exception *e, uint32_t state);

// zx_thread_read_state / _write_state of general registers: ZX_ERR_BAD_STATE unless
// t is stopped in an exception.
struct zx_thread_state_general_regs;
zx_status_t exception_read_regs(struct thread *t, struct zx_thread_state_general_regs *out);
zx_status_t exception_write_regs(struct thread *t, const struct zx_thread_state_general_regs *in);

#endif  // CORE_OBJECT_EXCEPTION_H_
