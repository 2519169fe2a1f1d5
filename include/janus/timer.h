// What arch calls in core's timers (core/kernel/timer.c) on every timer interrupt
// (the tick, or the nearest deadline when that comes first).
#ifndef JANUS_TIMER_H_
#define JANUS_TIMER_H_

// Wakes the threads whose deadlines have passed and asks for a reschedule when the
// running thread's slice is over.
void timer_tick(void);

#endif  // JANUS_TIMER_H_
