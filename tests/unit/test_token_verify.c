/* Verifying tokens: every row of PAIRS.tsv gives its expected result, and
 * each way a token or a key can be wrong is refused with a reason that
 * names it. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "token_fixtures.h"

static char err[512];

static int verify(const char *token, const char *key, bool allow_2_0)
{
	struct ccakit_token *t = fixture_token(token);
	struct ccakit_cpak *k = fixture_cpak(key);
	struct ccakit_verify_options opt = { .allow_realm_2_0 = allow_2_0 };
	err[0] = '\0';
	int rc = ccakit_token_verify(t, k, &opt, NULL, err, sizeof(err));
	ccakit_cpak_free(k);
	ccakit_token_free(t);
	return rc;
}

static void every_pair_gives_its_expected_result(void **state)
{
	(void)state;
	struct fixture_pair pairs[32];
	size_t n = fixture_pairs(pairs, 32);
	assert_int_equal(n, 13);
	for (size_t i = 0; i < n; i++) {
		const struct fixture_pair *p = &pairs[i];
		const char *e = p->expected;
		if (!strcmp(e, "error")) {
			/* The key itself is refused, before any token. */
			struct ccakit_cpak *k = NULL;
			int rc = ccakit_cpak_load(fixture_path(p->key), &k, err, sizeof(err));
			assert_int_equal(rc, CCAKIT_TOKEN_ERR_KEY);
			assert_null(k);
			assert_contains(err, "not on curve");
			continue;
		}
		int rc = verify(p->token, p->key, false);
		if (!strcmp(e, "pass")) {
			if (rc)
				fail_msg("%s with %s: %s", p->token, p->key, err);
		} else if (!strcmp(e, "fail")) {
			assert_int_equal(rc, CCAKIT_TOKEN_ERR_BINDING);
			assert_contains(err, "binding");
		} else if (!strcmp(e, "pass-2.0")) {
			assert_int_equal(rc, CCAKIT_TOKEN_ERR_PROFILE);
			assert_contains(err, CCA_REALM_PROFILE_2_0);
			rc = verify(p->token, p->key, true);
			if (rc)
				fail_msg("%s with 2.0 allowed: %s", p->token, err);
		} else {
			fail_msg("PAIRS.tsv: unknown expectation '%s'", e);
		}
	}
}

static void verify_rejects_binding_mismatch(void **state)
{
	(void)state;
	assert_int_equal(
		verify("rust-ccatoken/bug-33-repro.cbor", "rust-ccatoken/ta-tfa.json", false),
		CCAKIT_TOKEN_ERR_BINDING);
	assert_contains(err, "platform challenge (claim 10)");
	assert_contains(err, "claim 44237");
}

static void verify_result_says_which_checks_passed(void **state)
{
	(void)state;
	struct ccakit_token *t = fixture_token("rust-ccatoken/bug-33-repro.cbor");
	struct ccakit_cpak *k = fixture_cpak("rust-ccatoken/ta-tfa.json");
	struct ccakit_verify_result r;
	assert_int_equal(ccakit_token_verify(t, k, NULL, &r, err, sizeof(err)),
			 CCAKIT_TOKEN_ERR_BINDING);
	assert_int_equal(r.anchor, 0);
	assert_true(r.platform_signature_ok);
	assert_true(r.realm_signature_ok);
	assert_false(r.binding_ok);
	ccakit_cpak_free(k);
	ccakit_token_free(t);
}

static void verify_rejects_realm_2_0_by_default_naming_it(void **state)
{
	(void)state;
	assert_int_equal(
		verify("tf-m-tools/cca_example_token.cbor", "tf-m-tools/cca_platform.pem", false),
		CCAKIT_TOKEN_ERR_PROFILE);
	assert_contains(err, "realm token: profile tag:arm.com,2024:realm#2.0.0");
}

