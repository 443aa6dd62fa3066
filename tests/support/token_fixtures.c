/* Attestation test vectors: paths, bytes, and the PAIRS.tsv table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token_fixtures.h"

const char *const fixture_tokens[] = {
	"rust-ccatoken/cca-token-01.cbor",
	"rust-ccatoken/cca-token-02.cbor",
	"rust-ccatoken/cca-token-draft-ffm-00.cbor",
	"rust-ccatoken/bug-33-repro.cbor",
	"tf-m-tools/cca_token.cbor",
	"tf-m-tools/cca_example_token_legacy.cbor",
	"tf-m-tools/cca_example_token.pre-rmm2.0.cbor",
	"tf-m-tools/cca_example_token.cbor",
	"tf-m-tools/cca_platform_token.cbor",
	"tf-m-tools/cca_example_platform_token.cbor",
	"tf-m-tools/cca_example_platform_token_legacy.cbor",
	"trustee/cca-example-token.cbor",
};

const char *const fixture_token_keys[] = {
	"rust-ccatoken/cpak.json",     "rust-ccatoken/ta-02-ok.json", "rust-ccatoken/ta-tfa.json",
	"rust-ccatoken/ta-tfa.json",   "tf-m-tools/cca_platform.pem", "tf-m-tools/cca_platform.pem",
	"tf-m-tools/cca_platform.pem", "tf-m-tools/cca_platform.pem", "tf-m-tools/cca_platform.pem",
	"tf-m-tools/cca_platform.pem", "tf-m-tools/cca_platform.pem", "trustee/cpak-pub.json",
};

const size_t fixture_token_count = sizeof(fixture_tokens) / sizeof(fixture_tokens[0]);

const char *fixture_path(const char *rel)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", CCAKIT_TOKEN_FIXTURES, rel);
	return path;
}

uint8_t *fixture_read(const char *rel, size_t *len)
{
	FILE *f = fopen(fixture_path(rel), "rb");
	if (!f)
		fail_msg("fixture %s is missing", fixture_path(rel));
	uint8_t *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

struct ccakit_token *fixture_token(const char *rel)
{
	struct ccakit_token *t;
	char err[512];
	int rc = ccakit_token_load(fixture_path(rel), &t, err, sizeof(err));
	if (rc)
		fail_msg("%s: %s", rel, err);
	return t;
}

struct ccakit_cpak *fixture_cpak(const char *rel)
{
	struct ccakit_cpak *k;
	char err[512];
	int rc = ccakit_cpak_load(fixture_path(rel), &k, err, sizeof(err));
	if (rc)
		fail_msg("%s: %s", rel, err);
	return k;
}

size_t fixture_pairs(struct fixture_pair *out, size_t max)
{
	size_t len, n = 0;
	char *text = (char *)fixture_read("PAIRS.tsv", &len);
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "token\t", 6))
			continue; /* the header */
		char *tab1 = strchr(line, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		assert_non_null(tab2);
		char *tab3 = strchr(tab2 + 1, '\t');
		if (tab3)
			*tab3 = '\0';
		*tab1 = *tab2 = '\0';
		assert_true(n < max);
		snprintf(out[n].token, sizeof(out[n].token), "%s", line);
		snprintf(out[n].key, sizeof(out[n].key), "%s", tab1 + 1);
		snprintf(out[n].expected, sizeof(out[n].expected), "%s", tab2 + 1);
		n++;
	}
	free(text);
	return n;
}
