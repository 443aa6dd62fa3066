/* `ccakit token`: the relying party on the command line. decode prints a
 * token's claims, verify checks its signatures and binding against a CPAK,
 * appraise also compares its claims with reference values. The work is the
 * token library's (include/ccakit/token.h); this file parses arguments and
 * prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ccakit/token.h"
#include "tools/tools.h"

enum token_sub { SUB_DECODE, SUB_VERIFY, SUB_APPRAISE };

static const struct sub {
	const char *name;
	const char *args;
	const char *summary;
} subs[] = {
	[SUB_DECODE] = { "decode", "FILE [--json]", "print every claim of a token" },
	[SUB_VERIFY] = { "verify", "FILE --cpak KEY [--allow-2.0] [--json]",
			 "check both signatures and the platform binding" },
	[SUB_APPRAISE] = { "appraise", "FILE --cpak KEY --ref VALUES [--allow-2.0] [--json]",
			   "verify, then compare the claims with reference values" },
};

struct token_args {
	enum token_sub sub;
	const char *file, *cpak, *ref;
	bool json, allow_2_0;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage:\n");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(f, "  ccakit token %s %s\n", subs[i].name, subs[i].args);
	fprintf(f, "\n");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(f, "  %-9s %s\n", subs[i].name, subs[i].summary);
	fprintf(f,
		"\n"
		"FILE    a CCA token (tag 399, CMW tag 907, or a platform token alone),\n"
		"        raw CBOR or hex text; - reads it from standard input\n"
		"KEY     the CPAK: a PEM key, a JWK, or a JSON list of trust anchors\n"
		"        [{\"pkey\": JWK, \"implementation-id\": hex, \"instance-id\": hex}]\n"
		"VALUES  reference values, JSON {\"platform\": [...], \"realm\": [...]}\n"
		"\n"
		"  --cpak KEY      the key that signs platform tokens\n"
		"  --ref VALUES    the reference values to appraise against\n"
		"  --allow-2.0     accept the RMM 2.0 realm profile (" CCA_REALM_PROFILE_2_0 ")\n"
		"  --json          machine-readable output on stdout\n"
		"  -h, --help      show this help\n"
		"\n"
		"Exit status: 0 valid, 1 invalid or failed (the reason on stderr),\n"
		"2 bad command line.\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "ccakit token: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'ccakit token --help')\n");
	return EXIT_USAGE;
}

/* 0 parsed, 1 help shown, EXIT_USAGE bad. */
static int parse_args(int argc, char **argv, struct token_args *a)
{
	if (argc < 2)
		return bad_usage("%s", "no subcommand: decode, verify or appraise");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 1;
	}
	size_t s;
	for (s = 0; s < sizeof(subs) / sizeof(subs[0]); s++)
		if (!strcmp(argv[1], subs[s].name))
			break;
	if (s == sizeof(subs) / sizeof(subs[0]))
		return bad_usage("unknown subcommand '%s': decode, verify or appraise", argv[1]);
	*a = (struct token_args){ .sub = (enum token_sub)s };
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		const char **value = NULL;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(arg, "--json")) {
			a->json = true;
		} else if (!strcmp(arg, "--allow-2.0") && a->sub != SUB_DECODE) {
			a->allow_2_0 = true;
		} else if (!strcmp(arg, "--cpak") && a->sub != SUB_DECODE) {
			value = &a->cpak;
		} else if (!strcmp(arg, "--ref") && a->sub == SUB_APPRAISE) {
			value = &a->ref;
		} else if (arg[0] == '-' && arg[1]) {
			return bad_usage("unknown option '%s' here", arg);
		} else if (a->file) {
			return bad_usage("one token file only; '%s' is one more", arg);
		} else {
			a->file = arg;
		}
		if (value) {
			if (i + 1 >= argc)
				return bad_usage("%s needs a file", arg);
			*value = argv[++i];
		}
	}
	if (!a->file)
		return bad_usage("%s", "no token file given");
	if (a->sub != SUB_DECODE && !a->cpak)
		return bad_usage("%s", "--cpak KEY is required");
	if (a->sub == SUB_APPRAISE && !a->ref)
		return bad_usage("%s", "--ref VALUES is required");
	return 0;
}

static void print_hex(const char *label, const struct ccakit_bytes *b)
{
	if (!b->ptr)
		return;
	printf("  %-34s ", label);
	for (size_t i = 0; i < b->len; i++)
		printf("%02x", b->ptr[i]);
	printf("\n");
}

static void print_str(const char *label, const char *s)
{
	if (s)
		printf("  %-34s %s\n", label, s);
}

