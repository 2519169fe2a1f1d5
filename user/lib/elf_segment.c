// zx_status_t janus_elf_segment_snapshot(zx_handle_t image_vmo, uint64_t image_offset,
//                                        const struct elf64_phdr *ph, uint64_t size,
//                                        zx_handle_t *out);
// (include/janus-user/elf_segment.h)
#include <janus-user/elf_segment.h>
#include <zircon/syscalls.h>

#define PAGE 4096ull

zx_status_t janus_elf_segment_snapshot(zx_handle_t image_vmo, uint64_t image_offset,
                                       const struct elf64_phdr *ph, uint64_t size,
                                       zx_handle_t *out) {
  uint64_t in_page = ph->vaddr & (PAGE - 1);
  if (((image_offset + ph->offset) & (PAGE - 1)) != in_page || in_page + ph->filesz > size)
    return ZX_ERR_NOT_SUPPORTED;
  uint64_t file_start = image_offset + ph->offset - in_page;
  zx_status_t status = zx_vmo_create_child(image_vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
                                           file_start, size, out);
  if (status != ZX_OK) return status;
  uint64_t tail = in_page + ph->filesz;
  if (tail < size) status = zx_vmo_op_range(*out, ZX_VMO_OP_ZERO, tail, size - tail, NULL, 0);
  if (status != ZX_OK) zx_handle_close(*out);
  return status;
}
