// The user-space ELF loader and launcher (include/janus-user/launch.h). It does what
// the kernel's loader does (core/boot/elf_loader.c) with syscalls only: the image is
// validated first, then the process is made, each segment mapped at its link address
// from the image VMO (read-only ones shared, writable ones copy-on-write; copied only
// when the image cannot be shared), a stack mapped, and the first thread started
// with a bootstrap channel, as Zircon starts programs (<zircon/processargs.h>).
#include <janus-user/bootfs.h>
#include <janus-user/elf_segment.h>
#include <janus-user/launch.h>
#include <janus/elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#define PAGE 4096ull
#define COPY_CHUNK 4096u

// The ELF file: size bytes at offset in vmo.
struct image {
  zx_handle_t vmo;
  uint64_t offset, size;
};

// An address space refusing a segment (out of range, overlapping, too big) means a
// malformed image; a lack of memory or handles is not the image's fault.
static zx_status_t malformed(zx_status_t status) {
  return status == ZX_ERR_INVALID_ARGS || status == ZX_ERR_ALREADY_EXISTS ||
                 status == ZX_ERR_OUT_OF_RANGE
             ? ZX_ERR_INVALID_ARGS
             : status;
}

// Bytes [at, at + len) of the image; ZX_ERR_INVALID_ARGS when they are not all in it.
static zx_status_t image_read(const struct image *im, void *buf, uint64_t at, uint64_t len) {
  if (at > im->size || len > im->size - at) return ZX_ERR_INVALID_ARGS;
  zx_status_t status = zx_vmo_read(im->vmo, buf, im->offset + at, len);
  return status == ZX_ERR_OUT_OF_RANGE ? ZX_ERR_INVALID_ARGS : status;  // image past the VMO
}

// The checks that need no process: header, program headers, the entry point.
static zx_status_t check_image(const struct image *im, struct elf64_header *eh,
                               struct elf64_phdr ph[JANUS_LAUNCH_MAX_PHDRS]) {
  zx_status_t status = image_read(im, eh, 0, sizeof *eh);
  if (status != ZX_OK) return status;
  if ((status = elf_check_header(eh, im->size, JANUS_LAUNCH_MAX_PHDRS)) != ZX_OK) return status;
  if ((status = image_read(im, ph, eh->phoff, eh->phnum * sizeof *ph)) != ZX_OK) return status;
  return elf_check_segments(eh, ph, im->size);
}

// The segment's VMO without copying the image: a read-only segment is a slice of the
// image VMO (its pages, shared with every process running the image; no write right,
// so a debugger's write gets a private copy), a writable one a copy-on-write snapshot
// with the bytes past its file size zeroed. An error: the image cannot be shared that
// way (offsets not page-compatible, a resizable or unreadable image VMO, a read-only
// segment with bss, ...) and the caller copies instead.
static zx_status_t segment_from_image(const struct image *im, const struct elf64_phdr *ph,
                                      uint64_t size, zx_handle_t *out) {
  if (ph->flags & ELF_PF_W) return janus_elf_segment_snapshot(im->vmo, im->offset, ph, size, out);
  uint64_t in_page = ph->vaddr & (PAGE - 1);
  if (((im->offset + ph->offset) & (PAGE - 1)) != in_page || ph->memsz != ph->filesz)
    return ZX_ERR_NOT_SUPPORTED;
  return zx_vmo_create_child(im->vmo, ZX_VMO_CHILD_SLICE | ZX_VMO_CHILD_NO_WRITE,
                             im->offset + ph->offset - in_page, size, out);
}

// The segment's bytes copied into a VMO of its own (the rest zero).
static zx_status_t segment_copy(const struct image *im, const struct elf64_phdr *ph,
                                uint64_t size, zx_handle_t *out) {
  zx_status_t status = zx_vmo_create(size, 0, out);
  if (status != ZX_OK) return status;
  char buf[COPY_CHUNK];
  for (uint64_t done = 0, n; status == ZX_OK && done < ph->filesz; done += n) {
    n = ph->filesz - done < COPY_CHUNK ? ph->filesz - done : COPY_CHUNK;
    status = image_read(im, buf, ph->offset + done, n);
    if (status == ZX_OK) status = zx_vmo_write(*out, buf, (ph->vaddr & (PAGE - 1)) + done, n);
  }
  if (status != ZX_OK) zx_handle_close(*out);
  return status;
}