static const char *alg_name(int64_t alg)
{
	return alg == COSE_ALG_ES256 ? "ES256" : alg == COSE_ALG_ES384 ? "ES384" : "ES512";
}

static void print_platform(const struct ccakit_token *t)
{
	const struct ccakit_platform_claims *p = &t->platform;
	char buf[64];
	printf("platform token (COSE_Sign1, %s)\n", alg_name(t->platform_sign1.alg));
	print_str("profile (265)", p->profile_name);
	print_hex("challenge (10)", &p->challenge);
	print_hex("implementation id (2396)", &p->implementation_id);
	print_hex("instance id (256)", &p->instance_id);
	print_hex("platform configuration (2401)", &p->config);
	snprintf(buf, sizeof(buf), "0x%04llx", (unsigned long long)p->lifecycle);
	print_str("lifecycle (2395)", buf);
	print_str("hash algorithm (2402)", p->hash_algo_id);
	print_str("verification service (2400)", p->verification_service);
	printf("  software components (2399): %zu\n", p->sw_component_count);
	for (size_t i = 0; i < p->sw_component_count; i++) {
		const struct ccakit_sw_component *c = &p->sw_components[i];
		printf("  [%zu] %s%s%s\n", i, c->type ? c->type : "(no type)",
		       c->version ? ", version " : "", c->version ? c->version : "");
		print_hex("    measurement (2)", &c->measurement);
		print_hex("    signer id (5)", &c->signer_id);
		print_str("    hash algorithm (6)", c->hash_algo_id);
	}
	for (size_t i = 0; i < p->unknown_claim_count && i < 8; i++)
		printf("  unknown claim %lld (ignored)\n", (long long)p->unknown_claims[i]);
}

static void print_realm(const struct ccakit_token *t)
{
	const struct ccakit_realm_claims *r = &t->realm;
	static const char *const profile[] = { "no profile: EAC-era form", "RMM 1.0", "RMM 2.0" };
	printf("realm token (COSE_Sign1, %s; %s)\n", alg_name(t->realm_sign1.alg),
	       profile[r->profile]);
	print_str("profile (265)", r->profile_name);
	print_hex("challenge (10)", &r->challenge);
	print_hex("personalization value (44235)", &r->personalization_value);
	print_str("hash algorithm (44236)", r->hash_algo_id);
	print_hex("RIM (44238)", &r->initial_measurement);
	for (int i = 0; i < CCA_REALM_REM_COUNT; i++) {
		char label[32];
		snprintf(label, sizeof(label), "REM[%d] (44239)", i);
		print_hex(label, &r->extensible_measurements[i]);
	}
	if (r->measurements_wider_than_hash)
		printf("  (the measurements are wider than %s digests)\n", r->hash_algo_id);
	print_hex(r->public_key_is_cose_key ? "RAK (44237, COSE_Key)" : "RAK (44237, raw point)",
		  &r->public_key);
	print_str("RAK hash algorithm (44240)", r->public_key_hash_algo_id);
	print_hex("instance id (256)", &r->instance_id);
	if (r->has_mec_policy) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", (long long)r->mec_policy);
		print_str("MEC policy (44243)", r->mec_policy_text ? r->mec_policy_text : buf);
	}
	for (size_t i = 0; i < r->unknown_claim_count && i < 8; i++)
		printf("  unknown claim %lld (ignored)\n", (long long)r->unknown_claims[i]);
}

