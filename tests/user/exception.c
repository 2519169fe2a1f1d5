// Exception channels as a debugger uses them: a thread faults, the handler reads the
// exception from the channel, looks at the thread's registers, fixes them and resumes
// it; the thread's channel comes before the process's (TRY_NEXT passes it on), a
// THREAD_EXIT verdict ends just the thread, a job's channel hears a process of the job
// (which, handled by nobody, still ends with the report), and every documented error of
// zx_task_create_exception_channel, zx_exception_get_thread/_process,
// ZX_PROP_EXCEPTION_STATE and zx_thread_read_state/_write_state.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/exception.h>

#include "user_test.h"

#define STACK_SIZE 16384

static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));
static const uint64_t good = 0x600dcafe;
static volatile uint64_t loaded;

// Loads through x9, which holds ptr: the handler points x9 somewhere good.
static void faulting_thread(uintptr_t ptr, uintptr_t self) {
  (void)self;
  uint64_t v;
  __asm__ volatile("mov x9, %1\n ldr x10, [x9]\n mov %0, x10"
                   : "=r"(v)
                   : "r"(ptr)
                   : "x9", "x10", "memory");
  loaded = v;
  zx_thread_exit();
}

static zx_koid_t koid_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info.koid;
}

static zx_handle_t start_faulting(void) {
  zx_handle_t t = ZX_HANDLE_INVALID;
  zx_thread_create(zx_process_self(), "faulty", 6, 0, &t);
  return t;
}

// Waits for the next exception on ch: its info and the exception handle.
static zx_handle_t next_exception(zx_handle_t ch, zx_exception_info_t *info) {
  zx_handle_t exc = ZX_HANDLE_INVALID;
  uint32_t nb = 0, nh = 0;
  EXPECT_EQ(zx_object_wait_one(ch, ZX_CHANNEL_READABLE, after_ms(10000), NULL), ZX_OK);
  EXPECT_EQ(zx_channel_read(ch, 0, info, &exc, sizeof *info, 1, &nb, &nh), ZX_OK);
  EXPECT_EQ(nb, sizeof *info);
  EXPECT_EQ(nh, 1);
  return exc;
}

static void set_state(zx_handle_t exc, uint32_t state) {
  EXPECT_EQ(zx_object_set_property(exc, ZX_PROP_EXCEPTION_STATE, &state, sizeof state), ZX_OK);
}

// The debugger: catch the fault, fix x9, resume.
static void test_fix_and_resume(void) {
  zx_handle_t t = start_faulting(), ch;
  EXPECT_EQ(zx_task_create_exception_channel(t, 0, &ch), ZX_OK);
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(ch, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.rights, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_READ);
  // Not stopped in an exception: no registers to read.
  zx_thread_state_general_regs_t regs;
  EXPECT_EQ(zx_thread_read_state(t, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof regs),
            ZX_ERR_BAD_STATE);
  loaded = 0;
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)faulting_thread, (uintptr_t)(stack + STACK_SIZE), 8, t),
            ZX_OK);
  zx_exception_info_t ei;
  zx_handle_t exc = next_exception(ch, &ei);
  EXPECT_EQ(ei.type, ZX_EXCP_FATAL_PAGE_FAULT);
  EXPECT_EQ(ei.tid, koid_of(t));
  EXPECT_EQ(ei.pid, koid_of(zx_process_self()));
  EXPECT_EQ(zx_object_get_info(exc, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.type, ZX_OBJ_TYPE_EXCEPTION);
  uint32_t state = 99;
  EXPECT_EQ(zx_object_get_property(exc, ZX_PROP_EXCEPTION_STATE, &state, sizeof state), ZX_OK);
  EXPECT_EQ(state, ZX_EXCEPTION_STATE_TRY_NEXT);
  zx_handle_t thread, process;
  EXPECT_EQ(zx_exception_get_thread(exc, &thread), ZX_OK);
  EXPECT_EQ(koid_of(thread), koid_of(t));
  EXPECT_EQ(zx_exception_get_process(exc, &process), ZX_ERR_ACCESS_DENIED);  // a thread channel
  // The registers as they were: x9 the bad pointer, pc at the load.
  EXPECT_EQ(zx_thread_read_state(thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof regs), ZX_OK);
  EXPECT_EQ(regs.r[9], 8);
  EXPECT_EQ(*(uint32_t *)regs.pc, 0xf940012au);  // ldr x10, [x9]
  EXPECT_EQ(regs.sp <= (uintptr_t)(stack + STACK_SIZE) && regs.sp > (uintptr_t)stack, 1);
  // Errors of the state calls.
  EXPECT_EQ(zx_thread_read_state(thread, 1, &regs, sizeof regs), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_thread_read_state(thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof regs - 1),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_thread_write_state(thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, 8),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_thread_read_state(ch, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof regs),
            ZX_ERR_WRONG_TYPE);
  zx_handle_t ro;
  EXPECT_EQ(zx_handle_duplicate(thread, ZX_RIGHT_READ, &ro), ZX_OK);
  EXPECT_EQ(zx_thread_write_state(ro, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof regs),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(ro);
  // Fix it and resume.
  regs.r[9] = (uintptr_t)&good;
  EXPECT_EQ(zx_thread_write_state(thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof regs), ZX_OK);
  state = 7;
  EXPECT_EQ(zx_object_set_property(exc, ZX_PROP_EXCEPTION_STATE, &state, sizeof state),
            ZX_ERR_INVALID_ARGS);
  set_state(exc, ZX_EXCEPTION_STATE_HANDLED);
  EXPECT_EQ(zx_handle_close(exc), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, after_ms(10000), NULL), ZX_OK);
  EXPECT_EQ(loaded, good);
  zx_handle_close(thread), zx_handle_close(ch), zx_handle_close(t);
}

