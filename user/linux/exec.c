// execve: the ELF loader and the initial stack. The new image replaces the process's
// memory in place (same sibling, same pid): every mapping goes, each PT_LOAD segment
// is mapped at its address (static executables, and static PIEs at a fixed bias) as a
// copy-on-write snapshot of the file's pages in the read-only image (a copy for files
// written since boot), and the stack gets argv, envp and the auxiliary
// vector as Linux lays them out. "#!" scripts run their interpreter.
#include <janus-user/elf_segment.h>
#include <janus/elf.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

// Linux's layout for a 39-bit space (the stack near 512 GiB, static PIEs at two thirds
// of it, Linux's ELF_ET_DYN_BASE): the stack then shares the image's level-1 table, one
// page table fewer per process than a stack at the top of the 4 TiB half.
#define STACK_TOP 0x0000007ff0000000ul
#define STACK_SIZE (8ul << 20)
#define PIE_BIAS 0x0000005555000000ul
#define MAX_PHDRS 32
#define ELF_ET_DYN 3
#define ELF_PT_PHDR 6
#define ARG_MAX (256u * 1024)
// The signal return trampoline (Linux's vDSO sigtramp): glibc's sigaction sets no
// SA_RESTORER on arm64, so a handler returns to this page, mapped in every process.
#define SIGTRAMP_ADDR (STACK_TOP + 0x10000)

struct image {
  struct lx_node *node;
  struct elf64_header eh;
  struct elf64_phdr ph[MAX_PHDRS];
  uintptr_t bias;
};

static int check_elf(struct image *im) {
  struct elf64_header *eh = &im->eh;
  if (lx_file_read_at(im->node, eh, 0, sizeof *eh) != (int)sizeof *eh) return -LX_ENOEXEC;
  if (memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != ELF_CLASS_64 ||
      eh->ident[5] != ELF_DATA_LSB || eh->machine != ELF_EM_AARCH64 ||
      (eh->type != ELF_ET_EXEC && eh->type != ELF_ET_DYN) || eh->phentsize != sizeof im->ph[0] ||
      eh->phnum == 0 || eh->phnum > MAX_PHDRS)
    return -LX_ENOEXEC;
  size_t len = eh->phnum * sizeof im->ph[0];
  if (lx_file_read_at(im->node, im->ph, eh->phoff, len) != (int)len) return -LX_ENOEXEC;
  for (unsigned i = 0; i < eh->phnum; i++) {
    const struct elf64_phdr *p = &im->ph[i];
    if (p->type != ELF_PT_LOAD || p->memsz == 0) continue;
    if (p->filesz > p->memsz || p->offset + p->filesz > im->node->size ||
        p->offset + p->filesz < p->offset || p->vaddr + p->memsz < p->vaddr ||
        p->vaddr + p->memsz > (1ul << 40))
      return -LX_ENOEXEC;
    if (p->type == 3 /* PT_INTERP */) return -LX_ENOEXEC;  // dynamic programs: not yet
  }
  for (unsigned i = 0; i < eh->phnum; i++)
    if (im->ph[i].type == 3) return -LX_ENOEXEC;
  im->bias = eh->type == ELF_ET_DYN ? PIE_BIAS : 0;
  return 0;
}

// The segment's bytes copied from the file into a fresh VMO: files written since boot
// (their VMO is resizable) or placed so that their pages cannot be shared.
static zx_status_t segment_copy(struct image *im, const struct elf64_phdr *p, uint64_t size,
                                zx_handle_t *out) {
  char *buf = malloc(16384);
  if (!buf || zx_vmo_create(size, 0, out) != ZX_OK) {
    free(buf);
    return ZX_ERR_NO_MEMORY;
  }
  zx_status_t status = ZX_OK;
  uint64_t in_page = p->vaddr & (LX_PAGE - 1);
  for (uint64_t done = 0; done < p->filesz && status == ZX_OK;) {
    size_t n = p->filesz - done < 16384 ? p->filesz - done : 16384;
    if (lx_file_read_at(im->node, buf, p->offset + done, n) != (int)n) status = ZX_ERR_IO;
    else status = zx_vmo_write(*out, buf, in_page + done, n);
    done += n;
  }
  free(buf);
  if (status != ZX_OK) zx_handle_close(*out);
  return status;
}

