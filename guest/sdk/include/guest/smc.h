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
