/* Decoding a CCA token's envelope: the tag-399 collection, its tag-907 CMW
 * form, or a platform token alone; then each COSE_Sign1 and its claims
 * (claims_realm.c, claims_platform.c). spec/rmm-1.0.md section 8. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/verifier.h"

static int dup_bytes(struct arena *a, const cbor_item_t *b, struct ccakit_bytes *out)
{
	size_t n = cbor_bytestring_length(b);
	const uint8_t *p = arena_dup(a, cbor_bytestring_handle(b), n);
	if (!p)
		return CCAKIT_TOKEN_ERR_NOMEM;
	*out = (struct ccakit_bytes){ .ptr = p, .len = n };
	return CCAKIT_TOKEN_OK;
}

/* The protected header: a bstr holding a map with the algorithm (RFC 9052
 * section 3.1). A header we would have to understand (crit) we do not. */
static int decode_protected(const cbor_item_t *bstr, const char *which, int64_t *alg, char *err,
			    size_t errlen)
{
	size_t n = cbor_bytestring_length(bstr);
	if (n == 0)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			    "%s: the protected header is empty, so names no algorithm", which);
	char what[64];
	snprintf(what, sizeof(what), "%s protected header", which);
	cbor_item_t *hdr;
	int rc = cbor_decode_item(cbor_bytestring_handle(bstr), n, what, &hdr, err, errlen);
	if (rc)
		return rc;
	if (!cbor_isa_map(hdr)) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT, "%s: is %s, not a map", what,
			  cb_type_name(hdr));
		goto out;
	}
	if (cb_map_get(hdr, COSE_HEADER_CRIT)) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "%s: names critical headers (label 2), which this verifier does not "
			  "implement",
			  what);
		goto out;
	}
	struct cbor_pair *pairs = cbor_map_handle(hdr);
	unsigned algs = 0;
	for (size_t i = 0; i < cbor_map_size(hdr); i++) {
		int64_t k;
		if (cb_int64(pairs[i].key, &k) && k == COSE_HEADER_ALG)
			algs++;
	}
	if (algs != 1) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT, "%s: %s", what,
			  algs ? "names the algorithm (label 1) twice"
			       : "has no algorithm (label 1)");
		goto out;
	}
	if (!cb_int64(cb_map_get(hdr, COSE_HEADER_ALG), alg)) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "%s: the algorithm (label 1) is %s, not an integer", what,
			  cb_type_name(cb_map_get(hdr, COSE_HEADER_ALG)));
		goto out;
	}
	if (*alg != COSE_ALG_ES256 && *alg != COSE_ALG_ES384 && *alg != COSE_ALG_ES512)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "%s: algorithm %lld is not ES256 (-7), ES384 (-35) or ES512 (-36)", what,
			  (long long)*alg);
out:
	cbor_decref(&hdr);
	return rc;
}

/* A tagged COSE_Sign1: #6.18([protected bstr, unprotected map, payload bstr,
 * signature bstr]) (RFC 9052 section 4.2). */
static int decode_sign1(struct arena *a, const uint8_t *p, size_t len, const char *which,
			struct ccakit_cose_sign1 *s, char *err, size_t errlen)
{
	cbor_item_t *arr;
	bool tagged;
	uint64_t tag;
	int rc = cbor_decode_tagged(p, len, which, &tagged, &tag, &arr, err, errlen);
	if (rc)
		return rc;
	if (!tagged || tag != COSE_SIGN1_TAG) {
		if (tagged)
			rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				  "%s: tag %llu, not a COSE_Sign1 (tag 18)", which,
				  (unsigned long long)tag);
		else
			rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				  "%s: %s, not a COSE_Sign1 (tag 18)", which, cb_type_name(arr));
		goto out;
	}
	if (!cbor_isa_array(arr) || cbor_array_size(arr) != 4) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "%s: the COSE_Sign1 is %s%s, not an array of 4", which, cb_type_name(arr),
			  cbor_isa_array(arr) ? " of another size" : "");
		goto out;
	}
	cbor_item_t **it = cbor_array_handle(arr);
	static const char *const field[] = { "protected header", "unprotected header", "payload",
					     "signature" };
	for (int i = 0; i < 4; i++) {
		bool ok = i == 1 ? cbor_isa_map(it[i]) : cb_is_bstr(it[i]);
		const char *detached =
			i == 2 && cbor_is_null(it[i]) ? " (detached payloads are not tokens)" : "";
		if (!ok) {
			rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				  "%s: the COSE_Sign1 %s is %s, not a %s%s", which, field[i],
				  cb_type_name(it[i]), i == 1 ? "map" : "byte string", detached);
			goto out;
		}
	}
	rc = decode_protected(it[0], which, &s->alg, err, errlen);
	/* r || s, each as wide as the curve's order (RFC 9053 section 2.1). */
	size_t siglen = s->alg == COSE_ALG_ES256 ? 64 : s->alg == COSE_ALG_ES384 ? 96 : 132;
	if (!rc && cbor_bytestring_length(it[3]) != siglen)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "%s: the signature is %zu bytes; %s needs %zu (r || s)", which,
			  cbor_bytestring_length(it[3]),
			  s->alg == COSE_ALG_ES256   ? "ES256"
			  : s->alg == COSE_ALG_ES384 ? "ES384"
						     : "ES512",
			  siglen);
	if (!rc)
		rc = dup_bytes(a, it[0], &s->protected_hdr);
	if (!rc)
		rc = dup_bytes(a, it[2], &s->payload);
	if (!rc)
		rc = dup_bytes(a, it[3], &s->signature);
	if (rc == CCAKIT_TOKEN_ERR_NOMEM)
		verr(err, errlen, rc, "%s: out of memory", which);
