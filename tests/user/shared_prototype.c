// janus: shared-prototype
// Runs as the first process of a shared group, its image in the shared window
// (user/user.mk). Makes siblings with zx_process_create_shared(zx_process_self()),
// starts their threads at its own functions, and checks what the group shares,
// what stays private, and restricted mode: registers round-trip, syscalls and
// exceptions come back to the vector, kicks (latched and across CPUs), and the
// shared window out of reach of restricted code.
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls-next.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define PAGE 4096UL
#define WINDOW_BASE 0xffff000000200000UL
#define GUEST_BASE 0x20000000UL
#define USER_FIRST_PAGE 0x1000UL  // below it nothing can run (page 0)  // where each sibling's restricted code goes (its TTBR0)

// Guest (restricted-mode) instructions.
#define INSN_SVC0 0xd4000001u
#define INSN_B_SELF 0x14000000u
#define INSN_LDR_X1_X0 0xf9400001u  // ldr x1, [x0]
#define INSN_STR_X1_X0 0xf9000001u  // str x1, [x0]
#define INSN_BRK0 0xd4200000u

static volatile uint64_t shared_word;  // in the window: every member sees it

// A stack in the window for a sibling's thread.
static uintptr_t window_stack(void) {
  zx_handle_t vmo;
  uintptr_t addr = 0;
  EXPECT_EQ(zx_vmo_create(64 * 1024, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                        64 * 1024, &addr), ZX_OK);
  zx_handle_close(vmo);
  return addr + 64 * 1024;
}

// A sibling: a process of the group with one thread, not started yet.
struct sibling {
  zx_handle_t proc, vmar, thread;
  uintptr_t guest;  // its restricted code page (GUEST_BASE), mapped RWX
};

static void make_sibling(struct sibling *s, const char *name) {
  memset(s, 0, sizeof *s);
  EXPECT_EQ(zx_process_create_shared(zx_process_self(), 0, name, strlen(name), &s->proc, &s->vmar),
            ZX_OK);
  EXPECT_EQ(zx_thread_create(s->proc, name, strlen(name), 0, &s->thread), ZX_OK);
  zx_handle_t plain, vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &plain), ZX_OK);
  EXPECT_EQ(zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(s->vmar,
                        ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE,
                        GUEST_BASE - vmar_base(s->vmar), vmo, 0, PAGE, &s->guest), ZX_OK);
  zx_handle_close(vmo);
}

static void write_guest(struct sibling *s, const uint32_t *code, size_t n) {
  size_t actual;
  EXPECT_EQ(zx_process_write_memory(s->proc, s->guest, code, n * 4, &actual), ZX_OK);
}

static int64_t wait_exit(zx_handle_t proc) {
  zx_signals_t seen;
  EXPECT_EQ(zx_object_wait_one(proc, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &seen), ZX_OK);
  zx_info_process_t info;
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  return info.return_code;
}

// --- restricted mode, run by sibling threads ---------------------------------------
struct enter_ctx {
  jmp_buf back;
  uint64_t reason;
};

__attribute__((used, noinline)) static void vector(uintptr_t context, uint64_t reason) {
  struct enter_ctx *c = (struct enter_ctx *)context;
  c->reason = reason;
  longjmp(c->back, 1);
}

// What the vector found in x0-x30 on its last entry: the kernel must leave nothing of
// restricted mode there (x0 = context, x1 = reason, the rest 0). The stub records them
// (x16 and x17 by way of the stack, since it needs one register) and goes on to vector.
uint64_t vector_regs[31];
void recording_vector(uintptr_t context, uint64_t reason);
__asm__(".text\n"
        ".global recording_vector\n"
        "recording_vector:\n"
        "  stp x16, x17, [sp, #-16]!\n"
        "  adrp x16, vector_regs\n"
        "  add x16, x16, :lo12:vector_regs\n"
        "  stp x0, x1, [x16, #0]\n"
        "  stp x2, x3, [x16, #16]\n"
        "  stp x4, x5, [x16, #32]\n"
        "  stp x6, x7, [x16, #48]\n"
        "  stp x8, x9, [x16, #64]\n"
        "  stp x10, x11, [x16, #80]\n"
        "  stp x12, x13, [x16, #96]\n"
        "  stp x14, x15, [x16, #112]\n"
        "  stp x18, x19, [x16, #144]\n"
        "  stp x20, x21, [x16, #160]\n"
        "  stp x22, x23, [x16, #176]\n"
        "  stp x24, x25, [x16, #192]\n"
        "  stp x26, x27, [x16, #208]\n"
        "  stp x28, x29, [x16, #224]\n"
        "  str x30, [x16, #240]\n"
        "  ldp x0, x1, [sp], #16\n"
        "  stp x0, x1, [x16, #128]\n"
        "  ldp x0, x1, [x16, #0]\n"
        "  b vector\n");

