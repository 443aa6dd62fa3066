/* Decoding the AArch64 instruction behind a data abort or a trapped
 * system-register access, to build the ISS the hardware would have reported
 * (unicorn keeps the syndrome to itself: see docs/unicorn-notes.md) and the
 * virtual address a load or store accessed. */
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

/* An MRS or MSR (register) instruction. */
struct sysreg_access {
	unsigned op0, op1, crn, crm, op2;
	unsigned rt;   /* 31 = XZR */
	bool read;     /* MRS */
};

/* Decodes an MRS or MSR (register); false for any other instruction,
 * MSR (immediate) and SYS included. */
bool decode_sysreg(uint32_t insn, struct sysreg_access *out);

/* The ISS of an EC 0x18 trapped MSR/MRS for a: Op0 [21:20], Op2 [19:17],
 * Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read). */
uint32_t sysreg_iss(const struct sysreg_access *a);

#endif
