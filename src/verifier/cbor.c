/* CBOR for the verifier: a well-formedness check of our own in front of
 * libcbor, and small accessors that check types before libcbor's do.
 *
 * Why the check (RFC 8949 section 5.3, well-formedness): libcbor 0.8's
 * cbor_load allocates the item array a head declares before it knows the
 * input holds that many items (a 9-byte input can ask for 2^40 pointers),
 * frees nested items recursively (deep nesting is a stack overflow), and
 * builds indefinite-length strings out of chunks. The check walks the
 * heads only, bounds every declared length by the bytes left, limits
 * nesting, and rejects indefinite lengths (no CCA token uses them) and
 * text that is not UTF-8; after it, cbor_load allocates at most in
 * proportion to the input.
 *
 * Why the outer tag is ours to read: libcbor 0.8 (Debian 12) refuses a
 * one-byte tag head for tags 6 to 20 as malformed, and COSE_Sign1 is tag
 * 18, 0xd2 (measured: cbor_load("d2 80") fails, "d8 12 80" decodes). A
 * token has tags only at the top of the collection and of each COSE_Sign1,
 * so cbor_decode_tagged takes that one off before libcbor sees the rest. */
#include <string.h>

#include "verifier/verifier.h"

struct wf {
	const uint8_t *p;
	size_t len, pos;
	const char *what;
	char *err;
	size_t errlen;
};

static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t more;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			more = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			more = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			more = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i - 1 < more)
			return false;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
		if (cp < min[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += more + 1;
	}
	return true;
}

static int wf_head(struct wf *w, unsigned *major, unsigned *ai, uint64_t *arg)
{
	size_t at = w->pos;
	if (w->pos >= w->len)
		return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "%s: CBOR truncated: an item is missing at byte %zu", w->what, at);
	uint8_t ib = w->p[w->pos++];
	*major = ib >> 5;
	*ai = ib & 31;
	if (*ai < 24) {
		*arg = *ai;
	} else if (*ai <= 27) {
		size_t n = (size_t)1 << (*ai - 24);
		if (w->len - w->pos < n)
			return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				    "%s: CBOR truncated: the head at byte %zu needs %zu more bytes",
				    w->what, at, n);
		uint64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v << 8 | w->p[w->pos++];
		*arg = v;
	} else if (*ai == 31) {
		if (*major == 7)
			return verr(
				w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				"%s: CBOR 'break' at byte %zu outside an indefinite-length item",
				w->what, at);
		if (*major == 0 || *major == 1 || *major == 6)
			return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				    "%s: CBOR malformed: major type %u at byte %zu cannot be "
				    "indefinite",
				    w->what, *major, at);
		return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "%s: indefinite-length item at byte %zu: a token uses definite "
			    "lengths only",
			    w->what, at);
	} else {
		return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "%s: CBOR malformed: reserved additional information %u at byte %zu",
			    w->what, *ai, at);
	}
	return CCAKIT_TOKEN_OK;
}

static int wf_item(struct wf *w, unsigned depth)
{
	if (depth > CBOR_MAX_DEPTH)
		return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "%s: CBOR nested deeper than %d levels at byte %zu", w->what,
			    CBOR_MAX_DEPTH, w->pos);
	size_t at = w->pos;
	unsigned major = 0, ai = 0;
	uint64_t arg = 0;
	int rc = wf_head(w, &major, &ai, &arg);
	if (rc)
		return rc;
	size_t left = w->len - w->pos;
	switch (major) {
	case 0: /* unsigned int */
	case 1: /* negative int */ return CCAKIT_TOKEN_OK;
	case 2: /* byte string */
	case 3: /* text string */
		if (arg > left)
			return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				    "%s: CBOR truncated: the %s at byte %zu declares %llu bytes, "
				    "%zu remain",
				    w->what, major == 2 ? "byte string" : "text string", at,
				    (unsigned long long)arg, left);
		if (major == 3 && !utf8_valid(w->p + w->pos, (size_t)arg))
			return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				    "%s: the text string at byte %zu is not valid UTF-8", w->what,
				    at);
		w->pos += (size_t)arg;
		return CCAKIT_TOKEN_OK;
	case 4: /* array: every item is at least one byte */
	case 5: /* map: two items an entry */
		if (arg > (major == 4 ? left : left / 2))
			return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				    "%s: CBOR truncated: the %s at byte %zu declares %llu %s, "
				    "only %zu bytes remain",
				    w->what, major == 4 ? "array" : "map", at,
				    (unsigned long long)arg, major == 4 ? "items" : "entries",
				    left);
		for (uint64_t i = 0; i < (major == 4 ? arg : 2 * arg); i++) {
			rc = wf_item(w, depth + 1);
			if (rc)
				return rc;
		}
		return CCAKIT_TOKEN_OK;
	case 6: /* tag */ return wf_item(w, depth + 1);
	default: /* 7: simple values and floats */
		if (ai == 24 && arg < 32)
			return verr(w->err, w->errlen, CCAKIT_TOKEN_ERR_CBOR,
				    "%s: CBOR malformed: two-byte simple value %llu at byte %zu",
				    w->what, (unsigned long long)arg, at);
		return CCAKIT_TOKEN_OK;
	}
}

