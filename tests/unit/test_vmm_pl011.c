/* The PL011 UART model: every register's reset value and behaviour, the
 * identification registers, output sinks and the receive FIFO. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/pl011.h"

static uint32_t rd(struct vmm_pl011 *u, uint64_t off)
{
	return (uint32_t)vmm_pl011_read(u, off, 4);
}

static void wr(struct vmm_pl011 *u, uint64_t off, uint32_t v)
{
	vmm_pl011_write(u, off, 4, v);
}

static void puts_uart(struct vmm_pl011 *u, const char *s)
{
	for (; *s; s++)
		wr(u, UARTDR, (uint8_t)*s);
}

static void registers_reset_to_trm_values(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	assert_int_equal(rd(&u, UARTDR), 0);
	assert_int_equal(rd(&u, UARTRSR), 0);
	assert_int_equal(rd(&u, UARTFR), UARTFR_TXFE | UARTFR_RXFE);
	assert_int_equal(rd(&u, UARTFR), 0x90);
	assert_int_equal(rd(&u, UARTILPR), 0);
	assert_int_equal(rd(&u, UARTIBRD), 0);
	assert_int_equal(rd(&u, UARTFBRD), 0);
	assert_int_equal(rd(&u, UARTLCR_H), 0);
	assert_int_equal(rd(&u, UARTCR), 0x0300);
	assert_int_equal(rd(&u, UARTIFLS), 0x12);
	assert_int_equal(rd(&u, UARTIMSC), 0);
	assert_int_equal(rd(&u, UARTRIS), 0);
	assert_int_equal(rd(&u, UARTMIS), 0);
	assert_int_equal(rd(&u, UARTICR), 0);
	assert_int_equal(rd(&u, UARTDMACR), 0);
	assert_false(vmm_pl011_irq_pending(&u));
	assert_int_equal(u.unknown, 0);
	assert_int_equal(u.bad_access, 0);
	vmm_pl011_destroy(&u);
}

static void identification_registers_match_a_pl011(void **state)
{
	(void)state;
	static const uint32_t want[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	uint32_t periph = 0, cell = 0;
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(rd(&u, 0xfe0 + 4 * i), want[i]);
		if (i < 4)
			periph |= rd(&u, 0xfe0 + 4 * i) << (8 * i);
		else
			cell |= rd(&u, 0xfe0 + 4 * i) << (8 * (i - 4));
	}
	/* Linux's AMBA bus reads these and matches id 0x00041011, mask 0x000fffff. */
	assert_int_equal(periph, 0x00341011);
	assert_int_equal(periph & 0x000fffff, 0x00041011);
	assert_int_equal(cell, 0xb105f00d);
	/* Read-only. */
	for (unsigned i = 0; i < 8; i++)
		wr(&u, 0xfe0 + 4 * i, 0xff);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(&u, 0xfe0 + 4 * i), want[i]);
	/* Byte reads see the same values. */
	assert_int_equal(vmm_pl011_read(&u, 0xff0, 1), 0x0d);
	assert_int_equal(u.unknown, 0);
	vmm_pl011_destroy(&u);
}

static void data_register_writes_go_to_the_file_a_line_at_a_time(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct vmm_pl011 u;
	vmm_pl011_init(&u, f);
	puts_uart(&u, "hello");
	fflush(f);
	assert_int_equal(len, 0); /* held until the line ends */
	puts_uart(&u, ", realm\nbye");
	fflush(f);
	assert_int_equal(len, strlen("hello, realm\n"));
	assert_memory_equal(buf, "hello, realm\n", len);
	vmm_pl011_flush(&u);
	fflush(f);
	assert_memory_equal(buf, "hello, realm\nbye", len);
	assert_int_equal(u.tx_bytes, strlen("hello, realm\nbye"));
	/* Only bits 7:0 of UARTDR are the character. */
	wr(&u, UARTDR, 0xf41);
	vmm_pl011_destroy(&u); /* flushes the partial line */
	fflush(f);
	assert_memory_equal(buf, "hello, realm\nbyeA", len);
	fclose(f);
	free(buf);
}

