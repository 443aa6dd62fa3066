/* A realm's access through an unprotected IPA to a granule that is not NS
 * in the GPT: a granule protection fault, precise, as the hardware raises
 * it. The host delegates a granule it has mapped unprotected (or maps one
 * already delegated); the agent's next access there ends in a REC exit
 * whose syndrome, FAR and HPFAR are those of that very load, the code
 * before the load in its translation block has run exactly once (the
 * agent's AGENT_COUNTED_LOAD counts it), the realm never sees the granule's
 * contents, and after INJECT_SEA it takes the abort and runs on intact.
 * Black-box: RMI only, the realm being the agent (tests/support/agent.h). */
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "agent.h"
#include "harness.h"
#include "invariants.h"

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_FSC(esr) ((esr) & 0x3f)
#define ESR_ISV (UINT64_C(1) << 24)
#define ESR_SAS(esr) (((esr) >> 22) & 3)
#define ESR_SF (UINT64_C(1) << 15)
#define ESR_WNR (UINT64_C(1) << 6)
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define FSC_SEA 0x10
#define FSC_GPF 0x28
#define L2_SIZE (UINT64_C(2) << 20)
#define NS_ATTRS (UINT64_C(6) << 2 | UINT64_C(3) << 6) /* Normal WB, read-write */
#define WORD UINT64_C(0x5eed00c0ffee0001)

/* An unprotected IPA of the agent's realm, away from its mailboxes. */
static uint64_t ns_ipa(const struct tagent *a, unsigned n)
{
	return ta_ns_base(a) + 4 * L2_SIZE + n * GRANULE_SIZE;
}

static void map_page(struct tmach *t, struct tagent *a, uint64_t ipa, uint64_t pa)
{
	tm_rtt_map_to(t, &a->r, ipa, 3);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, a->r.rd, ipa, UINT64_C(3), pa | NS_ATTRS),
		   RMI_SUCCESS, 0);
}

/* RTT_READ_ENTRY says ASSIGNED with the host's desc: an entry the granule
 * protection check holds is still the valid mapping the host made. */
static void expect_entry(struct tmach *t, struct tagent *a, uint64_t ipa, int level, uint64_t pa)
{
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, a->r.rd, ipa, (uint64_t)level), RMI_SUCCESS,
		   0);
	assert_int_equal(o.x[0], (uint64_t)level);
	assert_int_equal(o.x[1], RMI_ASSIGNED);
	assert_int_equal(o.x[2], pa | NS_ATTRS);
	assert_int_equal(o.x[3], RIPAS_EMPTY);
}

/* AGENT_COUNTED_LOAD at ipa completes: the value, and the count once. */
static void expect_load(struct tagent *a, uint64_t ipa, uint64_t value)
{
	uint64_t r = ta_do(a, 0, AGENT_COUNTED_LOAD, ipa, 0);
	assert_int_equal(r, value);
	assert_int_equal(ta_mbox(a, 0)->steps, 1);
}

/* AGENT_COUNTED_LOAD at ipa faults as a granule protection fault would:
 * the exit describes that 64-bit load (ISV, SAS, SF, a read) at that IPA,
 * the code before it ran once; INJECT_SEA gives the realm the abort at
 * the load, which its vector skips. */
