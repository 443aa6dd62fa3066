/* The relying party (Veraison's role), inside: helpers the verifier's files
 * share. The verifier stands outside the machine and sees tokens only as
 * bytes, so nothing here includes another world's headers: only the public
 * token API and include/ccakit/abi/token.h. */
#ifndef CCAKIT_VERIFIER_H
#define CCAKIT_VERIFIER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cbor.h>
#include <openssl/evp.h>

#include "ccakit/token.h"

/* Deepest nesting a token needs is 5 (claims map > sw components array >
 * component map > value); anything much deeper is an attack on the stack. */
#define CBOR_MAX_DEPTH 16

/* The largest file we read: tokens are a few KiB, key and reference-value
 * files tens of KiB. */
#define VERIFIER_FILE_MAX (4u << 20)

/* Writes "fmt" to err and returns status. */
__attribute__((format(printf, 4, 5))) int verr(char *err, size_t errlen, int status,
					       const char *fmt, ...);

/* Reads a whole file (at most VERIFIER_FILE_MAX bytes), NUL-terminated. */
int read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);

/* Memory a token or an appraisal owns, freed at once. */
struct arena {
	struct arena_block *head;
};
void *arena_alloc(struct arena *a, size_t n);
void *arena_dup(struct arena *a, const void *p, size_t n);
/* A NUL-terminated copy of n bytes of text; NULL if they hold a NUL. */
char *arena_strndup(struct arena *a, const void *p, size_t n);
void arena_release(struct arena *a);

/* CBOR (cbor.c). A well-formedness check runs before libcbor sees any
 * input: libcbor 0.8 allocates what a head declares (an array of 2^40
 * items) before it notices the input is short, frees nested items
 * recursively, and takes indefinite-length items, which a token never has. */
int cbor_check_wellformed(const uint8_t *p, size_t len, const char *what, char *err, size_t errlen);
/* The check, then cbor_load: exactly one item filling p[0..len). */
int cbor_decode_item(const uint8_t *p, size_t len, const char *what, cbor_item_t **out, char *err,
		     size_t errlen);
/* The same for an item that may be tagged: *tagged, the tag, and the item
 * under it (libcbor 0.8 cannot read some tag heads: see cbor.c). */
int cbor_decode_tagged(const uint8_t *p, size_t len, const char *what, bool *tagged, uint64_t *tag,
		       cbor_item_t **out, char *err, size_t errlen);
bool cb_int64(const cbor_item_t *it, int64_t *v);
bool cb_uint64(const cbor_item_t *it, uint64_t *v);
bool cb_is_bstr(const cbor_item_t *it);
bool cb_is_tstr(const cbor_item_t *it);
/* "a text string", "a map", ...: for messages. */
const char *cb_type_name(const cbor_item_t *it);
/* Looks up an integer key in a map; NULL when absent. */
cbor_item_t *cb_map_get(const cbor_item_t *map, int64_t key);

/* Hash algorithms by their IANA names. */
enum ccakit_hash_algo hash_algo_from_id(const char *id);
size_t hash_algo_size(enum ccakit_hash_algo h);
const EVP_MD *hash_algo_md(enum ccakit_hash_algo h);

/* Hex: lower case out (2n + 1 bytes); in: either case, even length. */
void hex_encode(const uint8_t *p, size_t n, char *out);
/* "7f454c4602010100...00000000 (32 bytes)": enough of a value to
 * recognise it in a message; buf of 64 bytes is enough. */
const char *hex_short(const struct ccakit_bytes *b, char *buf, size_t len);
/* Decodes hex text into *out (malloc'd; caller frees). -1 if not hex. */
int hex_decode(const char *s, uint8_t **out, size_t *len);

/* Claims (claims_realm.c, claims_platform.c): decode a claims map that is
 * the payload of a COSE_Sign1, every claim checked. */
int realm_claims_decode(struct arena *a, const uint8_t *payload, size_t len,
			struct ccakit_realm_claims *rc, char *err, size_t errlen);
int platform_claims_decode(struct arena *a, const uint8_t *payload, size_t len,
			   struct ccakit_platform_claims *pc, char *err, size_t errlen);
const char *realm_claim_name(int64_t key);
const char *platform_claim_name(int64_t key);

/* COSE (cose.c). */
/* An EC public key from an uncompressed SEC1 point on the named curve
 * ("P-256", "P-384", "P-521"); checked to be on the curve. */
int ec_key_from_point(const char *curve, const uint8_t *point, size_t len, EVP_PKEY **out,
		      char *err, size_t errlen);
/* "P-256", "P-384", "P-521" or NULL for a key that is none of them. */
const char *ec_key_curve(EVP_PKEY *key);
/* Decodes a COSE_Key {1:2, -1:2, -2:x, -3:y} into an SEC1 point. */
int cose_key_rak_point(const uint8_t *p, size_t len, uint8_t point[CCA_RAK_RAW_SIZE], char *err,
		       size_t errlen);
/* Verifies a COSE_Sign1 (which: "platform token"; keyname: "the CPAK"). */
int cose_sign1_verify(const struct ccakit_cose_sign1 *s, EVP_PKEY *key, const char *which,
		      const char *keyname, char *err, size_t errlen);

/* Trust anchors (cpak.c), for verify.c. */
size_t cpak_count(const struct ccakit_cpak *k);
/* The key of anchor i, NULL ids when the anchor does not restrict them. */
EVP_PKEY *cpak_key(const struct ccakit_cpak *k, size_t i, const struct ccakit_bytes **impl_id,
		   const struct ccakit_bytes **inst_id);
bool cpak_is_list(const struct ccakit_cpak *k);
/* Whether this CPAK's anchor has verified exactly this platform Sign1
 * before, and remembering that it has (a few, most recent kept). */
bool cpak_verified(const struct ccakit_cpak *k, size_t anchor, const struct ccakit_cose_sign1 *s);
void cpak_remember_verified(const struct ccakit_cpak *k, size_t anchor,
			    const struct ccakit_cose_sign1 *s);

#endif
