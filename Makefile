# Janus: one kernel image per board. `make help` lists the targets.
SHELL := /bin/bash
BOARD ?= qemu-virt
BOARDS := $(notdir $(wildcard board/*))
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error unknown BOARD '$(BOARD)': choose one of $(BOARDS))
endif
include board/$(BOARD)/board.mk

# FLAVOR picks the build: qemu (semihosting exit), test (qemu + self-tests, and the
# user suite as init), hw (real hardware: no semihosting), bench (qemu with the
# benchmark runner as init, docs/benchmarks.md), bench-hw (the same for real hardware).
# The kernel of bench flavors is the qemu/hw kernel: only the boot filesystem differs.
FLAVOR ?= qemu
FLAVORS := qemu test hw bench bench-hw
ifeq ($(filter $(FLAVOR),$(FLAVORS)),)
$(error unknown FLAVOR '$(FLAVOR)': choose one of $(FLAVORS))
endif
KCONFIG_SEMIHOSTING := $(if $(filter hw bench-hw,$(FLAVOR)),0,1)
KCONFIG_SELFTEST := $(if $(filter test,$(FLAVOR)),1,0)
FLAVOR_BENCH := $(if $(filter bench bench-hw,$(FLAVOR)),1,0)

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
B := build/$(BOARD)/$(FLAVOR)$(if $(filter-out 0,$(ASID_BITS)),-asid$(ASID_BITS))$(if $(filter off,$(ASID)),-asidoff)$(if $(filter 1,$(LINUX)),-linux)
# newlib builds live under a hash of their recipe: a changed tools/newlib.sh builds
# anew beside the old build, and checkouts of other branches (or worktrees sharing
# build/newlib) never rebuild or delete each other's.
NEWLIB_DIR := build/newlib/$(shell sha1sum < tools/newlib.sh | cut -c1-12)
NEWLIB_KERNEL := $(NEWLIB_DIR)/kernel
NEWLIB_USER := $(NEWLIB_DIR)/user
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

# Quiet by default: one short line per step, as Linux's Kbuild prints; V=1 shows
# every command in full.
V ?= 0
ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-8s %s\n' '$(1)' '$(2)'
endif
# make's own "Entering directory" lines add nothing for a single tree.
MAKEFLAGS += --no-print-directory

.DEFAULT_GOAL := all
.PHONY: all help deps run test bench bench-linux debug sdcard clean image check-image host-test compdb \
  format format-check linux soak fuzz
all: deps
	@$(MAKE) --no-print-directory image

# Every target and every variable a user sets, one line each (tools/test.sh checks
# that nothing .PHONY or set with ?= is missing here).
help:
	@echo "Targets:"
	@echo "  all             deps, then image (the default)"
	@echo "  run             build, boot under QEMU, run the demo or PROGRAM; one line says how it ended"
	@echo "  test            every test on both boards; the last line is 'N passed, N failed'"
	@echo "  debug           QEMU waiting for gdb on 127.0.0.1:GDB_PORT, and the gdb command line"
	@echo "  sdcard          BOARD=rpi4 only: build/rpi4/sdcard.img with the Pi firmware, to flash"
	@echo "  soak            random-syscall soak on 4 CPUs (-icount), SOAK_SECONDS of virtual time"
	@echo "  fuzz            libFuzzer on the host: device tree, ELF checks, handle table, VMAR ranges, syscall checks"
	@echo "  fuzz-deps, fuzz-run, fuzz-replay   make fuzz's steps: install clang, search, replay the corpus"
	@echo "  bench           benchmarks: QEMU table, CSVs and plot; BOARD=rpi4: SD-card images"
	@echo "  bench-linux     one static Linux program timed on Debian's Linux kernel and on Janus's personality"
	@echo "  linux           Janus booting into BusyBox's sh (the Linux personality); CMD or PROGRAM runs one; make exits with its status"
	@echo "  deps            install the tools (Debian packages, Pi firmware, newlib: minutes the first time)"
	@echo "  image           the kernel image of BOARD and FLAVOR only"
	@echo "  check-image     check the image's header, relocations and that it uses no FP/SIMD"
	@echo "  user            the user programs and the boot filesystem only"
	@echo "  host-test       the host unit tests (sanitizers on)"
	@echo "  host-ksyms-check, host-asid-mutant   checks of tools/gen-ksyms.sh and of the ASID model"
	@echo "  host-asid-bench the ASID allocator benchmark (docs/asid.md)"
	@echo "  compdb          compile_commands.json for editors (clangd)"
	@echo "  format          clang-format every tracked C file in place"
	@echo "  format-check    fail if a C file is not as clang-format leaves it (part of make test)"
	@echo "  clean           remove build/ outputs except deps/ and newlib/"
	@echo "  help            this list"
	@echo "Variables (make VAR=value ...):"
	@echo "  BOARD=qemu-virt|rpi4      the machine (default qemu-virt)"
	@echo "  FLAVOR=qemu|test|hw|bench|bench-hw   what the image is for (default qemu)"
	@echo "  PROGRAM=file.c|dir        your program, run instead of the demo"
	@echo "  SHARED=1                  link PROGRAM into the shared window and start it as a prototype"
	@echo "  USER_CFLAGS=...           extra compiler flags for PROGRAM (e.g. -Werror, -O0)"
	@echo "  QEMU_TIMEOUT=60           seconds before a QEMU run is stopped"
	@echo "  ASID=on|off               ASID tagging, or ASID 0 and a flush on every switch"
	@echo "  ASID_BITS=0|1..16         use only N-bit ASIDs (0: the CPU's width)"
	@echo "  SDCARD_BOOT=direct|uboot  how the Pi firmware starts Janus on the card"
	@echo "  GDB_PORT=1234             make debug's gdb port"
	@echo "  BENCH_RING=2,16,...       ring sizes of the bench sweep"
	@echo "  BENCH_MEMORY=4G           QEMU RAM for make bench"
	@echo "  CMD='ls -l /bin'          make linux: run this under /bin/sh -c, then power off"
	@echo "  PROGRAM=file ARGS='...'   make linux: run a static Linux arm64 program instead"
	@echo "  LINUX_ROOT=dir            make linux: add dir's files to the Linux file system"
	@echo "  LINUX=1                   make sdcard BOARD=rpi4: a card that boots into BusyBox's sh"
	@echo "  LINUX_TESTS=1             make linux: put the Linux test programs in /tests"
	@echo "  SOAK_SECONDS=60 SOAK_SEED=0x...   make soak: its length and seed (printed; repeat one)"
	@echo "  FUZZ_SECONDS=60           make fuzz: seconds per target"
	@echo "  PROGRAM_CFLAGS=...        extra flags for PROGRAM's compile (make soak passes its parameters so)"
	@echo "  V=1                       show every command in full"
	@echo "  HOST_CC=cc                the host compiler for host tests"

# --- dependencies ---------------------------------------------------------------
deps: $(DEPS_STAMP) $(NEWLIB_KERNEL)/lib/libc.a $(NEWLIB_USER)/lib/libc.a
$(DEPS_STAMP): tools/deps.sh
	$(Q)bash tools/deps.sh
	@touch $@
$(NEWLIB_KERNEL)/lib/libc.a $(NEWLIB_USER)/lib/libc.a: $(NEWLIB_DIR)/%/lib/libc.a: | $(DEPS_STAMP)
	$(Q)bash tools/newlib.sh $* $(NEWLIB_DIR)/$*

# --- the kernel -------------------------------------------------------------------
image: $(B)/$(BOARD_IMAGE_NAME) check-image

$(B)/generated/asm_offsets.h: arch/arm64/asm_offsets.c $(wildcard arch/arm64/include/arch/*.h) \
  include/zircon/syscalls.def core/syscalls/syscall_table.h
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MF $@.d -MT $@ -S -o $@.s $<
	$(Q)sed -n 's/.*->\([A-Z_0-9]*\) #*\(-*[0-9]*\).*/#define \1 \2/p' $@.s > $@.tmp
	$(Q)(echo "// Generated from $< by the Makefile: struct offsets for assembly."; echo "#pragma once"; cat $@.tmp) > $@
	$(Q)rm -f $@.tmp $@.s

# Objects depend on the flags they were built with: a changed flag rebuilds them.
$(B)/cflags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(KERNEL_CFLAGS)' | cmp -s - $@ || echo '$(KERNEL_CFLAGS)' > $@
FORCE:

$(B)/%.c.o: %.c $(B)/cflags | $(B)/generated/asm_offsets.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(if $(findstring /boot/,$<),$(BOOT_CFLAGS)) -c -o $@ $<
$(B)/%.S.o: %.S $(B)/cflags | $(B)/generated/asm_offsets.h
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

# Two links: the first with an empty symbol table, the second with the table made
# from the first. The table sits after .text, so function addresses do not move.
$(B)/ksyms0.S:
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)sh tools/gen-ksyms.sh < /dev/null > $@
$(B)/ksyms.S: $(B)/kernel.pass1.elf tools/gen-ksyms.sh
	$(call say,GEN,$@)
	$(Q)$(NM) -n -S --defined-only $< | sh tools/gen-ksyms.sh > $@
$(B)/ksyms0.o $(B)/ksyms.o: %.o: %.S
	$(call say,AS,$<)
	$(Q)$(CC) -c -o $@ $<
$(B)/kernel.pass1.elf: $(KERNEL_OBJS) $(BOOTFS_OBJ) $(B)/ksyms0.o arch/arm64/kernel.ld $(KERNEL_LIBS)
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BOOTFS_OBJ) $(B)/ksyms0.o --start-group $(KERNEL_LIBS) --end-group
$(B)/kernel.elf: $(B)/kernel.pass1.elf $(B)/ksyms.o
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BOOTFS_OBJ) $(B)/ksyms.o --start-group $(KERNEL_LIBS) --end-group
	@cmp -s <($(NM) -n $< | grep ' [Tt] ') <($(NM) -n $@ | grep ' [Tt] ') || \
	  { echo "kernel.elf: function addresses moved between the two links"; exit 1; }