static void expect_precise_gpf(struct tagent *a, uint64_t ipa)
{
	struct agent_mbox *m = ta_mbox(a, 0);
	const uint64_t args[8] = { ipa };
	const struct rmi_rec_exit *e = ta_cmd(a, 0, AGENT_COUNTED_LOAD, args);
	if (e->exit_reason != RMI_EXIT_SYNC || ESR_EC(e->esr) != EC_DABT_LOW ||
	    ESR_FSC(e->esr) != FSC_GPF || e->hpfar != (ipa >> 12) << 4)
		fail_msg("expected a GPF at IPA 0x%llx: exit reason %llu, ESR 0x%llx, HPFAR 0x%llx, "
			 "FAR 0x%llx",
			 (unsigned long long)ipa, (unsigned long long)e->exit_reason,
			 (unsigned long long)e->esr, (unsigned long long)e->hpfar,
			 (unsigned long long)e->far);
	assert_true(e->esr & ESR_ISV);
	assert_int_equal(ESR_SAS(e->esr), 3);
	assert_true(e->esr & ESR_SF);
	assert_false(e->esr & ESR_WNR);
	assert_int_equal(e->far, ipa & (GRANULE_SIZE - 1));
	assert_int_equal(m->steps, 1);

	e = ta_resume(a, 0, REC_ENTRY_FLAG_INJECT_SEA);
	assert_true(ta_is_doorbell(a, 0, e));
	assert_int_equal(m->exc_count, 1);
	assert_int_equal(ESR_EC(m->exc_esr), EC_DABT_CUR);
	assert_int_equal(ESR_FSC(m->exc_esr), FSC_SEA);
	assert_int_equal(m->exc_far, ipa); /* the MMU is off: VA == IPA */
	assert_int_equal(m->steps, 1);
	assert_int_equal(m->r[0], 0); /* the load never completed */
	ta_check_data(a, 0);
}

/* A known page of DATA in a second (NEW) realm, at a granule the test has
 * delegated. */
static void data_into(struct tmach *t, struct trealm *r, uint64_t data, uint64_t word)
{
	static uint64_t words[GRANULE_SIZE / 8];
	for (unsigned i = 0; i < ARRAY_SIZE(words); i++)
		words[i] = word + i;
	uint64_t src = tm_granule(t);
	memcpy(tm_ptr(t, src), words, sizeof(words));
	tm_rtt_map_to(t, r, 0, 3);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r->rd, UINT64_C(0), GRANULE_SIZE), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r->rd, data, UINT64_C(0), src,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	tm_realm_track_data(r, 0, data);
}

static void delegating_a_mapped_page_makes_the_access_a_precise_gpf(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	const uint64_t ipa = ns_ipa(&a, 0), pa = tm_granule(t);
	*(uint64_t *)tm_ptr(t, pa + 0x18) = WORD;
	map_page(t, &a, ipa, pa);
	expect_load(&a, ipa + 0x18, WORD);

	/* The host delegates the page it still has mapped, and another realm
	 * holds its secret there. */
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	struct trealm other;
	tm_realm_create(t, &other, 40, 1, 2);
	data_into(t, &other, pa, WORD);
	expect_entry(t, &a, ipa, 3, pa);
	expect_precise_gpf(&a, ipa + 0x18);
	tm_check_invariants(t);

	/* Undelegated again (the other realm torn down), the same access
	 * reads what the host puts there. */
	tm_realm_teardown(t, &other);
	*(uint64_t *)tm_ptr(t, pa + 0x18) = WORD + 1;
	expect_load(&a, ipa + 0x18, WORD + 1);
	expect_entry(t, &a, ipa, 3, pa);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, a.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	ta_close(t, &a);
}

static void mapping_a_delegated_granule_unprotected_faults_precisely(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	const uint64_t ipa = ns_ipa(&a, 1), pa = tm_delegated(t);
	map_page(t, &a, ipa, pa);
	expect_entry(t, &a, ipa, 3, pa);
	expect_precise_gpf(&a, ipa + 0x40);
	/* Secure and Root granules are never NS either. */
	const uint64_t others[] = { tm_secure(t), tm_root(t) };
	for (unsigned i = 0; i < ARRAY_SIZE(others); i++) {
		map_page(t, &a, ipa + (i + 1) * GRANULE_SIZE, others[i]);
		expect_precise_gpf(&a, ipa + (i + 1) * GRANULE_SIZE + 8);
	}
	tm_check_invariants(t);
	for (unsigned i = 0; i < 3; i++)
		assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, a.r.rd, ipa + i * GRANULE_SIZE,
			       UINT64_C(3)),
			   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	ta_close(t, &a);
}

/* 512 NS granules, 2 MiB aligned, each holding its index at offset 8. */
static uint64_t ns_block(struct tmach *t)
{
	while (t->next & (L2_SIZE - 1))
		tm_granule(t);
	uint64_t base = t->next;
	for (unsigned i = 0; i < 512; i++)
		*(uint64_t *)tm_ptr(t, tm_granule(t) + 8) = WORD + i;
	return base;
}

