/* `ccakit measure` as a user runs it (the built binary): the RIM it prints
 * is the RIM the realm `ccakit run` builds from the same options really has
 * (the measure example reads it with RSI_MEASUREMENT_READ), its --json is
 * reference values the verifier reads, and its errors are run's. */
#define _GNU_SOURCE /* memmem */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ccakit/machine.h"
#include "cli.h"
#include "token_fixtures.h"

#define MEASURE_ELF CCAKIT_GUEST_DIR "/measure.elf"
#define ARGS_MAX 16

/* `ccakit CMD -k image OPTS...`: opts is NULL-terminated. */
static struct cli_run *ccakit(const char *cmd, const char *image, const char *const *opts)
{
	char *argv[ARGS_MAX + 5] = { CCAKIT_BIN, (char *)cmd, "-k", (char *)image };
	size_t n = 4;
	for (; opts && *opts; opts++) {
		assert_true(n < ARGS_MAX + 4);
		argv[n++] = (char *)*opts;
	}
	argv[n] = NULL;
	return cli_exec(argv);
}

/* The RIM `ccakit measure` prints: one line of hex. */
static char *measured_rim(const char *image, const char *const *opts)
{
	struct cli_run *r = ccakit("measure", image, opts);
	if (r->status != 0)
		fail_msg("ccakit measure: status %d: %s", r->status, r->err);
	size_t len = strlen(r->out);
	assert_true(len == 65 || len == 129);
	assert_int_equal(r->out[len - 1], '\n');
	assert_int_equal(strspn(r->out, "0123456789abcdef"), len - 1);
	return strndup(r->out, len - 1);
}

/* The RIM the realm reads (the measure example's "RIM:" line). */
static char *realm_rim(const char *image, const char *const *opts)
{
	struct cli_run *r = ccakit("run", image, opts);
	if (r->status != 0)
		fail_msg("ccakit run: status %d: %s%s", r->status, r->out, r->err);
	const char *p = strstr(r->out, "RIM:");
	assert_non_null(p);
	p += strspn(p + 4, " ") + 4;
	return strndup(p, strcspn(p, "\n"));
}

static void rim_is_what_the_realm_reads(void **state)
{
	(void)state;
	/* Both hash algorithms, 1 and 4 RECs (only REC 0 is measured), RAM of
	 * 32 to 128 2 MiB blocks (one RIPAS descriptor each), several RPVs
	 * (not measured, so the RIM must not move with them). */
	static const char *const cases[][ARGS_MAX] = {
		{ "-m", "64M", NULL },
		{ "--measurement-algo", "sha512", "-c", "4", "-m", "128M", NULL },
		{ "-c", "4", "-m", "256M", "--realm-pv", "tenant-a", NULL },
		{ "--measurement-algo", "sha512", "-m", "256M", "--realm-pv-hex", "0xdeadbeef",
		  NULL },
		{ "-c", "1", "-m", "128M", "--realm-pv", "tenant-b", NULL },
		{ "--measurement-algo", "sha256", "-c", "4", "-m", "64M", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *predicted = measured_rim(MEASURE_ELF, cases[i]);
		char *real = realm_rim(MEASURE_ELF, cases[i]);
		if (strcmp(predicted, real))
			fail_msg("case %zu: measure says %s, the realm has %s", i, predicted, real);
		free(predicted);
		free(real);
	}
}

static void rim_depends_on_what_is_measured_only(void **state)
{
	(void)state;
	static const char *const base[] = { "-m", "64M", NULL };
	static const char *const rpv[] = { "-m", "64M", "--realm-pv", "x", NULL };
	static const char *const cpus[] = { "-m", "64M", "-c", "3", NULL };
	static const char *const mem[] = { "-m", "66M", NULL };
	static const char *const sha512[] = { "--measurement-algo", "sha512", NULL };
	char *a = measured_rim(MEASURE_ELF, base);
	char *b = measured_rim(MEASURE_ELF, rpv);
	assert_string_equal(a, b); /* the RPV is reported, not measured */
	free(b);
	/* The device tree names the CPUs and the RAM: both change the RIM. */
	b = measured_rim(MEASURE_ELF, cpus);
	assert_string_not_equal(a, b);
	free(b);
	b = measured_rim(MEASURE_ELF, mem);
	assert_string_not_equal(a, b);
	free(b);
	b = measured_rim(MEASURE_ELF, sha512);
	assert_int_equal(strlen(b), 128);
	free(b);
	free(a);
}

/* A copy of the measure example in /tmp, for the caller to alter. */
static uint8_t *image_copy(size_t *len)
{
	FILE *f = fopen(MEASURE_ELF, "rb");
	assert_non_null(f);
	uint8_t *b = malloc(1 << 20);
	*len = fread(b, 1, 1 << 20, f);
	fclose(f);
	assert_true(*len > sizeof(Elf64_Ehdr) && *len < (1 << 20));
	return b;
}

static const char *image_write(const uint8_t *b, size_t len, char *path)
{
	strcpy(path, "/tmp/ccakit-measure-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	close(fd);
	return path;
}

/* The first PT_LOAD with file bytes. */
static Elf64_Phdr *first_load(uint8_t *b)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(b + eh->e_phoff + i * eh->e_phentsize);
		if (ph->p_type == PT_LOAD && ph->p_filesz > 0x100)
			return ph;
	}
	fail_msg("no PT_LOAD in %s", MEASURE_ELF);
	return NULL;
}

