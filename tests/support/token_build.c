/* Hand-made tokens for the decoding tests (token_build.h). */
#include <stdlib.h>
#include <string.h>

#include "token_build.h"

void put(struct buf *o, const void *p, size_t n)
{
	assert_true(o->n + n <= sizeof(o->b));
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

void put_head(struct buf *o, unsigned major, uint64_t v)
{
	uint8_t h[9];
	unsigned bytes = v < 24 ? 0 : v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;
	uint64_t ai = bytes == 0 ? v : bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27;
	h[0] = (uint8_t)(major << 5 | ai);
	for (unsigned i = 0; i < bytes; i++)
		h[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	put(o, h, 1 + bytes);
}

void put_int(struct buf *o, int64_t v)
{
	if (v >= 0)
		put_head(o, 0, (uint64_t)v);
	else
		put_head(o, 1, (uint64_t)(-1 - v));
}

void put_bstr(struct buf *o, const void *p, size_t n)
{
	put_head(o, 2, n);
	put(o, p, n);
}

void put_fill(struct buf *o, size_t n, uint8_t fill)
{
	uint8_t v[128];
	assert_true(n <= sizeof(v));
	memset(v, fill, n);
	put_bstr(o, v, n);
}

void put_tstr(struct buf *o, const char *s)
{
	put_head(o, 3, strlen(s));
	put(o, s, strlen(s));
}

struct buf *claim(struct claims *cs, int64_t key)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].key == key) {
			cs->c[i].v.n = 0;
			return &cs->c[i].v;
		}
	assert_true(cs->n < 16);
	cs->c[cs->n].key = key;
	cs->c[cs->n].v.n = 0;
	return &cs->c[cs->n++].v;
}

void drop(struct claims *cs, int64_t key)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].key == key) {
			cs->c[i] = cs->c[--cs->n];
			return;
		}
}

void encode_claims(const struct claims *cs, struct buf *o, int64_t dup_key)
{
	size_t extra = 0;
	for (size_t i = 0; i < cs->n; i++)
		extra += cs->c[i].key == dup_key;
	put_head(o, 5, cs->n + extra);
	for (size_t i = 0; i < cs->n; i++) {
		for (size_t k = 0; k < 1 + (cs->c[i].key == dup_key); k++) {
			put_int(o, cs->c[i].key);
			put(o, cs->c[i].v.b, cs->c[i].v.n);
		}
	}
}

static uint8_t rak[CCA_RAK_COSE_KEY_SIZE];

const uint8_t *rak_cose_key(void)
{
	if (!rak[0]) {
		struct ccakit_token *t = fixture_token("rust-ccatoken/cca-token-draft-ffm-00.cbor");
		assert_int_equal(t->realm.public_key.len, sizeof(rak));
		memcpy(rak, t->realm.public_key.ptr, sizeof(rak));
		ccakit_token_free(t);
	}
	return rak;
}

void realm_baseline(struct claims *r)
{
	r->n = 0;
	put_tstr(claim(r, 265), CCA_REALM_PROFILE_1_0);
	put_fill(claim(r, 10), 64, 0xab);
	put_fill(claim(r, 44235), 64, 0x00);
	put_tstr(claim(r, 44236), "sha-256");
	put_bstr(claim(r, 44237), rak_cose_key(), CCA_RAK_COSE_KEY_SIZE);
	put_fill(claim(r, 44238), 32, 0x11);
	struct buf *rems = claim(r, 44239);
	put_head(rems, 4, 4);
	for (int i = 0; i < 4; i++)
		put_fill(rems, 32, 0x22);
	put_tstr(claim(r, 44240), "sha-256");
}

void component(struct buf *o, bool measurement, bool signer, size_t mlen, const char *algo)
{
	put_head(o, 5, 1 + measurement + signer + (algo != NULL));
	put_int(o, 1);
	put_tstr(o, "BL");
	if (measurement) {
		put_int(o, 2);
		put_fill(o, mlen, 0x33);
	}
	if (signer) {
		put_int(o, 5);
		put_fill(o, 32, 0x44);
	}
	if (algo) {
		put_int(o, 6);
		put_tstr(o, algo);
	}
}

void platform_baseline(struct claims *p)
{
	p->n = 0;
	put_tstr(claim(p, 265), CCA_PLATFORM_PROFILE_1_0);
	put_fill(claim(p, 10), 32, 0x55);
	put_fill(claim(p, 2396), 32, 0x66);
	uint8_t inst[33];
	memset(inst, 0x77, sizeof(inst));
	inst[0] = 0x01;
	put_bstr(claim(p, 256), inst, sizeof(inst));
	put_fill(claim(p, 2401), 4, 0xcf);
	put_int(claim(p, 2395), 0x3003);
	struct buf *sw = claim(p, 2399);
	put_head(sw, 4, 1);
	component(sw, true, true, 32, "sha-256");
	put_tstr(claim(p, 2402), "sha-256");
}

void sign1(struct buf *o, const struct buf *payload)
{
	static const uint8_t prot[] = { 0xa1, 0x01, 0x38, 0x22 };
	put_head(o, 6, 18);
	put_head(o, 4, 4);
	put_bstr(o, prot, sizeof(prot));
	put_head(o, 5, 0);
	put_bstr(o, payload->b, payload->n);
	put_fill(o, 96, 0x99);
}

void collection(struct buf *o, const struct buf *plat, const struct buf *realm)
{
	put_head(o, 6, CCA_TOKEN_TAG);
	put_head(o, 5, 2);
	put_int(o, CCA_PLATFORM_TOKEN_LABEL);
	put_bstr(o, plat->b, plat->n);
	put_int(o, CCA_REALM_TOKEN_LABEL);
	put_bstr(o, realm->b, realm->n);
}

char token_err[512];
struct buf token_out;

int decode_bytes(const uint8_t *p, size_t n)
{
	struct ccakit_token *t = (void *)1;
	token_err[0] = '\0';
	int rc = ccakit_token_decode(p, n, &t, token_err, sizeof(token_err));
	if (rc)
		assert_null(t);
	ccakit_token_free(t);
	return rc;
}

int decode_claims(const struct claims *r, const struct claims *p, int64_t rdup)
{
	static struct buf rp, pp, rs, ps;
	rp.n = pp.n = rs.n = ps.n = token_out.n = 0;
	encode_claims(r, &rp, rdup);
	encode_claims(p, &pp, NO_DUP);
	sign1(&rs, &rp);
	sign1(&ps, &pp);
	collection(&token_out, &ps, &rs);
	return decode_bytes(token_out.b, token_out.n);
}
