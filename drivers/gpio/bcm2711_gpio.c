// BCM2711 GPIO: read-modify-write of one pin's field, leaving every other pin alone.
#include "drivers/gpio/bcm2711_gpio.h"

#define GPFSEL0 0x00                  // GPFSEL0..5: 10 pins a register
#define GPIO_PUP_PDN_CNTRL_REG0 0xe4  // ..REG3: 16 pins a register

static void set_field(uintptr_t base, unsigned reg, unsigned shift, uint32_t mask, uint32_t value) {
  volatile uint32_t *r = (volatile uint32_t *)(base + reg);
  *r = (*r & ~(mask << shift)) | (value << shift);
}

void bcm2711_gpio_set_function(uintptr_t base, unsigned pin, enum bcm2711_gpio_function fn) {
  set_field(base, GPFSEL0 + (pin / 10) * 4, (pin % 10) * 3, 7, fn);
}

void bcm2711_gpio_set_pull(uintptr_t base, unsigned pin, enum bcm2711_gpio_pull pull) {
  set_field(base, GPIO_PUP_PDN_CNTRL_REG0 + (pin / 16) * 4, (pin % 16) * 2, 3, pull);
}

void bcm2711_gpio_route_uart(uintptr_t base, unsigned tx_pin, unsigned rx_pin,
                             enum bcm2711_gpio_function fn) {
  bcm2711_gpio_set_pull(base, tx_pin, BCM2711_GPIO_PULL_NONE);
  bcm2711_gpio_set_pull(base, rx_pin, BCM2711_GPIO_PULL_UP);
  bcm2711_gpio_set_function(base, tx_pin, fn);
  bcm2711_gpio_set_function(base, rx_pin, fn);
}
