/* Normal world user space (the VMM): the launch options of a realm or VM.
 *
 *   ccakit run [--realm | --normal] -k IMAGE.elf [-m 64M] [-c N]
 *              [--measurement-algo sha256|sha512]
 *              [--realm-pv STRING | --realm-pv-hex HEX] [--cpak FILE] [--token-cmw]
 *              [--trace] [--json]
 *
 * spelled after kvmtool and QEMU (-k/--kernel, -m/--mem, -c/--cpus). Long
 * options take their value as `--opt VALUE` or `--opt=VALUE`, short ones as
 * `-k VALUE` or `-kVALUE`; a later occurrence of an option replaces an
 * earlier one. Sizes are a number with an optional K, M or G suffix (KiB,
 * MiB, GiB; a bare number means MiB, as in kvmtool and QEMU).
 *
 * The parser is shared: `ccakit run` and `ccakit measure` describe the same
 * realm with the same options, so both call vmm_options_parse; a command adds
 * its own options through struct vmm_options_command (handled by a callback)
 * and may leave out common ones it has no use for.
 *
 *   static const struct vmm_option_def extra[] = {
 *           { "token-out", 0, "FILE", "write the realm's token to FILE", OPT_TOKEN_OUT },
 *   };
 *   struct vmm_options_command cmd = { .name = "run", .extra = extra, .extra_count = 1,
 *                                      .handle = my_handler, .ctx = &my_state };
 *   struct vmm_options o;
 *   char err[VMM_OPTIONS_ERR_MAX];
 *   int rc = vmm_options_parse(&cmd, argc, argv, &o, err, sizeof err);
 *   if (rc == VMM_OPTIONS_HELP) { vmm_options_usage(&cmd, stdout); return 0; }
 *   if (rc < 0) { fprintf(stderr, "ccakit run: %s\n", err); return 2; }
 */
#ifndef CCAKIT_VMM_OPTIONS_H
#define CCAKIT_VMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VMM_OPTIONS_ERR_MAX 256

#define VMM_RPV_SIZE 64 /* bytes of a realm personalization value */

#define VMM_MEM_DEFAULT (UINT64_C(64) << 20)
#define VMM_MEM_MIN (UINT64_C(4) << 20)
#define VMM_MEM_MAX (UINT64_C(4) << 30)
#define VMM_MEM_ALIGN (UINT64_C(2) << 20) /* RAM comes in 2 MiB blocks */
#define VMM_CPUS_MAX 16

enum vmm_mode {
	VMM_MODE_REALM,  /* a confidential VM: a realm built with RMI (default) */
	VMM_MODE_NORMAL, /* the same image as a normal, non-confidential VM */
};

struct vmm_options {
	enum vmm_mode mode;
	const char *kernel;       /* -k: the image, pointing into argv */
	uint64_t mem_size;        /* -m: bytes of guest RAM */
	unsigned cpus;            /* -c: vCPUs (RECs) */
	unsigned hash_algo;       /* RMI_HASH_SHA_256 or RMI_HASH_SHA_512 */
	uint8_t rpv[VMM_RPV_SIZE]; /* realm personalization value, zero padded */
	const char *cpak;         /* --cpak: the CPAK's PEM file (made if missing), into argv;
				     NULL: a key for this run alone (the command picks the
				     default file: vmm_default_cpak_path) */
	bool token_cmw;           /* --token-cmw: tokens in the CMW collection (tag 907) */
	bool trace;               /* --trace: every RMI call, REC exit, RSI call */
	bool json;                /* --json: machine-readable output */
	/* what was given explicitly */
	bool rpv_given, hash_algo_given;
};

/* Common options, as bits, for vmm_options_command.omit. */
#define VMM_OPT_MODE (1u << 0)       /* --realm, --normal */
#define VMM_OPT_KERNEL (1u << 1)     /* -k, --kernel */
#define VMM_OPT_MEM (1u << 2)        /* -m, --mem */
#define VMM_OPT_CPUS (1u << 3)       /* -c, --cpus */
#define VMM_OPT_HASH (1u << 4)       /* --measurement-algo */
#define VMM_OPT_RPV (1u << 5)        /* --realm-pv, --realm-pv-hex */
#define VMM_OPT_TRACE (1u << 6)      /* --trace */
#define VMM_OPT_JSON (1u << 7)       /* --json */
#define VMM_OPT_CPAK (1u << 8)       /* --cpak */
#define VMM_OPT_TOKEN_CMW (1u << 9)  /* --token-cmw */

/* An option a command adds to the common ones. */
struct vmm_option_def {
	const char *name;    /* long name without "--" */
	char short_name;     /* 0 for none */
	const char *arg;     /* name of its value in the usage ("FILE"), NULL: a flag */
	const char *help;
	int id;              /* passed to the handler; 0 or more */
};

/* Handles a command's own option (value is NULL for a flag). Returns 0, or
 * a negative errno with a sentence in err. Extra options must not reuse a
 * common option's name or letter: the common one would win. */
typedef int (*vmm_option_handler)(void *ctx, int id, const char *value, char *err, size_t errlen);

struct vmm_options_command {
	const char *name;    /* "run", "measure": for the usage line */
	unsigned omit;       /* VMM_OPT_* bits of common options it does not take */
	bool kernel_optional; /* a command that can do without -k */
	const struct vmm_option_def *extra;
	size_t extra_count;
	vmm_option_handler handle;
	void *ctx;
};

/* The defaults: a realm, 64 MiB, 1 CPU, SHA-256, a zero RPV, no image. */
void vmm_options_defaults(struct vmm_options *o);

#define VMM_OPTIONS_HELP 1 /* -h/--help was given: print the usage, exit 0 */

/* Parses argv[1..argc-1] (argv[0] is the command name) into o, which starts
 * from the defaults. cmd may be NULL (the common options alone). Returns 0,
 * VMM_OPTIONS_HELP, or -EINVAL with a sentence in err that names the option
 * and what to do; a handler's own failure is passed through. */
int vmm_options_parse(const struct vmm_options_command *cmd, int argc, char **argv,
		      struct vmm_options *o, char *err, size_t errlen);

/* Writes the usage: synopsis and one line per option. */
void vmm_options_usage(const struct vmm_options_command *cmd, FILE *f);

/* Parses a size: digits with an optional K/M/G suffix (KiB/MiB/GiB also
 * accepted, any case); a bare number is MiB. Returns 0, -EINVAL for what is
 * not a size, or -ERANGE for a size past 2^64 - 1 bytes. */
int vmm_parse_size(const char *s, uint64_t *bytes);

/* Parses hex digits (an optional 0x first, two digits a byte) into out, at
 * most max bytes; *n = bytes. Returns 0, or -EINVAL with a sentence naming
 * opt in err. */
int vmm_parse_hex(const char *opt, const char *v, uint8_t *out, size_t max, size_t *n,
		  char *err, size_t errlen);

/* The CPAK file used when --cpak is not given:
 * ${XDG_DATA_HOME:-$HOME/.local/share}/ccakit/cpak.pem (an XDG_DATA_HOME
 * that is not an absolute path is ignored, as the XDG spec says). Returns 0,
 * or -ENOENT with a sentence in err when neither variable helps, or
 * -ENAMETOOLONG. */
int vmm_default_cpak_path(char *buf, size_t len, char *err, size_t errlen);

/* The measurement algorithm's name ("sha256", "sha512"). */
const char *vmm_hash_algo_name(unsigned hash_algo);

#endif
