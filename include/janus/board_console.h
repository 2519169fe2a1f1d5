#ifndef JANUS_BOARD_CONSOLE_H_
#define JANUS_BOARD_CONSOLE_H_

void board_console_init(void);
void board_console_putc(char c);

#endif  // JANUS_BOARD_CONSOLE_H_
