/* The challenge and token host calls between an attesting guest and the
 * VMM: `ccakit run --challenge HEX --token-out FILE` with the
 * hostcalls_token example (the built binary), and the VMM's side of the
 * token parts on its own (src/vmm/attest_calls.c), malformed parts first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"

#include "vmm/attest_calls.h"

#define TOKEN_ELF CCAKIT_GUEST_DIR "/hostcalls_token.elf"
#define TOKEN_SIZE 1000

/* The example's token for a challenge (guest/examples/hostcalls_token.c). */
static void expected_token(const uint8_t challenge[64], uint8_t out[TOKEN_SIZE])
{
	for (unsigned i = 0; i < TOKEN_SIZE; i++)
		out[i] = (uint8_t)(challenge[i % 64] ^ (i / 64) ^ 0xa5);
}

static void hex_of(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void unhex(const char *s, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
}

static void expect_file(const char *path, const uint8_t *want, size_t n)
{
	uint8_t got[2 * TOKEN_SIZE];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t len = fread(got, 1, sizeof(got), f);
	fclose(f);
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

static void token_out_holds_the_guest_token_for_the_given_challenge(void **state)
{
	(void)state;
	uint8_t challenge[64], want[TOKEN_SIZE];
	char hex[129], out[] = "/tmp/ccakit-token-XXXXXX", echo[200];
	for (int i = 0; i < 64; i++)
		challenge[i] = (uint8_t)(0xc3 * i + 7);
	hex_of(challenge, 64, hex);
	int fd = mkstemp(out);
	close(fd);
	unlink(out); /* written by the run, not before */
	struct cli_run *r = cli_execl(CCAKIT_BIN, "run", "-k", TOKEN_ELF, "--challenge", hex,
				      "--token-out", out, NULL);
	if (r->status != 0)
		fail_msg("status %d: %s%s", r->status, r->out, r->err);
	/* The round trip: the guest echoes what the user gave. */
	snprintf(echo, sizeof(echo), "hostcalls_token: challenge (given): %s\n", hex);
	assert_contains(r->out, echo);
	/* The refused parts changed nothing: the file is the token alone. */
	assert_contains(r->out, "a part past the end: refused (1)");
	assert_contains(r->out, "a 300-byte part: refused (2)");
	assert_contains(r->out, "a token past the limit: refused (3)");
	assert_contains(r->out, "a part that skips one: refused (1)");
	expected_token(challenge, want);
	expect_file(out, want, TOKEN_SIZE);
	struct stat st;
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_string_equal(r->err, "");
	unlink(out);
}

static void without_a_challenge_the_vmm_makes_one_up_and_says_it(void **state)
{
	(void)state;
	char out[] = "/tmp/ccakit-token-XXXXXX";
	uint8_t challenge[64], want[TOKEN_SIZE];
	close(mkstemp(out)); /* an existing file is replaced */
	struct cli_run *r = cli_execl(CCAKIT_BIN, "run", "-k", TOKEN_ELF, "--token-out", out, NULL);
	assert_int_equal(r->status, 0);
	const char *told = strstr(r->err, "no --challenge given; the guest's is ");
	assert_non_null(told);
	told = strchr(told, ';') + strlen("; the guest's is ");
	assert_int_equal(strspn(told, "0123456789abcdef"), 128);
	char echo[200];
	snprintf(echo, sizeof(echo), "hostcalls_token: challenge (made up by the VMM): %.128s\n",
		 told);
	assert_contains(r->out, echo);
	unhex(told, challenge, 64);
	expected_token(challenge, want);
	expect_file(out, want, TOKEN_SIZE);
	unlink(out);
}

static void bad_challenges_exit_2(void **state)
{
	(void)state;
	char long_hex[2 * 65 + 1];
	memset(long_hex, 'a', sizeof(long_hex) - 1);
	long_hex[sizeof(long_hex) - 1] = '\0';
	static const struct {
		const char *value, *expect;
	} cases[] = {
		{ "abcd", "--challenge gives 2 bytes: a challenge is exactly 64 bytes" },
		{ "abc", "odd number of hex digits" },
		{ "zz", "'z' (character 1) is not a hex digit" },
		{ "", "no hex digits" },
		{ NULL, "--challenge gives 65 bytes" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *v = cases[i].value ? cases[i].value : long_hex;
		struct cli_run *r = cli_execl(CCAKIT_BIN, "run", "-k", TOKEN_ELF, "--challenge", v,
					      NULL);
		assert_int_equal(r->status, 2);
		assert_contains(r->err, cases[i].expect);
		assert_string_equal(r->out, "");
	}
	struct cli_run *r = cli_execl(CCAKIT_BIN, "run", "-k", TOKEN_ELF, "--challenge", NULL);
	assert_int_equal(r->status, 2);
	assert_contains(r->err, "--challenge needs a value (HEX)");
}

static void token_out_fails_when_no_token_comes(void **state)
{
	(void)state;
	char out[] = "/tmp/ccakit-token-XXXXXX";
	close(mkstemp(out));
	unlink(out);
	struct cli_run *r = cli_execl(CCAKIT_BIN, "run", "-k", CCAKIT_GUEST_DIR "/hello.elf",
				      "--token-out", out, NULL);
	assert_int_equal(r->status, 1);
	assert_contains(r->err, "the guest never handed over a token");
	assert_int_equal(access(out, F_OK), -1);
}

/* Host calls are RSI: a normal VM has none, the example skips, and a token
 * that never comes fails --token-out. */
static void a_normal_vm_has_no_host_calls(void **state)
{
	(void)state;
	struct cli_run *r = cli_execl(CCAKIT_BIN, "run", "--normal", "-k", TOKEN_ELF, NULL);
	assert_int_equal(r->status, GUEST_EXIT_SKIPPED);
	assert_contains(r->out, "not a realm, no host calls (guest_host_challenge: -1)");
	r = cli_execl(CCAKIT_BIN, "run", "--normal", "-k", TOKEN_ELF, "--token-out",
		      "/tmp/ccakit-never-written", NULL);
	assert_int_equal(r->status, 1);
	assert_contains(r->err, "never handed over a token");
}

/* ---- the VMM's side alone ---- */

static uint64_t part(struct vmm_attest *a, uint64_t offset, uint64_t total, uint64_t n,
		     uint8_t fill)
{
	uint64_t in[30] = { offset, total, n }, answer = 99;
	char err[256];
	memset(&in[3], fill, 27 * 8);
	assert_int_equal(vmm_attest_token_part(a, in, &answer, err, sizeof(err)), 0);
	return answer;
}

static void malformed_parts_are_refused_and_change_nothing(void **state)
{
	(void)state;
	struct vmm_attest a;
	vmm_attest_init(&a, NULL, stderr);
	assert_int_equal(part(&a, 2000, 1000, 8, 1), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_int_equal(part(&a, 0, 1000, 217, 1), GUEST_TOKEN_PART_BAD_LENGTH);
	assert_int_equal(part(&a, 0, 1000, UINT64_MAX, 1), GUEST_TOKEN_PART_BAD_LENGTH);
	assert_int_equal(part(&a, 0, 1000, 0, 1), GUEST_TOKEN_PART_BAD_LENGTH);
	assert_int_equal(part(&a, 0, 0, 8, 1), GUEST_TOKEN_PART_TOO_LARGE);
	assert_int_equal(part(&a, 0, UINT64_MAX, 8, 1), GUEST_TOKEN_PART_TOO_LARGE);
	/* offset + n past the total, also where the sum wraps around */
	assert_int_equal(part(&a, 900, 1000, 200, 1), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_int_equal(part(&a, UINT64_MAX - 4, 1000, 8, 1), GUEST_TOKEN_PART_BAD_OFFSET);
	/* no token begun: only offset 0 starts one */
	assert_int_equal(part(&a, 216, 1000, 216, 1), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_null(a.token);

	assert_int_equal(part(&a, 0, 300, 216, 0x11), GUEST_TOKEN_PART_OK);
	/* a gap, a repeat, another total: refused, the token unchanged */
	assert_int_equal(part(&a, 217, 300, 8, 0x22), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_int_equal(part(&a, 208, 300, 8, 0x22), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_int_equal(part(&a, 216, 400, 84, 0x22), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_int_equal(a.received, 216);
	assert_false(a.complete);
	assert_int_equal(part(&a, 216, 300, 84, 0x33), GUEST_TOKEN_PART_OK);
	assert_true(a.complete);
	for (size_t i = 0; i < 300; i++)
		assert_int_equal(a.token[i], i < 216 ? 0x11 : 0x33);
	/* complete: a part that goes on is refused, offset 0 starts anew */
	assert_int_equal(part(&a, 300, 300, 1, 0x44), GUEST_TOKEN_PART_BAD_OFFSET);
	assert_int_equal(part(&a, 0, 2, 2, 0x55), GUEST_TOKEN_PART_OK);
	assert_true(a.complete);
	assert_int_equal(a.total, 2);
	vmm_attest_destroy(&a);
}

static void the_challenge_is_the_same_for_every_call(void **state)
{
	(void)state;
	struct vmm_attest_config c = { .challenge_given = true };
	for (int i = 0; i < 64; i++)
		c.challenge[i] = (uint8_t)i;
	struct vmm_attest a;
	uint64_t out[9], again[9];
	char err[256];
	vmm_attest_init(&a, &c, stderr);
	assert_int_equal(vmm_attest_challenge(&a, out, err, sizeof(err)), 0);
	assert_int_equal(out[0], UINT64_C(0x0706050403020100)); /* little-endian words */
	assert_int_equal(out[7], UINT64_C(0x3f3e3d3c3b3a3938));
	assert_int_equal(out[8], 1);
	vmm_attest_destroy(&a);

	FILE *notes = tmpfile();
	vmm_attest_init(&a, NULL, notes);
	assert_int_equal(vmm_attest_challenge(&a, out, err, sizeof(err)), 0);
	assert_int_equal(vmm_attest_challenge(&a, again, err, sizeof(err)), 0);
	assert_memory_equal(out, again, sizeof(out));
	assert_int_equal(out[8], 0);
	assert_true(ftell(notes) > 128); /* told once */
	long told = ftell(notes);
	assert_int_equal(vmm_attest_challenge(&a, again, err, sizeof(err)), 0);
	assert_int_equal(ftell(notes), told);
	fclose(notes);
	vmm_attest_destroy(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_out_holds_the_guest_token_for_the_given_challenge),
		cmocka_unit_test(without_a_challenge_the_vmm_makes_one_up_and_says_it),
		cmocka_unit_test(bad_challenges_exit_2),
		cmocka_unit_test(token_out_fails_when_no_token_comes),
		cmocka_unit_test(a_normal_vm_has_no_host_calls),
		cmocka_unit_test(malformed_parts_are_refused_and_change_nothing),
		cmocka_unit_test(the_challenge_is_the_same_for_every_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