// Enters restricted mode with *state; returns the reason, or ~0 if enter failed.
static uint64_t run_restricted(zx_handle_t state_vmo, zx_restricted_state_t *state) {
  struct enter_ctx ctx;
  EXPECT_EQ(zx_vmo_write(state_vmo, state, 0, sizeof *state), ZX_OK);
  if (setjmp(ctx.back) == 0) {
    zx_status_t status = zx_restricted_enter(0, (uintptr_t)recording_vector, (uintptr_t)&ctx);
    printf("  zx_restricted_enter failed: %d\n", status);
    return ~0ULL;
  }
  EXPECT_EQ(zx_vmo_read(state_vmo, state, 0, sizeof *state), ZX_OK);
  return ctx.reason;
}

struct guest_job {
  struct sibling *s;
  volatile int phase;       // for the kick test
  volatile uint64_t reason;
  volatile int done;
};

// Thread body in each sibling: the restricted-mode checks.
static void restricted_checks(uintptr_t arg1, uintptr_t arg2) {
  struct guest_job *job = (struct guest_job *)arg2;  // x0: zx_process_start's arg1 handle
  (void)arg1;
  uintptr_t guest = job->s->guest;
  zx_handle_t vmo = ZX_HANDLE_INVALID, junk = 0x1234;
  // Errors first.
  EXPECT_EQ(zx_restricted_enter(0, (uintptr_t)vector, 0), ZX_ERR_BAD_STATE);  // nothing bound
  EXPECT_EQ(zx_restricted_bind_state(1, &junk), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(junk, 0x1234);
  EXPECT_EQ(zx_restricted_bind_state(0, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_restricted_bind_state(0, &vmo), ZX_OK);
  uint64_t size = 0;
  EXPECT_EQ(zx_vmo_get_size(vmo, &size), ZX_OK);
  EXPECT_EQ(size >= sizeof(zx_restricted_state_t), 1);
  EXPECT_EQ(sizeof(zx_restricted_state_t), 280);
  zx_restricted_state_t st;
  memset(&st, 0, sizeof st);
  st.pc = guest;
  EXPECT_EQ(zx_vmo_write(vmo, &st, 0, sizeof st), ZX_OK);
  EXPECT_EQ(zx_restricted_enter(1, (uintptr_t)vector, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_restricted_enter(0, 0xffff800000000000UL, 0), ZX_ERR_INVALID_ARGS);  // kernel
  st.cpsr = 0x3c5;  // mode bits: not the user's to set
  EXPECT_EQ(zx_vmo_write(vmo, &st, 0, sizeof st), ZX_OK);
  EXPECT_EQ(zx_restricted_enter(0, (uintptr_t)vector, 0), ZX_ERR_BAD_STATE);
  st.cpsr = 0;
  st.pc = (uintptr_t)&restricted_checks;  // in the window: restricted mode cannot run there
  EXPECT_EQ(zx_vmo_write(vmo, &st, 0, sizeof st), ZX_OK);
  EXPECT_EQ(zx_restricted_enter(0, (uintptr_t)vector, 0), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_restricted_unbind_state(1), ZX_ERR_INVALID_ARGS);

  // Every register round-trips through an svc.
  for (int i = 0; i < 31; i++) st.x[i] = 0x1111111111111111ULL * (uint64_t)(i % 15 + 1) + (uint64_t)i;
  st.sp = GUEST_BASE + PAGE - 64;
  st.pc = guest;  // svc #0
  st.tpidr_el0 = 0x7e57ab1e;
  st.cpsr = 0x60000000;  // Z and C
  zx_restricted_state_t want = st;
  uint64_t tls_before;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls_before));
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_SYSCALL);
  for (int i = 0; i < 31; i++) EXPECT_EQ(st.x[i], want.x[i]);
  EXPECT_EQ(vector_regs[1], ZX_RESTRICTED_REASON_SYSCALL);
  for (int i = 2; i < 31; i++) EXPECT_EQ(vector_regs[i], 0);  // none of the guest's values
  EXPECT_EQ(st.sp, want.sp);
  EXPECT_EQ(st.pc, guest + 4);  // after the svc
  EXPECT_EQ(st.tpidr_el0, want.tpidr_el0);
  EXPECT_EQ(st.cpsr, want.cpsr);
  uint64_t tls_after;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls_after));
  EXPECT_EQ(tls_after, tls_before);  // normal mode's TLS is back

  // Again with the vector the first enter checked: the fast enter (restricted_entry.S)
  // moves the state straight into the registers, and the exit straight back.
  for (int i = 0; i < 31; i++) st.x[i] = ~want.x[i] + (uint64_t)i;
  st.pc = guest;
  st.cpsr = 0x90000000;  // N and V
  want = st;
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_SYSCALL);
  for (int i = 0; i < 31; i++) EXPECT_EQ(st.x[i], want.x[i]);
  for (int i = 2; i < 31; i++) EXPECT_EQ(vector_regs[i], 0);
  EXPECT_EQ(st.sp, want.sp);
  EXPECT_EQ(st.pc, guest + 4);
  EXPECT_EQ(st.tpidr_el0, want.tpidr_el0);
  EXPECT_EQ(st.cpsr, want.cpsr);
  // The fast enter still refuses what the C one refuses, with the checked vector.
  uintptr_t rv = (uintptr_t)recording_vector;
  EXPECT_EQ(zx_restricted_enter(1, rv, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_restricted_enter(0, 0xffff800000000000UL, 0), ZX_ERR_INVALID_ARGS);
  zx_restricted_state_t bad = want;
  uint64_t bad_pcs[] = {0, USER_FIRST_PAGE - 4, 1ULL << 48, (uintptr_t)&restricted_checks};
  for (unsigned i = 0; i < sizeof bad_pcs / sizeof bad_pcs[0]; i++) {
    bad.pc = bad_pcs[i];
    EXPECT_EQ(zx_vmo_write(vmo, &bad, 0, sizeof bad), ZX_OK);
    EXPECT_EQ(zx_restricted_enter(0, rv, 0), ZX_ERR_BAD_STATE);
  }
  bad.pc = guest;
  bad.cpsr = 0x80000200;  // N and a DAIF bit
  EXPECT_EQ(zx_vmo_write(vmo, &bad, 0, sizeof bad), ZX_OK);
  EXPECT_EQ(zx_restricted_enter(0, rv, 0), ZX_ERR_BAD_STATE);

  // A restricted write lands in this process's own (TTBR0) page.
  st.pc = guest + 8;  // str x1, [x0]; svc
  st.x[0] = guest + 2048;
  st.x[1] = 0xfeed0000 + (uint64_t)job->s->proc;
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_SYSCALL);
  EXPECT_EQ(*(volatile uint64_t *)(guest + 2048), st.x[1]);  // normal mode sees it too

  // The shared window is out of reach: a load from it is an exception.
  st.pc = guest + 16;  // ldr x1, [x0]
  st.x[0] = (uintptr_t)&shared_word;
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_EXCEPTION);
  zx_restricted_exception_t ex;
  EXPECT_EQ(zx_vmo_read(vmo, &ex, 0, sizeof ex), ZX_OK);
  EXPECT_EQ(ex.exception.header.type, ZX_EXCP_FATAL_PAGE_FAULT);
  EXPECT_EQ(ex.exception.context.arch.u.arm_64.far, (uintptr_t)&shared_word);
  EXPECT_EQ(ex.state.pc, guest + 16);
  // An undefined instruction and a breakpoint.
  st.pc = guest + 20;  // brk #0
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_EXCEPTION);
  EXPECT_EQ(zx_vmo_read(vmo, &ex, 0, sizeof ex), ZX_OK);
  EXPECT_EQ(ex.exception.header.type, ZX_EXCP_SW_BREAKPOINT);
  st.pc = guest + 24;  // 0: undefined
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_EXCEPTION);
  EXPECT_EQ(zx_vmo_read(vmo, &ex, 0, sizeof ex), ZX_OK);
  EXPECT_EQ(ex.exception.header.type, ZX_EXCP_UNDEFINED_INSTRUCTION);

  // A kick before entering comes back at once, without running guest code.
  EXPECT_EQ(zx_restricted_kick(job->s->thread, 0), ZX_OK);
  st.pc = guest + 28;  // b .
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_KICK);
  EXPECT_EQ(st.pc, guest + 28);  // never ran: the state is as we wrote it

  // A kick from another CPU while the guest spins.
  job->phase = 1;
  EXPECT_EQ(run_restricted(vmo, &st), ZX_RESTRICTED_REASON_KICK);
  EXPECT_EQ(st.pc, guest + 28);
  job->reason = ZX_RESTRICTED_REASON_KICK;
  EXPECT_EQ(zx_restricted_unbind_state(0), ZX_OK);
  EXPECT_EQ(zx_restricted_enter(0, (uintptr_t)vector, 0), ZX_ERR_BAD_STATE);
  zx_handle_close(vmo);
  job->done = 1;
  zx_process_exit(0);  // failures are counted in the window: the prototype reports them
}

