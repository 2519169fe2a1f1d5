// Force-included in every kernel C file (-include): all symbols, extern declarations
// too, are hidden, so -fpie code reaches them PC-relative instead of through the
// GOT. That keeps the code correct before boot/relocate.c has run.
#pragma GCC visibility push(hidden)