// One PT_LOAD segment at its address: a copy-on-write snapshot of the file's pages in
// the read-only image (no copy; what the program writes, mprotect'd text included,
// lands in its own pages), or a copy.
static int map_segment(struct lx_thread *t, struct image *im, const struct elf64_phdr *p) {
  uintptr_t vaddr = p->vaddr + im->bias;
  uintptr_t start = vaddr & ~(LX_PAGE - 1), end = (vaddr + p->memsz + LX_PAGE - 1) & ~(LX_PAGE - 1);
  zx_handle_t plain, vmo;
  zx_status_t status = ZX_ERR_NOT_SUPPORTED;
  if (im->node->image)
    status =
        janus_elf_segment_snapshot(im->node->vmo, im->node->vmo_offset, p, end - start, &plain);
  if (status != ZX_OK) status = segment_copy(im, p, end - start, &plain);
  if (status != ZX_OK) return status == ZX_ERR_IO ? -LX_EIO : -LX_ENOMEM;
  if (zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo) != ZX_OK) return -LX_ENOMEM;
  uint32_t prot = (p->flags & ELF_PF_R ? LX_PROT_READ : 0) |
                  (p->flags & ELF_PF_W ? LX_PROT_WRITE : 0) |
                  (p->flags & ELF_PF_X ? LX_PROT_EXEC : 0);
  uintptr_t at;
  int err = lx_mm_map(&t->proc->mm, start, end - start, prot, LX_MAP_PRIVATE, vmo, 0, true, &at);
  if (err) zx_handle_close(vmo);
  return err;
}

// The strings and pointers of a new stack, built here, then copied out in one piece.
struct stack_builder {
  char *buf;    // mirrors [STACK_TOP - ARG_MAX, STACK_TOP)
  size_t used;  // bytes from the top
};

static uintptr_t push_bytes(struct stack_builder *b, const void *data, size_t len) {
  if (b->used + len > ARG_MAX - 4096) return 0;
  b->used += len;
  memcpy(b->buf + ARG_MAX - b->used, data, len);
  return STACK_TOP - b->used;
}

static int build_stack(struct lx_thread *t, struct image *im, char *const argv[], size_t argc,
                       char *const envp[], size_t envc, const char *execfn, uintptr_t *sp_out) {
  struct stack_builder b = {.buf = malloc(ARG_MAX), .used = 0};
  uintptr_t *ptrs = malloc((argc + envc + 2) * sizeof *ptrs);
  if (!b.buf || !ptrs) {
    free(b.buf), free(ptrs);
    return -LX_ENOMEM;
  }
  int err = 0;
  uintptr_t execfn_at = push_bytes(&b, execfn, strlen(execfn) + 1);
  for (size_t i = envc; i-- > 0 && !err;)
    if (!(ptrs[argc + 1 + i] = push_bytes(&b, envp[i], strlen(envp[i]) + 1))) err = -LX_E2BIG;
  for (size_t i = argc; i-- > 0 && !err;)
    if (!(ptrs[i] = push_bytes(&b, argv[i], strlen(argv[i]) + 1))) err = -LX_E2BIG;
  uint8_t random[16];
  lx_random_bytes(random, sizeof random);
  uintptr_t random_at = push_bytes(&b, random, sizeof random);
  uintptr_t platform_at = push_bytes(&b, "aarch64", 8);
  if (!execfn_at || !random_at || !platform_at) err = -LX_E2BIG;
  // Where the program headers are in memory.
  uintptr_t phdr = 0;
  for (unsigned i = 0; i < im->eh.phnum; i++) {
    const struct elf64_phdr *p = &im->ph[i];
    if (p->type == ELF_PT_PHDR) phdr = p->vaddr + im->bias;
    else if (!phdr && p->type == ELF_PT_LOAD && im->eh.phoff >= p->offset &&
             im->eh.phoff - p->offset < p->filesz)
      phdr = p->vaddr + im->bias + (im->eh.phoff - p->offset);
  }
  uint64_t auxv[][2] = {{LX_AT_PHDR, phdr},
                        {LX_AT_PHENT, sizeof(struct elf64_phdr)},
                        {LX_AT_PHNUM, im->eh.phnum},
                        {LX_AT_PAGESZ, LX_PAGE},
                        {LX_AT_BASE, 0},
                        {LX_AT_FLAGS, 0},
                        {LX_AT_ENTRY, im->eh.entry + im->bias},
                        {LX_AT_UID, 0},
                        {LX_AT_EUID, 0},
                        {LX_AT_GID, 0},
                        {LX_AT_EGID, 0},
                        {LX_AT_PLATFORM, platform_at},
                        {LX_AT_HWCAP, LX_HWCAP_A72},
                        {LX_AT_CLKTCK, 100},
                        {LX_AT_SECURE, 0},
                        {LX_AT_RANDOM, random_at},
                        {LX_AT_HWCAP2, 0},
                        {LX_AT_EXECFN, execfn_at},
                        {LX_AT_NULL, 0}};
  size_t words = 1 + argc + 1 + envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
  uintptr_t sp = (STACK_TOP - b.used - words * 8) & ~15ul;
  size_t total = STACK_TOP - sp;
  if (!err && total > ARG_MAX - 4096) err = -LX_E2BIG;
  if (!err) {
    uint64_t *w = (uint64_t *)(b.buf + ARG_MAX - total);
    size_t k = 0;
    w[k++] = argc;
    for (size_t i = 0; i < argc; i++) w[k++] = ptrs[i];
    w[k++] = 0;
    for (size_t i = 0; i < envc; i++) w[k++] = ptrs[argc + 1 + i];
    w[k++] = 0;
    memcpy(&w[k], auxv, sizeof auxv);
    err = lx_copy_out(t, sp, b.buf + ARG_MAX - total, total);
  }
  free(b.buf);
  free(ptrs);
  *sp_out = sp;
  return err;
}

