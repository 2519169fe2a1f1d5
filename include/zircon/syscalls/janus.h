// Janus's own additions to the ABI (not in Zircon): zx_object_get_info topics and
// object properties, whose numbers use a range Zircon does not (0x4a4e0000, "JN", and
// up: topics from 0x4a4e0001, properties from 0x4a4e0101, so no number is both), and
// the layout of the boot filesystem VMO the kernel hands the programs it starts.
#ifndef ZIRCON_SYSCALLS_JANUS_H_
#define ZIRCON_SYSCALLS_JANUS_H_

#include <stdint.h>

// On a job handle with ZX_RIGHT_INSPECT: one record per CPU, in CPU order, of the ASID
// core's counters since boot (docs/asid.md). actual/avail as for other array topics.
#define JANUS_INFO_ASID_COUNTERS ((uint32_t)0x4a4e0001u)

typedef struct janus_info_asid_counters {
  uint64_t fast_switches;  // switches that took no lock
  uint64_t slow_switches;  // switches that took the allocator's lock
  uint64_t allocations;    // fresh ASIDs handed out
  uint64_t rollovers;      // generation bumps this CPU performed
  uint64_t local_flushes;  // whole-TLB flushes of this CPU (after rollovers)
  uint32_t asid_bits;      // the width in use; 0: ASIDs off (the baseline build)
  uint32_t cpu;
  uint64_t broadcast_flushes;  // inner-shareable TLB invalidations issued (one per batch)
  uint64_t batched_switches;   // of slow_switches, those that took a fresh ASID from this
                               // CPU's batch without the lock (also in allocations)
} janus_info_asid_counters_t;

// On a job handle with ZX_RIGHT_INSPECT: one record of what the kernel holds right
// now. A test harness compares two reads around a program to find what it leaked (the
// heap and the kernel's own page tables only grow: pages they took stay theirs).
#define JANUS_INFO_KERNEL_COUNTS ((uint32_t)0x4a4e0002u)

typedef struct janus_info_kernel_counts {
  uint64_t free_pages;          // free in the page allocator or in empty slabs
  uint64_t heap_pages;          // pages the kernel heap has mapped
  uint64_t kernel_table_pages;  // pages of the kernel's own translation tables
  uint64_t objects;             // kernel objects alive (processes, threads, VMOs, ...)
  uint64_t asids;               // ASIDs held by address spaces (0 with ASIDs off)
} janus_info_kernel_counts_t;

// On a job handle with ZX_RIGHT_INSPECT: one record, the kernel command line (the boot
// device tree's /chosen/bootargs), NUL-terminated.
#define JANUS_INFO_BOOT_ARGS ((uint32_t)0x4a4e0003u)

typedef struct janus_info_boot_args {
  char args[512];
} janus_info_boot_args_t;

// On a job handle with ZX_RIGHT_INSPECT (Janus has no resources: a job stands in for
// Zircon's root resource, as for ZX_INFO_KMEM_STATS). One record: the kernel's memory
// and what holds it. What a torn-down workload must give back is free_bytes +
// free_slab_bytes (the kernel heap keeps up to 128 KiB of slack at its top).
#define JANUS_INFO_KMEM_STATS ((uint32_t)0x4a4e0004u)

typedef struct janus_info_kmem_stats {
  uint64_t total_bytes;         // RAM the page allocator manages
  uint64_t free_bytes;          // free in the page allocator
  uint64_t heap_bytes;          // mapped into the kernel heap (malloc: buffers of varying size)
  uint64_t slab_bytes;          // held by the slab caches of kernel objects
  uint64_t free_slab_bytes;     // the part of slab_bytes in empty slabs
  uint64_t mmu_overhead_bytes;  // page tables of the kernel's own half
  uint64_t live_objects;        // kernel objects alive
  uint64_t asids_in_use;        // address spaces holding an ASID
  // Where the pages outside the allocator's free list go, by kind (docs/benchmarks.md,
  // "Kernel memory per process"):
  uint64_t kstack_bytes;      // threads' kernel stacks
  uint64_t user_table_bytes;  // page tables of user address spaces (TTBR0, shared windows)
  uint64_t handle_bytes;      // handle-table chunks
  uint64_t vmo_bytes;         // pages committed to VMOs (user memory)
} janus_info_kmem_stats_t;

// Thread placement, a property of thread objects (zx_object_set_property and
// zx_object_get_property, value a uint32_t). Set it before the thread starts to pin the
// thread to that CPU (0 .. CPUs - 1; one JANUS_INFO_ASID_COUNTERS record per CPU says
// how many there are): zx_thread_start / zx_process_start put it there, and it stays
// there (Janus threads never migrate). JANUS_THREAD_CPU_ANY, the default, lets the
// kernel choose (round robin).
//   set: needs ZX_RIGHT_SET_PROPERTY; value_size < 4: ZX_ERR_BUFFER_TOO_SMALL; not a
//        thread: ZX_ERR_WRONG_TYPE; a CPU that is not online: ZX_ERR_OUT_OF_RANGE; the
//        thread already started (or was killed): ZX_ERR_BAD_STATE.
//   get: needs ZX_RIGHT_GET_PROPERTY; before the start the value requested (possibly
//        JANUS_THREAD_CPU_ANY), from the start on the CPU the thread runs (ran) on.
#define JANUS_PROP_THREAD_CPU ((uint32_t)0x4a4e0101u)
#define JANUS_THREAD_CPU_ANY ((uint32_t)0xffffffffu)

// zx_process_start_handles(process, thread, entry, stack, handles, num_handles): like
// zx_process_start, but moves up to this many handles into the new process (each
// needs ZX_RIGHT_TRANSFER; every valid one is consumed, even on failure, as
// zx_process_start's arg1); its first thread starts with x0, x1, ... = their values
// there (0 for ZX_HANDLE_INVALID entries), every other register 0. More:
// ZX_ERR_OUT_OF_RANGE; an unreadable list: ZX_ERR_INVALID_ARGS (nothing consumed).
// Other errors as zx_process_start's.
#define JANUS_PROCESS_START_HANDLES_MAX 8u

// The boot filesystem (docs/design.md): a read-only VMO that every program the kernel
// starts finds in x4 (the user runtime's janus_bootfs()). It begins with a
// janus_bootfs_header_t, then count janus_bootfs_entry_t, then the names
// (NUL-terminated) and the files' bytes. Offsets count from the VMO's start; files
// start page-aligned (4096). tools/gen-bootfs.sh writes it, core/boot/bootfs.c reads it.
typedef struct janus_bootfs_header {
  uint64_t count;  // entries
} janus_bootfs_header_t;

typedef struct janus_bootfs_entry {
  uint64_t name_offset;  // the file's name, NUL-terminated
  uint64_t data_offset;  // its bytes
  uint64_t size;         // how many
} janus_bootfs_entry_t;

#endif  // ZIRCON_SYSCALLS_JANUS_H_
