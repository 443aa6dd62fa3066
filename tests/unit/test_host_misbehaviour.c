/* A host that misbehaves towards a realm whose code really runs: it tampers
 * with the entry part of RmiRecRun, enters RECs it may not enter, answers
 * PSCI and RIPAS requests for the wrong REC, maps unprotected memory over
 * protected IPAs and takes memory away from a running realm. Black-box:
 * RMI only, the realm being the agent (tests/support/agent.h). Each attempt
 * gets the status the spec's failure conditions give, in their order
 * (spec/rmm-1.0.md section 2), and the realm runs on afterwards with its
 * memory intact: its own code sums its data pages to what they were built
 * with. */
#include <string.h>

#include "agent.h"
#include "harness.h"
#include "invariants.h"

#include "ccakit/abi/psci.h"
#include "ccakit/abi/rsi.h"

#define NEG(v) ((uint64_t)(int64_t)(v))
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISV (UINT64_C(1) << 24)
#define ESR_FSC(esr) ((esr) & 0x3f)
#define EC_WFX 0x01
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define FSC_SEA 0x10
#define LR_PENDING (UINT64_C(1) << ICH_LR_STATE_SHIFT)

/* The exit part of a run page, to show a failed REC_ENTER wrote nothing. */
static void exit_poison(struct rmi_rec_run *run)
{
	memset(&run->exit, 0xa5, sizeof(run->exit));
}

static void exit_untouched(const struct rmi_rec_run *run)
{
	const uint8_t *b = (const uint8_t *)&run->exit;
	for (size_t i = 0; i < sizeof(run->exit); i++)
		if (b[i] != 0xa5)
			fail_msg("a failed REC_ENTER wrote exit byte 0x%zx", i);
}

/* REC_ENTER of REC 0 with its entry part changed by fn(enter, k): refused
 * with RMI_ERROR_REC (rec_gicv3 or rec_mmio), nothing run, nothing written
 * back. */
static void expect_rec_error(struct tagent *a, void (*fn)(struct rmi_rec_enter *, unsigned),
			     unsigned k)
{
	struct rmi_rec_enter *enter = ta_enter_prepare(a, 0, REC_ENTRY_FLAG_TRAP_WFI);
	fn(enter, k);
	exit_poison(ta_run(a, 0));
	bool doorbell = a->at_doorbell[0];
	assert_rmi(ta_enter_go(a, 0, 0), RMI_ERROR_REC, 0);
	exit_untouched(ta_run(a, 0));
	assert_int_equal(a->at_doorbell[0], doorbell);
}

/* ---- the entry part of RmiRecRun ---- */

/* gicv3_hcr: only UIE, LRENPIE, NPIE, VGrp0EIE, VGrp0DIE, VGrp1EIE,
 * VGrp1DIE (bits 1-7) and TDIR (bit 14) are the host's (rec_gicv3). */
static const uint64_t bad_hcrs[] = {
	UINT64_C(1) << 0,  /* En: the RMM's to set */
	UINT64_C(1) << 8,  /* TALL0 */
	UINT64_C(1) << 10, /* TC */
	UINT64_C(1) << 13, /* TSEI */
	UINT64_C(1) << 27, /* EOIcount */
	UINT64_C(1) << 63,
};

static void set_bad_hcr(struct rmi_rec_enter *e, unsigned k)
{
	e->gicv3_hcr = bad_hcrs[k] | UINT64_C(0x2); /* with an allowed bit */
}

static void rec_enter_refuses_a_gicv3_hcr_with_bits_not_the_hosts(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	ta_post(&a, 0, AGENT_SUM, (const uint64_t[8]){ AGENT_DATA_IPA, 2 * GRANULE_SIZE });
	for (unsigned k = 0; k < ARRAY_SIZE(bad_hcrs); k++)
		expect_rec_error(&a, set_bad_hcr, k);
	/* Every allowed bit at once is fine, and the command posted before
	 * the refused entries is done once. */
	ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI)->gicv3_hcr = RMI_GICV3_HCR_ALLOWED;
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(ta_mbox(&a, 0)->r[0], ta_data_sum(&a));
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

/* The number of list registers the RMM implements (RmiFeatureRegister0). */
static unsigned num_lrs(struct tmach *t)
{
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_FEATURES, 1, UINT64_C(0)), RMI_SUCCESS, 0);
	return (unsigned)((o.x[0] >> RMI_FEAT0_GICV3_NUM_LRS_SHIFT) & 0xf) + 1;
}

/* List registers in use (state not invalid) must have HW = 0, no pINTID
 * bits but EOI, RES0 bits zero, a valid vINTID, no vINTID twice; those
 * beyond the implemented count must be zero (rec_gicv3). */
static unsigned bad_lr_nlrs;

static void set_bad_lr(struct rmi_rec_enter *e, unsigned k)
{
	const uint64_t pend = LR_PENDING | ICH_LR_GROUP | UINT64_C(0xa0) << ICH_LR_PRIORITY_SHIFT;
	switch (k) {
	case 0: e->gicv3_lrs[0] = pend | ICH_LR_HW | 40; break;
	case 1: e->gicv3_lrs[0] = pend | UINT64_C(5) << ICH_LR_PINTID_SHIFT | 40; break;
	case 2: e->gicv3_lrs[0] = pend | UINT64_C(1) << 56 | 40; break; /* RES0 [59:56] */
	case 3: e->gicv3_lrs[0] = pend | UINT64_C(1) << 45 | 40; break; /* RES0 [47:42] */
	case 4: e->gicv3_lrs[1] = pend | 1020; break;                   /* special INTIDs */
	case 5: e->gicv3_lrs[1] = pend | 1023; break;
	case 6: e->gicv3_lrs[1] = pend | 5000; break;                   /* reserved range */
	case 7: e->gicv3_lrs[1] = pend | UINT64_C(1) << 24; break;      /* beyond 24 bits */
	case 8: /* the same vINTID twice, pending in one LR and active in another */
		e->gicv3_lrs[0] = pend | 40;
		e->gicv3_lrs[3] = (UINT64_C(2) << ICH_LR_STATE_SHIFT) | ICH_LR_GROUP | 40;
		break;
	case 9: /* an LR the RMM does not implement */
		e->gicv3_lrs[bad_lr_nlrs] = pend | 41;
		break;
	}
}

