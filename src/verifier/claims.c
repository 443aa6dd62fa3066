/* Taking a claims map apart: what the realm and platform claim decoders
 * share. Every message names the token, the claim key and its name. */
#include <string.h>

#include "verifier/claims.h"

const size_t measurement_sizes[] = { 32, 48, 64, 0 };

int claim_err(const struct claims *c, size_t i, int status, const char *fmt, ...)
{
	if (c->err && c->errlen) {
		int n = snprintf(c->err, c->errlen, "%s: claim %lld (%s) ", c->token,
				 (long long)c->defs[i].key, c->defs[i].name);
		if (n >= 0 && (size_t)n < c->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return status;
}

int claims_collect(struct claims *c, const cbor_item_t *map)
{
	if (!cbor_isa_map(map))
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: the payload is %s, not a claims map", c->token, cb_type_name(map));
	struct cbor_pair *pairs = cbor_map_handle(map);
	for (size_t p = 0; p < cbor_map_size(map); p++) {
		int64_t k;
		if (!cb_int64(pairs[p].key, &k))
			return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
				    "%s: a claim key is %s; claim keys are integers", c->token,
				    cb_type_name(pairs[p].key));
		size_t i;
		for (i = 0; i < c->ndefs; i++)
			if (c->defs[i].key == k)
				break;
		if (i == c->ndefs) {
			/* A claim no profile we know defines: EAT says a
			 * verifier ignores it; decode reports it. */
			for (size_t u = 0; u < c->unknown_count && u < 8; u++)
				if (c->unknown[u] == k)
					return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
						    "%s: claim %lld appears twice", c->token,
						    (long long)k);
			if (c->unknown_count < 8)
				c->unknown[c->unknown_count] = k;
			c->unknown_count++;
			continue;
		}
		if (c->val[i])
			return claim_err(c, i, CCAKIT_TOKEN_ERR_CLAIM, "appears twice");
		c->val[i] = pairs[p].value;
	}
	return CCAKIT_TOKEN_OK;
}

static int missing(struct claims *c, size_t i, bool required)
{
	return required ? claim_err(c, i, CCAKIT_TOKEN_ERR_CLAIM, "is missing") : CCAKIT_TOKEN_OK;
}

int value_bstr(struct claims *c, const char *where, const cbor_item_t *v, struct ccakit_bytes *out)
{
	if (!cb_is_bstr(v))
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: %s is %s, not a byte string", c->token, where, cb_type_name(v));
	size_t n = cbor_bytestring_length(v);
	const uint8_t *p = arena_dup(c->a, cbor_bytestring_handle(v), n);
	if (!p)
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_NOMEM, "%s: out of memory",
			    c->token);
	*out = (struct ccakit_bytes){ .ptr = p, .len = n };
	return CCAKIT_TOKEN_OK;
}

int value_tstr(struct claims *c, const char *where, const cbor_item_t *v, const char **out)
{
	if (!cb_is_tstr(v))
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: %s is %s, not a text string", c->token, where, cb_type_name(v));
	size_t n = cbor_string_length(v);
	if (memchr(cbor_string_handle(v), '\0', n))
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_CLAIM,
			    "%s: %s holds a NUL character", c->token, where);
	*out = arena_strndup(c->a, cbor_string_handle(v), n);
	if (!*out)
		return verr(c->err, c->errlen, CCAKIT_TOKEN_ERR_NOMEM, "%s: out of memory",
			    c->token);
	return CCAKIT_TOKEN_OK;
}

static const char *claim_where(const struct claims *c, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "claim %lld (%s)", (long long)c->defs[i].key, c->defs[i].name);
	return buf;
}

int claim_bstr(struct claims *c, size_t i, bool required, struct ccakit_bytes *out)
{
	char where[64];
	*out = (struct ccakit_bytes){ 0 };
	if (!c->val[i])
		return missing(c, i, required);
	return value_bstr(c, claim_where(c, i, where, sizeof(where)), c->val[i], out);
}

int claim_tstr(struct claims *c, size_t i, bool required, const char **out)
{
	char where[64];
	*out = NULL;
	if (!c->val[i])
		return missing(c, i, required);
	return value_tstr(c, claim_where(c, i, where, sizeof(where)), c->val[i], out);
}

int claim_bstr_sized(struct claims *c, size_t i, bool required, const size_t *sizes,
		     struct ccakit_bytes *out)
{
	int rc = claim_bstr(c, i, required, out);
	if (rc || !out->ptr)
		return rc;
	char list[64] = "";
	size_t k, used = 0;
	for (k = 0; sizes[k]; k++) {
		if (out->len == sizes[k])
			return CCAKIT_TOKEN_OK;
		int n = snprintf(list + used, sizeof(list) - used, "%s%zu",
				 k == 0		? ""
				 : sizes[k + 1] ? ", "
						: " or ",
				 sizes[k]);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
	}
	return claim_err(c, i, CCAKIT_TOKEN_ERR_CLAIM, "is %zu bytes; %s expected", out->len, list);
}

int claim_hash_algo(struct claims *c, size_t i, bool required, const char **id,
		    enum ccakit_hash_algo *h)
{
	int rc = claim_tstr(c, i, required, id);
	*h = CCAKIT_HASH_UNKNOWN;
	if (rc || !*id)
		return rc;
	*h = hash_algo_from_id(*id);
	if (*h == CCAKIT_HASH_UNKNOWN)
		return claim_err(c, i, CCAKIT_TOKEN_ERR_CLAIM,
				 "is \"%s\"; sha-256, sha-384 or sha-512 expected", *id);
	return CCAKIT_TOKEN_OK;
}
