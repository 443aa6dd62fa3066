/* A claims map taken apart, for claims_realm.c and claims_platform.c: each
 * known claim's value found once, duplicates and non-integer keys refused,
 * unknown claims noted, and checkers that name the claim in every message. */
#ifndef CCAKIT_VERIFIER_CLAIMS_H
#define CCAKIT_VERIFIER_CLAIMS_H

#include "verifier/verifier.h"

struct claim_def {
	int64_t key;
	const char *name;
};

#define CLAIMS_MAX 16

struct claims {
	const char *token; /* "realm token" */
	const struct claim_def *defs;
	size_t ndefs;
	const cbor_item_t *val[CLAIMS_MAX]; /* by index in defs; NULL when absent */
	size_t unknown_count;
	int64_t unknown[8];
	struct arena *a;
	char *err;
	size_t errlen;
};

/* Fills c->val from the payload map (decoded by the caller). */
int claims_collect(struct claims *c, const cbor_item_t *map);

/* "realm token: claim 44238 (RIM) " + fmt. */
__attribute__((format(printf, 4, 5))) int claim_err(const struct claims *c, size_t i, int status,
						    const char *fmt, ...);

/* Value checkers for claim i: each fails (naming the claim) when the claim is
 * missing and required, or of the wrong type. An absent optional claim is
 * success with the output left empty (NULL). */
int claim_bstr(struct claims *c, size_t i, bool required, struct ccakit_bytes *out);
int claim_tstr(struct claims *c, size_t i, bool required, const char **out);
/* A byte string of one of the sizes listed (0-terminated). */
int claim_bstr_sized(struct claims *c, size_t i, bool required, const size_t *sizes,
		     struct ccakit_bytes *out);
/* A hash algorithm id this verifier knows. */
int claim_hash_algo(struct claims *c, size_t i, bool required, const char **id,
		    enum ccakit_hash_algo *h);

/* The same checks for a value that is not a claim of its own (a field of a
 * software component, an entry of the REMs): where names it. */
int value_bstr(struct claims *c, const char *where, const cbor_item_t *v, struct ccakit_bytes *out);
int value_tstr(struct claims *c, const char *where, const cbor_item_t *v, const char **out);

extern const size_t measurement_sizes[]; /* 32, 48, 64 */

#endif