static void rec_enter_refuses_invalid_list_registers(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	bad_lr_nlrs = num_lrs(t);
	unsigned cases = bad_lr_nlrs < RMI_GIC_MAX_LRS ? 10 : 9;
	ta_post(&a, 0, AGENT_SUM, (const uint64_t[8]){ AGENT_DATA_IPA, 2 * GRANULE_SIZE });
	for (unsigned k = 0; k < cases; k++)
		expect_rec_error(&a, set_bad_lr, k);

	/* Well-formed ones are taken, and come back in the exit record (the
	 * agent runs with interrupts masked: they stay pending). An LR not in
	 * use is not checked. */
	const uint64_t lr0 = LR_PENDING | ICH_LR_GROUP | UINT64_C(0xa0) << ICH_LR_PRIORITY_SHIFT | 27;
	const uint64_t lr1 = LR_PENDING | ICH_LR_EOI | 8192; /* an LPI */
	struct rmi_rec_enter *e = ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI);
	e->gicv3_lrs[0] = lr0;
	e->gicv3_lrs[1] = lr1;
	e->gicv3_lrs[2] = ICH_LR_HW | 27;
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	const struct rmi_rec_exit *x = &ta_run(&a, 0)->exit;
	assert_int_equal(x->gicv3_lrs[0], lr0);
	assert_int_equal(x->gicv3_lrs[1], lr1);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_int_equal(ta_mbox(&a, 0)->r[0], ta_data_sum(&a));
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

/* RmiRecEnter.flags bits 5..63 are reserved in 1.0 and no failure condition
 * of REC_ENTER names them: they are ignored. So is RIPAS_RESPONSE when no
 * RIPAS change waits for an answer. */
static void rec_enter_ignores_reserved_flags(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	const uint64_t reserved = ~UINT64_C(0x1f);
	for (unsigned round = 0; round < 3; round++) {
		ta_post(&a, 0, AGENT_SUM, (const uint64_t[8]){ AGENT_DATA_IPA, 2 * GRANULE_SIZE });
		ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI | REC_ENTRY_FLAG_RIPAS_RESPONSE |
						(reserved & ~(UINT64_C(1) << (5 + round))));
		assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
		if (!a.at_doorbell[0])
			ta_resume(&a, 0, 0);
		assert_true(a.at_doorbell[0]);
		assert_int_equal(ta_mbox(&a, 0)->r[0], ta_data_sum(&a));
	}
	/* With TRAP_WFI among them, a WFI still exits. */
	ta_post(&a, 0, AGENT_WFI, NULL);
	ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI | reserved);
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	assert_int_equal(ESR_EC(ta_run(&a, 0)->exit.esr), EC_WFX);
	ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

/* Junk in every enter.gprs[]. */
static void junk_gprs(struct rmi_rec_enter *e)
{
	for (unsigned k = 0; k < RMI_REC_RUN_GPRS; k++)
		e->gprs[k] = UINT64_C(0xdead000000000000) | k;
}

/* enter.gprs[] reach the realm only to complete an emulated MMIO read
 * (gprs[0], the loaded register) or a host call (gprs[0..30], into the
 * RsiHostCall): after any other exit the realm's registers are its own. */
static void rec_enter_ignores_gprs_unless_completing_a_read_or_host_call(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	struct agent_mbox *m = ta_mbox(&a, 0);
	const struct rmi_rec_exit *x = &ta_run(&a, 0)->exit;

	/* After a WFI exit: the agent goes on to its doorbell with the
	 * doorbell address (X27) and the value it rings (X9) its own. */
	const struct rmi_rec_exit *e = ta_cmd(&a, 0, AGENT_WFI, NULL);
	assert_int_equal(ESR_EC(e->esr), EC_WFX);
	junk_gprs(ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI));
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(x->gprs[0], AGENT_WFI);

	/* Completing an MMIO write (the doorbell) takes no gprs either. */
	ta_post(&a, 0, AGENT_SUM, (const uint64_t[8]){ AGENT_DATA_IPA, 2 * GRANULE_SIZE });
	junk_gprs(ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI));
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_int_equal(m->r[0], ta_data_sum(&a));

	/* An MMIO read takes gprs[0], and nothing else. */
	const uint64_t mmio = ta_ns_base(&a) + UINT64_C(0x300000);
	e = ta_cmd(&a, 0, AGENT_LOAD, (const uint64_t[8]){ mmio });
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
	assert_true(e->esr & ESR_ISV);
	assert_int_equal(e->hpfar, mmio >> 8);
	struct rmi_rec_enter *en = ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI |
							   REC_ENTRY_FLAG_EMUL_MMIO);
	junk_gprs(en);
	en->gprs[0] = UINT64_C(0x1122334455667788);
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], UINT64_C(0x1122334455667788));

	/* A host call: the answer goes into the realm's RsiHostCall; its
	 * registers keep what the call left (X1 = the structure's IPA). */
	const uint64_t hc = AGENT_SCRATCH_IPA + 0x100;
	e = ta_cmd(&a, 0, AGENT_SMC, (const uint64_t[8]){ RSI_HOST_CALL, hc, 0x33, 0x44 });
	assert_int_equal(e->exit_reason, RMI_EXIT_HOST_CALL);
	en = ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI);
	for (unsigned k = 0; k < RMI_REC_RUN_GPRS; k++)
		en->gprs[k] = 0x1000 + k;
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], RSI_SUCCESS);
	assert_int_equal(m->r[1], hc);
	assert_int_equal(m->r[2], 0x33);
	assert_int_equal(m->r[3], 0x44);
	assert_int_equal(ta_do(&a, 0, AGENT_LOAD, hc + 8, 0), 0x1000);       /* gprs[0] */
	assert_int_equal(ta_do(&a, 0, AGENT_LOAD, hc + 8 * 31, 0), 0x1000 + 30); /* gprs[30] */
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

