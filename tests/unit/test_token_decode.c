/* Decoding the public test vectors: each token's envelope, profiles and
 * claims come out as the vectors' own descriptions say, quirks included. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "token_fixtures.h"

static const struct expect {
	const char *file;
	enum ccakit_token_format format;
	bool has_realm;
	enum ccakit_platform_profile platform_profile;
	enum ccakit_realm_profile realm_profile;
	bool cose_key;
	size_t sw_components;
	size_t rim_len;
	int64_t platform_alg;
} expect[] = {
	{ "rust-ccatoken/cca-token-01.cbor", CCAKIT_TOKEN_FORMAT_COLLECTION, true,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, CCAKIT_REALM_PROFILE_NONE, false, 4, 32, COSE_ALG_ES384 },
	{ "rust-ccatoken/cca-token-02.cbor", CCAKIT_TOKEN_FORMAT_COLLECTION, true,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, CCAKIT_REALM_PROFILE_NONE, false, 1, 64, COSE_ALG_ES256 },
	{ "rust-ccatoken/cca-token-draft-ffm-00.cbor", CCAKIT_TOKEN_FORMAT_COLLECTION, true,
	  CCAKIT_PLATFORM_PROFILE_1_0, CCAKIT_REALM_PROFILE_1_0, true, 13, 32, COSE_ALG_ES384 },
	{ "rust-ccatoken/bug-33-repro.cbor", CCAKIT_TOKEN_FORMAT_COLLECTION, true,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, CCAKIT_REALM_PROFILE_NONE, false, 16, 64,
	  COSE_ALG_ES384 },
	{ "tf-m-tools/cca_token.cbor", CCAKIT_TOKEN_FORMAT_CMW, true,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, CCAKIT_REALM_PROFILE_NONE, false, 4, 32, COSE_ALG_ES384 },
	{ "tf-m-tools/cca_example_token_legacy.cbor", CCAKIT_TOKEN_FORMAT_CMW, true,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, CCAKIT_REALM_PROFILE_NONE, false, 13, 32,
	  COSE_ALG_ES384 },
	{ "tf-m-tools/cca_example_token.pre-rmm2.0.cbor", CCAKIT_TOKEN_FORMAT_CMW, true,
	  CCAKIT_PLATFORM_PROFILE_1_0, CCAKIT_REALM_PROFILE_1_0, true, 13, 32, COSE_ALG_ES384 },
	{ "tf-m-tools/cca_example_token.cbor", CCAKIT_TOKEN_FORMAT_CMW, true,
	  CCAKIT_PLATFORM_PROFILE_1_0, CCAKIT_REALM_PROFILE_2_0, true, 13, 32, COSE_ALG_ES384 },
	{ "tf-m-tools/cca_platform_token.cbor", CCAKIT_TOKEN_FORMAT_PLATFORM_ONLY, false,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, 0, false, 4, 0, COSE_ALG_ES384 },
	{ "tf-m-tools/cca_example_platform_token.cbor", CCAKIT_TOKEN_FORMAT_PLATFORM_ONLY, false,
	  CCAKIT_PLATFORM_PROFILE_1_0, 0, false, 13, 0, COSE_ALG_ES384 },
	{ "tf-m-tools/cca_example_platform_token_legacy.cbor", CCAKIT_TOKEN_FORMAT_PLATFORM_ONLY,
	  false, CCAKIT_PLATFORM_PROFILE_LEGACY, 0, false, 13, 0, COSE_ALG_ES384 },
	{ "trustee/cca-example-token.cbor", CCAKIT_TOKEN_FORMAT_COLLECTION, true,
	  CCAKIT_PLATFORM_PROFILE_LEGACY, CCAKIT_REALM_PROFILE_NONE, false, 13, 64,
	  COSE_ALG_ES384 },
};

static void decode_reads_every_fixture_as_described(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		const struct expect *e = &expect[i];
		struct ccakit_token *t = fixture_token(e->file);
		assert_int_equal(t->format, e->format);
		assert_int_equal(t->has_realm, e->has_realm);
		assert_int_equal(t->platform.profile, e->platform_profile);
		assert_int_equal(t->platform.sw_component_count, e->sw_components);
		assert_int_equal(t->platform_sign1.alg, e->platform_alg);
		assert_int_equal(t->platform.implementation_id.len, 32);
		assert_int_equal(t->platform.instance_id.len, 33);
		assert_int_equal(t->platform.instance_id.ptr[0], 0x01);
		if (e->has_realm) {
			const struct ccakit_realm_claims *r = &t->realm;
			assert_int_equal(r->profile, e->realm_profile);
			assert_int_equal(r->public_key_is_cose_key, e->cose_key);
			assert_int_equal(r->public_key.len,
					 e->cose_key ? CCA_RAK_COSE_KEY_SIZE : CCA_RAK_RAW_SIZE);
			assert_int_equal(r->public_key_point[0], 0x04);
			assert_int_equal(r->initial_measurement.len, e->rim_len);
			assert_int_equal(r->challenge.len, 64);
			assert_int_equal(r->personalization_value.len, 64);
			assert_int_equal(t->realm_sign1.alg, COSE_ALG_ES384);
			assert_int_equal(t->realm_sign1.signature.len, 96);
			for (int k = 0; k < 4; k++)
				assert_int_equal(r->extensible_measurements[k].len, e->rim_len);
		}
		ccakit_token_free(t);
	}
}

static void decode_reads_rel0_realm_claims(void **state)
{
	(void)state;
	struct ccakit_token *t = fixture_token("rust-ccatoken/cca-token-draft-ffm-00.cbor");
	const struct ccakit_realm_claims *r = &t->realm;
	assert_string_equal(r->profile_name, CCA_REALM_PROFILE_1_0);
	assert_string_equal(r->hash_algo_id, "sha-256");
	assert_int_equal(r->hash_algo, CCAKIT_HASH_SHA_256);
	assert_string_equal(r->public_key_hash_algo_id, "sha-256");
	static const uint8_t rim[] = { 0x31, 0x13, 0x14, 0xab };
	assert_memory_equal(r->initial_measurement.ptr, rim, 4);
	static const uint8_t challenge[] = { 0x6e, 0x86, 0xd6, 0xd9 };
	assert_memory_equal(r->challenge.ptr, challenge, 4);
	/* The COSE_Key as TF-RMM encodes it: a4 01 02 20 02 21 58 30 x 22 58 30 y. */
	static const uint8_t cose_key_head[] = { 0xa4, 0x01, 0x02, 0x20, 0x02, 0x21, 0x58, 0x30 };
	assert_memory_equal(r->public_key.ptr, cose_key_head, sizeof(cose_key_head));
	assert_memory_equal(r->public_key_point + 1, r->public_key.ptr + 8, 48);
	assert_false(r->has_mec_policy);
	assert_null(r->instance_id.ptr);
	assert_int_equal(r->unknown_claim_count, 0);
	assert_false(r->measurements_wider_than_hash);
	ccakit_token_free(t);
}