out:
	cbor_decref(&arr);
	return rc;
}

/* The value of one collection entry: a bstr (tag 399) or the CMW record
 * [263, bstr] (tag 907). Returns the bstr. */
static int collection_entry(const cbor_item_t *v, bool cmw, int64_t label, const char *which,
			    const cbor_item_t **bstr, char *err, size_t errlen)
{
	if (cmw) {
		if (!cbor_isa_array(v) || cbor_array_size(v) != 2)
			return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				    "token: CMW entry %lld (%s) is %s, not a record [263, bstr]",
				    (long long)label, which, cb_type_name(v));
		cbor_item_t **rec = cbor_array_handle(v);
		uint64_t cf;
		if (!cb_uint64(rec[0], &cf) || cf != CCA_CMW_CONTENT_FORMAT_EAT_CWT)
			return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				    "token: CMW entry %lld (%s) has content format %s%llu; 263 "
				    "(application/eat+cwt) expected",
				    (long long)label, which,
				    cbor_isa_uint(rec[0]) ? "" : "(not an int) ",
				    cbor_isa_uint(rec[0]) ? (unsigned long long)cf : 0ULL);
		v = rec[1];
	}
	if (!cb_is_bstr(v))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			    "token: entry %lld (%s) is %s, not a byte string", (long long)label,
			    which, cb_type_name(v));
	*bstr = v;
	return CCAKIT_TOKEN_OK;
}

static int decode_collection(struct ccakit_token *t, struct arena *a, const cbor_item_t *map,
			     bool cmw, char *err, size_t errlen)
{
	const char *kind = cmw ? "CMW collection (tag 907)" : "collection (tag 399)";
	if (!cbor_isa_map(map))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			    "token: the %s holds %s, not a map", kind, cb_type_name(map));
	if (cbor_map_size(map) != 2)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			    "token: the %s has %zu entries; exactly 2 expected (44234 platform, "
			    "44241 realm)",
			    kind, cbor_map_size(map));
	const cbor_item_t *plat = NULL, *realm = NULL;
	struct cbor_pair *pairs = cbor_map_handle(map);
	for (size_t i = 0; i < 2; i++) {
		int64_t k;
		if (!cb_int64(pairs[i].key, &k) ||
		    (k != CCA_PLATFORM_TOKEN_LABEL && k != CCA_REALM_TOKEN_LABEL))
			return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				    "token: the %s has an entry that is not 44234 (platform) or "
				    "44241 (realm)",
				    kind);
		const cbor_item_t **slot = k == CCA_PLATFORM_TOKEN_LABEL ? &plat : &realm;
		if (*slot)
			return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				    "token: the %s has entry %lld twice", kind, (long long)k);
		int rc = collection_entry(pairs[i].value, cmw, k,
					  k == CCA_PLATFORM_TOKEN_LABEL ? "platform" : "realm",
					  slot, err, errlen);
		if (rc)
			return rc;
	}
	int rc = decode_sign1(a, cbor_bytestring_handle(plat), cbor_bytestring_length(plat),
			      "platform token", &t->platform_sign1, err, errlen);
	if (rc)
		return rc;
	rc = decode_sign1(a, cbor_bytestring_handle(realm), cbor_bytestring_length(realm),
			  "realm token", &t->realm_sign1, err, errlen);
	if (rc)
		return rc;
	t->has_realm = true;
	return CCAKIT_TOKEN_OK;
}

