// /dev/console: output goes to Janus's debug console (zx_debug_write straight from
// Linux memory: the kernel checks the pointer); input comes from the serial port
// through zx_debug_read, read by one thread of the prototype (lx_console_start) into
// a line discipline: echo, erase, ^C (SIGINT to the foreground group), ^D (end of
// input), canonical lines unless the program turned ICANON off.
#include <string.h>

#include "linux.h"

#define INPUT_SIZE 4096

static struct {
  char buf[INPUT_SIZE];
  size_t head, count;  // bytes ready for read()
  char line[INPUT_SIZE];
  size_t line_len;  // the line being edited (canonical mode)
  bool eof;         // ^D on an empty line: one read returns 0
  struct lx_waitq readers;
  struct lx_termios termios;
  int foreground;  // process group that ^C goes to
  bool has_input;  // the kernel has zx_debug_read
} con = {
    .termios = {.c_iflag = LX_ICRNL,
                .c_oflag = LX_OPOST | LX_ONLCR,
                .c_cflag = LX_CS8 | LX_CREAD | LX_B115200,
                .c_lflag = LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK | LX_IEXTEN,
                .c_cc = {[LX_VINTR] = 3,
                         [LX_VQUIT] = 28,
                         [LX_VERASE] = 127,
                         [LX_VKILL] = 21,
                         [LX_VEOF] = 4,
                         [LX_VMIN] = 1,
                         [LX_VSUSP] = 26}},
};

long lx_console_write_user(struct lx_thread *t, uintptr_t buf, size_t len) {
  (void)t;
  if (!lx_user_range(buf, len)) return -LX_EFAULT;
  size_t done = 0;
  while (done < len) {
    size_t n = len - done < 4096 ? len - done : 4096;
    if (zx_debug_write((const char *)(buf + done), n) != ZX_OK)
      return done ? (long)done : -LX_EFAULT;
    done += n;
  }
  return (long)len;
}

bool lx_console_readable(void) { return con.count > 0 || con.eof; }

long lx_console_read(struct lx_thread *t, uintptr_t buf, size_t len) {
  if (len == 0) return 0;
  while (con.count == 0 && !con.eof) {
    if (!con.has_input) return 0;  // no serial input on this kernel: end of file
    int err = lx_sleep(t, &con.readers, ZX_TIME_INFINITE);
    if (err) return err;
  }
  if (con.count == 0) {
    con.eof = false;
    return 0;
  }
  size_t done = 0;
  while (done < len && con.count) {
    size_t n = INPUT_SIZE - con.head;
    if (n > con.count) n = con.count;
    if (n > len - done) n = len - done;
    if (lx_copy_out(t, buf + done, con.buf + con.head, n) != 0)
      return done ? (long)done : -LX_EFAULT;
    con.head = (con.head + n) % INPUT_SIZE;
    con.count -= n;
    done += n;
    if ((con.termios.c_lflag & LX_ICANON) &&
        con.buf[(con.head + INPUT_SIZE - 1) % INPUT_SIZE] == '\n')
      break;  // one line per read
  }
  return (long)done;
}

static void ready(const char *bytes, size_t n) {
  for (size_t i = 0; i < n && con.count < INPUT_SIZE; i++)
    con.buf[(con.head + con.count++) % INPUT_SIZE] = bytes[i];
  lx_wake_all(&con.readers);
}

static void echo(const char *s, size_t n) {
  if (con.termios.c_lflag & LX_ECHO) zx_debug_write(s, n);
}

struct group_signal {
  int pgid, sig;
};
static void signal_member(struct lx_process *p, void *arg) {
  struct group_signal *g = arg;
  if (p->pgid == g->pgid) lx_signal_send_process(p, g->sig);
}

