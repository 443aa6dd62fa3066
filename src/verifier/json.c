/* Tokens and appraisals as JSON (jansson), for scripts and `--json`. Claim
 * names are the CDDL names of the CCA token (cca-realm-challenge, ...),
 * byte strings lower-case hex, absent optional claims left out. */
#include <stdlib.h>

#include <jansson.h>

#include "verifier/verifier.h"

struct jb {
	bool failed; /* out of memory somewhere */
};

static void set(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!obj || !v || json_object_set_new(obj, key, v))
		b->failed = true;
}

static void push(struct jb *b, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v))
		b->failed = true;
}

static json_t *jhex(const struct ccakit_bytes *v)
{
	char *s = malloc(2 * v->len + 1);
	if (!s)
		return NULL;
	hex_encode(v->ptr, v->len, s);
	json_t *j = json_string(s);
	free(s);
	return j;
}

static void set_hex(struct jb *b, json_t *obj, const char *key, const struct ccakit_bytes *v)
{
	if (v->ptr)
		set(b, obj, key, jhex(v));
}

static void set_str(struct jb *b, json_t *obj, const char *key, const char *s)
{
	if (s)
		set(b, obj, key, json_string(s));
}

static const char *alg_name(int64_t alg)
{
	return alg == COSE_ALG_ES256 ? "ES256" : alg == COSE_ALG_ES384 ? "ES384" : "ES512";
}

static const char *lifecycle_name(uint64_t v)
{
	switch (CCA_LIFECYCLE_STATE(v)) {
	case CCA_LIFECYCLE_UNKNOWN: return "unknown";
	case CCA_LIFECYCLE_ASSEMBLY_AND_TEST: return "assembly-and-test";
	case CCA_LIFECYCLE_PLATFORM_ROT_PROVISIONING: return "cca-platform-rot-provisioning";
	case CCA_LIFECYCLE_SECURED: return "secured";
	case CCA_LIFECYCLE_NON_PLATFORM_ROT_DEBUG: return "non-cca-platform-rot-debug";
	case CCA_LIFECYCLE_RECOVERABLE_PLATFORM_ROT_DEBUG:
		return "recoverable-cca-platform-rot-debug";
	case CCA_LIFECYCLE_DECOMMISSIONED: return "decommissioned";
	default: return "invalid";
	}
}

static json_t *unknown_claims(struct jb *b, size_t count, const int64_t *keys)
{
	json_t *a = json_array();
	for (size_t i = 0; i < count && i < 8; i++)
		push(b, a, json_integer(keys[i]));
	return a;
}

static json_t *platform_json(struct jb *b, const struct ccakit_token *t)
{
	const struct ccakit_platform_claims *p = &t->platform;
	json_t *o = json_object();
	set(b, o, "cose-alg", json_string(alg_name(t->platform_sign1.alg)));
	set_str(b, o, "cca-platform-profile", p->profile_name);
	set_hex(b, o, "cca-platform-challenge", &p->challenge);
	set_hex(b, o, "cca-platform-implementation-id", &p->implementation_id);
	set_hex(b, o, "cca-platform-instance-id", &p->instance_id);
	set_hex(b, o, "cca-platform-config", &p->config);
	set(b, o, "cca-platform-lifecycle", json_integer((json_int_t)p->lifecycle));
	set(b, o, "cca-platform-lifecycle-state", json_string(lifecycle_name(p->lifecycle)));
	json_t *sw = json_array();
	for (size_t i = 0; i < p->sw_component_count; i++) {
		const struct ccakit_sw_component *c = &p->sw_components[i];
		json_t *jc = json_object();
		set_str(b, jc, "component-type", c->type);
		set_hex(b, jc, "measurement-value", &c->measurement);
		set_str(b, jc, "version", c->version);
		set_hex(b, jc, "signer-id", &c->signer_id);
		set_str(b, jc, "hash-algo-id", c->hash_algo_id);
		push(b, sw, jc);
	}
	set(b, o, "cca-platform-sw-components", sw);
	set_str(b, o, "cca-platform-service-indicator", p->verification_service);
	set_str(b, o, "cca-platform-hash-algo-id", p->hash_algo_id);
	if (p->unknown_claim_count)
		set(b, o, "unknown-claims",
		    unknown_claims(b, p->unknown_claim_count, p->unknown_claims));
	return o;
}

