/* `ccakit token` as a user runs it: the built binary, its exit status (0
 * valid, 1 invalid with one line on stderr, 2 bad command line), and its
 * output, text and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "token_fixtures.h"

/* Runs `ccakit token ARGS...` (NULL-terminated). Arguments starting with
 * '@' are fixture paths. */
static struct cli_run *ccakit_argv(const char *const *args)
{
	char *argv[16] = { CCAKIT_BIN, "token" };
	char paths[16][512];
	int argc = 2;
	for (const char *const *a = args; *a; a++) {
		assert_true(argc < 15);
		if ((*a)[0] == '@') {
			snprintf(paths[argc], sizeof(paths[argc]), "%s", fixture_path(*a + 1));
			argv[argc] = paths[argc];
		} else {
			argv[argc] = (char *)*a;
		}
		argc++;
	}
	argv[argc] = NULL;
	return cli_exec(argv);
}

static struct cli_run *ccakit(const char *first, ...)
{
	const char *args[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(n < 15);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	return ccakit_argv(args);
}

static void expect_one_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	if (!nl || nl[1] != '\0')
		fail_msg("not one line: '%s'", s);
}

static void decode_prints_the_claims(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("decode", "@rust-ccatoken/cca-token-draft-ffm-00.cbor", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "platform token (COSE_Sign1, ES384)");
	assert_contains(r->out, "realm token (COSE_Sign1, ES384; RMM 1.0)");
	assert_contains(r->out, "RIM (44238)");
	assert_contains(r->out, "311314ab73620350cf758834ae5c65d9e8c2dc7febe6e7d9654bbe864e300d49");
	assert_contains(r->out, "[8] RMM");
	assert_string_equal(r->err, "");
}

static void decode_json_is_one_json_object(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("decode", "--json", "@tf-m-tools/cca_example_token.cbor", NULL);
	assert_int_equal(r->status, 0);
	json_error_t jerr;
	json_t *j = json_loads(r->out, 0, &jerr);
	if (!j)
		fail_msg("not JSON (%s): %s", jerr.text, r->out);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "realm"),
							      "cca-realm-profile")),
			    CCA_REALM_PROFILE_2_0);
	json_decref(j);
}

static void decode_fails_on_a_broken_token(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("decode", "@rust-ccatoken/rv.json", NULL);
	assert_int_equal(r->status, 1);
	expect_one_line(r->err);
	assert_contains(r->err, "ccakit token decode: token:");
	r = ccakit("decode", "/nonexistent.cbor", NULL);
	assert_int_equal(r->status, 1);
	assert_contains(r->err, "/nonexistent.cbor: No such file or directory");
}

static void verify_exits_0_for_a_good_token(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("verify", "@trustee/cca-example-token.cbor", "--cpak",
			       "@trustee/cpak-pub.json", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "verified: platform signature (ES384, CPAK), realm signature");
	r = ccakit("verify", "--cpak", "@tf-m-tools/cca_platform.pem",
		   "@tf-m-tools/cca_platform_token.cbor", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "no realm token");
}

/* "-" is standard input: a token piped from `ccakit run --token-out`. */
static void verify_reads_standard_input(void **state)
{
	(void)state;
	char *argv[] = { CCAKIT_BIN, "token", "verify", "-", "--cpak",
			 (char *)fixture_path("trustee/cpak-pub.json"), NULL };
	char cpak[512];
	snprintf(cpak, sizeof(cpak), "%s", argv[5]);
	argv[5] = cpak;
	struct cli_run *r = cli_exec_stdin(argv, fixture_path("trustee/cca-example-token.cbor"));
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "verified: platform signature (ES384, CPAK), realm signature");
	/* Nothing, or not a token, on standard input: a one-line reason. */
	r = cli_exec_stdin(argv, "/dev/null");
	assert_int_equal(r->status, 1);
	assert_contains(r->err, "token: empty");
	expect_one_line(r->err);
}

static void verify_exits_1_naming_the_binding(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("verify", "@rust-ccatoken/bug-33-repro.cbor", "--cpak",
			       "@rust-ccatoken/ta-tfa.json", NULL);
	assert_int_equal(r->status, 1);
	expect_one_line(r->err);
	assert_contains(r->err, "ccakit token verify: binding: the platform challenge (claim 10)");
	assert_string_equal(r->out, "");
	/* --json says the same on stdout, check by check. */
	r = ccakit("verify", "--json", "@rust-ccatoken/bug-33-repro.cbor", "--cpak",
		   "@rust-ccatoken/ta-tfa.json", NULL);
	assert_int_equal(r->status, 1);
	json_t *j = json_loads(r->out, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "verified")));
	assert_string_equal(json_string_value(json_object_get(j, "status")), "binding");
	assert_true(json_is_true(json_object_get(j, "platform_signature")));
	assert_true(json_is_true(json_object_get(j, "realm_signature")));
	assert_true(json_is_false(json_object_get(j, "binding")));
	assert_int_equal(json_integer_value(json_object_get(j, "anchor")), 0);
	json_decref(j);
}

