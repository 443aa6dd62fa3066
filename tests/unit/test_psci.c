/* PSCI for realms, black-box: the realm's own code makes each call (the
 * agent, tests/support/agent.h) and the host sees only RMI. What the RMM
 * answers itself, what it forwards to the host as a PSCI exit, and how
 * RMI_PSCI_COMPLETE and REC_ENTER see the result (spec notes, end of
 * section 4). */
#include "harness.h"

#include "agent.h"
#include "ccakit/abi/psci.h"
#include "ccakit/abi/rsi.h"

#define NEG(v) ((uint64_t)(int64_t)(v))

/* The agent's realm with three RECs, REC 0 running, 1 and 2 off. */
static struct tmach *live;

static void fx_open(struct tagent *a)
{
	live = tm_create(32 * MIB, 1);
	ta_build(a, live, 1, 3, 1);
	ta_activate(a);
}

static void fx_close(struct tagent *a)
{
	ta_teardown(a);
	tm_destroy(live);
	live = NULL;
}

static int teardown(void **state)
{
	(void)state;
	if (live)
		tm_destroy(live);
	live = NULL;
	return 0;
}

/* A call answered in place: no exit, X0 back. */
static uint64_t in_place(struct tagent *a, unsigned i, uint64_t fid, uint64_t a1, uint64_t a2,
			 uint64_t a3)
{
	return ta_smc(a, i, fid, a1, a2, a3, 0, NULL);
}

/* A call forwarded to the host: a PSCI exit with the FID and the target. */
static void forwarded(struct tagent *a, unsigned i, uint64_t fid, uint64_t a1, uint64_t a2,
		      uint64_t a3)
{
	const struct rmi_rec_exit *e =
		ta_cmd(a, i, AGENT_SMC, (const uint64_t[8]){ fid, a1, a2, a3 });
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	assert_int_equal(e->gprs[0], fid);
	if (fid == PSCI_CPU_ON || fid == PSCI_AFFINITY_INFO)
		assert_int_equal(e->gprs[1], a1);
	for (unsigned k = 2; k < RMI_REC_RUN_GPRS; k++)
		assert_int_equal(e->gprs[k], 0);
}

/* X0 of the call REC i made, once the host enters it again. */
static uint64_t answer(struct tagent *a, unsigned i)
{
	ta_resume(a, i, 0);
	assert_true(a->at_doorbell[i]);
	return ta_mbox(a, i)->r[0];
}

static void expect_not_enterable(struct tagent *a, unsigned i)
{
	ta_enter_prepare(a, i, REC_ENTRY_FLAG_TRAP_WFI);
	assert_rmi(ta_enter_go(a, 0, i), RMI_ERROR_REC, 0);
}

