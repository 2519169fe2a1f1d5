#ifndef JANUS_BOARD_CONSOLE_H_
#define JANUS_BOARD_CONSOLE_H_

void board_console_init(void);
void board_console_putc(char c);
int board_console_getc(void);  // a received byte, or -1 when none is waiting

#endif  // JANUS_BOARD_CONSOLE_H_
