// The ELF loader takes untrusted input: malformed images are refused with
// ZX_ERR_INVALID_ARGS and leave nothing behind. A good one becomes VMO mappings
// named "elf" at the link address in the root VMAR.
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/heap.h>
#include <janus/object.h>
#include "core/object/process.h"
#include <janus/selftest.h>
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>

#include "core/boot/bootfs.h"
#include <janus/pmm.h>
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"
#include "core/vm/kmem.h"
#include "tests/kernel/settle.h"


static zx_status_t load_copy(const uint8_t *image, size_t size) {
  struct process *p;
  zx_status_t status = process_create("elf-test", &p);
  if (status != ZX_OK) return status;
  uintptr_t entry;
  status = process_load_elf(p, image, size, &entry);
  kobject_unref(&p->obj);
  return status;
}

SELFTEST(elf_loader_refuses_malformed_images) {
  const void *image;
  size_t size;
  CHECK(bootfs_find("sleeper", &image, &size));
  uint8_t *copy = malloc(size);
  CHECK(copy != NULL);
  uint64_t pages = kmem_unused_pages();
  uint64_t phoff;
  memcpy(&phoff, (const uint8_t *)image + 32, sizeof phoff);

  memcpy(copy, image, size);
  CHECK(load_copy(copy, size) == ZX_OK);  // the original loads
  CHECK(load_copy(copy, 10) == ZX_ERR_INVALID_ARGS);  // truncated header
  CHECK(load_copy(copy, phoff + 8) == ZX_ERR_INVALID_ARGS);  // truncated program headers
  copy[0] = 0;  // bad magic
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  memcpy(copy, image, size);
  copy[18] = 62;  // e_machine: x86-64
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  memcpy(copy, image, size);
  uint64_t huge = ~0ULL - 4096;
  memcpy(copy + 32, &huge, sizeof huge);  // e_phoff past the end
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  // First program header (PT_LOAD): offset 8 file offset, 16 vaddr, 32 filesz, 40 memsz.
  memcpy(copy, image, size);
  memcpy(copy + phoff + 8, &huge, sizeof huge);  // segment data past the end
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  memcpy(copy, image, size);
  uint64_t kernel_va = 0xffff800000000000ULL;
  memcpy(copy + phoff + 16, &kernel_va, sizeof kernel_va);  // into the kernel half
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  memcpy(copy, image, size);
  uint64_t page0 = 0;
  memcpy(copy + phoff + 16, &page0, sizeof page0);  // page 0, below the root VMAR
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  memcpy(copy, image, size);
  uint64_t first_va;  // the second segment over the first
  memcpy(&first_va, copy + phoff + 16, sizeof first_va);
  memcpy(copy + phoff + 56 + 16, &first_va, sizeof first_va);
  CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  memcpy(copy, image, size);
  uint64_t filesz, small = 1;
  memcpy(&filesz, copy + phoff + 32, sizeof filesz);
  if (filesz > 1) {
    memcpy(copy + phoff + 40, &small, sizeof small);  // memsz < filesz
    CHECK(load_copy(copy, size) == ZX_ERR_INVALID_ARGS);
  }
  free(copy);
  // Not fewer (a leak); more when an earlier test's threads are reaped meanwhile.
  CHECK(kmem_unused_pages() >= pages);
  return true;
}

SELFTEST(elf_loader_maps_vmos_in_the_root_vmar) {
  const void *image;
  size_t size;
  CHECK(bootfs_find("sleeper", &image, &size));
  struct process *p;
  CHECK(process_create("elf-test", &p) == ZX_OK);
  uintptr_t entry;
  CHECK(process_load_elf(p, image, size, &entry) == ZX_OK);
  static zx_info_maps_t maps[16];
  size_t total = 0;
  CHECK(vm_get_maps(p, NULL, 0, maps, 16, &total) == ZX_OK);
  // ASPACE, root VMAR, then the segments (text first, at the link address), the stack.
  CHECK(total >= 4 && total <= 16);
  CHECK(maps[1].type == ZX_INFO_MAPS_TYPE_VMAR && maps[1].base == VMAR_ROOT_BASE);
  CHECK(maps[2].type == ZX_INFO_MAPS_TYPE_MAPPING && maps[2].depth == 2);
  CHECK(maps[2].base == 0x400000 && strcmp(maps[2].name, "elf") == 0);
  CHECK(maps[2].u.mapping.vmo_koid != 0);
  CHECK(maps[2].u.mapping.mmu_flags == (ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE));
  CHECK(entry >= maps[2].base && entry < maps[2].base + maps[2].size);
  CHECK(strcmp(maps[total - 1].name, "stack") == 0);
  kobject_unref(&p->obj);
  return true;
}

