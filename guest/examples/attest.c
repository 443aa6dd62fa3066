/* attest: what a realm does to prove itself to a relying party. Asks the
 * host for the relying party's challenge (host call 0xCC03), gets its
 * attestation token from the RMM with RSI_ATTESTATION_TOKEN_INIT and
 * CONTINUE (realm_attestation_token), and hands the token to the host part
 * by part (host call 0xCC04), which `ccakit run --token-out FILE` writes out
 * for `ccakit token verify` and `appraise`. Prints the challenge, the
 * token's size and its own RIM (RSI_MEASUREMENT_READ 0), the value
 * `ccakit measure` predicts. Exits 0, GUEST_EXIT_FAILURE if a step failed,
 * GUEST_EXIT_SKIPPED (77) outside a realm. */
#include "guest/sdk.h"

/* Large enough for the token of a SHA-512 realm (about 1.3 KiB). */
static uint8_t token[4 * RSI_GRANULE_SIZE] __attribute__((aligned(RSI_GRANULE_SIZE)));

static void print_bytes(const char *what, const uint8_t *b, size_t n)
{
	printf("attest: %s ", what);
	print_hex(b, n);
	printf("\n");
}

int main(const void *fdt)
{
	(void)fdt;
	if (!in_realm()) {
		printf("attest: not a realm: nothing to attest\n");
		return GUEST_EXIT_SKIPPED;
	}

	uint8_t challenge[RSI_CHALLENGE_SIZE];
	int given = guest_host_challenge(challenge);
	if (given < 0) {
		printf("attest: the host gave no challenge (%d)\n", given);
		return GUEST_EXIT_FAILURE;
	}
	print_bytes(given ? "challenge (given):" : "challenge (made up by the host):", challenge,
		  sizeof(challenge));

	size_t len = 0;
	uint64_t st = realm_attestation_token(challenge, token, sizeof(token), &len);
	if (st != RSI_SUCCESS) {
		printf("attest: no token: RSI status %lu (%zu bytes)\n", (unsigned long)st, len);
		return GUEST_EXIT_FAILURE;
	}
	printf("attest: token of %zu bytes\n", len);

	uint8_t rim[RSI_MEASUREMENT_MAX_SIZE];
	if (rsi_measurement_read(0, rim) != RSI_SUCCESS) {
		printf("attest: RSI_MEASUREMENT_READ of the RIM failed\n");
		return GUEST_EXIT_FAILURE;
	}
	unsigned rim_len = realm_config()->hash_algo == RSI_HASH_SHA_512 ? 64 : 32;
	print_bytes("RIM", rim, rim_len);

	int rc = guest_host_give_token(token, len);
	if (rc != 0) {
		printf("attest: the host refused the token (%d)\n", rc);
		return GUEST_EXIT_FAILURE;
	}
	printf("attest: token handed to the host\n");
	return GUEST_EXIT_SUCCESS;
}
