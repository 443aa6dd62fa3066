/* Reading reference values: the JSON that Veraison's rust-ccatoken
 * (testdata/rv.json) and Trustee (rvstore.json) use. A key we do not know is
 * an error, not something to skip: a misspelt "initial-measurment" would
 * otherwise silently drop a check. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "verifier/refvals.h"

struct rv_parse {
	struct ccakit_refvals *rv;
	char *err;
	size_t errlen;
};

static int rv_err(struct rv_parse *p, const char *where, const char *what)
{
	return verr(p->err, p->errlen, CCAKIT_TOKEN_ERR_REFERENCE, "reference values: %s: %s",
		    where, what);
}

static int only_keys(struct rv_parse *p, const json_t *obj, const char *where,
		     const char *const *known)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		size_t i;
		for (i = 0; known[i]; i++)
			if (!strcmp(key, known[i]))
				break;
		if (!known[i]) {
			char what[160];
			snprintf(what, sizeof(what), "unknown key \"%s\"", key);
			return rv_err(p, where, what);
		}
	}
	return CCAKIT_TOKEN_OK;
}

static int rv_hex_value(struct rv_parse *p, const json_t *v, const char *name, const char *where,
			struct ccakit_bytes *out)
{
	uint8_t *b;
	size_t n;
	if (!json_is_string(v) || hex_decode(json_string_value(v), &b, &n)) {
		char what[160];
		snprintf(what, sizeof(what), "\"%s\" is not a hex string", name);
		return rv_err(p, where, what);
	}
	out->ptr = arena_dup(&p->rv->arena, b, n);
	out->len = n;
	free(b);
	return out->ptr ? CCAKIT_TOKEN_OK : rv_err(p, where, "out of memory");
}

/* A hex value; absent is fine unless required (out->ptr stays NULL). */
static int rv_hex(struct rv_parse *p, const json_t *obj, const char *key, bool required,
		  const char *where, struct ccakit_bytes *out)
{
	const json_t *v = json_object_get(obj, key);
	*out = (struct ccakit_bytes){ 0 };
	if (!v && required) {
		char what[160];
		snprintf(what, sizeof(what), "\"%s\" is missing", key);
		return rv_err(p, where, what);
	}
	return v ? rv_hex_value(p, v, key, where, out) : CCAKIT_TOKEN_OK;
}

static int rv_text(struct rv_parse *p, const json_t *obj, const char *key, const char *where,
		   const char **out)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return CCAKIT_TOKEN_OK;
	if (!json_is_string(v)) {
		char what[160];
		snprintf(what, sizeof(what), "\"%s\" is not a string", key);
		return rv_err(p, where, what);
	}
	*out = arena_strndup(&p->rv->arena, json_string_value(v), strlen(json_string_value(v)));
	return *out ? CCAKIT_TOKEN_OK : rv_err(p, where, "out of memory");
}

static int parse_component(struct rv_parse *p, const json_t *c, const char *where,
			   struct rv_component *out)
{
	static const char *const keys[] = { "component-type", "measurement-value", "signer-id",
					    "version", NULL };
	if (!json_is_object(c))
		return rv_err(p, where, "not an object");
	int rc = only_keys(p, c, where, keys);
	if (!rc)
		rc = rv_text(p, c, "component-type", where, &out->type);
	if (!rc)
		rc = rv_hex(p, c, "measurement-value", true, where, &out->measurement);
	if (!rc)
		rc = rv_hex(p, c, "signer-id", false, where, &out->signer_id);
	if (!rc)
		rc = rv_text(p, c, "version", where, &out->version);
	return rc;
}

static int parse_platform(struct rv_parse *p, const json_t *e, const char *where,
			  struct rv_platform *out)
{
	static const char *const keys[] = { "implementation-id", "platform-configuration",
					    "sw-components", NULL };
	if (!json_is_object(e))
		return rv_err(p, where, "not an object");
	int rc = only_keys(p, e, where, keys);
	if (!rc)
		rc = rv_hex(p, e, "implementation-id", true, where, &out->implementation_id);
	if (!rc)
		rc = rv_hex(p, e, "platform-configuration", false, where, &out->config);
	if (rc)
		return rc;
	const json_t *sw = json_object_get(e, "sw-components");
	if (!json_is_array(sw))
		return rv_err(p, where, "\"sw-components\" is missing or not an array");
	out->component_count = json_array_size(sw);
	out->components =
		arena_alloc(&p->rv->arena, (out->component_count + 1) * sizeof(*out->components));
	if (!out->components)
		return rv_err(p, where, "out of memory");
	for (size_t i = 0; i < out->component_count && !rc; i++) {
		char w[128];
		snprintf(w, sizeof(w), "%s sw-components[%zu]", where, i);
		rc = parse_component(p, json_array_get(sw, i), w, &out->components[i]);
	}
	return rc;
}

