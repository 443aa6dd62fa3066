/* RMI_REC_CREATE, RMI_REC_DESTROY, RMI_REC_ENTER and RMI_PSCI_COMPLETE: every
 * v1.0 failure row of the Arm RMM compliance suite
 * (spec/rmi-failure-conditions.txt), failure-order cases where conditions with
 * different statuses hold at once, the success paths with the resulting state
 * read back, and edge cases the suite does not exercise.
 *
 * ACS rows covered (label, stimulus -> expected), each a test named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
 *   rmi_rec_create_data.h
 *     params_align PARAMS_UNALIGNED; params_bound PARAMS_DEV_MEM,
 *     PARAMS_OUTSIDE_OF_PERMITTED_PA; params_pas PARAMS_PAS_REALM,
 *     PARAMS_PAS_SECURE; rec_align REC_UNALIGNED; rec_bound REC_DEV_MEM,
 *     REC_OUTSIDE_OF_PERMITTED_PA; rec_state REC_GRAN_STATE_UNDELEGATED,
 *     REC_GRAN_STATE_RD, REC_GRAN_STATE_REC, REC_GRAN_STATE_RTT,
 *     REC_GRAN_STATE_DATA; rd_align RD_UNALIGNED; rd_bound RD_DEV_MEM,
 *     RD_OUTSIDE_OF_PERMITTED_PA; rd_state RD_STATE_UNDELEGATED,
 *     RD_STATE_DELEGATED, RD_STATE_REC, RD_STATE_RTT, RD_STATE_DATA -> INPUT;
 *     realm_state REALM_ACTIVE, REALM_SYSTEM_OFF -> REALM;
 *     mpidr_index MPIDR_SKIPPED; num_aux NUM_AUX_INVALID; aux_align
 *     AUX_UNALIGNED; aux_alias AUX_ALIASED; aux_state AUX_UNDELEGATED, AUX_RD,
 *     AUX_REC, AUX_RTT, AUX_DATA -> INPUT
 *   rmi_rec_destroy_data.h
 *     rec_align REC_UNALIGNED; rec_bound REC_OUTSIDE_OF_PERMITTED_PA,
 *     REC_DEV_MEM; rec_gran_state REC_GRAN_STATE_UNDELEGATED,
 *     REC_GRAN_STATE_RD, REC_GRAN_STATE_REC_AUX, REC_GRAN_STATE_RTT,
 *     REC_GRAN_STATE_DATA -> INPUT
 *   rmi_rec_enter_data.h
 *     run_align RUN_PTR_UNALIGNED; run_bound RUN_PTR_DEV_MEM,
 *     RUN_PTR_OUSIDE_OF_PERMITTED_PA; run_pas RUN_PTR_PAS_REALM,
 *     RUN_PTR_PAS_SECURE; rec_align REC_UNALIGNED; rec_bound REC_DEV_MEM,
 *     REC_OUTSIDE_OF_PERMITTED_PA; rec_gran_state REC_GRAN_STATE_UNDELEGATED,
 *     REC_GRAN_STATE_DELEGATED, REC_GRAN_STATE_RD, REC_GRAN_STATE_RTT,
 *     REC_GRAN_STATE_DATA, REC_GRAN_STATE_REC_AUX -> INPUT;
 *     realm_new REALM_NEW -> (REALM, 0); rec_mmio REC_EMULATED_MMIO -> REC;
 *     rec_psci REC_PSCI_PENDING -> REC; system_off REALM_SYSTEM_OFF ->
 *     (REALM, 1); rec_runnable REC_NOT_RUNNABLE -> REC; rec_giv3
 *     RUN_PTR_INVALID_GIV3_HCR -> REC; rec_align_compare_rec_gicv3,
 *     rec_bound_compare_rec_gicv3, rec_gran_state_compare_rec_gicv3,
 *     run_pas_compare_rec_runnable, run_pas_compare_realm_new,
 *     run_pas_compare_system_off, run_bound_compare_rec_runnable,
 *     run_bound_compare_realm_new, run_bound_compare_system_off -> INPUT
 *   rmi_psci_complete_data.h
 *     alias ALIAS; calling_align CALLING_UNALIGNED; calling_bound
 *     CALLING_DEV_MEM, CALLING_OUT_OF_PERMITTED_PA; "calling state"
 *     CALLING_GRAN_STATE_UNDELEGATED, _DELEGATED, _RD, _RTT, _DATA;
 *     target_align TARGET_UNALIGNED; target_bound TARGET_DEV_MEM,
 *     TARGET_OUT_OF_PERMITTED_PA; "target state" TARGET_GRAN_STATE_UNDELEGATED,
 *     _DELEGATED, _RD, _RTT, _DATA; pending NO_PSCI_REQUEST; owner
 *     TARGET_OTHER_OWNER; target TARGET_OTHER_MPIDR; status
 *     STATUS_NOT_PERMITTED -> all INPUT
 *
 * State only a running realm can create is made by the realm's own code (the
 * agent, tests/support/agent.h): a PSCI request pending on a REC (its CPU_ON
 * or AFFINITY_INFO), a realm in SYSTEM_OFF for REC_ENTER (its SYSTEM_OFF),
 * the emulatable-abort record of the last exit (its load from an
 * unprotected IPA), a REC running on another PE (its agent spinning inside
 * REC_ENTER on PE 0 while the test calls from PE 1). White-box remain:
 * REC_CREATE's REALM_SYSTEM_OFF row (wb_realm_set_system_off: REC_CREATE
 * needs the realm's REC count unchanged) and read-backs of what only the RMM
 * sees (RIM, REC index, scrubbing). */
#include "acs_rows.h"
#include "agent.h"
#include "whitebox.h"

#include <string.h>

#include "ccakit/abi/psci.h"
#include "rmm/rmm.h"

/* REC_CREATE parameters (pc 0x80000, X0-X7 0x100 + i) with fresh aux
 * granules. */
static uint64_t rec_params(struct tmach *t, uint64_t mpidr, uint64_t flags)
{
	uint64_t pa = tm_rec_params(t, mpidr, flags, NULL);
	struct rmi_rec_params *p = tm_ptr(t, pa);
	p->pc = 0x80000;
	for (unsigned i = 0; i < RMI_REC_PARAMS_GPRS; i++)
		p->gprs[i] = 0x100 + i;
	return pa;
}

/* ============================== RMI_REC_CREATE ============================== */