static void long_lines_are_written_when_the_buffer_fills(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vmm_pl011 u;
	vmm_pl011_init(&u, f);
	for (unsigned i = 0; i < PL011_LINE_MAX + 10; i++)
		wr(&u, UARTDR, 'x');
	fflush(f);
	assert_int_equal(len, PL011_LINE_MAX);
	vmm_pl011_destroy(&u);
	fflush(f);
	assert_int_equal(len, PL011_LINE_MAX + 10);
	fclose(f);
	free(buf);
}

struct sink {
	char bytes[64];
	size_t n;
};

static void to_sink(void *ctx, uint8_t c)
{
	struct sink *s = ctx;
	if (s->n < sizeof s->bytes)
		s->bytes[s->n++] = (char)c;
}

static void output_goes_to_a_callback_and_a_capture(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vmm_pl011 u;
	vmm_pl011_init(&u, f);
	struct sink s = { .n = 0 };
	vmm_pl011_set_output(&u, to_sink, &s);
	assert_int_equal(vmm_pl011_capture(&u, 8), 0);
	size_t n;
	assert_string_equal(vmm_pl011_captured(&u, &n), "");
	assert_int_equal(n, 0);
	puts_uart(&u, "abc\n");
	assert_int_equal(s.n, 4);
	assert_memory_equal(s.bytes, "abc\n", 4);
	assert_string_equal(vmm_pl011_captured(&u, &n), "abc\n");
	assert_int_equal(n, 4);
	assert_false(u.capture_truncated);
	puts_uart(&u, "defghij");
	assert_string_equal(vmm_pl011_captured(&u, &n), "abc\ndefg");
	assert_int_equal(n, 8);
	assert_true(u.capture_truncated);
	/* Back to the FILE*. */
	vmm_pl011_set_output(&u, NULL, NULL);
	puts_uart(&u, "z\n");
	fflush(f);
	assert_memory_equal(buf, "z\n", 2);
	assert_int_equal(s.n, 11);
	vmm_pl011_destroy(&u);
	fclose(f);
	free(buf);
	/* No capture: the empty string. */
	vmm_pl011_init(&u, NULL);
	puts_uart(&u, "lost");
	assert_string_equal(vmm_pl011_captured(&u, &n), "");
	assert_int_equal(n, 0);
	vmm_pl011_destroy(&u);
}

static void input_is_read_from_the_data_register(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	/* FIFOs disabled (reset): a single holding register. */
	assert_int_equal(vmm_pl011_input(&u, "ab", 2), 1);
	assert_int_equal(rd(&u, UARTFR), UARTFR_TXFE | UARTFR_RXFF);
	assert_int_equal(rd(&u, UARTDR), 'a');
	assert_int_equal(rd(&u, UARTFR), UARTFR_TXFE | UARTFR_RXFE);
	assert_int_equal(rd(&u, UARTDR), 0); /* nothing waiting */

	/* FIFOs enabled: 32 entries. */
	wr(&u, UARTLCR_H, UARTLCR_H_FEN);
	char in[40];
	for (unsigned i = 0; i < sizeof in; i++)
		in[i] = (char)('A' + i);
	assert_int_equal(vmm_pl011_input(&u, in, sizeof in), PL011_FIFO_DEPTH);
	assert_int_equal(rd(&u, UARTFR) & (UARTFR_RXFF | UARTFR_RXFE), UARTFR_RXFF);
	assert_int_equal(vmm_pl011_input(&u, "x", 1), 0);
	assert_int_equal(rd(&u, UARTDR), 'A');
	assert_int_equal(rd(&u, UARTFR) & (UARTFR_RXFF | UARTFR_RXFE), 0);
	/* The ring wraps. */
	assert_int_equal(vmm_pl011_input(&u, "!", 1), 1);
	for (unsigned i = 1; i < PL011_FIFO_DEPTH; i++)
		assert_int_equal(rd(&u, UARTDR), 'A' + i);
	assert_int_equal(rd(&u, UARTDR), '!');
	assert_int_equal(rd(&u, UARTFR) & UARTFR_RXFE, UARTFR_RXFE);

	/* Turning the FIFO off keeps only one character. */
	assert_int_equal(vmm_pl011_input(&u, "123", 3), 3);
	wr(&u, UARTLCR_H, 0);
	assert_int_equal(rd(&u, UARTDR), '1');
	assert_int_equal(rd(&u, UARTDR), 0);
	vmm_pl011_destroy(&u);
}

