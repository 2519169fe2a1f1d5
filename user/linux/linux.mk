# The Linux personality's generated files (included by user/user.mk when it is built).
#   $(B)/linux/linux_syscalls.h  Linux's arm64 syscall numbers and names (gen-linux-syscalls.sh)
#   $(B)/linux/root/             the file system's folder: BusyBox and its applet links,
#                                the tests (test builds), PROGRAM, LINUX_ROOT's files
#   $(B)/linux/root.bin          that folder packed (gen-linux-root.sh): bootfs "linux-root"
#   $(B)/linux/cmd               the command line, NUL-separated: bootfs "linux-cmd"
LX := $(B)/linux
BUSYBOX := build/deps/busybox/bin/busybox
LINUX_CC := aarch64-linux-gnu-gcc
# -ffile-prefix-map: the same bytes from every checkout (the debug info names the build
# folder), so make bench-linux's Linux boot, whose timing follows the initramfs's
# size, counts the same wherever it is built.
LINUX_TEST_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -pthread -ffile-prefix-map=$(CURDIR)=.
# Test builds have the tests in /tests; so does `make linux LINUX_TESTS=1` (to run them by hand).
LINUX_TEST_PROGRAMS := $(if $(filter 1,$(KCONFIG_SELFTEST) $(LINUX_TESTS)),$(patsubst tests/linux/%.c,%,$(wildcard tests/linux/*.c)))
# To the recipes as written: a shell's $x in CMD must reach the shell, not make.
export LINUX_CMD := $(value CMD)
export LINUX_ARGS := $(value ARGS)
export LINUX_ROOT LINUX_PROGRAM

$(LX)/linux_syscalls.h: tools/gen-linux-syscalls.sh
	@mkdir -p $(dir $@)
	sh tools/gen-linux-syscalls.sh $(LINUX_CC) > $@.tmp
	mv $@.tmp $@
USER_CFLAGS_$(LINUX_PROGRAM_NAME) += -I$(LX)
$(patsubst %,$(B)/user/$(LINUX_PROGRAM_NAME)/%.o,$(basename $(notdir $(USER_SRCS_$(LINUX_PROGRAM_NAME))))): \
  | $(LX)/linux_syscalls.h

# The Linux test programs (tests/linux): static glibc programs, as a user would build them.
$(LX)/tests/%: tests/linux/%.c tests/linux/linux_test.h
	@mkdir -p $(dir $@)
	$(LINUX_CC) $(LINUX_TEST_CFLAGS) -o $@ $<

# The folder is staged anew each time; manifest changes only when a file's name, kind
# or bytes do, and only then is the image packed again.
$(LX)/manifest: FORCE $(BUSYBOX) tools/stage-linux-root.sh $(patsubst %,$(LX)/tests/%,$(LINUX_TEST_PROGRAMS))
	@bash tools/stage-linux-root.sh $(LX)/root $(BUSYBOX) "$(if $(LINUX_TEST_PROGRAMS),$(LX)/tests tests/linux)" > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp
$(LX)/root.bin: $(LX)/manifest tools/gen-linux-root.sh
	sh tools/gen-linux-root.sh $(LX)/root > $(LX)/root.S
	$(CC) -c -o $(LX)/root.o $(LX)/root.S
	$(OBJCOPY) -O binary -j .rodata $(LX)/root.o $@

# The command: CMD under /bin/sh -c; PROGRAM (as /bin/<its name>) with ARGS; in test
# builds the suite's script; else an interactive /bin/sh.
$(LX)/cmd: FORCE
	@mkdir -p $(dir $@)
	@{ if [ "$(KCONFIG_SELFTEST)" = 1 ]; then printf '%s\0' /bin/sh /tests/run.sh; \
	  elif [ -n "$$LINUX_PROGRAM" ]; then printf '%s\0' "/bin/$$(basename "$$LINUX_PROGRAM")" $$LINUX_ARGS; \
	  elif [ -n "$$LINUX_CMD" ]; then printf '%s\0' /bin/sh -c "$$LINUX_CMD"; \
	  else printf '%s\0' /bin/sh -i; fi; } > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

BOOTFS_FILES += linux-root=$(LX)/root.bin linux-cmd=$(LX)/cmd
