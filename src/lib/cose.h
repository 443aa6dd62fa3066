/* The firmware library: CBOR encoding and COSE_Sign1 ES384 signing, linked
 * into both firmware images that sign tokens (src/monitor, the platform
 * token; src/rmm, the realm token), as TF-A and TF-RMM each link their own
 * QCBOR and t_cose. A library, not a world: no state, no calls into any
 * world; each image is measured with the library code it links (docs/
 * architecture.md, "Attestation"). The verifier (src/verifier) reads tokens
 * with code of its own: it stands outside the machine.
 *
 * CBOR heads are written by libcbor's streaming encoders into a caller's
 * fixed buffer (no allocation, no items): the RMM keeps token state in REC
 * aux granules, not on a heap. */
#ifndef CCAKIT_LIB_COSE_H
#define CCAKIT_LIB_COSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccakit/abi/token.h"

/* ---- CBOR ---- */

/* A CBOR encoder over buf[0..cap). len counts every byte asked for, so
 * an encoder with cap 0 measures; bytes past cap are dropped and
 * cbor_out_ok() says whether everything fitted. */
struct cbor_out {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

static inline struct cbor_out cbor_out_init(void *buf, size_t cap)
{
	return (struct cbor_out){ .buf = buf, .cap = cap, .len = 0 };
}

static inline bool cbor_out_ok(const struct cbor_out *o)
{
	return o->len <= o->cap;
}

void cbor_put_raw(struct cbor_out *o, const void *p, size_t n);
void cbor_put_uint(struct cbor_out *o, uint64_t v);
void cbor_put_int(struct cbor_out *o, int64_t v);
void cbor_put_tag(struct cbor_out *o, uint64_t tag);
void cbor_put_map(struct cbor_out *o, size_t pairs);
void cbor_put_array(struct cbor_out *o, size_t items);
/* A byte string's head alone (its n bytes follow with cbor_put_raw). */
void cbor_put_bstr_head(struct cbor_out *o, size_t n);
void cbor_put_bstr(struct cbor_out *o, const void *p, size_t n);
void cbor_put_tstr(struct cbor_out *o, const char *s);

/* ---- P-384 keys (OpenSSL EVP_PKEY) ---- */

struct evp_pkey_st;
typedef struct evp_pkey_st cose_key;

#define P384_SCALAR_SIZE CCA_RAK_COORD_SIZE

cose_key *p384_generate(void);
/* The key pair of a private scalar (big-endian), public point derived. */
cose_key *p384_from_scalar(const uint8_t d[P384_SCALAR_SIZE]);
/* The private scalar, big-endian, zero padded. */
bool p384_scalar(const cose_key *k, uint8_t d[P384_SCALAR_SIZE]);
/* Whether k is an EC key on P-384. */
bool p384_is_p384(const cose_key *k);
/* The public point's coordinates, big-endian, zero padded. */
bool p384_public_xy(const cose_key *k, uint8_t x[CCA_RAK_COORD_SIZE],
		    uint8_t y[CCA_RAK_COORD_SIZE]);
void p384_free(cose_key *k);

/* The public key as a COSE_Key {1: 2 (EC2), -1: 2 (P-384), -2: x, -3: y}:
 * CCA_RAK_COSE_KEY_SIZE bytes. */
bool cose_key_encode(const cose_key *k, struct cbor_out *o);

/* ---- COSE_Sign1, ES384 (RFC 9052 section 4.4) ---- */

#define ES384_SIGNATURE_SIZE (2 * CCA_RAK_COORD_SIZE) /* r || s */
#define SHA384_SIZE 48

/* The protected header of every token we sign: {1: -35}, encoded. */
extern const uint8_t cose_es384_protected[4];

/* SHA-384 of Sig_structure ["Signature1", protected, h'', payload] for
 * the ES384 protected header: the first step of signing. */
bool cose_sign1_tbs_hash(const uint8_t *payload, size_t len, uint8_t hash[SHA384_SIZE]);
/* ECDSA P-384 over that hash, as r || s: the second step. */
bool cose_es384_sign_hash(const cose_key *k, const uint8_t hash[SHA384_SIZE],
			  uint8_t sig[ES384_SIGNATURE_SIZE]);
/* #6.18([protected, {}, payload, signature]): the last step. */
void cose_sign1_encode(struct cbor_out *o, const uint8_t *payload, size_t len,
		       const uint8_t sig[ES384_SIGNATURE_SIZE]);
/* The three steps at once (the platform token, signed in one go). */
bool cose_sign1_es384(const cose_key *k, const uint8_t *payload, size_t len,
		      struct cbor_out *o);

/* SHA-256 of data, for the binding and the instance id. */
bool cose_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
