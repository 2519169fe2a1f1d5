# QEMU virt (Cortex-A72, GICv2). `make run` boots through Debian's qemu_arm64 U-Boot.
BOARD_IMAGE_NAME := Image
BOARD_QEMU_MACHINE := virt,gic-version=2
BOARD_QEMU_FLAGS := -cpu cortex-a72 -smp 4 -m 1G
BOARD_CPUS := 4
# How `make run` boots: uboot (U-Boot as -bios, the kernel put in RAM by QEMU's loader) or
# direct (-kernel).
BOARD_RUN_BOOT := uboot
BOARD_UBOOT := /usr/lib/u-boot/qemu_arm64/u-boot.bin
# Where QEMU's -kernel puts the image (RAM base + 2 MiB): make debug's symbol offset.
BOARD_DIRECT_LOAD_PA := 0x40200000
# U-Boot boot (make run): QEMU's loader puts the kernel image here and U-Boot gets an
# environment of its own (no countdown; booti of that address) in the second flash bank,
# where Debian's qemu_arm64 build keeps it (CONFIG_ENV_ADDR 0x4000000, 256 KiB).
BOARD_UBOOT_KERNEL_PA := 0x40400000
BOARD_UBOOT_ENV_SIZE := 0x40000
BOARD_UBOOT_ENV_FLASH_SIZE := 64M
