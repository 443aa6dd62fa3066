/* Broken envelopes and hostile CBOR: wrong tags and shapes of the
 * collection, its CMW form and COSE_Sign1, and input that is not
 * well-formed or is built to exhaust a decoder (huge declared lengths,
 * indefinite lengths, deep nesting). Each is refused with a reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token_build.h"

/* Envelopes: the collection, the CMW form, COSE_Sign1. */
static void envelopes_are_checked(void **state)
{
	(void)state;
	struct claims r, p;
	realm_baseline(&r);
	platform_baseline(&p);
	static struct buf rp, pp, rs, ps, tmp;
	rp.n = pp.n = rs.n = ps.n = 0;
	encode_claims(&r, &rp, NO_DUP);
	encode_claims(&p, &pp, NO_DUP);
	sign1(&rs, &rp);
	sign1(&ps, &pp);

	/* Another tag; no tag. */
	token_out.n = 0;
	collection(&token_out, &ps, &rs);
	token_out.b[2] = 0x90; /* 399 (0x018f) -> 400 */
	expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_FORMAT,
	       "token: tag 400, not a CCA token");
	expect(decode_bytes(token_out.b + 3, token_out.n - 3), CCAKIT_TOKEN_ERR_FORMAT,
	       "token: a map, not a CCA token");

	/* Three entries, one entry, a key twice, a wrong key, a wrong value. */
	static const struct {
		int64_t k1, k2, k3;
		const char *why;
	} shapes[] = {
		{ 44234, 44241, 44242,
		  "the collection (tag 399) has 3 entries; exactly 2 expected" },
		{ 44234, -1, -1, "the collection (tag 399) has 1 entries; exactly 2 expected" },
		{ 44234, 44234, -1, "the collection (tag 399) has entry 44234 twice" },
		{ 44234, 44235, -1, "has an entry that is not 44234 (platform) or 44241 (realm)" },
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		int64_t keys[] = { shapes[i].k1, shapes[i].k2, shapes[i].k3 };
		size_t n = keys[2] >= 0 ? 3 : keys[1] >= 0 ? 2 : 1;
		token_out.n = 0;
		put_head(&token_out, 6, CCA_TOKEN_TAG);
		put_head(&token_out, 5, n);
		for (size_t k = 0; k < n; k++) {
			put_int(&token_out, keys[k]);
			put_bstr(&token_out, ps.b, ps.n);
		}
		expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_FORMAT,
		       shapes[i].why);
	}
	token_out.n = 0;
	put_head(&token_out, 6, CCA_TOKEN_TAG);
	put_head(&token_out, 5, 2);
	put_int(&token_out, 44234);
	put_int(&token_out, 7);
	put_int(&token_out, 44241);
	put_bstr(&token_out, rs.b, rs.n);
	expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_FORMAT,
	       "token: entry 44234 (platform) is an unsigned integer, not a byte string");

	/* CMW: the record, its content format. */
	for (int cf = 263; cf <= 264; cf++) {
		token_out.n = 0;
		put_head(&token_out, 6, CCA_CMW_COLLECTION_TAG);
		put_head(&token_out, 5, 2);
		put_int(&token_out, 44234);
		put_head(&token_out, 4, 2);
		put_int(&token_out, cf);
		put_bstr(&token_out, ps.b, ps.n);
		put_int(&token_out, 44241);
		put_bstr(&token_out, rs.b, rs.n);
		expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_FORMAT,
		       cf == 263 ? "CMW entry 44241 (realm) is a byte string, not a record [263, "
				   "bstr]"
				 : "CMW entry 44234 (platform) has content format 264; 263");
	}

	/* COSE_Sign1: untagged, another tag, 3 items, detached payload, an
	 * unprotected header that is not a map (variants 1 to 5), protected
	 * headers, signatures of the wrong size (6). */
	static const struct {
		const char *hex_prot; /* the protected header's contents */
		int variant;
		const char *why;
	} coses[] = {
		{ "a1013822", 1, "realm token: an array, not a COSE_Sign1 (tag 18)" },
		{ "a1013822", 2, "realm token: tag 17, not a COSE_Sign1 (tag 18)" },
		{ "a1013822", 3, "the COSE_Sign1 is an array of another size, not an array of 4" },
		{ "a1013822", 4,
		  "the COSE_Sign1 payload is a simple value or float, not a byte string "
		  "(detached payloads are not tokens)" },
		{ "a1013822", 5, "the COSE_Sign1 unprotected header is an array, not a map" },
		{ "a10127", 0,
		  "realm token protected header: algorithm -8 is not ES256 (-7), ES384 "
		  "(-35) or ES512 (-36)" },
		{ "", 0, "realm token: the protected header is empty, so names no algorithm" },
		{ "a0", 0, "realm token protected header: has no algorithm (label 1)" },
		{ "a201382202810c", 0, "names critical headers (label 2)" },
		{ "a10163455332", 0, "the algorithm (label 1) is a text string, not an integer" },
		{ "80", 0, "realm token protected header: is an array, not a map" },
		{ "a1013822", 6,
		  "realm token: the signature is 95 bytes; ES384 needs 96 (r || s)" },
		{ "a10126", 0, "realm token: the signature is 96 bytes; ES256 needs 64 (r || s)" },
	};
	for (size_t i = 0; i < sizeof(coses) / sizeof(coses[0]); i++) {
		uint8_t prot[16];
		size_t pn = strlen(coses[i].hex_prot) / 2;
		for (size_t k = 0; k < pn; k++)
			sscanf(coses[i].hex_prot + 2 * k, "%2hhx", &prot[k]);
		int var = coses[i].variant;
		tmp.n = 0;
		if (var != 1)
			put_head(&tmp, 6, var == 2 ? 17 : 18);
		put_head(&tmp, 4, var == 3 ? 3 : 4);
		put_bstr(&tmp, prot, pn);
		put_head(&tmp, var == 5 ? 4 : 5, 0);
		if (var == 4)
			put_head(&tmp, 7, 22); /* null */
		else
			put_bstr(&tmp, rp.b, rp.n);
		if (var != 3)
			put_fill(&tmp, var == 6 ? 95 : 96, 0x99);
		token_out.n = 0;
		collection(&token_out, &ps, &tmp);
		expect(decode_bytes(token_out.b, token_out.n), CCAKIT_TOKEN_ERR_FORMAT,
		       coses[i].why);
	}
}