static void verify_names_missing_trust_anchor(void **state)
{
	(void)state;
	/* ta.json is for instance id 01aaaa..., the token is 010202... */
	assert_int_equal(verify("rust-ccatoken/cca-token-02.cbor", "rust-ccatoken/ta.json", false),
			 CCAKIT_TOKEN_ERR_NO_ANCHOR);
	assert_contains(err, "none of the 1 trust anchors is for this platform");
	assert_contains(err, "instance id 0102020202020202");
}

static void verify_rejects_key_on_other_curve(void **state)
{
	(void)state;
	/* A P-256 key for an ES384 platform token: the anchor's pkey alone. */
	const char *jwk = "{\"kty\": \"EC\", \"crv\": \"P-256\", "
			  "\"x\": \"TKRFE_RwSXooI8DdatPOYg_uiKm2XrtT_uEMEvqQZrw\", "
			  "\"y\": \"CRx3H8NHN1lcxqKi92P0OsZBxX3VFaktllpD3SjtN7s\"}";
	struct ccakit_cpak *k;
	assert_int_equal(ccakit_cpak_parse(jwk, strlen(jwk), &k, err, sizeof(err)), 0);
	struct ccakit_token *t = fixture_token("trustee/cca-example-token.cbor");
	assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)),
			 CCAKIT_TOKEN_ERR_KEY);
	assert_contains(err, "signed with ES384 (P-384), but the CPAK is a key on P-256");
	ccakit_token_free(t);
	ccakit_cpak_free(k);
}

/* A fresh P-384 key, as PEM: "public" SubjectPublicKeyInfo or private. */
static char *new_pem_key(bool public)
{
	EVP_PKEY *key = EVP_EC_gen("P-384");
	assert_non_null(key);
	BIO *bio = BIO_new(BIO_s_mem());
	assert_int_equal(public ? PEM_write_bio_PUBKEY(bio, key)
				: PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL),
			 1);
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	char *pem = strndup(data, (size_t)n);
	BIO_free(bio);
	EVP_PKEY_free(key);
	return pem;
}

static void verify_rejects_another_cpak(void **state)
{
	(void)state;
	for (int pub = 0; pub < 2; pub++) {
		char *pem = new_pem_key(pub);
		struct ccakit_cpak *k;
		assert_int_equal(ccakit_cpak_parse(pem, strlen(pem), &k, err, sizeof(err)), 0);
		struct ccakit_token *t = fixture_token("tf-m-tools/cca_token.cbor");
		assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)),
				 CCAKIT_TOKEN_ERR_SIGNATURE);
		assert_contains(
			err, "platform token: the ES384 signature does not verify with the CPAK");
		ccakit_token_free(t);
		ccakit_cpak_free(k);
		free(pem);
	}
}

static void cpak_reads_pem_public_key(void **state)
{
	(void)state;
	/* The public half of the tf-m-tools private key, as SubjectPublicKeyInfo. */
	size_t len;
	uint8_t *priv = fixture_read("tf-m-tools/cca_platform.pem", &len);
	BIO *in = BIO_new_mem_buf(priv, (int)len);
	EVP_PKEY *key = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
	assert_non_null(key);
	BIO *out = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PUBKEY(out, key), 1);
	char *pem;
	long n = BIO_get_mem_data(out, &pem);
	struct ccakit_cpak *k;
	assert_int_equal(ccakit_cpak_parse(pem, (size_t)n, &k, err, sizeof(err)), 0);
	struct ccakit_token *t = fixture_token("tf-m-tools/cca_example_token_legacy.cbor");
	assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)), 0);
	ccakit_token_free(t);
	ccakit_cpak_free(k);
	BIO_free(out);
	BIO_free(in);
	EVP_PKEY_free(key);
	free(priv);
}

