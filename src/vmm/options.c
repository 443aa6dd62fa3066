/* Launch options shared by `ccakit run` and `ccakit measure`. A small parser
 * of its own rather than getopt_long: it must be reentrant (tests parse many
 * command lines), must not print, and must say precisely what was wrong. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/rmi.h"
#include "vmm/options.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

enum common_id {
	ID_REALM = -100,
	ID_NORMAL,
	ID_KERNEL,
	ID_MEM,
	ID_CPUS,
	ID_HASH,
	ID_RPV,
	ID_RPV_HEX,
	ID_CPAK,
	ID_TOKEN_CMW,
	ID_TRACE,
	ID_JSON,
	ID_HELP,
};

struct common_def {
	struct vmm_option_def def;
	unsigned bit; /* VMM_OPT_*; 0: always there */
};

static const struct common_def common[] = {
	{ { "realm", 0, NULL, "run as a realm, a confidential VM (the default)", ID_REALM },
	  VMM_OPT_MODE },
	{ { "normal", 0, NULL, "run as a normal, non-confidential VM", ID_NORMAL }, VMM_OPT_MODE },
	{ { "kernel", 'k', "IMAGE.elf", "the guest image: a static AArch64 ELF executable",
	    ID_KERNEL },
	  VMM_OPT_KERNEL },
	{ { "mem", 'm', "SIZE", "guest RAM: 4M to 4G in 2 MiB steps (default 64M)", ID_MEM },
	  VMM_OPT_MEM },
	{ { "cpus", 'c', "N", "vCPUs: 1 to 16 (default 1)", ID_CPUS }, VMM_OPT_CPUS },
	{ { "measurement-algo", 0, "ALGO", "realm measurements: sha256 (default) or sha512",
	    ID_HASH },
	  VMM_OPT_HASH },
	{ { "realm-pv", 0, "STRING", "realm personalization value, up to 64 bytes", ID_RPV },
	  VMM_OPT_RPV },
	{ { "realm-pv-hex", 0, "HEX", "the same in hex, up to 64 bytes (128 digits)", ID_RPV_HEX },
	  VMM_OPT_RPV },
	{ { "cpak", 0, "FILE",
	    "the platform's attestation key (PEM, ECDSA P-384); made if missing (default "
	    "${XDG_DATA_HOME:-~/.local/share}/ccakit/cpak.pem)",
	    ID_CPAK },
	  VMM_OPT_CPAK },
	{ { "token-cmw", 0, NULL, "attestation tokens in the CMW collection form (tag 907)",
	    ID_TOKEN_CMW },
	  VMM_OPT_TOKEN_CMW },
	{ { "trace", 0, NULL, "print every RMI call, REC exit and RSI call, decoded", ID_TRACE },
	  VMM_OPT_TRACE },
	{ { "json", 0, NULL, "machine-readable output", ID_JSON }, VMM_OPT_JSON },
	{ { "help", 'h', NULL, "show this help", ID_HELP }, 0 },
};

#define NCOMMON (sizeof(common) / sizeof(common[0]))

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void vmm_options_defaults(struct vmm_options *o)
{
	*o = (struct vmm_options){
		.mode = VMM_MODE_REALM,
		.mem_size = VMM_MEM_DEFAULT,
		.cpus = 1,
		.hash_algo = RMI_HASH_SHA_256,
	};
}

const char *vmm_hash_algo_name(unsigned hash_algo)
{
	switch (hash_algo) {
	case RMI_HASH_SHA_256: return "sha256";
	case RMI_HASH_SHA_512: return "sha512";
	default: return "unknown";
	}
}

/* Decimal digits at *s: 0 and the value (*s moved past them), -EINVAL if
 * there are none, -ERANGE if they do not fit in 64 bits. */
static int parse_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t n = 0;
	bool overflow = false;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			n = n * 10 + d;
	}
	*s = p;
	*v = n;
	return overflow ? -ERANGE : 0;
}

int vmm_parse_size(const char *s, uint64_t *bytes)
{
	uint64_t n, unit;
	if (!s)
		return -EINVAL;
	int rc = parse_u64(&s, &n);
	if (rc == -EINVAL)
		return rc;
	switch (tolower((unsigned char)*s)) {
	case '\0': unit = MIB; break;
	case 'k': unit = KIB; s++; break;
	case 'm': unit = MIB; s++; break;
	case 'g': unit = GIB; s++; break;
	default: return -EINVAL;
	}
	/* "64M", "64MiB", "64MB" all mean 64 MiB. */
	if (*s && strcasecmp(s, "ib") != 0 && strcasecmp(s, "b") != 0)
		return -EINVAL;
	if (rc == -ERANGE || n > UINT64_MAX / unit)
		return -ERANGE;
	*bytes = n * unit;
	return 0;
}