/* The block's pages: loads read the host's values, a store lands, and
 * page `held` (delegated) faults precisely. */
static void expect_block(struct tmach *t, struct tagent *a, uint64_t ipa, uint64_t pa,
			 unsigned held)
{
	const unsigned pages[] = { 0, held - 1, held + 1, 511 };
	for (unsigned i = 0; i < ARRAY_SIZE(pages); i++)
		expect_load(a, ipa + pages[i] * GRANULE_SIZE + 8, WORD + pages[i]);
	ta_do(a, 0, AGENT_STORE, ipa + (held + 2) * GRANULE_SIZE + 16, WORD);
	assert_int_equal(*(uint64_t *)tm_ptr(t, pa + (held + 2) * GRANULE_SIZE + 16), WORD);
	*(uint64_t *)tm_ptr(t, pa + (held + 2) * GRANULE_SIZE + 16) = 0;
	expect_precise_gpf(a, ipa + held * GRANULE_SIZE + 8);
}

static void a_block_with_one_delegated_granule_faults_only_there(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	struct rmi_out o;
	ta_open_active(&t, &a, 1);
	const uint64_t ipa = ta_ns_base(&a) + 2 * L2_SIZE, pa = ns_block(t);
	const unsigned held = 7;
	tm_rtt_map_to(t, &a.r, ipa, 2);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, a.r.rd, ipa, UINT64_C(2), pa | NS_ATTRS),
		   RMI_SUCCESS, 0);
	expect_load(&a, ipa + held * GRANULE_SIZE + 8, WORD + held);

	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa + held * GRANULE_SIZE), RMI_SUCCESS, 0);
	expect_entry(t, &a, ipa, 2, pa);
	expect_block(t, &a, ipa, pa, held);
	tm_check_invariants(t);

	/* Unfolded into pages, only the delegated one is held; folded back,
	 * the block is held again. */
	uint64_t rtt = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, a.r.rd, rtt, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	expect_entry(t, &a, ipa + held * GRANULE_SIZE, 3, pa + held * GRANULE_SIZE);
	expect_block(t, &a, ipa, pa, held);
	tm_check_invariants(t);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, a.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rtt), RMI_SUCCESS, 0);
	expect_entry(t, &a, ipa, 2, pa);
	expect_block(t, &a, ipa, pa, held);

	/* Undelegated, the whole block is the host's memory again. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa + held * GRANULE_SIZE), RMI_SUCCESS, 0);
	*(uint64_t *)tm_ptr(t, pa + held * GRANULE_SIZE + 8) = WORD + held;
	expect_load(&a, ipa + held * GRANULE_SIZE + 8, WORD + held);
	tm_check_invariants(t);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, a.r.rd, ipa, UINT64_C(2)), RMI_SUCCESS, 0);
	ta_close(t, &a);
}

/* ---- DELEGATE while the realm is using the page, from another PE ---- */

/* REC 0 of the agent run on PE 0 by a thread of its own, re-entered after
 * every preemption, until any other exit. */
struct looper {
	struct tagent *a;
	pthread_t thread;
	bool done;        /* set (release) once exit and x0 hold the result */
	uint64_t x0;
	struct rmi_rec_exit exit;
};

