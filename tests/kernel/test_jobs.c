// Self-tests of the job tree: membership, kill propagation, depth limit, and that
// every object and page comes back.
#include "core/object/process.h"
#include <janus/testing.h>
#include <janus/selftest.h>

#include "core/object/job.h"
#include <janus/pmm.h>
#include "core/object/signals.h"

SELFTEST(job_tree_kill_and_teardown_balance) {
  struct job *root = root_job();
  CHECK(root && root_job() == root);
  uint64_t objects = kobject_live_count();
  uint64_t pages = pmm_free_pages();
  struct job *child, *grandchild;
  CHECK(job_create(root, &child) == ZX_OK);
  CHECK(job_create(child, &grandchild) == ZX_OK);
  CHECK(object_signals(&child->obj) & ZX_JOB_NO_PROCESSES);
  CHECK(!(object_signals(&child->obj) & ZX_JOB_NO_JOBS));
  struct process *p;
  CHECK(process_create("job-test", &p) == ZX_OK);
  CHECK(job_add_process(grandchild, p) == ZX_OK);
  CHECK(!(object_signals(&grandchild->obj) & ZX_JOB_NO_PROCESSES));
  zx_koid_t koid = 0;
  CHECK(job_process_koids(grandchild, &koid, 1) == 1 && koid == p->obj.koid);
  CHECK(job_kill(root) == ZX_ERR_ACCESS_DENIED);
  CHECK(job_kill(child) == ZX_OK);
  CHECK(p->state == PROCESS_DEAD && p->return_code == ZX_TASK_RETCODE_SYSCALL_KILL);
  CHECK(object_signals(&grandchild->obj) & ZX_JOB_TERMINATED);
  CHECK(object_signals(&child->obj) & ZX_JOB_TERMINATED);
  CHECK(job_process_koids(grandchild, NULL, 0) == 0);
  struct job *late;
  CHECK(job_create(child, &late) == ZX_ERR_BAD_STATE);
  struct process *q;
  CHECK(process_create("late", &q) == ZX_OK);
  CHECK(job_add_process(child, q) == ZX_ERR_BAD_STATE);
  kobject_unref(&q->obj);
  kobject_unref(&p->obj);
  kobject_unref(&grandchild->obj);
  kobject_unref(&child->obj);
  CHECK(kobject_live_count() == objects);
  CHECK(pmm_free_pages() == pages);
  return true;
}

SELFTEST(job_tree_depth_is_limited) {
  struct job *parent = root_job();  // first: it may be created just now
  uint64_t objects = kobject_live_count();
  struct job *chain[JOB_MAX_HEIGHT + 1];
  unsigned n = 0;
  while (n < JOB_MAX_HEIGHT) {
    CHECK(job_create(parent, &chain[n]) == ZX_OK);
    parent = chain[n++];
  }
  struct job *too_deep;
  CHECK(job_create(parent, &too_deep) == ZX_ERR_OUT_OF_RANGE);
  while (n) kobject_unref(&chain[--n]->obj);  // children keep their parents alive
  CHECK(kobject_live_count() == objects);
  return true;
}