static void flag_register_never_reports_busy_or_full_transmit(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	for (unsigned i = 0; i < 100; i++) {
		wr(&u, UARTDR, 'x');
		uint32_t fr = rd(&u, UARTFR);
		assert_true(fr & UARTFR_TXFE);
		assert_false(fr & (UARTFR_TXFF | UARTFR_BUSY));
	}
	/* Read-only. */
	wr(&u, UARTFR, 0);
	assert_int_equal(rd(&u, UARTFR), 0x90);
	vmm_pl011_destroy(&u);
}

static void plain_registers_keep_their_width(void **state)
{
	(void)state;
	static const struct {
		uint64_t off;
		uint32_t mask;
	} regs[] = {
		{ UARTILPR, 0xff }, { UARTIBRD, 0xffff }, { UARTFBRD, 0x3f }, { UARTLCR_H, 0xff },
		{ UARTCR, 0xffff }, { UARTIFLS, 0x3f },   { UARTIMSC, 0x7ff }, { UARTDMACR, 0x7 },
	};
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		wr(&u, regs[i].off, 0xffffffff);
		assert_int_equal(rd(&u, regs[i].off), regs[i].mask);
		wr(&u, regs[i].off, 0x12345678);
		assert_int_equal(rd(&u, regs[i].off), 0x12345678 & regs[i].mask);
		wr(&u, regs[i].off, 0);
		assert_int_equal(rd(&u, regs[i].off), 0);
	}
	/* A typical Linux setup: 115200 baud from 24 MHz, 8N1 with FIFOs, enabled. */
	wr(&u, UARTIBRD, 13);
	wr(&u, UARTFBRD, 1);
	wr(&u, UARTLCR_H, 0x70);
	wr(&u, UARTCR, UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
	assert_int_equal(rd(&u, UARTIBRD), 13);
	assert_int_equal(rd(&u, UARTFBRD), 1);
	assert_int_equal(rd(&u, UARTLCR_H), 0x70);
	assert_int_equal(rd(&u, UARTCR), 0x301);
	/* UARTECR: a write clears the (always empty) error status. */
	wr(&u, UARTRSR, 0xff);
	assert_int_equal(rd(&u, UARTRSR), 0);
	assert_int_equal(u.unknown, 0);
	vmm_pl011_destroy(&u);
}

