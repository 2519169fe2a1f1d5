// Self-tests of VMOs, VMARs and demand paging without user code: a process that is
// never started, torn down through its INITIAL path; pages and objects must balance.
// Partial unmap/protect split mappings (each piece holds the VMO) and take their
// pages out in batches: runs past 32 pages use one whole-ASID flush.
#include <janus/arch.h>
#include <janus/testing.h>
#include <janus/physmap.h>
#include "core/object/process.h"
#include <janus/selftest.h>
#include <string.h>

#include <janus/pmm.h>
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

static bool vm_round(void) {
  struct process *p;
  CHECK(process_create("vmtest", &p) == ZX_OK);
  CHECK(p->root_vmar != NULL);
  struct vmo *vmo, *vmo2;
  CHECK(vmo_create(8 * PAGE_SIZE, 0, &vmo) == ZX_OK);
  uintptr_t addr;
  zx_rights_t rights = ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_MAP;
  CHECK(vmar_map(p->root_vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, rights, 0,
                 8 * PAGE_SIZE, &addr) == ZX_OK);
  CHECK(addr >= VMAR_ROOT_BASE && addr + 8 * PAGE_SIZE <= USER_ASPACE_END);
  // Faults: inside (twice: the second finds the page mapped), outside, wrong perms.
  CHECK(vm_handle_user_fault(p, addr + 5, true, false, false));
  CHECK(vm_handle_user_fault(p, addr + 5, false, false, false));
  CHECK(vm_handle_user_fault(p, addr + 3 * PAGE_SIZE, false, false, false));
  CHECK(!vm_handle_user_fault(p, addr + 8 * PAGE_SIZE, false, false, false) ||
        addr + 8 * PAGE_SIZE >= USER_STACK_TOP);
  CHECK(!vm_handle_user_fault(p, addr, false, true, false));  // no execute permission
  CHECK(!vm_handle_user_fault(p, 0x1000, false, false, false));
  CHECK(vmo->committed == 2);
  // The faulted page is the VMO's page.
  uint32_t value = 0x600dcafe, back = 0;
  CHECK(vmo_write(vmo, &value, 16, sizeof value) == ZX_OK);
  CHECK(vmo_read(vmo, &back, 16, sizeof back) == ZX_OK && back == value);
  // A sub-VMAR with a mapping, destroyed with the process.
  struct vmar *sub;
  uintptr_t sub_addr;
  CHECK(vmar_allocate(p->root_vmar, ZX_VM_CAN_MAP_READ, 0, 4 * PAGE_SIZE, &sub, &sub_addr) ==
        ZX_OK);
  CHECK(vmar_map(sub, ZX_VM_PERM_READ, 0, vmo, rights, PAGE_SIZE, PAGE_SIZE, &addr) == ZX_OK);
  CHECK(vm_handle_user_fault(p, addr, false, false, false));
  CHECK(!vm_handle_user_fault(p, addr, true, false, false));  // read-only
  CHECK(vmo->committed == 3);
  // Partial operations on a 64-page mapping whose pages are all in the page tables.
  uintptr_t big;
  CHECK(vmo_create(64 * PAGE_SIZE, 0, &vmo2) == ZX_OK);
  CHECK(vmar_map(p->root_vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo2, rights, 0,
                 64 * PAGE_SIZE, &big) == ZX_OK);
  for (unsigned i = 0; i < 64; i++)
    CHECK(vm_handle_user_fault(p, big + i * PAGE_SIZE, true, false, false));
  uint32_t refs = __atomic_load_n(&vmo2->obj.refcount, __ATOMIC_RELAXED);
  uint64_t batched = arch_aspace_batched_flushes();
  // 3 pages from the middle: page by page; the mapping splits in two.
  CHECK(vmar_unmap(p->root_vmar, big + 10 * PAGE_SIZE, 3 * PAGE_SIZE) == ZX_OK);
  CHECK(arch_aspace_batched_flushes() == batched);
  CHECK(__atomic_load_n(&vmo2->obj.refcount, __ATOMIC_RELAXED) == refs + 1);
  CHECK(!vm_handle_user_fault(p, big + 11 * PAGE_SIZE, false, false, false));
  CHECK(vm_handle_user_fault(p, big + 13 * PAGE_SIZE, false, false, false));
  // 40 of the right part read-only (split again), then 45 unmapped across both: each
  // one batch, one whole-ASID flush.
  CHECK(vmar_protect(p->root_vmar, ZX_VM_PERM_READ, big + 14 * PAGE_SIZE, 40 * PAGE_SIZE) == ZX_OK);
  CHECK(arch_aspace_batched_flushes() == batched + 1);
  CHECK(__atomic_load_n(&vmo2->obj.refcount, __ATOMIC_RELAXED) == refs + 3);  // 4 pieces
  CHECK(!vm_handle_user_fault(p, big + 20 * PAGE_SIZE, true, false, false));  // read-only now
  CHECK(vm_handle_user_fault(p, big + 13 * PAGE_SIZE, true, false, false));
  CHECK(vmar_unmap(p->root_vmar, big + 15 * PAGE_SIZE, 45 * PAGE_SIZE) == ZX_OK);
  CHECK(arch_aspace_batched_flushes() == batched + 2);
  CHECK(!vm_handle_user_fault(p, big + 59 * PAGE_SIZE, false, false, false));
  CHECK(vm_handle_user_fault(p, big + 60 * PAGE_SIZE, true, false, false));
  CHECK(__atomic_load_n(&vmo2->obj.refcount, __ATOMIC_RELAXED) == refs + 3);  // trimmed, not gone
  CHECK(vmo2->committed == 64);  // unmapping leaves the VMO's pages alone
  // A VMO shrinking under a touched mapping: 36 entries go in one batch.
  struct vmo *rvmo;
  uintptr_t raddr;
  CHECK(vmo_create(40 * PAGE_SIZE, ZX_VMO_RESIZABLE, &rvmo) == ZX_OK);
  CHECK(vmar_map(p->root_vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, rvmo, rights, 0,
                 40 * PAGE_SIZE, &raddr) == ZX_OK);
  for (unsigned i = 0; i < 40; i++)
    CHECK(vm_handle_user_fault(p, raddr + i * PAGE_SIZE, true, false, false));
  batched = arch_aspace_batched_flushes();
  CHECK(vmo_set_size(rvmo, 4 * PAGE_SIZE) == ZX_OK);
  CHECK(arch_aspace_batched_flushes() == batched + 1);
  CHECK(rvmo->committed == 4);
  CHECK(!vm_handle_user_fault(p, raddr + 4 * PAGE_SIZE, false, false, false));
  CHECK(vm_handle_user_fault(p, raddr + 3 * PAGE_SIZE, false, false, false));
  kobject_unref(&rvmo->obj);
  kobject_unref(&vmo2->obj);  // the mappings keep it
  kobject_unref(&vmo->obj);  // the mappings keep it
  kobject_unref(&p->obj);    // INITIAL teardown: process_vm_destroy, then the aspace
  CHECK(sub->destroyed);
  kobject_unref(&sub->obj);
  return true;
}

SELFTEST(vm_map_fault_destroy_balances) {
  CHECK(vm_round());  // warms the heap up
  uint64_t pages = pmm_free_pages(), objects = kobject_live_count();
  for (int i = 0; i < 4; i++) CHECK(vm_round());
  CHECK(kobject_live_count() == objects);
  CHECK(pmm_free_pages() == pages);
  return true;
}