static void decode_reads_platform_claims(void **state)
{
	(void)state;
	struct ccakit_token *t = fixture_token("trustee/cca-example-token.cbor");
	const struct ccakit_platform_claims *p = &t->platform;
	assert_string_equal(p->profile_name, CCA_PLATFORM_PROFILE_LEGACY);
	assert_int_equal(p->lifecycle, 0x3003);
	assert_int_equal(CCA_LIFECYCLE_STATE(p->lifecycle), CCA_LIFECYCLE_SECURED);
	assert_int_equal(p->config.len, 4);
	assert_memory_equal(p->config.ptr, "\xcf\xcf\xcf\xcf", 4);
	assert_string_equal(p->hash_algo_id, "sha-256");
	assert_string_equal(p->verification_service,
			    "https://veraison.example/.well-known/veraison/verification");
	assert_int_equal(p->challenge.len, 32);
	assert_string_equal(p->sw_components[8].type, "RMM");
	assert_string_equal(p->sw_components[8].hash_algo_id, "sha-256");
	assert_int_equal(p->sw_components[8].measurement.len, 32);
	assert_int_equal(p->sw_components[8].signer_id.len, 32);
	assert_null(p->sw_components[8].version);
	/* The realm side: a SHA-512 RIM, the binding still SHA-256. */
	assert_int_equal(t->realm.hash_algo, CCAKIT_HASH_SHA_512);
	assert_int_equal(t->realm.public_key_hash_algo, CCAKIT_HASH_SHA_256);
	ccakit_token_free(t);
}

static void decode_reads_eac_raw_rak_with_later_claims(void **state)
{
	(void)state;
	/* No profile and a raw RAK, yet the 2.0-era instance id and an integer
	 * MEC policy (TF-RMM's main branch between releases). */
	struct ccakit_token *t = fixture_token("tf-m-tools/cca_token.cbor");
	const struct ccakit_realm_claims *r = &t->realm;
	assert_null(r->profile_name);
	assert_false(r->public_key_is_cose_key);
	assert_memory_equal(r->public_key_point, r->public_key.ptr, CCA_RAK_RAW_SIZE);
	assert_int_equal(r->instance_id.len, 33);
	assert_true(r->has_mec_policy);
	assert_null(r->mec_policy_text);
	assert_int_equal(r->mec_policy, 1);
	ccakit_token_free(t);
}

