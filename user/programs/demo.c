// janus: shared-prototype
// The `make run` demo: a tiny OS personality in the style of Fuchsia's Starnix.
// This program is a shared prototype: its code and data sit in the group's shared
// window. It makes three siblings with zx_process_create_shared; each sibling's
// thread runs "guest" code in restricted mode (only the sibling's private TTBR0
// space mapped), and the guest's svc instructions come back to this runtime, in
// normal mode, at the vector. The runtime serves them from shared memory.
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls-next.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#define SIBLINGS 3
#define GUEST_BASE 0x20000000UL  // in each sibling's own (restricted) space
#define GUEST_MESSAGE 1024      // offset of the guest's message in its page

// The guest's "syscalls" (x0 at its svc).
enum { GUEST_WRITE = 1, GUEST_GETID = 2 };

// Guest code, arm64 machine code: write(x19, x20); getid(); then a load from x21,
// an address in the shared window, which restricted mode cannot see.
static const uint32_t guest_code[] = {
    0xd2800020,  // mov x0, #GUEST_WRITE
    0xaa1303e1,  // mov x1, x19
    0xaa1403e2,  // mov x2, x20
    0xd4000001,  // svc #0
    0xd2800040,  // mov x0, #GUEST_GETID
    0xd4000001,  // svc #0
    0xf94002a1,  // ldr x1, [x21]
};

// Shared memory: every sibling's runtime thread writes here; we read it all.
static char console_log[SIBLINGS][128];
static volatile uint64_t secret_in_window = 0x5ec12e7;
static volatile uint64_t cycles_min = ~0ULL;

static inline uint64_t cycles(void) {
  uint64_t c;
  __asm__ volatile("isb\n mrs %0, pmccntr_el0\n isb" : "=r"(c));
  return c;
}

struct sibling {
  int id;
  zx_handle_t proc, vmar, thread;
  uint64_t guest_id_seen;
  uint64_t fault_far, fault_type, syscalls;
};
static struct sibling sib[SIBLINGS];

struct enter_ctx {
  jmp_buf back;
  uint64_t reason;
  uint64_t t0;
};

static void vector(uintptr_t context, uint64_t reason) {
  uint64_t t1 = cycles();
  struct enter_ctx *c = (struct enter_ctx *)context;
  if (reason == ZX_RESTRICTED_REASON_SYSCALL && t1 - c->t0 < cycles_min) cycles_min = t1 - c->t0;
  c->reason = reason;
  longjmp(c->back, 1);
}

// The runtime's loop on a sibling's thread (normal mode: the window and the
// sibling's own space are both visible here).
static void sibling_main(uintptr_t unused, uintptr_t arg) {
  (void)unused;
  struct sibling *s = (struct sibling *)arg;
  zx_handle_t vmo;
  if (zx_restricted_bind_state(0, &vmo) != ZX_OK) zx_process_exit(1);
  zx_restricted_state_t st;
  memset(&st, 0, sizeof st);
  st.pc = GUEST_BASE;
  st.sp = GUEST_BASE + 4096 - 16;
  st.x[19] = GUEST_BASE + GUEST_MESSAGE;
  st.x[20] = strlen((const char *)(GUEST_BASE + GUEST_MESSAGE));
  st.x[21] = (uintptr_t)&secret_in_window;
  for (;;) {
    struct enter_ctx ctx;
    zx_vmo_write(vmo, &st, 0, sizeof st);
    if (setjmp(ctx.back) == 0) {
      ctx.t0 = cycles();
      zx_restricted_enter(0, (uintptr_t)vector, (uintptr_t)&ctx);
      zx_process_exit(2);  // enter failed
    }
    if (ctx.reason == ZX_RESTRICTED_REASON_EXCEPTION) {
      zx_restricted_exception_t ex;
      zx_vmo_read(vmo, &ex, 0, sizeof ex);
      s->fault_far = ex.exception.context.arch.u.arm_64.far;
      s->fault_type = ex.exception.header.type;
      break;
    }
    zx_vmo_read(vmo, &st, 0, sizeof st);
    s->syscalls++;
    switch (st.x[0]) {
      case GUEST_WRITE: {  // the guest's buffer is in our own space: read it directly
        size_t n = st.x[2] < sizeof console_log[0] - 1 ? st.x[2] : sizeof console_log[0] - 1;
        memcpy(console_log[s->id], (const void *)st.x[1], n);
        st.x[0] = n;
        break;
      }
      case GUEST_GETID: st.x[0] = (uint64_t)s->id; s->guest_id_seen = (uint64_t)s->id; break;
      default: st.x[0] = (uint64_t)ZX_ERR_BAD_SYSCALL;
    }
  }
  zx_handle_close(vmo);
  zx_process_exit(0);
}

