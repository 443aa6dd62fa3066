/* The realm token's claims (spec/rmm-1.0.md section 8.2): the 1.0-REL0
 * profile, the EAC-era form before it (no profile, the RAK a raw SEC1
 * point), and the RMM 2.0 profile, which is decoded and reported so that
 * verify can refuse it by name. */
#include <string.h>

#include "verifier/claims.h"

enum {
	R_PROFILE,
	R_CHALLENGE,
	R_RPV,
	R_HASH_ALGO,
	R_RAK,
	R_RIM,
	R_REMS,
	R_RAK_HASH_ALGO,
	R_MEC_POLICY,
	R_INSTANCE_ID,
	R_COUNT
};

static const struct claim_def realm_defs[R_COUNT] = {
	[R_PROFILE] = { CCA_REALM_PROFILE, "profile" },
	[R_CHALLENGE] = { CCA_REALM_CHALLENGE, "challenge" },
	[R_RPV] = { CCA_REALM_PERSONALIZATION_VALUE, "personalization value" },
	[R_HASH_ALGO] = { CCA_REALM_HASH_ALGO_ID, "hash algorithm" },
	[R_RAK] = { CCA_REALM_PUBLIC_KEY, "RAK" },
	[R_RIM] = { CCA_REALM_INITIAL_MEASUREMENT, "RIM" },
	[R_REMS] = { CCA_REALM_EXTENSIBLE_MEASUREMENTS, "REMs" },
	[R_RAK_HASH_ALGO] = { CCA_REALM_PUBLIC_KEY_HASH_ALGO_ID, "RAK hash algorithm" },
	[R_MEC_POLICY] = { CCA_REALM_MEC_POLICY, "MEC policy" },
	[R_INSTANCE_ID] = { CCA_REALM_INSTANCE_ID, "instance id" },
};

const char *realm_claim_name(int64_t key)
{
	for (size_t i = 0; i < R_COUNT; i++)
		if (realm_defs[i].key == key)
			return realm_defs[i].name;
	return NULL;
}

static int decode_profile(struct claims *c, struct ccakit_realm_claims *rc)
{
	int r = claim_tstr(c, R_PROFILE, false, &rc->profile_name);
	if (r)
		return r;
	if (!rc->profile_name)
		rc->profile = CCAKIT_REALM_PROFILE_NONE;
	else if (!strcmp(rc->profile_name, CCA_REALM_PROFILE_1_0))
		rc->profile = CCAKIT_REALM_PROFILE_1_0;
	else if (!strcmp(rc->profile_name, CCA_REALM_PROFILE_2_0))
		rc->profile = CCAKIT_REALM_PROFILE_2_0;
	else
		return claim_err(
			c, R_PROFILE, CCAKIT_TOKEN_ERR_PROFILE,
			"is \"%s\", which this verifier does not know (" CCA_REALM_PROFILE_1_0
			" or " CCA_REALM_PROFILE_2_0 ")",
			rc->profile_name);
	return CCAKIT_TOKEN_OK;
}

/* The RIM and the REMs are digests of the algorithm claim 44236 names.
 * The EAC-era form is allowed a wider field (rust-ccatoken's cca-token-02
 * carries 64-byte measurements under "sha-256"); a profile is not. */
static int check_measurement_size(struct claims *c, struct ccakit_realm_claims *rc)
{
	size_t need = hash_algo_size(rc->hash_algo);
	size_t have = rc->initial_measurement.len;
	if (have < need || (have > need && rc->profile != CCAKIT_REALM_PROFILE_NONE))
		return claim_err(c, R_RIM, CCAKIT_TOKEN_ERR_CLAIM, "is %zu bytes; %s needs %zu",
				 have, rc->hash_algo_id, need);
	if (have != 32 && have != 48 && have != 64)
		return claim_err(c, R_RIM, CCAKIT_TOKEN_ERR_CLAIM,
				 "is %zu bytes; 32, 48 or 64 expected", have);
	rc->measurements_wider_than_hash = have > need;
	return CCAKIT_TOKEN_OK;
}

static int decode_rems(struct claims *c, struct ccakit_realm_claims *rc)
{
	const cbor_item_t *v = c->val[R_REMS];
	if (!v)
		return claim_err(c, R_REMS, CCAKIT_TOKEN_ERR_CLAIM, "is missing");
	if (!cbor_isa_array(v))
		return claim_err(c, R_REMS, CCAKIT_TOKEN_ERR_CLAIM, "is %s, not an array",
				 cb_type_name(v));
	if (cbor_array_size(v) != CCA_REALM_REM_COUNT)
		return claim_err(c, R_REMS, CCAKIT_TOKEN_ERR_CLAIM,
				 "has %zu entries; exactly %d expected", cbor_array_size(v),
				 CCA_REALM_REM_COUNT);
	cbor_item_t **rem = cbor_array_handle(v);
	for (int i = 0; i < CCA_REALM_REM_COUNT; i++) {
		char where[48];
		snprintf(where, sizeof(where), "claim 44239 (REMs) entry %d", i);
		int r = value_bstr(c, where, rem[i], &rc->extensible_measurements[i]);
		if (r)
			return r;
		if (rc->extensible_measurements[i].len != rc->initial_measurement.len)
			return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
				    "realm token: %s is %zu bytes; the RIM is %zu", where,
				    rc->extensible_measurements[i].len,
				    rc->initial_measurement.len);
	}
	return CCAKIT_TOKEN_OK;
}

