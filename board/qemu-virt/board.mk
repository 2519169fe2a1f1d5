# QEMU virt (Cortex-A72, GICv2). `make run` boots through Debian's qemu_arm64 U-Boot.
BOARD_IMAGE_NAME := Image
BOARD_QEMU_MACHINE := virt,gic-version=2
BOARD_QEMU_FLAGS := -cpu cortex-a72 -smp 4 -m 1G
BOARD_CPUS := 4
# How `make run` boots: uboot (U-Boot as -bios, kernel over fw_cfg) or direct (-kernel).
BOARD_RUN_BOOT := uboot
BOARD_UBOOT := /usr/lib/u-boot/qemu_arm64/u-boot.bin
# Where QEMU's -kernel puts the image (RAM base + 2 MiB): make debug's symbol offset.
BOARD_DIRECT_LOAD_PA := 0x40200000