static int print_json_string(char *s)
{
	if (!s) {
		fprintf(stderr, "ccakit token: out of memory\n");
		return 1;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

static int fail(const struct token_args *a, int status, const char *err)
{
	fprintf(stderr, "ccakit token %s: %s%s\n", subs[a->sub].name, err,
		status == CCAKIT_TOKEN_ERR_PROFILE && !a->allow_2_0 && strstr(err, "2.0")
			? " (--allow-2.0)"
			: "");
	return 1;
}

/* {"verified": ..., "status": ..., "error": ..., checks}: on stdout even
 * when verification failed, so scripts see which check did. */
static void print_verify_json(int status, const char *err, const struct ccakit_verify_result *r,
			      const struct ccakit_token *t)
{
	json_t *o = json_pack("{s:b, s:s, s:b, s:b, s:b}", "verified", status == CCAKIT_TOKEN_OK,
			      "status", ccakit_token_status_name(status), "platform_signature",
			      r->platform_signature_ok, "realm_signature", r->realm_signature_ok,
			      "binding", r->binding_ok);
	if (o && status)
		json_object_set_new(o, "error", json_string(err));
	if (o)
		json_object_set_new(o, "anchor",
				    r->anchor >= 0 ? json_integer(r->anchor) : json_null());
	if (o && t)
		json_object_set_new(o, "realm", json_boolean(t->has_realm));
	char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	print_json_string(s);
}

static void print_appraisal(const struct ccakit_appraisal *ap)
{
	const struct ccakit_appraisal_part *parts[] = { &ap->platform, &ap->realm };
	static const char *const names[] = { "platform", "realm" };
	for (int p = 0; p < 2; p++) {
		const struct ccakit_appraisal_part *part = parts[p];
		if (!part->appraised) {
			printf("%s: no reference values, not appraised\n", names[p]);
			continue;
		}
		printf("%s: %s %s[%d]\n", names[p], part->matched ? "matches" : "closest is",
		       names[p], part->entry);
		for (size_t i = 0; i < part->item_count; i++) {
			const struct ccakit_appraisal_item *it = &part->items[i];
			printf("  %-6s %s%s%s\n", it->matched ? "ok" : "DIFFER", it->claim,
			       it->matched ? "" : ": ", it->detail);
		}
	}
}

/* The token named on the command line; "-" is standard input (as
 * `ccakit run --token-out /dev/stdout | ccakit token verify - ...`). */
static int load_token(const char *file, struct ccakit_token **t, char *err, size_t errlen)
{
	if (strcmp(file, "-"))
		return ccakit_token_load(file, t, err, errlen);
	/* A token is a few KiB; a megabyte is not one. */
	enum { STDIN_MAX = 1 << 20 };
	uint8_t *buf = malloc(STDIN_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "standard input: out of memory");
		return CCAKIT_TOKEN_ERR_NOMEM;
	}
	size_t len = fread(buf, 1, STDIN_MAX + 1, stdin);
	int rc;
	if (ferror(stdin)) {
		snprintf(err, errlen, "standard input: %s", strerror(errno));
		rc = CCAKIT_TOKEN_ERR_IO;
	} else if (len > STDIN_MAX) {
		snprintf(err, errlen, "standard input: more than %d bytes: not a token", STDIN_MAX);
		rc = CCAKIT_TOKEN_ERR_CBOR;
	} else {
		rc = ccakit_token_decode(buf, len, t, err, errlen);
	}
	free(buf);
	return rc;
}

static int run(const struct token_args *a)
{
	char err[512];
	struct ccakit_token *t = NULL;
	struct ccakit_cpak *cpak = NULL;
	struct ccakit_refvals *rv = NULL;
	struct ccakit_appraisal *ap = NULL;
	struct ccakit_verify_result res = { .anchor = -1 };
	int rc = load_token(a->file, &t, err, sizeof(err));
	if (a->sub == SUB_DECODE) {
		if (rc)
			return fail(a, rc, err);
		if (a->json) {
			rc = print_json_string(ccakit_token_json(t));
		} else {
			print_platform(t);
			if (t->has_realm)
				print_realm(t);
		}
		ccakit_token_free(t);
		return rc;
	}
	if (!rc)
		rc = ccakit_cpak_load(a->cpak, &cpak, err, sizeof(err));
	if (!rc && a->sub == SUB_APPRAISE)
		rc = ccakit_refvals_load(a->ref, &rv, err, sizeof(err));
	if (!rc) {
		struct ccakit_verify_options opt = { .allow_realm_2_0 = a->allow_2_0 };
		rc = ccakit_token_verify(t, cpak, &opt, &res, err, sizeof(err));
	}
	if (rc || a->sub == SUB_VERIFY) {
		/* An appraisal stops at a token that does not verify. */
		if (a->json)
			print_verify_json(rc, err, &res, t);
		else if (!rc)
			printf("verified: platform signature (%s, %s)%s%s%s\n",
			       alg_name(t->platform_sign1.alg),
			       res.anchor >= 0 ? "CPAK of a trust anchor" : "CPAK",
			       t->has_realm ? ", realm signature (ES384, RAK), binding (" : "",
			       t->has_realm ? t->realm.public_key_hash_algo_id : "",
			       t->has_realm ? ")" : "; no realm token");
	} else {
		rc = ccakit_token_appraise(t, rv, &ap, err, sizeof(err));
		if (a->json && ap)
			print_json_string(ccakit_appraisal_json(ap));
		else if (ap)
			print_appraisal(ap);
		if (!rc && !a->json)
			printf("appraised: the token is verified and matches the reference "
			       "values\n");
	}
	ccakit_appraisal_free(ap);
	ccakit_refvals_free(rv);
	ccakit_cpak_free(cpak);
	ccakit_token_free(t);
	return rc ? fail(a, rc, err) : 0;
}

int cmd_token(int argc, char **argv)
{
	struct token_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	return run(&a);
}
