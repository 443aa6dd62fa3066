/* The attestation host calls: the user's challenge in, the token out
 * (guest/host.h). */
#include "guest/host.h"
#include "guest/realm.h"
#include "guest/string.h"

/* gprs[3..29]: the registers a part's bytes travel in. */
#define PART_FIRST_REG 3
#define PART_REGS (GUEST_TOKEN_PART_MAX / 8)

static int call(uint16_t imm, uint64_t *gprs, unsigned n)
{
	if (!in_realm())
		return GUEST_HOST_NO_REALM;
	return realm_host_call(imm, gprs, n) == RSI_SUCCESS ? 0 : GUEST_HOST_CALL_FAILED;
}

int guest_host_challenge(uint8_t out[GUEST_CHALLENGE_SIZE])
{
	/* Nothing goes in; the answer comes in gprs[0..8], which must read
	 * as zeros if the host leaves them alone. */
	uint64_t gprs[9] = { 0 };
	int rc = call(GUEST_HOST_CALL_CHALLENGE, gprs, 9);
	if (rc)
		return rc;
	for (unsigned i = 0; i < GUEST_CHALLENGE_SIZE; i++)
		out[i] = (uint8_t)(gprs[i / 8] >> (8 * (i % 8)));
	return gprs[8] ? 1 : 0;
}

int guest_host_token_part(uint64_t offset, uint64_t total, const void *part, uint64_t n)
{
	uint64_t gprs[PART_FIRST_REG + PART_REGS] = { offset, total, n };
	const uint8_t *b = part;
	uint64_t carry = n < GUEST_TOKEN_PART_MAX ? n : GUEST_TOKEN_PART_MAX;
	for (uint64_t i = 0; i < carry; i++)
		gprs[PART_FIRST_REG + i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
	int rc = call(GUEST_HOST_CALL_TOKEN_PART, gprs, PART_FIRST_REG + PART_REGS);
	return rc ? rc : (int)gprs[0];
}

int guest_host_give_token(const void *token, size_t len)
{
	const uint8_t *b = token;
	size_t off = 0;
	do {
		size_t n = len - off < GUEST_TOKEN_PART_MAX ? len - off : GUEST_TOKEN_PART_MAX;
		int rc = guest_host_token_part(off, len, b + off, n);
		if (rc != GUEST_TOKEN_PART_OK)
			return rc;
		off += n;
	} while (off < len);
	return GUEST_TOKEN_PART_OK;
}
