// Isolation between address spaces: the same virtual address holds different memory
// in two processes; a write in one is invisible in the other; another process's
// memory is reachable only through a handle with the right rights.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define OFFSET 0x100000  // same offset in both root VMARs (both start at the same base)

int main(void) {
  zx_handle_t child, child_vmar, mine, theirs;
  EXPECT_EQ(zx_process_create(zx_job_default(), "isolated", 8, 0, &child, &child_vmar), ZX_OK);
  EXPECT_EQ(zx_vmo_create(4096, 0, &mine), ZX_OK);
  EXPECT_EQ(zx_vmo_create(4096, 0, &theirs), ZX_OK);
  zx_vaddr_t my_addr = 0, their_addr = 0;
  uint32_t rw = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC;
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), rw, OFFSET, mine, 0, 4096, &my_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_map(child_vmar, rw, OFFSET, theirs, 0, 4096, &their_addr), ZX_OK);
  EXPECT_EQ(my_addr, their_addr);  // one virtual address, two address spaces

  strcpy((char *)my_addr, "parent's secret");
  EXPECT_EQ(zx_vmo_write(theirs, "child's data", 0, 13), ZX_OK);
  char buffer[32] = {0};
  size_t actual = 0;
  EXPECT_EQ(zx_process_read_memory(child, their_addr, buffer, 13, &actual), ZX_OK);
  EXPECT_EQ(actual, 13);
  EXPECT_EQ(strcmp(buffer, "child's data"), 0);
  EXPECT_EQ(strcmp((const char *)my_addr, "parent's secret"), 0);

  // A write into the child's address space lands there and nowhere else.
  EXPECT_EQ(zx_process_write_memory(child, their_addr, "overwritten", 12, &actual), ZX_OK);
  EXPECT_EQ(strcmp((const char *)my_addr, "parent's secret"), 0);
  EXPECT_EQ(zx_vmo_read(theirs, buffer, 0, 12), ZX_OK);
  EXPECT_EQ(strcmp(buffer, "overwritten"), 0);

  // Without READ/WRITE rights the child's memory is out of reach.
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(child, ZX_RIGHT_WAIT, &weak), ZX_OK);
  EXPECT_EQ(zx_process_read_memory(weak, their_addr, buffer, 4, &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_process_write_memory(weak, their_addr, "x", 1, &actual), ZX_ERR_ACCESS_DENIED);

  zx_handle_close(weak);
  EXPECT_EQ(zx_task_kill(child), ZX_OK);
  zx_handle_close(child_vmar);
  zx_handle_close(child);
  zx_handle_close(mine);
  zx_handle_close(theirs);
  printf("isolation: %d failures\n", failures);
  return failures;
}
