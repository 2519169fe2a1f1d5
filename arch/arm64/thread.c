// arm64 side of threads: initial context and the switch.
#include <arch/sysreg.h>
#include <arch/thread_context.h>
#include <janus/thread.h>

void arch_context_switch(struct arch_thread_context *from, struct arch_thread_context *to);
void thread_trampoline(void);

void arch_thread_init_kernel(struct thread *t) {
  t->context.x19_to_x28[0] = (uint64_t)(uintptr_t)t->entry;
  t->context.x19_to_x28[1] = (uint64_t)(uintptr_t)t->arg;
  t->context.lr = (uint64_t)(uintptr_t)thread_trampoline;
  t->context.fp = 0;
  t->context.sp = t->kstack_top;
}

void arch_thread_switch(struct thread *prev, struct thread *next) {
  arch_context_switch(&prev->context, &next->context);
}
