// What the kernel needs from the boot device tree, read once at boot into one struct
// so nothing later has to parse the (untrusted) blob again.
#ifndef JANUS_BOOTINFO_H_
#define JANUS_BOOTINFO_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <janus/physmap.h>
#include <zircon/types.h>

#define BOOTINFO_MAX_RAM 16
#define BOOTINFO_MAX_RESERVED 16
#define BOOTINFO_MAX_CPUS 8
#define BOOTINFO_BOOTARGS_LEN 512  // including the NUL
#define BOOTINFO_MODEL_LEN 64

struct mem_range {
  paddr_t base;
  uint64_t size;
};

enum cpu_enable_method {
  CPU_ENABLE_NONE,        // no enable-method property
  CPU_ENABLE_PSCI,
  CPU_ENABLE_SPIN_TABLE,
  CPU_ENABLE_OTHER,       // present but neither of the above
};

enum psci_conduit {
  PSCI_CONDUIT_NONE,
  PSCI_CONDUIT_HVC,
  PSCI_CONDUIT_SMC,
};

struct bootinfo_cpu {
  uint64_t mpidr;  // "reg": the MPIDR affinity fields
  enum cpu_enable_method enable_method;
  bool has_release_addr;
  paddr_t release_addr;  // "cpu-release-addr", for spin-table
};

struct bootinfo {
  struct mem_range ram[BOOTINFO_MAX_RAM];
  size_t ram_count;
  size_t ram_dropped;  // RAM ranges beyond BOOTINFO_MAX_RAM, left unused
  struct mem_range reserved[BOOTINFO_MAX_RESERVED];
  size_t reserved_count;
  struct bootinfo_cpu cpus[BOOTINFO_MAX_CPUS];
  size_t cpu_count;
  size_t cpus_dropped;  // CPUs beyond BOOTINFO_MAX_CPUS, never started
  enum psci_conduit psci;
  char bootargs[BOOTINFO_BOOTARGS_LEN];  // /chosen bootargs, "" if absent
  char model[BOOTINFO_MODEL_LEN];        // root "model", "" if absent
  size_t fdt_size;                       // the blob's own totalsize
};

// Fills *out from the blob (at most max_size bytes readable). Malformed input gives
// ZX_ERR_INVALID_ARGS (or fdt_open's errors); more reserved ranges than fit give
// ZX_ERR_NO_RESOURCES, since silently dropping one would hand reserved memory out.
// Ranges whose end does not fit in 64 bits are malformed; size-0 ranges are skipped.
zx_status_t bootinfo_from_fdt(const void *blob, size_t max_size, struct bootinfo *out);

// RAM minus the reserved ranges minus `extra` (the kernel image, the blob), each piece
// shrunk inward to whole pages; written sorted and disjoint to out. Inputs may overlap
// and come in any order. Returns how many ranges were written (at most max; pieces
// that do not fit are dropped, which only leaves that memory unused).
size_t bootinfo_free_ranges(const struct bootinfo *bi, const struct mem_range *extra,
                            size_t extra_count, struct mem_range *out, size_t max);

#endif  // JANUS_BOOTINFO_H_
