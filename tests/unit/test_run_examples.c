/* The guest examples, run as realms by the VMM (`ccakit run`'s engine): each
 * ends with status 0 and says what it checked. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#include "ccakit/abi/rmi.h"
#include "ccakit/guest.h"
#include "ccakit/token.h"
#include "vmm/rim.h"
#include "vmm/run.h"

static struct vmm_run_result run_example(const char *name, unsigned cpus, unsigned hash_algo)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.elf", CCAKIT_GUEST_DIR, name);
	struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
				 .mem_size = VMM_MEM_DEFAULT, .cpus = cpus, .hash_algo = hash_algo };
	struct vmm_io io = { .console = NULL, .capture = 1 << 16 };
	struct vmm_run_result res;
	char err[VMM_RUN_ERR_MAX];
	if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	return res;
}

static void expect_output(const struct vmm_run_result *res, const char *text)
{
	if (!res->console || !strstr(res->console, text))
		fail_msg("console lacks \"%s\"; it was:\n%s", text, res->console ? res->console : "");
}

static void expect_success(struct vmm_run_result *res)
{
	assert_true(res->status_reported);
	assert_int_equal(res->status, GUEST_EXIT_SUCCESS);
	assert_false(res->reset);
}

static void hello_prints_its_realm_config_and_exits_0(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("hello", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "Hello from a realm");
	expect_output(&res, "ipa width 40, hash algo sha256 (0), RSI version 1.0");
	assert_true(res.exits[RMI_EXIT_HOST_CALL] >= 1); /* the exit status */
	assert_int_equal(res.exits[RMI_EXIT_PSCI], 1);     /* SYSTEM_OFF */
	vmm_run_result_free(&res);
}

static void hello_reports_sha512_realms(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("hello", 1, RMI_HASH_SHA_512);
	expect_success(&res);
	expect_output(&res, "hash algo sha512 (1)");
	vmm_run_result_free(&res);
}

