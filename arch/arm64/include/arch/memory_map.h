// The virtual memory map: the one definition every other file derives from.
// 4 KiB granule. TTBR0 (0 .. 2^42: 4 TiB) holds a process's restricted/private range;
// TTBR1 (48-bit: 0xffff_0000_0000_0000 ..) holds the shared window (level-0 entries
// 0-255) and the kernel (entries 256-511).
#ifndef ARCH_MEMORY_MAP_H_
#define ARCH_MEMORY_MAP_H_

#define VA_BITS 48
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define TTBR1_BASE 0xffff000000000000UL
// User (TTBR0) addresses: page 0 stays unmapped so NULL always faults.
#define USER_ASPACE_BASE 0x1000UL
// TTBR0 spans 42 bits (TCR_EL1.T0SZ = 64 - 42): still four levels, but its level-0
// table has 8 entries, 64 bytes, taken from a slab instead of a page of its own (a
// 48-bit space took a 4 KiB root for the one entry most processes use).
#define USER_VA_BITS 42
#define USER_ROOT_ENTRIES (1u << (USER_VA_BITS - 39))
#define USER_ASPACE_END (1UL << USER_VA_BITS)
// The shared window of a shared process group (TTBR1 level-0 entries 0-255, each
// group its own root table): from 2 MiB in, so that TTBR1_BASE itself never maps.
#define SHARED_WINDOW_BASE (TTBR1_BASE + 0x200000UL)
#define SHARED_WINDOW_END 0xffff800000000000UL
#define SHARED_WINDOW_ROOT_ENTRIES 256  // level-0 entries; the kernel owns the rest
// The physmap maps physical address pa at KERNEL_PHYSMAP_BASE + pa (up to 512 GiB).
#define KERNEL_PHYSMAP_BASE 0xffff800000000000UL
#define KERNEL_PHYSMAP_SIZE (1UL << 39)
// The kernel heap window (level-0 entry 511), mapped page by page as it grows.
#define KERNEL_HEAP_BASE 0xffffff8000000000UL
#define KERNEL_HEAP_SIZE (1UL << 36)  // 64 GiB of address space; pages come as it grows

#endif  // ARCH_MEMORY_MAP_H_
