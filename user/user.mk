# --- user programs and the bootfs ------------------------------------------------
# Included by the Makefile. Every user/programs/X.c is program "X", every
# tests/user/X.c is "test-X", and PROGRAM=file.c or PROGRAM=dir (all its .c files)
# is "main", the one `make run PROGRAM=...` starts (PROGRAM_CFLAGS=... adds flags to
# its compile: make soak's parameters). Each links to $(B)/user/NAME.elf;
# all of them go into $(B)/bootfs.o, which the kernel link includes ($(BOOTFS_OBJ)).
# User code is board-independent but lives under $(B) for simplicity.

# -mno-outline-atomics: libgcc's LSE detection needs getauxval, which no libc here has.
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pie -no-pie \
  -nostdinc -isystem $(NEWLIB_USER)/include -isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
  -mno-outline-atomics -Iinclude -fno-stack-protector -fno-omit-frame-pointer -MMD -MP
# Benchmark programs leave FP/SIMD alone, so the kernel's lazy FP/SIMD switching treats
# every path alike; thread-yield-rt-fpsimd measures threads that do use it.
BENCH_USER_CFLAGS := -mgeneral-regs-only
USER_LDFLAGS := -static -nostdlib -z max-page-size=4096 -z noexecstack -T user/lib/user.ld
USER_LIBS := $(NEWLIB_USER)/lib/libc.a $(NEWLIB_USER)/lib/libm.a $(LIBGCC)
# crt0.o first: _start opens .text, so it sits at 0x400000.
USER_RT_OBJS := $(patsubst %,$(B)/user/lib/%.o,crt0 runtime newlib_glue locks syscall_stubs)
# The library behind include/janus-user/ (the bootfs, janus_launch): an archive, so a
# program links only what it uses.
USER_LIB_A := $(B)/user/lib/libjanus-user.a
USER_LIBS += $(USER_LIB_A)

