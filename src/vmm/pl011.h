/* Normal world user space (the VMM): the console, an Arm PrimeCell UART
 * (PL011) model after the PL011 Technical Reference Manual (r1p5).
 *
 * The host hands the VMM each emulatable MMIO access the guest makes to the
 * UART's 4 KiB frame as (offset, size, value); the model answers it:
 *   UARTDR     write: a byte of output; read: the next input byte, else 0
 *   UARTFR     TXFE set and TXFF, BUSY clear (output is never held up);
 *              RXFE set while no input is waiting, RXFF while input is full
 *   UARTRSR/ECR, ILPR, IBRD, FBRD, LCR_H, CR, IFLS, IMSC, DMACR: registers
 *              with the TRM's widths and reset values
 *   UARTRIS/MIS/ICR: the raw, masked and clear-interrupt registers; TXRIS
 *              is raised when a write drains the FIFO, RXRIS while input waits
 *   0xFE0-0xFFC: UARTPeriphID0-3 and UARTPCellID0-3 as on a PL011 r1p5, so
 *              Linux's AMBA bus matches the device (id 0x00341011)
 * Anything else reads as zero and ignores writes, and is counted in
 * `unknown` so tests and --trace can see a guest poking at nothing.
 *
 * Output goes, byte by byte, to a callback. By default it is line-buffered
 * into a FILE* (flushed at each newline, when the line buffer fills, and by
 * vmm_pl011_flush); a capture buffer can keep a copy for tests or JSON.
 *
 * Not thread-safe: the VMM serialises a UART's accesses (a realm's RECs take
 * turns on the CPU). */
#ifndef CCAKIT_VMM_PL011_H
#define CCAKIT_VMM_PL011_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Register offsets (TRM table 3-1). */
#define UARTDR 0x000
#define UARTRSR 0x004 /* read: receive status; write: UARTECR, error clear */
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0
#define UARTPCELLID0 0xff0

#define PL011_FRAME_SIZE 0x1000

/* UARTFR bits. */
#define UARTFR_CTS (1u << 0)
#define UARTFR_DSR (1u << 1)
#define UARTFR_DCD (1u << 2)
#define UARTFR_BUSY (1u << 3)
#define UARTFR_RXFE (1u << 4)
#define UARTFR_TXFF (1u << 5)
#define UARTFR_RXFF (1u << 6)
#define UARTFR_TXFE (1u << 7)
#define UARTFR_RI (1u << 8)

/* UARTLCR_H bits. */
#define UARTLCR_H_FEN (1u << 4)

/* UARTCR bits. */
#define UARTCR_UARTEN (1u << 0)
#define UARTCR_TXE (1u << 8)
#define UARTCR_RXE (1u << 9)

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
#define UART_INT_RX (1u << 4)
#define UART_INT_TX (1u << 5)
#define UART_INT_RT (1u << 6)
#define UART_INT_ALL 0x7ffu

/* Reset values (TRM). */
#define UARTCR_RESET 0x0300u
#define UARTIFLS_RESET 0x12u

#define PL011_FIFO_DEPTH 32
#define PL011_LINE_MAX 256

/* Receives each byte the guest writes to UARTDR. */
typedef void (*vmm_pl011_output_fn)(void *ctx, uint8_t byte);

struct vmm_pl011 {
	/* registers */
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr, rsr;

	/* receive FIFO: input from the host side, waiting for the guest */
	uint8_t rx[PL011_FIFO_DEPTH];
	unsigned rx_head, rx_count;

	/* output */
	vmm_pl011_output_fn out;
	void *out_ctx;
	FILE *file;                  /* the default sink */
	char line[PL011_LINE_MAX];   /* its line buffer */
	size_t line_len;
	char *capture;               /* optional copy of all output, NUL-terminated */
	size_t capture_len, capture_max;
	bool capture_truncated;

	/* counters for tests and tracing */
	uint64_t tx_bytes;           /* bytes written to UARTDR */
	uint64_t unknown;            /* accesses to offsets with no register */
	uint64_t bad_access;         /* unsupported sizes or misaligned accesses */
	uint64_t last_unknown;       /* offset of the latest such access */
};

/* Resets the UART; output goes line-buffered to out (NULL: nowhere). */
void vmm_pl011_init(struct vmm_pl011 *u, FILE *out);
/* Flushes pending output and frees the capture buffer. */
void vmm_pl011_destroy(struct vmm_pl011 *u);
/* Puts every register back to its reset value and empties the receive FIFO
 * (output settings and counters stay). */
void vmm_pl011_reset(struct vmm_pl011 *u);

/* Sends output to fn instead of the FILE* (NULL fn: back to the FILE*). */
void vmm_pl011_set_output(struct vmm_pl011 *u, vmm_pl011_output_fn fn, void *ctx);
/* Also keeps the first max bytes of output; returns 0 or -ENOMEM. */
int vmm_pl011_capture(struct vmm_pl011 *u, size_t max);
/* The captured output (NUL-terminated) and its length; "" without capture. */
const char *vmm_pl011_captured(const struct vmm_pl011 *u, size_t *len);
/* Writes out a partial line held for the FILE*. */
void vmm_pl011_flush(struct vmm_pl011 *u);

/* Input for the guest: queues up to n bytes in the receive FIFO (1 entry
 * with the FIFOs disabled, 32 with UARTLCR_H.FEN) and returns how many fit. */
size_t vmm_pl011_input(struct vmm_pl011 *u, const void *buf, size_t n);

/* The guest's MMIO accesses: offset in the 4 KiB frame, size 1, 2 or 4
 * bytes, naturally aligned (others count as bad_access: reads give 0). */
uint64_t vmm_pl011_read(struct vmm_pl011 *u, uint64_t offset, unsigned size);
void vmm_pl011_write(struct vmm_pl011 *u, uint64_t offset, unsigned size, uint64_t value);

/* UARTMIS != 0: the level of the UART's interrupt line. */
bool vmm_pl011_irq_pending(const struct vmm_pl011 *u);

#endif
