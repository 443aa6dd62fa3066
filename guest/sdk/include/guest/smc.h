/* SMC calls from the guest: the conduit of RSI and PSCI (the device tree's
 * /psci says method "smc"). */
#ifndef GUEST_SMC_H
#define GUEST_SMC_H

#include <stddef.h>
#include <stdint.h>

#include "ccakit/abi/smccc.h"

/* Loads regs->x[0..17] into X0..X17, makes SMC #0, and stores X0..X17 back
 * (smc.S). */
void smc_call(struct smc_regs *regs);

/* The fast case: a function ID and up to four arguments, X0..X3 back in
 * ret[0..3] (NULL: X0 only). Registers only: SMC-CC 1.2 lets the callee
 * change X4..X17, and a call that touches no memory costs the guest no
 * stores (each store is a slow path in the engine; docs/unicorn-notes.md). */
static inline uint64_t smc_call4(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
				 uint64_t *ret)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
			 :
			 : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	if (ret) {
		ret[0] = x0;
		ret[1] = x1;
		ret[2] = x2;
		ret[3] = x3;
	}
	return x0;
}

/* The common case: a function ID and up to seven arguments; X0 comes back
 * and, with out non-NULL, X0..X17 of the result too. */
static inline uint64_t smc_call7(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
				 uint64_t a5, uint64_t a6, uint64_t a7, struct smc_regs *out)
{
	struct smc_regs r = { .x = { fid, a1, a2, a3, a4, a5, a6, a7 } };
	smc_call(&r);
	if (out)
		*out = r;
	return r.x[0];
}

#endif