static const struct acs_row create_rows[] = {
	ACS_ROWS_PARAMS,
	{ "rec_align", "REC_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rec_state", "REC_GRAN_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_state", "REC_GRAN_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "rec_state", "REC_GRAN_STATE_REC", RMI_ERROR_INPUT, 0 },
	{ "rec_state", "REC_GRAN_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "rec_state", "REC_GRAN_STATE_DATA", RMI_ERROR_INPUT, 0 },
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "realm_state", "REALM_ACTIVE", RMI_ERROR_REALM, 0 },
	{ "realm_state", "REALM_SYSTEM_OFF", RMI_ERROR_REALM, 0 },
	{ "mpidr_index", "MPIDR_SKIPPED", RMI_ERROR_INPUT, 0 },
	{ "num_aux", "NUM_AUX_INVALID", RMI_ERROR_INPUT, 0 },
	{ "aux_align", "AUX_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "aux_alias", "AUX_ALIASED", RMI_ERROR_INPUT, 0 },
	{ "aux_state", "AUX_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "aux_state", "AUX_RD", RMI_ERROR_INPUT, 0 },
	{ "aux_state", "AUX_REC", RMI_ERROR_INPUT, 0 },
	{ "aux_state", "AUX_RTT", RMI_ERROR_INPUT, 0 },
	{ "aux_state", "AUX_DATA", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "rec_state", "REC_GRAN_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "rec_state", "REC_IS_RD", RMI_ERROR_INPUT, 0 },
	{ "mpidr_index", "MPIDR_PAST", RMI_ERROR_INPUT, 0 },     /* an index already used */
	{ "mpidr_index", "MPIDR_RES0", RMI_ERROR_INPUT, 0 },     /* Aff0 bits [7:4] set */
	{ "num_aux", "NUM_AUX_17", RMI_ERROR_INPUT, 0 },
	{ "num_aux", "NUM_AUX_0", RMI_ERROR_INPUT, 0 },
	{ "aux_bound", "AUX_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "aux_alias", "AUX_IS_REC", RMI_ERROR_INPUT, 0 },
	{ "aux_alias", "AUX_IS_RD", RMI_ERROR_INPUT, 0 },
	{ "aux_state", "AUX_REC_AUX", RMI_ERROR_INPUT, 0 },
	/* Failure order across statuses: the spec (suite) order puts realm_state
	 * (REALM) after the granule checks (INPUT) and before mpidr_index, num_aux
	 * and the aux checks (INPUT). TF-RMM checks num_aux > 16 and the aux
	 * states before realm_state; this RMM follows the spec order. */
	{ "realm_state_compare_mpidr_index", "REALM_ACTIVE_MPIDR_SKIPPED", RMI_ERROR_REALM, 0,
	  "REALM_ACTIVE+MPIDR_SKIPPED" },
	{ "realm_state_compare_num_aux", "REALM_ACTIVE_NUM_AUX_INVALID", RMI_ERROR_REALM, 0,
	  "REALM_ACTIVE+NUM_AUX_INVALID" },
	{ "realm_state_compare_num_aux", "REALM_SYSTEM_OFF_NUM_AUX_17", RMI_ERROR_REALM, 0,
	  "REALM_SYSTEM_OFF+NUM_AUX_17" },
	{ "realm_state_compare_aux_alias", "REALM_ACTIVE_AUX_ALIASED", RMI_ERROR_REALM, 0,
	  "REALM_ACTIVE+AUX_ALIASED" },
	{ "realm_state_compare_aux_state", "REALM_ACTIVE_AUX_UNDELEGATED", RMI_ERROR_REALM, 0,
	  "REALM_ACTIVE+AUX_UNDELEGATED" },
	{ "params_pas_compare_realm_state", "PARAMS_PAS_SECURE_REALM_ACTIVE", RMI_ERROR_INPUT, 0,
	  "PARAMS_PAS_SECURE+REALM_ACTIVE" },
	{ "rec_state_compare_realm_state", "REC_GRAN_STATE_UNDELEGATED_REALM_ACTIVE",
	  RMI_ERROR_INPUT, 0, "REC_GRAN_STATE_UNDELEGATED+REALM_ACTIVE" },
	{ "rec_align_compare_realm_state", "REC_UNALIGNED_REALM_SYSTEM_OFF", RMI_ERROR_INPUT, 0,
	  "REC_UNALIGNED+REALM_SYSTEM_OFF" },
};

/* Fixture of the REC_CREATE rows: realm A (NEW, VMID 1, REC 0 exists, so the
 * next REC is index 1) from tm_states_create, another realm's RD where a row
 * needs one, and valid arguments for REC 1 of A. */
static void rec_create_row(void **state)
{
	const struct acs_row *row = *state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);

	uint64_t rd = s.rd;
	uint64_t rec_valid = tm_delegated(t), rec = rec_valid;
	uint64_t pristine = rec_params(t, 1, RMI_REC_FLAG_RUNNABLE);
	uint64_t params = tm_granule(t);
	struct rmi_rec_params *p = tm_ptr(t, params);
	memcpy(p, tm_ptr(t, pristine), sizeof(*p));

	/* The parameters' content first, then where they are. */
	if (acs_has(row, "MPIDR_SKIPPED"))
		p->mpidr = 2;
	if (acs_has(row, "MPIDR_PAST"))
		p->mpidr = 0;
	if (acs_has(row, "MPIDR_RES0"))
		p->mpidr = 1 | 0x10; /* index 1, but Aff0 bits [7:4] are RES0 */
	if (acs_has(row, "NUM_AUX_INVALID"))
		p->num_aux = 15;
	if (acs_has(row, "NUM_AUX_17"))
		p->num_aux = 17;
	if (acs_has(row, "NUM_AUX_0"))
		p->num_aux = 0;
	if (acs_has(row, "AUX_UNALIGNED"))
		p->aux[3] += 0x800;
	if (acs_has(row, "AUX_DEV_MEM"))
		p->aux[4] = PA_MMIO;
	if (acs_has(row, "AUX_ALIASED"))
		p->aux[5] = p->aux[2];
	if (acs_has(row, "AUX_IS_REC"))
		p->aux[15] = rec_valid;
	if (acs_has(row, "AUX_IS_RD"))
		p->aux[0] = s.rd;
	if (acs_has(row, "AUX_UNDELEGATED"))
		p->aux[7] = s.undelegated;
	if (acs_has(row, "AUX_RD")) {
		struct trealm b;
		tm_realm_create(t, &b, 40, 1, 2);
		p->aux[8] = b.rd;
	}
	if (acs_has(row, "AUX_REC"))
		p->aux[9] = s.rec;
	if (acs_has(row, "AUX_REC_AUX"))
		p->aux[9] = s.rec_aux;
	if (acs_has(row, "AUX_RTT"))
		p->aux[10] = s.rtt;
	if (acs_has(row, "AUX_DATA"))
		p->aux[11] = s.data;

	if (acs_granule_stimulus(t, &s, "PARAMS", row, &params) &&
	    (acs_has(row, "PARAMS_PAS_REALM") || acs_has(row, "PARAMS_PAS_SECURE")))
		memcpy(wb_sys_ptr(t, params), p, sizeof(*p)); /* valid, in the wrong PAS */

	if (acs_has(row, "REC_GRAN_STATE_RD")) { /* another realm's RD */
		struct trealm b;
		tm_realm_create(t, &b, 40, 1, 3);
		rec = b.rd;
	} else if (acs_has(row, "REC_IS_RD")) {
		rec = s.rd;
	} else {
		acs_granule_stimulus(t, &s, "REC", row, &rec);
	}
	acs_granule_stimulus(t, &s, "RD", row, &rd);

	bool still_new = !acs_has(row, "REALM_ACTIVE") && !acs_has(row, "REALM_SYSTEM_OFF");
	if (!still_new)
		tm_realm_activate(t, s.rd);
	if (acs_has(row, "REALM_SYSTEM_OFF"))
		wb_realm_set_system_off(t, s.rd); /* white-box */

	uint8_t rim[MEASUREMENT_MAX];
	memcpy(rim, wb_rim(t, s.rd), sizeof(rim));

	assert_acs_row(rmi(t, RMI_REC_CREATE, 3, rd, rec, params), row);

	/* Nothing changed: no RIM extension, no REC counted, and the valid REC
	 * and aux granules are still DELEGATED. */
	assert_memory_equal(wb_rim(t, s.rd), rim, sizeof(rim));
	assert_int_equal(wb_rd(t, s.rd)->rec_count, 1);
	if (still_new) {
		/* The valid call, REC index 1, succeeds now. */
		assert_rmi(rmi(t, RMI_REC_CREATE, 3, s.rd, rec_valid, pristine), RMI_SUCCESS, 0);
		assert_int_equal(wb_rec(t, rec_valid)->index, 1);
		assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec_valid), RMI_SUCCESS, 0);
	}
	const struct rmi_rec_params *pp = tm_ptr(t, pristine);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rec_valid), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pp->aux[i]), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

static void rec_create_succeeds_and_reads_back_rec(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, 40, 1, 1);
	assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, r.rd), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 16);

	uint64_t params = rec_params(t, 0, RMI_REC_FLAG_RUNNABLE);
	const struct rmi_rec_params *p = tm_ptr(t, params);
	uint64_t rec = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, params), RMI_SUCCESS, 0);

	/* REC and aux granules left DELEGATED; all stay in the Realm PAS. */
	assert_int_equal(ccakit_pas_of(t->m, rec), CCAKIT_PAS_REALM);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rec), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, rec), RMI_ERROR_INPUT, 0);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(ccakit_pas_of(t->m, p->aux[i]), CCAKIT_PAS_REALM);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, p->aux[i]), RMI_ERROR_INPUT, 0);
	}
	/* White-box: the REC holds the parameters and the reset state. */
	const struct rec *w = wb_rec(t, rec);
	assert_int_equal(w->owner_rd, r.rd);
	assert_int_equal(w->mpidr, 0);
	assert_int_equal(w->index, 0);
	assert_int_equal(w->runnable, 1);
	assert_int_equal(w->regs.pc, 0x80000);
	for (unsigned i = 0; i < RMI_REC_RUN_GPRS; i++)
		assert_int_equal(w->regs.x[i], i < 8 ? 0x100 + i : 0);
	assert_int_equal(w->regs.pstate, 0x3c5); /* EL1h, DAIF masked */
	assert_int_equal(w->num_aux, 16);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(w->aux[i], p->aux[i]);
	assert_int_equal(w->psci.pending, 0);
	assert_int_equal(wb_rd(t, r.rd)->rec_count, 1);

	/* The RD now has a REC: it is live. */
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	/* The next REC is index 1: 0 again is refused, 1 succeeds. */
	uint64_t again = rec_params(t, 0, 0), rec2 = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec2, again), RMI_ERROR_INPUT, 0);
	tm_realm_track_rec(&r, rec, p->aux);
	tm_rec_create(t, &r, 1, 0, NULL);
	assert_int_equal(wb_rec(t, r.recs[1])->runnable, 0);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

