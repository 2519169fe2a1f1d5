# --- user programs and the bootfs ------------------------------------------------
# Included by the Makefile. Every user/programs/X.c is program "X", every
# tests/user/X.c is "test-X", and PROGRAM=file.c or PROGRAM=dir (all its .c files)
# is "main", the one `make run PROGRAM=...` starts (PROGRAM_CFLAGS=... adds flags to
# its compile: make soak's parameters). Each links to $(B)/user/NAME.elf;
# all of them, and the list files below, go into $(B)/bootfs.o, which the kernel link
# includes ($(BOOTFS_OBJ)).
# User code is board-independent but lives under $(B) for simplicity.

# -mno-outline-atomics: libgcc's LSE detection needs getauxval, which no libc here has.
USER_BASE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding -fno-pie -no-pie \
  -nostdinc -isystem $(NEWLIB_USER)/include -isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
  -mno-outline-atomics -Iinclude -fno-stack-protector -fno-omit-frame-pointer -MMD -MP
# The project's own programs, tests and runtime: warnings are errors. A user's
# PROGRAM= gets the same warnings as warnings, then USER_CFLAGS (the user's own flags,
# e.g. USER_CFLAGS="-O0 -Werror -DDEBUG").
PROJECT_USER_CFLAGS := $(USER_BASE_CFLAGS) -Werror
USER_CFLAGS ?=
# Benchmark programs leave FP/SIMD alone, so the kernel's lazy FP/SIMD switching treats
# every path alike; thread-yield-rt-fpsimd measures threads that do use it.
BENCH_USER_CFLAGS := -mgeneral-regs-only
USER_LDFLAGS := -static -nostdlib -z max-page-size=4096 -z noexecstack -T user/lib/user.ld
USER_LIBS := $(NEWLIB_USER)/lib/libc.a $(NEWLIB_USER)/lib/libm.a $(LIBGCC)
# crt0.o first: _start opens .text, so it sits at 0x400000.
USER_RT_OBJS := $(patsubst %,$(B)/user/lib/%.o,crt0 runtime ticks newlib_glue locks syscall_stubs)
# The library behind include/janus-user/ (the bootfs, janus_launch): an archive, so a
# program links only what it uses.
USER_LIB_A := $(B)/user/lib/libjanus-user.a
USER_LIBS += $(USER_LIB_A)

