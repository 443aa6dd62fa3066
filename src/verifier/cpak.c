/* The CPAK a relying party trusts: a PEM key, a JWK (RFC 7517/7518), or a
 * list of trust anchors as Veraison and Trustee keep them, each a JWK with
 * the implementation id and instance id of the platform it is for. Every
 * key is checked to be a point on its curve as it is read: a store with a
 * broken key is a broken store, whichever token it would be used for. */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "verifier/verifier.h"

struct anchor {
	EVP_PKEY *key;
	struct ccakit_bytes impl_id, inst_id; /* ptr NULL: any */
};

/* Platform tokens this CPAK has verified. Every realm token of a platform
 * carries the same platform token (the RMM gets it once, bound to its
 * RAK), so a relying party checking a stream of them would otherwise spend
 * one of its two P-384 verifications (~0.8 ms each here) proving the same
 * bytes again. Keyed by a SHA-256 over the anchor and the exact signed
 * bytes and signature, so only those very bytes under that very key hit. */
#define VERIFIED_SLOTS 16

struct verified {
	pthread_mutex_t lock;
	uint8_t digest[VERIFIED_SLOTS][SHA256_DIGEST_LENGTH];
	unsigned used, next;
};

struct ccakit_cpak {
	bool list;
	size_t count;
	struct anchor *anchors;
	struct verified *verified; /* mutable behind a const ccakit_cpak */
	struct arena arena;
};

size_t cpak_count(const struct ccakit_cpak *k)
{
	return k->count;
}

bool cpak_is_list(const struct ccakit_cpak *k)
{
	return k->list;
}

EVP_PKEY *cpak_key(const struct ccakit_cpak *k, size_t i, const struct ccakit_bytes **impl_id,
		   const struct ccakit_bytes **inst_id)
{
	*impl_id = k->anchors[i].impl_id.ptr ? &k->anchors[i].impl_id : NULL;
	*inst_id = k->anchors[i].inst_id.ptr ? &k->anchors[i].inst_id : NULL;
	return k->anchors[i].key;
}

static bool verified_digest(size_t anchor, const struct ccakit_cose_sign1 *s,
			    uint8_t out[SHA256_DIGEST_LENGTH])
{
	uint64_t a = anchor;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
		  EVP_DigestUpdate(c, &a, sizeof(a)) == 1 &&
		  EVP_DigestUpdate(c, &s->protected_hdr.len, sizeof(s->protected_hdr.len)) == 1 &&
		  EVP_DigestUpdate(c, s->protected_hdr.ptr, s->protected_hdr.len) == 1 &&
		  EVP_DigestUpdate(c, &s->payload.len, sizeof(s->payload.len)) == 1 &&
		  EVP_DigestUpdate(c, s->payload.ptr, s->payload.len) == 1 &&
		  EVP_DigestUpdate(c, s->signature.ptr, s->signature.len) == 1 &&
		  EVP_DigestFinal_ex(c, out, NULL) == 1;
	EVP_MD_CTX_free(c);
	return ok;
}

bool cpak_verified(const struct ccakit_cpak *k, size_t anchor, const struct ccakit_cose_sign1 *s)
{
	uint8_t d[SHA256_DIGEST_LENGTH];
	if (!k->verified || !verified_digest(anchor, s, d))
		return false;
	bool hit = false;
	pthread_mutex_lock(&k->verified->lock);
	for (unsigned i = 0; i < k->verified->used && !hit; i++)
		hit = !memcmp(k->verified->digest[i], d, sizeof(d));
	pthread_mutex_unlock(&k->verified->lock);
	return hit;
}

void cpak_remember_verified(const struct ccakit_cpak *k, size_t anchor,
			    const struct ccakit_cose_sign1 *s)
{
	uint8_t d[SHA256_DIGEST_LENGTH];
	if (!k->verified || !verified_digest(anchor, s, d))
		return;
	struct verified *v = k->verified;
	pthread_mutex_lock(&v->lock);
	memcpy(v->digest[v->next], d, sizeof(d));
	v->next = (v->next + 1) % VERIFIED_SLOTS;
	if (v->used < VERIFIED_SLOTS)
		v->used++;
	pthread_mutex_unlock(&v->lock);
}