static void set_emul_mmio(struct rmi_rec_enter *e, unsigned k)
{
	static const uint64_t flags[] = { REC_ENTRY_FLAG_EMUL_MMIO, REC_ENTRY_FLAG_INJECT_SEA,
					  REC_ENTRY_FLAG_EMUL_MMIO | REC_ENTRY_FLAG_INJECT_SEA };
	e->flags = REC_ENTRY_FLAG_TRAP_WFI | flags[k];
}

/* EMUL_MMIO needs an emulatable data abort as the last exit (rec_mmio),
 * INJECT_SEA a data abort at an unprotected IPA: after a WFI exit, a PSCI
 * exit, or an abort at a protected IPA both are refused (RMI_ERROR_REC),
 * and the REC goes on as if they had not been asked. */
static void rec_enter_refuses_emul_mmio_and_inject_sea_without_an_unprotected_abort(void **state)
{
	(void)state;
	struct tmach *t = ta_machine();
	struct tagent a;
	ta_build(&a, t, 1, 1, 2);
	/* A page of RIPAS RAM the host has not given memory yet. */
	const uint64_t hole = AGENT_DATA_IPA + 2 * GRANULE_SIZE;
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, a.r.rd, hole, hole + GRANULE_SIZE), RMI_SUCCESS, 0);
	ta_activate(&a);
	struct agent_mbox *m = ta_mbox(&a, 0);

	/* After a WFI exit. */
	const struct rmi_rec_exit *e = ta_cmd(&a, 0, AGENT_WFI, NULL);
	assert_int_equal(ESR_EC(e->esr), EC_WFX);
	for (unsigned k = 0; k < 3; k++)
		expect_rec_error(&a, set_emul_mmio, k);
	ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);

	/* After a PSCI exit (CPU_SUSPEND: the realm is told SUCCESS). */
	e = ta_cmd(&a, 0, AGENT_SMC, (const uint64_t[8]){ PSCI_CPU_SUSPEND });
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	for (unsigned k = 0; k < 3; k++)
		expect_rec_error(&a, set_emul_mmio, k);
	ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], PSCI_SUCCESS);

	/* After a data abort at a protected IPA (RAM without memory): the
	 * host learns the page and nothing more, and may only give memory. */
	e = ta_cmd(&a, 0, AGENT_LOAD, (const uint64_t[8]){ hole + 0x18 });
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
	assert_false(e->esr & ESR_ISV);
	assert_int_equal(e->far, 0);
	assert_int_equal(e->hpfar, hole >> 8);
	for (unsigned k = 0; k < 3; k++)
		expect_rec_error(&a, set_emul_mmio, k);
	uint64_t fresh = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, a.r.rd, fresh, hole), RMI_SUCCESS, 0);
	tm_realm_track_data(&a.r, hole, fresh);
	ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], 0);
	assert_int_equal(m->exc_count, 0);

	/* After a data abort at an unprotected IPA both are accepted: the
	 * SEA lands in the realm's vector. */
	const uint64_t mmio = ta_ns_base(&a) + UINT64_C(0x300000);
	e = ta_cmd(&a, 0, AGENT_LOAD, (const uint64_t[8]){ mmio + 8 });
	assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
	ta_resume(&a, 0, REC_ENTRY_FLAG_INJECT_SEA);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->exc_count, 1);
	assert_int_equal(ESR_EC(m->exc_esr), EC_DABT_CUR);
	assert_int_equal(ESR_FSC(m->exc_esr), FSC_SEA);
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

/* ---- entering RECs that may not run ---- */

/* realm_new: (RMI_ERROR_REALM, 0), before the REC checks; the realm is
 * untouched and runs once activated. */
static void rec_enter_fails_realm_new_and_the_realm_runs_once_active(void **state)
{
	(void)state;
	struct tmach *t = ta_machine();
	struct tagent a;
	ta_build(&a, t, 1, 2, 2);
	for (unsigned i = 0; i < 2; i++) {
		ta_enter_prepare(&a, i, REC_ENTRY_FLAG_TRAP_WFI);
		exit_poison(ta_run(&a, i));
		assert_rmi(ta_enter_go(&a, 0, i), RMI_ERROR_REALM, 0);
		/* realm_new comes before rec_gicv3 and rec_mmio. */
		ta_enter_prepare(&a, i, REC_ENTRY_FLAG_EMUL_MMIO)->gicv3_hcr = 1;
		assert_rmi(ta_enter_go(&a, 0, i), RMI_ERROR_REALM, 0);
		exit_untouched(ta_run(&a, i));
	}
	ta_activate(&a);
	ta_check_data(&a, 0);
	/* Active now, REC 1 fails only for not being runnable (rec_runnable). */
	ta_enter_prepare(&a, 1, REC_ENTRY_FLAG_TRAP_WFI);
	assert_rmi(ta_enter_go(&a, 0, 1), RMI_ERROR_REC, 0);
	ta_close(t, &a);
}

