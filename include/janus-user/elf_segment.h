// A PT_LOAD segment's pages straight from the ELF file's VMO (user/lib/elf_segment.c),
// for loaders that map images without copying them: janus_launch, and the Linux
// personality's execve.
#ifndef JANUS_USER_ELF_SEGMENT_H_
#define JANUS_USER_ELF_SEGMENT_H_

#include <janus/elf.h>
#include <stdint.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// A copy-on-write snapshot (ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE) of the size bytes
// of image_vmo that hold ph's pages, for an ELF file at image_offset in image_vmo, with
// every byte past the segment's file size zeroed (its bss, and whatever the image
// holds after the segment: a packed file system's next file). Writes land in the
// snapshot, never in the image. size: the segment's page-rounded extent. Only pages
// the snapshot writes or zeroes in part cost memory. ZX_ERR_NOT_SUPPORTED: the file
// offset and the address are not the same within a page (ELF promises it modulo
// p_align, the image's placement must keep it); other errors are
// zx_vmo_create_child's and zx_vmo_op_range's.
zx_status_t janus_elf_segment_snapshot(zx_handle_t image_vmo, uint64_t image_offset,
                                       const struct elf64_phdr *ph, uint64_t size,
                                       zx_handle_t *out);

#ifdef __cplusplus
}
#endif

#endif  // JANUS_USER_ELF_SEGMENT_H_