// One byte from the serial port (lock held).
static void input(char c) {
  struct lx_termios *tio = &con.termios;
  if (c == '\r' && (tio->c_iflag & LX_ICRNL)) c = '\n';
  if ((tio->c_lflag & LX_ISIG) && (c == tio->c_cc[LX_VINTR] || c == tio->c_cc[LX_VQUIT])) {
    struct group_signal g = {con.foreground ? con.foreground : 1,
                             c == tio->c_cc[LX_VINTR] ? LX_SIGINT : LX_SIGQUIT};
    echo("^C\n", 3);
    con.line_len = 0;
    lx_process_each(signal_member, &g);
    return;
  }
  if (!(tio->c_lflag & LX_ICANON)) {
    echo(&c, 1);
    ready(&c, 1);
    return;
  }
  if (c == tio->c_cc[LX_VERASE] || c == '\b') {
    if (con.line_len) {
      con.line_len--;
      echo("\b \b", 3);
    }
    return;
  }
  if (c == tio->c_cc[LX_VEOF]) {
    if (con.line_len == 0) con.eof = true;
    ready(con.line, con.line_len);
    con.line_len = 0;
    return;
  }
  if (con.line_len < INPUT_SIZE - 1) con.line[con.line_len++] = c;
  echo(c == '\n' ? "\r\n" : &c, c == '\n' ? 2 : 1);
  if (c == '\n') {
    ready(con.line, con.line_len);
    con.line_len = 0;
  }
}

static void reader(uintptr_t unused, uintptr_t arg) {
  (void)unused, (void)arg;
  for (;;) {
    char bytes[64];
    size_t n = 0;
    if (zx_debug_read(ZX_HANDLE_INVALID, bytes, sizeof bytes, &n) != ZX_OK) zx_thread_exit();
    lx_lock();
    for (size_t i = 0; i < n; i++) input(bytes[i]);
    lx_unlock();
  }
}

void lx_console_start(void) {
  static char stack[8192] __attribute__((aligned(16)));
  zx_handle_t thread;
  char probe;
  size_t n;
  // Zircon's zx_debug_read needs a resource handle; Janus takes any (and invalid).
  if (zx_debug_read(ZX_HANDLE_INVALID, &probe, 0, &n) != ZX_OK) return;
  if (zx_thread_create(zx_process_self(), "console", 7, 0, &thread) != ZX_OK) return;
  con.has_input = true;
  if (zx_thread_start(thread, (uintptr_t)reader, (uintptr_t)(stack + sizeof stack), 0, 0) != ZX_OK)
    con.has_input = false;
  zx_handle_close(thread);
}

int lx_console_ioctl(struct lx_thread *t, uint32_t req, uintptr_t arg) {
  switch (req) {
    case LX_TCGETS:
      return lx_copy_out(t, arg, &con.termios, sizeof con.termios);
    case LX_TCSETS:
    case LX_TCSETSW:
    case LX_TCSETSF: {
      struct lx_termios next;
      if (lx_copy_in(t, &next, arg, sizeof next) != 0) return -LX_EFAULT;
      if (req == LX_TCSETSF) con.count = con.line_len = 0;  // flush input first
      // Leaving canonical mode: a line typed so far is input now, as on Linux.
      if ((con.termios.c_lflag & LX_ICANON) && !(next.c_lflag & LX_ICANON)) {
        ready(con.line, con.line_len);
        con.line_len = 0;
      }
      con.termios = next;
      return 0;
    }
    case LX_TIOCGWINSZ: {
      struct lx_winsize ws = {.ws_row = 24, .ws_col = 80};
      return lx_copy_out(t, arg, &ws, sizeof ws);
    }
    case LX_TIOCSWINSZ:
      return 0;
    case LX_TIOCGPGRP: {
      int32_t pgrp = con.foreground ? con.foreground : t->proc->pgid;
      return lx_copy_out(t, arg, &pgrp, 4);
    }
    case LX_TIOCSPGRP: {
      int32_t pgrp;
      if (lx_copy_in(t, &pgrp, arg, 4) != 0) return -LX_EFAULT;
      con.foreground = pgrp;
      return 0;
    }
    case LX_FIONREAD: {
      int32_t n = (int32_t)con.count;
      return lx_copy_out(t, arg, &n, 4);
    }
    default:
      return -LX_ENOTTY;
  }
}