static void decode_reads_mec_policy_as_text(void **state)
{
	(void)state;
	struct ccakit_token *t = fixture_token("tf-m-tools/cca_example_token.pre-rmm2.0.cbor");
	assert_true(t->realm.has_mec_policy);
	assert_string_equal(t->realm.mec_policy_text, "private");
	ccakit_token_free(t);
}

static void decode_recognises_realm_2_0_profile(void **state)
{
	(void)state;
	struct ccakit_token *t = fixture_token("tf-m-tools/cca_example_token.cbor");
	assert_int_equal(t->realm.profile, CCAKIT_REALM_PROFILE_2_0);
	assert_string_equal(t->realm.profile_name, CCA_REALM_PROFILE_2_0);
	assert_int_equal(t->realm.instance_id.len, 33);
	ccakit_token_free(t);
}

static void decode_flags_measurements_wider_than_their_hash(void **state)
{
	(void)state;
	/* rust-ccatoken's cca-token-02: 64-byte RIM and REMs under "sha-256". */
	struct ccakit_token *t = fixture_token("rust-ccatoken/cca-token-02.cbor");
	assert_string_equal(t->realm.hash_algo_id, "sha-256");
	assert_int_equal(t->realm.initial_measurement.len, 64);
	assert_true(t->realm.measurements_wider_than_hash);
	assert_string_equal(t->realm.public_key_hash_algo_id, "sha-512");
	assert_int_equal(t->platform.challenge.len, 64);
	ccakit_token_free(t);
}

static void token_json_holds_every_claim(void **state)
{
	(void)state;
	struct ccakit_token *t = fixture_token("tf-m-tools/cca_example_token.pre-rmm2.0.cbor");
	char *s = ccakit_token_json(t);
	assert_non_null(s);
	json_error_t jerr;
	json_t *j = json_loads(s, 0, &jerr);
	assert_non_null(j);
	static const char *const realm_keys[] = {
		"cca-realm-profile",
		"cca-realm-challenge",
		"cca-realm-personalization-value",
		"cca-realm-hash-algo-id",
		"cca-realm-initial-measurement",
		"cca-realm-extensible-measurements",
		"cca-realm-public-key",
		"cca-realm-public-key-hash-algo-id",
		"cca-realm-mec-policy",
	};
	static const char *const platform_keys[] = {
		"cca-platform-profile",
		"cca-platform-challenge",
		"cca-platform-implementation-id",
		"cca-platform-instance-id",
		"cca-platform-config",
		"cca-platform-lifecycle",
		"cca-platform-sw-components",
		"cca-platform-service-indicator",
		"cca-platform-hash-algo-id",
	};
	json_t *realm = json_object_get(j, "realm"), *plat = json_object_get(j, "platform");
	for (size_t i = 0; i < sizeof(realm_keys) / sizeof(realm_keys[0]); i++)
		if (!json_object_get(realm, realm_keys[i]))
			fail_msg("realm JSON lacks %s", realm_keys[i]);
	for (size_t i = 0; i < sizeof(platform_keys) / sizeof(platform_keys[0]); i++)
		if (!json_object_get(plat, platform_keys[i]))
			fail_msg("platform JSON lacks %s", platform_keys[i]);
	assert_string_equal(json_string_value(json_object_get(j, "format")), "cmw");
	assert_string_equal(
		json_string_value(json_object_get(realm, "cca-realm-initial-measurement")),
		"311314ab73620350cf758834ae5c65d9e8c2dc7febe6e7d9654bbe864e300d49");
	assert_int_equal(
		json_array_size(json_object_get(realm, "cca-realm-extensible-measurements")), 4);
	assert_int_equal(json_array_size(json_object_get(plat, "cca-platform-sw-components")), 13);
	json_decref(j);
	free(s);
	ccakit_token_free(t);
}

static void decode_reports_a_missing_file(void **state)
{
	(void)state;
	struct ccakit_token *t = (void *)1;
	char err[256];
	assert_int_equal(ccakit_token_load("/nonexistent/token.cbor", &t, err, sizeof(err)),
			 CCAKIT_TOKEN_ERR_IO);
	assert_null(t);
	assert_contains(err, "/nonexistent/token.cbor");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_reads_every_fixture_as_described),
		cmocka_unit_test(decode_reads_rel0_realm_claims),
		cmocka_unit_test(decode_reads_platform_claims),
		cmocka_unit_test(decode_reads_eac_raw_rak_with_later_claims),
		cmocka_unit_test(decode_reads_mec_policy_as_text),
		cmocka_unit_test(decode_recognises_realm_2_0_profile),
		cmocka_unit_test(decode_flags_measurements_wider_than_their_hash),
		cmocka_unit_test(token_json_holds_every_claim),
		cmocka_unit_test(decode_reports_a_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