int cbor_check_wellformed(const uint8_t *p, size_t len, const char *what, char *err, size_t errlen)
{
	struct wf w = { .p = p, .len = len, .what = what, .err = err, .errlen = errlen };
	if (len == 0)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_CBOR, "%s: empty", what);
	int rc = wf_item(&w, 0);
	if (rc)
		return rc;
	if (w.pos != len)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "%s: %zu bytes after the CBOR item (which ends at byte %zu)", what,
			    len - w.pos, w.pos);
	return CCAKIT_TOKEN_OK;
}

static int load(const uint8_t *p, size_t len, const char *what, cbor_item_t **out, char *err,
		size_t errlen)
{
	struct cbor_load_result res;
	cbor_item_t *it = cbor_load(p, len, &res);
	if (!it || res.error.code != CBOR_ERR_NONE || res.read != len) {
		if (it)
			cbor_decref(&it);
		if (res.error.code == CBOR_ERR_MEMERROR)
			return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "%s: out of memory", what);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_CBOR,
			    "%s: CBOR that libcbor 0.8 cannot decode (error %d near byte %zu): "
			    "a tag or simple value where a token has none",
			    what, (int)res.error.code, res.error.position);
	}
	*out = it;
	return CCAKIT_TOKEN_OK;
}

int cbor_decode_item(const uint8_t *p, size_t len, const char *what, cbor_item_t **out, char *err,
		     size_t errlen)
{
	int rc = cbor_check_wellformed(p, len, what, err, errlen);
	return rc ? rc : load(p, len, what, out, err, errlen);
}

int cbor_decode_tagged(const uint8_t *p, size_t len, const char *what, bool *tagged, uint64_t *tag,
		       cbor_item_t **out, char *err, size_t errlen)
{
	int rc = cbor_check_wellformed(p, len, what, err, errlen);
	if (rc)
		return rc;
	*tagged = p[0] >> 5 == 6;
	if (!*tagged)
		return load(p, len, what, out, err, errlen);
	/* Well-formed: the head is complete and an item follows it. */
	struct wf w = { .p = p, .len = len, .what = what, .err = err, .errlen = errlen };
	unsigned major, ai;
	rc = wf_head(&w, &major, &ai, tag);
	return rc ? rc : load(p + w.pos, len - w.pos, what, out, err, errlen);
}

bool cb_uint64(const cbor_item_t *it, uint64_t *v)
{
	if (!it || !cbor_isa_uint(it))
		return false;
	*v = cbor_get_int(it);
	return true;
}

bool cb_int64(const cbor_item_t *it, int64_t *v)
{
	if (!it)
		return false;
	if (cbor_isa_uint(it)) {
		uint64_t u = cbor_get_int(it);
		if (u > INT64_MAX)
			return false;
		*v = (int64_t)u;
		return true;
	}
	if (cbor_isa_negint(it)) {
		/* A negative integer n is encoded as -1 - n. */
		uint64_t u = cbor_get_int(it);
		if (u > INT64_MAX)
			return false;
		*v = -1 - (int64_t)u;
		return true;
	}
	return false;
}

bool cb_is_bstr(const cbor_item_t *it)
{
	return it && cbor_isa_bytestring(it) && cbor_bytestring_is_definite(it);
}

bool cb_is_tstr(const cbor_item_t *it)
{
	return it && cbor_isa_string(it) && cbor_string_is_definite(it);
}

const char *cb_type_name(const cbor_item_t *it)
{
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_UINT: return "an unsigned integer";
	case CBOR_TYPE_NEGINT: return "a negative integer";
	case CBOR_TYPE_BYTESTRING: return "a byte string";
	case CBOR_TYPE_STRING: return "a text string";
	case CBOR_TYPE_ARRAY: return "an array";
	case CBOR_TYPE_MAP: return "a map";
	case CBOR_TYPE_TAG: return "a tagged item";
	case CBOR_TYPE_FLOAT_CTRL: return "a simple value or float";
	default: return "an unknown item";
	}
}

cbor_item_t *cb_map_get(const cbor_item_t *map, int64_t key)
{
	if (!map || !cbor_isa_map(map) || !cbor_map_is_definite(map))
		return NULL;
	struct cbor_pair *pairs = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		int64_t k;
		if (cb_int64(pairs[i].key, &k) && k == key)
			return pairs[i].value;
	}
	return NULL;
}