/* RIM extended only for RECs created runnable (since 1.0-eac3). */
static void rec_create_measures_only_runnable_recs(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	uint8_t rim[MEASUREMENT_MAX];
	tm_realm_create(t, &r, 40, 1, 1);

	memcpy(rim, wb_rim(t, r.rd), sizeof(rim));
	tm_rec_create(t, &r, 0, 0, NULL);
	assert_memory_equal(wb_rim(t, r.rd), rim, sizeof(rim));
	tm_rec_create(t, &r, 1, RMI_REC_FLAG_RUNNABLE, NULL);
	assert_memory_not_equal(wb_rim(t, r.rd), rim, sizeof(rim));
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

/* RmiRecMpidr: REC index 16 is Aff1 = 1, Aff0 = 0 (Aff0 holds only 0..15). */
static void rec_create_accepts_mpidr_aff1_after_sixteen_recs(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t recs[17];
	for (uint64_t i = 0; i < 16; i++) {
		uint64_t params = rec_params(t, i, 0);
		recs[i] = tm_delegated(t);
		assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, recs[i], params), RMI_SUCCESS, 0);
	}
	/* 0x10 is not index 16: bits [7:4] are RES0. */
	uint64_t bad = rec_params(t, 0x10, 0), rec = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, bad), RMI_ERROR_INPUT, 0);
	uint64_t good = rec_params(t, 0x100, 0);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, good), RMI_SUCCESS, 0);
	assert_int_equal(wb_rec(t, rec)->index, 16);
	recs[16] = rec;
	for (unsigned i = 0; i < 17; i++)
		assert_rmi(rmi(t, RMI_REC_DESTROY, 1, recs[i]), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

/* ============================== RMI_REC_DESTROY ============================== */

static const struct acs_row destroy_rows[] = {
	{ "rec_align", "REC_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_DATA", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "rec_gran_state", "REC_GRAN_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_DESTROYED", RMI_ERROR_INPUT, 0 },
};

/* Valid call: REC 0 of the realm holding a granule in every state. */
static void rec_destroy_row(void **state)
{
	const struct acs_row *row = *state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint64_t rec = s.rec;

	if (acs_granule_stimulus(t, &s, "REC", row, &rec)) {
	} else if (acs_is(row, "REC_DESTROYED")) {
		rec = tm_rec_create(t, &s.r, 1, 0, NULL);
		assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_SUCCESS, 0);
		s.r.nrecs--; /* already destroyed */
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi(t, RMI_REC_DESTROY, 1, rec), row);
	/* The realm's REC is untouched: the teardown destroys it step by step. */
	assert_int_equal(wb_rec(t, s.rec)->owner_rd, s.rd);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

static void rec_destroy_returns_rec_and_aux_to_delegated_zeroed(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	uint64_t aux[RMI_MAX_REC_AUX_GRANULES];
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t rec = tm_rec_create(t, &r, 0, RMI_REC_FLAG_RUNNABLE, aux);
	tm_realm_activate(t, r.rd); /* RECs of an ACTIVE realm can be destroyed too */
	memset(wb_sys_ptr(t, aux[3]), 0x3c, GRANULE_SIZE); /* white-box: aux in use */

	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_SUCCESS, 0);
	/* White-box: scrubbed. */
	assert_true(tm_all_zero(wb_sys_ptr(t, rec), GRANULE_SIZE));
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		assert_true(tm_all_zero(wb_sys_ptr(t, aux[i]), GRANULE_SIZE));
	/* rec_gran_state: gone. */
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_ERROR_INPUT, 0);
	/* The RD lost its only REC: the realm can be destroyed. */
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	/* REC and aux granules are DELEGATED. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rec), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, aux[i]), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

/* The RD's next REC index never goes back: a destroyed REC's MPIDR is not
 * handed out again. */
static void rec_destroy_does_not_reuse_rec_index(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t rec0 = tm_rec_create(t, &r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec0), RMI_SUCCESS, 0);
	uint64_t params = rec_params(t, 0, RMI_REC_FLAG_RUNNABLE), rec = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, params), RMI_ERROR_INPUT, 0);
	params = rec_params(t, 1, RMI_REC_FLAG_RUNNABLE);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, params), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

