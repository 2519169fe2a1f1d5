# Janus: one kernel image per board. `make help` lists the targets.
SHELL := /bin/bash
BOARD ?= qemu-virt
BOARDS := $(notdir $(wildcard board/*))
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error unknown BOARD '$(BOARD)': choose one of $(BOARDS))
endif
include board/$(BOARD)/board.mk

# FLAVOR picks the build: qemu (semihosting exit), test (qemu + self-tests),
# hw (real hardware: no semihosting), bench (qemu running every bench-* program,
# docs/benchmarks.md), bench-hw (the same for real hardware).
FLAVOR ?= qemu
FLAVORS := qemu test hw bench bench-hw
ifeq ($(filter $(FLAVOR),$(FLAVORS)),)
$(error unknown FLAVOR '$(FLAVOR)': choose one of $(FLAVORS))
endif
KCONFIG_SEMIHOSTING := $(if $(filter hw bench-hw,$(FLAVOR)),0,1)
KCONFIG_SELFTEST := $(if $(filter test,$(FLAVOR)),1,0)
KCONFIG_BENCH := $(if $(filter bench bench-hw,$(FLAVOR)),1,0)

# ASID_BITS=N uses only N-bit ASIDs (tests force rollovers with 4); ASID=off tags
# everything with ASID 0 and flushes the TLB on every switch (the baseline).
ASID_BITS ?= 0
ASID ?= on
ifeq ($(filter on off,$(ASID)),)
$(error ASID must be on or off)
endif
ifeq ($(shell [ "$(ASID_BITS)" -ge 0 ] 2>/dev/null && [ "$(ASID_BITS)" -le 16 ] && echo ok),)
$(error ASID_BITS must be 0 (the CPU's width) or 1..16)
endif
B := build/$(BOARD)/$(FLAVOR)$(if $(filter-out 0,$(ASID_BITS)),-asid$(ASID_BITS))$(if $(filter off,$(ASID)),-asidoff)
NEWLIB_KERNEL := build/newlib/kernel
NEWLIB_USER := build/newlib/user
DEPS_STAMP := build/deps/.stamp

CROSS := aarch64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
NM := $(CROSS)nm
READELF := $(CROSS)readelf

# Kernel code never touches FP/SIMD registers (-mgeneral-regs-only), so exception
# entry need not save them. -fpie + hidden visibility: PC-relative code that
# relocates itself wherever the loader put it. -mno-outline-atomics: locks use inline
# atomics rather than libgcc helpers that pick LSE through a constructor we never run.
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
  -ffreestanding -fno-builtin -nostdinc -mcpu=cortex-a72 -mgeneral-regs-only \
  -mno-outline-atomics -fpie -include include/janus/visibility.h -fno-stack-protector -fno-omit-frame-pointer \
  -mno-omit-leaf-frame-pointer -ffunction-sections -fdata-sections \
  -isystem $(NEWLIB_KERNEL)/include -isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
  -Iinclude -Iarch/arm64/include -Iboard/$(BOARD) -I$(B)/generated -I. \
  -DBOARD_CPUS=$(BOARD_CPUS) -DKCONFIG_ASID_BITS=$(ASID_BITS) -DKCONFIG_ASID_OFF=$(if $(filter off,$(ASID)),1,0) \
  -DKCONFIG_SEMIHOSTING=$(KCONFIG_SEMIHOSTING) -DKCONFIG_SELFTEST=$(KCONFIG_SELFTEST) \
  -DKCONFIG_BENCH=$(KCONFIG_BENCH) \
  -MMD -MP
# Code that runs before the MMU is on sees Device memory: no unaligned accesses.
BOOT_CFLAGS := -mstrict-align

KERNEL_SRCS := $(wildcard arch/arm64/*.c arch/arm64/*.S arch/arm64/boot/*.c arch/arm64/boot/*.S \
  core/*/*.c lib/*.c drivers/*/*.c) $(if $(filter 1,$(KCONFIG_SELFTEST)),$(wildcard tests/kernel/*.c))
KERNEL_SRCS := $(filter-out arch/arm64/asm_offsets.c,$(KERNEL_SRCS))
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(KERNEL_SRCS))
LIBGCC := $(shell $(CC) -print-libgcc-file-name 2>/dev/null)
KERNEL_LIBS := $(NEWLIB_KERNEL)/lib/libc.a $(LIBGCC)
LDFLAGS := -pie --no-dynamic-linker -z max-page-size=4096 -z noexecstack \
  --gc-sections --no-warn-rwx-segments -nostdlib -T arch/arm64/kernel.ld

.DEFAULT_GOAL := all
.PHONY: all help deps run test bench debug sdcard clean image check-image host-test
all: deps
	@$(MAKE) --no-print-directory image

help:
	@echo "make run [BOARD=qemu-virt|rpi4]   build, boot under QEMU, run the demo"
	@echo "make test                          every test, both boards; ends 'N passed, N failed'"
	@echo "make debug [BOARD=...]             QEMU waiting for gdb on :$(GDB_PORT), and the gdb command line"
	@echo "make sdcard BOARD=rpi4             a FAT image to flash to a Pi 4's SD card"
	@echo "make bench [BOARD=rpi4]            benchmarks: QEMU table, CSVs and plot; or Pi 4 SD images"
	@echo "make deps                          install the tools (Debian packages, newlib)"

# --- dependencies ---------------------------------------------------------------
deps: $(DEPS_STAMP) $(NEWLIB_KERNEL)/lib/libc.a $(NEWLIB_USER)/lib/libc.a
$(DEPS_STAMP): tools/deps.sh
	bash tools/deps.sh
	@touch $@
# newlib is rebuilt only when its recipe or Debian's source tarball change.
$(NEWLIB_KERNEL)/lib/libc.a $(NEWLIB_USER)/lib/libc.a: build/newlib/%/lib/libc.a: tools/newlib.sh | $(DEPS_STAMP)
	bash tools/newlib.sh $* build/newlib/$*

# --- the kernel -------------------------------------------------------------------
image: $(B)/$(BOARD_IMAGE_NAME) check-image

$(B)/generated/asm_offsets.h: arch/arm64/asm_offsets.c $(wildcard arch/arm64/include/arch/*.h) include/zircon/syscalls.def
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -MF $@.d -S -o $@.s $<
	sed -n 's/.*->\([A-Z_0-9]*\) #*\(-*[0-9]*\).*/#define \1 \2/p' $@.s > $@.tmp
	(echo "// Generated from $< by the Makefile: struct offsets for assembly."; echo "#pragma once"; cat $@.tmp) > $@
	rm -f $@.tmp $@.s

# Objects depend on the flags they were built with: a changed flag rebuilds them.
$(B)/cflags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(KERNEL_CFLAGS)' | cmp -s - $@ || echo '$(KERNEL_CFLAGS)' > $@
FORCE:

$(B)/%.c.o: %.c $(B)/cflags | $(B)/generated/asm_offsets.h
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) $(if $(findstring /boot/,$<),$(BOOT_CFLAGS)) -c -o $@ $<
$(B)/%.S.o: %.S $(B)/cflags | $(B)/generated/asm_offsets.h
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

# Two links: the first with an empty symbol table, the second with the table made
# from the first. The table sits after .text, so function addresses do not move.
$(B)/ksyms0.S:
	@mkdir -p $(dir $@)
	sh tools/gen-ksyms.sh < /dev/null > $@
$(B)/ksyms.S: $(B)/kernel.pass1.elf tools/gen-ksyms.sh
	$(NM) -n -S --defined-only $< | sh tools/gen-ksyms.sh > $@
$(B)/ksyms0.o $(B)/ksyms.o: %.o: %.S
	$(CC) -c -o $@ $<
$(B)/kernel.pass1.elf: $(KERNEL_OBJS) $(BOOTFS_OBJ) $(B)/ksyms0.o arch/arm64/kernel.ld $(KERNEL_LIBS)
	$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BOOTFS_OBJ) $(B)/ksyms0.o --start-group $(KERNEL_LIBS) --end-group
$(B)/kernel.elf: $(B)/kernel.pass1.elf $(B)/ksyms.o
	$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BOOTFS_OBJ) $(B)/ksyms.o --start-group $(KERNEL_LIBS) --end-group
	@cmp -s <($(NM) -n $< | grep ' [Tt] ') <($(NM) -n $@ | grep ' [Tt] ') || \
	  { echo "kernel.elf: function addresses moved between the two links"; exit 1; }
