// Events: objects that carry nothing but signals (ZX_EVENT_SIGNALED and the user
// signals), so threads of any process holding a handle can wake each other.
#ifndef CORE_EVENT_H_
#define CORE_EVENT_H_

#include <zircon/types.h>

#include <janus/object.h>

// A new event with no signals set; one reference for the caller. ZX_ERR_NO_MEMORY.
zx_status_t event_create(struct kobject **out);

#endif  // CORE_EVENT_H_