static json_t *realm_json(struct jb *b, const struct ccakit_token *t)
{
	const struct ccakit_realm_claims *r = &t->realm;
	static const char *const profile[] = { "none (EAC)", "1.0", "2.0" };
	json_t *o = json_object();
	set(b, o, "cose-alg", json_string(alg_name(t->realm_sign1.alg)));
	set_str(b, o, "cca-realm-profile", r->profile_name);
	set(b, o, "profile-version", json_string(profile[r->profile]));
	set_hex(b, o, "cca-realm-challenge", &r->challenge);
	set_hex(b, o, "cca-realm-personalization-value", &r->personalization_value);
	set_str(b, o, "cca-realm-hash-algo-id", r->hash_algo_id);
	set_hex(b, o, "cca-realm-initial-measurement", &r->initial_measurement);
	json_t *rems = json_array();
	for (int i = 0; i < CCA_REALM_REM_COUNT; i++)
		push(b, rems, jhex(&r->extensible_measurements[i]));
	set(b, o, "cca-realm-extensible-measurements", rems);
	set_hex(b, o, "cca-realm-public-key", &r->public_key);
	set(b, o, "cca-realm-public-key-form",
	    json_string(r->public_key_is_cose_key ? "cose-key" : "raw"));
	struct ccakit_bytes point = { r->public_key_point, CCA_RAK_RAW_SIZE };
	set_hex(b, o, "cca-realm-public-key-point", &point);
	set_str(b, o, "cca-realm-public-key-hash-algo-id", r->public_key_hash_algo_id);
	set_hex(b, o, "cca-realm-instance-id", &r->instance_id);
	if (r->has_mec_policy)
		set(b, o, "cca-realm-mec-policy",
		    r->mec_policy_text ? json_string(r->mec_policy_text)
				       : json_integer(r->mec_policy));
	if (r->measurements_wider_than_hash)
		set(b, o, "measurements-wider-than-hash", json_true());
	if (r->unknown_claim_count)
		set(b, o, "unknown-claims",
		    unknown_claims(b, r->unknown_claim_count, r->unknown_claims));
	return o;
}

static char *dump(struct jb *b, json_t *root)
{
	char *s =
		b->failed || !root ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s;
}

char *ccakit_token_json(const struct ccakit_token *t)
{
	static const char *const format[] = { "collection", "cmw", "platform-only" };
	struct jb b = { 0 };
	json_t *root = json_object();
	set(&b, root, "format", json_string(format[t->format]));
	set(&b, root, "platform", platform_json(&b, t));
	if (t->has_realm)
		set(&b, root, "realm", realm_json(&b, t));
	return dump(&b, root);
}

static json_t *part_json(struct jb *b, const struct ccakit_appraisal_part *p)
{
	json_t *o = json_object();
	set(b, o, "appraised", json_boolean(p->appraised));
	set(b, o, "matched", json_boolean(p->matched));
	set(b, o, "entry", p->entry >= 0 ? json_integer(p->entry) : json_null());
	json_t *items = json_array();
	for (size_t i = 0; i < p->item_count; i++) {
		json_t *it = json_object();
		set(b, it, "claim", json_string(p->items[i].claim));
		set(b, it, "matched", json_boolean(p->items[i].matched));
		if (!p->items[i].matched)
			set(b, it, "detail", json_string(p->items[i].detail));
		push(b, items, it);
	}
	set(b, o, "claims", items);
	return o;
}

char *ccakit_appraisal_json(const struct ccakit_appraisal *a)
{
	struct jb b = { 0 };
	json_t *root = json_object();
	bool ok = (a->platform.appraised || a->realm.appraised) &&
		  (!a->platform.appraised || a->platform.matched) &&
		  (!a->realm.appraised || a->realm.matched);
	set(&b, root, "matched", json_boolean(ok));
	set(&b, root, "platform", part_json(&b, &a->platform));
	set(&b, root, "realm", part_json(&b, &a->realm));
	return dump(&b, root);
}
