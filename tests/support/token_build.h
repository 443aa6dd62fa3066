/* Hand-made tokens for the decoding tests: a small CBOR writer, claims
 * maps kept as lists of pre-encoded values (to change one at a time), valid
 * baselines of both tokens, and the envelopes around them. */
#ifndef CCAKIT_TEST_TOKEN_BUILD_H
#define CCAKIT_TEST_TOKEN_BUILD_H

#include "token_fixtures.h"

struct buf {
	uint8_t b[16384];
	size_t n;
};

void put(struct buf *o, const void *p, size_t n);
void put_head(struct buf *o, unsigned major, uint64_t v);
void put_int(struct buf *o, int64_t v);
void put_bstr(struct buf *o, const void *p, size_t n);
/* A byte string of n bytes of fill. */
void put_fill(struct buf *o, size_t n, uint8_t fill);
void put_tstr(struct buf *o, const char *s);

struct claim {
	int64_t key;
	struct buf v;
};

struct claims {
	struct claim c[16];
	size_t n;
};

/* The value of a claim, emptied to be written (added if absent). */
struct buf *claim(struct claims *cs, int64_t key);
void drop(struct claims *cs, int64_t key);
/* The map; dup_key is written twice (NO_DUP: none). */
#define NO_DUP INT64_MAX
void encode_claims(const struct claims *cs, struct buf *o, int64_t dup_key);

/* The RAK of cca-token-draft-ffm-00 as a COSE_Key (loaded on first use). */
const uint8_t *rak_cose_key(void);
/* Valid claims: a 1.0-REL0 realm token, a CCA platform 1.0 token. */
void realm_baseline(struct claims *r);
void platform_baseline(struct claims *p);
/* A software component {1: "BL", 2: measurement?, 5: signer?, 6: algo?}. */
void component(struct buf *o, bool measurement, bool signer, size_t mlen, const char *algo);
/* #6.18([h'a1013822' (ES384), {}, payload, signature]) */
void sign1(struct buf *o, const struct buf *payload);
/* #6.399({44234: plat, 44241: realm}) */
void collection(struct buf *o, const struct buf *plat, const struct buf *realm);

/* The last decode's reason and encoded token. */
extern char token_err[512];
extern struct buf token_out;
/* ccakit_token_decode; checks that a failure leaves no token. */
int decode_bytes(const uint8_t *p, size_t n);
/* Encodes, wraps and decodes (rdup: a realm claim to write twice). */
int decode_claims(const struct claims *r, const struct claims *p, int64_t rdup);

#define expect(rc_, status, why)                                                                   \
	do {                                                                                       \
		int r_ = (rc_);                                                                    \
		if (r_ != (status))                                                                \
			fail_msg("status %d (%s), expected %d: %s", r_, token_err, status, why);   \
		assert_contains(token_err, why);                                                   \
	} while (0)

#endif
