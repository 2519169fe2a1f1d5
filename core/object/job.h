// Jobs: the tree of task containers. Every process belongs to one job; a job has a
// parent (none for the root job), child jobs and processes. Killing a job kills its
// processes and child jobs; a killed job is dying (no new children) until the last of
// them is gone, then dead (ZX_JOB_TERMINATED).
//
// References: a child job holds one on its parent and a process one on its job (both
// dropped when the holder is destroyed). A job's lists hold no references: processes
// leave at death (or destruction if never started), child jobs at death/destruction.
// Lock order: a parent job before its child, a job before its processes' locks.
#ifndef CORE_JOB_H_
#define CORE_JOB_H_

#include <janus/spinlock.h>
#include <stdbool.h>
#include <zircon/types.h>

#include <janus/object.h>

struct process;

#define JOB_MAX_HEIGHT 32  // Zircon's limit on the depth of the job tree

struct job {
  struct kobject obj;
  struct job *parent;  // holds a reference; NULL for the root job
  spinlock_t lock;     // everything below
  struct job *children;   // child jobs, linked through sibling_next
  struct job *sibling_next;
  struct process *processes;  // linked through process->job_next
  unsigned process_count, child_count;
  unsigned height;     // levels of jobs this one may still have below it
  bool dying;          // killed: no new processes or child jobs
  bool dead;           // killed and empty
  bool linked;         // in parent->children
  struct channel *exception_channel;  // the kernel's end (core/object/exception.c), or NULL
  char name[ZX_MAX_NAME_LEN];
};

// The root job, created on first use.
struct job *root_job(void);
// A new child job of parent (one reference for the caller). ZX_ERR_BAD_STATE when the
// parent is dying, ZX_ERR_OUT_OF_RANGE when the tree would be too deep, ZX_ERR_NO_MEMORY.
zx_status_t job_create(struct job *parent, struct job **out);
// Puts a new (PROCESS_INITIAL) process into job; p->job takes a job reference that
// the process drops when it is destroyed. ZX_ERR_BAD_STATE when the job is dying/dead.
zx_status_t job_add_process(struct job *job, struct process *p);
// Takes p out of its job's process list (at death); signals the job. Idempotent.
void job_remove_process(struct process *p);
// job_remove_process in two steps, so a dying process can raise its own
// ZX_PROCESS_TERMINATED between them: whoever sees it no longer finds the process
// in its job, and a job's signals never come before its last process's.
bool job_unlink_process(struct process *p, bool *now_empty);
void job_process_left(struct job *job, bool now_empty);
// For process destruction: job_remove_process, then drops p's job reference.
void job_release_process(struct process *p);
// zx_task_kill on a job: kills every process and child job (recursively).
// ZX_ERR_ACCESS_DENIED for the root job (killing it would end the system).
zx_status_t job_kill(struct job *job);
// Kills one process with ZX_TASK_RETCODE_SYSCALL_KILL; a process that never started
// turns dead at once.
void task_kill_process(struct process *p);

// A new handle in p's own table to p's job (ZX_DEFAULT_JOB_RIGHTS, without
// ZX_RIGHT_DESTROY for the root job). ZX_ERR_BAD_STATE if p has no job.
zx_status_t job_handle_for(struct process *p, zx_handle_t *out);

// Koids of job's processes: up to max into koids; returns how many there are.
size_t job_process_koids(struct job *job, zx_koid_t *koids, size_t max);
// The same for job's child jobs.
size_t job_child_koids(struct job *job, zx_koid_t *koids, size_t max);
// A reference to job's child job or process with that koid, or NULL.
struct kobject *job_find_child(struct job *job, zx_koid_t koid);
void job_get_name(struct job *job, char out[ZX_MAX_NAME_LEN]);
void job_set_name(struct job *job, const char *name, size_t len);

#endif  // CORE_JOB_H_
