// BCM2711 GPIO block: pin functions and pull resistors (BCM2711 ARM Peripherals, ch. 5).
#ifndef DRIVERS_GPIO_BCM2711_GPIO_H_
#define DRIVERS_GPIO_BCM2711_GPIO_H_

#include <stdint.h>

// GPFSELn field values (3 bits a pin). The encoding is not in order: ALT0 is 4.
enum bcm2711_gpio_function {
  BCM2711_GPIO_INPUT = 0,
  BCM2711_GPIO_OUTPUT = 1,
  BCM2711_GPIO_ALT0 = 4,
  BCM2711_GPIO_ALT1 = 5,
  BCM2711_GPIO_ALT2 = 6,
  BCM2711_GPIO_ALT3 = 7,
  BCM2711_GPIO_ALT4 = 3,
  BCM2711_GPIO_ALT5 = 2,
};

// GPIO_PUP_PDN_CNTRL_REGn field values (2 bits a pin). Not the BCM2835's encoding.
enum bcm2711_gpio_pull {
  BCM2711_GPIO_PULL_NONE = 0,
  BCM2711_GPIO_PULL_UP = 1,
  BCM2711_GPIO_PULL_DOWN = 2,
};

void bcm2711_gpio_set_function(uintptr_t base, unsigned pin, enum bcm2711_gpio_function fn);
void bcm2711_gpio_set_pull(uintptr_t base, unsigned pin, enum bcm2711_gpio_pull pull);
// A UART's two pins: both to `fn`; transmit undriven by a pull, receive pulled up so
// that it idles high (a mark) when nothing is connected.
void bcm2711_gpio_route_uart(uintptr_t base, unsigned tx_pin, unsigned rx_pin,
                             enum bcm2711_gpio_function fn);

#endif  // DRIVERS_GPIO_BCM2711_GPIO_H_
