/* Each claim of each token with a wrong type, size or value, missing or
 * twice: refused with the right status and a reason naming the claim. The
 * tokens are built from valid baselines one change at a time
 * (support/token_build.c). */
#include <stdio.h>
#include <string.h>

#include "token_build.h"

static void baseline_decodes(void **state)
{
	(void)state;
	struct claims r, p;
	realm_baseline(&r);
	platform_baseline(&p);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_OK, "");
}

enum kind { BSTR, TSTR, UINT, NEGINT, ARRAY_OF_BSTR, ARRAY_OF_TSTR, DROP, DUP, TAGGED };

static const struct claim_case {
	bool realm;
	int64_t key;
	enum kind kind;
	size_t n; /* size, value or count */
	const char *text;
	int status;
	const char *why;
} claim_cases[] = {
	{ true, 10, BSTR, 63, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "realm token: claim 10 (challenge) is 63 bytes; 64 expected" },
	{ true, 10, TSTR, 0, "x", CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 10 (challenge) is a text string, not a byte string" },
	{ true, 10, TAGGED, 64, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 10 (challenge) is a tagged item, not a byte string" },
	{ true, 10, DUP, 0, NULL, CCAKIT_TOKEN_ERR_CLAIM, "claim 10 (challenge) appears twice" },
	{ true, 44235, BSTR, 32, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44235 (personalization value) is 32 bytes; 64 expected" },
	{ true, 44236, UINT, 1, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44236 (hash algorithm) is an unsigned integer, not a text string" },
	{ true, 44236, TSTR, 0, "md5", CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44236 (hash algorithm) is \"md5\"; sha-256, sha-384 or sha-512 expected" },
	{ true, 44238, BSTR, 20, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "realm token: claim 44238 (RIM) is 20 bytes; sha-256 needs 32" },
	{ true, 44238, BSTR, 64, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44238 (RIM) is 64 bytes; sha-256 needs 32" },
	{ true, 44238, NEGINT, 5, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44238 (RIM) is a negative integer, not a byte string" },
	{ true, 44239, BSTR, 32, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44239 (REMs) is a byte string, not an array" },
	{ true, 44239, ARRAY_OF_BSTR, 3, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44239 (REMs) has 3 entries; exactly 4 expected" },
	{ true, 44239, ARRAY_OF_BSTR, 5, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44239 (REMs) has 5 entries" },
	{ true, 44239, ARRAY_OF_TSTR, 4, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44239 (REMs) entry 0 is a text string, not a byte string" },
	{ true, 44237, BSTR, 10, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44237 (RAK) (10 bytes) is neither a raw P-384 point nor a COSE_Key" },
	{ true, 44237, TSTR, 0, "key", CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44237 (RAK) is a text string, not a byte string" },
	{ true, 44240, TSTR, 0, "sha-1", CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44240 (RAK hash algorithm) is \"sha-1\"" },
	{ true, 265, TSTR, 0, "tag:arm.com,2023:realm#0.9.0", CCAKIT_TOKEN_ERR_PROFILE,
	  "claim 265 (profile) is \"tag:arm.com,2023:realm#0.9.0\", which this verifier does not "
	  "know" },
	{ true, 265, UINT, 1, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 265 (profile) is an unsigned integer, not a text string" },
	{ true, 44243, ARRAY_OF_BSTR, 1, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 44243 (MEC policy) is an array, not an integer or a text string" },
	{ true, 256, BSTR, 20, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "realm token: claim 256 (instance id) is 20 bytes; 33 expected" },
	{ true, 4242, DUP, 0, NULL, CCAKIT_TOKEN_ERR_CLAIM, "claim 4242 appears twice" },
	{ false, 265, DROP, 0, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "platform token: claim 265 (profile) is missing" },
	{ false, 265, TSTR, 0, "psa", CCAKIT_TOKEN_ERR_PROFILE,
	  "platform token: claim 265 (profile) is \"psa\"" },
	{ false, 10, BSTR, 20, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "platform token: claim 10 (challenge) is 20 bytes; 32, 48 or 64 expected" },
	{ false, 2396, BSTR, 31, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2396 (implementation id) is 31 bytes; 32 expected" },
	{ false, 256, BSTR, 32, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "platform token: claim 256 (instance id) is 32 bytes; 33 expected" },
	{ false, 256, BSTR, 33, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 256 (instance id) starts with 0x42; a UEID of type RAND starts with 0x01" },
	{ false, 2401, UINT, 7, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2401 (platform configuration) is an unsigned integer, not a byte string" },
	{ false, 2395, NEGINT, 1, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2395 (lifecycle) is a negative integer, not an unsigned integer" },
	{ false, 2395, UINT, 0x10000, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2395 (lifecycle) is 0x10000; a lifecycle is 16 bits" },
	{ false, 2399, ARRAY_OF_BSTR, 0, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2399 (software components) is empty" },
	{ false, 2399, BSTR, 4, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2399 (software components) is a byte string, not an array" },
	{ false, 2399, ARRAY_OF_BSTR, 2, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2399 (software components) entry 0 is a byte string, not a map" },
	{ false, 2400, UINT, 1, NULL, CCAKIT_TOKEN_ERR_CLAIM,
	  "claim 2400 (verification service) is an unsigned integer, not a text string" },
	{ false, 2402, TSTR, 0, "crc32", CCAKIT_TOKEN_ERR_CLAIM,
	  "platform token: claim 2402 (hash algorithm) is \"crc32\"" },
};

static void set_value(struct claims *cs, const struct claim_case *c)
{
	struct buf *v = claim(cs, c->key);
	switch (c->kind) {
	case BSTR: put_fill(v, c->n, 0x42); break;
	case TSTR: put_tstr(v, c->text); break;
	case UINT: put_int(v, (int64_t)c->n); break;
	case NEGINT: put_int(v, -(int64_t)c->n); break;
	case TAGGED:
		put_head(v, 6, 32);
		put_fill(v, c->n, 0x42);
		break;
	case ARRAY_OF_BSTR:
	case ARRAY_OF_TSTR:
		put_head(v, 4, c->n);
		for (size_t i = 0; i < c->n; i++)
			if (c->kind == ARRAY_OF_BSTR)
				put_fill(v, 32, 0x22);
			else
				put_tstr(v, "rem");
		break;
	case DUP:
		put_fill(v, 64, 0xab); /* the value does not matter */
		break;
	case DROP: break;
	}
}

static void every_claim_is_checked(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(claim_cases) / sizeof(claim_cases[0]); i++) {
		const struct claim_case *c = &claim_cases[i];
		struct claims r, p;
		realm_baseline(&r);
		platform_baseline(&p);
		struct claims *cs = c->realm ? &r : &p;
		if (c->kind == DROP)
			drop(cs, c->key);
		else
			set_value(cs, c);
		expect(decode_claims(&r, &p, c->kind == DUP ? c->key : NO_DUP), c->status, c->why);
	}
}

static void every_required_claim_must_be_there(void **state)
{
	(void)state;
	static const int64_t realm_required[] = { 10, 44235, 44236, 44237, 44238, 44239, 44240 };
	static const int64_t platform_required[] = { 265, 10, 2396, 256, 2401, 2395, 2399, 2402 };
	char why[64];
	for (size_t i = 0; i < sizeof(realm_required) / sizeof(realm_required[0]); i++) {
		struct claims r, p;
		realm_baseline(&r);
		platform_baseline(&p);
		drop(&r, realm_required[i]);
		snprintf(why, sizeof(why), "realm token: claim %lld (",
			 (long long)realm_required[i]);
		expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM, why);
		assert_contains(token_err, ") is missing");
	}
	for (size_t i = 0; i < sizeof(platform_required) / sizeof(platform_required[0]); i++) {
		struct claims r, p;
		realm_baseline(&r);
		platform_baseline(&p);
		drop(&p, platform_required[i]);
		snprintf(why, sizeof(why), "platform token: claim %lld (",
			 (long long)platform_required[i]);
		expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM, why);
		assert_contains(token_err, ") is missing");
	}
}

static void software_components_are_checked(void **state)
{
	(void)state;
	static const struct {
		bool measurement, signer;
		size_t mlen;
		const char *algo, *why;
	} cases[] = {
		{ false, true, 32, NULL, "entry 0 measurement (key 2) is missing" },
		{ true, false, 32, NULL, "entry 0 signer id (key 5) is missing" },
		{ true, true, 20, NULL, "entry 0 measurement (key 2) is 20 bytes; 32, 48 or 64" },
		{ true, true, 32, "sha-384",
		  "entry 0 measurement (key 2) is 32 bytes; sha-384 needs 48" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct claims r, p;
		realm_baseline(&r);
		platform_baseline(&p);
		struct buf *sw = claim(&p, 2399);
		put_head(sw, 4, 1);
		component(sw, cases[i].measurement, cases[i].signer, cases[i].mlen, cases[i].algo);
		expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM, cases[i].why);
	}
	/* A field written twice, a type that is not text. */
	struct claims r, p;
	realm_baseline(&r);
	platform_baseline(&p);
	struct buf *sw = claim(&p, 2399);
	put_head(sw, 4, 1);
	put_head(sw, 5, 3);
	put_int(sw, 2);
	put_fill(sw, 32, 1);
	put_int(sw, 5);
	put_fill(sw, 32, 1);
	put_int(sw, 2);
	put_fill(sw, 32, 1);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM, "entry 0 has key 2 twice");
	sw = claim(&p, 2399);
	put_head(sw, 4, 1);
	put_head(sw, 5, 3);
	put_int(sw, 1);
	put_fill(sw, 2, 1);
	put_int(sw, 2);
	put_fill(sw, 32, 1);
	put_int(sw, 5);
	put_fill(sw, 32, 1);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "entry 0 type (key 1) is a byte string, not a text string");
}

static void the_rak_is_checked(void **state)
{
	(void)state;
	struct claims r, p;
	platform_baseline(&p);
	/* A raw point under the 1.0 profile, which wants a COSE_Key. */
	realm_baseline(&r);
	uint8_t raw[CCA_RAK_RAW_SIZE] = { 0x04 };
	memcpy(raw + 1, rak_cose_key() + 8, 48);
	memcpy(raw + 49, rak_cose_key() + 59, 48);
	put_bstr(claim(&r, 44237), raw, sizeof(raw));
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "claim 44237 (RAK) is a raw 97-byte point; profile " CCA_REALM_PROFILE_1_0
	       " requires a COSE_Key");
	/* The same point is fine in the EAC form, without a profile... */
	drop(&r, 265);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_OK, "");
	/* ...unless it is not on the curve. */
	raw[96] ^= 1;
	put_bstr(claim(&r, 44237), raw, sizeof(raw));
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "claim 44237 (RAK) is not a usable P-384 public key: the point (x, y) is not on "
	       "curve "
	       "P-384");
	/* COSE_Keys with the wrong curve, an extra label, a point off the curve. */
	realm_baseline(&r);
	uint8_t key[CCA_RAK_COSE_KEY_SIZE + 2];
	memcpy(key, rak_cose_key(), CCA_RAK_COSE_KEY_SIZE);
	key[4] = 0x01; /* -1: 1 (P-256) */
	put_bstr(claim(&r, 44237), key, CCA_RAK_COSE_KEY_SIZE);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "the COSE_Key's crv (label -1) is not 2 (P-384)");
	memcpy(key, rak_cose_key(), CCA_RAK_COSE_KEY_SIZE);
	key[0] = 0xa5; /* five entries: add 3: -35 */
	key[CCA_RAK_COSE_KEY_SIZE] = 0x03;
	key[CCA_RAK_COSE_KEY_SIZE + 1] = 0x22;
	put_bstr(claim(&r, 44237), key, CCA_RAK_COSE_KEY_SIZE + 2);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "the COSE_Key has a label other than 1, -1, -2, -3");
	memcpy(key, rak_cose_key(), CCA_RAK_COSE_KEY_SIZE);
	key[CCA_RAK_COSE_KEY_SIZE - 1] ^= 1;
	put_bstr(claim(&r, 44237), key, CCA_RAK_COSE_KEY_SIZE);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM, "is not on curve P-384");
	/* A COSE_Key with bytes after it. */
	memcpy(key, rak_cose_key(), CCA_RAK_COSE_KEY_SIZE);
	key[CCA_RAK_COSE_KEY_SIZE] = 0x00;
	put_bstr(claim(&r, 44237), key, CCA_RAK_COSE_KEY_SIZE + 1);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "1 bytes after the CBOR item");
}

static void claims_maps_are_checked(void **state)
{
	(void)state;
	/* A text key among the claims. */
	struct claims r, p;
	realm_baseline(&r);
	platform_baseline(&p);
	static struct buf rp, pp, rs, ps;
	rp.n = pp.n = rs.n = ps.n = token_out.n = 0;
	encode_claims(&r, &rp, NO_DUP);
	rp.b[0]++; /* one more entry: "x": 1 */
	put_tstr(&rp, "x");
	put_int(&rp, 1);
	encode_claims(&p, &pp, NO_DUP);
	sign1(&rs, &rp);
	sign1(&ps, &pp);
	collection(&token_out, &ps, &rs);
	expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_CLAIM,
	       "realm token: a claim key is a text string; claim keys are integers");
	/* A payload that is an array. */
	rp.n = rs.n = token_out.n = 0;
	put_head(&rp, 4, 0);
	sign1(&rs, &rp);
	collection(&token_out, &ps, &rs);
	expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_CLAIM,
	       "realm token: the payload is an array, not a claims map");
	/* A NUL inside a text claim. */
	realm_baseline(&r);
	struct buf *v = claim(&r, 44236);
	put_head(v, 3, 8);
	put(v,
	    "sha\0"
	    "-256",
	    8);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CLAIM,
	       "claim 44236 (hash algorithm) holds a NUL character");
	/* A one-byte tag 6..20 inside the claims, which libcbor 0.8 refuses. */
	realm_baseline(&r);
	v = claim(&r, 10);
	put_head(v, 6, 7);
	put_fill(v, 64, 0);
	expect(decode_claims(&r, &p, NO_DUP), CCAKIT_TOKEN_ERR_CBOR,
	       "realm token payload: CBOR that libcbor 0.8 cannot decode");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(baseline_decodes),
		cmocka_unit_test(every_claim_is_checked),
		cmocka_unit_test(every_required_claim_must_be_there),
		cmocka_unit_test(software_components_are_checked),
		cmocka_unit_test(the_rak_is_checked),
		cmocka_unit_test(claims_maps_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
