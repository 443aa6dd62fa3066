/* The guest examples as normal, non-confidential VMs (`ccakit run
 * --normal`): the host's own stage 2 and vCPUs, no RMM. The same images,
 * the same VMM, the same exit handling as for realms; what differs is what
 * the guest finds (no RSI) and that no RMI call is made. */
#include <string.h>

#include "harness.h"

#include "ccakit/abi/rmi.h"
#include "ccakit/guest.h"
#include "vmm/run.h"

static int run_normal(const char *name, unsigned cpus, struct vmm_run_result *res, char *err,
		      size_t errlen)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.elf", CCAKIT_GUEST_DIR, name);
	struct vmm_options o = { .mode = VMM_MODE_NORMAL, .kernel = path,
				 .mem_size = VMM_MEM_DEFAULT, .cpus = cpus };
	struct vmm_io io = { .console = NULL, .capture = 1 << 16 };
	return vmm_run(&o, &io, res, err, errlen);
}

static struct vmm_run_result run_status(const char *name, unsigned cpus, unsigned status)
{
	struct vmm_run_result res;
	char err[VMM_RUN_ERR_MAX];
	if (run_normal(name, cpus, &res, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	assert_true(res.status_reported);
	assert_int_equal(res.status, status);
	assert_false(res.reset);
	return res;
}

static struct vmm_run_result run_ok(const char *name, unsigned cpus)
{
	return run_status(name, cpus, GUEST_EXIT_SUCCESS);
}

static void expect_output(const struct vmm_run_result *res, const char *text)
{
	if (!res->console || !strstr(res->console, text))
		fail_msg("console lacks \"%s\"; it was:\n%s", text, res->console ? res->console : "");
}

static void hello_knows_it_is_not_in_a_realm(void **state)
{
	(void)state;
	struct vmm_run_result res = run_ok("hello", 1);
	expect_output(&res, "Hello from a normal VM");
	/* Its exit status came through the exit register, not a host call. */
	assert_int_equal(res.exits[RMI_EXIT_HOST_CALL], 0);
	assert_int_equal(res.exits[RMI_EXIT_PSCI], 1); /* SYSTEM_OFF */
	vmm_run_result_free(&res);
}

static void smp_brings_four_vcpus_up_with_the_hosts_psci(void **state)
{
	(void)state;
	struct vmm_run_result res = run_ok("smp", 4);
	expect_output(&res, "smp: 3 of 3 secondary cpu(s) came online and went off");
	vmm_run_result_free(&res);
}

static void mmio_is_emulated_from_the_hosts_own_syndrome(void **state)
{
	(void)state;
	struct vmm_run_result res = run_ok("mmio", 1);
	expect_output(&res, "mmio: 0 check(s) failed");
	assert_true(res.mmio >= 13);
	vmm_run_result_free(&res);
}

/* The same kernel-like guest without an RMM: the host's own exit handling
 * walks TTBR1 to decode the MMIO access made at a high PC. */
static void highva_runs_from_the_upper_half_in_a_normal_vm(void **state)
{
	(void)state;
	struct vmm_run_result res = run_ok("highva", 1);
	expect_output(&res, "highva: running at PC 0xffff8000400");
	expect_output(&res, "test device SCRATCH64 written, read back     0x600dc0de0ff5e700 ok");
	/* A stage-1 abort reported to EL1: no instruction syndrome, so
	 * ISS[23:14] is RES0 (0x96000007, not the access's SAS/SRT). */
	expect_output(&res, "caught ESR 0x96000007: data abort (same EL), fault status 0x07");
	/* Status 0 already says no check failed; the line says which ran. */
	expect_output(&res, "0 check(s) failed");
	assert_true(res.mmio >= 4);
	vmm_run_result_free(&res);
}

static void realm_only_examples_say_so_and_skip(void **state)
{
	(void)state;
	static const char *const names[] = { "measure", "ripas", "faults", "rsi_errors", "attest" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct vmm_run_result res = run_status(names[i], 1, GUEST_EXIT_SKIPPED);
		expect_output(&res, "not a realm");
		vmm_run_result_free(&res);
	}
}

/* The virtual timer of a normal VM: the host wakes the vCPU and injects
 * PPI 27 itself, as for a realm. */
static void sleep_wakes_on_the_hosts_timer(void **state)
{
	(void)state;
	struct vmm_run_result res = run_ok("sleep", 1);
	expect_output(&res, "sleep: 3 timer interrupt(s), 0 other(s); 0 sleep(s) too short");
	vmm_run_result_free(&res);
}

/* The workload the throughput benchmark compares computes the same in both
 * worlds (and caught the mid-block preemption bug by not doing so). */
static void bench_compute_gets_the_same_checksum_in_both_worlds(void **state)
{
	(void)state;
	struct vmm_run_result res = run_ok("bench_compute", 1);
	expect_output(&res, "bench_compute: checksum 0098936236c2612a");
	vmm_run_result_free(&res);
	char path[512], err[VMM_RUN_ERR_MAX];
	snprintf(path, sizeof(path), "%s/bench_compute.elf", CCAKIT_GUEST_DIR);
	struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
				 .mem_size = VMM_MEM_DEFAULT, .cpus = 1 };
	struct vmm_io io = { .console = NULL, .capture = 1 << 16 };
	if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0)
		fail_msg("bench_compute as a realm: %s", err);
	expect_output(&res, "bench_compute: checksum 0098936236c2612a");
	vmm_run_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hello_knows_it_is_not_in_a_realm),
		cmocka_unit_test(smp_brings_four_vcpus_up_with_the_hosts_psci),
		cmocka_unit_test(mmio_is_emulated_from_the_hosts_own_syndrome),
		cmocka_unit_test(highva_runs_from_the_upper_half_in_a_normal_vm),
		cmocka_unit_test(realm_only_examples_say_so_and_skip),
		cmocka_unit_test(sleep_wakes_on_the_hosts_timer),
		cmocka_unit_test(bench_compute_gets_the_same_checksum_in_both_worlds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
