// Starting programs from user space (user/lib/launch.c). The loader maps each PT_LOAD
// segment of a static ELF executable through a VMO of its own (named "elf",
// ZX_VM_SPECIFIC at its link address in the new process's root VMAR, executable ones
// made so with zx_vmo_replace_as_executable), maps a stack (a VMO named "stack",
// JANUS_LAUNCH_STACK_SIZE bytes, anywhere in the root VMAR), and starts the program
// as Zircon does: x0 is a bootstrap channel whose one message (<zircon/processargs.h>)
// carries handles to its process, its first thread, its root VMAR, its job (a
// duplicate of job), the boot filesystem (janus_launch_bootfs: a duplicate of bootfs,
// PA_VMO_BOOTFS; janus_launch: none) and the options' extra handles (PA_USER0, i),
// and argv = {the process's name}. The runtime (user/lib/runtime.c) reads it before
// main.
//
// A program linked into the shared window (its entry point in the upper half, like a
// `make run SHARED=1` program) starts as a shared prototype: the process is made with
// ZX_PROCESS_SHARED, and its image and stack go into the window's root VMAR, which is
// also the root VMAR it is given.
//
// The image is untrusted input. Anything malformed is ZX_ERR_INVALID_ARGS: a short or
// bad header, not a little-endian AArch64 ET_EXEC, more than JANUS_LAUNCH_MAX_PHDRS
// program headers, a segment whose bytes lie outside the image or whose pages lie
// outside the root VMAR (page 0 included) or overlap another segment's, a write-only
// segment, an entry point outside every executable segment. Bad handles fail with the
// syscalls' errors: ZX_ERR_BAD_HANDLE, ZX_ERR_WRONG_TYPE (image not a VMO, job not a
// job), ZX_ERR_ACCESS_DENIED (image without ZX_RIGHT_READ, job without
// ZX_RIGHT_MANAGE_PROCESS, job or bootfs without ZX_RIGHT_DUPLICATE). A failed launch
// leaves no process behind, and the caller's handles stay its own either way (except
// the extra handles of janus_launch_bootfs_etc's options, which it moves). On ZX_OK
// *proc_out (when not NULL) is a handle to the running process (default rights), which
// ends up ZX_PROCESS_TERMINATED with the program's exit code in ZX_INFO_PROCESS.
#ifndef JANUS_USER_LAUNCH_H_
#define JANUS_USER_LAUNCH_H_

#include <stdint.h>
#include <zircon/syscalls/janus.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JANUS_LAUNCH_STACK_SIZE (256u << 10)
#define JANUS_LAUNCH_MAX_PHDRS 32u
// Handles a launcher may pass beyond the standard five (PA_HND(PA_USER0, i)).
#define JANUS_LAUNCH_EXTRA_HANDLES_MAX 3u

// What janus_launch_bootfs_etc sets beyond janus_launch_bootfs. Start from
// JANUS_LAUNCH_OPTIONS_INIT (the defaults: those of janus_launch_bootfs).
typedef struct janus_launch_options {
  const char *name;            // the process's and its first thread's name (NULL: the program's)
  uint32_t cpu;                // the first thread's CPU (JANUS_PROP_THREAD_CPU), set before it
                               // starts; JANUS_THREAD_CPU_ANY: the kernel chooses
  uint32_t handle_count;       // at most JANUS_LAUNCH_EXTRA_HANDLES_MAX
  const zx_handle_t *handles;  // moved into the new process (janus_startup_handle(i) there)
} janus_launch_options_t;
#define JANUS_LAUNCH_OPTIONS_INIT ((janus_launch_options_t){NULL, JANUS_THREAD_CPU_ANY, 0, NULL})

// Starts the ELF executable that is image_vmo's content as a new process called name
// in job.
zx_status_t janus_launch(zx_handle_t job, const char *name, zx_handle_t image_vmo,
                         zx_handle_t *proc_out);

// Starts program name of the boot filesystem bootfs (janus_bootfs_find) in job, and
// gives it a duplicate of bootfs. ZX_ERR_NOT_FOUND: no such program.
zx_status_t janus_launch_bootfs(zx_handle_t job, zx_handle_t bootfs, const char *name,
                                zx_handle_t *proc_out);

// janus_launch_bootfs with options (NULL: the defaults). The options' handles are
// consumed whether or not the launch succeeds. More than JANUS_LAUNCH_EXTRA_HANDLES_MAX
// of them, or a CPU that is not online, is ZX_ERR_OUT_OF_RANGE; a handle the caller
// does not hold, ZX_ERR_BAD_HANDLE; one without ZX_RIGHT_TRANSFER, ZX_ERR_ACCESS_DENIED
// (zx_channel_write's errors: the handles travel in the bootstrap message).
zx_status_t janus_launch_bootfs_etc(zx_handle_t job, zx_handle_t bootfs, const char *program,
                                    const janus_launch_options_t *options, zx_handle_t *proc_out);

// In a launched program: extra handle index (0 .. JANUS_LAUNCH_EXTRA_HANDLES_MAX - 1)
// its launcher passed, or ZX_HANDLE_INVALID.
zx_handle_t janus_startup_handle(unsigned index);

#ifdef __cplusplus
}
#endif

#endif  // JANUS_USER_LAUNCH_H_