static void interrupt_status_raw_masked_and_clear(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	/* A transmitted character raises TXRIS; unmasked it is not pending. */
	wr(&u, UARTDR, 'x');
	assert_int_equal(rd(&u, UARTRIS), UART_INT_TX);
	assert_int_equal(rd(&u, UARTMIS), 0);
	assert_false(vmm_pl011_irq_pending(&u));
	wr(&u, UARTIMSC, UART_INT_TX | UART_INT_RX);
	assert_int_equal(rd(&u, UARTMIS), UART_INT_TX);
	assert_true(vmm_pl011_irq_pending(&u));
	/* RIS and MIS are read-only. */
	wr(&u, UARTRIS, 0);
	wr(&u, UARTMIS, 0);
	assert_int_equal(rd(&u, UARTRIS), UART_INT_TX);
	/* ICR clears the bits written, and reads as zero. */
	wr(&u, UARTICR, UART_INT_RX);
	assert_int_equal(rd(&u, UARTRIS), UART_INT_TX);
	wr(&u, UARTICR, UART_INT_TX);
	assert_int_equal(rd(&u, UARTRIS), 0);
	assert_int_equal(rd(&u, UARTICR), 0);
	assert_false(vmm_pl011_irq_pending(&u));
	/* Input raises RXRIS until the FIFO is drained. */
	wr(&u, UARTLCR_H, UARTLCR_H_FEN);
	vmm_pl011_input(&u, "hi", 2);
	assert_int_equal(rd(&u, UARTRIS), UART_INT_RX);
	assert_int_equal(rd(&u, UARTMIS), UART_INT_RX);
	assert_int_equal(rd(&u, UARTDR), 'h');
	assert_int_equal(rd(&u, UARTRIS), UART_INT_RX);
	assert_int_equal(rd(&u, UARTDR), 'i');
	assert_int_equal(rd(&u, UARTRIS), 0);
	/* ICR with every bit. */
	wr(&u, UARTDR, 'y');
	vmm_pl011_input(&u, "z", 1);
	wr(&u, UARTICR, UART_INT_ALL);
	assert_int_equal(rd(&u, UARTRIS), 0);
	vmm_pl011_destroy(&u);
}

static void unknown_offsets_read_zero_and_are_counted(void **state)
{
	(void)state;
	static const uint64_t holes[] = { 0x008, 0x00c, 0x010, 0x014, 0x01c, 0x04c,
					  0x080, 0x100, 0xfdc, 0x1000, 0x10000 };
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	for (size_t i = 0; i < sizeof holes / sizeof holes[0]; i++) {
		wr(&u, holes[i], 0xffffffff);
		assert_int_equal(rd(&u, holes[i]), 0);
		assert_int_equal(u.last_unknown, holes[i]);
	}
	assert_int_equal(u.unknown, 2 * (sizeof holes / sizeof holes[0]));
	/* Nothing else changed. */
	assert_int_equal(rd(&u, UARTCR), 0x300);
	assert_int_equal(u.tx_bytes, 0);
	vmm_pl011_destroy(&u);
}

static void unsupported_sizes_and_misaligned_accesses_are_counted(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	assert_int_equal(vmm_pl011_read(&u, UARTCR, 8), 0);
	assert_int_equal(vmm_pl011_read(&u, UARTCR, 3), 0);
	assert_int_equal(vmm_pl011_read(&u, UARTCR, 0), 0);
	assert_int_equal(vmm_pl011_read(&u, UARTCR + 2, 4), 0);
	assert_int_equal(vmm_pl011_read(&u, UARTCR + 1, 2), 0);
	vmm_pl011_write(&u, UARTCR, 8, 0);
	vmm_pl011_write(&u, UARTDR + 1, 2, 'x');
	assert_int_equal(u.bad_access, 7);
	assert_int_equal(rd(&u, UARTCR), 0x300);
	assert_int_equal(u.tx_bytes, 0);
	vmm_pl011_destroy(&u);
}

