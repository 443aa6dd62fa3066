/* CBOR heads through libcbor's streaming encoders, COSE_Sign1 ES384 and
 * P-384 keys through OpenSSL 3 (see cose.h for why both firmware images
 * share this file). */
#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <string.h>

#include "lib/cose.h"

/* ---- CBOR ---- */

void cbor_put_raw(struct cbor_out *o, const void *p, size_t n)
{
	if (o->len <= o->cap && n <= o->cap - o->len && n)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* A head is at most 9 bytes: encode it aside, then append. */
#define HEAD_MAX 9

static void put_head(struct cbor_out *o, size_t (*enc)(uint64_t, unsigned char *, size_t),
		     uint64_t v)
{
	unsigned char head[HEAD_MAX];
	size_t n = enc(v, head, sizeof(head));
	cbor_put_raw(o, head, n);
}

static size_t enc_uint(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_uint(v, b, n); }
static size_t enc_negint(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_negint(v, b, n); }
static size_t enc_tag(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_tag(v, b, n); }
static size_t enc_map(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_map_start(v, b, n); }
static size_t enc_array(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_array_start(v, b, n); }
static size_t enc_bstr(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_bytestring_start(v, b, n); }
static size_t enc_tstr(uint64_t v, unsigned char *b, size_t n) { return cbor_encode_string_start(v, b, n); }

void cbor_put_uint(struct cbor_out *o, uint64_t v) { put_head(o, enc_uint, v); }
void cbor_put_tag(struct cbor_out *o, uint64_t tag) { put_head(o, enc_tag, tag); }
void cbor_put_map(struct cbor_out *o, size_t pairs) { put_head(o, enc_map, pairs); }
void cbor_put_array(struct cbor_out *o, size_t items) { put_head(o, enc_array, items); }
void cbor_put_bstr_head(struct cbor_out *o, size_t n) { put_head(o, enc_bstr, n); }

void cbor_put_int(struct cbor_out *o, int64_t v)
{
	/* A negative integer n is encoded as -1 - n (major type 1). */
	if (v >= 0)
		put_head(o, enc_uint, (uint64_t)v);
	else
		put_head(o, enc_negint, (uint64_t)(-1 - v));
}

void cbor_put_bstr(struct cbor_out *o, const void *p, size_t n)
{
	put_head(o, enc_bstr, n);
	cbor_put_raw(o, p, n);
}

void cbor_put_tstr(struct cbor_out *o, const char *s)
{
	size_t n = strlen(s);
	put_head(o, enc_tstr, n);
	cbor_put_raw(o, s, n);
}

/* ---- P-384 keys ---- */

cose_key *p384_generate(void)
{
	return EVP_EC_gen(SN_secp384r1);
}

void p384_free(cose_key *k)
{
	EVP_PKEY_free(k);
}

bool p384_is_p384(const cose_key *k)
{
	char group[32];
	size_t len;
	if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_EC)
		return false;
	if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    &len))
		return false;
	return strcmp(group, SN_secp384r1) == 0;
}

static bool bn_param(const cose_key *k, const char *name, uint8_t *out, size_t len)
{
	BIGNUM *bn = NULL;
	if (!EVP_PKEY_get_bn_param(k, name, &bn))
		return false;
	bool ok = BN_bn2binpad(bn, out, (int)len) == (int)len;
	BN_clear_free(bn);
	return ok;
}

bool p384_scalar(const cose_key *k, uint8_t d[P384_SCALAR_SIZE])
{
	return bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, d, P384_SCALAR_SIZE);
}

bool p384_public_xy(const cose_key *k, uint8_t x[CCA_RAK_COORD_SIZE],
		    uint8_t y[CCA_RAK_COORD_SIZE])
{
	return bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, x, CCA_RAK_COORD_SIZE) &&
	       bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, y, CCA_RAK_COORD_SIZE);
}

cose_key *p384_from_scalar(const uint8_t d[P384_SCALAR_SIZE])
{
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_secp384r1);
	EC_POINT *pub = group ? EC_POINT_new(group) : NULL;
	BIGNUM *priv = BN_secure_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	uint8_t point[CCA_RAK_RAW_SIZE];

	/* The public point is d * G: the RMM is handed the scalar alone, as
	 * TF-RMM is by EL3, and derives the rest. */
	if (!pub || !priv || !bld || !BN_bin2bn(d, P384_SCALAR_SIZE, priv) || BN_is_zero(priv) ||
	    BN_cmp(priv, EC_GROUP_get0_order(group)) >= 0 ||
	    !EC_POINT_mul(group, pub, priv, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point),
			       NULL) != sizeof(point))
		goto out;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, SN_secp384r1, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params); /* OSSL_PARAM_BLD_to_param copies: priv is cleared below */
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(priv);
	EC_POINT_free(pub);
	EC_GROUP_free(group);
	return key;
}