// TRY_NEXT on the thread's channel hands the exception to the process's; THREAD_EXIT
// there ends the thread and nothing else.
static void test_chain_and_exit(void) {
  zx_handle_t t = start_faulting(), tch, pch;
  EXPECT_EQ(zx_task_create_exception_channel(t, 0, &tch), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(zx_process_self(), 0, &pch), ZX_OK);
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)faulting_thread, (uintptr_t)(stack + STACK_SIZE), 16, t),
            ZX_OK);
  zx_exception_info_t ei;
  zx_handle_t exc = next_exception(tch, &ei);
  EXPECT_EQ(zx_handle_close(exc), ZX_OK);  // TRY_NEXT, the default
  exc = next_exception(pch, &ei);
  EXPECT_EQ(ei.tid, koid_of(t));
  zx_handle_t process;
  EXPECT_EQ(zx_exception_get_process(exc, &process), ZX_OK);
  EXPECT_EQ(koid_of(process), koid_of(zx_process_self()));
  zx_handle_close(process);
  set_state(exc, ZX_EXCEPTION_STATE_THREAD_EXIT);
  EXPECT_EQ(zx_handle_close(exc), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, after_ms(10000), NULL), ZX_OK);
  zx_handle_close(tch), zx_handle_close(pch), zx_handle_close(t);
}

// A job's channel: the fault of a program launched into the job comes to it; passed
// on (TRY_NEXT) to nobody, it ends the process as an unhandled fault does.
static void test_job_channel(void) {
  zx_handle_t job, ch, proc = ZX_HANDLE_INVALID, other;
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &job), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(job, 0, &ch), ZX_OK);
  EXPECT_EQ(janus_launch_bootfs(job, janus_bootfs(), "fault", &proc), ZX_OK);
  zx_exception_info_t ei;
  zx_handle_t exc = next_exception(ch, &ei);
  EXPECT_EQ(ei.pid, koid_of(proc));
  EXPECT_EQ(ei.type, ZX_EXCP_FATAL_PAGE_FAULT);
  EXPECT_EQ(zx_exception_get_process(exc, &other), ZX_OK);
  EXPECT_EQ(koid_of(other), koid_of(proc));
  zx_handle_close(other);
  EXPECT_EQ(zx_exception_get_thread(exc, &other), ZX_OK);
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(other, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.koid, ei.tid);
  EXPECT_EQ(info.related_koid, koid_of(proc));
  zx_handle_close(other);
  EXPECT_EQ(zx_handle_close(exc), ZX_OK);  // TRY_NEXT, and no parent job listens
  EXPECT_EQ(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, after_ms(10000), NULL), ZX_OK);
  zx_info_process_t pinfo = {0};
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &pinfo, sizeof pinfo, NULL, NULL), ZX_OK);
  EXPECT_EQ(pinfo.return_code, ZX_TASK_RETCODE_EXCEPTION_KILL);
  zx_handle_close(proc), zx_handle_close(ch), zx_handle_close(job);
}

static void test_errors(void) {
  zx_handle_t ch, ch2, ev;
  zx_handle_t self = zx_process_self();
  EXPECT_EQ(zx_task_create_exception_channel(self, 2, &ch), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_task_create_exception_channel(ZX_HANDLE_INVALID, 0, &ch), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(ev, 0, &ch), ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(
      zx_handle_duplicate(self, ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER, &weak),
      ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(weak, 0, &ch), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_task_create_exception_channel(self, 0, NULL), ZX_ERR_INVALID_ARGS);
  // One channel per slot while its end is open; the debugger slot is separate.
  EXPECT_EQ(zx_task_create_exception_channel(self, 0, &ch), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(self, 0, &ch2), ZX_ERR_ALREADY_BOUND);
  EXPECT_EQ(zx_task_create_exception_channel(self, ZX_EXCEPTION_CHANNEL_DEBUGGER, &ch2), ZX_OK);
  zx_handle_close(ch2);
  EXPECT_EQ(zx_handle_close(ch), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(self, 0, &ch), ZX_OK);
  zx_handle_close(ch);
  // A thread has no debugger channel; a job has an ordinary one.
  zx_handle_t t = start_faulting();
  EXPECT_EQ(zx_task_create_exception_channel(t, ZX_EXCEPTION_CHANNEL_DEBUGGER, &ch),
            ZX_ERR_INVALID_ARGS);
  zx_handle_close(t);
  zx_handle_t job;
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &job), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(job, 0, &ch), ZX_OK);
  EXPECT_EQ(zx_task_create_exception_channel(job, 0, &ch2), ZX_ERR_ALREADY_BOUND);
  zx_handle_close(ch), zx_handle_close(job);
  // Exception calls on something else.
  EXPECT_EQ(zx_exception_get_thread(ev, &t), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_exception_get_process(ZX_HANDLE_INVALID, &t), ZX_ERR_BAD_HANDLE);
  uint32_t state;
  EXPECT_EQ(zx_object_get_property(ev, ZX_PROP_EXCEPTION_STATE, &state, sizeof state),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(ev);
}

int main(void) {
  test_fix_and_resume();
  test_chain_and_exit();
  test_job_channel();
  test_errors();
  printf("exception: %d checks, %d failures\n", checks, failures);
  return failures;
}
