// The system calls fastcall.c answers: Linux's arm64 numbers LX_FAST_FIRST to
// LX_FAST_LAST, all of them (getpid, getppid, getuid, geteuid, getgid, getegid,
// gettid: one run in Linux's table). Also for entry.S, which tests the range.
#pragma once
#include "linux_syscalls.h"

#define LX_FAST_FIRST LX_NR_getpid
#define LX_FAST_LAST LX_NR_gettid
