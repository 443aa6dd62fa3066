/* Launch options: defaults, every option in each spelling, every error, and
 * a second command reusing the parser with options of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/rmi.h"
#include "vmm/options.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

#define assert_contains(s, sub)                                                    \
	do {                                                                       \
		if (!strstr((s), (sub)))                                           \
			fail_msg("message '%s' does not contain '%s'", (s), (sub)); \
	} while (0)

static char err[VMM_OPTIONS_ERR_MAX];

/* Parses a NULL-terminated list of arguments after "run". */
static int parse_with(const struct vmm_options_command *cmd, struct vmm_options *o, ...)
{
	char *argv[32] = { "run" };
	int argc = 1;
	va_list ap;
	va_start(ap, o);
	for (char *a; (a = va_arg(ap, char *)) != NULL;) {
		assert_true(argc < 31);
		argv[argc++] = a;
	}
	va_end(ap);
	err[0] = '\0';
	return vmm_options_parse(cmd, argc, argv, o, err, sizeof err);
}

#define parse(o, ...) parse_with(NULL, o, __VA_ARGS__, (char *)NULL)

/* Expects the arguments to be refused with a message containing what. */
#define refused(what, ...)                                                   \
	do {                                                                 \
		struct vmm_options o_;                                       \
		int rc_ = parse(&o_, __VA_ARGS__);                           \
		if (rc_ != -EINVAL)                                          \
			fail_msg("accepted (%d), expected: %s", rc_, what); \
		assert_contains(err, what);                                  \
	} while (0)

static const uint8_t zero_rpv[VMM_RPV_SIZE];

static void defaults_with_only_an_image(void **state)
{
	(void)state;
	struct vmm_options o;
	assert_int_equal(parse(&o, "-k", "hello.elf"), 0);
	assert_string_equal(err, "");
	assert_int_equal(o.mode, VMM_MODE_REALM);
	assert_string_equal(o.kernel, "hello.elf");
	assert_int_equal(o.mem_size, 64 * MIB);
	assert_int_equal(o.cpus, 1);
	assert_int_equal(o.hash_algo, RMI_HASH_SHA_256);
	assert_memory_equal(o.rpv, zero_rpv, VMM_RPV_SIZE);
	assert_false(o.rpv_given);
	assert_false(o.hash_algo_given);
	assert_false(o.trace);
	assert_false(o.json);

	struct vmm_options d;
	vmm_options_defaults(&d);
	assert_int_equal(d.mode, VMM_MODE_REALM);
	assert_int_equal(d.mem_size, VMM_MEM_DEFAULT);
	assert_int_equal(d.cpus, 1);
	assert_int_equal(d.hash_algo, RMI_HASH_SHA_256);
	assert_null(d.kernel);
}

static void every_option_is_parsed(void **state)
{
	(void)state;
	struct vmm_options o;
	assert_int_equal(parse(&o, "--realm", "-k", "img.elf", "-m", "128M", "-c", "4",
			       "--measurement-algo", "sha512", "--realm-pv", "hello", "--trace",
			       "--json"),
			 0);
	assert_int_equal(o.mode, VMM_MODE_REALM);
	assert_string_equal(o.kernel, "img.elf");
	assert_int_equal(o.mem_size, 128 * MIB);
	assert_int_equal(o.cpus, 4);
	assert_int_equal(o.hash_algo, RMI_HASH_SHA_512);
	assert_true(o.hash_algo_given);
	assert_true(o.rpv_given);
	assert_memory_equal(o.rpv, "hello", 5);
	assert_memory_equal(o.rpv + 5, zero_rpv, VMM_RPV_SIZE - 5);
	assert_true(o.trace);
	assert_true(o.json);

	assert_int_equal(parse(&o, "--normal", "-k", "img.elf", "-c", "16", "-m", "4G"), 0);
	assert_int_equal(o.mode, VMM_MODE_NORMAL);
	assert_int_equal(o.cpus, 16);
	assert_int_equal(o.mem_size, 4 * GIB);
}

