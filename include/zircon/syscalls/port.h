// Port packets, as Zircon's <zircon/syscalls/port.h>: what zx_port_queue takes and
// zx_port_wait returns (48 bytes). Janus makes packets of type user and signal-one.
#ifndef ZIRCON_SYSCALLS_PORT_H_
#define ZIRCON_SYSCALLS_PORT_H_

#include <stdint.h>
#include <zircon/types.h>

#define ZX_PKT_TYPE_USER ((uint8_t)0x00u)
#define ZX_PKT_TYPE_SIGNAL_ONE ((uint8_t)0x01u)
#define ZX_PKT_IS_USER(type) ((type) == ZX_PKT_TYPE_USER)
#define ZX_PKT_IS_SIGNAL_ONE(type) ((type) == ZX_PKT_TYPE_SIGNAL_ONE)

typedef union zx_packet_user {
  uint64_t u64[4];
  uint32_t u32[8];
  uint16_t u16[16];
  uint8_t c8[32];
} zx_packet_user_t;

typedef struct zx_packet_signal {
  zx_signals_t trigger;
  zx_signals_t observed;
  uint64_t count;
  zx_time_t timestamp;
  uint64_t reserved1;
} zx_packet_signal_t;

typedef struct zx_port_packet {
  uint64_t key;
  uint32_t type;
  zx_status_t status;
  union {
    zx_packet_user_t user;
    zx_packet_signal_t signal;
  };
} zx_port_packet_t;

_Static_assert(sizeof(zx_port_packet_t) == 48, "Zircon's packet size");

#endif  // ZIRCON_SYSCALLS_PORT_H_