// One PT_LOAD segment: a VMO "elf" (from the image, or a copy), mapped at its link
// address in the root VMAR vmar (whose range is root) with its permissions.
static zx_status_t map_segment(const struct image *im, zx_handle_t vmar, const zx_info_vmar_t *root,
                               const struct elf64_phdr *ph) {
  uint64_t start = ph->vaddr & ~(PAGE - 1);
  uint64_t end = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);
  if (start < root->base || end - root->base > root->len) return ZX_ERR_INVALID_ARGS;
  zx_handle_t vmo;
  zx_status_t status = segment_from_image(im, ph, end - start, &vmo);
  if (status != ZX_OK) status = segment_copy(im, ph, end - start, &vmo);
  if (status != ZX_OK) return malformed(status);
  zx_object_set_property(vmo, ZX_PROP_NAME, "elf", 3);  // for ZX_INFO_PROCESS_MAPS only
  if (ph->flags & ELF_PF_X) {
    zx_handle_t code;
    status = zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, &code);
    vmo = status == ZX_OK ? code : ZX_HANDLE_INVALID;  // consumed either way
  }
  zx_vm_option_t perms = (ph->flags & ELF_PF_R ? ZX_VM_PERM_READ : 0) |
                         (ph->flags & ELF_PF_W ? ZX_VM_PERM_WRITE : 0) |
                         (ph->flags & ELF_PF_X ? ZX_VM_PERM_EXECUTE : 0);
  zx_vaddr_t addr;
  if (status == ZX_OK)
    status = malformed(zx_vmar_map(vmar, ZX_VM_SPECIFIC | perms, start - root->base, vmo, 0,
                                   end - start, &addr));
  if (vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);  // the mapping keeps the VMO
  return status;
}

static zx_status_t map_stack(zx_handle_t vmar, zx_vaddr_t *top) {
  zx_handle_t vmo;
  zx_status_t status = zx_vmo_create(JANUS_LAUNCH_STACK_SIZE, 0, &vmo);
  if (status != ZX_OK) return status;
  zx_object_set_property(vmo, ZX_PROP_NAME, "stack", 5);
  zx_vaddr_t addr;
  status = zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                       JANUS_LAUNCH_STACK_SIZE, &addr);
  zx_handle_close(vmo);
  *top = addr + JANUS_LAUNCH_STACK_SIZE;
  return status;
}

// The bootstrap message (Zircon's processargs): the start-up handles, the launcher's
// extra ones, and argv = {name}.
#define START_HANDLES 5u
struct bootstrap {
  zx_proc_args_t header;
  uint32_t handle_info[START_HANDLES + JANUS_LAUNCH_EXTRA_HANDLES_MAX];
  char args[ZX_MAX_NAME_LEN];
};

// Starts thread with x0 = a bootstrap channel (crt0.S, runtime.c) whose one message
// carries duplicates of proc, thread and job, vmar, a duplicate of bootfs (if any) and
// extra[0..n) (PA_USER0 + i: janus_startup_handle(i)). Consumes vmar and extra.
static zx_status_t start(zx_handle_t proc, zx_handle_t thread, zx_vaddr_t entry, zx_vaddr_t sp,
                         zx_handle_t vmar, zx_handle_t job, zx_handle_t bootfs, const char *name,
                         const zx_handle_t *extra, uint32_t n) {
  zx_handle_t h[START_HANDLES + JANUS_LAUNCH_EXTRA_HANDLES_MAX] = {ZX_HANDLE_INVALID,
                                                                  ZX_HANDLE_INVALID, vmar};
  struct bootstrap msg = {
      .header = {.protocol = ZX_PROCARGS_PROTOCOL,
                 .version = ZX_PROCARGS_VERSION,
                 .handle_info_off = offsetof(struct bootstrap, handle_info),
                 .args_off = offsetof(struct bootstrap, args),
                 .args_num = 1},
      .handle_info = {PA_HND(PA_PROC_SELF, 0), PA_HND(PA_THREAD_SELF, 0), PA_HND(PA_VMAR_ROOT, 0),
                      PA_HND(PA_JOB_DEFAULT, 0)}};
  uint32_t count = 4;
  if (bootfs != ZX_HANDLE_INVALID) msg.handle_info[count++] = PA_HND(PA_VMO_BOOTFS, 0);
  for (uint32_t i = 0; i < n; i++) {
    msg.handle_info[count] = PA_HND(PA_USER0, i);
    h[count++] = extra[i];
  }
  size_t len = strlen(name) < sizeof msg.args - 1 ? strlen(name) : sizeof msg.args - 1;
  memcpy(msg.args, name, len);
  zx_handle_t ours = ZX_HANDLE_INVALID, theirs = ZX_HANDLE_INVALID;
  zx_status_t status = zx_handle_duplicate(proc, ZX_RIGHT_SAME_RIGHTS, &h[0]);
  if (status == ZX_OK) status = zx_handle_duplicate(thread, ZX_RIGHT_SAME_RIGHTS, &h[1]);
  if (status == ZX_OK) status = zx_handle_duplicate(job, ZX_RIGHT_SAME_RIGHTS, &h[3]);
  if (status == ZX_OK && bootfs != ZX_HANDLE_INVALID)
    status = zx_handle_duplicate(bootfs, ZX_RIGHT_SAME_RIGHTS, &h[4]);
  if (status == ZX_OK) status = zx_channel_create(0, &ours, &theirs);
  if (status == ZX_OK) {
    status = zx_channel_write(ours, 0, &msg, offsetof(struct bootstrap, args) + len + 1, h, count);
    for (unsigned i = 0; i < count; i++) h[i] = ZX_HANDLE_INVALID;  // consumed either way
  }
  if (ours != ZX_HANDLE_INVALID) zx_handle_close(ours);  // the message stays queued
  if (status == ZX_OK) return zx_process_start(proc, thread, entry, sp, theirs, 0);  // consumes theirs
  if (theirs != ZX_HANDLE_INVALID) zx_handle_close(theirs);
  for (unsigned i = 0; i < count; i++)
    if (h[i] != ZX_HANDLE_INVALID) zx_handle_close(h[i]);
  return status;
}

