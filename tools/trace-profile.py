#!/usr/bin/env python3
# Where the instructions of a timed loop go, per function (docs/benchmarks.md, "The futex and
# pipe round trips, traced"): reads a QEMU log of -d exec,nochain,in_asm, weighs every executed
# block by its instruction count, names it by the symbols of the given ELFs and prints the
# totals per operation between two executions of blocks whose disassembly matches --between (by
# default the program's counter reads, cntvct_el0: the benchmark's own timed window), counting
# only blocks of the last --elf (the program: the kernel reads the counter too).
#
# trace-profile.py --elf FILE[@OFFSET]... [--between REGEX] [--ops N] [--top N] QEMU_LOG
#   OFFSET: added to the ELF's symbol addresses (the kernel: where it runs, not where linked).
#   --ops: operations in the window (the printed figures are per operation).
#   --group LABEL=REGEX: also sum the functions whose "image:function" matches REGEX under LABEL
#   (the first that matches; repeatable).
#   --blocks FUNCTION: also the blocks executed in FUNCTION, by address, per operation.
import argparse
import bisect
import collections
import re
import subprocess
import sys


def load_symbols(spec):
    path, _, off = spec.partition("@")
    offset = int(off, 0) if off else 0
    name = path.rsplit("/", 1)[-1]
    out = subprocess.run(["nm", "-n", "--defined-only", path], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tTwW":
            continue
        if parts[2].startswith("$"):  # mapping symbols ($x, $d)
            continue
        syms.append((int(parts[0], 16) + offset, parts[2]))
    syms.sort()
    return name, syms


class Symbolizer:
    def __init__(self, specs):
        self.images = [load_symbols(s) for s in specs]
        self.cache = {}

    def name(self, pc):
        hit = self.cache.get(pc)
        if hit:
            return hit
        best = None
        for image, syms in self.images:
            if not syms or pc < syms[0][0] or pc > syms[-1][0] + (1 << 20):
                continue
            i = bisect.bisect_right(syms, (pc, "\uffff")) - 1
            if i >= 0 and (best is None or syms[i][0] > best[0]):
                best = (syms[i][0], image, syms[i][1])
        hit = (best[1], best[2]) if best else ("?", "0x%x" % (pc & ~0xfff))
        self.cache[pc] = hit
        return hit


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--elf", action="append", default=[])
    ap.add_argument("--between", default=r"cntvct_el0")
    ap.add_argument("--ops", type=int, default=1)
    ap.add_argument("--top", type=int, default=60)
    ap.add_argument("--group", action="append", default=[])
    ap.add_argument("--blocks", default=None)
    ap.add_argument("log")
    args = ap.parse_args()
    sym = Symbolizer(args.elf)
    marker = re.compile(args.between)
    mark_image = sym.images[-1][0]
    insn = re.compile(r"^0x([0-9a-f]+):\s")
    trace = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
    size = {}  # block pc -> instructions of its latest translation
    marks = set()  # block pcs whose latest translation matches --between
    per_fn = collections.Counter()
    per_block = collections.Counter()
    blocks = 0
    state = 0  # 0 before the window, 1 in it, 2 after
    cur_pc, cur_n, cur_mark = None, 0, False

    def end_block():
        if cur_pc is not None:
            size[cur_pc] = cur_n
            if cur_mark and sym.name(cur_pc)[0] == mark_image:
                marks.add(cur_pc)
            else:
                marks.discard(cur_pc)

    with open(args.log, errors="replace") as f:
        for line in f:
            m = insn.match(line)
            if m:
                if cur_pc is None:
                    cur_pc = int(m.group(1), 16)
                cur_n += 1
                if marker.search(line):
                    cur_mark = True
                continue
            m = trace.match(line)
            if not m:
                if line.startswith("IN:") or line.startswith("----"):
                    end_block()
                    cur_pc, cur_n, cur_mark = None, 0, False
                continue
            end_block()
            cur_pc, cur_n, cur_mark = None, 0, False
            pc = int(m.group(1), 16)
            if pc in marks:
                state += 1
                if state == 2:
                    break
                continue
            if state == 1:
                n = size.get(pc)
                if n is None:
                    print("trace-profile: block 0x%x executed before its translation" % pc,
                          file=sys.stderr)
                    continue
                name = sym.name(pc)
                per_fn[name] += n
                if name[1] == args.blocks:
                    per_block[pc, n] += 1
                blocks += 1
    if state < 2:
        sys.exit("trace-profile: the log has %s of the two --between blocks" %
                 ("neither" if state == 0 else "only one"))
    total = sum(per_fn.values())
    ops = args.ops
    print("%d instructions in %d blocks between the two --between blocks: %.0f per operation (%d)"
          % (total, blocks, total / ops, ops))
    per_image = collections.Counter()
    for (image, _), n in per_fn.items():
        per_image[image] += n
    print("\nper image, per operation:")
    for image, n in per_image.most_common():
        print("  %10.1f  %s" % (n / ops, image))
    if args.group:
        groups = collections.Counter()
        rules = [(g.split("=", 1)[0], re.compile(g.split("=", 1)[1])) for g in args.group]
        for (image, fn), n in per_fn.items():
            label = next((l for l, r in rules if r.search(image + ":" + fn)), "other")
            groups[label] += n
        print("\nper group, per operation:")
        for label, n in groups.most_common():
            print("  %10.1f  %s" % (n / ops, label))
    if args.blocks:
        print("\nblocks of %s: address, instructions, executions per operation:" % args.blocks)
        for (pc, n), times in sorted(per_block.items()):
            print("  0x%x  %3d  %6.2f" % (pc, n, times / ops))
    print("\nper function, per operation:")
    for (image, fn), n in per_fn.most_common(args.top):
        print("  %10.1f  %s:%s" % (n / ops, image, fn))


if __name__ == "__main__":
    main()