/* system_off: (RMI_ERROR_REALM, 1) for every REC once the realm's own code
 * called PSCI SYSTEM_OFF or SYSTEM_RESET, before the REC checks; its memory
 * stays mapped as it was, and comes back whole at teardown. */
static void rec_enter_fails_system_off_after_the_realm_turned_itself_off(void **state)
{
	(void)state;
	static const uint32_t fids[] = { PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET };
	for (unsigned f = 0; f < ARRAY_SIZE(fids); f++) {
		struct tmach *t;
		struct tagent a;
		struct rmi_out o;
		ta_open_active(&t, &a, 2);
		const struct rmi_rec_exit *e =
			ta_cmd(&a, 0, AGENT_SMC, (const uint64_t[8]){ fids[f], 0x5eed });
		assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
		assert_int_equal(e->gprs[0], fids[f]);
		for (unsigned i = 0; i < 2; i++) {
			ta_enter_prepare(&a, i, REC_ENTRY_FLAG_TRAP_WFI);
			exit_poison(ta_run(&a, i));
			assert_rmi(ta_enter_go(&a, 0, i), RMI_ERROR_REALM, 1);
			/* Before rec_runnable (REC 1), rec_gicv3 and rec_mmio. */
			ta_enter_prepare(&a, i, REC_ENTRY_FLAG_EMUL_MMIO)->gicv3_hcr = 1;
			assert_rmi(ta_enter_go(&a, 0, i), RMI_ERROR_REALM, 1);
			exit_untouched(ta_run(&a, i));
		}
		/* Nothing NEW-only comes back: the realm is not NEW. */
		assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, a.r.rd, UINT64_C(0), GRANULE_SIZE),
			   RMI_ERROR_REALM, 0);
		for (unsigned p = 0; p < a.data_pages; p++) {
			assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, a.r.rd,
					   AGENT_DATA_IPA + p * GRANULE_SIZE, UINT64_C(3)),
				   RMI_SUCCESS, 0);
			assert_int_equal(o.x[1], RMI_ASSIGNED);
			assert_int_equal(o.x[2], a.data[p]);
			assert_int_equal(o.x[3], RIPAS_RAM);
		}
		ta_close(t, &a);
	}
}

/* ---- a REC another PE runs ---- */

struct enter_ctx {
	struct tmach *t;
	uint64_t rec, run;
};

static uint64_t enter_from_pe1(void *arg)
{
	struct enter_ctx *c = arg;
	return rmi_pe(c->t, 1, NULL, RMI_REC_ENTER, 2, c->rec, c->run);
}

/* rec_state: REC_ENTER from PE 1 of a REC that PE 0 runs (its agent
 * spinning) gives RMI_ERROR_REC and leaves it running; PE 0's REC is still
 * preempted at the end of each time slice, and finishes its work. */
