/* The realm token end to end: a realm (the agent) asks for a token with
 * RSI_ATTESTATION_TOKEN_INIT and _CONTINUE into its own memory, hands it to
 * the test, and the relying party's library verifies it with the machine's
 * CPAK public key. Its claims are what the realm itself reads with
 * RSI_MEASUREMENT_READ, the platform claims what the platform is (spec
 * notes, section 8; docs/architecture.md, "Attestation"). */
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

#include "attest_util.h"

#include "ccakit/abi/rsi.h"

static void assert_bytes(struct ccakit_bytes b, const void *want, size_t len, const char *what)
{
	if (b.len != len || memcmp(b.ptr, want, len) != 0)
		fail_msg("%s: %zu bytes, not the %zu expected", what, b.len, len);
}

/* 0x01 || SHA-256 of the CPAK's public point, from its PEM. */
static void expected_instance_id(struct tmach *t, uint8_t out[33])
{
	char pem[1024];
	int n = ccakit_machine_cpak_public_pem(t->m, pem, sizeof(pem));
	assert_true(n > 0);
	BIO *bio = BIO_new_mem_buf(pem, n);
	EVP_PKEY *k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	assert_non_null(k);
	uint8_t point[97];
	size_t plen;
	assert_true(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
						    sizeof(point), &plen));
	assert_int_equal(plen, 97);
	out[0] = 0x01;
	unsigned int dlen;
	assert_true(EVP_Digest(point, plen, out + 1, &dlen, EVP_sha256(), NULL));
	EVP_PKEY_free(k);
	BIO_free(bio);
}

/* Every realm claim against what the realm reads, for a realm of hash
 * size hlen with RPV rpv that asked with challenge ch. */
static void check_realm_claims(struct tagent *a, const struct ccakit_realm_claims *r,
			       const uint8_t ch[64], const uint8_t rpv[64], size_t hlen)
{
	uint8_t m[64];
	assert_int_equal(r->profile, CCAKIT_REALM_PROFILE_1_0);
	assert_string_equal(r->profile_name, CCA_REALM_PROFILE_1_0);
	assert_bytes(r->challenge, ch, 64, "challenge");
	assert_bytes(r->personalization_value, rpv, 64, "RPV");
	assert_string_equal(r->hash_algo_id, hlen == 64 ? "sha-512" : "sha-256");
	assert_true(r->public_key_is_cose_key);
	assert_int_equal(r->public_key.len, CCA_RAK_COSE_KEY_SIZE);
	assert_string_equal(r->public_key_hash_algo_id, "sha-256");
	tat_measurement(a, 0, 0, m);
	assert_bytes(r->initial_measurement, m, hlen, "RIM");
	for (unsigned i = 0; i < 4; i++) {
		tat_measurement(a, 0, 1 + i, m);
		assert_bytes(r->extensible_measurements[i], m, hlen, "REM");
	}
	assert_int_equal(r->unknown_claim_count, 0);
}

static void check_platform_claims(struct tmach *t, const struct ccakit_platform_claims *p)
{
	uint8_t id[33], impl[32], config[12];
	assert_int_equal(p->profile, CCAKIT_PLATFORM_PROFILE_1_0);
	assert_int_equal(p->challenge.len, 32);
	ccakit_implementation_id(impl);
	assert_bytes(p->implementation_id, impl, 32, "implementation id");
	expected_instance_id(t, id);
	assert_bytes(p->instance_id, id, 33, "instance id");
	uint64_t dram = t->map.dram.size;
	for (unsigned i = 0; i < 8; i++)
		config[i] = (uint8_t)(dram >> (8 * i));
	config[8] = 2, config[9] = config[10] = config[11] = 0; /* two PEs */
	assert_bytes(p->config, config, sizeof(config), "platform configuration");
	/* Not a secured platform: recoverable PSA-RoT debug. */
	assert_int_equal(p->lifecycle, CCA_LIFECYCLE_RECOVERABLE_PLATFORM_ROT_DEBUG);
	const struct ccakit_firmware_component *fw;
	size_t n = ccakit_firmware_components(&fw);
	assert_int_equal(p->sw_component_count, n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(p->sw_components[i].type, fw[i].type);
		assert_string_equal(p->sw_components[i].version, fw[i].version);
		assert_string_equal(p->sw_components[i].hash_algo_id, "sha-256");
		assert_bytes(p->sw_components[i].measurement, fw[i].measurement, 32, "measurement");
		assert_bytes(p->sw_components[i].signer_id, fw[i].signer_id, 32, "signer id");
	}
	/* Two different images: not a placeholder twice. */
	assert_memory_not_equal(fw[0].measurement, fw[1].measurement, 32);
	assert_non_null(p->verification_service);
	assert_string_equal(p->hash_algo_id, "sha-256");
}