static void one_byte_of_the_image_changes_the_rim(void **state)
{
	(void)state;
	size_t len;
	char path[64];
	uint8_t *b = image_copy(&len);
	/* A letter of a message the example prints only when it fails: the
	 * realm runs the same, its image differs by one byte. */
	static const char msg[] = "REM0 did not change";
	uint8_t *at = memmem(b, len, msg, sizeof(msg) - 1);
	assert_non_null(at);
	at[5] ^= 0x20; /* 'd' -> 'D' */
	image_write(b, len, path);
	char *orig = measured_rim(MEASURE_ELF, NULL), *changed = measured_rim(path, NULL);
	assert_string_not_equal(orig, changed);
	/* And the realm of the altered image agrees. */
	char *real = realm_rim(path, NULL);
	assert_string_equal(changed, real);
	unlink(path);
	free(orig);
	free(changed);
	free(real);
	free(b);
}

/* measure's message equals run's, but for the command's name. */
static void same_error_as_run(const char *image, const char *const *opts, const char *expect)
{
	struct cli_run *r = ccakit("measure", image, opts);
	assert_int_equal(r->status, 1);
	assert_true(strncmp(r->err, "ccakit measure: ", 16) == 0);
	char *measure_err = strdup(r->err + 16);
	assert_contains(measure_err, expect);
	assert_string_equal(r->out, "");
	r = ccakit("run", image, opts);
	assert_int_equal(r->status, 1);
	assert_true(strncmp(r->err, "ccakit run: ", 12) == 0);
	assert_string_equal(r->err + 12, measure_err);
	free(measure_err);
}

static void bad_images_and_too_little_memory_fail_as_run_does(void **state)
{
	(void)state;
	size_t len;
	char path[64];
	same_error_as_run("/nonexistent/guest.elf", NULL, "No such file or directory");

	uint8_t *b = image_copy(&len);
	image_write((const uint8_t *)"not an ELF file\n", 16, path);
	same_error_as_run(path, NULL, "not an ELF");
	unlink(path);

	/* A segment of 8 MiB does not fit in 4 MiB of RAM. */
	first_load(b)->p_memsz = 8 << 20;
	image_write(b, len, path);
	static const char *const small[] = { "-m", "4M", NULL };
	same_error_as_run(path, small, "use -m");
	unlink(path);
	free(b);
}

