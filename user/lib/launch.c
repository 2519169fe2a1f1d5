// The user-space ELF loader and launcher (include/janus-user/launch.h). It does what
// the kernel's loader does (core/boot/elf_loader.c) with syscalls only: the image is
// validated first, then the process is made, each segment copied into a VMO of its
// own and mapped at its link address, a stack mapped, and the first thread started
// with zx_process_start_handles.
#include <janus-user/bootfs.h>
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
  if (memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != ELF_CLASS_64 ||
      eh->ident[5] != ELF_DATA_LSB || eh->machine != ELF_EM_AARCH64 || eh->type != ELF_ET_EXEC ||
      eh->phentsize != sizeof *ph || eh->phnum > JANUS_LAUNCH_MAX_PHDRS)
    return ZX_ERR_INVALID_ARGS;
  if ((status = image_read(im, ph, eh->phoff, eh->phnum * sizeof *ph)) != ZX_OK) return status;
  bool entry_ok = false;
  for (unsigned i = 0; i < eh->phnum; i++) {
    const struct elf64_phdr *p = &ph[i];
    if (p->type != ELF_PT_LOAD || p->memsz == 0) continue;
    if (p->filesz > p->memsz || p->offset > im->size || p->filesz > im->size - p->offset ||
        p->memsz > UINT64_MAX - PAGE - p->vaddr || ((p->flags & ELF_PF_W) && !(p->flags & ELF_PF_R)))
      return ZX_ERR_INVALID_ARGS;
    if ((p->flags & ELF_PF_X) && eh->entry >= p->vaddr && eh->entry - p->vaddr < p->memsz)
      entry_ok = true;
  }
  return entry_ok ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

// One PT_LOAD segment: a VMO "elf" with its bytes (the rest zero), mapped at its link
// address in the root VMAR vmar (whose range is root) with its permissions.
static zx_status_t map_segment(const struct image *im, zx_handle_t vmar, const zx_info_vmar_t *root,
                               const struct elf64_phdr *ph) {
  uint64_t start = ph->vaddr & ~(PAGE - 1);
  uint64_t end = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);
  if (start < root->base || end - root->base > root->len) return ZX_ERR_INVALID_ARGS;
  zx_handle_t vmo;
  zx_status_t status = zx_vmo_create(end - start, 0, &vmo);
  if (status != ZX_OK) return malformed(status);
  zx_object_set_property(vmo, ZX_PROP_NAME, "elf", 3);  // for ZX_INFO_PROCESS_MAPS only
  char buf[COPY_CHUNK];
  for (uint64_t done = 0, n; status == ZX_OK && done < ph->filesz; done += n) {
    n = ph->filesz - done < COPY_CHUNK ? ph->filesz - done : COPY_CHUNK;
    status = image_read(im, buf, ph->offset + done, n);
    if (status == ZX_OK) status = zx_vmo_write(vmo, buf, ph->vaddr - start + done, n);
  }
  if (status == ZX_OK && (ph->flags & ELF_PF_X)) {
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

// The bootstrap message: processargs with the start-up handles and argv = {name}.
struct bootstrap {
  zx_proc_args_t header;
  uint32_t handle_info[5];
  char args[ZX_MAX_NAME_LEN];
};

// Starts thread with x0 = the bootstrap channel (crt0.S, runtime.c), whose message
// carries duplicates of proc, thread and job, vmar and a duplicate of bootfs (if any).
// Consumes vmar.
static zx_status_t start(zx_handle_t proc, zx_handle_t thread, zx_vaddr_t entry, zx_vaddr_t sp,
                         zx_handle_t vmar, zx_handle_t job, zx_handle_t bootfs, const char *name) {
  zx_handle_t h[5] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID, vmar, ZX_HANDLE_INVALID,
                      ZX_HANDLE_INVALID};
  unsigned n = bootfs != ZX_HANDLE_INVALID ? 5 : 4;
  struct bootstrap msg = {
      .header = {.protocol = ZX_PROCARGS_PROTOCOL, .version = ZX_PROCARGS_VERSION,
                 .handle_info_off = offsetof(struct bootstrap, handle_info),
                 .args_off = offsetof(struct bootstrap, args), .args_num = 1},
      .handle_info = {PA_HND(PA_PROC_SELF, 0), PA_HND(PA_THREAD_SELF, 0), PA_HND(PA_VMAR_ROOT, 0),
                      PA_HND(PA_JOB_DEFAULT, 0), PA_HND(PA_USER0, 0)}};
  size_t len = strlen(name) < sizeof msg.args - 1 ? strlen(name) : sizeof msg.args - 1;
  memcpy(msg.args, name, len);
  zx_handle_t ours = ZX_HANDLE_INVALID, theirs = ZX_HANDLE_INVALID;
  zx_status_t status = zx_handle_duplicate(proc, ZX_RIGHT_SAME_RIGHTS, &h[0]);
  if (status == ZX_OK) status = zx_handle_duplicate(thread, ZX_RIGHT_SAME_RIGHTS, &h[1]);
  if (status == ZX_OK) status = zx_handle_duplicate(job, ZX_RIGHT_SAME_RIGHTS, &h[3]);
  if (status == ZX_OK && n == 5) status = zx_handle_duplicate(bootfs, ZX_RIGHT_SAME_RIGHTS, &h[4]);
  if (status == ZX_OK) status = zx_channel_create(0, &ours, &theirs);
  if (status == ZX_OK) {
    status = zx_channel_write(ours, 0, &msg, offsetof(struct bootstrap, args) + len + 1, h, n);
    for (unsigned i = 0; i < 5; i++) h[i] = ZX_HANDLE_INVALID;  // consumed either way
  }
  if (ours != ZX_HANDLE_INVALID) zx_handle_close(ours);  // the message stays queued
  if (status == ZX_OK) return zx_process_start(proc, thread, entry, sp, theirs, 0);  // consumes theirs
  if (theirs != ZX_HANDLE_INVALID) zx_handle_close(theirs);
  for (unsigned i = 0; i < 5; i++)
    if (h[i] != ZX_HANDLE_INVALID) zx_handle_close(h[i]);
  return status;
}