void ccakit_cpak_free(struct ccakit_cpak *k)
{
	if (!k)
		return;
	if (k->verified) {
		pthread_mutex_destroy(&k->verified->lock);
		free(k->verified);
	}
	for (size_t i = 0; i < k->count; i++)
		EVP_PKEY_free(k->anchors[i].key);
	free(k->anchors);
	arena_release(&k->arena);
	free(k);
}

/* Never prompt for a pass phrase: an encrypted key file is an error. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* A PEM public key, or a private key whose public half we keep (the
 * tf-m-tools vectors ship the CPAK as an EC private key). The key is rebuilt
 * from its point so that it passes the same curve checks as a JWK. */
static int parse_pem(const void *buf, size_t len, EVP_PKEY **out, char *err, size_t errlen)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "cpak: out of memory");
	EVP_PKEY *pem = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	if (!pem && BIO_reset(bio) == 1)
		pem = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!pem)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "cpak: the PEM text holds no readable public or private key");
	const char *curve = ec_key_curve(pem);
	unsigned char *point = NULL;
	size_t n = curve ? EVP_PKEY_get1_encoded_public_key(pem, &point) : 0;
	EVP_PKEY_free(pem);
	if (!curve)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "cpak: the PEM key is not an EC key on P-256, P-384 or P-521");
	if (!n) {
		OPENSSL_free(point);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "cpak: the PEM key has no public point");
	}
	char why[160];
	int rc = ec_key_from_point(curve, point, n, out, why, sizeof(why));
	OPENSSL_free(point);
	if (rc)
		return verr(err, errlen, rc, "cpak: the PEM key: %s", why);
	return CCAKIT_TOKEN_OK;
}

/* base64url without padding (RFC 7515 section 2), as JWK coordinates are. */
static int b64url_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1 || (n + 3) / 4 * 3 > cap + 2)
		return -1;
	char *std = malloc(n + 4);
	uint8_t *raw = malloc((n + 3) / 4 * 3 + 1);
	if (!std || !raw) {
		free(std);
		free(raw);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (c == '+' || c == '/')
			c = '!'; /* standard base64's own characters are not base64url */
		std[i] = c;
	}
	size_t pad = (4 - n % 4) % 4;
	memset(std + n, '=', pad);
	int got = EVP_DecodeBlock(raw, (const unsigned char *)std, (int)(n + pad));
	free(std);
	/* EVP_DecodeBlock counts the bytes the padding stands for. */
	if (got < 0 || (size_t)got < pad || (size_t)got - pad > cap) {
		free(raw);
		return -1;
	}
	*len = (size_t)got - pad;
	memcpy(out, raw, *len);
	free(raw);
	return 0;
}

static int parse_jwk(const json_t *jwk, const char *where, EVP_PKEY **out, char *err, size_t errlen)
{
	if (!json_is_object(jwk))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "%s: the key is not a JSON object (JWK)", where);
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	const char *x = json_string_value(json_object_get(jwk, "x"));
	const char *y = json_string_value(json_object_get(jwk, "y"));
	if (!kty || strcmp(kty, "EC"))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "%s: the JWK's kty is %s%s%s, not \"EC\"", where, kty ? "\"" : "",
			    kty ? kty : "missing", kty ? "\"" : "");
	size_t coord = crv && !strcmp(crv, "P-256")   ? 32
		       : crv && !strcmp(crv, "P-384") ? 48
		       : crv && !strcmp(crv, "P-521") ? 66
						      : 0;
	if (!coord)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "%s: the JWK's crv is %s; P-256, P-384 or P-521 expected", where,
			    crv ? crv : "missing");
	uint8_t point[1 + 2 * 66];
	size_t xl, yl;
	point[0] = 0x04;
	if (!x || b64url_decode(x, point + 1, coord, &xl) || xl != coord)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "%s: the JWK's x is not %zu bytes of base64url", where, coord);
	if (!y || b64url_decode(y, point + 1 + coord, coord, &yl) || yl != coord)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "%s: the JWK's y is not %zu bytes of base64url", where, coord);
	char why[160];
	int rc = ec_key_from_point(crv, point, 1 + 2 * coord, out, why, sizeof(why));
	if (rc)
		return verr(err, errlen, rc, "%s: the key is unusable: %s", where, why);
	return CCAKIT_TOKEN_OK;
}