static void *loop_main(void *arg)
{
	struct looper *l = arg;
	const struct rmi_rec_exit *e = &ta_run(l->a, 0)->exit;
	for (;;) {
		l->x0 = ta_enter_raw(l->a, 0, 0);
		if (l->x0 != rmi_return(RMI_SUCCESS, 0) || e->exit_reason != RMI_EXIT_IRQ)
			break;
		ta_enter_prepare(l->a, 0, REC_ENTRY_FLAG_TRAP_WFI);
	}
	l->exit = *e;
	__atomic_store_n(&l->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static uint64_t spins(struct tagent *a)
{
	return __atomic_load_n(&ta_mbox(a, 0)->spins, __ATOMIC_ACQUIRE);
}

/* The agent loads from an unprotected page in a loop on PE 0 while the
 * host, on PE 1, delegates the page and gives it back, round after round.
 * DELEGATE returns only once no engine can use the old translation: after
 * it the realm completes at most the loop iteration it was in, never
 * another load; its next load is a precise GPF exit at that IPA, and every
 * value it read was the host's. Undelegated, the same load, re-executed on
 * entry, reads the page again. */
static void delegate_while_the_realm_loads_from_another_pe(void **state)
{
	(void)state;
	enum { ROUNDS = 8, LOADS_FIRST = 200 };
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	const uint64_t ipa = ns_ipa(&a, 0), pa = tm_granule(t);
	struct agent_mbox *m = ta_mbox(&a, 0);
	map_page(t, &a, ipa, pa);
	ta_post(&a, 0, AGENT_LOAD_LOOP, (const uint64_t[8]){ ipa + 0x18 });

	for (unsigned round = 0; round < ROUNDS; round++) {
		*(uint64_t *)tm_ptr(t, pa + 0x18) = WORD + round;
		ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI); /* completes the doorbell once */
		struct looper l = { .a = &a };
		uint64_t from = spins(&a);
		assert_int_equal(pthread_create(&l.thread, NULL, loop_main, &l), 0);
		double end = ta_now_s() + 10;
		while (spins(&a) < from + LOADS_FIRST && !__atomic_load_n(&l.done, __ATOMIC_ACQUIRE) &&
		       ta_now_s() < end)
			sched_yield();
		bool loading = spins(&a) >= from + LOADS_FIRST;

		uint64_t x0 = rmi_pe(t, 1, NULL, RMI_GRANULE_DELEGATE, 1, pa);
		uint64_t after = spins(&a);
		end = ta_now_s() + 10;
		while (!__atomic_load_n(&l.done, __ATOMIC_ACQUIRE) && ta_now_s() < end)
			sched_yield();
		if (!__atomic_load_n(&l.done, __ATOMIC_ACQUIRE))
			__atomic_store_n(&m->op, AGENT_NOP, __ATOMIC_RELEASE); /* end a runaway loop */
		pthread_join(l.thread, NULL);

		assert_true(loading);
		assert_rmi(x0, RMI_SUCCESS, 0);
		assert_rmi(l.x0, RMI_SUCCESS, 0);
		if (l.exit.exit_reason != RMI_EXIT_SYNC || ESR_FSC(l.exit.esr) != FSC_GPF ||
		    l.exit.hpfar != ((ipa + 0x18) >> 12) << 4)
			fail_msg("round %u: expected a GPF at IPA 0x%llx: exit reason %llu, ESR 0x%llx, "
				 "HPFAR 0x%llx",
				 round, (unsigned long long)(ipa + 0x18),
				 (unsigned long long)l.exit.exit_reason,
				 (unsigned long long)l.exit.esr, (unsigned long long)l.exit.hpfar);
		assert_true(l.exit.esr & ESR_ISV);
		assert_int_equal(l.exit.far, 0x18);
		if (spins(&a) > after + 1)
			fail_msg("round %u: %llu loads completed after DELEGATE returned", round,
				 (unsigned long long)(spins(&a) - after));
		assert_int_equal(m->r[0], WORD + round);

		assert_rmi(rmi_pe(t, 1, NULL, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
		tm_check_invariants(t);
	}
	/* The agent leaves its loop at its next load, which works again. */
	*(uint64_t *)tm_ptr(t, pa + 0x18) = WORD;
	__atomic_store_n(&m->op, AGENT_NOP, __ATOMIC_RELEASE);
	assert_true(ta_is_doorbell(&a, 0, ta_resume(&a, 0, 0)));
	assert_int_equal(m->r[0], WORD);
	ta_check_data(&a, 0);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, a.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	ta_close(t, &a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(delegating_a_mapped_page_makes_the_access_a_precise_gpf, ta_test_teardown),
		cmocka_unit_test_teardown(mapping_a_delegated_granule_unprotected_faults_precisely, ta_test_teardown),
		cmocka_unit_test_teardown(a_block_with_one_delegated_granule_faults_only_there, ta_test_teardown),
		cmocka_unit_test_teardown(delegate_while_the_realm_loads_from_another_pe, ta_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
