# Raspberry Pi 4 Model B (BCM2711, 4x Cortex-A72, GIC-400). Under QEMU: raspi4b,
# which boots kernel8.img directly the way the Pi firmware does.
BOARD_IMAGE_NAME := kernel8.img
BOARD_QEMU_MACHINE := raspi4b
# The device tree without the nodes raspi4b does not model (tools/qemu-dtb.sh, made by
# make deps); the SD card gets Debian's original.
BOARD_QEMU_FLAGS := -dtb build/deps/dtb/bcm2711-rpi-4-b-qemu.dtb
BOARD_CPUS := 4
BOARD_RUN_BOOT := direct
BOARD_UBOOT := build/deps/u-boot-rpi/rpi_4/u-boot.bin
# Where raspi4b (and the Pi firmware, kernel_address default) puts kernel8.img: make
# debug's symbol offset.
BOARD_DIRECT_LOAD_PA := 0x200000
