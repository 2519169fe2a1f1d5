// Kernel console: each kprintf formats into a stack buffer and writes it whole under
// the console lock, so lines from different CPUs do not interleave.
#include <janus/console.h>
#include <janus/spinlock.h>
#include <stdio.h>

#define LINE_MAX_BYTES 256

static console_putc_fn console_putc;
static spinlock_t console_lock = SPINLOCK_INIT;
static volatile int panic_mode;

void console_init(console_putc_fn putc) { console_putc = putc; }

void console_enter_panic_mode(void) { panic_mode = 1; }

static void write_locked(const char *s, size_t len) {
  if (!console_putc) return;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\n') console_putc('\r');
    console_putc(s[i]);
  }
}

void console_write(const char *s, size_t len) {
  if (panic_mode) {
    write_locked(s, len);
    return;
  }
  irq_state_t state = spin_lock_irqsave(&console_lock);
  write_locked(s, len);
  spin_unlock_irqrestore(&console_lock, state);
}

void kvprintf(const char *fmt, va_list args) {
  char line[LINE_MAX_BYTES];
  int n = vsnprintf(line, sizeof line, fmt, args);
  if (n < 0) return;
  console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void kprintf(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  kvprintf(fmt, args);
  va_end(args);
}
