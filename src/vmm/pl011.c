/* The PL011 UART model. Facts from the PL011 Technical Reference Manual
 * (r1p5): register map and reset values (chapter 3), interrupt conditions
 * (section 3.4). Transmission is instantaneous, so the transmit side is
 * always empty and idle; the receive side is a FIFO the host fills. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/pl011.h"

/* UARTPeriphID0-3 then UARTPCellID0-3 (TRM section 3.3.14-3.3.15): part
 * number 0x011, designer 0x41 (Arm), revision 3 (r1p5), configuration 0;
 * then the PrimeCell identification 0xB105F00D. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* Register widths (TRM table 3-1): the bits a write keeps. */
#define ILPR_MASK 0xffu
#define IBRD_MASK 0xffffu
#define FBRD_MASK 0x3fu
#define LCR_H_MASK 0xffu
#define CR_MASK 0xffffu
#define IFLS_MASK 0x3fu
#define DMACR_MASK 0x7u

void vmm_pl011_reset(struct vmm_pl011 *u)
{
	u->ilpr = 0;
	u->ibrd = 0;
	u->fbrd = 0;
	u->lcr_h = 0;
	u->cr = UARTCR_RESET;
	u->ifls = UARTIFLS_RESET;
	u->imsc = 0;
	u->ris = 0;
	u->dmacr = 0;
	u->rsr = 0;
	u->rx_head = 0;
	u->rx_count = 0;
}

void vmm_pl011_init(struct vmm_pl011 *u, FILE *out)
{
	memset(u, 0, sizeof *u);
	u->file = out;
	vmm_pl011_reset(u);
}

void vmm_pl011_flush(struct vmm_pl011 *u)
{
	if (u->file && u->line_len) {
		fwrite(u->line, 1, u->line_len, u->file);
		fflush(u->file);
	}
	u->line_len = 0;
}

void vmm_pl011_destroy(struct vmm_pl011 *u)
{
	vmm_pl011_flush(u);
	free(u->capture);
	u->capture = NULL;
	u->capture_len = u->capture_max = 0;
}

void vmm_pl011_set_output(struct vmm_pl011 *u, vmm_pl011_output_fn fn, void *ctx)
{
	vmm_pl011_flush(u);
	u->out = fn;
	u->out_ctx = ctx;
}

int vmm_pl011_capture(struct vmm_pl011 *u, size_t max)
{
	char *buf = max < SIZE_MAX ? malloc(max + 1) : NULL;
	if (!buf)
		return -ENOMEM;
	free(u->capture);
	u->capture = buf;
	u->capture[0] = '\0';
	u->capture_len = 0;
	u->capture_max = max;
	u->capture_truncated = false;
	return 0;
}

const char *vmm_pl011_captured(const struct vmm_pl011 *u, size_t *len)
{
	if (len)
		*len = u->capture ? u->capture_len : 0;
	return u->capture ? u->capture : "";
}

static void emit(struct vmm_pl011 *u, uint8_t c)
{
	u->tx_bytes++;
	if (u->capture) {
		if (u->capture_len < u->capture_max) {
			u->capture[u->capture_len++] = (char)c;
			u->capture[u->capture_len] = '\0';
		} else {
			u->capture_truncated = true;
		}
	}
	if (u->out) {
		u->out(u->out_ctx, c);
		return;
	}
	if (!u->file)
		return;
	u->line[u->line_len++] = (char)c;
	if (c == '\n' || u->line_len == sizeof u->line)
		vmm_pl011_flush(u);
}

static unsigned rx_depth(const struct vmm_pl011 *u)
{
	return u->lcr_h & UARTLCR_H_FEN ? PL011_FIFO_DEPTH : 1;
}

size_t vmm_pl011_input(struct vmm_pl011 *u, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	size_t done = 0;
	while (done < n && u->rx_count < rx_depth(u)) {
		u->rx[(u->rx_head + u->rx_count) % PL011_FIFO_DEPTH] = p[done++];
		u->rx_count++;
	}
	/* Receive interrupt: data is waiting (section 3.4.2, UARTRXINTR). */
	if (done)
		u->ris |= UART_INT_RX;
	return done;
}

bool vmm_pl011_irq_pending(const struct vmm_pl011 *u)
{
	return (u->ris & u->imsc) != 0;
}

static uint32_t flags(const struct vmm_pl011 *u)
{
	uint32_t fr = UARTFR_TXFE; /* transmit FIFO always empty, never busy */
	if (u->rx_count == 0)
		fr |= UARTFR_RXFE;
	if (u->rx_count >= rx_depth(u))
		fr |= UARTFR_RXFF;
	return fr;
}

static uint32_t read_dr(struct vmm_pl011 *u)
{
	if (u->rx_count == 0)
		return 0;
	uint8_t c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % PL011_FIFO_DEPTH;
	u->rx_count--;
	/* The receive interrupt clears once the FIFO is drained. */
	if (u->rx_count == 0)
		u->ris &= ~(uint32_t)(UART_INT_RX | UART_INT_RT);
	return c; /* no framing, parity, break or overrun errors: bits 11:8 zero */
}

