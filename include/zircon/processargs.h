// The bootstrap message (Zircon's <zircon/processargs.h>, the parts Janus uses): what a
// launcher writes into a process's bootstrap channel, whose other end the process
// starts with in x0 (zx_process_start's arg1). One message: this header, then
// handle_info (a uint32_t per handle, PA_HND(type, arg)), then args_num NUL-terminated
// strings at args_off.
#ifndef ZIRCON_PROCESSARGS_H_
#define ZIRCON_PROCESSARGS_H_

#include <stdint.h>

#define ZX_PROCARGS_PROTOCOL ((uint32_t)0x4150585du)
#define ZX_PROCARGS_VERSION ((uint32_t)0x0001000u)

typedef struct zx_proc_args {
  uint32_t protocol;
  uint32_t version;
  uint32_t handle_info_off;
  uint32_t args_off;
  uint32_t args_num;
  uint32_t environ_off;
  uint32_t environ_num;
  uint32_t names_off;
  uint32_t names_num;
} zx_proc_args_t;

#define PA_HND(type, arg) (((type)&0xFFu) | (((arg)&0xFFFFu) << 16))
#define PA_HND_TYPE(n) ((n)&0xFFu)
#define PA_HND_ARG(n) (((n) >> 16) & 0xFFFFu)

#define PA_PROC_SELF 0x01u
#define PA_THREAD_SELF 0x02u
#define PA_JOB_DEFAULT 0x03u
#define PA_VMAR_ROOT 0x04u
#define PA_VMAR_LOADED 0x05u
#define PA_VMO_BOOTFS 0x1Bu
// Free for the launcher and the program to agree on (janus_launch: the extra handles).
#define PA_USER0 0xF0u
#define PA_USER1 0xF1u
#define PA_USER2 0xF2u

#endif  // ZIRCON_PROCESSARGS_H_