static int anchor_id(struct ccakit_cpak *k, const json_t *ta, const char *name, size_t want,
		     const char *where, struct ccakit_bytes *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(ta, name);
	if (!v)
		return CCAKIT_TOKEN_OK;
	uint8_t *b;
	size_t n;
	if (!json_is_string(v) || hex_decode(json_string_value(v), &b, &n))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY, "%s: %s is not a hex string", where,
			    name);
	if (n != want) {
		free(b);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY, "%s: %s is %zu bytes; %zu expected",
			    where, name, n, want);
	}
	out->ptr = arena_dup(&k->arena, b, n);
	out->len = n;
	free(b);
	return out->ptr ? CCAKIT_TOKEN_OK
			: verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "cpak: out of memory");
}

static int parse_anchors(struct ccakit_cpak *k, const json_t *list, char *err, size_t errlen)
{
	size_t n = json_array_size(list);
	if (n == 0)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "cpak: the trust anchor list is empty");
	k->anchors = calloc(n, sizeof(*k->anchors));
	if (!k->anchors)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "cpak: out of memory");
	k->list = true;
	for (size_t i = 0; i < n; i++) {
		const json_t *ta = json_array_get(list, i);
		char where[48];
		snprintf(where, sizeof(where), "cpak: trust anchor %zu", i);
		if (!json_is_object(ta) || !json_object_get(ta, "pkey"))
			return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
				    "%s: not an object with a \"pkey\"", where);
		int rc = parse_jwk(json_object_get(ta, "pkey"), where, &k->anchors[i].key, err,
				   errlen);
		if (rc)
			return rc;
		k->count = i + 1;
		rc = anchor_id(k, ta, "implementation-id", CCA_PLATFORM_IMPLEMENTATION_ID_SIZE,
			       where, &k->anchors[i].impl_id, err, errlen);
		if (!rc)
			rc = anchor_id(k, ta, "instance-id", CCA_PLATFORM_INSTANCE_ID_SIZE, where,
				       &k->anchors[i].inst_id, err, errlen);
		if (rc)
			return rc;
	}
	return CCAKIT_TOKEN_OK;
}

static int parse_json(struct ccakit_cpak *k, const void *buf, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "cpak: neither a PEM key nor JSON (line %d: %s)", jerr.line, jerr.text);
	int rc;
	if (json_is_array(root)) {
		rc = parse_anchors(k, root, err, errlen);
	} else if (json_is_object(root)) {
		k->anchors = calloc(1, sizeof(*k->anchors));
		rc = k->anchors ? parse_jwk(root, "cpak", &k->anchors[0].key, err, errlen)
				: verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "cpak: out of memory");
		if (!rc)
			k->count = 1;
	} else {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			  "cpak: JSON that is neither a JWK (an object) nor a trust anchor list");
	}
	json_decref(root);
	return rc;
}

int ccakit_cpak_parse(const void *buf, size_t len, struct ccakit_cpak **out, char *err,
		      size_t errlen)
{
	*out = NULL;
	struct ccakit_cpak *k = calloc(1, sizeof(*k));
	if (k)
		k->verified = calloc(1, sizeof(*k->verified));
	if (!k || !k->verified) {
		free(k);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "cpak: out of memory");
	}
	pthread_mutex_init(&k->verified->lock, NULL);
	int rc;
	if (len > INT32_MAX) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_KEY, "cpak: too large");
	} else if (memmem(buf, len, "-----BEGIN", 10)) {
		k->anchors = calloc(1, sizeof(*k->anchors));
		rc = k->anchors ? parse_pem(buf, len, &k->anchors[0].key, err, errlen)
				: verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "cpak: out of memory");
		if (!rc)
			k->count = 1;
	} else {
		rc = parse_json(k, buf, len, err, errlen);
	}
	if (rc) {
		ccakit_cpak_free(k);
		return rc;
	}
	*out = k;
	return CCAKIT_TOKEN_OK;
}

int ccakit_cpak_load(const char *path, struct ccakit_cpak **out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	*out = NULL;
	int rc = read_file(path, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = ccakit_cpak_parse(buf, len, out, err, errlen);
	free(buf);
	return rc;
}