static void long_short_and_joined_spellings(void **state)
{
	(void)state;
	struct vmm_options o;
	assert_int_equal(parse(&o, "--kernel=a.elf", "--mem=1G", "--cpus=2",
			       "--measurement-algo=sha-512", "--realm-pv-hex=0xA0b1"),
			 0);
	assert_string_equal(o.kernel, "a.elf");
	assert_int_equal(o.mem_size, GIB);
	assert_int_equal(o.cpus, 2);
	assert_int_equal(o.hash_algo, RMI_HASH_SHA_512);
	assert_int_equal(o.rpv[0], 0xa0);
	assert_int_equal(o.rpv[1], 0xb1);
	assert_memory_equal(o.rpv + 2, zero_rpv, VMM_RPV_SIZE - 2);

	assert_int_equal(parse(&o, "-kb.elf", "-m256", "-c3", "--kernel", "c.elf", "--mem", "6m"),
			 0);
	assert_string_equal(o.kernel, "c.elf"); /* the later one wins */
	assert_int_equal(o.mem_size, 6 * MIB);
	assert_int_equal(o.cpus, 3);

	/* A value that starts with '-' is possible in the joined forms. */
	assert_int_equal(parse(&o, "-k", "x", "--realm-pv=-dash"), 0);
	assert_memory_equal(o.rpv, "-dash", 5);
	assert_int_equal(parse(&o, "-k-odd.elf"), 0);
	assert_string_equal(o.kernel, "-odd.elf");
	/* A lone "-" is a value, not an option. */
	assert_int_equal(parse(&o, "-k", "-"), 0);
	assert_string_equal(o.kernel, "-");
}