static volatile uintptr_t reader_addr;  // the window page the readers read

// Thread body in a sibling: reads a window page until it is unmapped (and dies).
static void window_reader(uintptr_t arg1, uintptr_t arg2) {
  (void)arg1;
  volatile uint64_t *word = (volatile uint64_t *)reader_addr;
  EXPECT_EQ(*word >> 4, 0xabc);
  __atomic_add_fetch((volatile uint64_t *)arg2, 1, __ATOMIC_SEQ_CST);  // "I am running"
  for (;;) (void)*word;
}

static void test_restricted(void) {
  static const uint32_t code[] = {
      INSN_SVC0, 0,                   // +0: svc; +4: (pc after the svc)
      INSN_STR_X1_X0, INSN_SVC0,      // +8
      INSN_LDR_X1_X0,                 // +16
      INSN_BRK0,                      // +20
      0,                              // +24: undefined
      INSN_B_SELF,                    // +28
  };
  static struct sibling s1, s2;
  make_sibling(&s1, "restricted-1");
  make_sibling(&s2, "restricted-2");
  write_guest(&s1, code, sizeof code / 4);
  write_guest(&s2, code, sizeof code / 4);
  static struct guest_job job;
  memset(&job, 0, sizeof job);
  job.s = &s1;
  EXPECT_EQ(zx_process_start(s1.proc, s1.thread, (uintptr_t)restricted_checks, window_stack(),
                             ZX_HANDLE_INVALID, (uintptr_t)&job), ZX_OK);
  while (!__atomic_load_n(&job.phase, __ATOMIC_ACQUIRE) && !__atomic_load_n(&job.done, __ATOMIC_ACQUIRE))
    zx_nanosleep(after_ms(1));  // no deadline: on a busy host the guest may start late
  if (job.phase == 1 && !job.done) {
    zx_nanosleep(after_ms(20));  // let it spin in restricted mode
    EXPECT_EQ(zx_restricted_kick(s1.thread, 0), ZX_OK);
  }
  EXPECT_EQ(wait_exit(s1.proc), 0);
  EXPECT_EQ(job.done, 1);
  // Kick errors: options, handles, rights, a dead thread.
  EXPECT_EQ(zx_restricted_kick(s1.thread, 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_restricted_kick(ZX_HANDLE_INVALID, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_restricted_kick(s1.proc, 0), ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(s2.thread, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT, &weak), ZX_OK);
  EXPECT_EQ(zx_restricted_kick(weak, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_restricted_kick(s1.thread, 0), ZX_ERR_BAD_STATE);  // dead
  // The restricted write stayed in s1's own space: s2 and we see nothing there.
  uint64_t v = 0;
  size_t actual;
  EXPECT_EQ(zx_process_read_memory(s1.proc, s1.guest + 2048, &v, 8, &actual), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_process_read_memory(s2.proc, s2.guest + 2048, &v, 8, &actual), ZX_OK);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(zx_process_read_memory(zx_process_self(), s1.guest + 2048, &v, 8, &actual),
            ZX_ERR_NO_MEMORY);
  zx_handle_close(weak);
  EXPECT_EQ(zx_task_kill(s2.proc), ZX_OK);
  EXPECT_EQ(wait_exit(s2.proc), ZX_TASK_RETCODE_SYSCALL_KILL);
}

static void window_writer(uintptr_t arg1, uintptr_t arg2) {
  (void)arg1;
  shared_word = arg2;
  zx_process_exit(0);
}

// A write through one member is seen by every other and by zx_process_read_memory.
static void test_window_shared(void) {
  struct sibling a, b;
  make_sibling(&a, "writer");
  make_sibling(&b, "bystander");
  shared_word = 1;
  EXPECT_EQ(zx_process_start(a.proc, a.thread, (uintptr_t)window_writer, window_stack(),
                             ZX_HANDLE_INVALID, 0x5eed), ZX_OK);
  EXPECT_EQ(wait_exit(a.proc), 0);
  EXPECT_EQ(shared_word, 0x5eed);
  uint64_t v = 0;
  size_t actual = 0;
  EXPECT_EQ(zx_process_read_memory(b.proc, (uintptr_t)&shared_word, &v, 8, &actual), ZX_OK);
  EXPECT_EQ(v, 0x5eed);
  v = 0x600d;
  EXPECT_EQ(zx_process_write_memory(b.proc, (uintptr_t)&shared_word, &v, 8, &actual), ZX_OK);
  EXPECT_EQ(shared_word, 0x600d);
  EXPECT_EQ(zx_process_read_memory(zx_process_self(), (uintptr_t)&shared_word, &v, 8, &actual),
            ZX_OK);
  EXPECT_EQ(v, 0x600d);
  // Maps list the restricted space, then the window with this image.
  zx_info_maps_t maps[64];
  size_t n = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(b.proc, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &n, &avail), ZX_OK);
  int restricted_at = -1, window_at = -1;
  for (size_t i = 0; i < n; i++)
    if (maps[i].type == ZX_INFO_MAPS_TYPE_ASPACE) {
      if (maps[i].base < WINDOW_BASE) restricted_at = (int)i;
      else window_at = (int)i;
    }
  EXPECT_EQ(restricted_at == 0 && window_at > restricted_at, 1);
  EXPECT_EQ(zx_task_kill(b.proc), ZX_OK);
  EXPECT_EQ(wait_exit(b.proc), ZX_TASK_RETCODE_SYSCALL_KILL);
}

// Unmapping a window page makes every member's next access fault, on every CPU;
// remapping shows the new contents to all.
static void test_window_unmap(void) {
  enum { READERS = 4, ROUNDS = 2 };
  zx_handle_t vmo;
  uintptr_t addr = 0;
  for (int round = 0; round < ROUNDS; round++) {
    EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
    uint64_t value = 0xabc0 + (uint64_t)round;
    EXPECT_EQ(zx_vmo_write(vmo, &value, 0, 8), ZX_OK);
    uint32_t opts = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | (round ? ZX_VM_SPECIFIC : 0);
    uintptr_t offset = round ? addr - vmar_base(zx_vmar_root_self()) : 0;
    EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), opts, offset, vmo, 0, PAGE, &addr), ZX_OK);
    zx_handle_close(vmo);
    EXPECT_EQ(*(volatile uint64_t *)addr, value);
    reader_addr = addr;
    static volatile uint64_t running;
    running = 0;
    struct sibling r[READERS];
    for (int i = 0; i < READERS; i++) {
      make_sibling(&r[i], "reader");
      EXPECT_EQ(zx_process_start(r[i].proc, r[i].thread, (uintptr_t)window_reader, window_stack(),
                                 ZX_HANDLE_INVALID, (uintptr_t)&running), ZX_OK);
    }
    while (__atomic_load_n(&running, __ATOMIC_ACQUIRE) < READERS) zx_nanosleep(after_ms(1));
    EXPECT_EQ(running, READERS);
    EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE), ZX_OK);
    for (int i = 0; i < READERS; i++) EXPECT_EQ(wait_exit(r[i].proc), ZX_TASK_RETCODE_EXCEPTION_KILL);
  }
}

int main(void) {
  zx_info_handle_basic_t self;
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_HANDLE_BASIC, &self, sizeof self, NULL,
                               NULL), ZX_OK);
  EXPECT_EQ((uintptr_t)&main >= WINDOW_BASE, 1);  // this image lives in the window
  test_window_shared();
  test_restricted();
  test_window_unmap();
  printf("shared_prototype: %d checks, %d failures\n", checks, failures);
  return failures;
}