static int parse_realm(struct rv_parse *p, const json_t *e, const char *where, struct rv_realm *out)
{
	static const char *const keys[] = { "initial-measurement", "extensible-measurements",
					    "personalization-value", "rak-hash-algorithm", NULL };
	if (!json_is_object(e))
		return rv_err(p, where, "not an object");
	int rc = only_keys(p, e, where, keys);
	if (!rc)
		rc = rv_hex(p, e, "initial-measurement", true, where, &out->rim);
	if (!rc)
		rc = rv_hex(p, e, "personalization-value", false, where, &out->rpv);
	if (!rc)
		rc = rv_text(p, e, "rak-hash-algorithm", where, &out->rak_hash_algo);
	if (rc)
		return rc;
	const json_t *rems = json_object_get(e, "extensible-measurements");
	if (!json_is_array(rems) || json_array_size(rems) != CCA_REALM_REM_COUNT)
		return rv_err(p, where, "\"extensible-measurements\" is not an array of 4");
	for (size_t i = 0; i < CCA_REALM_REM_COUNT && !rc; i++) {
		char name[48];
		snprintf(name, sizeof(name), "extensible-measurements[%zu]", i);
		rc = rv_hex_value(p, json_array_get(rems, i), name, where, &out->rem[i]);
	}
	return rc;
}

static int parse_root(struct rv_parse *p, const json_t *root)
{
	static const char *const keys[] = { "platform", "realm", NULL };
	if (!json_is_object(root))
		return rv_err(p, "the file", "not a JSON object with \"platform\" and \"realm\"");
	int rc = only_keys(p, root, "the file", keys);
	if (rc)
		return rc;
	const json_t *plat = json_object_get(root, "platform");
	const json_t *realm = json_object_get(root, "realm");
	if ((plat && !json_is_array(plat)) || (realm && !json_is_array(realm)))
		return rv_err(p, "the file", "\"platform\" and \"realm\" must be arrays");
	struct ccakit_refvals *rv = p->rv;
	rv->platform_count = json_array_size(plat);
	rv->realm_count = json_array_size(realm);
	rv->platform = arena_alloc(&rv->arena, (rv->platform_count + 1) * sizeof(*rv->platform));
	rv->realm = arena_alloc(&rv->arena, (rv->realm_count + 1) * sizeof(*rv->realm));
	if (!rv->platform || !rv->realm)
		return rv_err(p, "the file", "out of memory");
	for (size_t i = 0; i < rv->platform_count && !rc; i++) {
		char w[48];
		snprintf(w, sizeof(w), "platform[%zu]", i);
		rc = parse_platform(p, json_array_get(plat, i), w, &rv->platform[i]);
	}
	for (size_t i = 0; i < rv->realm_count && !rc; i++) {
		char w[48];
		snprintf(w, sizeof(w), "realm[%zu]", i);
		rc = parse_realm(p, json_array_get(realm, i), w, &rv->realm[i]);
	}
	return rc;
}

int ccakit_refvals_parse(const void *buf, size_t len, struct ccakit_refvals **out, char *err,
			 size_t errlen)
{
	*out = NULL;
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root)
		return verr(err, errlen, CCAKIT_TOKEN_ERR_REFERENCE,
			    "reference values: not JSON (line %d: %s)", jerr.line, jerr.text);
	struct ccakit_refvals *rv = calloc(1, sizeof(*rv));
	if (!rv) {
		json_decref(root);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "reference values: out of memory");
	}
	struct rv_parse p = { .rv = rv, .err = err, .errlen = errlen };
	int rc = parse_root(&p, root);
	json_decref(root);
	if (rc) {
		ccakit_refvals_free(rv);
		return rc;
	}
	*out = rv;
	return CCAKIT_TOKEN_OK;
}

int ccakit_refvals_load(const char *path, struct ccakit_refvals **out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	*out = NULL;
	int rc = read_file(path, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = ccakit_refvals_parse(buf, len, out, err, errlen);
	free(buf);
	return rc;
}

void ccakit_refvals_free(struct ccakit_refvals *rv)
{
	if (!rv)
		return;
	arena_release(&rv->arena);
	free(rv);
}