/* A size for messages: "4M", "4G", "6144K". */
static const char *size_str(uint64_t b, char *buf, size_t len)
{
	if (b % GIB == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(b / GIB));
	else if (b % MIB == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(b / MIB));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)(b / KIB));
	return buf;
}

static int parse_mem(const char *opt, const char *v, uint64_t *out, char *err, size_t errlen)
{
	uint64_t b;
	char lo[24], hi[24];
	size_str(VMM_MEM_MIN, lo, sizeof lo);
	size_str(VMM_MEM_MAX, hi, sizeof hi);
	int rc = vmm_parse_size(v, &b);
	if (rc == -ERANGE)
		b = UINT64_MAX; /* a size, just far too large */
	else if (rc)
		return fail(err, errlen,
			    "%s '%s': not a size (a number with an optional K, M or G suffix, "
			    "e.g. 64M)",
			    opt, v);
	if (b < VMM_MEM_MIN || b > VMM_MEM_MAX)
		return fail(err, errlen, "%s %s: memory must be between %s and %s", opt, v, lo, hi);
	if (b % VMM_MEM_ALIGN)
		return fail(err, errlen,
			    "%s %s: memory must be a multiple of 2 MiB (e.g. %lluM or %lluM)", opt, v,
			    (unsigned long long)(b / VMM_MEM_ALIGN * 2),
			    (unsigned long long)(b / VMM_MEM_ALIGN * 2 + 2));
	*out = b;
	return 0;
}

static int parse_cpus(const char *opt, const char *v, unsigned *out, char *err, size_t errlen)
{
	uint64_t n;
	const char *p = v;
	int rc = parse_u64(&p, &n);
	if (rc == -EINVAL || *p)
		return fail(err, errlen, "%s '%s': not a number (give 1 to %u)", opt, v,
			    VMM_CPUS_MAX);
	if (rc == -ERANGE)
		n = UINT64_MAX;
	if (n < 1 || n > VMM_CPUS_MAX)
		return fail(err, errlen, "%s %s: the number of CPUs must be between 1 and %u", opt, v,
			    VMM_CPUS_MAX);
	*out = (unsigned)n;
	return 0;
}

static int parse_hash(const char *opt, const char *v, unsigned *out, char *err, size_t errlen)
{
	if (!strcmp(v, "sha256") || !strcmp(v, "sha-256"))
		*out = RMI_HASH_SHA_256;
	else if (!strcmp(v, "sha512") || !strcmp(v, "sha-512"))
		*out = RMI_HASH_SHA_512;
	else
		return fail(err, errlen, "%s '%s': unknown algorithm, expected sha256 or sha512", opt,
			    v);
	return 0;
}