static void close_all(const zx_handle_t *handles, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) zx_handle_close(handles[i]);
}

static zx_status_t launch(zx_handle_t job, const char *program, const struct image *im,
                          zx_handle_t bootfs, const janus_launch_options_t *o, zx_handle_t *proc_out) {
  const char *name = o->name ? o->name : program;
  struct elf64_header eh;
  struct elf64_phdr ph[JANUS_LAUNCH_MAX_PHDRS];
  zx_status_t status = name ? check_image(im, &eh, ph) : ZX_ERR_INVALID_ARGS;
  // Linked in the upper (TTBR1) half: a shared prototype, whose image goes into its
  // group's window; the window's VMAR refuses anything else up there.
  bool shared = status == ZX_OK && eh.entry >> 48 == 0xffff;
  zx_handle_t proc, vmar, thread = ZX_HANDLE_INVALID;
  if (status == ZX_OK)
    status = zx_process_create(job, name, strlen(name), shared ? ZX_PROCESS_SHARED : 0, &proc, &vmar);
  if (status != ZX_OK) {
    close_all(o->handles, o->handle_count);
    return status;
  }
  zx_info_vmar_t root;
  status = zx_object_get_info(vmar, ZX_INFO_VMAR, &root, sizeof root, NULL, NULL);
  for (unsigned i = 0; i < eh.phnum && status == ZX_OK; i++)
    if (ph[i].type == ELF_PT_LOAD && ph[i].memsz != 0) status = map_segment(im, vmar, &root, &ph[i]);
  zx_vaddr_t sp = 0;
  if (status == ZX_OK) status = map_stack(vmar, &sp);
  if (status == ZX_OK) status = zx_thread_create(proc, name, strlen(name), 0, &thread);
  if (status == ZX_OK && o->cpu != JANUS_THREAD_CPU_ANY)
    status = zx_object_set_property(thread, JANUS_PROP_THREAD_CPU, &o->cpu, sizeof o->cpu);
  if (status == ZX_OK) {
    status = start(proc, thread, eh.entry, sp, vmar, job, bootfs, name, o->handles, o->handle_count);
  } else {
    zx_handle_close(vmar);
    close_all(o->handles, o->handle_count);
  }
  if (thread != ZX_HANDLE_INVALID) zx_handle_close(thread);
  if (status != ZX_OK) {
    zx_task_kill(proc);  // never started: it dies now, and leaves its job
    zx_handle_close(proc);
    return status;
  }
  if (proc_out) *proc_out = proc;
  else zx_handle_close(proc);
  return ZX_OK;
}

zx_status_t janus_launch(zx_handle_t job, const char *name, zx_handle_t image_vmo,
                         zx_handle_t *proc_out) {
  struct image im = {.vmo = image_vmo};
  zx_status_t status = zx_vmo_get_size(image_vmo, &im.size);
  if (status != ZX_OK) return status;
  return launch(job, name, &im, ZX_HANDLE_INVALID, &JANUS_LAUNCH_OPTIONS_INIT, proc_out);
}

zx_status_t janus_launch_bootfs(zx_handle_t job, zx_handle_t bootfs, const char *name,
                                zx_handle_t *proc_out) {
  return janus_launch_bootfs_etc(job, bootfs, name, NULL, proc_out);
}

zx_status_t janus_launch_bootfs_etc(zx_handle_t job, zx_handle_t bootfs, const char *program,
                                    const janus_launch_options_t *options, zx_handle_t *proc_out) {
  const janus_launch_options_t o = options ? *options : JANUS_LAUNCH_OPTIONS_INIT;
  if (o.handle_count > JANUS_LAUNCH_EXTRA_HANDLES_MAX) {
    close_all(o.handles, o.handle_count);
    return ZX_ERR_OUT_OF_RANGE;
  }
  struct image im = {.vmo = bootfs};
  zx_status_t status = janus_bootfs_find(bootfs, program, &im.offset, &im.size);
  if (status == ZX_OK) status = launch(job, program, &im, bootfs, &o, proc_out);
  else close_all(o.handles, o.handle_count);
  return status;
}
