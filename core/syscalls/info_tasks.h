// zx_object_get_info's task and memory topics (core/syscalls/sys_info_tasks.c).
#ifndef CORE_SYSCALLS_INFO_TASKS_H_
#define CORE_SYSCALLS_INFO_TASKS_H_

#include "core/syscalls/syscall_table.h"

#define INFO_TOPIC_ARGS                                                          \
  zx_handle_t handle, user_out_ptr_t buffer, size_t size, user_out_ptr_t actual, \
      user_out_ptr_t avail
zx_status_t info_job_children(INFO_TOPIC_ARGS);
zx_status_t info_process_threads(INFO_TOPIC_ARGS);
zx_status_t info_thread(INFO_TOPIC_ARGS);
zx_status_t info_task_stats(INFO_TOPIC_ARGS);
zx_status_t info_kmem_stats(INFO_TOPIC_ARGS);

#endif  // CORE_SYSCALLS_INFO_TASKS_H_
