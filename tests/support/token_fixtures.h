/* Attestation test vectors for the token tests: public tokens, keys and
 * reference values copied into tests/fixtures/attestation/ (MANIFEST.tsv
 * gives each one's source and licence, PAIRS.tsv which key verifies which
 * token and the result it must give). */
#ifndef CCAKIT_TEST_TOKEN_FIXTURES_H
#define CCAKIT_TEST_TOKEN_FIXTURES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ccakit/token.h"
#include "cli.h" /* assert_contains */


/* The fixture's path (a static buffer, overwritten by the next call). */
const char *fixture_path(const char *rel);
/* The fixture's bytes, malloc'd, NUL-terminated; fails the test if absent. */
uint8_t *fixture_read(const char *rel, size_t *len);
/* Decoded token and key; fail the test on any error. */
struct ccakit_token *fixture_token(const char *rel);
struct ccakit_cpak *fixture_cpak(const char *rel);

struct fixture_pair {
	char token[128], key[128], expected[16];
};
/* The rows of PAIRS.tsv. */
size_t fixture_pairs(struct fixture_pair *out, size_t max);

/* Every token in PAIRS.tsv once, with a key that verifies it. */
extern const char *const fixture_tokens[];
extern const char *const fixture_token_keys[];
extern const size_t fixture_token_count;

#endif
