// Signals on kernel objects (ZX_*_TERMINATED, ...) and threads waiting for them.
#ifndef CORE_SIGNALS_H_
#define CORE_SIGNALS_H_

#include <zircon/types.h>

#include <janus/object.h>

// Clears then sets signal bits, waking every waiter whose mask now matches.
void object_signal(struct kobject *obj, zx_signals_t clear, zx_signals_t set);
// Blocks the current thread until obj has one of mask's signals (ZX_OK) or the
// monotonic deadline passes (ZX_ERR_TIMED_OUT); *observed gets the signals then.
// A killed thread stops waiting with ZX_ERR_CANCELED.
zx_status_t object_wait(struct kobject *obj, zx_signals_t mask, zx_time_t deadline,
                        zx_signals_t *observed);

#endif  // CORE_SIGNALS_H_
