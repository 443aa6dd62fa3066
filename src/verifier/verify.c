/* Verifying a decoded token (spec/rmm-1.0.md sections 8.2-8.4): the realm
 * profile this verifier implements, the platform signature with the CPAK of
 * the trust anchor for this platform, the realm signature with the RAK, and
 * the binding of the two. */
#include <string.h>

#include "verifier/verifier.h"

static bool id_matches(const struct ccakit_bytes *want, const struct ccakit_bytes *have)
{
	return !want || (want->len == have->len && !memcmp(want->ptr, have->ptr, have->len));
}

/* The anchor for this platform: the first whose implementation id and
 * instance id (those it names) are the token's. */
static int select_cpak(const struct ccakit_token *t, const struct ccakit_cpak *cpak, int *anchor,
		       EVP_PKEY **key, char *err, size_t errlen)
{
	size_t n = cpak_count(cpak);
	for (size_t i = 0; i < n; i++) {
		const struct ccakit_bytes *impl, *inst;
		EVP_PKEY *k = cpak_key(cpak, i, &impl, &inst);
		if (id_matches(impl, &t->platform.implementation_id) &&
		    id_matches(inst, &t->platform.instance_id)) {
			*anchor = cpak_is_list(cpak) ? (int)i : -1;
			*key = k;
			return CCAKIT_TOKEN_OK;
		}
	}
	char impl[64], inst[64];
	return verr(err, errlen, CCAKIT_TOKEN_ERR_NO_ANCHOR,
		    "cpak: none of the %zu trust anchors is for this platform: implementation id "
		    "%s, instance id %s",
		    n, hex_short(&t->platform.implementation_id, impl, sizeof(impl)),
		    hex_short(&t->platform.instance_id, inst, sizeof(inst)));
}

/* Platform challenge (claim 10) == H(claim 44237's bytes as encoded), H as
 * claim 44240 names it. */
static int check_binding(const struct ccakit_token *t, char *err, size_t errlen)
{
	const struct ccakit_realm_claims *r = &t->realm;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (EVP_Digest(r->public_key.ptr, r->public_key.len, md, &mdlen,
		       hash_algo_md(r->public_key_hash_algo), NULL) != 1)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "binding: hashing the RAK failed");
	const struct ccakit_bytes *ch = &t->platform.challenge;
	if (ch->len == mdlen && !memcmp(ch->ptr, md, mdlen))
		return CCAKIT_TOKEN_OK;
	char a[64], b[64];
	struct ccakit_bytes h = { md, mdlen };
	return verr(err, errlen, CCAKIT_TOKEN_ERR_BINDING,
		    "binding: the platform challenge (claim 10) %s is not the %s (claim 44240) of "
		    "the realm's RAK (claim 44237), %s",
		    hex_short(ch, a, sizeof(a)), r->public_key_hash_algo_id,
		    hex_short(&h, b, sizeof(b)));
}

int ccakit_token_verify(const struct ccakit_token *t, const struct ccakit_cpak *cpak,
			const struct ccakit_verify_options *opt, struct ccakit_verify_result *res,
			char *err, size_t errlen)
{
	struct ccakit_verify_result r = { .anchor = -1 };
	EVP_PKEY *cpak_key = NULL;
	int rc = CCAKIT_TOKEN_OK;
	if (res)
		*res = r;
	if (t->has_realm && t->realm.profile == CCAKIT_REALM_PROFILE_2_0 &&
	    !(opt && opt->allow_realm_2_0))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_PROFILE,
			    "realm token: profile " CCA_REALM_PROFILE_2_0 " is RMM 2.0; this "
			    "verifier implements RMM 1.0 and accepts 2.0 only when asked to");
	rc = select_cpak(t, cpak, &r.anchor, &cpak_key, err, errlen);
	if (rc)
		goto out;
	char keyname[48] = "the CPAK";
	if (r.anchor >= 0)
		snprintf(keyname, sizeof(keyname), "the CPAK of trust anchor %d", r.anchor);
	size_t anchor = r.anchor >= 0 ? (size_t)r.anchor : 0;
	if (!cpak_verified(cpak, anchor, &t->platform_sign1)) {
		rc = cose_sign1_verify(&t->platform_sign1, cpak_key, "platform token", keyname,
				       err, errlen);
		if (rc)
			goto out;
		cpak_remember_verified(cpak, anchor, &t->platform_sign1);
	}
	r.platform_signature_ok = true;
	if (!t->has_realm)
		goto out;
	EVP_PKEY *rak;
	rc = ec_key_from_point("P-384", t->realm.public_key_point, CCA_RAK_RAW_SIZE, &rak, err,
			       errlen);
	if (rc)
		goto out;
	rc = cose_sign1_verify(&t->realm_sign1, rak, "realm token", "the RAK (claim 44237)", err,
			       errlen);
	EVP_PKEY_free(rak);
	if (rc)
		goto out;
	r.realm_signature_ok = true;
	rc = check_binding(t, err, errlen);
	r.binding_ok = rc == CCAKIT_TOKEN_OK;
out:
	if (res)
		*res = r;
	return rc;
}
