/* The platform token's claims (spec/rmm-1.0.md section 8.3): the CCA
 * platform profile 1.0 and its legacy name. */
#include <string.h>

#include "verifier/claims.h"

enum {
	P_PROFILE,
	P_CHALLENGE,
	P_IMPLEMENTATION_ID,
	P_INSTANCE_ID,
	P_CONFIG,
	P_LIFECYCLE,
	P_SW_COMPONENTS,
	P_VERIFICATION_SERVICE,
	P_HASH_ALGO,
	P_COUNT
};

static const struct claim_def platform_defs[P_COUNT] = {
	[P_PROFILE] = { CCA_PLATFORM_PROFILE, "profile" },
	[P_CHALLENGE] = { CCA_PLATFORM_CHALLENGE, "challenge" },
	[P_IMPLEMENTATION_ID] = { CCA_PLATFORM_IMPLEMENTATION_ID, "implementation id" },
	[P_INSTANCE_ID] = { CCA_PLATFORM_INSTANCE_ID, "instance id" },
	[P_CONFIG] = { CCA_PLATFORM_CONFIG, "platform configuration" },
	[P_LIFECYCLE] = { CCA_PLATFORM_LIFECYCLE, "lifecycle" },
	[P_SW_COMPONENTS] = { CCA_PLATFORM_SW_COMPONENTS, "software components" },
	[P_VERIFICATION_SERVICE] = { CCA_PLATFORM_VERIFICATION_SERVICE, "verification service" },
	[P_HASH_ALGO] = { CCA_PLATFORM_HASH_ALGO_ID, "hash algorithm" },
};

const char *platform_claim_name(int64_t key)
{
	for (size_t i = 0; i < P_COUNT; i++)
		if (platform_defs[i].key == key)
			return platform_defs[i].name;
	return NULL;
}

static int decode_profile(struct claims *c, struct ccakit_platform_claims *pc)
{
	int r = claim_tstr(c, P_PROFILE, true, &pc->profile_name);
	if (r)
		return r;
	if (!strcmp(pc->profile_name, CCA_PLATFORM_PROFILE_1_0))
		pc->profile = CCAKIT_PLATFORM_PROFILE_1_0;
	else if (!strcmp(pc->profile_name, CCA_PLATFORM_PROFILE_LEGACY))
		pc->profile = CCAKIT_PLATFORM_PROFILE_LEGACY;
	else
		return claim_err(
			c, P_PROFILE, CCAKIT_TOKEN_ERR_PROFILE,
			"is \"%s\", which this verifier does not know (" CCA_PLATFORM_PROFILE_1_0
			" or " CCA_PLATFORM_PROFILE_LEGACY ")",
			pc->profile_name);
	return CCAKIT_TOKEN_OK;
}

/* The instance id is a UEID of type RAND: 0x01 and 32 bytes. */
static int decode_instance_id(struct claims *c, struct ccakit_platform_claims *pc)
{
	static const size_t sizes[] = { CCA_PLATFORM_INSTANCE_ID_SIZE, 0 };
	int r = claim_bstr_sized(c, P_INSTANCE_ID, true, sizes, &pc->instance_id);
	if (r)
		return r;
	if (pc->instance_id.ptr[0] != CCA_UEID_TYPE_RAND)
		return claim_err(c, P_INSTANCE_ID, CCAKIT_TOKEN_ERR_CLAIM,
				 "starts with 0x%02x; a UEID of type RAND starts with 0x01",
				 pc->instance_id.ptr[0]);
	return CCAKIT_TOKEN_OK;
}

static int decode_lifecycle(struct claims *c, struct ccakit_platform_claims *pc)
{
	const cbor_item_t *v = c->val[P_LIFECYCLE];
	if (!v)
		return claim_err(c, P_LIFECYCLE, CCAKIT_TOKEN_ERR_CLAIM, "is missing");
	if (!cb_uint64(v, &pc->lifecycle))
		return claim_err(c, P_LIFECYCLE, CCAKIT_TOKEN_ERR_CLAIM,
				 "is %s, not an unsigned integer", cb_type_name(v));
	if (pc->lifecycle > 0xffff)
		return claim_err(c, P_LIFECYCLE, CCAKIT_TOKEN_ERR_CLAIM,
				 "is 0x%llx; a lifecycle is 16 bits",
				 (unsigned long long)pc->lifecycle);
	return CCAKIT_TOKEN_OK;
}

/* One software component: {? 1: type, 2: measurement, ? 4: version,
 * 5: signer id, ? 6: hash algorithm}. */
