/* Normal world user space: the host calls through which an attesting guest
 * gets its challenge from the user and hands its attestation token back
 * (GUEST_HOST_CALL_CHALLENGE, GUEST_HOST_CALL_TOKEN_PART in
 * include/ccakit/guest.h), and the `ccakit run` options behind them:
 *
 *   --challenge HEX   the challenge, exactly 64 bytes (128 hex digits);
 *                     without it the VMM makes one up and says so on stderr
 *   --token-out FILE  the token, written (temp file + rename) once the
 *                     guest has given all of it; the run fails if it never
 *                     does
 *
 * Both are options of `ccakit run` only: vmm_attest_options is the table a
 * command passes to vmm_options_parse (struct vmm_options_command), with
 * vmm_attest_option as its handler and a struct vmm_attest_config as ctx. */
#ifndef CCAKIT_VMM_ATTEST_CALLS_H
#define CCAKIT_VMM_ATTEST_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ccakit/guest.h"
#include "vmm/options.h"

struct vmm_attest_config {
	uint8_t challenge[GUEST_CHALLENGE_SIZE];
	bool challenge_given;
	const char *token_out; /* NULL: the token is not kept */
};

#define VMM_ATTEST_OPTION_COUNT 2
extern const struct vmm_option_def vmm_attest_options[VMM_ATTEST_OPTION_COUNT];

/* vmm_option_handler for vmm_attest_options; ctx is a struct
 * vmm_attest_config. */
int vmm_attest_option(void *ctx, int id, const char *value, char *err, size_t errlen);

/* One run's side of the calls. */
struct vmm_attest {
	const struct vmm_attest_config *cfg; /* NULL: no options given */
	FILE *notes;                         /* where a made-up challenge is told */
	uint8_t challenge[GUEST_CHALLENGE_SIZE];
	bool challenge_ready;
	uint8_t *token;                      /* the token being given, total bytes */
	size_t total, received;
	bool complete;
};

void vmm_attest_init(struct vmm_attest *a, const struct vmm_attest_config *cfg, FILE *notes);
void vmm_attest_destroy(struct vmm_attest *a);

/* GUEST_HOST_CALL_CHALLENGE: the answer in out[0..8]. Returns 0, or a
 * negative errno with a sentence in err (no randomness to make one up). */
int vmm_attest_challenge(struct vmm_attest *a, uint64_t out[9], char *err, size_t errlen);

/* GUEST_HOST_CALL_TOKEN_PART with the exit's gprs in `in`: *answer is the
 * guest's gprs[0]. Returns 0 (the part accepted or refused: the guest is
 * told which), or a negative errno with a sentence in err when the
 * complete token could not be written to --token-out. */
int vmm_attest_token_part(struct vmm_attest *a, const uint64_t in[30], uint64_t *answer,
			  char *err, size_t errlen);

/* At the end of a run: with --token-out, a complete token must have come.
 * Returns 0, or -ENODATA with a sentence in err. */
int vmm_attest_finish(const struct vmm_attest *a, char *err, size_t errlen);

#endif