static void sizes_take_suffixes(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		uint64_t bytes;
	} good[] = {
		{ "64M", 64 * MIB },  { "64m", 64 * MIB },    { "64MiB", 64 * MIB },
		{ "64MB", 64 * MIB }, { "64", 64 * MIB },     { "4096K", 4 * MIB },
		{ "4096k", 4 * MIB }, { "1G", GIB },          { "2gib", 2 * GIB },
		{ "0", 0 },           { "16384G", 16384 * GIB },
	};
	static const char *const bad[] = { "",    "M",    "-1",   "64X",  "64MM", "0x40",
					   " 64", "64 M", "1.5G", "64Mi", "+64" };
	static const char *const too_large[] = { "99999999999999999999", "17179869184G",
						 "18446744073709551616K" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		uint64_t b = 1;
		if (vmm_parse_size(good[i].s, &b) != 0)
			fail_msg("'%s' refused", good[i].s);
		assert_int_equal(b, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t b = 7;
		if (vmm_parse_size(bad[i], &b) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(b, 7);
	}
	for (size_t i = 0; i < sizeof too_large / sizeof too_large[0]; i++) {
		uint64_t b = 7;
		if (vmm_parse_size(too_large[i], &b) != -ERANGE)
			fail_msg("'%s' not refused as too large", too_large[i]);
		assert_int_equal(b, 7);
	}
	uint64_t b;
	assert_int_equal(vmm_parse_size(NULL, &b), -EINVAL);
	assert_int_equal(vmm_parse_size("17179869183G", &b), 0);
	assert_int_equal(b, UINT64_C(17179869183) << 30);
}

static void memory_errors_say_what_is_allowed(void **state)
{
	(void)state;
	refused("-m 'abc': not a size (a number with an optional K, M or G suffix, e.g. 64M)",
		"-k", "x", "-m", "abc");
	refused("-m 65M: memory must be a multiple of 2 MiB (e.g. 64M or 66M)", "-k", "x", "-m",
		"65M");
	refused("--mem 5000K: memory must be a multiple of 2 MiB (e.g. 4M or 6M)", "-k", "x",
		"--mem", "5000K");
	refused("-m 2M: memory must be between 4M and 4G", "-k", "x", "-m", "2M");
	refused("-m 0: memory must be between 4M and 4G", "-k", "x", "-m", "0");
	refused("--mem 8G: memory must be between 4M and 4G", "-k", "x", "--mem=8G");
	refused("-m 99999999999G: memory must be between", "-k", "x", "-m", "99999999999G");
	refused("--mem '': not a size", "-k", "x", "--mem=");
	struct vmm_options o;
	assert_int_equal(parse(&o, "-k", "x", "-m", "4M"), 0);
	assert_int_equal(o.mem_size, VMM_MEM_MIN);
	assert_int_equal(parse(&o, "-k", "x", "-m", "4G"), 0);
	assert_int_equal(o.mem_size, VMM_MEM_MAX);
}

static void cpu_count_errors(void **state)
{
	(void)state;
	refused("-c 0: the number of CPUs must be between 1 and 16", "-k", "x", "-c", "0");
	refused("-c 17: the number of CPUs must be between 1 and 16", "-k", "x", "-c", "17");
	refused("--cpus 99999999999999999999999: the number of CPUs must be between 1 and 16", "-k",
		"x", "--cpus",
		"99999999999999999999999");
	refused("-c 'two': not a number (give 1 to 16)", "-k", "x", "-c", "two");
	refused("-c '1.5': not a number", "-k", "x", "-c", "1.5");
	refused("--cpus '': not a number", "-k", "x", "--cpus=");
	refused("-c needs a value (N), not '-1'", "-k", "x", "-c", "-1");
}

static void measurement_algo_errors(void **state)
{
	(void)state;
	refused("--measurement-algo 'md5': unknown algorithm, expected sha256 or sha512", "-k", "x",
		"--measurement-algo", "md5");
	refused("--measurement-algo 'SHA256': unknown algorithm", "-k", "x",
		"--measurement-algo=SHA256");
	struct vmm_options o;
	assert_int_equal(parse(&o, "-k", "x", "--measurement-algo", "sha256"), 0);
	assert_int_equal(o.hash_algo, RMI_HASH_SHA_256);
	assert_true(o.hash_algo_given);
	assert_string_equal(vmm_hash_algo_name(RMI_HASH_SHA_256), "sha256");
	assert_string_equal(vmm_hash_algo_name(RMI_HASH_SHA_512), "sha512");
	assert_string_equal(vmm_hash_algo_name(7), "unknown");
}

static void personalization_value_limits(void **state)
{
	(void)state;
	char s64[65], s65[66], h128[129], h130[131];
	memset(s64, 'p', 64);
	s64[64] = '\0';
	memset(s65, 'p', 65);
	s65[65] = '\0';
	memset(h128, 'f', 128);
	h128[128] = '\0';
	memset(h130, 'f', 130);
	h130[130] = '\0';

	struct vmm_options o;
	assert_int_equal(parse(&o, "-k", "x", "--realm-pv", s64), 0);
	assert_memory_equal(o.rpv, s64, 64);
	refused("--realm-pv is 65 bytes long, at most 64 are allowed (use --realm-pv-hex for binary "
		"values)",
		"-k", "x", "--realm-pv", s65);
	assert_int_equal(parse(&o, "-k", "x", "--realm-pv", ""), 0);
	assert_true(o.rpv_given);
	assert_memory_equal(o.rpv, zero_rpv, VMM_RPV_SIZE);

	assert_int_equal(parse(&o, "-k", "x", "--realm-pv-hex", h128), 0);
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(o.rpv[i], 0xff);
	refused("--realm-pv-hex is 65 bytes long, at most 64 are allowed", "-k", "x",
		"--realm-pv-hex", h130);
	refused("--realm-pv-hex: odd number of hex digits (3); give two per byte", "-k", "x",
		"--realm-pv-hex", "abc");
	refused("--realm-pv-hex: 'g' (character 4) is not a hex digit", "-k", "x",
		"--realm-pv-hex", "0x0g");
	refused("--realm-pv-hex: ' ' (character 3) is not a hex digit", "-k", "x",
		"--realm-pv-hex", "01 23");
	refused("--realm-pv-hex '0x': no hex digits", "-k", "x", "--realm-pv-hex", "0x");
	refused("--realm-pv-hex '': no hex digits", "-k", "x", "--realm-pv-hex=");

	assert_int_equal(parse(&o, "-k", "x", "--realm-pv-hex", "00112233445566778899AABBCCDDEEFF"),
			 0);
	static const uint8_t want[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	assert_memory_equal(o.rpv, want, 16);
	assert_memory_equal(o.rpv + 16, zero_rpv, VMM_RPV_SIZE - 16);

	/* A later value replaces an earlier one entirely. */
	assert_int_equal(parse(&o, "-k", "x", "--realm-pv", "abcdef", "--realm-pv", "xy"), 0);
	assert_memory_equal(o.rpv, "xy", 2);
	assert_memory_equal(o.rpv + 2, zero_rpv, VMM_RPV_SIZE - 2);
}

static void conflicting_options(void **state)
{
	(void)state;
	refused("give either --realm-pv or --realm-pv-hex, not both", "-k", "x", "--realm-pv", "a",
		"--realm-pv-hex", "00");
	refused("give either --realm-pv or --realm-pv-hex, not both", "--realm-pv-hex", "00",
		"--realm-pv", "a", "-k", "x");
	refused("--realm and --normal cannot be used together: choose one", "--realm", "--normal",
		"-k", "x");
	refused("--realm and --normal cannot be used together", "--normal", "-k", "x", "--realm");
	refused("--measurement-algo applies to realms only: drop it, or --normal", "--normal", "-k",
		"x", "--measurement-algo", "sha256");
	refused("--realm-pv applies to realms only", "--realm-pv", "a", "--normal", "-k", "x");
	refused("--realm-pv-hex applies to realms only", "--normal", "--realm-pv-hex", "00", "-k",
		"x");
	struct vmm_options o;
	assert_int_equal(parse(&o, "--normal", "-k", "x", "--trace", "--json"), 0);
	assert_int_equal(o.mode, VMM_MODE_NORMAL);
}

static void missing_values_and_image(void **state)
{
	(void)state;
	refused("no image given: use -k IMAGE.elf", "-m", "64M");
	refused("no image given: use -k IMAGE.elf", "--trace");
	struct vmm_options o;
	assert_int_equal(parse_with(NULL, &o, (char *)NULL), -EINVAL);
	assert_contains(err, "no image given");
	refused("-k needs a value (IMAGE.elf)", "-k");
	refused("-m needs a value (SIZE)", "-k", "x", "-m");
	refused("--measurement-algo needs a value (ALGO)", "-k", "x", "--measurement-algo");
	refused("--realm-pv needs a value (STRING)", "-k", "x", "--realm-pv");
	refused("-k needs a value (IMAGE.elf), not '--trace' (for a value that starts with '-', "
		"write -k--trace or --kernel=--trace)",
		"-k", "--trace");
	refused("--realm-pv needs a value (STRING), not '-x' (for a value that starts with '-', "
		"write --realm-pv=-x)",
		"-k", "x", "--realm-pv", "-x");
	refused("-k: empty image file name", "-k", "");
	refused("--kernel: empty image file name", "--kernel=");
}

static void unknown_options_and_arguments(void **state)
{
	(void)state;
	refused("unknown option '--foo'", "-k", "x", "--foo");
	refused("unknown option '--foo'", "-k", "x", "--foo=bar");
	refused("unknown option '-x'", "-k", "x", "-x");
	refused("unknown option '-hx'", "-hx");
	refused("unknown option '---'", "-k", "x", "---");
	refused("--trace takes no value", "-k", "x", "--trace=1");
	refused("--normal takes no value", "--normal=", "-k", "x");
	refused("unexpected argument 'image.elf' (the image is given with -k IMAGE.elf)",
		"image.elf");
	refused("unexpected argument '--'", "-k", "x", "--");
	refused("unexpected argument '-'", "-k", "x", "-");
	refused("unknown option '--realm-p'", "--realm-p", "x", "-k", "x");
	/* Long option names are not abbreviated, nor truncated in the message. */
	refused("unknown option '--kern'", "--kern", "x");
}

static void help_is_reported(void **state)
{
	(void)state;
	struct vmm_options o;
	assert_int_equal(parse(&o, "--help"), VMM_OPTIONS_HELP);
	assert_int_equal(parse(&o, "-k", "x", "-h"), VMM_OPTIONS_HELP);
	assert_int_equal(parse(&o, "-h", "--bogus"), VMM_OPTIONS_HELP);
}

static void usage_lists_every_option(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	vmm_options_usage(NULL, f);
	fclose(f);
	assert_contains(buf, "Usage: ccakit run [--realm | --normal] -k IMAGE.elf [options]");
	static const char *const opts[] = { "--realm ",        "--normal",       "-k, --kernel IMAGE.elf",
					    "-m, --mem SIZE",  "-c, --cpus N",   "--measurement-algo ALGO",
					    "--realm-pv STRING", "--realm-pv-hex HEX", "--trace",
					    "--json",          "-h, --help" };
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		assert_contains(buf, opts[i]);
	free(buf);
}

/* A second command: `measure`-like, with options of its own. */
enum { OPT_OUT, OPT_QUIET, OPT_FAIL };

struct measure_state {
	const char *out;
	int quiet;
};

static int measure_option(void *ctx, int id, const char *value, char *e, size_t elen)
{
	struct measure_state *m = ctx;
	switch (id) {
	case OPT_OUT: m->out = value; return 0;
	case OPT_QUIET: m->quiet++; return 0;
	case OPT_FAIL: snprintf(e, elen, "--fail: always fails (%s)", value); return -ERANGE;
	}
	return -EINVAL;
}

static const struct vmm_option_def measure_defs[] = {
	{ "out", 'o', "FILE", "write the reference values to FILE", OPT_OUT },
	{ "quiet", 'q', NULL, "print only the RIM", OPT_QUIET },
	{ "fail", 0, "WHY", "fails", OPT_FAIL },
};

static void a_second_command_adds_its_own_options(void **state)
{
	(void)state;
	struct measure_state m = { 0 };
	struct vmm_options_command cmd = {
		.name = "measure",
		.omit = VMM_OPT_TRACE | VMM_OPT_MODE,
		.extra = measure_defs,
		.extra_count = 3,
		.handle = measure_option,
		.ctx = &m,
	};
	struct vmm_options o;
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "-c", "4", "--out", "ref.json", "-q",
				    "--quiet", "--realm-pv", "abc", "--json", (char *)NULL),
			 0);
	assert_string_equal(o.kernel, "g.elf");
	assert_int_equal(o.cpus, 4);
	assert_true(o.json);
	assert_memory_equal(o.rpv, "abc", 3);
	assert_string_equal(m.out, "ref.json");
	assert_int_equal(m.quiet, 2);
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "-oother.json", (char *)NULL), 0);
	assert_string_equal(m.out, "other.json");
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "--out=third.json", (char *)NULL), 0);
	assert_string_equal(m.out, "third.json");

	/* Omitted common options are unknown to it. */
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "--trace", (char *)NULL), -EINVAL);
	assert_contains(err, "unknown option '--trace'");
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "--normal", (char *)NULL), -EINVAL);
	assert_contains(err, "unknown option '--normal'");
	/* Its own options are checked like the common ones. */
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "--out", (char *)NULL), -EINVAL);
	assert_contains(err, "--out needs a value (FILE)");
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "--quiet=yes", (char *)NULL), -EINVAL);
	assert_contains(err, "--quiet takes no value");
	/* A handler's failure is passed through. */
	assert_int_equal(parse_with(&cmd, &o, "-k", "g.elf", "--fail", "now", (char *)NULL), -ERANGE);
	assert_string_equal(err, "--fail: always fails (now)");
	/* The image is still required, unless the command says otherwise. */
	assert_int_equal(parse_with(&cmd, &o, "-q", (char *)NULL), -EINVAL);
	assert_contains(err, "no image given");
	cmd.kernel_optional = true;
	assert_int_equal(parse_with(&cmd, &o, "-q", (char *)NULL), 0);
	assert_null(o.kernel);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	vmm_options_usage(&cmd, f);
	fclose(f);
	assert_contains(buf, "Usage: ccakit measure [-k IMAGE.elf] [options]");
	assert_contains(buf, "-o, --out FILE");
	assert_contains(buf, "-q, --quiet");
	assert_contains(buf, "--realm-pv STRING");
	assert_null(strstr(buf, "--trace"));
	assert_null(strstr(buf, "--normal"));
	free(buf);
}