static uint64_t rec_destroy_from_pe1(void *arg)
{
	struct tagent *a = arg;
	return rmi_pe(a->t, 1, NULL, RMI_REC_DESTROY, 1, a->rec[0]);
}

/* rec_state: a REC really running inside REC_ENTER on another PE (its
 * agent spinning on PE 0) cannot be destroyed: RMI_ERROR_REC, after
 * rec_align (INPUT); it runs on unharmed and is destroyed once stopped. A
 * destroy that lands between two of PE 0's entries rightly succeeds
 * (ta_while_spinning says it could not be sure): then again on a fresh
 * realm. */
static void rec_destroy_fails_rec_state_for_running_rec_with_rec_error(void **state)
{
	(void)state;
	for (unsigned attempt = 0; attempt < 10; attempt++) {
		struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 2 };
		struct tmach *t = acs_machine_cfg(&cfg);
		struct tagent a;
		bool certain, destroyed;
		ta_build(&a, t, 1, 1, 1);
		ta_activate(&a);
		struct ta_spinner *s = ta_spin_start(&a, 0, 0);
		uint64_t x0 = ta_while_spinning(s, rec_destroy_from_pe1, &a, &certain);
		if (x0 == rmi_return(RMI_ERROR_REC, 0)) {
			assert_rmi(rmi_pe(t, 1, NULL, RMI_REC_DESTROY, 1, a.rec[0] + 0x800),
				   RMI_ERROR_INPUT, 0);
			ta_spin_stop(s, NULL);
			ta_check_data(&a, 0);
			ta_teardown(&a); /* REC_DESTROY of the stopped REC succeeds */
			acs_machine_destroy(t);
			return;
		}
		if (certain)
			fail_msg("REC_DESTROY gave 0x%llx while another PE ran the REC",
				 (unsigned long long)x0);
		assert_rmi(x0, RMI_SUCCESS, 0);
		ta_spin_stop(s, &destroyed);
		assert_true(destroyed);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, a.rec[0]), RMI_SUCCESS, 0);
		for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
			assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, a.r.rec_aux[0][i]), RMI_SUCCESS, 0);
		a.r.nrecs = 0;
		ta_teardown(&a);
		acs_machine_destroy(t);
	}
	fail_msg("in 10 attempts REC_DESTROY never met the REC running");
}

/* =============================== RMI_REC_ENTER =============================== */

/* The stimuli a running realm or the run page builds on: REC_RUNNING (its
 * agent spinning inside REC_ENTER on PE 0), REALM_SYSTEM_OFF (the realm's
 * own PSCI SYSTEM_OFF), REC_PSCI_PENDING (REC 0's own CPU_ON, not yet
 * completed) -- all in the agent's realm G (tests/support/agent.h) --,
 * REC_EMULATED_MMIO and REC_INJECT_SEA (the entry flag without the
 * matching last exit), RUN_PTR_INVALID_GIV3_HCR (TC, bit 10, not
 * host-controlled), GICV3_HCR_EN (En, bit 0), and list registers with HW =
 * 1, a duplicate vINTID, the reserved vINTID 1020, pINTID bits beyond EOI. */
