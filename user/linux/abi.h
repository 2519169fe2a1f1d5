// The Linux arm64 user ABI the personality speaks: structure layouts, flags and
// constants from Linux's uapi headers, with LX_/lx_ names so that they never meet
// newlib's definitions of the same words.
#pragma once
#include <stdint.h>

// --- auxiliary vector (linux/auxvec.h) ---
#define LX_AT_NULL 0
#define LX_AT_PHDR 3
#define LX_AT_PHENT 4
#define LX_AT_PHNUM 5
#define LX_AT_PAGESZ 6
#define LX_AT_BASE 7
#define LX_AT_FLAGS 8
#define LX_AT_ENTRY 9
#define LX_AT_UID 11
#define LX_AT_EUID 12
#define LX_AT_GID 13
#define LX_AT_EGID 14
#define LX_AT_PLATFORM 15
#define LX_AT_HWCAP 16
#define LX_AT_CLKTCK 17
#define LX_AT_SECURE 23
#define LX_AT_RANDOM 25
#define LX_AT_HWCAP2 26
#define LX_AT_EXECFN 31
// HWCAP_FP | HWCAP_ASIMD | HWCAP_EVTSTRM-free | HWCAP_CPUID: what a Cortex-A72 has.
#define LX_HWCAP_A72 ((1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 7))

// --- files ---
#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_EMPTY_PATH 0x1000
#define LX_O_ACCMODE 3
#define LX_O_RDONLY 0
#define LX_O_WRONLY 1
#define LX_O_RDWR 2
#define LX_O_CREAT 0100
#define LX_O_EXCL 0200
#define LX_O_NOCTTY 0400
#define LX_O_TRUNC 01000
#define LX_O_APPEND 02000
#define LX_O_NONBLOCK 04000
#define LX_O_DIRECTORY 040000  // arm64 values (asm/fcntl.h)
#define LX_O_NOFOLLOW 0100000
#define LX_O_CLOEXEC 02000000
#define LX_O_PATH 010000000
#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_SETLK 6
#define LX_F_SETLKW 7
#define LX_F_GETLK 5
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_FD_CLOEXEC 1
#define LX_SEEK_SET 0
#define LX_SEEK_CUR 1
#define LX_SEEK_END 2

#define LX_S_IFMT 0170000
#define LX_S_IFSOCK 0140000
#define LX_S_IFLNK 0120000
#define LX_S_IFREG 0100000
#define LX_S_IFBLK 060000
#define LX_S_IFDIR 040000
#define LX_S_IFCHR 020000
#define LX_S_IFIFO 010000

// struct stat of the generic ABI (asm-generic/stat.h), 128 bytes.
struct lx_stat {
  uint64_t st_dev, st_ino;
  uint32_t st_mode, st_nlink, st_uid, st_gid;
  uint64_t st_rdev, __pad1;
  int64_t st_size;
  int32_t st_blksize, __pad2;
  int64_t st_blocks;
  int64_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec;
  uint32_t unused[2];
};

struct lx_statx_timestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t __reserved;
};
// struct statx (linux/stat.h), 256 bytes.
struct lx_statx {
  uint32_t stx_mask, stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink, stx_uid, stx_gid;
  uint16_t stx_mode, __spare0;
  uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
  struct lx_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
  uint64_t __spare2[14];
};
#define LX_STATX_BASIC_STATS 0x7ffu

struct lx_dirent64_head {  // d_name follows
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
};
#define LX_DT_CHR 2
#define LX_DT_DIR 4
#define LX_DT_REG 8
#define LX_DT_LNK 10
#define LX_DT_FIFO 1

struct lx_iovec {
  uint64_t base, len;
};