static int parse_rpv(const char *opt, const char *v, uint8_t *rpv, char *err, size_t errlen)
{
	size_t n = strlen(v);
	if (n > VMM_RPV_SIZE)
		return fail(err, errlen,
			    "%s is %zu bytes long, at most %u are allowed (use --realm-pv-hex for "
			    "binary values)",
			    opt, n, VMM_RPV_SIZE);
	memset(rpv, 0, VMM_RPV_SIZE);
	memcpy(rpv, v, n);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vmm_parse_hex(const char *opt, const char *v, uint8_t *out, size_t max, size_t *n,
		  char *err, size_t errlen)
{
	const char *h = v;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	size_t digits = strlen(h);
	if (digits == 0)
		return fail(err, errlen, "%s '%s': no hex digits", opt, v);
	for (size_t i = 0; i < digits; i++)
		if (hexval(h[i]) < 0)
			return fail(err, errlen,
				    "%s: '%c' (character %zu) is not a hex digit", opt,
				    isprint((unsigned char)h[i]) ? h[i] : '?', (size_t)(h - v) + i + 1);
	if (digits % 2)
		return fail(err, errlen,
			    "%s: odd number of hex digits (%zu); give two per byte", opt, digits);
	if (digits / 2 > max)
		return fail(err, errlen, "%s is %zu bytes long, at most %zu are allowed", opt,
			    digits / 2, max);
	for (size_t i = 0; i < digits / 2; i++)
		out[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
	*n = digits / 2;
	return 0;
}

static int parse_rpv_hex(const char *opt, const char *v, uint8_t *rpv, char *err, size_t errlen)
{
	uint8_t b[VMM_RPV_SIZE];
	size_t n;
	int rc = vmm_parse_hex(opt, v, b, sizeof(b), &n, err, errlen);
	if (rc)
		return rc;
	memset(rpv, 0, VMM_RPV_SIZE);
	memcpy(rpv, b, n);
	return 0;
}

/* Looks an option up by long name (len bytes of name) or by short letter. */
static const struct vmm_option_def *lookup(const struct vmm_options_command *cmd,
					   const char *name, size_t len, char letter)
{
	unsigned omit = cmd ? cmd->omit : 0;
	for (size_t i = 0; i < NCOMMON; i++) {
		const struct vmm_option_def *d = &common[i].def;
		if (common[i].bit & omit)
			continue;
		if (name ? strlen(d->name) == len && !strncmp(d->name, name, len)
			 : letter && d->short_name == letter)
			return d;
	}
	for (size_t i = 0; cmd && i < cmd->extra_count; i++) {
		const struct vmm_option_def *d = &cmd->extra[i];
		if (name ? d->name && strlen(d->name) == len && !strncmp(d->name, name, len)
			 : letter && d->short_name == letter)
			return d;
	}
	return NULL;
}

struct seen {
	bool realm, normal, rpv, rpv_hex;
};

static int apply(const struct vmm_options_command *cmd, const struct vmm_option_def *d,
		 const char *opt, const char *v, struct vmm_options *o, struct seen *seen,
		 char *err, size_t errlen)
{
	switch (d->id) {
	case ID_REALM: seen->realm = true; o->mode = VMM_MODE_REALM; return 0;
	case ID_NORMAL: seen->normal = true; o->mode = VMM_MODE_NORMAL; return 0;
	case ID_KERNEL:
		if (!*v)
			return fail(err, errlen, "%s: empty image file name", opt);
		o->kernel = v;
		return 0;
	case ID_MEM: return parse_mem(opt, v, &o->mem_size, err, errlen);
	case ID_CPUS: return parse_cpus(opt, v, &o->cpus, err, errlen);
	case ID_HASH:
		o->hash_algo_given = true;
		return parse_hash(opt, v, &o->hash_algo, err, errlen);
	case ID_RPV:
		seen->rpv = true;
		o->rpv_given = true;
		return parse_rpv(opt, v, o->rpv, err, errlen);
	case ID_RPV_HEX:
		seen->rpv_hex = true;
		o->rpv_given = true;
		return parse_rpv_hex(opt, v, o->rpv, err, errlen);
	case ID_CPAK:
		if (!*v)
			return fail(err, errlen, "%s: empty file name", opt);
		o->cpak = v;
		return 0;
	case ID_TOKEN_CMW: o->token_cmw = true; return 0;
	case ID_TRACE: o->trace = true; return 0;
	case ID_JSON: o->json = true; return 0;
	case ID_HELP: return VMM_OPTIONS_HELP;
	}
	if (!cmd || !cmd->handle)
		return fail(err, errlen, "%s: no handler for this option", opt);
	return cmd->handle(cmd->ctx, d->id, v, err, errlen);
}

/* Checks between options, once all are read. */
static int check_combination(const struct vmm_options_command *cmd, const struct vmm_options *o,
			     const struct seen *seen, char *err, size_t errlen)
{
	if (seen->realm && seen->normal)
		return fail(err, errlen, "--realm and --normal cannot be used together: choose one");
	if (seen->rpv && seen->rpv_hex)
		return fail(err, errlen, "give either --realm-pv or --realm-pv-hex, not both");
	if (o->mode == VMM_MODE_NORMAL && o->hash_algo_given)
		return fail(err, errlen,
			    "--measurement-algo applies to realms only: drop it, or --normal");
	if (o->mode == VMM_MODE_NORMAL && o->rpv_given)
		return fail(err, errlen, "%s applies to realms only: drop it, or --normal",
			    seen->rpv ? "--realm-pv" : "--realm-pv-hex");
	bool needs_kernel = !(cmd && (cmd->kernel_optional || (cmd->omit & VMM_OPT_KERNEL)));
	if (needs_kernel && !o->kernel)
		return fail(err, errlen, "no image given: use -k IMAGE.elf");
	return 0;
}

/* The value of option opt: after '=' (long options), the rest of a short
 * option's argument, or the next argument. A next argument that looks like
 * an option is taken as a forgotten value instead. */
static int take_value(const char *opt, const struct vmm_option_def *d, const char *inline_v,
		      int argc, char **argv, int *i, const char **v, char *err, size_t errlen)
{
	if (inline_v) {
		*v = inline_v;
		return 0;
	}
	if (*i + 1 >= argc)
		return fail(err, errlen, "%s needs a value (%s)", opt, d->arg);
	if (argv[*i + 1][0] == '-' && argv[*i + 1][1] != '\0') {
		if (d->short_name)
			return fail(err, errlen,
				    "%s needs a value (%s), not '%.40s' (for a value that starts "
				    "with '-', write -%c%.40s or --%s=%.40s)",
				    opt, d->arg, argv[*i + 1], d->short_name, argv[*i + 1], d->name,
				    argv[*i + 1]);
		return fail(err, errlen,
			    "%s needs a value (%s), not '%.40s' (for a value that starts with "
			    "'-', write --%s=%.40s)",
			    opt, d->arg, argv[*i + 1], d->name, argv[*i + 1]);
	}
	*v = argv[++*i];
	return 0;
}

int vmm_options_parse(const struct vmm_options_command *cmd, int argc, char **argv,
		      struct vmm_options *o, char *err, size_t errlen)
{
	struct seen seen = { 0 };
	int rc;

	vmm_options_defaults(o);
	if (err && errlen)
		err[0] = '\0';
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct vmm_option_def *d;
		const char *inline_v = NULL, *v = NULL;
		char opt[64];

		if (a[0] != '-' || a[1] == '\0' || !strcmp(a, "--"))
			return fail(err, errlen,
				    "unexpected argument '%s' (the image is given with -k IMAGE.elf)",
				    a);
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			d = lookup(cmd, name, len, 0);
			snprintf(opt, sizeof opt, "--%.*s", (int)(len < 40 ? len : 40), name);
			if (!d)
				return fail(err, errlen, "unknown option '%s'", opt);
			if (eq && !d->arg)
				return fail(err, errlen, "%s takes no value", opt);
			if (eq)
				inline_v = eq + 1;
		} else {
			d = lookup(cmd, NULL, 0, a[1]);
			snprintf(opt, sizeof opt, "-%c", a[1]);
			if (!d)
				return fail(err, errlen, "unknown option '%.40s'", a);
			if (a[2] && !d->arg)
				return fail(err, errlen, "unknown option '%.40s'", a);
			if (a[2])
				inline_v = a + 2;
		}
		if (d->arg) {
			rc = take_value(opt, d, inline_v, argc, argv, &i, &v, err, errlen);
			if (rc)
				return rc;
		}
		rc = apply(cmd, d, opt, v, o, &seen, err, errlen);
		if (rc)
			return rc;
	}
	return check_combination(cmd, o, &seen, err, errlen);
}