static void json_is_reference_values_appraise_reads(void **state)
{
	(void)state;
	static const char *const opts[] = { "--json", "--measurement-algo", "sha512",
					    "--realm-pv", "tenant", NULL };
	char *rim = measured_rim(MEASURE_ELF, opts + 1);
	struct cli_run *r = ccakit("measure", MEASURE_ELF, opts);
	assert_int_equal(r->status, 0);

	/* Through the verifier's own reader, then the fields one by one. */
	struct ccakit_refvals *rv;
	char err[256];
	if (ccakit_refvals_parse(r->out, strlen(r->out), &rv, err, sizeof(err)))
		fail_msg("the verifier does not read it: %s", err);
	json_t *j = json_loads(r->out, 0, NULL);
	json_t *realm = json_array_get(json_object_get(j, "realm"), 0);
	assert_string_equal(json_string_value(json_object_get(realm, "initial-measurement")), rim);
	json_t *rems = json_object_get(realm, "extensible-measurements");
	assert_int_equal(json_array_size(rems), 4);
	for (size_t i = 0; i < 4; i++) {
		const char *rem = json_string_value(json_array_get(rems, i));
		assert_int_equal(strlen(rem), 128);
		assert_int_equal(strspn(rem, "0"), 128);
	}
	const char *rpv = json_string_value(json_object_get(realm, "personalization-value"));
	assert_int_equal(strlen(rpv), 128);
	assert_true(strncmp(rpv, "74656e616e74" "00", 14) == 0); /* "tenant", zero padded */
	assert_string_equal(json_string_value(json_object_get(realm, "rak-hash-algorithm")),
			    "sha-256");
	/* The platform: ccakit's implementation id and this build's firmware
	 * measurements, as the monitor reports them in claim 2399. */
	json_t *platform = json_array_get(json_object_get(j, "platform"), 0);
	uint8_t impl[32];
	char impl_hex[65];
	ccakit_implementation_id(impl);
	for (size_t i = 0; i < 32; i++)
		snprintf(impl_hex + 2 * i, 3, "%02x", impl[i]);
	assert_string_equal(json_string_value(json_object_get(platform, "implementation-id")),
			    impl_hex);
	const struct ccakit_firmware_component *fw;
	size_t nfw = ccakit_firmware_components(&fw);
	json_t *sw = json_object_get(platform, "sw-components");
	assert_int_equal(json_array_size(sw), nfw);
	for (size_t i = 0; i < nfw; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(sw, i),
								      "component-type")),
				    fw[i].type);

	/* Appraising a token of another platform and realm against it: a
	 * mismatch, not a reference-values error. */
	struct ccakit_token *t = fixture_token("trustee/cca-example-token.cbor");
	assert_int_equal(ccakit_token_appraise(t, rv, NULL, err, sizeof(err)),
			 CCAKIT_TOKEN_ERR_MISMATCH);
	ccakit_token_free(t);

	char path[64], token[512], cpak[512];
	image_write((const uint8_t *)r->out, strlen(r->out), path);
	snprintf(token, sizeof(token), "%s", fixture_path("trustee/cca-example-token.cbor"));
	snprintf(cpak, sizeof(cpak), "%s", fixture_path("trustee/cpak-pub.json"));
	char *argv[] = { CCAKIT_BIN, "token", "appraise", token, "--cpak", cpak, "--ref", path,
			 NULL };
	r = cli_exec(argv);
	assert_int_equal(r->status, 1);
	assert_contains(r->out, "DIFFER realm RIM");
	assert_null(strstr(r->err, "reference values"));
	unlink(path);
	json_decref(j);
	ccakit_refvals_free(rv);
	free(rim);
}

static void bad_command_lines_exit_2(void **state)
{
	(void)state;
	static const struct {
		const char *args[6];
		const char *expect;
	} cases[] = {
		{ { "-m", "3M" }, "memory must be" },
		{ { "--measurement-algo", "md5" }, "unknown algorithm" },
		{ { "--trace" }, "nothing to trace" },
		{ { "--normal" }, "a normal VM has no measurements" },
		{ { "--challenge", "00" }, "applies to 'ccakit run' only" },
		{ { "--token-out", "x" }, "applies to 'ccakit run' only" },
		{ { "--frobnicate" }, "unknown option '--frobnicate'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_run *r = ccakit("measure", MEASURE_ELF, cases[i].args);
		assert_int_equal(r->status, 2);
		assert_contains(r->err, cases[i].expect);
		assert_string_equal(r->out, "");
	}
	struct cli_run *r = cli_execl(CCAKIT_BIN, "measure", NULL);
	assert_int_equal(r->status, 2);
	assert_contains(r->err, "no image given: use -k IMAGE.elf");
	r = cli_execl(CCAKIT_BIN, "measure", "--help", NULL);
	assert_int_equal(r->status, 0);
	assert_contains(r->out, "Usage: ccakit measure");
	assert_contains(r->out, "--measurement-algo");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rim_is_what_the_realm_reads),
		cmocka_unit_test(rim_depends_on_what_is_measured_only),
		cmocka_unit_test(one_byte_of_the_image_changes_the_rim),
		cmocka_unit_test(bad_images_and_too_little_memory_fail_as_run_does),
		cmocka_unit_test(json_is_reference_values_appraise_reads),
		cmocka_unit_test(bad_command_lines_exit_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
