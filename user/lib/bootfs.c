// Finding a file in the boot filesystem VMO (include/janus-user/bootfs.h). The VMO
// comes from whoever started us, so every offset in it is checked.
#include <janus-user/bootfs.h>
#include <string.h>
#include <zircon/syscalls.h>

#define NAME_MAX_LEN 255  // longer names are never in a bootfs (tools/gen-bootfs.sh)
#define ENTRY_BATCH 16

zx_status_t janus_bootfs_find(zx_handle_t bootfs, const char *name, uint64_t *offset,
                              uint64_t *size) {
  if (!name) return ZX_ERR_INVALID_ARGS;
  uint64_t vmo_size;
  janus_bootfs_header_t header;
  zx_status_t status = zx_vmo_read(bootfs, &header, 0, sizeof header);
  if (status == ZX_ERR_OUT_OF_RANGE) return ZX_ERR_INVALID_ARGS;  // too small to be one
  if (status != ZX_OK) return status;
  if ((status = zx_vmo_get_size(bootfs, &vmo_size)) != ZX_OK) return status;
  if (header.count > (vmo_size - sizeof header) / sizeof(janus_bootfs_entry_t))
    return ZX_ERR_INVALID_ARGS;
  size_t len = strlen(name);
  if (len > NAME_MAX_LEN) return ZX_ERR_NOT_FOUND;
  janus_bootfs_entry_t entries[ENTRY_BATCH];
  for (uint64_t i = 0; i < header.count; i++) {
    if (i % ENTRY_BATCH == 0) {
      uint64_t n = header.count - i < ENTRY_BATCH ? header.count - i : ENTRY_BATCH;
      status = zx_vmo_read(bootfs, entries, sizeof header + i * sizeof entries[0],
                           n * sizeof entries[0]);
      if (status != ZX_OK) return status;
    }
    const janus_bootfs_entry_t *e = &entries[i % ENTRY_BATCH];
    // The name with its NUL must fit in the VMO, or it cannot be this one.
    if (e->name_offset > vmo_size || len + 1 > vmo_size - e->name_offset) continue;
    char found[NAME_MAX_LEN + 1];
    if ((status = zx_vmo_read(bootfs, found, e->name_offset, len + 1)) != ZX_OK) return status;
    if (memcmp(found, name, len + 1)) continue;
    if (e->data_offset > vmo_size || e->size > vmo_size - e->data_offset)
      return ZX_ERR_INVALID_ARGS;
    if (offset) *offset = e->data_offset;
    if (size) *size = e->size;
    return ZX_OK;
  }
  return ZX_ERR_NOT_FOUND;
}

zx_status_t janus_bootfs_read(zx_handle_t bootfs, const char *name, void *buf, size_t capacity,
                              size_t *size) {
  uint64_t offset, length;
  zx_status_t status = janus_bootfs_find(bootfs, name, &offset, &length);
  if (status != ZX_OK) return status;
  if (size) *size = length;
  if (length > capacity) return ZX_ERR_BUFFER_TOO_SMALL;
  return zx_vmo_read(bootfs, buf, offset, length);
}