// "#!interpreter [arg]": the line, split. 0 if the file is no script.
static int read_shebang(struct lx_node *n, char *interp, char *arg) {
  char line[256];
  int len = lx_file_read_at(n, line, 0, sizeof line - 1);
  if (len < 2 || line[0] != '#' || line[1] != '!') return 0;
  line[len] = 0;
  char *end = strchr(line, '\n');
  if (!end) return -LX_ENOEXEC;
  *end = 0;
  char *p = line + 2;
  while (*p == ' ' || *p == '\t') p++;
  char *q = p;
  while (*q && *q != ' ' && *q != '\t') q++;
  size_t il = (size_t)(q - p);
  if (il == 0) return -LX_ENOEXEC;
  memcpy(interp, p, il);
  interp[il] = 0;
  while (*q == ' ' || *q == '\t') q++;
  strcpy(arg, q);
  for (char *e = arg + strlen(arg); e > arg && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r');)
    *--e = 0;
  return 1;
}

static int map_sigtramp(struct lx_mm *mm) {
  static zx_handle_t vmo = ZX_HANDLE_INVALID;
  if (vmo == ZX_HANDLE_INVALID) {
    static const uint32_t code[] = {
        0xd2801168,  // mov x8, #139 (rt_sigreturn)
        0xd4000001,  // svc #0
    };
    zx_handle_t plain, code_vmo;
    if (zx_vmo_create(LX_PAGE, 0, &plain) != ZX_OK) return -LX_ENOMEM;
    zx_vmo_write(plain, code, 0, sizeof code);
    if (zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &code_vmo) != ZX_OK)
      return -LX_ENOMEM;
    vmo = code_vmo;
  }
  zx_handle_t mine;
  if (zx_handle_duplicate(vmo, ZX_RIGHT_SAME_RIGHTS, &mine) != ZX_OK) return -LX_ENOMEM;
  uintptr_t at;
  int err = lx_mm_map(mm, SIGTRAMP_ADDR, LX_PAGE, LX_PROT_READ | LX_PROT_EXEC, LX_MAP_SHARED, mine,
                      0, true, &at);
  if (err) zx_handle_close(mine);
  return err;
}

uintptr_t lx_sigtramp(void) { return SIGTRAMP_ADDR; }