/* A realm of hash_algo extends REM `rem` with `size` bytes of value, asks
 * for a token in chunks of `chunk` bytes from `start`, and gets one whose
 * claims are what it reads itself. */
static void realm_token_case(unsigned hash_algo, uint64_t rem, uint64_t size, uint64_t value,
			     uint64_t chunk, uint64_t start)
{
	struct tat_fx x;
	size_t hlen = hash_algo == RMI_HASH_SHA_512 ? 64 : 32;
	uint8_t rpv[64], ch[64], buf[TOKEN_BUF_MAX];
	tat_challenge(rpv, (uint8_t)(0x40 + hlen));
	tat_open(&x, false, hash_algo, rpv);
	/* A REM the realm extended shows in the token as it reads it. */
	assert_int_equal(ta_smc(&x.a, 0, RSI_MEASUREMENT_EXTEND, rem, size, value, 0, NULL),
			 RSI_SUCCESS);
	tat_challenge(ch, (uint8_t)(0x90 + hlen));
	struct tat_fetch f;
	struct ccakit_token *tok = tat_get(&x, ch, chunk, start, buf, &f);
	assert_int_equal(f.len, f.bound); /* INIT's bound is the exact size */
	assert_int_equal(buf[0], 0xd9); /* tag 399: d9 01 8f */
	assert_int_equal(buf[1], 0x01);
	assert_int_equal(buf[2], 0x8f);
	assert_int_equal(tok->format, CCAKIT_TOKEN_FORMAT_COLLECTION);
	assert_int_equal(tok->realm_sign1.alg, COSE_ALG_ES384);
	assert_int_equal(tok->platform_sign1.alg, COSE_ALG_ES384);
	check_realm_claims(&x.a, &tok->realm, ch, rpv, hlen);
	/* The binding stays SHA-256 whatever the realm's algorithm. */
	check_platform_claims(x.t, &tok->platform);
	ccakit_token_free(tok);
	tat_close(&x);
}

static void realm_gets_a_token_that_verifies_with_its_claims(void **state)
{
	(void)state;
	realm_token_case(RMI_HASH_SHA_256, 2, 5, 0x1122334455, 4096, 0);
}

static void every_chunking_gives_the_same_token(void **state)
{
	(void)state;
	struct tat_fx x;
	static uint8_t buf[4][TOKEN_BUF_MAX];
	uint8_t ch[64];
	/* chunk size, offset of the first chunk */
	static const uint64_t how[4][2] = { { 4096, 0 }, { 1000, 3 }, { 1, 1 }, { 333, 7 } };
	struct tat_fetch f[4];
	tat_open(&x, false, RMI_HASH_SHA_256, NULL);
	tat_challenge(ch, 7);
	struct ccakit_token *first = NULL;
	for (unsigned i = 0; i < 4; i++) {
		struct ccakit_token *tok = tat_get(&x, ch, how[i][0], how[i][1], buf[i], &f[i]);
		assert_int_equal(f[i].len, f[0].len);
		if (how[i][0] == 1)
			assert_int_equal(f[i].calls, f[i].len + f[i].interrupted);
		/* Only the realm signature differs (ECDSA is randomised): the
		 * claims and the platform token are the same bytes. */
		if (!first) {
			first = tok;
			continue;
		}
		assert_int_equal(tok->realm_sign1.payload.len, first->realm_sign1.payload.len);
		assert_memory_equal(tok->realm_sign1.payload.ptr, first->realm_sign1.payload.ptr,
				    first->realm_sign1.payload.len);
		assert_memory_equal(tok->platform_sign1.signature.ptr,
				    first->platform_sign1.signature.ptr, 96);
		ccakit_token_free(tok);
	}
	ccakit_token_free(first);
	tat_close(&x);
}