static void cpak_refuses_unusable_keys(void **state)
{
	(void)state;
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "neither a PEM key nor JSON" },
		{ "hello", "neither a PEM key nor JSON" },
		{ "42", "neither a JWK" },
		{ "[]", "trust anchor list is empty" },
		{ "[{\"instance-id\": \"01\"}]", "trust anchor 0: not an object with a \"pkey\"" },
		{ "{\"kty\": \"RSA\"}", "kty is \"RSA\"" },
		{ "{\"kty\": \"EC\", \"crv\": \"P-224\"}", "crv is P-224" },
		{ "{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"AAAA\", \"y\": \"AAAA\"}",
		  "x is not 32 bytes of base64url" },
		{ "{\"kty\": \"EC\", \"crv\": \"P-256\", "
		  "\"x\": \"TKRFE+RwSXooI8DdatPOYg/uiKm2XrtT/uEMEvqQZrw\", "
		  "\"y\": \"CRx3H8NHN1lcxqKi92P0OsZBxX3VFaktllpD3SjtN7s\"}",
		  "x is not 32 bytes of base64url" },
		{ "{\"kty\": \"EC\", \"crv\": \"P-256\", "
		  "\"x\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", "
		  "\"y\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		  "not on curve P-256" },
		{ "[{\"pkey\": {\"kty\": \"EC\", \"crv\": \"P-256\", "
		  "\"x\": \"TKRFE_RwSXooI8DdatPOYg_uiKm2XrtT_uEMEvqQZrw\", "
		  "\"y\": \"CRx3H8NHN1lcxqKi92P0OsZBxX3VFaktllpD3SjtN7s\"}, "
		  "\"instance-id\": \"0102\"}]",
		  "instance-id is 2 bytes; 33 expected" },
		{ "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		  "no readable public or private key" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ccakit_cpak *k = (void *)1;
		err[0] = '\0';
		int rc = ccakit_cpak_parse(bad[i].text, strlen(bad[i].text), &k, err, sizeof(err));
		if (rc != CCAKIT_TOKEN_ERR_KEY)
			fail_msg("key %zu accepted (%d): %s", i, rc, bad[i].text);
		assert_null(k);
		assert_contains(err, bad[i].why);
	}
}

/* The RIM of the trustee token, a byte pattern found once in the file. */
/* A CPAK remembers the platform tokens it has verified (every realm token
 * of a platform carries the same one), but only those exact bytes: after
 * a good token has been verified twice with one key object, a token whose
 * platform payload or platform signature differs by one bit still fails. */
static void a_remembered_platform_token_is_only_that_one(void **state)
{
	(void)state;
	size_t len;
	uint8_t *good = fixture_read("trustee/cca-example-token.cbor", &len);
	struct ccakit_cpak *k = fixture_cpak("trustee/cpak-pub.json");
	struct ccakit_token *t;
	assert_int_equal(ccakit_token_decode(good, len, &t, err, sizeof(err)), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)), 0);
	/* Offsets of the platform token's signature and payload in the file:
	 * the decoded byte strings point into a copy, so find them by content. */
	uint8_t *sig = memmem(good, len, t->platform_sign1.signature.ptr, 16);
	uint8_t *pay = memmem(good, len, t->platform.challenge.ptr, 16); /* a signed claim */
	assert_non_null(sig);
	assert_non_null(pay);
	ccakit_token_free(t);
	uint8_t *flips[] = { sig + 5, pay + 3 };
	for (size_t f = 0; f < 2; f++) {
		*flips[f] ^= 0x10;
		assert_int_equal(ccakit_token_decode(good, len, &t, err, sizeof(err)), 0);
		assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)),
				 CCAKIT_TOKEN_ERR_SIGNATURE);
		assert_contains(err, "platform token");
		ccakit_token_free(t);
		*flips[f] ^= 0x10;
	}
	ccakit_cpak_free(k);
	free(good);
}