static zx_status_t launch(zx_handle_t job, const char *name, const struct image *im,
                          zx_handle_t bootfs, zx_handle_t *proc_out) {
  if (!name) return ZX_ERR_INVALID_ARGS;
  struct elf64_header eh;
  struct elf64_phdr ph[JANUS_LAUNCH_MAX_PHDRS];
  zx_status_t status = check_image(im, &eh, ph);
  if (status != ZX_OK) return status;
  // Linked in the upper (TTBR1) half: a shared prototype, whose image goes into its
  // group's window; the window's VMAR refuses anything else up there.
  bool shared = eh.entry >> 48 == 0xffff;
  zx_handle_t proc, vmar, thread = ZX_HANDLE_INVALID;
  status = zx_process_create(job, name, strlen(name), shared ? ZX_PROCESS_SHARED : 0, &proc, &vmar);
  if (status != ZX_OK) return status;
  zx_info_vmar_t root;
  status = zx_object_get_info(vmar, ZX_INFO_VMAR, &root, sizeof root, NULL, NULL);
  for (unsigned i = 0; i < eh.phnum && status == ZX_OK; i++)
    if (ph[i].type == ELF_PT_LOAD && ph[i].memsz != 0) status = map_segment(im, vmar, &root, &ph[i]);
  zx_vaddr_t sp = 0;
  if (status == ZX_OK) status = map_stack(vmar, &sp);
  if (status == ZX_OK) status = zx_thread_create(proc, name, strlen(name), 0, &thread);
  if (status == ZX_OK) status = start(proc, thread, eh.entry, sp, vmar, job, bootfs, name);
  else zx_handle_close(vmar);
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
  return launch(job, name, &im, ZX_HANDLE_INVALID, proc_out);
}

zx_status_t janus_launch_bootfs(zx_handle_t job, zx_handle_t bootfs, const char *name,
                                zx_handle_t *proc_out) {
  struct image im = {.vmo = bootfs};
  zx_status_t status = janus_bootfs_find(bootfs, name, &im.offset, &im.size);
  if (status != ZX_OK) return status;
  return launch(job, name, &im, bootfs, proc_out);
}
