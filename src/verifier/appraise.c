/* Appraising a token's claims against reference values: every claim that a
 * reference entry names is compared, and the result lists each comparison,
 * so that a mismatch is named rather than just counted. An entry matches
 * when every comparison does; when none does, the closest entry (fewest
 * differences) is the one reported. */
#include <stdlib.h>
#include <string.h>

#include "verifier/refvals.h"

struct items {
	struct ccakit_appraisal_item *v;
	size_t n, cap;
	size_t mismatches;
	bool nomem;
};

__attribute__((format(printf, 4, 5))) static void add(struct items *it, const char *claim,
						      bool matched, const char *fmt, ...)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 16;
		void *v = realloc(it->v, cap * sizeof(*it->v));
		if (!v) {
			it->nomem = true;
			return;
		}
		it->v = v;
		it->cap = cap;
	}
	struct ccakit_appraisal_item *i = &it->v[it->n++];
	snprintf(i->claim, sizeof(i->claim), "%s", claim);
	i->matched = matched;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(i->detail, sizeof(i->detail), fmt, ap);
	va_end(ap);
	if (!matched)
		it->mismatches++;
}

static bool bytes_eq(const struct ccakit_bytes *a, const struct ccakit_bytes *b)
{
	return a->len == b->len && (a->len == 0 || !memcmp(a->ptr, b->ptr, a->len));
}

static bool text_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void cmp_bytes(struct items *it, const char *claim, const struct ccakit_bytes *tok,
		      const struct ccakit_bytes *ref)
{
	char a[64], b[64];
	if (bytes_eq(tok, ref))
		add(it, claim, true, "%s", "");
	else
		add(it, claim, false, "token %s, reference %s", hex_short(tok, a, sizeof(a)),
		    hex_short(ref, b, sizeof(b)));
}

static void appraise_realm_entry(const struct ccakit_realm_claims *rc, const struct rv_realm *e,
				 struct items *it)
{
	cmp_bytes(it, "realm RIM", &rc->initial_measurement, &e->rim);
	for (int i = 0; i < CCA_REALM_REM_COUNT; i++) {
		char claim[32];
		snprintf(claim, sizeof(claim), "realm REM[%d]", i);
		cmp_bytes(it, claim, &rc->extensible_measurements[i], &e->rem[i]);
	}
	if (e->rpv.ptr)
		cmp_bytes(it, "realm personalization value", &rc->personalization_value, &e->rpv);
	if (e->rak_hash_algo) {
		if (text_eq(rc->public_key_hash_algo_id, e->rak_hash_algo))
			add(it, "realm RAK hash algorithm", true, "%s", "");
		else
			add(it, "realm RAK hash algorithm", false, "token %s, reference %s",
			    rc->public_key_hash_algo_id, e->rak_hash_algo);
	}
}

/* A token component matches a reference one when the measurement is the
 * same and so is every other field the reference names. */
static bool component_matches(const struct ccakit_sw_component *c, const struct rv_component *r)
{
	return bytes_eq(&c->measurement, &r->measurement) &&
	       (!r->type || text_eq(c->type, r->type)) &&
	       (!r->signer_id.ptr || bytes_eq(&c->signer_id, &r->signer_id)) &&
	       (!r->version || text_eq(c->version, r->version));
}

/* Why token component c matches no reference: compared with the reference
 * of its type (when there is one), the first field that differs. */
static void component_mismatch(struct items *it, const char *claim,
			       const struct ccakit_sw_component *c, const struct rv_platform *e)
{
	char a[64], b[64];
	const struct rv_component *r = NULL;
	for (size_t j = 0; j < e->component_count && c->type; j++)
		if (text_eq(c->type, e->components[j].type))
			r = &e->components[j];
	if (!r)
		add(it, claim, false, "no reference component %s%s%s has measurement %s",
		    c->type ? "of type \"" : "", c->type ? c->type : "", c->type ? "\"" : "",
		    hex_short(&c->measurement, a, sizeof(a)));
	else if (!bytes_eq(&c->measurement, &r->measurement))
		add(it, claim, false, "measurement: token %s, reference %s",
		    hex_short(&c->measurement, a, sizeof(a)),
		    hex_short(&r->measurement, b, sizeof(b)));
	else if (r->signer_id.ptr && !bytes_eq(&c->signer_id, &r->signer_id))
		add(it, claim, false, "signer id: token %s, reference %s",
		    hex_short(&c->signer_id, a, sizeof(a)), hex_short(&r->signer_id, b, sizeof(b)));
	else
		add(it, claim, false, "version: token %s, reference %s",
		    c->version ? c->version : "(none)", r->version);
}

