// Timer objects (zx_timer_*): ZX_TIMER_SIGNALED asserts when a deadline passes. They
// fire from the timer interrupt of the CPU that set them (core/kernel/timer.c), at the
// deadline itself, which lies in every slack window Zircon allows.
#ifndef CORE_OBJECT_TIMER_OBJECT_H_
#define CORE_OBJECT_TIMER_OBJECT_H_

#include <zircon/types.h>

#include <janus/object.h>

struct timer_object;

// A new timer with slack mode options; one reference for the caller. ZX_ERR_NO_MEMORY.
zx_status_t timer_object_create(uint32_t options, struct timer_object **out);
// Deasserts ZX_TIMER_SIGNALED and arms the timer for deadline (one already past fires
// at once), replacing any pending deadline.
void timer_object_set(struct timer_object *t, zx_time_t deadline, zx_duration_t slack);
// Disarms it and deasserts ZX_TIMER_SIGNALED.
void timer_object_cancel(struct timer_object *t);

#endif  // CORE_OBJECT_TIMER_OBJECT_H_