static void usage_line(FILE *f, const struct vmm_option_def *d)
{
	char left[64];
	if (d->short_name)
		snprintf(left, sizeof left, "-%c, --%s%s%s", d->short_name, d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
	else
		snprintf(left, sizeof left, "    --%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
	fprintf(f, "  %-30s %s\n", left, d->help ? d->help : "");
}

void vmm_options_usage(const struct vmm_options_command *cmd, FILE *f)
{
	unsigned omit = cmd ? cmd->omit : 0;
	const char *name = cmd && cmd->name ? cmd->name : "run";
	fprintf(f, "Usage: ccakit %s", name);
	if (!(omit & VMM_OPT_MODE))
		fprintf(f, " [--realm | --normal]");
	if (!(omit & VMM_OPT_KERNEL))
		fprintf(f, cmd && cmd->kernel_optional ? " [-k IMAGE.elf]" : " -k IMAGE.elf");
	fprintf(f, " [options]\n\nOptions:\n");
	for (size_t i = 0; i < NCOMMON; i++)
		if (!(common[i].bit & omit) && common[i].def.id != ID_HELP)
			usage_line(f, &common[i].def);
	for (size_t i = 0; cmd && i < cmd->extra_count; i++)
		usage_line(f, &cmd->extra[i]);
	usage_line(f, &common[NCOMMON - 1].def);
	fprintf(f, "\nSizes take a K, M or G suffix; a bare number is MiB.\n");
}

int vmm_default_cpak_path(char *buf, size_t len, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/ccakit/cpak.pem", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.local/share/ccakit/cpak.pem", home);
	else {
		fail(err, errlen, "no place for the CPAK file: HOME and XDG_DATA_HOME are unset; "
			      "give one with --cpak FILE");
		return -ENOENT;
	}
	if (n < 0 || (size_t)n >= len) {
		fail(err, errlen, "the CPAK file's default path is too long; give one with --cpak FILE");
		return -ENAMETOOLONG;
	}
	return 0;
}
