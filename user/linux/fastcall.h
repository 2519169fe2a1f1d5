// The system calls fastcall.c answers: Linux's arm64 numbers LX_FAST_FIRST to
// LX_FAST_LAST, all of them (getpid, getppid, getuid, geteuid, getgid, getegid,
// gettid: one run in Linux's table), and LX_FAST_YIELD (sched_yield); futex.c's
// LX_FAST_FUTEX (futex) and pipe.c's LX_FAST_READ and the number after it (read, write)
// when they can. Also for entry.S, which tests the range, then the other numbers.
#pragma once
#include "linux_syscalls.h"

#define LX_FAST_FIRST LX_NR_getpid
#define LX_FAST_LAST LX_NR_gettid
#define LX_FAST_YIELD LX_NR_sched_yield
#define LX_FAST_FUTEX LX_NR_futex
#define LX_FAST_READ LX_NR_read
