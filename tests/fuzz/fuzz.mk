# Coverage-guided fuzzing of the code that parses untrusted input, on the host, with
# libFuzzer (Debian's clang; tools/deps.sh installs it). Included by the Makefile.
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="fdt elf"]   search, each target in turn
#   make fuzz-replay                                       what make test runs
# Each target is tests/fuzz/fuzz_NAME.c; its corpus in the tree is
# tests/fuzz/corpus/NAME/ (seeds and inputs worth keeping, replayed by make test);
# `make fuzz` writes what it finds to build/fuzz/corpus/NAME/ and crashes to
# build/fuzz/crash-NAME-*. Copy an input into the tree's corpus to keep it.
FUZZ_TARGETS ?= fdt handle_table vm_range elf syscalls
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SRCS_fdt := lib/fdt.c core/boot/bootinfo.c
FUZZ_SRCS_handle_table := core/object/handle_table.c core/object/object.c tests/host/stub_signals.c
FUZZ_SRCS_vm_range := core/vm/vm_range.c tests/host/vm_range_model.c
FUZZ_SRCS_elf := lib/elf_check.c
FUZZ_SRCS_syscalls := core/syscalls/sys_event.c core/syscalls/sys_handle.c core/syscalls/info_out.c \
  core/syscalls/handle_out.c core/object/eventpair.c core/object/peer.c \
  core/object/handle_table.c core/object/object.c tests/host/stub_signals.c
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -DJANUS_HOST \
  -Iinclude -Itests/host/fake_arch -Iarch/arm64/include -I. -Wall -Wextra -Werror \
  -Wno-unused-parameter
FUZZ_DEPS = $(wildcard include/*/*.h core/*/*.h lib/*.h tests/host/*.h) tests/fuzz/fuzz.mk

# libFuzzer builds (clang) and replay builds (the host's cc, as the unit tests: make
# test needs no clang).
FUZZ_ALL := fdt handle_table vm_range elf syscalls
define fuzz_target
build/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_SRCS_$(1)) $$(FUZZ_DEPS)
	@mkdir -p build/fuzz
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $$@ $$< $$(FUZZ_SRCS_$(1))
build/fuzz/replay_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c $$(FUZZ_SRCS_$(1)) $$(FUZZ_DEPS)
	@mkdir -p build/fuzz
	$$(HOST_CC) $$(FUZZ_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	  -o $$@ $$< tests/fuzz/replay.c $$(FUZZ_SRCS_$(1))
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_target,$(t))))

.PHONY: fuzz fuzz-replay
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-run
.PHONY: fuzz-deps fuzz-run
fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null || bash tools/deps.sh fuzz
fuzz-run: $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crash-$$t- build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    >build/fuzz/$$t.log 2>&1 || { tail -40 build/fuzz/$$t.log; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^stat::new_units_added' build/fuzz/$$t.log | tr '\n' ' '; echo; \
	done

fuzz-replay: $(patsubst %,build/fuzz/replay_%,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  printf '%s: ' $$t; build/fuzz/replay_$$t tests/fuzz/corpus/$$t || exit 1; \
	done