$(B)/$(BOARD_IMAGE_NAME): $(B)/kernel.elf
	$(OBJCOPY) -O binary $< $@

check-image: $(B)/$(BOARD_IMAGE_NAME)
	@bash tools/check-image.sh $(B)/kernel.elf $(B)/$(BOARD_IMAGE_NAME)

# --- running --------------------------------------------------------------------
QEMU_TIMEOUT ?= 60
SDCARD_BOOT ?= direct  # direct (firmware loads Janus) or uboot
run: deps
	@$(MAKE) --no-print-directory image
	bash tools/qemu-run.sh --board $(BOARD) --boot $(BOARD_RUN_BOOT) --timeout $(QEMU_TIMEOUT) \
	  --image $(B)/$(BOARD_IMAGE_NAME) --expect-exit 0

GDB_PORT ?= 1234
debug: deps
	@$(MAKE) --no-print-directory image $(B)/debug.gdb
	@echo "In another terminal: gdb-multiarch -ex 'target remote :$(GDB_PORT)' -x $(B)/debug.gdb"
	@echo "  then e.g. 'hbreak kernel_main' and 'continue' (hbreak: until the MMU is on, gdb cannot"
	@echo "  write software breakpoints at the kernel's upper-half addresses)"
	bash tools/qemu-run.sh --board $(BOARD) --boot direct --image $(B)/$(BOARD_IMAGE_NAME) --gdb $(GDB_PORT)

