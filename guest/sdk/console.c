/* The console on a PL011 UART, and printf.
 *
 * Every register access is one 32-bit MMIO access (the PL011's registers are
 * 32 bits wide), through the UART's unprotected alias in a realm. */
#include <stdbool.h>

#include "guest/console.h"
#include "guest/mmio.h"
#include "guest/realm.h"
#include "guest/string.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1u << 5)
/* A UART that never drains (or a missing one reading all ones) must not hang
 * the guest: after this many polls the byte is written regardless. */
#define TXFF_POLLS 100000

static uint64_t uart; /* the address the registers are accessed at; 0: none yet */

void console_init(uint64_t base)
{
	uart = base ? unprotected_alias(base) : 0;
}

void console_putc(char c)
{
	if (!uart)
		return;
	for (unsigned i = 0; i < TXFF_POLLS && (mmio_read32(uart + UARTFR) & UARTFR_TXFF); i++)
		;
	mmio_write32(uart + UARTDR, (uint8_t)c);
}

void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		console_putc(s[i]);
}

int puts(const char *s)
{
	size_t n = strlen(s);
	console_write(s, n);
	console_putc('\n');
	return (int)n + 1;
}

void print_hex(const void *data, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++) {
		console_putc(digits[p[i] >> 4]);
		console_putc(digits[p[i] & 0xf]);
	}
}

/* ---- formatting ---- */

/* Where formatted characters go: a buffer (snprintf) or the console. len
 * counts every character, also those that did not fit. */
struct sink {
	char *buf;
	size_t size;
	size_t len;
	bool console;
};

static void emit(struct sink *s, char c)
{
	if (s->console)
		console_putc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_n(struct sink *s, char c, int n)
{
	while (n-- > 0)
		emit(s, c);
}

#define F_LEFT (1u << 0)  /* '-' */
#define F_ZERO (1u << 1)  /* '0' */
#define F_PLUS (1u << 2)  /* '+' */
#define F_SPACE (1u << 3) /* ' ' */
#define F_ALT (1u << 4)   /* '#' */
#define F_UPPER (1u << 5) /* %X */

struct spec {
	unsigned flags;
	int width;
	int prec; /* -1: none */
};

static void emit_number(struct sink *s, const struct spec *sp, uint64_t v, bool negative,
			unsigned base)
{
	const char *digits = sp->flags & F_UPPER ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 64 bits in octal: 22 digits */
	char prefix[3];
	int nd = 0, np = 0, zeros, pad;

	/* An explicit precision of 0 prints no digits for 0 (C's rule). */
	if (!(v == 0 && sp->prec == 0)) {
		do {
			tmp[nd++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (negative)
		prefix[np++] = '-';
	else if (sp->flags & F_PLUS)
		prefix[np++] = '+';
	else if (sp->flags & F_SPACE)
		prefix[np++] = ' ';
	if ((sp->flags & F_ALT) && base == 16 && nd && !(nd == 1 && tmp[0] == '0')) {
		prefix[np++] = '0';
		prefix[np++] = sp->flags & F_UPPER ? 'X' : 'x';
	}
	if ((sp->flags & F_ALT) && base == 8 && (nd == 0 || tmp[nd - 1] != '0') &&
	    sp->prec <= nd)
		tmp[nd++] = '0';

	zeros = sp->prec > nd ? sp->prec - nd : 0;
	pad = sp->width - (np + zeros + nd);
	/* '0' pads with zeros after the sign/prefix, unless '-' or a precision. */
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT))
		emit_n(s, ' ', pad);
	for (int i = 0; i < np; i++)
		emit(s, prefix[i]);
	emit_n(s, '0', zeros);
	while (nd)
		emit(s, tmp[--nd]);
	if (sp->flags & F_LEFT)
		emit_n(s, ' ', pad);
}

static void emit_string(struct sink *s, const struct spec *sp, const char *str)
{
	int n = 0, pad;
	if (!str)
		str = "(null)";
	while (str[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	pad = sp->width - n;
	if (!(sp->flags & F_LEFT))
		emit_n(s, ' ', pad);
	for (int i = 0; i < n; i++)
		emit(s, str[i]);
	if (sp->flags & F_LEFT)
		emit_n(s, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		struct spec sp = { 0, 0, -1 };
		enum length len = LEN_INT;
		uint64_t u;
		int64_t d;

		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.flags |= F_LEFT;
			else if (*fmt == '0')
				sp.flags |= F_ZERO;
			else if (*fmt == '+')
				sp.flags |= F_PLUS;
			else if (*fmt == ' ')
				sp.flags |= F_SPACE;
			else if (*fmt == '#')
				sp.flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_LEFT;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		if (*fmt == 'h') {
			len = LEN_SHORT;
			if (*++fmt == 'h') {
				len = LEN_CHAR;
				fmt++;
			}
		} else if (*fmt == 'l') {
			len = LEN_LONG;
			if (*++fmt == 'l') {
				len = LEN_LLONG;
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
			len = LEN_SIZE; /* all 64 bits on AArch64 */
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			if (len == LEN_INT)
				d = va_arg(ap, int);
			else if (len == LEN_CHAR)
				d = (signed char)va_arg(ap, int);
			else if (len == LEN_SHORT)
				d = (short)va_arg(ap, int);
			else
				d = va_arg(ap, long long);
			/* Negate in unsigned arithmetic: INT64_MIN has no positive. */
			emit_number(s, &sp, d < 0 ? -(uint64_t)d : (uint64_t)d, d < 0, 10);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (len == LEN_INT)
				u = va_arg(ap, unsigned int);
			else if (len == LEN_CHAR)
				u = (unsigned char)va_arg(ap, unsigned int);
			else if (len == LEN_SHORT)
				u = (unsigned short)va_arg(ap, unsigned int);
			else
				u = va_arg(ap, unsigned long long);
			if (*fmt == 'X')
				sp.flags |= F_UPPER;
			sp.flags &= ~(F_PLUS | F_SPACE);
			emit_number(s, &sp, u, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16);
			break;
		case 'p':
			sp.flags |= F_ALT;
			sp.flags &= ~(F_PLUS | F_SPACE);
			u = (uintptr_t)va_arg(ap, void *);
			if (u == 0) /* "0x0", not the bare "0" of %#x */
				emit_string(s, &sp, "0x0");
			else
				emit_number(s, &sp, u, false, 16);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!(sp.flags & F_LEFT))
				emit_n(s, ' ', sp.width - 1);
			emit(s, c);
			if (sp.flags & F_LEFT)
				emit_n(s, ' ', sp.width - 1);
			break;
		}
		case 's':
			emit_string(s, &sp, va_arg(ap, const char *));
			break;
		case '%':
			emit(s, '%');
			break;
		case '\0':
			return; /* a lone '%' ends the format */
		default:
			/* Unknown: show it, so the mistake is visible. */
			emit(s, '%');
			emit(s, *fmt);
			break;
		}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0, false };
	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Formats into a line buffer first and writes it in one go, so that a line
 * from one CPU is not cut by another's between two characters; output too
 * long for the buffer is streamed instead. */
#define PRINTF_BUFFER 256

int vprintf(const char *fmt, va_list ap)
{
	char line[PRINTF_BUFFER];
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(line, sizeof line, fmt, ap);
	if (n >= 0 && (size_t)n < sizeof line) {
		console_write(line, (size_t)n);
	} else {
		struct sink s = { NULL, 0, 0, true };
		format(&s, fmt, again);
		n = (int)s.len;
	}
	va_end(again);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