static void sha512_realm_reports_sha512_measurements(void **state)
{
	(void)state;
	realm_token_case(RMI_HASH_SHA_512, 4, 64, 0xfeed, 512, 5);
}

static void cmw_machine_wraps_the_tokens_in_tag_907(void **state)
{
	(void)state;
	struct tat_fx x;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	tat_open(&x, true, RMI_HASH_SHA_256, NULL);
	tat_challenge(ch, 0x33);
	struct tat_fetch f;
	struct ccakit_token *tok = tat_get(&x, ch, 4096, 0, buf, &f);
	assert_int_equal(f.len, f.bound);
	assert_int_equal(buf[0], 0xd9); /* tag 907: d9 03 8b */
	assert_int_equal(buf[1], 0x03);
	assert_int_equal(buf[2], 0x8b);
	assert_int_equal(tok->format, CCAKIT_TOKEN_FORMAT_CMW);
	assert_memory_equal(tok->realm.challenge.ptr, ch, 64);
	ccakit_token_free(tok);
	tat_close(&x);
}

static void two_realms_share_the_platform_token(void **state)
{
	(void)state;
	struct tat_fx x;
	struct tagent second;
	struct tagent *a[2] = { &x.a, &second };
	uint8_t rpv[2][64], ch[64];
	static uint8_t buf[2][TOKEN_BUF_MAX];
	struct ccakit_token *tok[2];
	tat_challenge(ch, 0x55);
	tat_challenge(rpv[0], 0);
	tat_challenge(rpv[1], 0x10);
	tat_open(&x, false, RMI_HASH_SHA_256, rpv[0]);
	tat_build(&second, x.t, 2, RMI_HASH_SHA_512, rpv[1]);
	for (unsigned i = 0; i < 2; i++) {
		struct tat_fetch f;
		tat_fetch(a[i], 0, ch, 4096, 0, buf[i], &f);
		tok[i] = tat_verified(buf[i], f.len, x.k);
		check_realm_claims(a[i], &tok[i]->realm, ch, rpv[i], i ? 64 : 32);
	}
	/* One platform token, one RAK, for the whole boot... */
	const struct ccakit_cose_sign1 *p0 = &tok[0]->platform_sign1, *p1 = &tok[1]->platform_sign1;
	assert_int_equal(p0->payload.len, p1->payload.len);
	assert_memory_equal(p0->payload.ptr, p1->payload.ptr, p0->payload.len);
	assert_memory_equal(p0->signature.ptr, p1->signature.ptr, 96);
	assert_memory_equal(tok[0]->realm.public_key.ptr, tok[1]->realm.public_key.ptr,
			    CCA_RAK_COSE_KEY_SIZE);
	/* ...and each realm its own claims. */
	assert_memory_not_equal(tok[0]->realm.personalization_value.ptr,
				tok[1]->realm.personalization_value.ptr, 64);
	assert_int_not_equal(tok[0]->realm.initial_measurement.len,
			     tok[1]->realm.initial_measurement.len);
	for (unsigned i = 0; i < 2; i++)
		ccakit_token_free(tok[i]);
	ta_teardown(&second);
	tat_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(realm_gets_a_token_that_verifies_with_its_claims, tat_teardown),
		cmocka_unit_test_teardown(every_chunking_gives_the_same_token, tat_teardown),
		cmocka_unit_test_teardown(sha512_realm_reports_sha512_measurements, tat_teardown),
		cmocka_unit_test_teardown(cmw_machine_wraps_the_tokens_in_tag_907, tat_teardown),
		cmocka_unit_test_teardown(two_realms_share_the_platform_token, tat_teardown),
	};
	return cmocka_run_group_tests_name("attest_token", tests, NULL, NULL);
}