static int decode_component(struct claims *c, size_t idx, const cbor_item_t *m,
			    struct ccakit_sw_component *sw)
{
	char where[80];
	snprintf(where, sizeof(where), "claim 2399 (software components) entry %zu", idx);
	if (!cbor_isa_map(m))
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM, "%s: %s is %s, not a map",
			    c->token, where, cb_type_name(m));
	const cbor_item_t *field[7] = { 0 };
	struct cbor_pair *pairs = cbor_map_handle(m);
	for (size_t p = 0; p < cbor_map_size(m); p++) {
		int64_t k;
		if (!cb_int64(pairs[p].key, &k))
			return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
				    "%s: %s has a key that is %s, not an integer", c->token, where,
				    cb_type_name(pairs[p].key));
		if (k < 1 || k > 6)
			continue; /* a field no profile we know defines */
		if (field[k])
			return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
				    "%s: %s has key %lld twice", c->token, where, (long long)k);
		field[k] = pairs[p].value;
	}
	static const char *const name[] = { [1] = "type",
					    [2] = "measurement",
					    [4] = "version",
					    [5] = "signer id",
					    [6] = "hash algorithm" };
	char fw[128];
	int r = CCAKIT_TOKEN_OK;
	for (int k = 1; k <= 6 && !r; k++) {
		if (k == 3)
			continue;
		snprintf(fw, sizeof(fw), "%s %s (key %d)", where, name[k], k);
		if (!field[k]) {
			if (k == CCA_SW_COMPONENT_MEASUREMENT_VALUE ||
			    k == CCA_SW_COMPONENT_SIGNER_ID)
				r = verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
					 "%s: %s is missing", c->token, fw);
			continue;
		}
		switch (k) {
		case CCA_SW_COMPONENT_TYPE: r = value_tstr(c, fw, field[k], &sw->type); break;
		case CCA_SW_COMPONENT_MEASUREMENT_VALUE:
			r = value_bstr(c, fw, field[k], &sw->measurement);
			break;
		case CCA_SW_COMPONENT_VERSION: r = value_tstr(c, fw, field[k], &sw->version); break;
		case CCA_SW_COMPONENT_SIGNER_ID:
			r = value_bstr(c, fw, field[k], &sw->signer_id);
			break;
		case CCA_SW_COMPONENT_HASH_ALGO_ID:
			r = value_tstr(c, fw, field[k], &sw->hash_algo_id);
			break;
		}
	}
	if (r)
		return r;
	size_t n = sw->measurement.len;
	if (n != 32 && n != 48 && n != 64)
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: %s measurement (key 2) is %zu bytes; 32, 48 or 64 expected",
			    c->token, where, n);
	/* A named algorithm we know fixes the size; one we do not know
	 * (sha3-256, say) is not ours to judge. */
	size_t need = hash_algo_size(hash_algo_from_id(sw->hash_algo_id));
	if (need && n != need)
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: %s measurement (key 2) is %zu bytes; %s needs %zu", c->token,
			    where, n, sw->hash_algo_id, need);
	n = sw->signer_id.len;
	if (n != 32 && n != 48 && n != 64)
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: %s signer id (key 5) is %zu bytes; 32, 48 or 64 expected",
			    c->token, where, n);
	return CCAKIT_TOKEN_OK;
}

static int decode_components(struct claims *c, struct ccakit_platform_claims *pc)
{
	const cbor_item_t *v = c->val[P_SW_COMPONENTS];
	if (!v)
		return claim_err(c, P_SW_COMPONENTS, CCAKIT_TOKEN_ERR_CLAIM, "is missing");
	if (!cbor_isa_array(v))
		return claim_err(c, P_SW_COMPONENTS, CCAKIT_TOKEN_ERR_CLAIM, "is %s, not an array",
				 cb_type_name(v));
	size_t n = cbor_array_size(v);
	if (n == 0)
		return claim_err(c, P_SW_COMPONENTS, CCAKIT_TOKEN_ERR_CLAIM,
				 "is empty; a platform measures at least one component");
	struct ccakit_sw_component *sw = arena_alloc(c->a, n * sizeof(*sw));
	if (!sw)
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_NOMEM, "%s: out of memory",
			    c->token);
	cbor_item_t **it = cbor_array_handle(v);
	for (size_t i = 0; i < n; i++) {
		int r = decode_component(c, i, it[i], &sw[i]);
		if (r)
			return r;
	}
	pc->sw_components = sw;
	pc->sw_component_count = n;
	return CCAKIT_TOKEN_OK;
}

int platform_claims_decode(struct arena *a, const uint8_t *payload, size_t len,
			   struct ccakit_platform_claims *pc, char *err, size_t errlen)
{
	static const size_t impl_sizes[] = { CCA_PLATFORM_IMPLEMENTATION_ID_SIZE, 0 };
	enum ccakit_hash_algo h;
	cbor_item_t *map;
	int r = cbor_decode_item(payload, len, "platform token payload", &map, err, errlen);
	if (r)
		return r;
	struct claims c = { .token = "platform token",
			    .defs = platform_defs,
			    .ndefs = P_COUNT,
			    .a = a,
			    .err = err,
			    .errlen = errlen };
	r = claims_collect(&c, map);
	if (!r)
		r = decode_profile(&c, pc);
	/* The challenge is the RAK hash: 32, 48 or 64 bytes. */
	if (!r)
		r = claim_bstr_sized(&c, P_CHALLENGE, true, measurement_sizes, &pc->challenge);
	if (!r)
		r = claim_bstr_sized(&c, P_IMPLEMENTATION_ID, true, impl_sizes,
				     &pc->implementation_id);
	if (!r)
		r = decode_instance_id(&c, pc);
	if (!r)
		r = claim_bstr(&c, P_CONFIG, true, &pc->config);
	if (!r)
		r = decode_lifecycle(&c, pc);
	if (!r)
		r = decode_components(&c, pc);
	if (!r)
		r = claim_tstr(&c, P_VERIFICATION_SERVICE, false, &pc->verification_service);
	if (!r)
		r = claim_hash_algo(&c, P_HASH_ALGO, true, &pc->hash_algo_id, &h);
	pc->unknown_claim_count = c.unknown_count;
	memcpy(pc->unknown_claims, c.unknown, sizeof(c.unknown));
	cbor_decref(&map);
	return r;
}