$(B)/$(BOARD_IMAGE_NAME): $(B)/kernel.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -O binary $< $@

check-image: $(B)/$(BOARD_IMAGE_NAME)
	@bash tools/check-image.sh $(B)/kernel.elf $(B)/$(BOARD_IMAGE_NAME)

# --- running --------------------------------------------------------------------
QEMU_TIMEOUT ?= 60
# SDCARD_BOOT: direct (the firmware loads Janus) or uboot (it loads U-Boot, which loads Janus).
SDCARD_BOOT ?= direct
run: deps
	@$(MAKE) --no-print-directory image
	$(Q)bash tools/qemu-run.sh --board $(BOARD) --boot $(BOARD_RUN_BOOT) --timeout $(QEMU_TIMEOUT) \
	  --image $(B)/$(BOARD_IMAGE_NAME) --expect-exit 0

# The Linux personality (README "Linux programs"): `make linux` boots into BusyBox's
# sh on the serial console; CMD='...' runs one command line under /bin/sh -c and
# PROGRAM=static-binary ARGS='...' one program; make exits with its status (128 + N
# for a death by signal N). LINUX_ROOT=folder adds files. The image is built with
# LINUX=1 (its own build folder); PROGRAM becomes LINUX_PROGRAM there.
# make's own status is the command's: tools/make_exit.c, loaded only for this goal,
# gives make $(janus-exit-with N); without it (no host cc) make fails with 2 instead.
LINUX_STATUS := build/$(BOARD)/linux-status
ifneq ($(filter linux,$(MAKECMDGOALS)),)
-load build/host/make_exit.so(janus_make_exit_setup)
endif
build/host/make_exit.so: tools/make_exit.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -shared -fPIC -O2 -Wall -Wextra -Werror -o $@ $<
linux: $(LINUX_STATUS)
	@$(janus-exit-with $(file <$(LINUX_STATUS)))exit $(file <$(LINUX_STATUS))