/* CBOR that is not well-formed, or well-formed and hostile. */
static void hostile_cbor_is_refused(void **state)
{
	(void)state;
	static const struct {
		const char *hex;
		const char *why;
	} cases[] = {
		{ "bf01020304ff", "token: indefinite-length item at byte 0" },
		{ "d9018fbf19acca40ff", "indefinite-length item at byte 3" },
		{ "d9018fa219acca5f4100ff", "indefinite-length item at byte 7" },
		{ "9b0000010000000000",
		  "the array at byte 0 declares 1099511627776 items, only 0" },
		{ "bb0000000100000000", "the map at byte 0 declares 4294967296 entries" },
		{ "d9018fa219acca5bffffffffffffffff", "byte string at byte 7 declares "
						      "18446744073709551615 bytes, 0 remain" },
		{ "d9018fa219acca58", "the head at byte 7 needs 1 more bytes" },
		{ "d9018f", "an item is missing at byte 3" },
		{ "d9018fa0ff", "1 bytes after the CBOR item" },
		{ "1c", "reserved additional information 28 at byte 0" },
		{ "ff", "'break' at byte 0 outside an indefinite-length item" },
		{ "1f", "major type 0 at byte 0 cannot be indefinite" },
		{ "62c328", "the text string at byte 0 is not valid UTF-8" },
		{ "62c080", "not valid UTF-8" },
		{ "63eda080", "not valid UTF-8" },
		{ "f810", "two-byte simple value 16 at byte 0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[64];
		size_t n = strlen(cases[i].hex) / 2;
		for (size_t k = 0; k < n; k++)
			sscanf(cases[i].hex + 2 * k, "%2hhx", &b[k]);
		/* Raw bytes, never hex text: a leading 0x?? digit pair would be. */
		expect(decode_bytes(b, n), CCAKIT_TOKEN_ERR_CBOR, cases[i].why);
	}
	expect(decode_bytes((const uint8_t *)"", 0), CCAKIT_TOKEN_ERR_CBOR, "token: empty");
	/* Nesting a hundred thousand arrays deep. */
	size_t depth = 100000;
	uint8_t *deep = malloc(depth + 1);
	memset(deep, 0x81, depth);
	deep[depth] = 0x00;
	expect(decode_bytes(deep, depth + 1), CCAKIT_TOKEN_ERR_CBOR,
	       "nested deeper than 16 levels");
	free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(envelopes_are_checked),
		cmocka_unit_test(hostile_cbor_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
