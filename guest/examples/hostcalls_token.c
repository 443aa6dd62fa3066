/* hostcalls_token: the attestation host calls without an RMM token. Asks the
 * host for the challenge (GUEST_HOST_CALL_CHALLENGE) and echoes it, then
 * hands the host a synthetic 1000-byte "token" derived from it
 * (GUEST_HOST_CALL_TOKEN_PART), after parts the host must refuse: one past
 * the token's end, one too long, one too large a token, and one that skips
 * a part. `ccakit run --challenge HEX --token-out FILE` then writes exactly
 * those 1000 bytes:
 *
 *   token[i] = challenge[i % 64] ^ (i / 64) ^ 0xa5    (the low byte of i / 64)
 *
 * Exits 0 if the host accepted and refused what it should, 1 if not,
 * GUEST_EXIT_SKIPPED (77) outside a realm, where there are no host calls. */
#include "guest/sdk.h"

#define TOKEN_SIZE 1000

static uint8_t token[TOKEN_SIZE];

/* A part the host must refuse with `want`. */
static bool refused(const char *what, uint64_t offset, uint64_t total, uint64_t n, int want)
{
	int got = guest_host_token_part(offset, total, token, n);
	if (got != want) {
		printf("hostcalls_token: %s: the host answered %d, not %d\n", what, got, want);
		return false;
	}
	printf("hostcalls_token: %s: refused (%d)\n", what, got);
	return true;
}

int main(const void *fdt)
{
	uint8_t challenge[GUEST_CHALLENGE_SIZE];
	bool ok = true;
	int rc;
	(void)fdt;

	rc = guest_host_challenge(challenge);
	if (!in_realm()) {
		printf("hostcalls_token: not a realm, no host calls (guest_host_challenge: %d)\n",
		       rc);
		return rc == GUEST_HOST_NO_REALM ? GUEST_EXIT_SKIPPED : GUEST_EXIT_FAILURE;
	}
	if (rc < 0) {
		printf("hostcalls_token: the challenge host call failed (%d)\n", rc);
		return GUEST_EXIT_FAILURE;
	}
	printf("hostcalls_token: challenge (%s): ", rc ? "given" : "made up by the VMM");
	print_hex(challenge, sizeof(challenge));
	printf("\n");

	for (unsigned i = 0; i < TOKEN_SIZE; i++)
		token[i] = (uint8_t)(challenge[i % GUEST_CHALLENGE_SIZE] ^ (i / 64) ^ 0xa5);

	ok &= refused("a part past the end", 2000, TOKEN_SIZE, 8, GUEST_TOKEN_PART_BAD_OFFSET);
	ok &= refused("a 300-byte part", 0, TOKEN_SIZE, 300, GUEST_TOKEN_PART_BAD_LENGTH);
	ok &= refused("a token past the limit", 0, GUEST_TOKEN_MAX + 1, 8,
		      GUEST_TOKEN_PART_TOO_LARGE);
	rc = guest_host_token_part(0, TOKEN_SIZE, token, GUEST_TOKEN_PART_MAX);
	if (rc != GUEST_TOKEN_PART_OK) {
		printf("hostcalls_token: the first part was refused (%d)\n", rc);
		ok = false;
	}
	ok &= refused("a part that skips one", 2 * GUEST_TOKEN_PART_MAX, TOKEN_SIZE,
		      GUEST_TOKEN_PART_MAX, GUEST_TOKEN_PART_BAD_OFFSET);

	/* The whole token, from the start again. */
	rc = guest_host_give_token(token, sizeof(token));
	if (rc != GUEST_TOKEN_PART_OK) {
		printf("hostcalls_token: the host refused the token (%d)\n", rc);
		return GUEST_EXIT_FAILURE;
	}
	printf("hostcalls_token: gave the host a %u-byte token\n", TOKEN_SIZE);
	return ok ? GUEST_EXIT_SUCCESS : GUEST_EXIT_FAILURE;
}