# Programs: name -> sources.
USER_PROGRAMS := $(patsubst user/programs/%.c,%,$(wildcard user/programs/*.c)) \
  $(patsubst tests/user/%.c,test-%,$(wildcard tests/user/*.c))
$(foreach p,$(wildcard user/programs/*.c),$(eval USER_SRCS_$(notdir $(p:.c=)) := $(p)))
$(foreach p,$(wildcard tests/user/*.c),$(eval USER_SRCS_test-$(notdir $(p:.c=)) := $(p)))
# Bench flavors add every user/bench/X.c as "bench-X", linked with the harness in
# user/bench/lib (docs/benchmarks.md).
ifeq ($(KCONFIG_BENCH),1)
USER_PROGRAMS += $(patsubst user/bench/%.c,bench-%,$(wildcard user/bench/*.c))
$(foreach p,$(wildcard user/bench/*.c),$(eval USER_SRCS_bench-$(notdir $(p:.c=)) := $(p) $(wildcard user/bench/lib/*.c)))
endif
ifneq ($(PROGRAM),)
USER_SRCS_main := $(if $(wildcard $(PROGRAM)/.),$(sort $(wildcard $(PROGRAM)/*.c)),$(wildcard $(PROGRAM)))
ifeq ($(USER_SRCS_main),)
$(error PROGRAM=$(PROGRAM): no such file, or a directory without .c files)
endif
USER_PROGRAMS += main
endif
USER_ELFS := $(patsubst %,$(B)/user/%.elf,$(USER_PROGRAMS))

# Shared prototypes: programs whose source says "// janus: shared-prototype" (and
# PROGRAM=... SHARED=1) are linked into the shared window; the kernel starts them
# as the first process of a new shared group, their image in the group's window.
SHARED_IMAGE_BASE := 0xffff000000400000
USER_SHARED_PROGRAMS := $(foreach p,$(USER_PROGRAMS),$(if $(filter main,$(p)),$(if $(filter 1,$(SHARED)),main),$(if $(shell grep -l '^// janus: shared-prototype' $(USER_SRCS_$(p)) 2>/dev/null),$(p))))
BOOTFS_OBJ := $(B)/bootfs.o

.PHONY: user
user: $(USER_ELFS) $(BOOTFS_OBJ)

# Changed flags rebuild every user object (as $(B)/cflags does for the kernel).
$(B)/user/cflags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_CFLAGS) $(BENCH_USER_CFLAGS)' | cmp -s - $@ || echo '$(USER_CFLAGS) $(BENCH_USER_CFLAGS)' > $@

$(B)/user/lib/%.o: user/lib/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<
$(B)/user/lib/%.o: user/lib/%.S $(B)/user/cflags
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<
# Portable code the kernel shares (lib/): built again for user space.
$(B)/user/lib/%.o: lib/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<
$(USER_LIB_A): $(patsubst %,$(B)/user/lib/%.o,bootfs launch elf_check)
	rm -f $@
	$(CROSS)ar rcs $@ $^

# One program: objects in $(B)/user/NAME/, by source file name. NAME.srcs records
# the source list, so a different PROGRAM= recompiles and relinks "main".
define user_program
$(B)/user/$(1).srcs: FORCE
	@mkdir -p $$(dir $$@)
	@echo '$(2) $(if $(filter $(1),$(USER_SHARED_PROGRAMS)),shared) $(if $(filter main,$(1)),$(PROGRAM_CFLAGS))' | cmp -s - $$@ || echo '$(2) $(if $(filter $(1),$(USER_SHARED_PROGRAMS)),shared) $(if $(filter main,$(1)),$(PROGRAM_CFLAGS))' > $$@
$(foreach s,$(2),
$(B)/user/$(1)/$(basename $(notdir $(s))).o: $(s) $(B)/user/cflags $(B)/user/$(1).srcs
	@mkdir -p $$(dir $$@)
	$$(CC) $$(USER_CFLAGS) $(if $(filter bench-%,$(1)),$$(BENCH_USER_CFLAGS)) $(if $(filter main,$(1)),$$(PROGRAM_CFLAGS)) -c -o $$@ $$<
)
$(B)/user/$(1).elf: $(USER_RT_OBJS) $(patsubst %,$(B)/user/$(1)/%.o,$(basename $(notdir $(2)))) \
    $(B)/user/$(1).srcs user/lib/user.ld $(USER_LIBS)
	$$(LD) $$(USER_LDFLAGS) $(if $(filter $(1),$(USER_SHARED_PROGRAMS)),--defsym=__janus_image_base=$(SHARED_IMAGE_BASE)) -o $$@ $(USER_RT_OBJS) $(patsubst %,$(B)/user/$(1)/%.o,$(basename $(notdir $(2)))) \
	  --start-group $$(USER_LIBS) --end-group
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call user_program,$(p),$(USER_SRCS_$(p)))))

# The bootfs: every program of this build, under its name. bootfs.list changes
# only when that set does, so adding or removing a program regenerates it.
$(B)/bootfs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_PROGRAMS)' | cmp -s - $@ || echo '$(USER_PROGRAMS)' > $@
$(B)/bootfs.S: $(USER_ELFS) $(B)/bootfs.list tools/gen-bootfs.sh
	sh tools/gen-bootfs.sh $(foreach p,$(USER_PROGRAMS),$(p)=$(B)/user/$(p).elf) > $@.tmp
	mv $@.tmp $@
$(BOOTFS_OBJ): $(B)/bootfs.S
	$(CC) -c -o $@ $<

-include $(wildcard $(B)/user/*/*.d $(B)/user/lib/*.d)

# The Makefile's link rules come before this file is included, so their prerequisite
# lists saw BOOTFS_OBJ empty (only the recipes, expanded later, see it): add it here.
$(B)/kernel.pass1.elf: $(BOOTFS_OBJ)