static void narrow_accesses_see_their_bytes(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	assert_null(u.capture);
	assert_int_equal(vmm_pl011_capture(&u, 16), 0);
	/* Byte and halfword reads. */
	assert_int_equal(vmm_pl011_read(&u, UARTCR, 1), 0x00);
	assert_int_equal(vmm_pl011_read(&u, UARTCR + 1, 1), 0x03);
	assert_int_equal(vmm_pl011_read(&u, UARTCR, 2), 0x300);
	assert_int_equal(vmm_pl011_read(&u, UARTFR, 1), 0x90);
	/* A byte write changes only its byte. */
	vmm_pl011_write(&u, UARTCR, 1, UARTCR_UARTEN);
	assert_int_equal(rd(&u, UARTCR), 0x301);
	vmm_pl011_write(&u, UARTCR + 1, 1, 0x01);
	assert_int_equal(rd(&u, UARTCR), 0x101);
	vmm_pl011_write(&u, UARTIBRD, 2, 0xabcd);
	assert_int_equal(rd(&u, UARTIBRD), 0xabcd);
	vmm_pl011_write(&u, UARTIBRD + 2, 2, 0xffff); /* beyond the 16-bit register */
	assert_int_equal(rd(&u, UARTIBRD), 0xabcd);
	/* UARTICR's upper byte clears interrupts 10:8. */
	u.ris = 0x7ff;
	vmm_pl011_write(&u, UARTICR + 1, 1, 0x07);
	assert_int_equal(rd(&u, UARTRIS), 0x0ff);
	/* Byte and halfword writes to UARTDR output the character. */
	vmm_pl011_write(&u, UARTDR, 1, 'o');
	vmm_pl011_write(&u, UARTDR, 2, 0x0100 | 'k');
	vmm_pl011_write(&u, UARTDR + 1, 1, 'X'); /* not the data byte: ignored */
	assert_string_equal(vmm_pl011_captured(&u, NULL), "ok");
	/* Only a read of UARTDR's data byte takes input. */
	vmm_pl011_input(&u, "q", 1);
	assert_int_equal(vmm_pl011_read(&u, UARTDR + 1, 1), 0);
	assert_int_equal(vmm_pl011_read(&u, UARTDR, 1), 'q');
	assert_int_equal(u.unknown, 0);
	vmm_pl011_destroy(&u);
}

static void reset_restores_registers_but_keeps_the_sink(void **state)
{
	(void)state;
	struct vmm_pl011 u;
	vmm_pl011_init(&u, NULL);
	assert_int_equal(vmm_pl011_capture(&u, 16), 0);
	wr(&u, UARTCR, 0x301);
	wr(&u, UARTIBRD, 13);
	wr(&u, UARTIMSC, 0x7ff);
	wr(&u, UARTIFLS, 0);
	wr(&u, UARTDR, 'a');
	vmm_pl011_input(&u, "b", 1);
	vmm_pl011_reset(&u);
	assert_int_equal(rd(&u, UARTCR), 0x300);
	assert_int_equal(rd(&u, UARTIBRD), 0);
	assert_int_equal(rd(&u, UARTIMSC), 0);
	assert_int_equal(rd(&u, UARTIFLS), 0x12);
	assert_int_equal(rd(&u, UARTRIS), 0);
	assert_int_equal(rd(&u, UARTFR), 0x90);
	assert_int_equal(rd(&u, UARTDR), 0);
	wr(&u, UARTDR, 'c');
	assert_string_equal(vmm_pl011_captured(&u, NULL), "ac");
	assert_int_equal(u.tx_bytes, 2);
	vmm_pl011_destroy(&u);
	vmm_pl011_destroy(&u); /* harmless twice */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers_reset_to_trm_values),
		cmocka_unit_test(identification_registers_match_a_pl011),
		cmocka_unit_test(data_register_writes_go_to_the_file_a_line_at_a_time),
		cmocka_unit_test(long_lines_are_written_when_the_buffer_fills),
		cmocka_unit_test(output_goes_to_a_callback_and_a_capture),
		cmocka_unit_test(input_is_read_from_the_data_register),
		cmocka_unit_test(flag_register_never_reports_busy_or_full_transmit),
		cmocka_unit_test(plain_registers_keep_their_width),
		cmocka_unit_test(interrupt_status_raw_masked_and_clear),
		cmocka_unit_test(unknown_offsets_read_zero_and_are_counted),
		cmocka_unit_test(unsupported_sizes_and_misaligned_accesses_are_counted),
		cmocka_unit_test(narrow_accesses_see_their_bytes),
		cmocka_unit_test(reset_restores_registers_but_keeps_the_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