static void rec_enter_fails_when_another_pe_runs_the_rec(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	struct enter_ctx c = { t, a.rec[0], tm_granule(t) };
	struct rmi_rec_run *run1 = tm_ptr(t, c.run);
	struct ta_spinner *s = ta_spin_start(&a, 0, 0);
	unsigned certain_refusals = 0;
	for (unsigned tries = 0; tries < TA_CERTAIN_TRIES && certain_refusals < 3; tries++) {
		bool certain;
		exit_poison(run1);
		uint64_t x0 = ta_while_spinning(s, enter_from_pe1, &c, &certain);
		if (x0 == rmi_return(RMI_ERROR_REC, 0)) {
			exit_untouched(run1);
			certain_refusals += certain;
			continue;
		}
		/* Only a REC between two of PE 0's entries may enter. */
		if (certain)
			fail_msg("REC_ENTER on PE 1 gave 0x%llx while PE 0 ran the REC",
				 (unsigned long long)x0);
		assert_rmi(x0, RMI_SUCCESS, 0);
		assert_int_equal(run1->exit.exit_reason, RMI_EXIT_IRQ);
	}
	assert_true(certain_refusals >= 1);
	assert_true(ta_spin_wait_preempted(s));
	assert_true(ta_spin_stop(s, NULL) >= 1);
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

/* ---- PSCI answered for the wrong REC ---- */

/* REC i's agent: PSCI CPU_ON of REC `target` at the agent, completed by
 * the host as asked. */
static void cpu_on(struct tagent *a, unsigned i, unsigned target)
{
	const struct rmi_rec_exit *e =
		ta_cmd(a, i, AGENT_SMC,
		       (const uint64_t[8]){ PSCI_CPU_ON, rmi_rec_index_to_mpidr(target),
					    AGENT_CODE_IPA, ta_mbox_ipa(a, target) });
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	assert_rmi(rmi(a->t, RMI_PSCI_COMPLETE, 3, a->rec[i], a->rec[target],
		       (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	ta_resume(a, i, 0);
	assert_true(a->at_doorbell[i]);
	assert_int_equal(ta_mbox(a, i)->r[0], PSCI_SUCCESS);
}

/* REC 0's agent really calls CPU_ON for MPIDR 1; the host answers for the
 * wrong caller, the wrong target, a REC of another realm, with a status
 * CPU_ON cannot have: each RMI_ERROR_INPUT (alias, pending, owner, target,
 * status, in that order), and nothing happens until the right answer. */
static void psci_complete_refuses_the_wrong_caller_or_target_of_a_cpu_on(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	struct trealm b;
	ta_open_active(&t, &a, 3);
	tm_realm_create(t, &b, 40, 1, 2);
	uint64_t b0 = tm_rec_create(t, &b, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	tm_realm_activate(t, b.rd);
	const uint64_t *rec = a.rec;

	const struct rmi_rec_exit *e =
		ta_cmd(&a, 0, AGENT_SMC,
		       (const uint64_t[8]){ PSCI_CPU_ON, rmi_rec_index_to_mpidr(1), AGENT_CODE_IPA,
					    ta_mbox_ipa(&a, 1) });
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	assert_int_equal(e->gprs[0], PSCI_CPU_ON);
	assert_int_equal(e->gprs[1], rmi_rec_index_to_mpidr(1));

	const uint64_t ok = PSCI_SUCCESS;
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[0], ok), RMI_ERROR_INPUT, 0); /* alias */
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[1], rec[0], ok), RMI_ERROR_INPUT, 0); /* pending */
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[2], rec[1], ok), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, b0, rec[1], ok), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], b0, ok), RMI_ERROR_INPUT, 0);     /* owner */
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[2], ok), RMI_ERROR_INPUT, 0); /* target */
	/* status: CPU_ON is answered with SUCCESS or DENIED only. */
	const int64_t bad[] = { PSCI_NOT_SUPPORTED, PSCI_INVALID_PARAMETERS, PSCI_ALREADY_ON,
				PSCI_ON_PENDING, PSCI_INTERNAL_FAILURE, 1 };
	for (unsigned k = 0; k < ARRAY_SIZE(bad); k++)
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[1], (uint64_t)bad[k]),
			   RMI_ERROR_INPUT, 0);
	/* Order: pending before owner and target, owner before target. */
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[1], b0, (uint64_t)PSCI_ALREADY_ON),
		   RMI_ERROR_INPUT, 0);

	/* Nothing happened: REC 0 still waits (rec_psci), REC 1 and 2 are off
	 * (rec_runnable). */
	for (unsigned i = 0; i < 3; i++) {
		ta_enter_prepare(&a, i, REC_ENTRY_FLAG_TRAP_WFI);
		assert_rmi(ta_enter_go(&a, 0, i), RMI_ERROR_REC, 0);
	}

	/* The right answer, once. */
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[1], ok), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[1], ok), RMI_ERROR_INPUT, 0);
	ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(ta_mbox(&a, 0)->r[0], PSCI_SUCCESS);
	/* REC 1 started at the entry point with the context in X0: its agent
	 * answers on its own mailbox. */
	ta_check_data(&a, 1);
	ta_enter_prepare(&a, 2, REC_ENTRY_FLAG_TRAP_WFI);
	assert_rmi(ta_enter_go(&a, 0, 2), RMI_ERROR_REC, 0);

	/* DENIED reaches the realm and leaves the target off. */
	e = ta_cmd(&a, 0, AGENT_SMC,
		   (const uint64_t[8]){ PSCI_CPU_ON, rmi_rec_index_to_mpidr(2), AGENT_CODE_IPA,
					ta_mbox_ipa(&a, 2) });
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[1], ok), RMI_ERROR_INPUT, 0); /* target */
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, rec[0], rec[2], NEG(PSCI_DENIED)), RMI_SUCCESS, 0);
	ta_resume(&a, 0, 0);
	assert_int_equal(ta_mbox(&a, 0)->r[0], NEG(PSCI_DENIED));
	ta_enter_prepare(&a, 2, REC_ENTRY_FLAG_TRAP_WFI);
	assert_rmi(ta_enter_go(&a, 0, 2), RMI_ERROR_REC, 0);
	ta_check_data(&a, 0);
	ta_check_data(&a, 1);

	tm_realm_teardown(t, &b);
	ta_close(t, &a);
}

/* AFFINITY_INFO: completed only for the REC asked about, only with SUCCESS;
 * the realm learns the target's real state. */
static void psci_complete_refuses_the_wrong_target_of_an_affinity_info(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 3);
	cpu_on(&a, 0, 1);
	for (unsigned target = 1; target <= 2; target++) {
		const struct rmi_rec_exit *e = ta_cmd(
			&a, 0, AGENT_SMC,
			(const uint64_t[8]){ PSCI_AFFINITY_INFO, rmi_rec_index_to_mpidr(target), 0 });
		assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
		assert_int_equal(e->gprs[1], rmi_rec_index_to_mpidr(target));
		unsigned other = target == 1 ? 2 : 1;
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[other], UINT64_C(0)),
			   RMI_ERROR_INPUT, 0); /* target */
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, a.rec[target], a.rec[0], UINT64_C(0)),
			   RMI_ERROR_INPUT, 0); /* pending */
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[target], NEG(PSCI_DENIED)),
			   RMI_ERROR_INPUT, 0); /* status */
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, a.rec[0], a.rec[target], UINT64_C(0)),
			   RMI_SUCCESS, 0);
		ta_resume(&a, 0, 0);
		assert_true(a.at_doorbell[0]);
		assert_int_equal(ta_mbox(&a, 0)->r[0],
				 target == 1 ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
	}
	ta_check_data(&a, 1);
	ta_close(t, &a);
}

/* ---- RIPAS changes served for the wrong request ---- */

struct set_ripas_call {
	struct tmach *t;
	uint64_t rd, rec, base, top;
};

