/* RSI 1.0 calls (guest/rsi.c): one wrapper per command, in the spec's order
 * and words. Each returns X0 as the RMM gave it: an RSI status (enum
 * rsi_status), or SMC_UNKNOWN when nothing answers RSI (not a realm).
 * Buffers are IPAs; with the MMU off an IPA is the pointer itself. */
#ifndef GUEST_RSI_H
#define GUEST_RSI_H

#include <stddef.h>
#include <stdint.h>

#include "ccakit/abi/rsi.h"
#include "ccakit/abi/smccc.h"

/* RSI_VERSION: req = the version the caller wants (RSI_ABI_VERSION); lower
 * and higher (either may be NULL) = the versions the RMM implements. */
uint64_t rsi_version(uint64_t req, uint64_t *lower, uint64_t *higher);

/* RSI_FEATURES: RsiFeatureRegister index -> value (0 for every index in 1.0). */
uint64_t rsi_features(uint64_t index, uint64_t *value);

/* RSI_MEASUREMENT_READ: slot 0 = RIM, 1..4 = REM0..3; out gets all 64 bytes
 * (a hash shorter than 64 bytes is followed by zeros). */
uint64_t rsi_measurement_read(unsigned index, uint8_t out[RSI_MEASUREMENT_MAX_SIZE]);

/* RSI_MEASUREMENT_EXTEND: REM index (1..4) extended with size (<= 64) bytes. */
uint64_t rsi_measurement_extend(unsigned index, const void *value, size_t size);

/* RSI_ATTESTATION_TOKEN_INIT: starts a token for the 64-byte challenge;
 * upper_bound (may be NULL) = the most bytes the token can take. */
uint64_t rsi_attestation_token_init(const uint8_t challenge[RSI_CHALLENGE_SIZE],
				    uint64_t *upper_bound);

/* RSI_ATTESTATION_TOKEN_CONTINUE: copies up to size bytes of the token to
 * granule buf_ipa at offset; len = bytes copied. RSI_INCOMPLETE while bytes
 * remain (or signing was interrupted: then len is 0; call again). */
uint64_t rsi_attestation_token_continue(uint64_t buf_ipa, uint64_t offset, uint64_t size,
					uint64_t *len);

/* RSI_REALM_CONFIG: writes the 4 KiB RsiRealmConfig at cfg (granule-aligned). */
uint64_t rsi_realm_config(struct rsi_realm_config *cfg);

/* RSI_IPA_STATE_SET: asks for [base, top) to become ripas; the host may do
 * part of it. new_base = where the change stopped (top when all is done),
 * response = RSI_ACCEPT or RSI_REJECT. One call, one REC exit: see
 * realm_ipa_state_set (guest/realm.h) for the loop that finishes a range. */
uint64_t rsi_ipa_state_set(uint64_t base, uint64_t top, enum rsi_ripas ripas, uint64_t flags,
			   uint64_t *new_base, uint64_t *response);

/* RSI_IPA_STATE_GET: the RIPAS at base and top = the end of the run of
 * granules from base (below end) that have it. */
uint64_t rsi_ipa_state_get(uint64_t base, uint64_t end, uint64_t *top, enum rsi_ripas *ripas);

/* RSI_HOST_CALL: hands call->imm and call->gprs to the host and gets gprs
 * back. call must be 256-byte aligned, in protected RAM. */
uint64_t rsi_host_call(struct rsi_host_call *call);

#endif
