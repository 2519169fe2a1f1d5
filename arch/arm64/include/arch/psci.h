// PSCI (Arm DEN 0022) calls through HVC or SMC, as the device tree says.
#ifndef ARCH_PSCI_H_
#define ARCH_PSCI_H_

#include <stdint.h>

#include <janus/bootinfo.h>  // enum psci_conduit

#define PSCI_CPU_ON 0xc4000003u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u


void psci_set_conduit(enum psci_conduit conduit);
enum psci_conduit psci_conduit(void);
int64_t psci_call(uint32_t function, uint64_t a1, uint64_t a2, uint64_t a3);

#endif  // ARCH_PSCI_H_