/* REC 0 starts REC i (CPU_ON at the agent, its mailbox as context). */
static void start(struct tagent *a, unsigned i)
{
	forwarded(a, 0, PSCI_CPU_ON, rmi_rec_index_to_mpidr(i), AGENT_CODE_IPA, ta_mbox_ipa(a, i));
	assert_rmi(rmi(a->t, RMI_PSCI_COMPLETE, 3, a->rec[0], a->rec[i], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(answer(a, 0), PSCI_SUCCESS);
}

static void version_features_and_unknown_calls_are_answered_in_place(void **state)
{
	(void)state;
	struct tagent a;
	fx_open(&a);
	assert_int_equal(in_place(&a, 0, PSCI_VERSION, 0, 0, 0), PSCI_VERSION_1_1);
	static const uint32_t offered[] = { PSCI_VERSION, PSCI_FEATURES, PSCI_CPU_SUSPEND,
					    PSCI_CPU_OFF, PSCI_CPU_ON, PSCI_AFFINITY_INFO,
					    PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET };
	for (unsigned i = 0; i < ARRAY_SIZE(offered); i++)
		assert_int_equal(in_place(&a, 0, PSCI_FEATURES, offered[i], 0, 0), PSCI_SUCCESS);
	/* SYSTEM_SUSPEND (0x84000010) is not offered, nor answered. */
	assert_int_equal(in_place(&a, 0, PSCI_FEATURES, 0x84000010, 0, 0), NEG(PSCI_NOT_SUPPORTED));
	assert_int_equal(in_place(&a, 0, 0x84000010, 0, 0, 0), NEG(PSCI_NOT_SUPPORTED));
	assert_int_equal(in_place(&a, 0, 0xC400001F, 0, 0, 0), NEG(PSCI_NOT_SUPPORTED));
	/* An RSI call is not PSCI: RSI_VERSION gets its own answer. */
	uint64_t out[4];
	assert_int_equal(ta_smc(&a, 0, RSI_VERSION, RSI_ABI_VERSION, 0, 0, 0, out), RSI_SUCCESS);
	assert_int_equal(out[1], RSI_ABI_VERSION);
	fx_close(&a);
}

static void cpu_on_is_forwarded_and_completed_by_the_host(void **state)
{
	(void)state;
	struct tagent a;
	fx_open(&a);
	forwarded(&a, 0, PSCI_CPU_ON, rmi_rec_index_to_mpidr(1), AGENT_CODE_IPA, ta_mbox_ipa(&a, 1));
	/* Entering the caller now fails: its PSCI request is pending. */
	expect_not_enterable(&a, 0);
	expect_not_enterable(&a, 1);
	/* The host accepts: REC 1 starts at the entry point with the context
	 * in X0 (its agent answers on that mailbox); the caller gets SUCCESS. */
	assert_rmi(rmi(a.t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(answer(&a, 0), PSCI_SUCCESS);
	ta_check_data(&a, 1);
	/* Asking again for a REC that is on: the host is told, the realm gets
	 * ALREADY_ON. */
	forwarded(&a, 0, PSCI_CPU_ON, rmi_rec_index_to_mpidr(1), AGENT_CODE_IPA, ta_mbox_ipa(&a, 1));
	assert_rmi(rmi(a.t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(answer(&a, 0), NEG(PSCI_ALREADY_ON));
	fx_close(&a);
}

static void cpu_on_arguments_are_checked_by_the_rmm(void **state)
{
	(void)state;
	struct tagent a;
	fx_open(&a);
	const uint64_t unprotected = ta_ns_base(&a);
	/* Entry not in the protected range. */
	assert_int_equal(in_place(&a, 0, PSCI_CPU_ON, 1, unprotected, 0), NEG(PSCI_INVALID_ADDRESS));
	/* No such REC; a bit outside RmiRecMpidr. */
	assert_int_equal(in_place(&a, 0, PSCI_CPU_ON, 3, AGENT_CODE_IPA, 0),
			 NEG(PSCI_INVALID_PARAMETERS));
	assert_int_equal(in_place(&a, 0, PSCI_CPU_ON, 0x80000001, AGENT_CODE_IPA, 0),
			 NEG(PSCI_INVALID_PARAMETERS));
	/* Itself. */
	assert_int_equal(in_place(&a, 0, PSCI_CPU_ON, 0, AGENT_CODE_IPA, 0), NEG(PSCI_ALREADY_ON));
	/* None of them left a request for the host: REC 0 runs on, REC 1 is
	 * still off. */
	ta_check_data(&a, 0);
	expect_not_enterable(&a, 1);
	fx_close(&a);
}

static void affinity_info_of_others_goes_through_the_host(void **state)
{
	(void)state;
	struct tagent a;
	fx_open(&a);
	/* Lowest affinity level 1; an unknown MPIDR; itself: answered here. */
	assert_int_equal(in_place(&a, 0, PSCI_AFFINITY_INFO, 0, 1, 0), NEG(PSCI_INVALID_PARAMETERS));
	assert_int_equal(in_place(&a, 0, PSCI_AFFINITY_INFO, 5, 0, 0), NEG(PSCI_INVALID_PARAMETERS));
	assert_int_equal(in_place(&a, 0, PSCI_AFFINITY_INFO, 0, 0, 0), PSCI_AFFINITY_ON);
	/* Another REC: the host answers, with SUCCESS only; the realm learns
	 * whether it is on. */
	forwarded(&a, 0, PSCI_AFFINITY_INFO, rmi_rec_index_to_mpidr(2), 0, 0);
	assert_rmi(rmi(a.t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[2], NEG(PSCI_DENIED)),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(a.t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[2], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(answer(&a, 0), PSCI_AFFINITY_OFF);
	start(&a, 2);
	forwarded(&a, 0, PSCI_AFFINITY_INFO, rmi_rec_index_to_mpidr(2), 0, 0);
	assert_rmi(rmi(a.t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[2], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(answer(&a, 0), PSCI_AFFINITY_ON);
	fx_close(&a);
}

static void cpu_off_and_suspend_notify_the_host(void **state)
{
	(void)state;
	struct tagent a;
	fx_open(&a);
	start(&a, 1);
	/* CPU_SUSPEND: a notification; the REC goes on with SUCCESS. */
	forwarded(&a, 1, PSCI_CPU_SUSPEND, 0, 0, 0);
	assert_int_equal(answer(&a, 1), PSCI_SUCCESS);
	/* CPU_OFF: the REC is off for the host too (rec_runnable). */
	forwarded(&a, 1, PSCI_CPU_OFF, 0, 0, 0);
	expect_not_enterable(&a, 1);
	/* Only a CPU_ON brings it back, at the new entry point. */
	start(&a, 1);
	ta_check_data(&a, 1);
	fx_close(&a);
}

static void system_off_stops_the_realm(void **state)
{
	(void)state;
	static const uint32_t fids[] = { PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET };
	for (unsigned i = 0; i < 2; i++) {
		struct tagent a;
		fx_open(&a);
		start(&a, 1);
		/* From any REC, for every REC: system_off, (REALM, 1). */
		forwarded(&a, 1, fids[i], 0, 0, 0);
		for (unsigned r = 0; r < 3; r++) {
			ta_enter_prepare(&a, r, REC_ENTRY_FLAG_TRAP_WFI);
			assert_rmi(ta_enter_go(&a, 0, r), RMI_ERROR_REALM, 1);
		}
		fx_close(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(version_features_and_unknown_calls_are_answered_in_place,
					  teardown),
		cmocka_unit_test_teardown(cpu_on_is_forwarded_and_completed_by_the_host, teardown),
		cmocka_unit_test_teardown(cpu_on_arguments_are_checked_by_the_rmm, teardown),
		cmocka_unit_test_teardown(affinity_info_of_others_goes_through_the_host, teardown),
		cmocka_unit_test_teardown(cpu_off_and_suspend_notify_the_host, teardown),
		cmocka_unit_test_teardown(system_off_stops_the_realm, teardown),
	};
	return cmocka_run_group_tests_name("psci", tests, NULL, NULL);
}
