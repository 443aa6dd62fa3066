/* ccakit: the RMI 1.0 ABI for embedders, and a decoder that names calls (for
 * traces and error messages).
 *
 * <ccakit/abi/rmi.h> holds the ABI itself, exactly as the RMM uses it:
 * function IDs (RMI_DATA_CREATE, ...), status codes and rmi_return(),
 * RmiRealmParams, RmiRecParams and RmiRecRun as C structures whose every
 * offset is checked against the spec, RIPAS and RTT entry states, feature
 * register fields. Names are the spec's. */
#ifndef CCAKIT_RMI_H
#define CCAKIT_RMI_H

#include <stddef.h>
#include <stdint.h>

#include "ccakit/abi/rmi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ccakit_rmi_command {
	uint32_t fid;
	const char *name;           /* "RMI_DATA_CREATE" */
	unsigned nargs;
	unsigned nresults;
	const char *const *args;    /* nargs names, as the spec spells them */
	const char *const *results; /* nresults names */
};

/* The command with this function ID (SVE hint bit ignored), or NULL. */
const struct ccakit_rmi_command *ccakit_rmi_command(uint64_t fid);

/* "RMI_SUCCESS", "RMI_ERROR_INPUT", ... for the status byte of X0. */
const char *ccakit_rmi_status_name(uint64_t x0);

/* Formats one call: "RMI_DATA_CREATE(rd=0x..., data=0x..., ...) = RMI_ERROR_RTT
 * (level 2)" plus results on success. in and out are X0..X17 before and after.
 * Returns the length snprintf would. */
int ccakit_rmi_format(char *buf, size_t len, const uint64_t in[18], const uint64_t out[18]);

#ifdef __cplusplus
}
#endif

#endif
