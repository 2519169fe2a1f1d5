// QEMU virt: the constants Janus needs, from QEMU's hw/arm/virt.c memory map.
#ifndef BOARD_H_
#define BOARD_H_

#define BOARD_NAME "qemu-virt"
#define BOARD_UART_BASE 0x09000000UL  // PL011
#define BOARD_UART_CLOCK_HZ 24000000u
#define BOARD_GICD_BASE 0x08000000UL  // GICv2 distributor
#define BOARD_GICC_BASE 0x08010000UL  // GICv2 CPU interface
// 0 = trust CNTFRQ_EL0 (QEMU sets it).
#define BOARD_TIMER_FREQ_HZ 0u
// MMIO windows mapped as Device memory in the physmap: {base, size}.
#define BOARD_DEVICE_WINDOWS {{0x08000000UL, 0x02000000UL}}
// Physical ranges never handed to the page allocator (beyond the device tree's).
#define BOARD_RAM_HOLES {{0, 0}}

#endif  // BOARD_H_