static const struct acs_row enter_rows[] = {
	{ "run_align", "RUN_PTR_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "run_bound", "RUN_PTR_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "run_bound", "RUN_PTR_OUSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "run_pas", "RUN_PTR_PAS_REALM", RMI_ERROR_INPUT, 0 },
	{ "run_pas", "RUN_PTR_PAS_SECURE", RMI_ERROR_INPUT, 0 },
	{ "rec_align", "REC_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_DATA", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "realm_new", "REALM_NEW", RMI_ERROR_REALM, 0 },
	{ "rec_mmio", "REC_EMULATED_MMIO", RMI_ERROR_REC, 0 },
	{ "rec_psci", "REC_PSCI_PENDING", RMI_ERROR_REC, 0 },
	{ "system_off", "REALM_SYSTEM_OFF", RMI_ERROR_REALM, 1 },
	{ "rec_runnable", "REC_NOT_RUNNABLE", RMI_ERROR_REC, 0 },
	{ "rec_giv3", "RUN_PTR_INVALID_GIV3_HCR", RMI_ERROR_REC, 0 },
	{ "rec_align_compare_rec_gicv3", "REC_UNALIGNED_INVALID_GICV3", RMI_ERROR_INPUT, 0,
	  "REC_UNALIGNED+RUN_PTR_INVALID_GIV3_HCR" },
	{ "rec_bound_compare_rec_gicv3", "REC_DEV_MEM_INVALID_GICV3", RMI_ERROR_INPUT, 0,
	  "REC_DEV_MEM+RUN_PTR_INVALID_GIV3_HCR" },
	{ "rec_gran_state_compare_rec_gicv3", "REC_GRAN_STATE_UNDELEGATED_INVALID_GICV3",
	  RMI_ERROR_INPUT, 0, "REC_GRAN_STATE_UNDELEGATED+RUN_PTR_INVALID_GIV3_HCR" },
	{ "run_pas_compare_rec_runnable", "RUN_PAS_SECURE_REC_NOT_RUNNABLE", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_PAS_SECURE+REC_NOT_RUNNABLE" },
	{ "run_pas_compare_realm_new", "RUN_PAS_SECURE_REALM_NEW", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_PAS_SECURE+REALM_NEW" },
	{ "run_pas_compare_system_off", "RUN_PAS_SECURE_REALM_SYSTEM_OFF", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_PAS_SECURE+REALM_SYSTEM_OFF" },
	{ "run_bound_compare_rec_runnable", "RUN_DEV_MEM_REC_NOT_RUNNABLE", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_DEV_MEM+REC_NOT_RUNNABLE" },
	{ "run_bound_compare_realm_new", "RUN_DEV_MEM_REALM_NEW", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_DEV_MEM+REALM_NEW" },
	{ "run_bound_compare_system_off", "RUN_DEV_MEM_REALM_SYSTEM_OFF", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_DEV_MEM+REALM_SYSTEM_OFF" },
	/* Beyond the suite. */
	{ "rec_state", "REC_RUNNING", RMI_ERROR_REC, 0 },
	{ "rec_inject_sea", "REC_INJECT_SEA", RMI_ERROR_REC, 0 },
	{ "rec_gicv3", "GICV3_HCR_EN", RMI_ERROR_REC, 0 },
	{ "rec_gicv3", "GICV3_LR_HW", RMI_ERROR_REC, 0 },
	{ "rec_gicv3", "GICV3_LR_DUPLICATE", RMI_ERROR_REC, 0 },
	{ "rec_gicv3", "GICV3_LR_VINTID_1020", RMI_ERROR_REC, 0 },
	{ "rec_gicv3", "GICV3_LR_PINTID", RMI_ERROR_REC, 0 },
	/* Failure order across statuses. The suite fixes the INPUT-before-REALM/REC
	 * orders above; among REALM and REC conditions this RMM follows the spec
	 * notes' (TF-RMM's) order: realm_new, system_off, then the REC checks. */
	{ "realm_new_compare_rec_runnable", "REALM_NEW_REC_NOT_RUNNABLE", RMI_ERROR_REALM, 0,
	  "REALM_NEW+REC_NOT_RUNNABLE" },
	{ "realm_new_compare_rec_gicv3", "REALM_NEW_INVALID_GICV3", RMI_ERROR_REALM, 0,
	  "REALM_NEW+RUN_PTR_INVALID_GIV3_HCR" },
	{ "realm_new_compare_rec_mmio", "REALM_NEW_REC_EMULATED_MMIO", RMI_ERROR_REALM, 0,
	  "REALM_NEW+REC_EMULATED_MMIO" },
	{ "system_off_compare_rec_runnable", "REALM_SYSTEM_OFF_REC_NOT_RUNNABLE", RMI_ERROR_REALM, 1,
	  "REALM_SYSTEM_OFF+REC_NOT_RUNNABLE" },
	{ "system_off_compare_rec_psci", "REALM_SYSTEM_OFF_REC_PSCI_PENDING", RMI_ERROR_REALM, 1,
	  "REALM_SYSTEM_OFF+REC_PSCI_PENDING" },
	{ "system_off_compare_rec_gicv3", "REALM_SYSTEM_OFF_INVALID_GICV3", RMI_ERROR_REALM, 1,
	  "REALM_SYSTEM_OFF+RUN_PTR_INVALID_GIV3_HCR" },
	{ "run_align_compare_realm_new", "RUN_PTR_UNALIGNED_REALM_NEW", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_UNALIGNED+REALM_NEW" },
	{ "run_pas_compare_rec_psci", "RUN_PAS_REALM_REC_PSCI_PENDING", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_PAS_REALM+REC_PSCI_PENDING" },
	{ "run_pas_compare_rec_state", "RUN_PAS_SECURE_REC_RUNNING", RMI_ERROR_INPUT, 0,
	  "RUN_PTR_PAS_SECURE+REC_RUNNING" },
	{ "rec_gran_state_compare_rec_mmio", "REC_GRAN_STATE_RD_REC_EMULATED_MMIO", RMI_ERROR_INPUT,
	  0, "REC_GRAN_STATE_RD+REC_EMULATED_MMIO" },
};

#define EXIT_JUNK 0xa5

struct row_enter {
	struct tmach *t;
	uint64_t rec, run;
};

static uint64_t row_enter_from_pe1(void *arg)
{
	struct row_enter *c = arg;
	return rmi_pe(c->t, 1, NULL, RMI_REC_ENTER, 2, c->rec, c->run);
}

/* Fixture of the REC_ENTER rows: realm A (ACTIVE, VMID 1) with runnable REC 0
 * and not-runnable REC 1; realm N (NEW, VMID 2) with a runnable and a
 * not-runnable REC (REALM_NEW names the runnable one, or with REC_NOT_RUNNABLE
 * the other); realm G (the agent's, ACTIVE, VMID 3, three RECs) for the
 * states only its running code makes; an NS run page whose exit part holds
 * junk, which a failed REC_ENTER must leave alone (the exit record is
 * written only on success). */
static void rec_enter_row(void **state)
{
	const struct acs_row *row = *state;
	struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 2 };
	struct tmach *t = acs_machine_cfg(&cfg);
	struct tm_states s;
	struct trealm n;
	struct tagent g;
	tm_states_create(t, &s, 1);
	uint64_t rec1 = tm_rec_create(t, &s.r, 1, 0, NULL);
	tm_realm_create(t, &n, 40, 1, 2);
	uint64_t n0 = tm_rec_create(t, &n, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	uint64_t n1 = tm_rec_create(t, &n, 1, 0, NULL);
	ta_build(&g, t, 3, 3, 1);
	tm_realm_activate(t, s.rd);
	ta_activate(&g);

	uint64_t run_valid = tm_granule(t), run = run_valid, rec = s.rec;
	struct rmi_rec_run *rr = tm_ptr(t, run_valid);
	memset(&rr->exit, EXIT_JUNK, sizeof(rr->exit));

	acs_granule_stimulus(t, &s, "RUN_PTR", row, &run);
	if (acs_granule_stimulus(t, &s, "REC", row, &rec)) {
	} else if (acs_has(row, "REALM_NEW")) {
		rec = acs_has(row, "REC_NOT_RUNNABLE") ? n1 : n0;
	} else if (acs_has(row, "REC_NOT_RUNNABLE")) {
		rec = acs_has(row, "REALM_SYSTEM_OFF") ? g.rec[2] : rec1;
	}

	/* State G's code makes: REC 0 asks to start REC 2 (pending until the
	 * host answers), REC 1 (started by REC 0 first) turns the realm off. */
	bool psci = acs_has(row, "REC_PSCI_PENDING"), off = acs_has(row, "REALM_SYSTEM_OFF");
	if (psci || off) {
		const struct rmi_rec_exit *e =
			ta_cmd(&g, 0, AGENT_SMC,
			       (const uint64_t[8]){ PSCI_CPU_ON, 1, AGENT_CODE_IPA, ta_mbox_ipa(&g, 1) });
		assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)PSCI_SUCCESS),
			   RMI_SUCCESS, 0);
		ta_resume(&g, 0, 0);
		if (psci) {
			e = ta_cmd(&g, 0, AGENT_SMC,
				   (const uint64_t[8]){ PSCI_CPU_ON, 2, AGENT_CODE_IPA,
							ta_mbox_ipa(&g, 2) });
			assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
		}
		if (off) {
			e = ta_cmd(&g, 1, AGENT_SMC, (const uint64_t[8]){ PSCI_SYSTEM_OFF });
			assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
		}
		if (!acs_has(row, "REC_NOT_RUNNABLE") && !acs_granule_stimulus(t, &s, "REC", row, &rec))
			rec = g.rec[0];
	}

	/* The entry part of the run page. */
	if (acs_has(row, "REC_EMULATED_MMIO"))
		rr->enter.flags |= REC_ENTRY_FLAG_EMUL_MMIO;
	if (acs_has(row, "REC_INJECT_SEA"))
		rr->enter.flags |= REC_ENTRY_FLAG_INJECT_SEA;
	if (acs_has(row, "RUN_PTR_INVALID_GIV3_HCR"))
		rr->enter.gicv3_hcr = UINT64_C(1) << 10; /* TC */
	if (acs_has(row, "GICV3_HCR_EN"))
		rr->enter.gicv3_hcr = UINT64_C(1) << 0;
	const uint64_t pending = UINT64_C(1) << ICH_LR_STATE_SHIFT | ICH_LR_GROUP;
	if (acs_has(row, "GICV3_LR_HW"))
		rr->enter.gicv3_lrs[0] = pending | ICH_LR_HW | 40;
	if (acs_has(row, "GICV3_LR_DUPLICATE")) {
		rr->enter.gicv3_lrs[0] = pending | 40;
		rr->enter.gicv3_lrs[3] = pending | 40;
	}
	if (acs_has(row, "GICV3_LR_VINTID_1020"))
		rr->enter.gicv3_lrs[1] = pending | 1020;
	if (acs_has(row, "GICV3_LR_PINTID"))
		rr->enter.gicv3_lrs[2] = pending | UINT64_C(5) << ICH_LR_PINTID_SHIFT | 40;

	if (acs_has(row, "REC_RUNNING")) {
		/* G's REC 0 inside REC_ENTER on PE 0; this one from PE 1, until
		 * one call certainly met it running (a call between two of PE
		 * 0's entries may rightly run it: then again). */
		struct row_enter c = { t, g.rec[0], run };
		struct ta_spinner *sp = ta_spin_start(&g, 0, 0);
		uint64_t x0 = 0;
		bool certain = false;
		for (unsigned tries = 0; tries < TA_CERTAIN_TRIES && !certain; tries++) {
			memset(&rr->exit, EXIT_JUNK, sizeof(rr->exit));
			x0 = ta_while_spinning(sp, row_enter_from_pe1, &c, &certain);
		}
		assert_true(certain);
		assert_acs_row(x0, row);
		ta_spin_stop(sp, NULL);
	} else {
		assert_acs_row(rmi(t, RMI_REC_ENTER, 2, rec, run), row);
	}

	/* Nothing was written back, to the run page or elsewhere. */
	const uint8_t *exit_bytes = (const uint8_t *)&rr->exit;
	for (size_t i = 0; i < sizeof(rr->exit); i++)
		if (exit_bytes[i] != EXIT_JUNK)
			fail_msg("failed REC_ENTER wrote exit byte 0x%zx", i);
	/* No REC was left running: every realm tears down step by step
	 * (REC_DESTROY fails on a running REC). */
	tm_realm_teardown(t, &s.r);
	tm_realm_teardown(t, &n);
	ta_teardown(&g);
	acs_machine_destroy(t);
}

/* A runnable REC of an ACTIVE realm enters; with no vCPU attached yet (the
 * execution issue brings one) it exits at once with RMI_EXIT_IRQ, and the
 * RMM fills the exit part of the run page (zeroing what it does not report). */
static void rec_enter_runs_runnable_rec_of_active_realm_and_reports_irq_exit(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	tm_realm_activate(t, s.rd);
	uint64_t run = tm_granule(t);
	struct rmi_rec_run *rr = tm_ptr(t, run);

	for (int round = 0; round < 3; round++) {
		memset(&rr->exit, EXIT_JUNK, sizeof(rr->exit));
		assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_SUCCESS, 0);
		assert_int_equal(rr->exit.exit_reason, RMI_EXIT_IRQ);
		assert_int_equal(rr->exit.esr, 0);
		assert_int_equal(rr->exit.far, 0);
		assert_int_equal(rr->exit.hpfar, 0);
		for (unsigned i = 0; i < RMI_REC_RUN_GPRS; i++)
			assert_int_equal(rr->exit.gprs[i], 0);
		assert_int_equal(rr->exit.ripas_base, 0);
		assert_int_equal(rr->exit.ripas_top, 0);
		assert_int_equal(rr->exit.ripas_value, 0);
		assert_int_equal(rr->exit.imm, 0);
		/* The REC is not left running. */
		assert_int_equal(wb_granule(t, s.rec)->refcount, 0);
	}
	/* The run page stays the host's. */
	assert_int_equal(ccakit_pas_of(t->m, run), CCAKIT_PAS_NS);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

/* Valid virtual GIC state: allowed ICH_HCR bits and well-formed list
 * registers (pending, active, EOI-maintenance, SPI and LPI vINTIDs). */
static void rec_enter_accepts_valid_gicv3_state(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	tm_realm_activate(t, s.rd);
	uint64_t run = tm_granule(t);
	struct rmi_rec_run *rr = tm_ptr(t, run);
	const uint64_t pend = UINT64_C(1) << ICH_LR_STATE_SHIFT;
	const uint64_t act = UINT64_C(2) << ICH_LR_STATE_SHIFT;

	rr->enter.gicv3_hcr = RMI_GICV3_HCR_ALLOWED;
	rr->enter.gicv3_lrs[0] = pend | ICH_LR_GROUP | UINT64_C(0xa0) << ICH_LR_PRIORITY_SHIFT | 27;
	rr->enter.gicv3_lrs[1] = act | ICH_LR_EOI | 32;
	rr->enter.gicv3_lrs[2] = pend | 8192; /* an LPI */
	rr->enter.gicv3_lrs[15] = pend | ICH_LR_GROUP | 1019;
	rr->enter.gicv3_lrs[4] = 27; /* invalid LR (state 0): not checked for duplicates */
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_SUCCESS, 0);
	assert_int_equal(rr->exit.exit_reason, RMI_EXIT_IRQ);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

/* The agent's realm (one REC, active) on a machine of its own. */
static void agent_open(struct tagent *a)
{
	struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 1 };
	ta_build(a, acs_machine_cfg(&cfg), 1, 1, 1);
	ta_activate(a);
}

/* The agent's REC 0 loads from an unprotected IPA nothing maps: an
 * emulatable data abort exit. */
static void agent_mmio_read(struct tagent *a)
{
	const struct rmi_rec_exit *e =
		ta_cmd(a, 0, AGENT_LOAD, (const uint64_t[8]){ ta_ns_base(a) + UINT64_C(0x300000) });
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_true(e->esr & (UINT64_C(1) << 24)); /* ISV: emulatable */
}

/* After a WFI exit (the agent's next command, posted while completing its
 * doorbell), an entry with `flags` is refused. */
static void expect_refused_after_wfi(struct tagent *a, uint64_t flags)
{
	ta_post(a, 0, AGENT_WFI, NULL);
	ta_resume(a, 0, 0);
	assert_int_equal(ta_run(a, 0)->exit.esr, UINT64_C(0x01) << 26);
	ta_enter_prepare(a, 0, REC_ENTRY_FLAG_TRAP_WFI)->flags = flags;
	assert_rmi(ta_enter_go(a, 0, 0), RMI_ERROR_REC, 0);
	/* Without the flag the agent goes on past its WFI. */
	ta_resume(a, 0, 0);
	assert_true(a->at_doorbell[0]);
}

/* enter.flags.emul_mmio is accepted after an emulatable data abort exit
 * (the realm's load from an unprotected IPA), completes the load with
 * enter.gprs[0], and is refused after any other exit. */
static void rec_enter_accepts_emul_mmio_after_emulatable_abort_once(void **state)
{
	(void)state;
	struct tagent a;
	agent_open(&a);
	agent_mmio_read(&a);
	ta_enter_prepare(&a, 0, REC_ENTRY_FLAG_EMUL_MMIO)->gprs[0] = 0x1234;
	assert_rmi(ta_enter_go(&a, 0, 0), RMI_SUCCESS, 0);
	if (!a.at_doorbell[0])
		ta_resume(&a, 0, 0);
	assert_int_equal(ta_mbox(&a, 0)->r[0], 0x1234);
	expect_refused_after_wfi(&a, REC_ENTRY_FLAG_EMUL_MMIO);
	ta_check_data(&a, 0);
	struct tmach *t = a.t;
	ta_teardown(&a);
	acs_machine_destroy(t);
}

/* enter.flags.inject_sea is accepted after a data abort at an unprotected
 * IPA (the realm then takes a synchronous external abort), and refused
 * after any other exit. */
static void rec_enter_accepts_inject_sea_after_unprotected_data_abort(void **state)
{
	(void)state;
	struct tagent a;
	agent_open(&a);
	agent_mmio_read(&a);
	ta_resume(&a, 0, REC_ENTRY_FLAG_INJECT_SEA);
	assert_true(a.at_doorbell[0]);
	assert_int_equal(ta_mbox(&a, 0)->exc_count, 1);
	assert_int_equal(ta_mbox(&a, 0)->exc_esr & 0x3f, 0x10); /* FSC: SEA */
	expect_refused_after_wfi(&a, REC_ENTRY_FLAG_INJECT_SEA);
	ta_check_data(&a, 0);
	struct tmach *t = a.t;
	ta_teardown(&a);
	acs_machine_destroy(t);
}

/* ============================= RMI_PSCI_COMPLETE ============================= */

static const struct acs_row psci_rows[] = {
	{ "alias", "ALIAS", RMI_ERROR_INPUT, 0 },
	{ "calling_align", "CALLING_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "calling_bound", "CALLING_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "calling_bound", "CALLING_OUT_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "calling state", "CALLING_GRAN_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "calling state", "CALLING_GRAN_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "calling state", "CALLING_GRAN_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "calling state", "CALLING_GRAN_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "calling state", "CALLING_GRAN_STATE_DATA", RMI_ERROR_INPUT, 0 },
	{ "target_align", "TARGET_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "target_bound", "TARGET_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "target_bound", "TARGET_OUT_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "target state", "TARGET_GRAN_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "target state", "TARGET_GRAN_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "target state", "TARGET_GRAN_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "target state", "TARGET_GRAN_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "target state", "TARGET_GRAN_STATE_DATA", RMI_ERROR_INPUT, 0 },
	{ "pending", "NO_PSCI_REQUEST", RMI_ERROR_INPUT, 0 },
	{ "owner", "TARGET_OTHER_OWNER", RMI_ERROR_INPUT, 0 }, /* REC 0 of realm B */
	{ "target", "TARGET_OTHER_MPIDR", RMI_ERROR_INPUT, 0 }, /* the request names MPIDR 2 */
	{ "status", "STATUS_NOT_PERMITTED", RMI_ERROR_INPUT, 0 }, /* CPU_ON NOT_SUPPORTED */
	/* Beyond the suite. */
	{ "calling state", "CALLING_GRAN_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "target state", "TARGET_GRAN_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "pending", "CALLING_RUNNING", RMI_ERROR_INPUT, 0 }, /* inside REC_ENTER on PE 0 */
	{ "status", "STATUS_ALREADY_ON", RMI_ERROR_INPUT, 0 },
	{ "status", "AFFINITY_INFO_DENIED", RMI_ERROR_INPUT, 0 },
};

struct complete_call {
	struct tmach *t;
	uint64_t calling, target, status;
};

static uint64_t complete_from_pe1(void *arg)
{
	const struct complete_call *c = arg;
	return rmi_pe(c->t, 1, NULL, RMI_PSCI_COMPLETE, 3, c->calling, c->target, c->status);
}

/* Fixture of the PSCI_COMPLETE rows: the agent's realm G (ACTIVE, VMID 1)
 * with REC 0 (the caller, runnable), REC 1 (MPIDR 1) and REC 2 (MPIDR 2),
 * both off; realm B (ACTIVE, VMID 2) with its REC 0; granules in every
 * state (tm_states, VMID 3). G's REC 0 really calls PSCI CPU_ON for MPIDR 1
 * (MPIDR 2 for TARGET_OTHER_MPIDR, AFFINITY_INFO of MPIDR 1 for
 * AFFINITY_INFO_DENIED), so the host has a request to answer.
 *
 * CALLING_RUNNING: the caller inside REC_ENTER on PE 0 (its agent spinning),
 * the answer from PE 1. A REC with a request pending cannot be entered
 * (rec_psci), so "running" is met without one; the RMM refuses either. */
static void psci_complete_row(void **state)
{
	const struct acs_row *row = *state;
	struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 2 };
	struct tmach *t = acs_machine_cfg(&cfg);
	struct tagent g;
	struct tm_states s;
	struct trealm b;
	ta_build(&g, t, 1, 3, 1);
	tm_realm_create(t, &b, 40, 1, 2);
	uint64_t b0 = tm_rec_create(t, &b, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	tm_states_create(t, &s, 3);
	ta_activate(&g);
	tm_realm_activate(t, b.rd);

	uint64_t calling = g.rec[0], target = g.rec[1], status = PSCI_SUCCESS;
	uint64_t fid = PSCI_CPU_ON, target_mpidr = 1;
	bool request = true;

	if (acs_granule_stimulus(t, &s, "CALLING", row, &calling) ||
	    acs_granule_stimulus(t, &s, "TARGET", row, &target)) {
	} else if (acs_is(row, "ALIAS")) {
		target = calling;
	} else if (acs_is(row, "NO_PSCI_REQUEST") || acs_is(row, "CALLING_RUNNING")) {
		request = false;
	} else if (acs_is(row, "TARGET_OTHER_OWNER")) {
		target = b0;
	} else if (acs_is(row, "TARGET_OTHER_MPIDR")) {
		target_mpidr = 2;
	} else if (acs_is(row, "STATUS_NOT_PERMITTED")) {
		status = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
	} else if (acs_is(row, "STATUS_ALREADY_ON")) {
		status = (uint64_t)(int64_t)PSCI_ALREADY_ON;
	} else if (acs_is(row, "AFFINITY_INFO_DENIED")) {
		fid = PSCI_AFFINITY_INFO;
		status = (uint64_t)(int64_t)PSCI_DENIED;
	} else {
		acs_unknown_stimulus(row);
	}

	if (request) {
		const uint64_t args[8] = { fid, target_mpidr,
					   fid == PSCI_CPU_ON ? AGENT_CODE_IPA : 0,
					   ta_mbox_ipa(&g, (unsigned)target_mpidr) };
		const struct rmi_rec_exit *e = ta_cmd(&g, 0, AGENT_SMC, args);
		assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
		assert_int_equal(e->gprs[1], target_mpidr);
	}
	if (acs_is(row, "CALLING_RUNNING")) {
		struct complete_call c = { t, calling, target, status };
		struct ta_spinner *sp = ta_spin_start(&g, 0, 0);
		bool certain;
		assert_acs_row(ta_while_spinning(sp, complete_from_pe1, &c, &certain), row);
		ta_spin_stop(sp, NULL);
	} else {
		assert_acs_row(rmi(t, RMI_PSCI_COMPLETE, 3, calling, target, status), row);
	}

	/* Nothing was completed: the caller still waits for an answer, the
	 * targets are still off; the right answer then works, once. */
	for (unsigned i = request ? 0 : 1; i < 3; i++) {
		ta_enter_prepare(&g, i, REC_ENTRY_FLAG_TRAP_WFI);
		assert_rmi(ta_enter_go(&g, 0, i), RMI_ERROR_REC, 0);
	}
	if (request) {
		uint64_t right = g.rec[target_mpidr];
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, g.rec[0], right, UINT64_C(0)), RMI_SUCCESS, 0);
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, g.rec[0], right, UINT64_C(0)), RMI_ERROR_INPUT,
			   0);
		ta_resume(&g, 0, 0);
		assert_true(g.at_doorbell[0]);
		assert_int_equal(ta_mbox(&g, 0)->r[0],
				 fid == PSCI_CPU_ON ? PSCI_SUCCESS : PSCI_AFFINITY_OFF);
	}
	ta_check_data(&g, 0);
	ta_teardown(&g);
	tm_realm_teardown(t, &b);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

/* The agent's realm G with REC 0 running and RECs 1 and 2 off; REC 0 asks
 * for `fid` (CPU_ON at the agent, with REC `target`'s mailbox as context,
 * or AFFINITY_INFO) of REC `target`: a PSCI exit the host must answer. */
static void psci_ask(struct tagent *g, uint64_t fid, unsigned target)
{
	const uint64_t args[8] = { fid, rmi_rec_index_to_mpidr(target),
				   fid == PSCI_CPU_ON ? AGENT_CODE_IPA : 0, ta_mbox_ipa(g, target) };
	const struct rmi_rec_exit *e = ta_cmd(g, 0, AGENT_SMC, args);
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	assert_int_equal(e->gprs[0], fid);
	assert_int_equal(e->gprs[1], rmi_rec_index_to_mpidr(target));
}

static void psci_open(struct tagent *g)
{
	struct ccakit_machine_config cfg = { .dram_size = 32 * MIB, .pe_count = 1 };
	ta_build(g, acs_machine_cfg(&cfg), 1, 3, 1);
	ta_activate(g);
}

static void psci_close(struct tagent *g)
{
	struct tmach *t = g->t;
	ta_teardown(g);
	acs_machine_destroy(t);
}

/* REC i may not be entered (waiting for PSCI_COMPLETE, or off). */
static void expect_not_enterable(struct tagent *g, unsigned i)
{
	ta_enter_prepare(g, i, REC_ENTRY_FLAG_TRAP_WFI);
	assert_rmi(ta_enter_go(g, 0, i), RMI_ERROR_REC, 0);
}

/* The realm's answer: X0 of its PSCI call, once REC 0 is entered again. */
static uint64_t psci_answer(struct tagent *g)
{
	ta_resume(g, 0, 0);
	assert_true(g->at_doorbell[0]);
	return ta_mbox(g, 0)->r[0];
}

static void psci_complete_cpu_on_success_makes_target_runnable(void **state)
{
	(void)state;
	struct tagent g;
	psci_open(&g);
	psci_ask(&g, PSCI_CPU_ON, 1);
	/* Before: the caller waits for the host, the target is off. */
	expect_not_enterable(&g, 0);
	expect_not_enterable(&g, 1);

	assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(psci_answer(&g), PSCI_SUCCESS);
	/* REC 1 starts at the entry point with the context in X0: its agent
	 * answers on the mailbox it was given. */
	ta_check_data(&g, 1);
	/* The request cannot be completed twice; REC 2 is still off. */
	assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_ERROR_INPUT, 0);
	expect_not_enterable(&g, 2);
	psci_close(&g);
}

static void psci_complete_cpu_on_denied_leaves_target_off(void **state)
{
	(void)state;
	struct tagent g;
	psci_open(&g);
	psci_ask(&g, PSCI_CPU_ON, 1);
	assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)(int64_t)PSCI_DENIED),
		   RMI_SUCCESS, 0);
	assert_int_equal(psci_answer(&g), (uint64_t)(int64_t)PSCI_DENIED);
	expect_not_enterable(&g, 1);
	psci_close(&g);
}