static uint64_t set_ripas_from_pe1(void *arg)
{
	const struct set_ripas_call *c = arg;
	return rmi_pe(c->t, 1, NULL, RMI_RTT_SET_RIPAS, 4, c->rd, c->rec, c->base, c->top);
}

/* The realm's code asks RSI_IPA_STATE_SET for [base, top) to become RAM;
 * the host serves the wrong base, too far, with the wrong REC, for another
 * realm, or while another PE runs the REC: RMI_ERROR_INPUT (size_valid,
 * base_bound, top_bound) or RMI_ERROR_REC (rec_state, rec_owner), nothing
 * changes; then it serves part of it and rejects the rest, and the realm
 * sees exactly that. */
static void rtt_set_ripas_serves_only_the_change_the_realm_asked_for(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	struct trealm b;
	struct rmi_out o;
	ta_open_active(&t, &a, 2);
	tm_realm_create(t, &b, 40, 1, 2);
	uint64_t b0 = tm_rec_create(t, &b, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	tm_realm_activate(t, b.rd);
	cpu_on(&a, 0, 1);
	const uint64_t rd = a.r.rd, base = UINT64_C(0x1c0000), top = base + 4 * GRANULE_SIZE;
	struct agent_mbox *m = ta_mbox(&a, 0);

	const struct rmi_rec_exit *e = ta_cmd(
		&a, 0, AGENT_SMC,
		(const uint64_t[8]){ RSI_IPA_STATE_SET, base, top, RSI_RIPAS_RAM, RSI_NO_CHANGE_DESTROYED });
	assert_int_equal(e->exit_reason, RMI_EXIT_RIPAS_CHANGE);
	assert_int_equal(e->ripas_base, base);
	assert_int_equal(e->ripas_top, top);
	assert_int_equal(e->ripas_value, RIPAS_RAM);

	const uint64_t *rec = a.rec;
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base, base), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base + GRANULE_SIZE, top),
		   RMI_ERROR_INPUT, 0); /* base_bound */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base, top + GRANULE_SIZE),
		   RMI_ERROR_INPUT, 0); /* top_bound */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec[1], base, top), RMI_ERROR_INPUT,
		   0); /* REC 1 asked nothing */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, b.rd, rec[0], base, top), RMI_ERROR_REC,
		   0); /* rec_owner */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, b0, base, top), RMI_ERROR_REC, 0);
	/* rec_state: REC 1 inside REC_ENTER on PE 0, before everything about
	 * its (absent) request; between two of PE 0's entries it is not
	 * running, and base_bound refuses instead. */
	struct ta_spinner *s = ta_spin_start(&a, 0, 1);
	struct set_ripas_call c = { t, rd, rec[1], base, top };
	bool certain = false;
	for (unsigned tries = 0; tries < TA_CERTAIN_TRIES && !certain; tries++) {
		uint64_t x0 = ta_while_spinning(s, set_ripas_from_pe1, &c, &certain);
		if (certain)
			assert_rmi(x0, RMI_ERROR_REC, 0);
		else
			assert_true(x0 == rmi_return(RMI_ERROR_REC, 0) ||
				    x0 == rmi_return(RMI_ERROR_INPUT, 0));
	}
	assert_true(certain);
	ta_spin_stop(s, NULL);
	for (uint64_t ipa = base; ipa < top; ipa += GRANULE_SIZE) {
		assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, rd, ipa, UINT64_C(3)), RMI_SUCCESS,
			   0);
		assert_int_equal(o.x[1], RMI_UNASSIGNED);
		assert_int_equal(o.x[3], RIPAS_EMPTY);
	}

	/* Half of it, then the host says no to the rest. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base, base + 2 * GRANULE_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], base + 2 * GRANULE_SIZE);
	ta_resume(&a, 0, REC_ENTRY_FLAG_RIPAS_RESPONSE);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], RSI_SUCCESS);
	assert_int_equal(m->r[1], base + 2 * GRANULE_SIZE);
	assert_int_equal(m->r[2], RSI_REJECT);
	/* The realm sees the RIPAS it was told about. */
	uint64_t out[4];
	assert_int_equal(ta_smc(&a, 0, RSI_IPA_STATE_GET, base, top, 0, 0, out), RSI_SUCCESS);
	assert_int_equal(out[1], base + 2 * GRANULE_SIZE);
	assert_int_equal(out[2], RSI_RIPAS_RAM);
	/* The request is over once the realm has its answer: the host cannot
	 * go on with the part it refused (top_bound, as TF-RMM clears the
	 * request's top). */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base + 2 * GRANULE_SIZE, top),
		   RMI_ERROR_INPUT, 0);
	assert_int_equal(ta_smc(&a, 0, RSI_IPA_STATE_GET, base + 2 * GRANULE_SIZE, top, 0, 0, out),
			 RSI_SUCCESS);
	assert_int_equal(out[1], top);
	assert_int_equal(out[2], RSI_RIPAS_EMPTY);

	/* Asked again for the rest, served whole. */
	e = ta_cmd(&a, 0, AGENT_SMC,
		   (const uint64_t[8]){ RSI_IPA_STATE_SET, base + 2 * GRANULE_SIZE, top, RSI_RIPAS_RAM, 0 });
	assert_int_equal(e->exit_reason, RMI_EXIT_RIPAS_CHANGE);
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base, top), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, rd, rec[0], base + 2 * GRANULE_SIZE, top),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], top);
	ta_resume(&a, 0, 0);
	assert_int_equal(m->r[1], top);
	assert_int_equal(m->r[2], RSI_ACCEPT);
	assert_int_equal(ta_smc(&a, 0, RSI_IPA_STATE_GET, base, top, 0, 0, out), RSI_SUCCESS);
	assert_int_equal(out[1], top);
	assert_int_equal(out[2], RSI_RIPAS_RAM);
	ta_check_data(&a, 0);
	ta_check_data(&a, 1);
	tm_realm_teardown(t, &b);
	ta_close(t, &a);
}