/* Hex text: hex digits and whitespace only, at least one digit. A CBOR
 * token never looks like that (it starts with a tag, 0xd2 or 0xd9). */
static bool looks_hex(const uint8_t *p, size_t len)
{
	size_t digits = 0;
	for (size_t i = 0; i < len; i++) {
		if (isxdigit(p[i]))
			digits++;
		else if (!isspace(p[i]))
			return false;
	}
	return digits > 0;
}

static int unhex(const uint8_t *p, size_t len, uint8_t **out, size_t *outlen, char *err,
		 size_t errlen)
{
	char *digits = malloc(len + 1);
	if (!digits)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "token: out of memory");
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (!isspace(p[i]))
			digits[n++] = (char)p[i];
	digits[n] = '\0';
	int rc = hex_decode(digits, out, outlen);
	free(digits);
	if (rc)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "token: hex text with an odd number of digits (%zu)", n);
	return CCAKIT_TOKEN_OK;
}

static int decode_token(struct ccakit_token *t, struct arena *a, const uint8_t *p, size_t len,
			char *err, size_t errlen)
{
	cbor_item_t *root;
	bool tagged;
	uint64_t tag;
	int rc = cbor_decode_tagged(p, len, "token", &tagged, &tag, &root, err, errlen);
	if (rc)
		return rc;
	if (!tagged) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "token: %s, not a CCA token (tag 399), a CMW collection (tag 907) or a "
			  "platform COSE_Sign1 (tag 18)",
			  cb_type_name(root));
		goto out;
	}
	switch (tag) {
	case CCA_TOKEN_TAG:
		t->format = CCAKIT_TOKEN_FORMAT_COLLECTION;
		rc = decode_collection(t, a, root, false, err, errlen);
		break;
	case CCA_CMW_COLLECTION_TAG:
		t->format = CCAKIT_TOKEN_FORMAT_CMW;
		rc = decode_collection(t, a, root, true, err, errlen);
		break;
	case COSE_SIGN1_TAG:
		t->format = CCAKIT_TOKEN_FORMAT_PLATFORM_ONLY;
		rc = decode_sign1(a, p, len, "platform token", &t->platform_sign1, err, errlen);
		break;
	default:
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "token: tag %llu, not a CCA token (tag 399), a CMW collection (tag 907) "
			  "or a platform COSE_Sign1 (tag 18)",
			  (unsigned long long)tag);
		break;
	}
	if (rc)
		goto out;
	rc = platform_claims_decode(a, t->platform_sign1.payload.ptr, t->platform_sign1.payload.len,
				    &t->platform, err, errlen);
	if (!rc && t->has_realm)
		rc = realm_claims_decode(a, t->realm_sign1.payload.ptr, t->realm_sign1.payload.len,
					 &t->realm, err, errlen);
out:
	cbor_decref(&root);
	return rc;
}

int ccakit_token_decode(const void *buf, size_t len, struct ccakit_token **out, char *err,
			size_t errlen)
{
	*out = NULL;
	const uint8_t *p = buf;
	uint8_t *bin = NULL;
	int rc;
	if (looks_hex(p, len)) {
		rc = unhex(p, len, &bin, &len, err, errlen);
		if (rc)
			return rc;
		p = bin;
	}
	struct ccakit_token *t = calloc(1, sizeof(*t));
	struct arena *a = calloc(1, sizeof(*a));
	if (!t || !a) {
		free(t);
		free(a);
		free(bin);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "token: out of memory");
	}
	t->priv_ = a;
	rc = decode_token(t, a, p, len, err, errlen);
	free(bin);
	if (rc) {
		ccakit_token_free(t);
		return rc;
	}
	*out = t;
	return CCAKIT_TOKEN_OK;
}

int ccakit_token_load(const char *path, struct ccakit_token **out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	*out = NULL;
	int rc = read_file(path, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = ccakit_token_decode(buf, len, out, err, errlen);
	free(buf);
	return rc;
}

void ccakit_token_free(struct ccakit_token *t)
{
	if (!t)
		return;
	if (t->priv_) {
		arena_release(t->priv_);
		free(t->priv_);
	}
	free(t);
}
