/* Tokens the RMM and the monitor produce stop verifying after a single-bit
 * flip anywhere: every bit of the token (claims, signatures, headers, the
 * CBOR around them), and, by name so that a failure says which, every byte
 * of both signatures, of the platform challenge and of the RAK claim (the
 * binding), and one bit in every other claim. A flip the decoder refuses
 * costs microseconds, one in signed bytes an ES384 verification (~1 ms),
 * so the whole token takes seconds. */
#include <string.h>

#include "attest_util.h"

#include "ccakit/abi/rsi.h"

static const uint8_t *find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

struct fx {
	uint8_t tok[TOKEN_BUF_MAX];
	size_t len;
	struct ccakit_cpak *k;
	struct ccakit_token *t;
};

/* Flips one bit of the field b (found in the token's bytes) at byte i. */
static void flip_fails(struct fx *f, struct ccakit_bytes b, size_t i, const char *what)
{
	uint8_t copy[TOKEN_BUF_MAX];
	const uint8_t *at = find(f->tok, f->len, b.ptr, b.len);
	if (!at)
		fail_msg("%s is not in the token's bytes", what);
	memcpy(copy, f->tok, f->len);
	copy[(size_t)(at - f->tok) + i] ^= (uint8_t)(1u << (i % 8));
	if (tat_verify_status(copy, f->len, f->k) == CCAKIT_TOKEN_OK)
		fail_msg("the token still verifies with a bit of %s byte %zu flipped", what, i);
}

static void every_byte(struct fx *f, struct ccakit_bytes b, const char *what)
{
	for (size_t i = 0; i < b.len; i++)
		flip_fails(f, b, i, what);
}

static struct ccakit_bytes text(const char *s)
{
	return (struct ccakit_bytes){ (const uint8_t *)s, strlen(s) };
}

static void single_bit_flips_break_the_token(void **state)
{
	(void)state;
	struct tmach *t = tm_create(32 * MIB, 1);
	struct tagent a;
	struct tat_fetch tf;
	static struct fx f;
	uint8_t ch[64], rpv[64];
	tat_challenge(rpv, 0x70);
	tat_build(&a, t, 1, RMI_HASH_SHA_256, rpv);
	/* Four different REMs, so that each is found by its bytes. */
	for (uint64_t i = 1; i <= 4; i++)
		assert_int_equal(ta_smc(&a, 0, RSI_MEASUREMENT_EXTEND, i, 8, i, 0, NULL), RSI_SUCCESS);
	tat_challenge(ch, 0x21);
	tat_fetch(&a, 0, ch, 4096, 0, f.tok, &tf);
	f.len = tf.len;
	f.k = tat_cpak(t);
	f.t = tat_verified(f.tok, f.len, f.k);
	const struct ccakit_realm_claims *r = &f.t->realm;
	const struct ccakit_platform_claims *p = &f.t->platform;

	every_byte(&f, f.t->realm_sign1.signature, "the realm signature");
	every_byte(&f, f.t->platform_sign1.signature, "the platform signature");
	every_byte(&f, p->challenge, "the platform challenge");
	every_byte(&f, r->public_key, "the RAK (claim 44237)");

	/* One bit in each other claim, the middle of its value. */
	const struct { struct ccakit_bytes b; const char *what; } one[] = {
		{ r->challenge, "the realm challenge" },
		{ r->personalization_value, "the RPV" },
		{ r->initial_measurement, "the RIM" },
		{ r->extensible_measurements[0], "REM 0" },
		{ r->extensible_measurements[1], "REM 1" },
		{ r->extensible_measurements[2], "REM 2" },
		{ r->extensible_measurements[3], "REM 3" },
		{ text(r->profile_name), "the realm profile" },
		{ p->implementation_id, "the implementation id" },
		{ p->instance_id, "the instance id" },
		{ p->config, "the platform configuration" },
		{ p->sw_components[0].measurement, "the monitor's measurement" },
		{ p->sw_components[1].measurement, "the RMM's measurement" },
		{ text(p->verification_service), "the verification service" },
		{ text(p->profile_name), "the platform profile" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(one); i++)
		flip_fails(&f, one[i].b, one[i].b.len / 2, one[i].what);
	/* Claims whose values repeat ("sha-256") or are small integers are
	 * found with their key's encoding in front. */
	static const struct { uint8_t b[11]; size_t len, at; const char *what; } keyed[] = {
		{ { 0x19, 0x09, 0x5b, 0x19, 0x50, 0x00 }, 6, 4, "the lifecycle (2395)" },
		{ { 0x19, 0xac, 0xcc, 0x67, 's', 'h', 'a', '-', '2', '5', '6' }, 11, 9,
		  "the realm hash algorithm (44236)" },
		{ { 0x19, 0xac, 0xd0, 0x67, 's', 'h', 'a', '-', '2', '5', '6' }, 11, 9,
		  "the RAK hash algorithm (44240)" },
		{ { 0x19, 0x09, 0x62, 0x67, 's', 'h', 'a', '-', '2', '5', '6' }, 11, 9,
		  "the platform hash algorithm (2402)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(keyed); i++)
		flip_fails(&f, (struct ccakit_bytes){ keyed[i].b, keyed[i].len }, keyed[i].at,
			   keyed[i].what);

	/* And every bit of the whole token. */
	static uint8_t copy[TOKEN_BUF_MAX];
	memcpy(copy, f.tok, f.len);
	for (size_t i = 0; i < f.len; i++)
		for (unsigned bit = 0; bit < 8; bit++) {
			copy[i] ^= (uint8_t)(1u << bit);
			if (tat_verify_status(copy, f.len, f.k) == CCAKIT_TOKEN_OK)
				fail_msg("the token still verifies with bit %u of byte %zu of %zu "
					 "flipped", bit, i, f.len);
			copy[i] ^= (uint8_t)(1u << bit);
		}

	ccakit_token_free(f.t);
	ccakit_cpak_free(f.k);
	ta_teardown(&a);
	tm_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_bit_flips_break_the_token),
	};
	return cmocka_run_group_tests_name("attest_mutations", tests, NULL, NULL);
}
