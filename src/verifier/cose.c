/* COSE for the verifier (RFC 9052, RFC 9053): EC2 public keys, the RAK's
 * COSE_Key, and verifying a COSE_Sign1 with ECDSA (OpenSSL 3 EVP). */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "verifier/verifier.h"

static const struct curve {
	const char *name;  /* as JWK and we spell it */
	const char *group; /* as OpenSSL names it */
	int nid;
	size_t coord; /* bytes of one coordinate */
	int64_t alg;  /* the ECDSA algorithm that goes with it */
	const char *alg_name;
} curves[] = {
	{ "P-256", "prime256v1", NID_X9_62_prime256v1, 32, COSE_ALG_ES256, "ES256" },
	{ "P-384", "secp384r1", NID_secp384r1, 48, COSE_ALG_ES384, "ES384" },
	{ "P-521", "secp521r1", NID_secp521r1, 66, COSE_ALG_ES512, "ES512" },
};

#define NCURVES (sizeof(curves) / sizeof(curves[0]))

static const struct curve *curve_by_name(const char *name)
{
	for (size_t i = 0; i < NCURVES; i++)
		if (name && !strcmp(curves[i].name, name))
			return &curves[i];
	return NULL;
}

static const struct curve *curve_by_alg(int64_t alg)
{
	for (size_t i = 0; i < NCURVES; i++)
		if (curves[i].alg == alg)
			return &curves[i];
	return NULL;
}

int ec_key_from_point(const char *curve, const uint8_t *point, size_t len, EVP_PKEY **out,
		      char *err, size_t errlen)
{
	const struct curve *c = curve_by_name(curve);
	*out = NULL;
	if (!c)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "curve %s is not P-256, P-384 or P-521", curve ? curve : "(none)");
	if (len != 1 + 2 * c->coord || point[0] != 0x04)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "a %s point is 0x04 and two %zu-byte coordinates (%zu bytes), not "
			    "%zu bytes starting 0x%02x",
			    c->name, c->coord, 1 + 2 * c->coord, len, len ? point[0] : 0);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)c->group, 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, len),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY *key = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "out of memory");
	int ok = EVP_PKEY_fromdata_init(ctx) == 1 &&
		 EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
	EVP_PKEY_CTX_free(ctx);
	/* Import may decode the point lazily; the public key check is the
	 * one that promises it is on the curve. The quick check (SP 800-56A
	 * 5.6.2.3.4) is enough: these curves have cofactor 1, so the full
	 * check's n * Q == O adds nothing but a scalar multiplication. */
	if (ok) {
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
		ok = ctx && EVP_PKEY_public_check_quick(ctx) == 1;
		EVP_PKEY_CTX_free(ctx);
	}
	if (!ok) {
		EVP_PKEY_free(key);
		ERR_clear_error();
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "the point (x, y) is not on curve %s", c->name);
	}
	*out = key;
	return CCAKIT_TOKEN_OK;
}

static const struct curve *key_curve(EVP_PKEY *key)
{
	char group[64];
	if (!key || !EVP_PKEY_is_a(key, "EC") ||
	    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					   NULL) != 1)
		return NULL;
	int nid = OBJ_sn2nid(group);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(group);
	for (size_t i = 0; i < NCURVES; i++)
		if (curves[i].nid == nid)
			return &curves[i];
	return NULL;
}

const char *ec_key_curve(EVP_PKEY *key)
{
	const struct curve *c = key_curve(key);
	return c ? c->name : NULL;
}

/* The RAK as a COSE_Key: exactly {1: 2 (EC2), -1: 2 (P-384), -2: x, -3: y},
 * x and y 48 bytes each (RMM 1.0-REL0, A7.2.3.2). */
int cose_key_rak_point(const uint8_t *p, size_t len, uint8_t point[CCA_RAK_RAW_SIZE], char *err,
		       size_t errlen)
{
	cbor_item_t *key;
	int rc = cbor_decode_item(p, len, "COSE_Key", &key, err, errlen);
	if (rc)
		return rc;
	const cbor_item_t *kty = NULL, *crv = NULL, *x = NULL, *y = NULL;
	if (!cbor_isa_map(key)) {
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT, "the COSE_Key is %s, not a map",
			  cb_type_name(key));
		goto out;
	}
	struct cbor_pair *pairs = cbor_map_handle(key);
	for (size_t i = 0; i < cbor_map_size(key); i++) {
		int64_t label;
		const cbor_item_t **slot = NULL;
		if (cb_int64(pairs[i].key, &label)) {
			switch (label) {
			case COSE_KEY_KTY: slot = &kty; break;
			case COSE_KEY_EC2_CRV: slot = &crv; break;
			case COSE_KEY_EC2_X: slot = &x; break;
			case COSE_KEY_EC2_Y: slot = &y; break;
			}
		}
		if (!slot) {
			rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				  "the COSE_Key has a label other than 1, -1, -2, -3");
			goto out;
		}
		if (*slot) {
			rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
				  "the COSE_Key has label %lld twice", (long long)label);
			goto out;
		}
		*slot = pairs[i].value;
	}
	int64_t v;
	if (!cb_int64(kty, &v) || v != COSE_KTY_EC2)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "the COSE_Key's kty (label 1) is not 2 (EC2)");
	else if (!cb_int64(crv, &v) || v != COSE_CRV_P384)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "the COSE_Key's crv (label -1) is not 2 (P-384)");
	else if (!cb_is_bstr(x) || cbor_bytestring_length(x) != CCA_RAK_COORD_SIZE)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "the COSE_Key's x (label -2) is not a %d-byte string",
			  CCA_RAK_COORD_SIZE);
	else if (!cb_is_bstr(y) || cbor_bytestring_length(y) != CCA_RAK_COORD_SIZE)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT,
			  "the COSE_Key's y (label -3) is not a %d-byte string%s",
			  CCA_RAK_COORD_SIZE,
			  y && cbor_is_bool(y) ? " (compressed points are not used)" : "");
	if (!rc) {
		point[0] = 0x04;
		memcpy(point + 1, cbor_bytestring_handle(x), CCA_RAK_COORD_SIZE);
		memcpy(point + 1 + CCA_RAK_COORD_SIZE, cbor_bytestring_handle(y),
		       CCA_RAK_COORD_SIZE);
	}
