// The kernel's copies to and from user memory (arch/arm64/user_copy.S: 16 bytes a
// turn, then 8, then 4, then bytes) at every length and alignment around those steps,
// through zx_vmo_write (from user memory) and zx_vmo_read (to it); a copy that runs one byte
// past the end of a mapping fails whole with ZX_ERR_INVALID_ARGS.
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define PAGE 4096UL
#define MAX_LEN 80

static unsigned char pattern(size_t i) { return (unsigned char)(i * 37 + 11); }

// Every length 0..MAX_LEN from every offset 0..17 of a buffer, both ways.
static void lengths_and_alignments(zx_handle_t vmo) {
  static unsigned char src[MAX_LEN + 32], dst[MAX_LEN + 32];
  for (size_t off = 0; off < 18; off++) {
    for (size_t len = 0; len <= MAX_LEN; len++) {
      for (size_t i = 0; i < sizeof src; i++) src[i] = pattern(i + len);
      memset(dst, 0xee, sizeof dst);
      EXPECT_EQ(zx_vmo_write(vmo, src + off, 3, len), ZX_OK);
      EXPECT_EQ(zx_vmo_read(vmo, dst + (17 - off), 3, len), ZX_OK);
      EXPECT_EQ(memcmp(dst + (17 - off), src + off, len), 0);
      // Not a byte outside the destination changed.
      size_t outside = 0;
      for (size_t i = 0; i < sizeof dst; i++)
        if ((i < 17 - off || i >= 17 - off + len) && dst[i] != 0xee) outside++;
      EXPECT_EQ(outside, 0);
    }
  }
}

// A buffer that ends at the end of a mapping, and one byte beyond it (into the page
// just unmapped behind it).
static void mapping_edges(zx_handle_t vmo) {
  zx_handle_t buffer_vmo;
  EXPECT_EQ(zx_vmo_create(2 * PAGE, 0, &buffer_vmo), ZX_OK);
  zx_vaddr_t base = 0;
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, buffer_vmo, 0,
                        PAGE, &base),
            ZX_OK);
  unsigned char *end = (unsigned char *)base + PAGE;
  for (size_t len = 1; len <= 40; len++) {
    memset(end - len, (int)len, len);
    EXPECT_EQ(zx_vmo_write(vmo, end - len, 0, len), ZX_OK);
    EXPECT_EQ(zx_vmo_read(vmo, end - len, 0, len), ZX_OK);
    EXPECT_EQ(zx_vmo_write(vmo, end - len + 1, 0, len), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(zx_vmo_read(vmo, end - len + 1, 0, len), ZX_ERR_INVALID_ARGS);
  }
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), base, PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(buffer_vmo), ZX_OK);
}

int main(void) {
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  lengths_and_alignments(vmo);
  mapping_edges(vmo);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  printf("user_copy: %d failures\n", failures);
  return failures;
}