# Programs: name -> sources.
USER_PROGRAMS := $(patsubst user/programs/%.c,%,$(wildcard user/programs/*.c)) \
  $(patsubst tests/user/%.c,test-%,$(wildcard tests/user/*.c))
$(foreach p,$(wildcard user/programs/*.c),$(eval USER_SRCS_$(notdir $(p:.c=)) := $(p)))
$(foreach p,$(wildcard tests/user/*.c),$(eval USER_SRCS_test-$(notdir $(p:.c=)) := $(p)))
# The kernel starts "init" and nothing else: which program that is, and so what runs,
# is the flavor's choice. Test builds: the user suite's runner, which runs the
# programs bootfs file suite.list names (tests/user/suite.list, then every
# tests/user/X.c as "test-X"). Bench flavors add every user/bench/X.c as "bench-X",
# linked with the harness in user/bench/lib; their init is the benchmark runner, which
# runs the programs bootfs file bench.list names, in that order (docs/benchmarks.md).
# BENCH_RING=2,16,... builds other ring sizes into bench-ring. Other builds: init is
# user/programs/init.c.
BOOTFS_FILES :=
ifeq ($(KCONFIG_SELFTEST),1)
USER_SRCS_init := tests/user/runner/init.c
# Too slow for every run: only janus.user=NAME runs these (tools/test.sh does, alone).
SUITE_OPT_IN := test-kill_races
# A LINUX=1 test build runs the Linux suite (test-linux) instead of tests/user.
SUITE_TESTS := $(if $(filter 1,$(LINUX)),test-linux,\
  $(filter-out $(SUITE_OPT_IN),$(patsubst tests/user/%.c,test-%,$(wildcard tests/user/*.c))))
# Every user/programs/fault*.c must die of its own fault while the kernel carries on.
SUITE_FAULTS := $(patsubst user/programs/%.c,%,$(wildcard user/programs/fault*.c))
BOOTFS_FILES += suite.list=$(B)/suite.list
$(B)/suite.list: tests/user/suite.list FORCE
	@mkdir -p $(dir $@)
	@{ grep -v '^#' $<; printf '%s killed\n' $(SUITE_FAULTS); printf '%s 0\n' $(SUITE_TESTS); } > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
endif
ifeq ($(FLAVOR_BENCH),1)
BENCH_PROGRAMS := $(patsubst user/bench/%.c,bench-%,$(wildcard user/bench/*.c))
USER_PROGRAMS += $(BENCH_PROGRAMS)
$(foreach p,$(wildcard user/bench/*.c),$(eval USER_SRCS_bench-$(notdir $(p:.c=)) := $(p) $(wildcard user/bench/lib/*.c)))
USER_SRCS_init := user/bench/runner/init.c
USER_CFLAGS_init := -DBENCH_QEMU_ICOUNT=$(if $(filter bench,$(FLAVOR)),1,0)
USER_CFLAGS_bench-ring := $(if $(BENCH_RING),-DBENCH_RING_SIZES=$(BENCH_RING))
BOOTFS_FILES += bench.list=$(B)/bench.list
$(B)/bench.list: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(BENCH_PROGRAMS) > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
endif
ifneq ($(PROGRAM),)
USER_SRCS_main := $(if $(wildcard $(PROGRAM)/.),$(sort $(wildcard $(PROGRAM)/*.c)),$(wildcard $(PROGRAM)))
ifeq ($(USER_SRCS_main),)
$(error PROGRAM=$(PROGRAM): no such file, or a directory without .c files)
endif
USER_PROGRAMS += main
endif
# The Linux personality (user/linux, README "Linux programs"): a shared prototype
# built from that folder, with its file system image ("linux-root") and command line
# ("linux-cmd") beside it in the bootfs, in LINUX=1 builds. It is "main" in `make
# linux` builds (init starts it); a test build with LINUX=1 runs it as "test-linux"
# with the Linux suite, instead of tests/user (the kernel checks it leaks nothing).
ifeq ($(LINUX),1)
LINUX_PROGRAM_NAME := $(if $(filter 1,$(KCONFIG_SELFTEST)),test-linux,main)
USER_PROGRAMS := $(filter-out test-%,$(USER_PROGRAMS))
USER_PROGRAMS += $(LINUX_PROGRAM_NAME)
USER_SRCS_$(LINUX_PROGRAM_NAME) := $(sort $(wildcard user/linux/*.c user/linux/*.S))
LINUX_SHARED := $(LINUX_PROGRAM_NAME)
include user/linux/linux.mk
endif
USER_ELFS := $(patsubst %,$(B)/user/%.elf,$(USER_PROGRAMS))

# Shared prototypes: programs whose source says "// janus: shared-prototype" (and
# PROGRAM=... SHARED=1) are linked into the shared window; the kernel starts them
# as the first process of a new shared group, their image in the group's window.
SHARED_IMAGE_BASE := 0xffff000000400000
USER_SHARED_PROGRAMS := $(LINUX_SHARED) $(foreach p,$(filter-out $(LINUX_SHARED),$(USER_PROGRAMS)),$(if $(filter main,$(p)),$(if $(filter 1,$(SHARED)),main),$(if $(shell grep -l '^// janus: shared-prototype' $(USER_SRCS_$(p)) 2>/dev/null),$(p))))
BOOTFS_OBJ := $(B)/bootfs.o

.PHONY: user
user: $(USER_ELFS) $(BOOTFS_OBJ)

# Changed flags rebuild every user object (as $(B)/cflags does for the kernel).
$(B)/user/cflags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PROJECT_USER_CFLAGS) $(BENCH_USER_CFLAGS)' | cmp -s - $@ || echo '$(PROJECT_USER_CFLAGS) $(BENCH_USER_CFLAGS)' > $@

$(B)/user/lib/%.o: user/lib/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(PROJECT_USER_CFLAGS) -c -o $@ $<
$(B)/user/lib/%.o: user/lib/%.S $(B)/user/cflags
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(PROJECT_USER_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<
# Portable code the kernel shares (lib/): built again for user space.
$(B)/user/lib/%.o: lib/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(PROJECT_USER_CFLAGS) -c -o $@ $<
$(USER_LIB_A): $(patsubst %,$(B)/user/lib/%.o,bootfs launch elf_check elf_segment)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(CROSS)ar rcs $@ $^

# One program: objects in $(B)/user/NAME/, by source file name. NAME.srcs records
# the source list (and main's flags), so a different PROGRAM= recompiles and relinks "main".
program_cflags = $(if $(filter main,$(1)),$(USER_BASE_CFLAGS) $(USER_CFLAGS),$(PROJECT_USER_CFLAGS)) \
  $(if $(filter bench-%,$(1)),$(BENCH_USER_CFLAGS))
define user_program
$(B)/user/$(1).srcs: FORCE
	@mkdir -p $$(dir $$@)
	@echo '$(2) $(if $(filter $(1),$(USER_SHARED_PROGRAMS)),shared) $(if $(filter main,$(1)),$(USER_CFLAGS) $(PROGRAM_CFLAGS)) $$(USER_CFLAGS_$(1))' | cmp -s - $$@ || echo '$(2) $(if $(filter $(1),$(USER_SHARED_PROGRAMS)),shared) $(if $(filter main,$(1)),$(USER_CFLAGS) $(PROGRAM_CFLAGS)) $$(USER_CFLAGS_$(1))' > $$@
$(foreach s,$(2),
$(B)/user/$(1)/$(basename $(notdir $(s))).o: $(s) $(B)/user/cflags $(B)/user/$(1).srcs
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$<)
	$(Q)$$(CC) $$(call program_cflags,$(1)) $$(USER_CFLAGS_$(1)) $(if $(filter main,$(1)),$$(PROGRAM_CFLAGS)) -c -o $$@ $$<
)
$(B)/user/$(1).elf: $(USER_RT_OBJS) $(patsubst %,$(B)/user/$(1)/%.o,$(basename $(notdir $(2)))) \
    $(B)/user/$(1).srcs user/lib/user.ld $(USER_LIBS)
	$$(call say,LD,$$@)
	$(Q)$$(LD) $$(USER_LDFLAGS) $(if $(filter $(1),$(USER_SHARED_PROGRAMS)),--defsym=__janus_image_base=$(SHARED_IMAGE_BASE)) -o $$@ $(USER_RT_OBJS) $(patsubst %,$(B)/user/$(1)/%.o,$(basename $(notdir $(2)))) \
	  --start-group $$(USER_LIBS) --end-group
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call user_program,$(p),$(USER_SRCS_$(p)))))

# The bootfs: every program of this build, under its name, then BOOTFS_FILES
# (NAME=FILE). bootfs.list changes only when that set does, so adding or removing a
# file regenerates it.
$(B)/bootfs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_PROGRAMS) $(BOOTFS_FILES)' | cmp -s - $@ || echo '$(USER_PROGRAMS) $(BOOTFS_FILES)' > $@
$(B)/bootfs.S: $(USER_ELFS) $(B)/bootfs.list tools/gen-bootfs.sh $(foreach f,$(BOOTFS_FILES),$(lastword $(subst =, ,$(f))))
	$(call say,GEN,$@)
	$(Q)sh tools/gen-bootfs.sh $(foreach p,$(USER_PROGRAMS),$(p)=$(B)/user/$(p).elf) $(BOOTFS_FILES) > $@.tmp
	$(Q)mv $@.tmp $@
$(BOOTFS_OBJ): $(B)/bootfs.S
	$(call say,AS,$<)
	$(Q)$(CC) -c -o $@ $<

-include $(wildcard $(B)/user/*/*.d $(B)/user/lib/*.d)

# The Makefile's link rules come before this file is included, so their prerequisite
# lists saw BOOTFS_OBJ empty (only the recipes, expanded later, see it): add it here.
$(B)/kernel.pass1.elf: $(BOOTFS_OBJ)