static void parsing_is_repeatable(void **state)
{
	(void)state;
	struct vmm_options a, b;
	assert_int_equal(parse(&a, "-k", "x", "-m", "32M", "--realm-pv", "q"), 0);
	assert_int_equal(parse(&b, "-k", "y"), 0);
	assert_int_equal(b.mem_size, 64 * MIB); /* starts again from the defaults */
	assert_false(b.rpv_given);
	assert_memory_equal(b.rpv, zero_rpv, VMM_RPV_SIZE);
	assert_int_equal(parse(&b, "-k", "x", "-m", "32M", "--realm-pv", "q"), 0);
	assert_int_equal(a.mode, b.mode);
	assert_string_equal(a.kernel, b.kernel);
	assert_int_equal(a.mem_size, b.mem_size);
	assert_int_equal(a.cpus, b.cpus);
	assert_int_equal(a.hash_algo, b.hash_algo);
	assert_memory_equal(a.rpv, b.rpv, VMM_RPV_SIZE);
	assert_int_equal(a.rpv_given, b.rpv_given);
}

static void small_error_buffers_are_safe(void **state)
{
	(void)state;
	char *argv[] = { "run", "--no-such-option-with-a-long-name" };
	struct vmm_options o;
	char small[6];
	assert_int_equal(vmm_options_parse(NULL, 2, argv, &o, small, sizeof small), -EINVAL);
	assert_string_equal(small, "unkno");
	assert_int_equal(vmm_options_parse(NULL, 2, argv, &o, NULL, 0), -EINVAL);
}

