// Processes: an address space, a handle table and threads. A process dies when its
// last thread exits; zx_process_exit / zx_task_kill make every thread exit.
#ifndef CORE_OBJECT_PROCESS_H_
#define CORE_OBJECT_PROCESS_H_

#include <janus/arch.h>
#include <janus/physmap.h>
#include <janus/spinlock.h>
#include <stdbool.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "core/object/handle_table.h"
#include <janus/object.h>
#include <janus/process.h>  // what arch asks of a process

enum process_state { PROCESS_INITIAL, PROCESS_RUNNING, PROCESS_DYING, PROCESS_DEAD };

#define USER_STACK_TOP 0x7fff0000UL
#define USER_STACK_SIZE (256UL << 10)
#define SHARED_STACK_TOP (TTBR1_BASE + USER_STACK_TOP)  // a shared prototype's

struct thread;
struct shared_group;

struct process {
  struct kobject obj;
  struct arch_aspace aspace;
  struct handle_table *handles;      // own_handles, or the shared group's
  struct handle_table *own_handles;  // NULL in a shared group (its members share one)
  spinlock_t lock;
  char name[ZX_MAX_NAME_LEN];
  volatile enum process_state state;
  int64_t return_code;
  unsigned live_threads;
  struct thread *threads;
  struct vmar *root_vmar;  // core/vm/vmar.c: the whole user range
  struct job *job;         // core/object/job.c: the job the process belongs to
  struct process *job_next, *job_prev;  // the job's processes (under the job's lock)
  bool in_job;
  struct shared_group *group;  // core/object/shared_group.c: NULL unless shared
  struct process *group_next, *group_prev;  // the group's live members
  bool ever_started;           // a thread of it has been started
  zx_time_t start_time;        // when (ZX_INFO_PROCESS), set before ever_started
  // The kernel's ends of its exception channels (core/object/exception.c), or NULL.
  struct channel *exception_channel, *debugger_channel;
};

zx_status_t process_create(const char *name, struct process **out);
// A process of a new shared group (ZX_PROCESS_SHARED): the prototype.
zx_status_t process_create_prototype(const char *name, struct process **out);
// A new process in shared_proc's group. ZX_ERR_INVALID_ARGS when shared_proc is not
// shareable, ZX_ERR_BAD_STATE when its group is gone.
zx_status_t process_create_shared(struct process *shared_proc, const char *name,
                                  struct process **out);
// Loads a static ELF executable (each PT_LOAD a VMO "elf" mapped in the root VMAR) and
// maps a stack; returns its entry point. An ELF linked into the shared window goes
// into p's group's window (p must be shared). ZX_ERR_INVALID_ARGS: a malformed image.
zx_status_t process_load_elf(struct process *p, const void *image, size_t size, uintptr_t *entry);
// The same for an image that also sits in image_vmo at image_offset (the same bytes):
// segments are mapped from it without copying (core/boot/elf_loader.c).
struct vmo;
zx_status_t process_load_elf_from_vmo(struct process *p, const void *image, size_t size,
                                      struct vmo *image_vmo, uint64_t image_offset,
                                      uintptr_t *entry);
// True for an executable linked into the shared window: it must start as the first
// process of a new shared group (process_create_prototype).
bool elf_is_shared_prototype(const void *image, size_t size);
// Maps the user stack [USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP), or for a
// shared process below SHARED_STACK_TOP in its group's window.
zx_status_t process_map_stack(struct process *p);
// Starts t (a user thread of p, THREAD_INITIAL) at entry with x0-x7 = regs (the rest
// zero); first: t is p's first thread and starts p (p must be new), else p must be
// running. ZX_ERR_BAD_STATE when t or p cannot start.
zx_status_t process_start_thread_regs(struct process *p, struct thread *t, uintptr_t entry,
                                      uintptr_t sp, const uint64_t regs[PROCESS_START_REGS],
                                      bool first);
// The same with x0/x1 = arg1/arg2 (zx_process_start, zx_thread_start).
static inline zx_status_t process_start_thread(struct process *p, struct thread *t,
                                               uintptr_t entry, uintptr_t sp, uint64_t arg1,
                                               uint64_t arg2, bool first) {
  const uint64_t regs[PROCESS_START_REGS] = {arg1, arg2};
  return process_start_thread_regs(p, t, entry, sp, regs, first);
}
// Starts a program the kernel runs (docs/design.md, "Starting programs"): its first
// thread at entry with x0-x3 = handles to the process, that thread, its root VMAR
// (for a shared process, the window's) and its job; x4 = 0.
zx_status_t process_start(struct process *p, uintptr_t entry, uintptr_t sp);
// The same with x4 = a read-only handle to the boot filesystem (core/boot/bootfs.c).
zx_status_t process_start_with_bootfs(struct process *p, uintptr_t entry, uintptr_t sp);
// Waits (kernel side) until p is dead; returns its return code.
int64_t process_wait(struct process *p);
// Ends the current thread's process with code; never returns.
__attribute__((noreturn)) void process_exit_current(int64_t code);
// Asks thread t to exit at its next return to user mode (a blocked t wakes first).
void thread_kill(struct thread *t);
// Where p's user code may run, keep its stack and point the kernel at: its
// restricted (TTBR0) range and, for a member of a shared group, the window.
static inline bool process_user_address(const struct process *p, uintptr_t va) {
  return (va >= USER_ASPACE_BASE && va < USER_ASPACE_END) ||
         (p->group && va >= SHARED_WINDOW_BASE && va < SHARED_WINDOW_END);
}


#endif  // CORE_OBJECT_PROCESS_H_