static void measure_extends_rem0_as_tf_rmm_does(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("measure", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	/* REM0 = SHA-256(32 zero bytes || "abc"), as measure_extend_rem. */
	expect_output(&res, "REM0 + \"abc\": 365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
	vmm_run_result_free(&res);
}

static void mmio_accesses_of_every_width_are_emulated(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("mmio", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "mmio: 0 check(s) failed");
	assert_true(res.mmio >= 13);
	vmm_run_result_free(&res);
}

static void faults_take_the_injected_external_aborts(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("faults", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "fault status 0x10 synchronous external abort");
	expect_output(&res, "2 abort(s) taken, 0 expected abort(s) missing");
	vmm_run_result_free(&res);
}

static void ripas_shares_a_page_with_the_host_and_takes_it_back(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("ripas", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "the host replied: got your 36 bytes");
	expect_output(&res, "page is private RAM again");
	assert_int_equal(res.exits[RMI_EXIT_RIPAS_CHANGE], 2);
	vmm_run_result_free(&res);
}

static void smp_brings_every_vcpu_online(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("smp", 4, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "cpu 3 online (mpidr 0x3)");
	expect_output(&res, "smp: 3 of 3 secondary cpu(s) came online and went off");
	vmm_run_result_free(&res);
}

/* Each bad RSI call gets the spec's status; the guest checks them itself
 * and says so line by line. */
static void rsi_errors_gets_the_specified_status_for_each_bad_call(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("rsi_errors", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "IPA_STATE_SET top < base                       RSI_ERROR_INPUT ok");
	expect_output(&res, "MEASUREMENT_EXTEND size 65                     RSI_ERROR_INPUT ok");
	expect_output(&res, "ATTESTATION_TOKEN_CONTINUE before INIT         RSI_ERROR_STATE ok");
	expect_output(&res, "FID 0xC40001BE                                 SMC_UNKNOWN ok");
	expect_output(&res, "rsi_errors: all 42 checks passed");
	if (strstr(res.console, "MISMATCH"))
		fail_msg("a check failed:\n%s", res.console);
	/* Refused calls need no host: no RIPAS change, no host call but the
	 * exit status. */
	assert_int_equal(res.exits[RMI_EXIT_RIPAS_CHANGE], 0);
	assert_int_equal(res.host_calls, 1);
	vmm_run_result_free(&res);
}

/* Three 20 ms sleeps on the virtual timer: the VMM wakes the vCPU and
 * injects PPI 27 when the timer fires; each sleep is at least as long as
 * asked (by the guest's own count). */
static void sleep_wakes_on_the_virtual_timer_after_the_time_asked(void **state)
{
	(void)state;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct vmm_run_result res = run_example("sleep", 1, RMI_HASH_SHA_256);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	expect_success(&res);
	/* The host's clock agrees: at least the 60 ms asked went by. */
	assert_true((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 >= 0.06);
	expect_output(&res, "sleep: counter at 62500000 Hz, 3 sleeps of 20000 us");
	expect_output(&res, "sleep: 3: asked 20000 us, slept ");
	expect_output(&res, "sleep: 3 timer interrupt(s), 0 other(s); 0 sleep(s) too short");
	if (strstr(res.console, "TOO SHORT"))
		fail_msg("a sleep was too short:\n%s", res.console);
	/* Each sleep waited (a WFI exit) and was woken, not spun. */
	assert_true(res.exits[RMI_EXIT_SYNC] >= 3);
	vmm_run_result_free(&res);
}

/* A guest running like a kernel from TTBR1 addresses: code, data at both
 * ends of the upper range, MMIO through a high VA (the RMM decodes the
 * access by walking TTBR1 from the high PC) and a translation fault taken at
 * the high vectors. */
static void highva_runs_from_the_upper_half_of_the_address_space(void **state)
{
	(void)state;
	struct vmm_run_result res = run_example("highva", 1, RMI_HASH_SHA_256);
	expect_success(&res);
	expect_output(&res, "highva: running at PC 0xffff8000400");
	expect_output(&res, "test device MAGIC (64-bit load)              0x0123456789abcdef ok");
	/* A stage-1 abort reported to EL1: no instruction syndrome, so
	 * ISS[23:14] is RES0 (0x96000007, not the access's SAS/SRT). */
	expect_output(&res, "caught ESR 0x96000007: data abort (same EL), fault status 0x07");
	expect_output(&res, "back at PC 0x400");
	/* Status 0 already says no check failed; the line says which ran. */
	expect_output(&res, "0 check(s) failed");
	assert_true(res.mmio >= 4); /* the test device's accesses were emulated */
	vmm_run_result_free(&res);
}

/* The attest example end to end, as `make demo` shows it: the token the
 * guest hands over verifies with the platform's CPAK, answers the
 * challenge given, and appraises against `ccakit measure`'s reference
 * values, RIM included: the prediction and the realm agree. SHA-256 and
 * SHA-512 realms, 1 and 2 vCPUs. */
static void attest_token_verifies_and_matches_what_measure_predicts(void **state)
{
	(void)state;
	static const struct { unsigned hash_algo, cpus; } cases[] = {
		{ RMI_HASH_SHA_256, 1 }, { RMI_HASH_SHA_512, 2 },
	};
	char dir[] = "/tmp/ccakit-attest-XXXXXX", cpak[64], token[64], path[512];
	char err[VMM_RUN_ERR_MAX];
	assert_non_null(mkdtemp(dir));
	snprintf(cpak, sizeof(cpak), "%s/cpak.pem", dir);
	snprintf(token, sizeof(token), "%s/token.cbor", dir);
	snprintf(path, sizeof(path), "%s/attest.elf", CCAKIT_GUEST_DIR);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct vmm_attest_config attest = { .challenge_given = true, .token_out = token };
		for (size_t i = 0; i < sizeof(attest.challenge); i++)
			attest.challenge[i] = (uint8_t)(i * 7 + c);
		struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = path,
					 .mem_size = VMM_MEM_DEFAULT, .cpus = cases[c].cpus,
					 .hash_algo = cases[c].hash_algo, .cpak = cpak };
		struct vmm_io io = { .console = NULL, .capture = 1 << 16, .attest = &attest };
		struct vmm_run_result res;
		if (vmm_run(&o, &io, &res, err, sizeof(err)) != 0)
			fail_msg("attest: %s", err);
		expect_success(&res);
		expect_output(&res, "attest: token handed to the host");

		struct vmm_measurement m;
		assert_int_equal(vmm_measure(&o, &m, err, sizeof(err)), 0);
		char *json = vmm_measurement_refvals_json(&m);
		struct ccakit_token *t;
		struct ccakit_cpak *k;
		struct ccakit_refvals *rv;
		assert_int_equal(ccakit_token_load(token, &t, err, sizeof(err)), CCAKIT_TOKEN_OK);
		assert_int_equal(ccakit_cpak_load(cpak, &k, err, sizeof(err)), CCAKIT_TOKEN_OK);
		assert_int_equal(ccakit_refvals_parse(json, strlen(json), &rv, err, sizeof(err)),
				 CCAKIT_TOKEN_OK);
		if (ccakit_token_verify(t, k, NULL, NULL, err, sizeof(err)) != CCAKIT_TOKEN_OK)
			fail_msg("not verified: %s", err);
		assert_memory_equal(t->realm.challenge.ptr, attest.challenge,
				    sizeof(attest.challenge));
		assert_int_equal(t->realm.initial_measurement.len, m.rim_len);
		assert_memory_equal(t->realm.initial_measurement.ptr, m.rim, m.rim_len);
		if (ccakit_token_appraise(t, rv, NULL, err, sizeof(err)) != CCAKIT_TOKEN_OK)
			fail_msg("not appraised: %s", err);
		ccakit_refvals_free(rv);
		ccakit_cpak_free(k);
		ccakit_token_free(t);
		free(json);
		vmm_run_result_free(&res);
	}
	unlink(token);
	unlink(cpak);
	rmdir(dir);
}

static void a_missing_image_is_a_clear_error(void **state)
{
	(void)state;
	struct vmm_options o = { .mode = VMM_MODE_REALM, .kernel = "/nonexistent/guest.elf",
				 .mem_size = VMM_MEM_DEFAULT, .cpus = 1 };
	struct vmm_io io = { 0 };
	struct vmm_run_result res;
	char err[VMM_RUN_ERR_MAX];
	assert_int_not_equal(vmm_run(&o, &io, &res, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/guest.elf"));
	vmm_run_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hello_prints_its_realm_config_and_exits_0),
		cmocka_unit_test(hello_reports_sha512_realms),
		cmocka_unit_test(measure_extends_rem0_as_tf_rmm_does),
		cmocka_unit_test(mmio_accesses_of_every_width_are_emulated),
		cmocka_unit_test(faults_take_the_injected_external_aborts),
		cmocka_unit_test(ripas_shares_a_page_with_the_host_and_takes_it_back),
		cmocka_unit_test(smp_brings_every_vcpu_online),
		cmocka_unit_test(rsi_errors_gets_the_specified_status_for_each_bad_call),
		cmocka_unit_test(sleep_wakes_on_the_virtual_timer_after_the_time_asked),
		cmocka_unit_test(highva_runs_from_the_upper_half_of_the_address_space),
		cmocka_unit_test(attest_token_verifies_and_matches_what_measure_predicts),
		cmocka_unit_test(a_missing_image_is_a_clear_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