static void appraise_platform_entry(const struct ccakit_platform_claims *pc,
				    const struct rv_platform *e, struct items *it)
{
	cmp_bytes(it, "platform implementation id", &pc->implementation_id, &e->implementation_id);
	if (e->config.ptr)
		cmp_bytes(it, "platform configuration", &pc->config, &e->config);
	bool *used = calloc(e->component_count + 1, sizeof(*used));
	if (!used) {
		it->nomem = true;
		return;
	}
	for (size_t i = 0; i < pc->sw_component_count; i++) {
		const struct ccakit_sw_component *c = &pc->sw_components[i];
		char claim[128];
		snprintf(claim, sizeof(claim), "platform sw component %zu%s%s%s", i,
			 c->type ? " (" : "", c->type ? c->type : "", c->type ? ")" : "");
		size_t j;
		for (j = 0; j < e->component_count; j++)
			if (component_matches(c, &e->components[j]))
				break;
		if (j < e->component_count) {
			used[j] = true;
			add(it, claim, true, "%s", "");
		} else {
			component_mismatch(it, claim, c, e);
		}
	}
	/* A component the reference expects that the platform did not
	 * measure is a difference too. */
	for (size_t j = 0; j < e->component_count; j++) {
		if (used[j])
			continue;
		bool seen = false;
		for (size_t i = 0; i < pc->sw_component_count && !seen; i++)
			seen = component_matches(&pc->sw_components[i], &e->components[j]);
		if (seen)
			continue;
		const char *type = e->components[j].type;
		char claim[128];
		snprintf(claim, sizeof(claim), "platform reference component %zu%s%s%s", j,
			 type ? " (" : "", type ? type : "", type ? ")" : "");
		add(it, claim, false, "%s", "in the reference values, not in the token");
	}
	free(used);
}

struct appraisal_priv {
	struct arena arena;
};

/* Runs compare() on each entry; keeps the first full match or the closest. */
static int appraise_part(struct ccakit_appraisal *a, struct ccakit_appraisal_part *part,
			 size_t entries,
			 void (*compare)(const void *claims, const void *entry, struct items *it),
			 const void *claims, const void *table, size_t entry_size)
{
	struct items best = { 0 };
	part->appraised = entries > 0;
	part->entry = -1;
	for (size_t e = 0; e < entries; e++) {
		struct items it = { 0 };
		compare(claims, (const char *)table + e * entry_size, &it);
		if (it.nomem) {
			free(it.v);
			free(best.v);
			return CCAKIT_TOKEN_ERR_NOMEM;
		}
		if (part->entry < 0 || it.mismatches < best.mismatches) {
			free(best.v);
			best = it;
			part->entry = (int)e;
		} else {
			free(it.v);
		}
		if (best.mismatches == 0)
			break;
	}
	part->matched = part->appraised && best.mismatches == 0;
	part->item_count = best.n;
	part->items = best.n ? arena_dup(&((struct appraisal_priv *)a->priv_)->arena, best.v,
					 best.n * sizeof(*best.v))
			     : NULL;
	free(best.v);
	return best.n && !part->items ? CCAKIT_TOKEN_ERR_NOMEM : CCAKIT_TOKEN_OK;
}

static void compare_realm(const void *claims, const void *entry, struct items *it)
{
	appraise_realm_entry(claims, entry, it);
}

static void compare_platform(const void *claims, const void *entry, struct items *it)
{
	appraise_platform_entry(claims, entry, it);
}

static int part_error(const struct ccakit_appraisal_part *p, const char *name, char *err,
		      size_t errlen)
{
	size_t differ = 0;
	const struct ccakit_appraisal_item *first = NULL;
	for (size_t i = 0; i < p->item_count; i++) {
		if (!p->items[i].matched) {
			differ++;
			first = first ? first : &p->items[i];
		}
	}
	return verr(err, errlen, CCAKIT_TOKEN_ERR_MISMATCH,
		    "%s: no reference entry matches; the closest, %s[%d], differs in %zu of %zu "
		    "claims, first %s: %s",
		    name, name, p->entry, differ, p->item_count, first ? first->claim : "?",
		    first ? first->detail : "?");
}

int ccakit_token_appraise(const struct ccakit_token *t, const struct ccakit_refvals *rv,
			  struct ccakit_appraisal **out, char *err, size_t errlen)
{
	if (out)
		*out = NULL;
	struct ccakit_appraisal *a = calloc(1, sizeof(*a));
	struct appraisal_priv *priv = calloc(1, sizeof(*priv));
	if (!a || !priv) {
		free(a);
		free(priv);
		return verr(err, errlen, CCAKIT_TOKEN_ERR_NOMEM, "appraisal: out of memory");
	}
	a->priv_ = priv;
	int rc = appraise_part(a, &a->platform, rv->platform_count, compare_platform, &t->platform,
			       rv->platform, sizeof(*rv->platform));
	if (!rc)
		rc = appraise_part(a, &a->realm, t->has_realm ? rv->realm_count : 0, compare_realm,
				   &t->realm, rv->realm, sizeof(*rv->realm));
	if (rc)
		verr(err, errlen, rc, "appraisal: out of memory");
	else if (!a->platform.appraised && !a->realm.appraised)
		rc = verr(err, errlen, CCAKIT_TOKEN_ERR_REFERENCE,
			  "reference values: no platform or realm entries for this token");
	else if (a->platform.appraised && !a->platform.matched)
		rc = part_error(&a->platform, "platform", err, errlen);
	else if (a->realm.appraised && !a->realm.matched)
		rc = part_error(&a->realm, "realm", err, errlen);
	if (out)
		*out = a;
	else
		ccakit_appraisal_free(a);
	return rc;
}

void ccakit_appraisal_free(struct ccakit_appraisal *a)
{
	if (!a)
		return;
	if (a->priv_) {
		arena_release(a->priv_);
		free(a->priv_);
	}
	free(a);
}