static void verify_detects_a_changed_claim(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = fixture_read("trustee/cca-example-token.cbor", &len);
	static const uint8_t rim[] = { 0xae, 0x87, 0xfb, 0xf7, 0xf1, 0x05, 0xe7, 0x1a };
	uint8_t *at = memmem(buf, len, rim, sizeof(rim));
	assert_non_null(at);
	at[7] ^= 0x01;
	struct ccakit_token *t;
	assert_int_equal(ccakit_token_decode(buf, len, &t, err, sizeof(err)), 0);
	struct ccakit_cpak *k = fixture_cpak("trustee/cpak-pub.json");
	assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)),
			 CCAKIT_TOKEN_ERR_SIGNATURE);
	assert_contains(err, "realm token: the ES384 signature does not verify with the RAK");
	ccakit_cpak_free(k);
	ccakit_token_free(t);
	free(buf);
}

static void verify_accepts_hex_text(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = fixture_read("rust-ccatoken/cca-token-02.cbor", &len);
	char *hex = malloc(3 * len + 2);
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += (size_t)sprintf(hex + n, "%02X%s", buf[i], i % 32 == 31 ? "\n" : "");
	struct ccakit_token *t;
	assert_int_equal(ccakit_token_decode(hex, n, &t, err, sizeof(err)), 0);
	struct ccakit_cpak *k = fixture_cpak("rust-ccatoken/ta-02-ok.json");
	assert_int_equal(ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)), 0);
	ccakit_cpak_free(k);
	ccakit_token_free(t);
	/* An odd number of digits is not hex of anything. */
	assert_int_equal(ccakit_token_decode(hex, n - 1, &t, err, sizeof(err)),
			 CCAKIT_TOKEN_ERR_CBOR);
	assert_contains(err, "odd number of digits");
	free(hex);
	free(buf);
}

static void verify_picks_the_anchor_for_the_platform(void **state)
{
	(void)state;
	/* A list whose first anchor is for another platform and whose second
	 * is the right one. */
	const char *list =
		"[{\"instance-id\": "
		"\"01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", "
		"\"pkey\": {\"kty\": \"EC\", \"crv\": \"P-256\", "
		"\"x\": \"TKRFE_RwSXooI8DdatPOYg_uiKm2XrtT_uEMEvqQZrw\", "
		"\"y\": \"CRx3H8NHN1lcxqKi92P0OsZBxX3VFaktllpD3SjtN7s\"}}, "
		"{\"implementation-id\": "
		"\"7F454C4602010100000000000000000003003E00010000005058000000000000\", "
		"\"pkey\": {\"crv\": \"P-384\", \"kty\": \"EC\", "
		"\"x\": \"IShnxS4rlQiwpCCpBWDzlNLfqiG911FP8akBr-fh94uxHU5m-Kijivp2r2oxxN6M\", "
		"\"y\": \"hM4tr8mWQli1P61xh3T0ViDREbF26DGOEYfbAjWjGNN7pZf-6A4OTHYqEryz6m7U\"}}]";
	struct ccakit_cpak *k;
	assert_int_equal(ccakit_cpak_parse(list, strlen(list), &k, err, sizeof(err)), 0);
	struct ccakit_token *t = fixture_token("trustee/cca-example-token.cbor");
	struct ccakit_verify_result r;
	assert_int_equal(ccakit_token_verify(t, k, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.anchor, 1);
	assert_true(r.binding_ok);
	ccakit_token_free(t);
	ccakit_cpak_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_pair_gives_its_expected_result),
		cmocka_unit_test(verify_rejects_binding_mismatch),
		cmocka_unit_test(verify_result_says_which_checks_passed),
		cmocka_unit_test(verify_rejects_realm_2_0_by_default_naming_it),
		cmocka_unit_test(verify_names_missing_trust_anchor),
		cmocka_unit_test(verify_rejects_key_on_other_curve),
		cmocka_unit_test(verify_rejects_another_cpak),
		cmocka_unit_test(cpak_reads_pem_public_key),
		cmocka_unit_test(cpak_refuses_unusable_keys),
		cmocka_unit_test(a_remembered_platform_token_is_only_that_one),
		cmocka_unit_test(verify_detects_a_changed_claim),
		cmocka_unit_test(verify_accepts_hex_text),
		cmocka_unit_test(verify_picks_the_anchor_for_the_platform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
