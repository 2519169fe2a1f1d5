# Host unit tests of portable code, built with the sanitizers. Included by the Makefile.
# Portable sources under test (they must not touch system registers):
HOST_UNDER_TEST := core/fdt.c core/bootinfo.c core/pmm.c core/ksyms.c arch/arm64/esr.c core/object.c core/handle_table.c core/vm_range.c core/asid.c
HOST_TEST_SRCS := $(wildcard tests/host/*.c)
HOST_BIN := build/host/runner
HOST_CC ?= cc
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
  -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DJANUS_HOST -DASID_DEBUG_CHECKS \
  -Iinclude -Itests/host/fake_arch -Iarch/arm64/include -Itests/host -I.

$(HOST_BIN): $(HOST_TEST_SRCS) $(HOST_UNDER_TEST) $(wildcard tests/host/*.h include/*/*.h include/*/*/*.h include/*/*.def core/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(HOST_TEST_SRCS) $(HOST_UNDER_TEST)

.PHONY: host-test
host-test: $(HOST_BIN)
	$(HOST_BIN)

# The ASID model must catch an allocator that skips the post-rollover local flush.
.PHONY: host-asid-mutant
host-asid-mutant: tests/host/runner.c tests/host/test_asid_model.c core/asid.c core/asid.h
	@mkdir -p build/host
	$(HOST_CC) $(HOST_CFLAGS) -DASID_TEST_SKIP_ROLLOVER_FLUSH -o build/host/asid_mutant $(filter %.c,$^)
	! build/host/asid_mutant asid_model_no_stale

# tools/gen-ksyms.sh on a fixed nm listing must keep its 6 code symbols, one per
# address in address order, and assemble; so must empty input (the first link).
KSYMS_FIXTURE := build/host/ksyms_fixture
.PHONY: host-ksyms-check
host-ksyms-check: tools/gen-ksyms.sh tests/host/fixtures/ksyms.nm
	@mkdir -p build/host
	tools/gen-ksyms.sh <tests/host/fixtures/ksyms.nm >$(KSYMS_FIXTURE).S
	test "$$(sed -n 's/^.*\.asciz "\(.*\)"$$/\1/p' $(KSYMS_FIXTURE).S | tr '\n' ' ')" = \
	  "_start early_uart_putc arch_idle kmain panic.cold exception_vectors "
	aarch64-linux-gnu-as -o $(KSYMS_FIXTURE).o $(KSYMS_FIXTURE).S
	aarch64-linux-gnu-nm -S $(KSYMS_FIXTURE).o | grep -Ec ' R ksyms_(table|count|names)$$' | grep -qx 3
	aarch64-linux-gnu-nm -S $(KSYMS_FIXTURE).o | grep -q ' 0000000000000060 R ksyms_table$$'
	tools/gen-ksyms.sh </dev/null | aarch64-linux-gnu-as -o build/host/ksyms_empty.o

# Device tree fixtures for the fdt/bootinfo tests, compiled with dtc; the tests open
# them relative to the repo root.
HOST_FIXTURES := $(patsubst tests/host/fixtures/%.dts,build/host/fixtures/%.dtb,\
  $(wildcard tests/host/fixtures/*.dts))
HOST_CFLAGS += -DFIXTURE_DIR=\"build/host/fixtures\"

build/host/fixtures/%.dtb: tests/host/fixtures/%.dts
	@mkdir -p $(dir $@)
	dtc -I dts -O dtb -o $@ $<

$(HOST_BIN): $(HOST_FIXTURES)