out:
	cbor_decref(&key);
	return rc;
}

/* A CBOR head in its shortest form (RFC 8949 section 4.2.1). */
static size_t cbor_head(uint8_t *out, unsigned major, uint64_t n)
{
	unsigned bytes = n < 24 ? 0 : n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffff ? 4 : 8;
	unsigned ai = bytes == 0   ? (unsigned)n
		      : bytes == 1 ? 24
		      : bytes == 2 ? 25
		      : bytes == 4 ? 26
				   : 27;
	out[0] = (uint8_t)(major << 5 | ai);
	for (unsigned i = 0; i < bytes; i++)
		out[1 + i] = (uint8_t)(n >> (8 * (bytes - 1 - i)));
	return 1 + bytes;
}

/* Feeds Sig_structure = ["Signature1", protected, external_aad = h'',
 * payload] (RFC 9052 section 4.4) to the digest as it is encoded, without
 * building a copy of the payload. */
static bool digest_sig_structure(EVP_MD_CTX *m, const struct ccakit_cose_sign1 *s)
{
	uint8_t head[9];
	size_t n;
	static const uint8_t start[] = { 0x84, 0x6a, 'S', 'i', 'g', 'n',
					 'a',  't',  'u', 'r', 'e', '1' };
	static const uint8_t empty_bstr = 0x40;
	if (EVP_DigestVerifyUpdate(m, start, sizeof(start)) != 1)
		return false;
	n = cbor_head(head, 2, s->protected_hdr.len);
	if (EVP_DigestVerifyUpdate(m, head, n) != 1 ||
	    EVP_DigestVerifyUpdate(m, s->protected_hdr.ptr, s->protected_hdr.len) != 1 ||
	    EVP_DigestVerifyUpdate(m, &empty_bstr, 1) != 1)
		return false;
	n = cbor_head(head, 2, s->payload.len);
	return EVP_DigestVerifyUpdate(m, head, n) == 1 &&
	       EVP_DigestVerifyUpdate(m, s->payload.ptr, s->payload.len) == 1;
}

/* COSE carries r || s; OpenSSL verifies the DER ECDSA-Sig-Value. */
static int sig_to_der(const struct ccakit_bytes *sig, uint8_t **der, size_t *derlen)
{
	size_t half = sig->len / 2;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig->ptr, (int)half, NULL);
	BIGNUM *s = BN_bin2bn(sig->ptr + half, (int)half, NULL);
	if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
		ECDSA_SIG_free(es);
		BN_free(r);
		BN_free(s);
		return -1;
	}
	*der = NULL;
	int n = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return -1;
	*derlen = (size_t)n;
	return 0;
}

int cose_sign1_verify(const struct ccakit_cose_sign1 *s, EVP_PKEY *key, const char *which,
		      const char *keyname, char *err, size_t errlen)
{
	const struct curve *want = curve_by_alg(s->alg);
	const struct curve *have = key_curve(key);
	if (!want)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_FORMAT, "%s: algorithm %lld unsupported",
			    which, (long long)s->alg);
	if (have != want)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_KEY,
			    "%s: signed with %s (%s), but %s is %s%s", which, want->alg_name,
			    want->name, keyname,
			    have ? "a key on " : "not an EC key on P-256/384/521",
			    have ? have->name : "");
	if (s->signature.len != 2 * want->coord)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_SIGNATURE,
			    "%s: the signature is %zu bytes; %s needs %zu (r || s)", which,
			    s->signature.len, want->alg_name, 2 * want->coord);
	const EVP_MD *md = want->alg == COSE_ALG_ES256	 ? EVP_sha256()
			   : want->alg == COSE_ALG_ES384 ? EVP_sha384()
							 : EVP_sha512();
	uint8_t *der;
	size_t derlen;
	if (sig_to_der(&s->signature, &der, &derlen))
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "%s: out of memory", which);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestVerifyInit(m, NULL, md, NULL, key) == 1 &&
		 digest_sig_structure(m, s) && EVP_DigestVerifyFinal(m, der, derlen) == 1;
	EVP_MD_CTX_free(m);
	OPENSSL_free(der);
	if (!ok) {
		/* A bad signature leaves OpenSSL's reasons queued. */
		ERR_clear_error();
		return verr(err, errlen, CCAKIT_TOKEN_ERR_SIGNATURE,
			    "%s: the %s signature does not verify with %s", which, want->alg_name,
			    keyname);
	}
	return CCAKIT_TOKEN_OK;
}
