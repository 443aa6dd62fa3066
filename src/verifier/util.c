/* What the verifier's files share that is not CBOR: messages, files, the
 * arena a token owns, hash algorithm names, hex. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/verifier.h"

int verr(char *err, size_t errlen, int status, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return status;
}

const char *ccakit_token_status_name(int status)
{
	switch (status) {
	case CCAKIT_TOKEN_OK: return "ok";
	case CCAKIT_TOKEN_ERR_CBOR: return "cbor";
	case CCAKIT_TOKEN_ERR_FORMAT: return "format";
	case CCAKIT_TOKEN_ERR_CLAIM: return "claim";
	case CCAKIT_TOKEN_ERR_PROFILE: return "profile";
	case CCAKIT_TOKEN_ERR_KEY: return "key";
	case CCAKIT_TOKEN_ERR_NO_ANCHOR: return "no-anchor";
	case CCAKIT_TOKEN_ERR_SIGNATURE: return "signature";
	case CCAKIT_TOKEN_ERR_BINDING: return "binding";
	case CCAKIT_TOKEN_ERR_REFERENCE: return "reference";
	case CCAKIT_TOKEN_ERR_MISMATCH: return "mismatch";
	case CCAKIT_TOKEN_ERR_IO: return "io";
	case CCAKIT_TOKEN_ERR_NOMEM: return "nomem";
	default: return "unknown";
	}
}

int read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_IO, "%s: %s", path, strerror(errno));
	uint8_t *b = malloc(VERIFIER_FILE_MAX + 1);
	if (!b) {
		fclose(f);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "%s: out of memory", path);
	}
	/* One byte more than the limit tells a file at the limit from a
	 * longer one. */
	size_t n = fread(b, 1, VERIFIER_FILE_MAX + 1, f);
	int rerr = ferror(f);
	fclose(f);
	if (rerr) {
		free(b);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_IO, "%s: read error", path);
	}
	if (n > VERIFIER_FILE_MAX) {
		free(b);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_IO, "%s: larger than %u bytes", path,
			    VERIFIER_FILE_MAX);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return CCAKIT_TOKEN_OK;
}

struct arena_block {
	struct arena_block *next;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	if (n > SIZE_MAX - sizeof(struct arena_block))
		return NULL;
	struct arena_block *b = calloc(1, sizeof(*b) + n);
	if (!b)
		return NULL;
	b->next = a->head;
	a->head = b;
	return b->data;
}

void *arena_dup(struct arena *a, const void *p, size_t n)
{
	void *d = arena_alloc(a, n ? n : 1);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

char *arena_strndup(struct arena *a, const void *p, size_t n)
{
	if (memchr(p, '\0', n))
		return NULL;
	char *s = arena_alloc(a, n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

void arena_release(struct arena *a)
{
	while (a->head) {
		struct arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
}

enum ccakit_hash_algo hash_algo_from_id(const char *id)
{
	if (!id)
		return CCAKIT_HASH_UNKNOWN;
	if (!strcmp(id, CCA_HASH_ALGO_SHA_256))
		return CCAKIT_HASH_SHA_256;
	if (!strcmp(id, CCA_HASH_ALGO_SHA_384))
		return CCAKIT_HASH_SHA_384;
	if (!strcmp(id, CCA_HASH_ALGO_SHA_512))
		return CCAKIT_HASH_SHA_512;
	return CCAKIT_HASH_UNKNOWN;
}

size_t hash_algo_size(enum ccakit_hash_algo h)
{
	switch (h) {
	case CCAKIT_HASH_SHA_256: return 32;
	case CCAKIT_HASH_SHA_384: return 48;
	case CCAKIT_HASH_SHA_512: return 64;
	default: return 0;
	}
}

const EVP_MD *hash_algo_md(enum ccakit_hash_algo h)
{
	switch (h) {
	case CCAKIT_HASH_SHA_256: return EVP_sha256();
	case CCAKIT_HASH_SHA_384: return EVP_sha384();
	case CCAKIT_HASH_SHA_512: return EVP_sha512();
	default: return NULL;
	}
}

void hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s);
	if (n % 2)
		return -1;
	uint8_t *b = malloc(n / 2 + 1);
	if (!b)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(b);
			return -1;
		}
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = b;
	*len = n / 2;
	return 0;
}

const char *hex_short(const struct ccakit_bytes *b, char *buf, size_t len)
{
	char head[17], tail[9];
	if (b->len <= 8) {
		char full[17];
		hex_encode(b->ptr, b->len, full);
		snprintf(buf, len, "%s", b->len ? full : "(empty)");
	} else {
		hex_encode(b->ptr, 8, head);
		hex_encode(b->ptr + b->len - 4, 4, tail);
		snprintf(buf, len, "%s...%s (%zu bytes)", head, tail, b->len);
	}
	return buf;
}
