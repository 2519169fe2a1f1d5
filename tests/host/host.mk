# Host unit tests of portable code, built with the sanitizers. Included by the Makefile.
# Portable sources under test (they must not touch system registers):
HOST_UNDER_TEST := lib/fdt.c core/boot/bootinfo.c core/vm/pmm.c arch/arm64/boot/pt_map.c lib/ksyms.c arch/arm64/esr.c core/object/object.c core/object/handle_table.c core/vm/vm_range.c core/vm/slab.c lib/asid.c lib/bootargs.c lib/chacha20.c \
  drivers/gpio/bcm2711_gpio.c drivers/uart/pl011.c drivers/console/board_console.c
HOST_TEST_SRCS := $(wildcard tests/host/*.c)
HOST_BIN := build/host/runner
HOST_CC ?= cc
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
  -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DJANUS_HOST -DASID_DEBUG_CHECKS -DASID_TEST_HOOKS \
  -Iinclude -Itests/host/fake_arch -Iarch/arm64/include -Itests/host -I. \
  -Iboard/rpi4  # the board whose console tests/host/test_rpi4_console.c checks

$(HOST_BIN): $(HOST_TEST_SRCS) $(HOST_UNDER_TEST) board/rpi4/board.h $(wildcard drivers/*/*.h tests/host/*.h include/*/*.h include/*/*/*.h include/*/*.def core/*/*.h lib/*.h arch/arm64/include/*/*.h)
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(HOST_TEST_SRCS) $(HOST_UNDER_TEST)

.PHONY: host-test
host-test: $(HOST_BIN)
	$(HOST_BIN)

# The ASID model must catch each broken allocator (docs/asid.md, "What the host tests
# check"), built without the allocator's own invariant checks so that the TLB model,
# not an assertion, is what fails: no post-rollover flush; a batch number handed out
# twice in one generation; the batched path ignoring reservations; a batch of an old
# generation kept; the batched path storing its CPU's active ASID instead of the CAS;
# numbers handed out from the whole width, the pair bit's half too (docs/asid.md, "Pairs").
ASID_MUTANTS := SKIP_ROLLOVER_FLUSH BATCH_REUSE BATCH_IGNORE_RESERVED KEEP_STALE_BATCH \
  BATCH_STORE_ACTIVE PAIR_FULL_RANGE
.PHONY: host-asid-mutant
host-asid-mutant: tests/host/runner.c tests/host/test_asid_model.c lib/asid.c lib/asid.h
	@mkdir -p build/host
	@for mutant in $(ASID_MUTANTS); do \
	  $(HOST_CC) $(filter-out -DASID_DEBUG_CHECKS,$(HOST_CFLAGS)) -DASID_TEST_$$mutant \
	    -o build/host/asid_mutant $(filter %.c,$^) || exit 1; \
	  if build/host/asid_mutant asid_model_no_stale >build/host/asid_mutant_$$mutant.log 2>&1; \
	  then echo "asid mutant $$mutant: NOT caught by the model"; exit 1; fi; \
	  echo "asid mutant $$mutant: caught ($$(grep -m1 'asid model:' build/host/asid_mutant_$$mutant.log))"; \
	done

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
	$(call say,DTC,$<)
	$(Q)dtc -I dts -O dtb -o $@ $<

$(HOST_BIN): $(HOST_FIXTURES)

# The ASID allocator benchmark (docs/asid.md, "Measured against the alternatives"). A
# benchmark, not a test: `make test` never runs it. lib/asid.c against models of a
# Zircon-style and a Linux-style allocator (tests/host/asid_bench/), instructions
# counted by callgrind; prints a table and writes build/host/asid-bench.csv.
ASID_BENCH_BIN := build/host/asid_bench/bench
ASID_BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -DJANUS_HOST \
  -Iinclude -Itests/host/fake_arch -Iarch/arm64/include -I.
# The allocators are compiled as the kernel compiles lib/asid.c (freestanding, no
# FP/SIMD registers, frame pointers), so the counts are of the same code shape: a store
# loop where the host would call its memset, no vector code.
ASID_BENCH_KFLAGS := -ffreestanding -fno-builtin -mgeneral-regs-only -fno-stack-protector \
  -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer
ASID_BENCH_ALLOCS := lib/asid.c $(filter-out %/bench.c,$(wildcard tests/host/asid_bench/*.c))
ASID_BENCH_OBJS := $(patsubst %.c,build/host/asid_bench/%.o,$(ASID_BENCH_ALLOCS))

$(ASID_BENCH_OBJS): build/host/asid_bench/%.o: %.c lib/asid.h $(wildcard tests/host/asid_bench/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(ASID_BENCH_CFLAGS) $(ASID_BENCH_KFLAGS) -c -o $@ $<

$(ASID_BENCH_BIN): tests/host/asid_bench/bench.c $(ASID_BENCH_OBJS)
	$(HOST_CC) $(ASID_BENCH_CFLAGS) -o $@ $^

.PHONY: host-asid-bench
host-asid-bench: $(ASID_BENCH_BIN) tools/asid-bench.sh
	tools/asid-bench.sh $(ASID_BENCH_BIN) build/host/asid-bench.csv
