/* `ccakit run`: a guest image as a realm, its console on stdout; the exit
 * status is the guest's. */
#include <stdio.h>

#include "ccakit/abi/rmi.h"
#include "ccakit/guest.h"
#include "tools/tools.h"
#include "vmm/options.h"
#include "vmm/run.h"

static void print_json(const struct vmm_run_result *res)
{
	printf("{\"status\": %u, \"status_reported\": %s, \"reset\": %s, \"rec_entries\": %llu, "
	       "\"exits\": {\"sync\": %llu, \"irq\": %llu, \"psci\": %llu, \"ripas_change\": %llu, "
	       "\"host_call\": %llu}, \"mmio\": %llu}\n",
	       res->status, res->status_reported ? "true" : "false", res->reset ? "true" : "false",
	       (unsigned long long)res->entries, (unsigned long long)res->exits[RMI_EXIT_SYNC],
	       (unsigned long long)res->exits[RMI_EXIT_IRQ],
	       (unsigned long long)res->exits[RMI_EXIT_PSCI],
	       (unsigned long long)res->exits[RMI_EXIT_RIPAS_CHANGE],
	       (unsigned long long)res->exits[RMI_EXIT_HOST_CALL], (unsigned long long)res->mmio);
}

int cmd_run(int argc, char **argv)
{
	struct vmm_attest_config attest = { 0 };
	struct vmm_options_command cmd = { .name = "run",
					   .extra = vmm_attest_options,
					   .extra_count = VMM_ATTEST_OPTION_COUNT,
					   .handle = vmm_attest_option,
					   .ctx = &attest };
	struct vmm_options o;
	char err[VMM_RUN_ERR_MAX];
	int rc = vmm_options_parse(&cmd, argc, argv, &o, err, sizeof(err));
	if (rc == VMM_OPTIONS_HELP) {
		vmm_options_usage(&cmd, stdout);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "ccakit run: %s\n(see 'ccakit run --help')\n", err);
		return EXIT_USAGE;
	}
	/* The CPAK persists between runs, so that a verifier given its
	 * public key once keeps verifying this platform's tokens. */
	char cpak[4096];
	if (!o.cpak && o.mode == VMM_MODE_REALM) {
		if (vmm_default_cpak_path(cpak, sizeof(cpak), err, sizeof(err)) != 0) {
			fprintf(stderr, "ccakit run: %s\n", err);
			return EXIT_USAGE;
		}
		o.cpak = cpak;
	}
	/* With --json the console goes to stderr, so stdout is the JSON alone. */
	struct vmm_io io = { .console = o.json ? stderr : stdout, .trace = stderr,
			     .attest = &attest };
	struct vmm_run_result res;
	if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "ccakit run: %s\n", err);
		return 1;
	}
	if (o.json)
		print_json(&res);
	if (!res.status_reported)
		fprintf(stderr, "ccakit run: the guest stopped without reporting an exit status\n");
	vmm_run_result_free(&res);
	return res.status_reported ? (int)(res.status & 0xff) : GUEST_EXIT_FAILURE;
}