static uintptr_t window_stack(void) {
  zx_handle_t vmo;
  uintptr_t addr = 0;
  zx_vmo_create(64 * 1024, 0, &vmo);
  zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 64 * 1024, &addr);
  zx_handle_close(vmo);
  return addr + 64 * 1024;
}

// Where a VMAR starts: ZX_VM_SPECIFIC offsets count from there.
static uintptr_t vmar_base(zx_handle_t vmar) {
  zx_info_vmar_t info = {0};
  zx_object_get_info(vmar, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL);
  return info.base;
}

static zx_status_t start_sibling(struct sibling *s) {
  char name[16];
  snprintf(name, sizeof name, "sibling-%d", s->id);
  zx_status_t status = zx_process_create_shared(zx_process_self(), 0, name, strlen(name), &s->proc, &s->vmar);
  if (status != ZX_OK) return status;
  zx_handle_t plain, code;
  uintptr_t guest;
  if ((status = zx_vmo_create(4096, 0, &plain)) != ZX_OK ||
      (status = zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &code)) != ZX_OK ||
      (status = zx_vmar_map(s->vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE,
                            GUEST_BASE - vmar_base(s->vmar), code, 0, 4096, &guest)) != ZX_OK)
    return status;
  char message[64];
  snprintf(message, sizeof message, "hello from the guest of %s", name);
  zx_vmo_write(code, guest_code, 0, sizeof guest_code);
  zx_vmo_write(code, message, GUEST_MESSAGE, strlen(message) + 1);
  zx_handle_close(code);
  if ((status = zx_thread_create(s->proc, name, strlen(name), 0, &s->thread)) != ZX_OK) return status;
  return zx_process_start(s->proc, s->thread, (uintptr_t)sibling_main, window_stack(),
                          ZX_HANDLE_INVALID, (uintptr_t)s);
}

int main(void) {
  printf("demo: a shared prototype; its code runs from the shared window at %p\n", (void *)&main);
  for (int i = 0; i < SIBLINGS; i++) {
    sib[i].id = i;
    zx_status_t status = start_sibling(&sib[i]);
    if (status != ZX_OK) {
      printf("demo: sibling %d: status %d\n", i, status);
      return 1;
    }
  }
  int bad = 0;
  for (int i = 0; i < SIBLINGS; i++) {
    zx_signals_t seen;
    zx_info_process_t info;
    zx_object_wait_one(sib[i].proc, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &seen);
    zx_object_get_info(sib[i].proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL);
    printf("demo: sibling %d exited %ld after %lu guest syscalls; its guest wrote \"%s\" "
           "(read here through the shared window)\n",
           i, (long)info.return_code, (unsigned long)sib[i].syscalls, console_log[i]);
    printf("demo:   its guest's load from the window at 0x%lx faulted (exception type 0x%lx): "
           "restricted mode sees only the sibling's own space\n",
           (unsigned long)sib[i].fault_far, (unsigned long)sib[i].fault_type);
    bad |= info.return_code != 0 || sib[i].fault_far != (uintptr_t)&secret_in_window ||
           sib[i].guest_id_seen != (uint64_t)i || strncmp(console_log[i], "hello", 5);
  }
  // What the siblings wrote into their own space stayed theirs: here nothing is mapped.
  uint64_t probe;
  size_t actual;
  zx_status_t mine = zx_process_read_memory(zx_process_self(), GUEST_BASE, &probe, 8, &actual);
  printf("demo: the guests' page at 0x%lx in the prototype's own space: %s\n",
         (unsigned long)GUEST_BASE, mine == ZX_ERR_NO_MEMORY ? "not mapped (private to each sibling)" : "MAPPED?!");
  bad |= mine != ZX_ERR_NO_MEMORY;
  printf("demo: fastest restricted round trip (enter -> guest svc -> vector): %lu PMU cycles "
         "(under QEMU TCG: virtual time, not hardware cycles)\n", (unsigned long)cycles_min);
  printf("demo: %s\n", bad ? "FAILED" : "all siblings behaved as expected");
  return bad;
}