/* Random command lines from a pool of valid, invalid and odd tokens: the
 * parser always answers, and every refusal comes with a sentence. */
static void random_command_lines_always_get_an_answer(void **state)
{
	(void)state;
	static char *const pool[] = {
		"-k", "--kernel", "--kernel=", "-m", "--mem", "--mem=65M", "-c", "--cpus=",
		"--realm", "--normal", "--measurement-algo", "--realm-pv", "--realm-pv-hex",
		"--realm-pv-hex=0x", "--trace", "--json", "-h", "--", "-", "", "x.elf", "64M",
		"4", "sha512", "zz", "0x00ff", "-kx", "-m3", "-c99", "--=", "-\x01", "--trace=",
		"18446744073709551616", "-9", "--realm-pv=-",
	};
	uint64_t seed = 0x0123456789abcdef;
	unsigned ok = 0;
	for (unsigned iter = 0; iter < 20000; iter++) {
		char *argv[12] = { "run" };
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		int argc = 1 + (int)(seed % 10);
		for (int i = 1; i < argc; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			argv[i] = pool[seed % (sizeof pool / sizeof pool[0])];
		}
		struct vmm_options o;
		err[0] = '\0';
		int rc = vmm_options_parse(NULL, argc, argv, &o, err, sizeof err);
		if (rc == 0) {
			assert_non_null(o.kernel);
			assert_true(o.cpus >= 1 && o.cpus <= VMM_CPUS_MAX);
			assert_true(o.mem_size >= VMM_MEM_MIN && o.mem_size <= VMM_MEM_MAX);
			assert_int_equal(o.mem_size % VMM_MEM_ALIGN, 0);
			ok++;
		} else if (rc != VMM_OPTIONS_HELP) {
			assert_int_equal(rc, -EINVAL);
			assert_true(strlen(err) > 10);
		}
	}
	assert_true(ok > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_with_only_an_image),
		cmocka_unit_test(every_option_is_parsed),
		cmocka_unit_test(long_short_and_joined_spellings),
		cmocka_unit_test(sizes_take_suffixes),
		cmocka_unit_test(memory_errors_say_what_is_allowed),
		cmocka_unit_test(cpu_count_errors),
		cmocka_unit_test(measurement_algo_errors),
		cmocka_unit_test(personalization_value_limits),
		cmocka_unit_test(conflicting_options),
		cmocka_unit_test(missing_values_and_image),
		cmocka_unit_test(unknown_options_and_arguments),
		cmocka_unit_test(help_is_reported),
		cmocka_unit_test(usage_lists_every_option),
		cmocka_unit_test(a_second_command_adds_its_own_options),
		cmocka_unit_test(parsing_is_repeatable),
		cmocka_unit_test(small_error_buffers_are_safe),
		cmocka_unit_test(random_command_lines_always_get_an_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
