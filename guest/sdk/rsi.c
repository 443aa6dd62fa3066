/* RSI 1.0 wrappers: registers as section 4 of the spec notes lays them out. */
#include "guest/rsi.h"
#include "guest/smc.h"

uint64_t rsi_version(uint64_t req, uint64_t *lower, uint64_t *higher)
{
	uint64_t r[4];
	uint64_t st = smc_call4(RSI_VERSION, req, 0, 0, 0, r);
	if (lower)
		*lower = r[1];
	if (higher)
		*higher = r[2];
	return st;
}

uint64_t rsi_features(uint64_t index, uint64_t *value)
{
	uint64_t r[4];
	uint64_t st = smc_call4(RSI_FEATURES, index, 0, 0, 0, r);
	if (value)
		*value = r[1];
	return st;
}

uint64_t rsi_measurement_read(unsigned index, uint8_t out[RSI_MEASUREMENT_MAX_SIZE])
{
	struct smc_regs r;
	uint64_t st = smc_call7(RSI_MEASUREMENT_READ, index, 0, 0, 0, 0, 0, 0, &r);
	/* X1..X8, each a little-endian word; bytewise, as out may be unaligned. */
	for (unsigned i = 0; i < RSI_MEASUREMENT_MAX_SIZE; i++)
		out[i] = st == RSI_SUCCESS ? (uint8_t)(r.x[1 + i / 8] >> (8 * (i % 8))) : 0;
	return st;
}

uint64_t rsi_measurement_extend(unsigned index, const void *value, size_t size)
{
	struct smc_regs r = { .x = { RSI_MEASUREMENT_EXTEND, index, size } };
	const uint8_t *v = value;
	/* X3..X10 carry the value, little-endian, zero beyond size. A size the
	 * RMM will refuse (> 64) is still passed on, for it to say so. */
	for (size_t i = 0; i < size && i < RSI_MEASUREMENT_MAX_SIZE; i++)
		r.x[3 + i / 8] |= (uint64_t)v[i] << (8 * (i % 8));
	smc_call(&r);
	return r.x[0];
}

uint64_t rsi_attestation_token_init(const uint8_t challenge[RSI_CHALLENGE_SIZE],
				    uint64_t *upper_bound)
{
	struct smc_regs r = { .x = { RSI_ATTESTATION_TOKEN_INIT } };
	for (unsigned i = 0; i < RSI_CHALLENGE_SIZE; i++)
		r.x[1 + i / 8] |= (uint64_t)challenge[i] << (8 * (i % 8));
	smc_call(&r);
	if (upper_bound)
		*upper_bound = r.x[1];
	return r.x[0];
}

uint64_t rsi_attestation_token_continue(uint64_t buf_ipa, uint64_t offset, uint64_t size,
					uint64_t *len)
{
	uint64_t r[4];
	uint64_t st = smc_call4(RSI_ATTESTATION_TOKEN_CONTINUE, buf_ipa, offset, size, 0, r);
	if (len)
		*len = r[1];
	return st;
}

uint64_t rsi_realm_config(struct rsi_realm_config *cfg)
{
	return smc_call4(RSI_REALM_CONFIG, (uintptr_t)cfg, 0, 0, 0, NULL);
}

uint64_t rsi_ipa_state_set(uint64_t base, uint64_t top, enum rsi_ripas ripas, uint64_t flags,
			   uint64_t *new_base, uint64_t *response)
{
	uint64_t r[4];
	uint64_t st = smc_call4(RSI_IPA_STATE_SET, base, top, ripas, flags, r);
	if (new_base)
		*new_base = r[1];
	if (response)
		*response = r[2];
	return st;
}

uint64_t rsi_ipa_state_get(uint64_t base, uint64_t end, uint64_t *top, enum rsi_ripas *ripas)
{
	uint64_t r[4];
	uint64_t st = smc_call4(RSI_IPA_STATE_GET, base, end, 0, 0, r);
	if (top)
		*top = r[1];
	if (ripas)
		*ripas = (enum rsi_ripas)r[2];
	return st;
}

uint64_t rsi_host_call(struct rsi_host_call *call)
{
	return smc_call4(RSI_HOST_CALL, (uintptr_t)call, 0, 0, 0, NULL);
}