/* Reads the 32-bit register at reg (4-byte aligned); *known says whether
 * there is one. side_effects: a read of UARTDR's data byte pops the FIFO. */
static uint32_t reg_read(struct vmm_pl011 *u, uint64_t reg, bool side_effects, bool *known)
{
	*known = true;
	switch (reg) {
	case UARTDR: return side_effects ? read_dr(u) : 0;
	case UARTRSR: return u->rsr;
	case UARTFR: return flags(u);
	case UARTILPR: return u->ilpr;
	case UARTIBRD: return u->ibrd;
	case UARTFBRD: return u->fbrd;
	case UARTLCR_H: return u->lcr_h;
	case UARTCR: return u->cr;
	case UARTIFLS: return u->ifls;
	case UARTIMSC: return u->imsc;
	case UARTRIS: return u->ris;
	case UARTMIS: return u->ris & u->imsc;
	case UARTICR: return 0; /* write-only */
	case UARTDMACR: return u->dmacr;
	}
	if (reg >= UARTPERIPHID0 && reg <= 0xffc)
		return pl011_id[(reg - UARTPERIPHID0) / 4];
	*known = false;
	return 0;
}

/* Writes a whole 32-bit register value; returns whether there is one. */
static bool reg_write(struct vmm_pl011 *u, uint64_t reg, uint32_t v)
{
	switch (reg) {
	case UARTDR:
		/* Output even before the guest enables the UART (UARTCR.UARTEN,
		 * TXE), as minimal boot code expects of an emulated console. */
		emit(u, (uint8_t)v);
		/* Transmit interrupt: the FIFO drained at once (section 3.4.3). */
		u->ris |= UART_INT_TX;
		return true;
	case UARTRSR: u->rsr = 0; return true; /* UARTECR: clears the errors */
	case UARTFR: return true;              /* read-only */
	case UARTILPR: u->ilpr = v & ILPR_MASK; return true;
	case UARTIBRD: u->ibrd = v & IBRD_MASK; return true;
	case UARTFBRD: u->fbrd = v & FBRD_MASK; return true;
	case UARTLCR_H:
		u->lcr_h = v & LCR_H_MASK;
		/* With the FIFO off only one received character is held. */
		if (u->rx_count > rx_depth(u))
			u->rx_count = rx_depth(u);
		return true;
	case UARTCR: u->cr = v & CR_MASK; return true;
	case UARTIFLS: u->ifls = v & IFLS_MASK; return true;
	case UARTIMSC: u->imsc = v & UART_INT_ALL; return true;
	case UARTRIS:
	case UARTMIS: return true; /* read-only */
	case UARTICR: u->ris &= ~(v & UART_INT_ALL); return true;
	case UARTDMACR: u->dmacr = v & DMACR_MASK; return true;
	}
	if (reg >= UARTPERIPHID0 && reg <= 0xffc)
		return true; /* read-only identification */
	return false;
}

static bool access_ok(struct vmm_pl011 *u, uint64_t offset, unsigned size)
{
	if ((size != 1 && size != 2 && size != 4) || (offset & (size - 1))) {
		u->bad_access++;
		return false;
	}
	if (offset >= PL011_FRAME_SIZE) {
		u->unknown++;
		u->last_unknown = offset;
		return false;
	}
	return true;
}

static uint32_t size_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

uint64_t vmm_pl011_read(struct vmm_pl011 *u, uint64_t offset, unsigned size)
{
	if (!access_ok(u, offset, size))
		return 0;
	uint64_t reg = offset & ~UINT64_C(3);
	unsigned shift = (unsigned)(offset & 3) * 8;
	bool known;
	/* Only an access that covers UARTDR's data byte takes it. */
	uint32_t v = reg_read(u, reg, shift == 0, &known);
	if (!known) {
		u->unknown++;
		u->last_unknown = offset;
		return 0;
	}
	return (v >> shift) & size_mask(size);
}

void vmm_pl011_write(struct vmm_pl011 *u, uint64_t offset, unsigned size, uint64_t value)
{
	if (!access_ok(u, offset, size))
		return;
	uint64_t reg = offset & ~UINT64_C(3);
	unsigned shift = (unsigned)(offset & 3) * 8;
	uint32_t mask = size_mask(size) << shift;
	uint32_t v = ((uint32_t)value << shift) & mask;
	bool known = true;
	if (reg == UARTDR) {
		if (shift == 0) /* bits 7:0 are the character; the rest are ignored */
			reg_write(u, reg, v);
		return;
	}
	if (reg != UARTICR && size != 4) {
		/* A narrow write changes only its bytes of the register. */
		uint32_t cur = reg_read(u, reg, false, &known);
		v |= cur & ~mask;
	}
	if (known && reg_write(u, reg, v))
		return;
	u->unknown++;
	u->last_unknown = offset;
}