/* A target already on is not reset: REC 1, stopped in the middle of a
 * command (a trapped WFI), finishes that command afterwards. */
static void psci_complete_cpu_on_reports_already_on_for_runnable_target(void **state)
{
	(void)state;
	struct tagent g;
	psci_open(&g);
	psci_ask(&g, PSCI_CPU_ON, 1);
	assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(psci_answer(&g), PSCI_SUCCESS);
	const struct rmi_rec_exit *e = ta_cmd(&g, 1, AGENT_WFI, NULL);
	assert_int_equal(e->esr, UINT64_C(0x01) << 26);

	psci_ask(&g, PSCI_CPU_ON, 1);
	assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(psci_answer(&g), (uint64_t)(int64_t)PSCI_ALREADY_ON);
	e = ta_resume(&g, 1, 0);
	assert_true(ta_is_doorbell(&g, 1, e));
	assert_int_equal(e->gprs[0], AGENT_WFI); /* the value its doorbell rings */
	ta_check_data(&g, 1);
	psci_close(&g);
}

static void psci_complete_affinity_info_reports_target_on_or_off(void **state)
{
	(void)state;
	struct tagent g;
	psci_open(&g);
	for (int on = 0; on < 2; on++) {
		psci_ask(&g, PSCI_AFFINITY_INFO, 1);
		assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1], (uint64_t)PSCI_SUCCESS),
			   RMI_SUCCESS, 0);
		assert_int_equal(psci_answer(&g), on ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
		if (!on) {
			/* AFFINITY_INFO changes nothing: REC 1 is still off. */
			expect_not_enterable(&g, 1);
			psci_ask(&g, PSCI_CPU_ON, 1);
			assert_rmi(rmi(g.t, RMI_PSCI_COMPLETE, 3, g.rec[0], g.rec[1],
				       (uint64_t)PSCI_SUCCESS),
				   RMI_SUCCESS, 0);
			assert_int_equal(psci_answer(&g), PSCI_SUCCESS);
		}
	}
	psci_close(&g);
}

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("rec_create", create_rows, rec_create_row),
		ACS_TABLE("rec_destroy", destroy_rows, rec_destroy_row),
		ACS_TABLE("rec_enter", enter_rows, rec_enter_row),
		ACS_TABLE("psci_complete", psci_rows, psci_complete_row),
	};
	static const struct CMUnitTest extra[] = {
		cmocka_unit_test(rec_create_succeeds_and_reads_back_rec),
		cmocka_unit_test(rec_create_measures_only_runnable_recs),
		cmocka_unit_test(rec_create_accepts_mpidr_aff1_after_sixteen_recs),
		cmocka_unit_test(rec_destroy_returns_rec_and_aux_to_delegated_zeroed),
		cmocka_unit_test(rec_destroy_does_not_reuse_rec_index),
		cmocka_unit_test(rec_destroy_fails_rec_state_for_running_rec_with_rec_error),
		cmocka_unit_test(rec_enter_runs_runnable_rec_of_active_realm_and_reports_irq_exit),
		cmocka_unit_test(rec_enter_accepts_valid_gicv3_state),
		cmocka_unit_test(rec_enter_accepts_emul_mmio_after_emulatable_abort_once),
		cmocka_unit_test(rec_enter_accepts_inject_sea_after_unprotected_data_abort),
		cmocka_unit_test(psci_complete_cpu_on_success_makes_target_runnable),
		cmocka_unit_test(psci_complete_cpu_on_denied_leaves_target_off),
		cmocka_unit_test(psci_complete_cpu_on_reports_already_on_for_runnable_target),
		cmocka_unit_test(psci_complete_affinity_info_reports_target_on_or_off),
	};
	return ACS_RUN("rmi_rec", tables, extra);
}