/* ---- memory ---- */

/* RTT_MAP_UNPROTECTED over a protected IPA of a running realm: ipa_bound,
 * RMI_ERROR_INPUT, whatever the entry holds (its code, its data, RAM,
 * EMPTY, at level 3 or 2). An unprotected alias whose OA is the realm's own
 * DATA granule is the host's to map (the spec leaves the OA to the GPT),
 * but the realm's access there fails its granule protection check: the
 * host sees an abort, the realm does not see its data through it. */
static void rtt_map_unprotected_refuses_protected_ipas_of_a_running_realm(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	struct rmi_out o;
	ta_open_active(&t, &a, 1);
	const uint64_t ns = tm_granule(t) | UINT64_C(6) << 2 | UINT64_C(3) << 6;
	const uint64_t par_end = ta_ns_base(&a);
	const uint64_t ipas[] = { AGENT_CODE_IPA, AGENT_DATA_IPA, AGENT_DATA_IPA + GRANULE_SIZE,
				  AGENT_SCRATCH_IPA, 0, par_end - GRANULE_SIZE };
	for (unsigned i = 0; i < ARRAY_SIZE(ipas); i++)
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, a.r.rd, ipas[i], UINT64_C(3), ns),
			   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, a.r.rd, UINT64_C(0x200000), UINT64_C(2),
		       UINT64_C(0x40200000) | UINT64_C(6) << 2),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, a.r.rd, AGENT_DATA_IPA, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], RMI_ASSIGNED);
	assert_int_equal(o.x[2], a.data[0]);
	ta_check_data(&a, 0);

	/* The alias of its first data page, pointing at that DATA granule. */
	const uint64_t alias = par_end + AGENT_DATA_IPA;
	tm_rtt_map_to(t, &a.r, alias, 3);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, a.r.rd, alias, UINT64_C(3),
		       a.data[0] | UINT64_C(6) << 2 | UINT64_C(3) << 6),
		   RMI_SUCCESS, 0);
	struct agent_mbox *m = ta_mbox(&a, 0);
	const struct rmi_rec_exit *e = ta_cmd(&a, 0, AGENT_LOAD, (const uint64_t[8]){ alias + 16 });
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
	assert_int_equal(m->r[0], 0);
	assert_int_equal(m->exc_count, 0);
	/* Unmapped again, the alias is the host's to emulate: the realm reads
	 * what the host says, never its data. */
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, a.r.rd, alias, UINT64_C(3)), RMI_SUCCESS, 0);
	e = ta_resume(&a, 0, 0);
	assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
	assert_true(e->esr & ESR_ISV);
	assert_int_equal(e->hpfar, alias >> 8);
	assert_int_equal(e->far, 16);
	ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_TRAP_WFI | REC_ENTRY_FLAG_EMUL_MMIO)->gprs[0] = 0x77;
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], 0x77);
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

static uint64_t undelegate_data(void *arg)
{
	struct tagent *a = arg;
	return rmi_pe(a->t, 1, NULL, RMI_GRANULE_UNDELEGATE, 1, a->data[1]);
}

/* GRANULE_UNDELEGATE (and DELEGATE) of the realm's granules while its REC
 * runs on another PE: gran_state, RMI_ERROR_INPUT; the realm's data stays
 * its own. */
static void granule_undelegate_refuses_the_data_of_a_running_realm(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	ta_open_active(&t, &a, 1);
	struct ta_spinner *s = ta_spin_start(&a, 0, 0);
	unsigned certain_refusals = 0;
	for (unsigned tries = 0; tries < TA_CERTAIN_TRIES && certain_refusals < 3; tries++) {
		bool certain;
		assert_rmi(ta_while_spinning(s, undelegate_data, &a, &certain), RMI_ERROR_INPUT, 0);
		certain_refusals += certain;
	}
	assert_true(certain_refusals >= 1);
	const uint64_t others[] = { a.data[0], a.scratch, a.r.rd, a.r.rtt_base, a.rec[0],
				    a.r.rec_aux[0][5], a.r.rtts[a.r.nrtts - 1].pa };
	for (unsigned i = 0; i < ARRAY_SIZE(others); i++) {
		assert_rmi(rmi_pe(t, 1, NULL, RMI_GRANULE_UNDELEGATE, 1, others[i]), RMI_ERROR_INPUT, 0);
		assert_rmi(rmi_pe(t, 1, NULL, RMI_GRANULE_DELEGATE, 1, others[i]), RMI_ERROR_INPUT, 0);
		assert_int_equal(ccakit_pas_of(t->m, others[i]), CCAKIT_PAS_REALM);
	}
	ta_spin_stop(s, NULL);
	ta_check_data(&a, 0);
	ta_close(t, &a);
}

struct destroy_ctx {
	struct tagent *a;
	uint64_t ipa;
	struct rmi_out o;
};

static uint64_t data_destroy_from_pe1(void *arg)
{
	struct destroy_ctx *c = arg;
	return rmi_pe(c->a->t, 1, &c->o, RMI_DATA_DESTROY, 2, c->a->r.rd, c->ipa);
}

