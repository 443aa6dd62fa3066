/* Decoding the AArch64 instruction behind a data abort, to build the ISS the
 * hardware would have reported (unicorn keeps the syndrome to itself: see
 * docs/unicorn-notes.md) and the virtual address it accessed. */
#ifndef CCAKIT_CPU_DECODE_H
#define CCAKIT_CPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* A load or store, as Arm ARM's data-abort ISS describes it. */
struct ldst {
	bool isv;      /* syndrome valid: a single general-purpose register load
			  or store, no writeback, not exclusive, not a pair */
	bool write;    /* WnR */
	unsigned sas;  /* access size: 0 byte, 1 halfword, 2 word, 3 doubleword */
	bool sse;      /* sign-extended load */
	unsigned srt;  /* the register transferred (31 = XZR/WZR for ldst) */
	bool sf;       /* the register is 64 bits wide */
	bool ar;       /* acquire/release semantics */
	unsigned rn;   /* base register (31 = SP) */
	uint64_t va;   /* the virtual address accessed */
};

/* Register values the decoder needs: X0..X30 and SP (as register 31). */
typedef uint64_t (*decode_reg_fn)(void *ctx, unsigned n, bool is_sp);

/* Decodes `insn`. Returns false if it is not a load or store of memory (or
 * is one the syndrome cannot describe and whose address is unknown); true
 * with *out filled otherwise (out->isv says whether the ISS fields are
 * valid). */
bool decode_ldst(uint32_t insn, decode_reg_fn reg, void *ctx, struct ldst *out);

/* The ISS bits [24:0] of a data abort for out (ISV, SAS, SSE, SRT, SF, AR,
 * WnR), with the fault status code `dfsc`. */
uint32_t ldst_iss(const struct ldst *l, unsigned dfsc);

/* WFI or WFE (for the trapped-instruction exit); *is_wfe says which. */
bool decode_wfx(uint32_t insn, bool *is_wfe);

#endif