// Pages a program takes from the page allocator (heap growth and kernel tables
// included): loaded only, and started and settled (run up to its sleep or its exit).
struct program_pages {
  uint64_t loaded, running;
};

static uint64_t pages_in_use(void) {
  return pmm_total_pages() - pmm_free_pages();
}

static bool measure(const char *name, bool share, struct program_pages *out) {
  const void *image;
  size_t size;
  CHECK(bootfs_find(name, &image, &size));
  struct vmo *image_vmo = bootfs_vmo();
  CHECK(image_vmo != NULL);
  uint64_t before = pages_in_use(), objects = kobject_live_count();
  struct process *p;
  CHECK(process_create(name, &p) == ZX_OK);
  uintptr_t entry;
  CHECK(process_load_elf_from_vmo(p, image, size, share ? image_vmo : NULL,
                                  bootfs_vmo_offset(image), &entry) == ZX_OK);
  out->loaded = pages_in_use() - before;
  CHECK(process_start(p, entry, USER_STACK_TOP) == ZX_OK);
  // Settled, by event (a busy host may not run this vCPU for a while): sleeper has run
  // up to its sleep, hello has exited.
  if (strcmp(name, "hello") == 0) process_wait(p);
  else wait_until_asleep(&p, 1);
  out->running = pages_in_use() - before;
  process_kill(p, ZX_TASK_RETCODE_SYSCALL_KILL);
  process_wait(p);
  kobject_unref(&p->obj);
  // Its thread's object goes when that thread has switched out on its CPU, which a busy
  // host may delay past this test: the job tests count objects next.
  CHECK(wait_until_live_objects(objects));
  return true;
}

// Read-only segments come from the boot filesystem's VMO, shared, so a started
// program costs fewer pages than with every segment copied. (sleeper stays alive
// to be measured; hello's load is measured the same way.)
SELFTEST(elf_loader_shares_read_only_segments) {
  struct program_pages copied, shared, hello_copied, hello_shared;
  CHECK(measure("sleeper", false, &copied));
  CHECK(measure("sleeper", true, &shared));
  CHECK(measure("hello", false, &hello_copied));
  CHECK(measure("hello", true, &hello_shared));
  kprintf("  pages per started program (copied -> shared segments): sleeper loaded %lu -> %lu, "
          "running %lu -> %lu; hello loaded %lu -> %lu\n",
          (unsigned long)copied.loaded, (unsigned long)shared.loaded,
          (unsigned long)copied.running, (unsigned long)shared.running,
          (unsigned long)hello_copied.loaded, (unsigned long)hello_shared.loaded);
  CHECK(shared.loaded < copied.loaded && shared.running < copied.running);
  // The first segment (text, read-only) is a slice of the boot filesystem's VMO.
  const void *image;
  size_t size;
  CHECK(bootfs_find("sleeper", &image, &size));
  struct process *p;
  CHECK(process_create("elf-test", &p) == ZX_OK);
  uintptr_t entry;
  CHECK(process_load_elf_from_vmo(p, image, size, bootfs_vmo(), bootfs_vmo_offset(image),
                                  &entry) == ZX_OK);
  struct vm_range_node *n = vm_range_find(&p->root_vmar->children, 0x400000);
  CHECK(n != NULL);
  struct vm_mapping *m = (struct vm_mapping *)((char *)n - offsetof(struct vm_mapping, node));
  CHECK(m->vmo->slice_root == bootfs_vmo());
  kobject_unref(&p->obj);
  return true;
}