bool cose_key_encode(const cose_key *k, struct cbor_out *o)
{
	uint8_t x[CCA_RAK_COORD_SIZE], y[CCA_RAK_COORD_SIZE];
	if (!p384_public_xy(k, x, y))
		return false;
	cbor_put_map(o, 4);
	cbor_put_int(o, COSE_KEY_KTY);
	cbor_put_int(o, COSE_KTY_EC2);
	cbor_put_int(o, COSE_KEY_EC2_CRV);
	cbor_put_int(o, COSE_CRV_P384);
	cbor_put_int(o, COSE_KEY_EC2_X);
	cbor_put_bstr(o, x, sizeof(x));
	cbor_put_int(o, COSE_KEY_EC2_Y);
	cbor_put_bstr(o, y, sizeof(y));
	return true;
}

/* ---- COSE_Sign1 ---- */

/* {1: -35}: map(1), 1, negint(34). */
const uint8_t cose_es384_protected[4] = { 0xa1, 0x01, 0x38, 0x22 };

bool cose_sign1_tbs_hash(const uint8_t *payload, size_t len, uint8_t hash[SHA384_SIZE])
{
	/* Sig_structure up to the payload's bytes, streamed into the hash
	 * so the payload is never copied. */
	uint8_t head[64];
	struct cbor_out o = cbor_out_init(head, sizeof(head));
	cbor_put_array(&o, 4);
	cbor_put_tstr(&o, COSE_SIGN1_CONTEXT);
	cbor_put_bstr(&o, cose_es384_protected, sizeof(cose_es384_protected));
	cbor_put_bstr(&o, NULL, 0); /* external_aad */
	cbor_put_bstr_head(&o, len);
	if (!cbor_out_ok(&o))
		return false;

	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) &&
		  EVP_DigestUpdate(ctx, head, o.len) && EVP_DigestUpdate(ctx, payload, len) &&
		  EVP_DigestFinal_ex(ctx, hash, &n) && n == SHA384_SIZE;
	EVP_MD_CTX_free(ctx);
	return ok;
}

bool cose_es384_sign_hash(const cose_key *k, const uint8_t hash[SHA384_SIZE],
			  uint8_t sig[ES384_SIGNATURE_SIZE])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new((EVP_PKEY *)k, NULL);
	uint8_t der[160];
	size_t der_len = sizeof(der);
	ECDSA_SIG *s = NULL;
	bool ok = false;

	if (!ctx || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_sign(ctx, der, &der_len, hash, SHA384_SIZE) <= 0)
		goto out;
	/* OpenSSL gives DER; COSE wants r || s, each padded to the curve. */
	const unsigned char *p = der;
	s = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	if (!s)
		goto out;
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, CCA_RAK_COORD_SIZE) == CCA_RAK_COORD_SIZE &&
	     BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + CCA_RAK_COORD_SIZE, CCA_RAK_COORD_SIZE) ==
		     CCA_RAK_COORD_SIZE;
out:
	ECDSA_SIG_free(s);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

void cose_sign1_encode(struct cbor_out *o, const uint8_t *payload, size_t len,
		       const uint8_t sig[ES384_SIGNATURE_SIZE])
{
	cbor_put_tag(o, COSE_SIGN1_TAG);
	cbor_put_array(o, 4);
	cbor_put_bstr(o, cose_es384_protected, sizeof(cose_es384_protected));
	cbor_put_map(o, 0); /* unprotected header: empty */
	cbor_put_bstr(o, payload, len);
	cbor_put_bstr(o, sig, ES384_SIGNATURE_SIZE);
}

bool cose_sign1_es384(const cose_key *k, const uint8_t *payload, size_t len,
		      struct cbor_out *o)
{
	uint8_t hash[SHA384_SIZE], sig[ES384_SIGNATURE_SIZE];
	if (!cose_sign1_tbs_hash(payload, len, hash) || !cose_es384_sign_hash(k, hash, sig))
		return false;
	cose_sign1_encode(o, payload, len, sig);
	return cbor_out_ok(o);
}

bool cose_sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n = 0;
	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) && n == 32;
}
