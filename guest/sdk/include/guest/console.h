/* The console: a PL011 UART (guest/console.c), and printf on it.
 *
 * printf knows %d %i %u %x %X %o %c %s %p %%, the length modifiers hh h l ll
 * z t j, the flags '-' '0' ' ' '+' '#', field widths and precisions (also as
 * '*'). No floating point (the SDK builds with -mgeneral-regs-only). */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Uses the PL011 whose registers are at physical address base, reached at
 * unprotected_alias(base) (so in a realm call it after realm_init). Until
 * then, output is dropped. */
void console_init(uint64_t base);

/* Bytes go out as they are ("\n" is not turned into "\r\n": the VMM
 * writes the console to a file or a terminal in cooked mode). */
void console_putc(char c);
void console_write(const char *s, size_t len);
int puts(const char *s); /* s and a newline */

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Writes at most size - 1 characters and a NUL; returns the length the whole
 * output would have had. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* size bytes as lowercase hex, no separators. */
void print_hex(const void *data, size_t size);

#endif
