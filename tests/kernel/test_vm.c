// Self-tests of VMOs, VMARs and demand paging without user code: a process that is
// never started, torn down through its INITIAL path; pages and objects must balance.
#include <janus/physmap.h>
#include <janus/process.h>
#include <janus/selftest.h>
#include <string.h>

#include "core/pmm.h"
#include "core/vmar.h"
#include "core/vmo.h"

static bool vm_round(void) {
  struct process *p;
  CHECK(process_create("vmtest", &p) == ZX_OK);
  CHECK(p->root_vmar != NULL);
  struct vmo *vmo;
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