// --- terminal (asm-generic/termbits.h, ioctls.h) ---
#define LX_TCGETS 0x5401
#define LX_TCSETS 0x5402
#define LX_TCSETSW 0x5403
#define LX_TCSETSF 0x5404
#define LX_TIOCGPGRP 0x540f
#define LX_TIOCSPGRP 0x5410
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414
#define LX_FIONREAD 0x541b
struct lx_termios {
  uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
  uint8_t c_line, c_cc[19];
};
#define LX_ICRNL 0000400
#define LX_OPOST 0000001
#define LX_ONLCR 0000004
#define LX_ISIG 0000001
#define LX_ICANON 0000002
#define LX_ECHO 0000010
#define LX_ECHOE 0000020
#define LX_ECHOK 0000040
#define LX_IEXTEN 0100000
#define LX_CS8 0000060
#define LX_CREAD 0000200
#define LX_B115200 0010002
#define LX_VINTR 0
#define LX_VQUIT 1
#define LX_VERASE 2
#define LX_VKILL 3
#define LX_VEOF 4
#define LX_VMIN 6
#define LX_VSUSP 10
struct lx_winsize {
  uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

// --- memory ---
#define LX_PROT_READ 1
#define LX_PROT_WRITE 2
#define LX_PROT_EXEC 4
#define LX_MAP_SHARED 0x01
#define LX_MAP_PRIVATE 0x02
#define LX_MAP_FIXED 0x10
#define LX_MAP_ANONYMOUS 0x20
#define LX_MAP_FIXED_NOREPLACE 0x100000

// --- processes ---
#define LX_CLONE_VM 0x00000100
#define LX_CLONE_FS 0x00000200
#define LX_CLONE_FILES 0x00000400
#define LX_CLONE_SIGHAND 0x00000800
#define LX_CLONE_VFORK 0x00004000
#define LX_CLONE_THREAD 0x00010000
#define LX_CLONE_SETTLS 0x00080000
#define LX_CLONE_PARENT_SETTID 0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_CHILD_SETTID 0x01000000
#define LX_WNOHANG 1
#define LX_WUNTRACED 2
#define LX_WCONTINUED 8
#define LX_WALL 0x40000000
#define LX_WCLONE 0x80000000

struct lx_timespec {
  int64_t tv_sec, tv_nsec;
};
struct lx_timeval {
  int64_t tv_sec, tv_usec;
};
#define LX_CLOCK_REALTIME 0
#define LX_CLOCK_MONOTONIC 1
#define LX_TIMER_ABSTIME 1

struct lx_utsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct lx_rlimit {
  uint64_t cur, max;
};
#define LX_RLIM_INFINITY (~0ULL)

// --- futex (linux/futex.h) ---
#define LX_FUTEX_WAIT 0
#define LX_FUTEX_WAKE 1
#define LX_FUTEX_REQUEUE 3
#define LX_FUTEX_CMP_REQUEUE 4
#define LX_FUTEX_WAKE_OP 5
#define LX_FUTEX_WAIT_BITSET 9
#define LX_FUTEX_WAKE_BITSET 10
#define LX_FUTEX_PRIVATE_FLAG 128
#define LX_FUTEX_CLOCK_REALTIME 256
#define LX_FUTEX_WAITERS 0x80000000u
#define LX_FUTEX_OWNER_DIED 0x40000000u
#define LX_FUTEX_TID_MASK 0x3fffffffu

// --- signals (asm-generic/signal.h) ---
#define LX_NSIG 64
#define LX_SIGHUP 1
#define LX_SIGINT 2
#define LX_SIGQUIT 3
#define LX_SIGILL 4
#define LX_SIGTRAP 5
#define LX_SIGABRT 6
#define LX_SIGBUS 7
#define LX_SIGFPE 8
#define LX_SIGKILL 9
#define LX_SIGUSR1 10
#define LX_SIGSEGV 11
#define LX_SIGUSR2 12
#define LX_SIGPIPE 13
#define LX_SIGALRM 14
#define LX_SIGTERM 15
#define LX_SIGCHLD 17
#define LX_SIGCONT 18
#define LX_SIGSTOP 19
#define LX_SIGTSTP 20
#define LX_SIGTTIN 21
#define LX_SIGTTOU 22
#define LX_SIGURG 23
#define LX_SIGWINCH 28
#define LX_SIG_DFL 0
#define LX_SIG_IGN 1
#define LX_SA_NOCLDSTOP 0x00000001
#define LX_SA_NOCLDWAIT 0x00000002
#define LX_SA_SIGINFO 0x00000004
#define LX_SA_ONSTACK 0x08000000
#define LX_SA_RESTART 0x10000000
#define LX_SA_NODEFER 0x40000000
#define LX_SA_RESETHAND 0x80000000
#define LX_SA_RESTORER 0x04000000
#define LX_SIG_BLOCK 0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2
#define LX_SS_ONSTACK 1
#define LX_SS_DISABLE 2
#define LX_SEGV_MAPERR 1
#define LX_SEGV_ACCERR 2
#define LX_BUS_ADRALN 1
#define LX_ILL_ILLOPC 1
#define LX_SI_USER 0
#define LX_SI_TKILL (-6)
#define LX_CLD_EXITED 1
#define LX_CLD_KILLED 2

struct lx_sigaction {  // the kernel's struct sigaction on arm64
  uint64_t handler, flags, restorer, mask;
};

struct lx_siginfo {  // 128 bytes; the union's fields used here
  int32_t si_signo, si_errno, si_code, __pad;
  union {
    struct {
      int32_t pid;
      uint32_t uid;
      int32_t status;
    } kill;         // SI_USER, SIGCHLD (status follows pid, uid)
    uint64_t addr;  // SIGSEGV, SIGBUS, SIGILL
    uint8_t __bytes[112];
  };
};

// The signal frame (arch/arm64/kernel/signal.c, asm/sigcontext.h, asm/ucontext.h).
#define LX_FPSIMD_MAGIC 0x46508001u
struct lx_fpsimd_context {
  uint32_t magic, size;
  uint32_t fpsr, fpcr;
  __uint128_t vregs[32];
};
struct lx_sigcontext {
  uint64_t fault_address;
  uint64_t regs[31];
  uint64_t sp, pc, pstate;
  uint8_t __reserved[4096] __attribute__((aligned(16)));
};
struct lx_stack {
  uint64_t ss_sp;
  int32_t ss_flags, __pad;
  uint64_t ss_size;
};
struct lx_ucontext {
  uint64_t uc_flags, uc_link;
  struct lx_stack uc_stack;
  uint64_t uc_sigmask;
  uint8_t unused[1024 / 8 - 8];
  struct lx_sigcontext uc_mcontext __attribute__((aligned(16)));
};
struct lx_rt_sigframe {
  struct lx_siginfo info;
  struct lx_ucontext uc;
  uint64_t fp, lr;  // the frame record
};

_Static_assert(sizeof(struct lx_stat) == 128, "struct stat");
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx");
_Static_assert(sizeof(struct lx_siginfo) == 128, "siginfo");
_Static_assert(__builtin_offsetof(struct lx_ucontext, uc_mcontext) == 176, "ucontext");
_Static_assert(sizeof(struct lx_fpsimd_context) == 528, "fpsimd_context");