/* The RAK: a COSE_Key (1.0-REL0 on) or a raw 97-byte SEC1 point (EAC). The
 * encoded bytes stay as they are: the platform binding hashes them. */
static int decode_rak(struct claims *c, struct ccakit_realm_claims *rc)
{
	int r = claim_bstr(c, R_RAK, true, &rc->public_key);
	if (r)
		return r;
	const struct ccakit_bytes *k = &rc->public_key;
	if (k->len == CCA_RAK_RAW_SIZE && k->ptr[0] == 0x04) {
		if (rc->profile != CCAKIT_REALM_PROFILE_NONE)
			return claim_err(c, R_RAK, CCAKIT_TOKEN_ERR_CLAIM,
					 "is a raw %d-byte point; profile %s requires a COSE_Key",
					 CCA_RAK_RAW_SIZE, rc->profile_name);
		memcpy(rc->public_key_point, k->ptr, CCA_RAK_RAW_SIZE);
	} else {
		char why[160];
		r = cose_key_rak_point(k->ptr, k->len, rc->public_key_point, why, sizeof(why));
		if (r == CCAKIT_TOKEN_ERR_NOMEM)
			return claim_err(c, R_RAK, r, "could not be decoded: out of memory");
		if (r)
			return claim_err(
				c, R_RAK, CCAKIT_TOKEN_ERR_CLAIM,
				"(%zu bytes) is neither a raw P-384 point nor a COSE_Key: %s",
				k->len, why);
		rc->public_key_is_cose_key = true;
	}
	EVP_PKEY *key;
	char why[160];
	r = ec_key_from_point("P-384", rc->public_key_point, CCA_RAK_RAW_SIZE, &key, why,
			      sizeof(why));
	if (r)
		return claim_err(c, R_RAK, r == CCAKIT_TOKEN_ERR_NOMEM ? r : CCAKIT_TOKEN_ERR_CLAIM,
				 "is not a usable P-384 public key: %s", why);
	EVP_PKEY_free(key);
	return CCAKIT_TOKEN_OK;
}

static int decode_mec_policy(struct claims *c, struct ccakit_realm_claims *rc)
{
	const cbor_item_t *v = c->val[R_MEC_POLICY];
	if (!v)
		return CCAKIT_TOKEN_OK;
	rc->has_mec_policy = true;
	/* TF-RMM's 1.x-aligned tree spells it as text, its main branch as an
	 * int (0 shared, 1 private): both are in circulation. */
	if (cb_int64(v, &rc->mec_policy))
		return CCAKIT_TOKEN_OK;
	if (cb_is_tstr(v))
		return claim_tstr(c, R_MEC_POLICY, true, &rc->mec_policy_text);
	return claim_err(c, R_MEC_POLICY, CCAKIT_TOKEN_ERR_CLAIM,
			 "is %s, not an integer or a text string", cb_type_name(v));
}

int realm_claims_decode(struct arena *a, const uint8_t *payload, size_t len,
			struct ccakit_realm_claims *rc, char *err, size_t errlen)
{
	static const size_t size64[] = { 64, 0 };
	static const size_t instance_sizes[] = { 33, 0 };
	cbor_item_t *map;
	int r = cbor_decode_item(payload, len, "realm token payload", &map, err, errlen);
	if (r)
		return r;
	struct claims c = { .token = "realm token",
			    .defs = realm_defs,
			    .ndefs = R_COUNT,
			    .a = a,
			    .err = err,
			    .errlen = errlen };
	r = claims_collect(&c, map);
	if (!r)
		r = decode_profile(&c, rc);
	if (!r)
		r = claim_bstr_sized(&c, R_CHALLENGE, true, size64, &rc->challenge);
	if (!r)
		r = claim_bstr_sized(&c, R_RPV, true, size64, &rc->personalization_value);
	if (!r)
		r = claim_hash_algo(&c, R_HASH_ALGO, true, &rc->hash_algo_id, &rc->hash_algo);
	if (!r)
		r = claim_hash_algo(&c, R_RAK_HASH_ALGO, true, &rc->public_key_hash_algo_id,
				    &rc->public_key_hash_algo);
	if (!r)
		r = claim_bstr(&c, R_RIM, true, &rc->initial_measurement);
	if (!r)
		r = check_measurement_size(&c, rc);
	if (!r)
		r = decode_rems(&c, rc);
	if (!r)
		r = decode_rak(&c, rc);
	if (!r)
		r = decode_mec_policy(&c, rc);
	/* The realm instance id is a 2.0 claim; TF-RMM put it in some
	 * profile-less tokens too. A UEID: 33 bytes, as the platform's. */
	if (!r)
		r = claim_bstr_sized(&c, R_INSTANCE_ID, rc->profile == CCAKIT_REALM_PROFILE_2_0,
				     instance_sizes, &rc->instance_id);
	rc->unknown_claim_count = c.unknown_count;
	memcpy(rc->unknown_claims, c.unknown, sizeof(c.unknown));
	cbor_decref(&map);
	return r;
}