$(LINUX_STATUS): deps FORCE
	@$(MAKE) --no-print-directory LINUX=1 LINUX_PROGRAM="$(PROGRAM)" PROGRAM= image
	@rm -f $@
	@bash tools/linux-run.sh --board $(BOARD) --image build/$(BOARD)/$(FLAVOR)$(if $(filter-out 0,$(ASID_BITS)),-asid$(ASID_BITS))$(if $(filter off,$(ASID)),-asidoff)-linux/$(BOARD_IMAGE_NAME) \
	  --timeout $(QEMU_TIMEOUT) $(if $(CMD)$(PROGRAM),,--interactive) --status-file $@ || [ -s $@ ]

GDB_PORT ?= 1234
debug: deps
	@$(MAKE) --no-print-directory image $(B)/debug.gdb
	@echo "In another terminal: gdb-multiarch -ex 'target remote 127.0.0.1:$(GDB_PORT)' -x $(B)/debug.gdb"
	@echo "  then e.g. 'hbreak kernel_main' and 'continue' (hbreak: until the MMU is on, gdb cannot"
	@echo "  write software breakpoints at the kernel's upper-half addresses)"
	$(Q)bash tools/qemu-run.sh --board $(BOARD) --boot direct --image $(B)/$(BOARD_IMAGE_NAME) --gdb $(GDB_PORT)

# The kernel is linked at 0 and runs at KERNEL_PHYSMAP_BASE + its load address: gdb
# gets the symbols at that offset (a direct -kernel boot, as make debug does).
PHYSMAP_BASE := $(shell sed -n 's/^\#define KERNEL_PHYSMAP_BASE \(0x[0-9a-fA-F]*\)UL.*/\1/p' \
  arch/arm64/include/arch/memory_map.h)
