/* bench_attest: BENCH_ATTEST_TOKENS attestation tokens, each timed with the
 * virtual counter from RSI_ATTESTATION_TOKEN_INIT to the CONTINUE that
 * returns its last byte (realm_attestation_token). One line per token on
 * the console, "attest TICKS HZ BYTES", for ccakit-bench's "realm token"
 * row. The first token of a boot includes the RMM fetching its key and the
 * platform token from EL3. Exits 0, or 1 if a token failed. */
#include "guest/sdk.h"

#define BENCH_ATTEST_TOKENS 50u

static uint8_t token[2 * RSI_GRANULE_SIZE] __attribute__((aligned(RSI_GRANULE_SIZE)));

int main(const void *fdt)
{
	uint8_t challenge[RSI_CHALLENGE_SIZE];
	uint64_t hz = timer_frequency();
	(void)fdt;

	for (unsigned i = 0; i < RSI_CHALLENGE_SIZE; i++)
		challenge[i] = (uint8_t)(0xc0 + i);
	for (unsigned i = 0; i < BENCH_ATTEST_TOKENS; i++) {
		size_t len;
		challenge[0] = (uint8_t)i; /* a new challenge each time */
		uint64_t t0 = timer_count();
		uint64_t st = realm_attestation_token(challenge, token, sizeof(token), &len);
		uint64_t t1 = timer_count();
		if (st != RSI_SUCCESS) {
			printf("bench_attest: token %u: RSI status %llu\n", i, (unsigned long long)st);
			return 1;
		}
		printf("attest %llu %llu %llu\n", (unsigned long long)(t1 - t0),
		       (unsigned long long)hz, (unsigned long long)len);
	}
	return GUEST_EXIT_SUCCESS;
}
