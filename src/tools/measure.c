/* `ccakit measure`: the RIM of the realm `ccakit run` would build from the
 * same options, computed without building or running it; with --json the
 * reference values `ccakit token appraise --ref` reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tools/tools.h"
#include "vmm/attest_calls.h"
#include "vmm/options.h"
#include "vmm/rim.h"
#include "vmm/run.h"

/* `ccakit run`'s own options are accepted by name, so that a user who
 * swaps `run` for `measure` hears why they do not apply. */
static int run_only(void *ctx, int id, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	(void)value;
	const char *name = "?";
	for (size_t i = 0; i < VMM_ATTEST_OPTION_COUNT; i++)
		if (vmm_attest_options[i].id == id)
			name = vmm_attest_options[i].name;
	snprintf(err, errlen,
		 "--%s applies to 'ccakit run' only: the challenge and the token are not part "
		 "of the RIM; drop it",
		 name);
	return -EINVAL;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "ccakit measure: %s\n(see 'ccakit measure --help')\n", msg);
	return EXIT_USAGE;
}

int cmd_measure(int argc, char **argv)
{
	struct vmm_options_command cmd = { .name = "measure",
					   .extra = vmm_attest_options,
					   .extra_count = VMM_ATTEST_OPTION_COUNT,
					   .handle = run_only };
	struct vmm_options o;
	char err[VMM_RUN_ERR_MAX];
	int rc = vmm_options_parse(&cmd, argc, argv, &o, err, sizeof(err));
	if (rc == VMM_OPTIONS_HELP) {
		vmm_options_usage(&cmd, stdout);
		printf("\nPrints the realm's RIM in hex, or with --json the reference values of a\n"
		       "freshly booted realm for 'ccakit token appraise --ref'. --trace is\n"
		       "refused (nothing runs) and so is --normal (a normal VM is not measured).\n");
		return 0;
	}
	if (rc < 0)
		return usage_error(err);
	/* The options of `ccakit run` that describe running, not the realm:
	 * refused rather than ignored, so that nobody waits for a trace. */
	if (o.trace)
		return usage_error("--trace: 'ccakit measure' builds and runs nothing, so there "
				   "is nothing to trace; drop it (or use 'ccakit run --trace')");
	if (o.mode == VMM_MODE_NORMAL)
		return usage_error("--normal: a normal VM has no measurements; drop it to measure "
				   "the image as a realm");

	struct vmm_measurement m;
	if (vmm_measure(&o, &m, err, sizeof(err)) != 0) {
		fprintf(stderr, "ccakit measure: %s\n", err);
		return 1;
	}
	if (!o.json) {
		for (size_t i = 0; i < m.rim_len; i++)
			printf("%02x", m.rim[i]);
		printf("\n");
		return 0;
	}
	char *json = vmm_measurement_refvals_json(&m);
	if (!json) {
		fprintf(stderr, "ccakit measure: out of memory\n");
		return 1;
	}
	printf("%s\n", json);
	free(json);
	return 0;
}
