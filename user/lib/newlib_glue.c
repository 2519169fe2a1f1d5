// newlib's system-call layer for Janus programs: just enough POSIX for stdio and
// malloc. There are no files yet: fds 0-2 are the debug console, the rest EBADF.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include <zircon/syscalls.h>

#include <janus-user/heap.h>

// zx_debug_write takes bounded buffers (Zircon truncates at 256 bytes, Janus refuses
// more than 4096), so long writes go out in pieces.
#define DEBUG_WRITE_CHUNK 256

static int is_console(int fd) { return fd >= 0 && fd <= 2; }

_ssize_t _write(int fd, const void *buf, size_t n) {
  if (fd != 1 && fd != 2) {
    errno = EBADF;
    return -1;
  }
  const char *p = buf;
  for (size_t done = 0; done < n;) {
    size_t len = n - done < DEBUG_WRITE_CHUNK ? n - done : DEBUG_WRITE_CHUNK;
    if (zx_debug_write(p + done, len) != ZX_OK) {
      if (done) return (_ssize_t)done;
      errno = EIO;
      return -1;
    }
    done += len;
  }
  return (_ssize_t)n;
}

// No input yet: stdin is at end of file.
_ssize_t _read(int fd, void *buf, size_t n) {
  (void)buf, (void)n;
  if (!is_console(fd)) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

void _exit(int status) { zx_process_exit(status); }

// The heap: one resizable VMO mapped over janus_heap_limit bytes of address space on
// first use. sbrk grows the VMO and commits the new pages at once (ZX_VMO_OP_COMMIT),
// so malloc returns NULL when the machine's memory runs out rather than the
// program faulting on first touch; a failed growth gives its pages back. A program
// sets its own limit by defining `size_t janus_heap_limit = ...;` (README).
#define HEAP_PAGE_SIZE 4096u
size_t janus_heap_limit __attribute__((weak)) = JANUS_HEAP_LIMIT_DEFAULT;
static zx_handle_t heap_vmo = ZX_HANDLE_INVALID;
static uintptr_t heap_base;
static size_t heap_used;

static int heap_reserve(void) {
  uintptr_t base;
  size_t limit = janus_heap_limit & ~(size_t)(HEAP_PAGE_SIZE - 1);
  if (limit == 0 || zx_vmo_create(0, ZX_VMO_RESIZABLE, &heap_vmo) != ZX_OK) return -1;
  if (zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, heap_vmo, 0, limit,
                  &base) != ZX_OK) {
    zx_handle_close(heap_vmo);
    heap_vmo = ZX_HANDLE_INVALID;
    return -1;
  }
  heap_base = base;
  return 0;
}

static size_t page_round_up(size_t n) {
  return (n + HEAP_PAGE_SIZE - 1) & ~(size_t)(HEAP_PAGE_SIZE - 1);
}

void *_sbrk(ptrdiff_t incr) {
  size_t limit = janus_heap_limit & ~(size_t)(HEAP_PAGE_SIZE - 1);
  if ((heap_vmo == ZX_HANDLE_INVALID && heap_reserve() != 0) ||
      (incr > 0 && (size_t)incr > limit - heap_used) || (incr < 0 && (size_t)-incr > heap_used)) {
    errno = ENOMEM;
    return (void *)-1;
  }
  size_t committed = page_round_up(heap_used), wanted = page_round_up(heap_used + incr);
  if (wanted > committed) {
    if (zx_vmo_set_size(heap_vmo, wanted) != ZX_OK ||
        zx_vmo_op_range(heap_vmo, ZX_VMO_OP_COMMIT, committed, wanted - committed, NULL, 0) !=
            ZX_OK) {
      zx_vmo_set_size(heap_vmo, committed);  // frees whatever was committed
      errno = ENOMEM;
      return (void *)-1;
    }
  }
  void *old = (void *)(heap_base + heap_used);
  heap_used += incr;
  return old;
}

int _close(int fd) {
  if (is_console(fd)) return 0;
  errno = EBADF;
  return -1;
}

// A character device makes stdio line-buffer stdout rather than fully buffer it.
int _fstat(int fd, struct stat *st) {
  if (!is_console(fd)) {
    errno = EBADF;
    return -1;
  }
  *st = (struct stat){.st_mode = S_IFCHR};
  return 0;
}

int _isatty(int fd) {
  if (is_console(fd)) return 1;
  errno = EBADF;
  return 0;
}

_off_t _lseek(int fd, _off_t off, int whence) {
  (void)off, (void)whence;
  errno = is_console(fd) ? ESPIPE : EBADF;
  return -1;
}

// abort() and raise() end up here: a signal to ourselves ends the process.
int _kill(pid_t pid, int sig) {
  if (pid == 1) zx_process_exit(128 + sig);
  errno = EINVAL;
  return -1;
}

pid_t _getpid(void) { return 1; }

// Monotonic time since boot: there is no wall clock yet.
int _gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  if (tv) {
    zx_time_t now = zx_clock_get_monotonic();
    tv->tv_sec = now / 1000000000;
    tv->tv_usec = (now % 1000000000) / 1000;
  }
  return 0;
}

// clock() sums these: all elapsed time counts as the process's user time.
clock_t _times(struct tms *t) {
  clock_t now = (clock_t)(zx_clock_get_monotonic() / (1000000000 / CLOCKS_PER_SEC));
  if (t) *t = (struct tms){.tms_utime = now};
  return now;
}

int _open(const char *path, int flags, ...) {
  (void)path, (void)flags;
  errno = ENOENT;
  return -1;
}

int _stat(const char *path, struct stat *st) {
  (void)path, (void)st;
  errno = ENOENT;
  return -1;
}

int _link(const char *old, const char *new) {
  (void)old, (void)new;
  errno = EMLINK;
  return -1;
}

int _unlink(const char *path) {
  (void)path;
  errno = ENOENT;
  return -1;
}

pid_t _fork(void) {
  errno = ENOSYS;
  return -1;
}

int _execve(const char *path, char *const argv[], char *const envp[]) {
  (void)path, (void)argv, (void)envp;
  errno = ENOSYS;
  return -1;
}

pid_t _wait(int *status) {
  (void)status;
  errno = ENOSYS;
  return -1;
}
