/* Normal world user space (the VMM, kvmtool's role): runs a guest image as a
 * realm, from the ELF file to the guest's SYSTEM_OFF.
 *
 *   struct vmm_run_result res;
 *   char err[VMM_RUN_ERR_MAX];
 *   if (vmm_run(&opts, &io, &res, err, sizeof err) != 0)
 *           fprintf(stderr, "ccakit run: %s\n", err);
 *   else
 *           exit(res.status);
 *
 * The guest's console goes to io.console; with opts.trace, every RMI call,
 * REC exit and RSI call goes to io.trace, one decoded line each (and a
 * made-up challenge is told there too). */
#ifndef CCAKIT_VMM_RUN_H
#define CCAKIT_VMM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/attest_calls.h"
#include "vmm/options.h"

#define VMM_RUN_ERR_MAX 512

struct vmm_io {
	FILE *console; /* the guest's UART output (NULL: discarded) */
	FILE *trace;   /* --trace output (NULL: stderr) */
	size_t capture; /* also keep up to this many console bytes in the result */
	/* The challenge host call's answer and where the guest's token goes
	 * (attest_calls.h); NULL: a made-up challenge, the token kept nowhere. */
	const struct vmm_attest_config *attest;
};

/* How the realm ended, and what it did on the way. */
struct vmm_run_result {
	bool status_reported; /* the guest reported an exit status */
	uint32_t status;      /* that status (else GUEST_EXIT_FAILURE) */
	bool reset;           /* it asked for SYSTEM_RESET rather than OFF */
	uint64_t entries;     /* REC_ENTERs */
	uint64_t exits[8];    /* by RmiRecExitReason */
	uint64_t mmio;        /* emulated MMIO accesses */
	uint64_t host_calls;
	char *console;        /* captured console output (io.capture), malloc'd */
	size_t console_len;
};

/* Runs o->kernel as o->mode says until the guest's SYSTEM_OFF or RESET.
 * Returns 0 with *res filled, or a negative errno with a sentence in err
 * (a bad image, too little memory, a REC exit the VMM cannot serve). The
 * machine is torn down completely either way. */
int vmm_run(const struct vmm_options *o, const struct vmm_io *io, struct vmm_run_result *res,
	    char *err, size_t errlen);
void vmm_run_result_free(struct vmm_run_result *res);

#endif