int lx_process_exec(struct lx_thread *t, const char *path, char *const argv[], size_t argc,
                    char *const envp[], size_t envc) {
  struct image *im = calloc(1, sizeof *im);
  char *interp = malloc(256), *iarg = malloc(256);
  char **args = NULL;
  if (!im || !interp || !iarg) {
    free(im), free(interp), free(iarg);
    return -LX_ENOMEM;
  }
  int err = 0;
  const char *file = path;
  for (int depth = 0;; depth++) {
    err = lx_resolve(t, LX_AT_FDCWD, file, true, &im->node, NULL, NULL);
    if (err) break;
    if ((im->node->mode & LX_S_IFMT) != LX_S_IFREG) {
      err = -LX_EACCES;
      break;
    }
    if (!(im->node->mode & 0111)) {
      err = -LX_EACCES;
      break;
    }
    int script = read_shebang(im->node, interp, iarg);
    if (script < 0) err = script;
    if (script <= 0) break;
    if (depth == 4) {
      err = -LX_ELOOP;
      break;
    }
    // argv becomes: interpreter [arg] file argv[1..]
    char **next = malloc((argc + 3) * sizeof *next);
    if (!next) {
      err = -LX_ENOMEM;
      break;
    }
    size_t k = 0;
    next[k++] = strdup(interp);
    if (*iarg) next[k++] = strdup(iarg);
    next[k++] = strdup(file);
    for (size_t i = 1; i < argc; i++) next[k++] = strdup(argv[i]);
    if (args) {
      for (size_t i = 0; i < argc; i++) free(args[i]);
      free(args);
    }
    args = next;
    argv = next;
    argc = k;
    file = next[0];
  }
  if (!err) err = check_elf(im);
  if (err) goto out;

  // The point of no return: the old image goes.
  struct lx_process *p = t->proc;
  for (struct lx_thread *o = p->threads; o; o = o->next)
    if (o != t) {
      o->exiting = true;  // other threads die (Linux: before execve returns)
      lx_thread_wake(o);
    }
  lx_mm_clear(&p->mm);
  uintptr_t top = 0;
  for (unsigned i = 0; i < im->eh.phnum && !err; i++)
    if (im->ph[i].type == ELF_PT_LOAD && im->ph[i].memsz) {
      err = map_segment(t, im, &im->ph[i]);
      uintptr_t end = im->ph[i].vaddr + im->bias + im->ph[i].memsz;
      if (end > top) top = end;
    }
  uintptr_t stack, sp = 0;
  if (!err)
    err = lx_mm_map(&p->mm, STACK_TOP - STACK_SIZE, STACK_SIZE, LX_PROT_READ | LX_PROT_WRITE,
                    LX_MAP_PRIVATE, ZX_HANDLE_INVALID, 0, true, &stack);
  if (!err) err = map_sigtramp(&p->mm);
  if (!err) err = build_stack(t, im, argv, argc, envp, envc, path, &sp);
  if (err) {
    lx_log("pid %d: exec %s failed after the point of no return: error %d", p->pid, path, -err);
    lx_process_exit(t, LX_SIGKILL);
  }
  lx_mm_brk_init(&p->mm, top);
  lx_fdtable_cloexec(p->files);
  lx_signal_reset_on_exec(p);
  char exe[sizeof p->exe];  // not straight into p->exe: /proc/self/exe reads it
  if (lx_real_path(t, file, exe, sizeof exe) != 0) strncpy(exe, file, sizeof exe - 1);
  memcpy(p->exe, exe, sizeof exe);
  const char *base = strrchr(path, '/');
  strncpy(p->name, base ? base + 1 : path, sizeof p->name - 1);
  zx_object_set_property(p->proc, ZX_PROP_NAME, p->name, strlen(p->name));
  memset(t->regs, 0, sizeof *t->regs);
  memset(t->fp, 0, sizeof t->fp);
  t->regs->pc = im->eh.entry + im->bias;
  t->regs->sp = sp;
  t->altstack = (struct lx_stack){.ss_flags = LX_SS_DISABLE};
  err = 0;
out:
  if (args) {
    for (size_t i = 0; i < argc; i++) free(args[i]);
    free(args);
  }
  free(im), free(interp), free(iarg);
  return err;
}