/* DATA_DESTROY of an ASSIGNED page is allowed while the realm runs (here
 * while its REC 1 runs on another PE). The page's RIPAS becomes DESTROYED:
 * the realm's next touch is a non-emulatable abort to the host (spec notes
 * section 6), not the old data, which is scrubbed; memory the host gives
 * again only serves after the realm itself asks for RAM with
 * RSI_CHANGE_DESTROYED, and reads as zeros. */
static void data_destroy_while_the_realm_runs_leaves_a_fault_not_the_old_data(void **state)
{
	(void)state;
	struct tmach *t;
	struct tagent a;
	struct rmi_out o;
	ta_open_active(&t, &a, 2);
	cpu_on(&a, 0, 1);
	const uint64_t ipa = AGENT_DATA_IPA + GRANULE_SIZE;
	/* The realm reads the page before. */
	assert_int_equal(ta_do(&a, 0, AGENT_LOAD, ipa + 8, 0), ta_pattern_sum(ipa + 8, 8));

	struct ta_spinner *s = ta_spin_start(&a, 0, 1);
	struct destroy_ctx c = { &a, ipa };
	bool certain;
	assert_rmi(ta_while_spinning(s, data_destroy_from_pe1, &c, &certain), RMI_SUCCESS, 0);
	ta_spin_stop(s, NULL);
	uint64_t pa = tm_realm_untrack_data(&a.r, ipa);
	assert_int_equal(c.o.x[0], pa);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, a.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], RMI_UNASSIGNED);
	assert_int_equal(o.x[3], RIPAS_DESTROYED);
	/* Scrubbed, and the host's again. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_true(tm_all_zero(tm_ptr(t, pa), GRANULE_SIZE));

	/* REC 0 touches it: an abort at a protected IPA, again on every entry
	 * while nothing changes; the host may not make it an SEA. */
	struct agent_mbox *m = ta_mbox(&a, 0);
	for (unsigned round = 0; round < 2; round++) {
		const struct rmi_rec_exit *e =
			round == 0 ? ta_cmd(&a, 0, AGENT_LOAD, (const uint64_t[8]){ ipa + 8 })
				   : ta_resume(&a, 0, 0);
		assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
		assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
		assert_false(e->esr & ESR_ISV);
		assert_int_equal(e->far, 0);
		assert_int_equal(e->hpfar, ipa >> 8);
		assert_int_equal(m->r[0], 0);
		assert_int_equal(m->exc_count, 0);
	}
	ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_INJECT_SEA);
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_ERROR_REC, 0);
	/* REC 1 sums the other page: intact. */
	assert_int_equal(ta_do(&a, 1, AGENT_SUM, AGENT_DATA_IPA, GRANULE_SIZE),
			 ta_pattern_sum(AGENT_DATA_IPA, GRANULE_SIZE));

	/* The realm takes the page back (REC 1 asks for RAM, allowing the
	 * change from DESTROYED), the host gives a granule on REC 0's next
	 * fault: REC 0's load completes, with zeros. */
	const struct rmi_rec_exit *e = ta_cmd(
		&a, 1, AGENT_SMC,
		(const uint64_t[8]){ RSI_IPA_STATE_SET, ipa, ipa + GRANULE_SIZE, RSI_RIPAS_RAM,
				     RSI_CHANGE_DESTROYED });
	assert_int_equal(e->exit_reason, RMI_EXIT_RIPAS_CHANGE);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, a.r.rd, a.rec[1], ipa, ipa + GRANULE_SIZE),
		   RMI_SUCCESS, 0);
	ta_resume(&a, 1, 0);
	assert_int_equal(ta_mbox(&a, 1)->r[1], ipa + GRANULE_SIZE);
	e = ta_resume(&a, 0, 0);
	assert_int_equal(ESR_EC(e->esr), EC_DABT_LOW);
	assert_int_equal(e->hpfar, ipa >> 8);
	uint64_t fresh = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, a.r.rd, fresh, ipa), RMI_SUCCESS, 0);
	tm_realm_track_data(&a.r, ipa, fresh);
	ta_resume(&a, 0, 0);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(m->r[0], 0);
	assert_int_equal(ta_do(&a, 0, AGENT_SUM, ipa, GRANULE_SIZE), 0);
	ta_close(t, &a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(rec_enter_refuses_a_gicv3_hcr_with_bits_not_the_hosts, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_refuses_invalid_list_registers, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_ignores_reserved_flags, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_ignores_gprs_unless_completing_a_read_or_host_call, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_refuses_emul_mmio_and_inject_sea_without_an_unprotected_abort, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_fails_realm_new_and_the_realm_runs_once_active, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_fails_system_off_after_the_realm_turned_itself_off, ta_test_teardown),
		cmocka_unit_test_teardown(rec_enter_fails_when_another_pe_runs_the_rec, ta_test_teardown),
		cmocka_unit_test_teardown(psci_complete_refuses_the_wrong_caller_or_target_of_a_cpu_on, ta_test_teardown),
		cmocka_unit_test_teardown(psci_complete_refuses_the_wrong_target_of_an_affinity_info, ta_test_teardown),
		cmocka_unit_test_teardown(rtt_set_ripas_serves_only_the_change_the_realm_asked_for, ta_test_teardown),
		cmocka_unit_test_teardown(rtt_map_unprotected_refuses_protected_ipas_of_a_running_realm, ta_test_teardown),
		cmocka_unit_test_teardown(granule_undelegate_refuses_the_data_of_a_running_realm, ta_test_teardown),
		cmocka_unit_test_teardown(data_destroy_while_the_realm_runs_leaves_a_fault_not_the_old_data, ta_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