static void verify_exits_1_for_a_key_off_its_curve(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("verify", "@rust-ccatoken/cca-token-02.cbor", "--cpak",
			       "@rust-ccatoken/ta-02-bad.json", NULL);
	assert_int_equal(r->status, 1);
	expect_one_line(r->err);
	assert_contains(r->err, "trust anchor 0: the key is unusable: the point (x, y) is not on "
				"curve P-256");
}

static void verify_refuses_realm_2_0_unless_allowed(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("verify", "@tf-m-tools/cca_example_token.cbor", "--cpak",
			       "@tf-m-tools/cca_platform.pem", NULL);
	assert_int_equal(r->status, 1);
	expect_one_line(r->err);
	assert_contains(r->err, CCA_REALM_PROFILE_2_0);
	assert_contains(r->err, "(--allow-2.0)");
	r = ccakit("verify", "--allow-2.0", "@tf-m-tools/cca_example_token.cbor", "--cpak",
		   "@tf-m-tools/cca_platform.pem", NULL);
	assert_int_equal(r->status, 0);
}

static void appraise_lists_every_comparison(void **state)
{
	(void)state;
	/* A trust anchor list as the key, Trustee's reference values. */
	struct cli_run *r =
		ccakit("appraise", "@trustee/cca-example-token.cbor", "--cpak",
		       "@rust-ccatoken/ta-tfa.json", "--ref", "@trustee/rvstore.json", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "realm: matches realm[0]");
	assert_contains(r->out, "ok     realm RIM");
	assert_contains(r->out, "ok     platform sw component 12 (SOC_FW_CONFIG)");
	r = ccakit("appraise", "--json", "@trustee/cca-example-token.cbor", "--cpak",
		   "@trustee/cpak-pub.json", "--ref", "@trustee/rvstore.json", NULL);
	assert_int_equal(r->status, 0);
	json_t *j = json_loads(r->out, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "matched")));
	json_decref(j);
}

static void appraise_exits_1_naming_the_mismatch(void **state)
{
	(void)state;
	/* rv.json is for cca-token-01, whose realm is not the trustee token's. */
	struct cli_run *r = ccakit("appraise", "@trustee/cca-example-token.cbor", "--cpak",
			       "@trustee/cpak-pub.json", "--ref", "@rust-ccatoken/rv.json", NULL);
	assert_int_equal(r->status, 1);
	expect_one_line(r->err);
	assert_contains(r->err, "ccakit token appraise: platform: no reference entry matches");
	assert_contains(r->out, "DIFFER");
}

static void bad_command_lines_exit_2(void **state)
{
	(void)state;
	static const char *const cases[][8] = {
		{ NULL },
		{ "check", NULL },
		{ "decode", NULL },
		{ "decode", "a", "b", NULL },
		{ "decode", "a", "--cpak", "k", NULL },
		{ "verify", "a", NULL },
		{ "verify", "a", "--cpak", NULL },
		{ "verify", "a", "--cpak", "k", "--ref", "r", NULL },
		{ "appraise", "a", "--cpak", "k", NULL },
		{ "verify", "a", "--cpak", "k", "--frobnicate", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_run *r = ccakit_argv(cases[i]);
		if (r->status != 2)
			fail_msg("case %zu: exit %d, stderr '%s'", i, r->status, r->err);
		assert_contains(r->err, "ccakit token: ");
		assert_contains(r->err, "(see 'ccakit token --help')");
	}
}

static void help_exits_0(void **state)
{
	(void)state;
	struct cli_run *r = ccakit("--help", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "ccakit token verify FILE --cpak KEY");
	r = ccakit("appraise", "--help", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "--ref VALUES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_prints_the_claims),
		cmocka_unit_test(decode_json_is_one_json_object),
		cmocka_unit_test(decode_fails_on_a_broken_token),
		cmocka_unit_test(verify_exits_0_for_a_good_token),
		cmocka_unit_test(verify_reads_standard_input),
		cmocka_unit_test(verify_exits_1_naming_the_binding),
		cmocka_unit_test(verify_exits_1_for_a_key_off_its_curve),
		cmocka_unit_test(verify_refuses_realm_2_0_unless_allowed),
		cmocka_unit_test(appraise_lists_every_comparison),
		cmocka_unit_test(appraise_exits_1_naming_the_mismatch),
		cmocka_unit_test(bad_command_lines_exit_2),
		cmocka_unit_test(help_exits_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