# The kernel is linked at 0 and runs at KERNEL_PHYSMAP_BASE + its load address: gdb
# gets the symbols at that offset (a direct -kernel boot, as make debug does).
PHYSMAP_BASE := $(shell sed -n 's/^\#define KERNEL_PHYSMAP_BASE \(0x[0-9a-fA-F]*\)UL.*/\1/p' \
  arch/arm64/include/arch/memory_map.h)
$(B)/debug.gdb: $(B)/kernel.elf board/$(BOARD)/board.mk arch/arm64/include/arch/memory_map.h
	printf '# make debug: the kernel'"'"'s symbols where it runs after relocating itself\nset confirm off\nadd-symbol-file %s -o 0x%x\nset confirm on\n' \
	  $(B)/kernel.elf $$(( $(PHYSMAP_BASE) + $(BOARD_DIRECT_LOAD_PA) )) > $@

sdcard: deps
	@$(MAKE) --no-print-directory FLAVOR=hw image
	bash tools/sdcard.sh $(BOARD) build/$(BOARD)/hw/$(BOARD_IMAGE_NAME) build/$(BOARD)/sdcard.img $(SDCARD_BOOT)

test: deps
	bash tools/test.sh

# The benchmarks (docs/benchmarks.md): on QEMU the ASID, ASID=off and ASID_BITS=4
# builds side by side; BOARD=rpi4 builds SD-card images for a Pi 4. BENCH_RING=2,16,...
# sets the sweep's ring sizes, BENCH_MEMORY=4G QEMU's RAM for large rings.
bench: deps
	bash tools/bench.sh --board $(BOARD) $(if $(BENCH_RING),--ring $(BENCH_RING)) \
	  $(if $(BENCH_MEMORY),--memory $(BENCH_MEMORY))

clean:
	rm -rf build/qemu-virt build/rpi4 build/host

include user/user.mk
include tests/host/host.mk
-include $(KERNEL_OBJS:.o=.d) $(B)/generated/asm_offsets.h.d