$(B)/debug.gdb: $(B)/kernel.elf board/$(BOARD)/board.mk arch/arm64/include/arch/memory_map.h
	$(call say,GEN,$@)
	$(Q)printf '# make debug: the kernel'"'"'s symbols where it runs after relocating itself\nset confirm off\nadd-symbol-file %s -o 0x%x\nset confirm on\n' \
	  $(B)/kernel.elf $$(( $(PHYSMAP_BASE) + $(BOARD_DIRECT_LOAD_PA) )) > $@

# Only a Pi boots from a card: say so before building anything.
ifneq ($(filter sdcard,$(MAKECMDGOALS)),)
ifneq ($(BOARD),rpi4)
$(error make sdcard is for the Raspberry Pi 4: run make sdcard BOARD=rpi4)
endif
endif
sdcard: deps
	@bash tools/sdcard.sh --check-firmware
	@$(MAKE) --no-print-directory FLAVOR=hw image
	$(Q)bash tools/sdcard.sh $(BOARD) build/$(BOARD)/hw$(if $(filter 1,$(LINUX)),-linux)/$(BOARD_IMAGE_NAME) build/$(BOARD)/sdcard.img $(SDCARD_BOOT)

test: deps
	$(Q)bash tools/test.sh

# The random-syscall soak (tests/user/soak.c, docs/robustness.md): SOAK_SECONDS of
# virtual time on 4 CPUs under QEMU -icount, so a seed (printed; SOAK_SEED=0x... to
# repeat one) replays the same run: it also seeds QEMU (-seed), whose device tree's
# rng-seed would otherwise give the kernel's CPRNG, and so VMAR placement, new entropy. make test runs a short, operation-bounded one.
# The timeout only catches hangs: a virtual second took 40 s of a busy 2-core host
# (seed 0x1234 for 10 s: 12 million calls, 43,000 processes started and killed).
SOAK_SECONDS ?= 60
ifeq ($(SOAK_SEED),)
SOAK_SEED := 0x$(shell od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
endif
# A test kernel runs it as program "main" (in the root job, which JANUS_INFO_KMEM_STATS
# needs, with the runner's leak check after it).
soak: deps
	@$(MAKE) --no-print-directory FLAVOR=test PROGRAM=tests/user/soak.c \
	  PROGRAM_CFLAGS="-DSOAK_SEED=$(SOAK_SEED)ull -DSOAK_OPS=0 -DSOAK_SECONDS=$(SOAK_SECONDS)" image
	bash tools/qemu-run.sh --board $(BOARD) --image build/$(BOARD)/test/$(BOARD_IMAGE_NAME) --icount \
	  --append "janus.user=main kernel.enable-debugging-syscalls=true" --timeout $$(( $(SOAK_SECONDS) * 120 + 600 )) --expect-exit 0 \
	  --qemu-arg -seed --qemu-arg $$(( $(SOAK_SEED) & 0x7fffffff )) \
	  --expect '^soak: [0-9]+ calls' --expect '^PASS user/main '

# The benchmarks (docs/benchmarks.md): on QEMU the ASID, ASID=off and ASID_BITS=4
# builds side by side; BOARD=rpi4 builds SD-card images for a Pi 4. BENCH_RING=2,16,...
# sets the sweep's ring sizes, BENCH_MEMORY=4G QEMU's RAM for large rings.
bench: deps
	$(Q)bash tools/bench.sh --board $(BOARD) $(if $(BENCH_RING),--ring $(BENCH_RING)) \
	  $(if $(BENCH_MEMORY),--memory $(BENCH_MEMORY))

# The same static Linux arm64 program (tests/linux/bench_linux.c) as /init of Debian's
# arm64 kernel and under the Linux personality, both under QEMU virt with the same
# icount flags: one table (docs/benchmarks.md), build/bench-linux/*.csv and a plot.
bench-linux: deps
	$(Q)bash tools/bench-linux.sh

compdb:
	$(Q)bash tools/compdb.sh $(BOARD) compile_commands.json

format:
	$(Q)bash tools/format-check.sh --fix
format-check:
	$(Q)bash tools/format-check.sh

clean:
	$(Q)rm -rf build/qemu-virt build/rpi4 build/host compile_commands.json

include user/user.mk
include tests/host/host.mk
include tests/fuzz/fuzz.mk
-include $(KERNEL_OBJS:.o=.d) $(B)/generated/asm_offsets.h.d
