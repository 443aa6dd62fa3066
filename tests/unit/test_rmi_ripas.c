/* RMI_RTT_INIT_RIPAS and RMI_RTT_SET_RIPAS: every v1.0 failure row of the
 * compliance suite with its status and index, failure order, and the success
 * paths read back with RTT_READ_ENTRY (level-3 pages and 2 MiB level-2
 * entries, partial progress, RIPAS transitions, the RIM).
 *
 * RTT_SET_RIPAS serves an RSI_IPA_STATE_SET request the realm's own code
 * makes (the agent, tests/support/agent.h: its REC 0 calls it and exits
 * with RMI_EXIT_RIPAS_CHANGE), and the realm's answer (how far the host got)
 * is read back from the realm. RTT_INIT_RIPAS's SYSTEM_OFF rows still put
 * the realm in SYSTEM_OFF white-box (wb_realm_set_system_off).
 *
 * ACS rows covered (spec/rmi-failure-conditions.txt), as tests named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
 *   rmi_rtt_init_ripas_data.h (18): rd_align RD_UNALIGNED; rd_bound
 *     RD_DEV_MEM, RD_OUTSIDE_OF_PERMITTED_PA; rd_state RD_STATE_UNDELEGATED,
 *     RD_STATE_DELEGATED, RD_STATE_REC, RD_STATE_RTT, RD_STATE_DATA;
 *     size_valid SIZE_INVALID; top_bound TOP_UNPROTECTED; realm_state
 *     REALM_SYSTEM_OFF, REALM_ACTIVE; realm_state_null REALM_NULL;
 *     base_align BASE_LEVEL_UNALIGNED; rtte_state RTTE_STATE_ASSIGNED;
 *     top_gran_align TOP_GRAN_UNALIGNED; no_progress TOP_LEVEL_UNALIGNED;
 *     top_gran_align_compare_no_progress TOP_GRAN_UNALIGNED_TOP_LEVEL_UNALIGNED
 *   rmi_rtt_set_ripas_data.h (25 v1.0 rows; aux_live [1.1] is not): rd_align
 *     RD_UNALIGNED; rd_bound RD_OUTSIDE_OF_PERMITTED_PA, RD_DEV_MEM; rd_state
 *     (5 as above); rec_align REC_UNALIGNED; rec_bound
 *     REC_OUTSIDE_OF_PERMITTED_PA, REC_DEV_MEM; rec_gran_state
 *     REC_GRAN_STATE_UNDELEGATED, REC_GRAN_STATE_DELEGATED,
 *     REC_GRAN_STATE_RD, REC_GRAN_STATE_RTT, REc_GRAN_STATE_DATA; rec_owner
 *     REC_OTHER_OWNER; size_valid INVALID_SIZE; base_bound BASE_MISMATCH;
 *     top_bound TOP_OUT_OF_BOUND; base_align BASE_UNALIGNED; top_gran_align
 *     TOP_GRAN_UNALIGNED; no_progress TOP_LEVEL_UNALIGNED;
 *     base_bound_compare_base_align BASE_MISMATCH_BASE_UNALIGNED;
 *     top_gran_align_compare_no_progress TOP_GRAN_UNALIGNED_TOP_LEVEL_UNALIGNED
 * The realm under test is the suite's: s2sz 40, starting level 0. */
#include "acs_rows.h"
#include "agent.h"
#include "invariants.h"
#include "ref_hash.h"
#include "whitebox.h"

#include <string.h>

#include "ccakit/abi/rsi.h"

#define S2SZ 40
#define IPA_1G (UINT64_C(1) << 30)
#define IPA_UNPROTECTED (UINT64_C(1) << (S2SZ - 1))
#define L2_SIZE (UINT64_C(2) << 20)
#define L3_SIZE GRANULE_SIZE
/* A protected IPA whose RTT walk stops at level 2 (no level-3 RTT). */
#define IPA_L2 IPA_1G
#define REQ_TOP (16 * L3_SIZE)

/* The suite's realm with RTTs down to level 3 over IPA 0, down to level 2
 * over 1 GiB. */
static void fx_create(struct acs_fx *f)
{
	acs_fx_create(f, 16 * MIB);
	tm_rtt_map_to(f->t, &f->r, 0, 3);
	tm_rtt_map_to(f->t, &f->r, IPA_L2, 2);
}

/* ---- RMI_RTT_INIT_RIPAS ---- */

static const struct acs_row init_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "size_valid", "SIZE_INVALID", RMI_ERROR_INPUT, 0 },
	{ "top_bound", "TOP_UNPROTECTED", RMI_ERROR_INPUT, 0 },
	{ "realm_state", "REALM_SYSTEM_OFF", RMI_ERROR_REALM, 0 },
	{ "realm_state", "REALM_ACTIVE", RMI_ERROR_REALM, 0 },
	{ "realm_state_null", "REALM_NULL", RMI_ERROR_INPUT, 0 },
	{ "base_align", "BASE_LEVEL_UNALIGNED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_ASSIGNED", RMI_ERROR_RTT, 3 },
	{ "top_gran_align", "TOP_GRAN_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "no_progress", "TOP_LEVEL_UNALIGNED", RMI_ERROR_RTT, 2 },
	{ "top_gran_align_compare_no_progress", "TOP_GRAN_UNALIGNED_TOP_LEVEL_UNALIGNED",
	  RMI_ERROR_INPUT, 0 },
	/* Beyond the suite: the spec (B4.3.18.2) has no INPUT condition for an
	 * unaligned base (it is base_align) and bounds top by top - 4K; order
	 * across statuses, in the order the conditions are listed. */
	{ "base_align", "BASE_GRANULE_UNALIGNED", RMI_ERROR_RTT, 3 },
	{ "top_bound", "TOP_BEYOND_PAR_BY_A_GRANULE", RMI_ERROR_INPUT, 0 },
	{ "no_progress", "TOP_LEVEL_UNALIGNED_AT_LEVEL_3_END", RMI_ERROR_RTT, 2 },
	{ "size_valid_compare_realm_state", "SIZE_INVALID_REALM_ACTIVE", RMI_ERROR_INPUT, 0 },
	{ "top_bound_compare_realm_state", "TOP_UNPROTECTED_REALM_ACTIVE", RMI_ERROR_INPUT, 0 },
	{ "realm_state_compare_base_align", "REALM_ACTIVE_BASE_LEVEL_UNALIGNED", RMI_ERROR_REALM, 0 },
	{ "realm_state_compare_rtte_state", "REALM_ACTIVE_RTTE_STATE_ASSIGNED", RMI_ERROR_REALM, 0 },
	{ "realm_state_compare_top_gran_align", "REALM_SYSTEM_OFF_TOP_GRAN_UNALIGNED_ABOVE_PAR",
	  RMI_ERROR_REALM, 0 },
	{ "base_align_compare_top_gran_align", "BASE_LEVEL_UNALIGNED_TOP_GRAN_UNALIGNED",
	  RMI_ERROR_RTT, 2 },
	{ "rtte_state_compare_top_gran_align", "RTTE_STATE_ASSIGNED_TOP_GRAN_UNALIGNED",
	  RMI_ERROR_RTT, 3 },
};

/* Valid call: [0, 4K), a level-3 UNASSIGNED EMPTY entry. */
static void init_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	const uint64_t par = UINT64_C(1) << (S2SZ - 1);
	uint64_t rd = f.r.rd, base = 0, top = L3_SIZE;

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "SIZE_INVALID")) {
		base = L3_SIZE;
		top = 0;
	} else if (acs_is(row, "TOP_UNPROTECTED")) {
		top = IPA_UNPROTECTED + L3_SIZE;
	} else if (acs_is(row, "TOP_BEYOND_PAR_BY_A_GRANULE")) {
		base = par - L3_SIZE;
		top = par + L3_SIZE;
	} else if (acs_is(row, "REALM_SYSTEM_OFF")) {
		wb_realm_set_system_off(t, rd);
	} else if (acs_is(row, "REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
	} else if (acs_is(row, "REALM_NULL")) {
		rd = acs_null_realm_rd(t, 3);
	} else if (acs_is(row, "BASE_LEVEL_UNALIGNED")) {
		base = IPA_L2 + L3_SIZE;
		top = base + L2_SIZE;
	} else if (acs_is(row, "BASE_GRANULE_UNALIGNED")) {
		base = 0x800;
		top = 2 * L3_SIZE;
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED")) {
		tm_data_create(t, &f.r, base);
	} else if (acs_is(row, "TOP_GRAN_UNALIGNED")) {
		top = L3_SIZE / 2;
	} else if (acs_is(row, "TOP_LEVEL_UNALIGNED")) {
		base = IPA_L2;
		top = base + L3_SIZE;
	} else if (acs_is(row, "TOP_LEVEL_UNALIGNED_AT_LEVEL_3_END")) {
		base = IPA_L2;
		top = base + L2_SIZE - L3_SIZE;
	} else if (acs_is(row, "TOP_GRAN_UNALIGNED_TOP_LEVEL_UNALIGNED")) {
		base = IPA_L2;
		top = base + L3_SIZE / 2;
	} else if (acs_is(row, "SIZE_INVALID_REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		base = L3_SIZE;
		top = L3_SIZE;
	} else if (acs_is(row, "TOP_UNPROTECTED_REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		top = IPA_UNPROTECTED + L3_SIZE;
	} else if (acs_is(row, "REALM_ACTIVE_BASE_LEVEL_UNALIGNED")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		base = IPA_L2 + L3_SIZE;
		top = base + L2_SIZE;
	} else if (acs_is(row, "REALM_ACTIVE_RTTE_STATE_ASSIGNED")) {
		tm_data_create(t, &f.r, base);
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
	} else if (acs_is(row, "REALM_SYSTEM_OFF_TOP_GRAN_UNALIGNED_ABOVE_PAR")) {
		/* top - 4K is protected, so top_bound holds; top is unaligned. */
		wb_realm_set_system_off(t, rd);
		base = par - L3_SIZE;
		top = par + L3_SIZE / 2;
	} else if (acs_is(row, "BASE_LEVEL_UNALIGNED_TOP_GRAN_UNALIGNED")) {
		base = IPA_L2 + L3_SIZE;
		top = base + L3_SIZE + 0x800;
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED_TOP_GRAN_UNALIGNED")) {
		tm_data_create(t, &f.r, base);
		top = 0x800;
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi(t, RMI_RTT_INIT_RIPAS, 3, rd, base, top), row);
	acs_machine_destroy(t);
}

/* ---- RMI_RTT_SET_RIPAS ---- */

static const struct acs_row set_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "rec_align", "REC_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rec_bound", "REC_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REC_GRAN_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "rec_gran_state", "REc_GRAN_STATE_DATA", RMI_ERROR_INPUT, 0 },
	{ "rec_owner", "REC_OTHER_OWNER", RMI_ERROR_REC, 0 },
	{ "size_valid", "INVALID_SIZE", RMI_ERROR_INPUT, 0 },
	{ "base_bound", "BASE_MISMATCH", RMI_ERROR_INPUT, 0 },
	{ "top_bound", "TOP_OUT_OF_BOUND", RMI_ERROR_INPUT, 0 },
	{ "base_align", "BASE_UNALIGNED", RMI_ERROR_RTT, 2 },
	{ "top_gran_align", "TOP_GRAN_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "no_progress", "TOP_LEVEL_UNALIGNED", RMI_ERROR_RTT, 2 },
	{ "base_bound_compare_base_align", "BASE_MISMATCH_BASE_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "top_gran_align_compare_no_progress", "TOP_GRAN_UNALIGNED_TOP_LEVEL_UNALIGNED",
	  RMI_ERROR_INPUT, 0 },
	/* Beyond the suite: order across statuses, in the order the conditions
	 * are listed, and entries that cannot change. */
	{ "rec_gran_state", "REC_GRAN_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "rec_owner_compare_size_valid", "REC_OTHER_OWNER_INVALID_SIZE", RMI_ERROR_REC, 0 },
	{ "rec_owner_compare_base_bound", "REC_OTHER_OWNER_BASE_MISMATCH", RMI_ERROR_REC, 0 },
	{ "top_bound_compare_base_align", "TOP_OUT_OF_BOUND_BASE_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "base_align_compare_top_gran_align", "BASE_UNALIGNED_TOP_GRAN_UNALIGNED", RMI_ERROR_RTT,
	  2 },
	{ "no_progress", "RTTE_RIPAS_DESTROYED", RMI_ERROR_RTT, 3 },
	{ "top_gran_align_compare_no_progress", "TOP_GRAN_UNALIGNED_RTTE_RIPAS_DESTROYED",
	  RMI_ERROR_INPUT, 0 },
};

/* The agent in f's realm (REC 0 runnable), the realm then activated. */
static void fx_agent(struct acs_fx *f, struct tagent *g)
{
	ta_build_in(g, f->t, &f->r, 1, 1);
	ta_activate(g);
}

/* REC 0's agent asks for [base, top) to become `ripas`: a RIPAS_CHANGE exit
 * that says so. */
static void ask(struct tagent *g, uint64_t base, uint64_t top, enum rmi_ripas ripas,
		uint64_t flags)
{
	const struct rmi_rec_exit *e = ta_cmd(
		g, 0, AGENT_SMC, (const uint64_t[8]){ RSI_IPA_STATE_SET, base, top, ripas, flags });
	assert_int_equal(e->exit_reason, RMI_EXIT_RIPAS_CHANGE);
	assert_int_equal(e->ripas_base, base);
	assert_int_equal(e->ripas_top, top);
	assert_int_equal(e->ripas_value, ripas);
}

/* The host enters REC 0 again: the realm's RSI_IPA_STATE_SET returns; X1
 * (how far the host got) is returned, the response must be ACCEPT. */
static uint64_t realm_told(struct tagent *g)
{
	ta_resume(g, 0, 0);
	assert_true(g->at_doorbell[0]);
	const struct agent_mbox *m = ta_mbox(g, 0);
	assert_int_equal(m->r[0], RSI_SUCCESS);
	assert_int_equal(m->r[2], RSI_ACCEPT);
	return m->r[1];
}

/* Valid call: REC 0 asked for RAM over [0, 64K); the host serves [0, 4K). */
static void set_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	struct tagent g;
	fx_create(&f);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, base = 0, top = L3_SIZE;
	uint64_t req_base = 0, req_top = REQ_TOP;
	if (acs_is(row, "RTTE_RIPAS_DESTROYED") ||
	    acs_is(row, "TOP_GRAN_UNALIGNED_RTTE_RIPAS_DESTROYED")) {
		tm_ripas_destroyed(t, &f.r, 0);
		if (acs_is(row, "TOP_GRAN_UNALIGNED_RTTE_RIPAS_DESTROYED"))
			top = 0x800;
	}
	fx_agent(&f, &g);
	uint64_t rec = g.rec[0];

	/* A REC of another realm (f.s's, NEW: it asked nothing, and rec_owner
	 * comes before every check of the request). */
	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd) ||
	    acs_granule_stimulus(t, &f.s, "REC", row, &rec)) {
	} else if (acs_is(row, "REC_OTHER_OWNER")) {
		rec = f.s.rec;
	} else if (acs_is(row, "REC_OTHER_OWNER_INVALID_SIZE")) {
		rec = f.s.rec;
		top = base;
	} else if (acs_is(row, "REC_OTHER_OWNER_BASE_MISMATCH")) {
		rec = f.s.rec;
		base += L3_SIZE;
		top += L3_SIZE;
	} else if (acs_is(row, "INVALID_SIZE")) {
		top = base;
	} else if (acs_is(row, "BASE_MISMATCH")) {
		base += L3_SIZE;
		top += L3_SIZE;
	} else if (acs_is(row, "TOP_OUT_OF_BOUND")) {
		top = req_top + L3_SIZE;
	} else if (acs_is(row, "BASE_UNALIGNED")) {
		req_base = base = IPA_L2 + L3_SIZE;
		req_top = IPA_L2 + L2_SIZE;
		top = base + L3_SIZE;
	} else if (acs_is(row, "TOP_GRAN_UNALIGNED")) {
		top = L3_SIZE / 2;
	} else if (acs_is(row, "TOP_LEVEL_UNALIGNED")) {
		req_base = base = IPA_L2;
		req_top = IPA_L2 + L2_SIZE;
		top = base + L3_SIZE;
	} else if (acs_is(row, "BASE_MISMATCH_BASE_UNALIGNED")) {
		req_base = IPA_L2;
		req_top = IPA_L2 + L2_SIZE;
		base = IPA_L2 + L3_SIZE;
		top = base + L3_SIZE;
	} else if (acs_is(row, "TOP_GRAN_UNALIGNED_TOP_LEVEL_UNALIGNED")) {
		req_base = base = IPA_L2;
		req_top = IPA_L2 + L2_SIZE;
		top = base + L3_SIZE / 2;
	} else if (acs_is(row, "TOP_OUT_OF_BOUND_BASE_UNALIGNED")) {
		req_base = base = IPA_L2 + L3_SIZE;
		req_top = base + L3_SIZE;
		top = IPA_L2 + L2_SIZE;
	} else if (acs_is(row, "BASE_UNALIGNED_TOP_GRAN_UNALIGNED")) {
		req_base = base = IPA_L2 + L3_SIZE;
		req_top = IPA_L2 + L2_SIZE;
		top = base + L3_SIZE + 0x800;
	} else if (acs_is(row, "RTTE_RIPAS_DESTROYED") ||
		   acs_is(row, "TOP_GRAN_UNALIGNED_RTTE_RIPAS_DESTROYED")) {
		/* DESTROYED at base, and no permission to change it */
	} else {
		acs_unknown_stimulus(row);
	}
	/* The realm's request, made by its code. */
	ask(&g, req_base, req_top, RIPAS_RAM, RSI_NO_CHANGE_DESTROYED);
	assert_acs_row(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, rec, base, top), row);
	/* Refused: the realm hears that nothing was done. */
	assert_int_equal(realm_told(&g), req_base);
	acs_machine_destroy(t);
}

/* ---- RTT_INIT_RIPAS success paths ---- */

/* The RIM after one RmmMeasurementDescriptorRipas for [base, top) (spec
 * section 7), SHA-256. */
static void rim_extend_ripas(uint8_t rim[64], uint64_t base, uint64_t top)
{
	uint8_t desc[0x100] = { 0 };
	desc[0] = 2; /* RmmMeasurementDescriptorRipas */
	uint64_t size = sizeof(desc);
	memcpy(desc + 0x08, &size, 8);
	memcpy(desc + 0x10, rim, 64);
	memcpy(desc + 0x50, &base, 8);
	memcpy(desc + 0x58, &top, 8);
	memset(rim, 0, 64);
	assert_int_equal(ref_sha256(desc, sizeof(desc), rim), 0);
}

static void init_ripas_sets_ram_on_level3_entries_and_returns_out_top(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, UINT64_C(0), 4 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 4 * L3_SIZE);
	for (unsigned i = 0; i < 4; i++)
		assert_rtte(t, f.r.rd, i * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, 4 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* RAM stays RAM, and counts as progress. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, 2 * L3_SIZE, 6 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 6 * L3_SIZE);
	assert_rtte(t, f.r.rd, 5 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void init_ripas_sets_ram_on_2mib_level2_entries_one_per_entry(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, IPA_L2, IPA_L2 + 2 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 2 * L2_SIZE);
	assert_rtte(t, f.r.rd, IPA_L2, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, IPA_L2 + L2_SIZE + 5 * L3_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, IPA_L2 + 2 * L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* Unfolding a RAM entry gives 512 RAM entries, and DATA lands in RAM. */
	tm_rtt_map_to(t, &f.r, IPA_L2 + L2_SIZE, 3);
	assert_rtte(t, f.r.rd, IPA_L2 + L2_SIZE + 511 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0,
		    RIPAS_RAM);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* Partial progress: out_top < top where the range reaches a TABLE entry, and
 * where it runs past the end of the RTT the walk reached. */
static void init_ripas_stops_at_a_table_entry_and_at_the_end_of_the_rtt(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	tm_rtt_map_to(t, &f.r, IPA_L2 + 2 * L2_SIZE, 3);
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, IPA_L2, IPA_L2 + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 2 * L2_SIZE);
	assert_rtte(t, f.r.rd, IPA_L2 + L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, IPA_L2 + 3 * L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* The host goes on from out_top: now in the level-3 RTT, to its end. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, o.x[0], IPA_L2 + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 3 * L2_SIZE);
	assert_rtte(t, f.r.rd, IPA_L2 + 3 * L2_SIZE - L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, o.x[0], IPA_L2 + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 4 * L2_SIZE);

	/* The last level-2 entry of an RTT: out_top is the end of that RTT. */
	const uint64_t last = IPA_L2 + IPA_1G - L2_SIZE;
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, f.r.rd, last, last + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + IPA_1G);
	/* Beyond it, the walk stops at level 1 over a 1 GiB entry. */
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, f.r.rd, o.x[0], o.x[0] + 4 * L2_SIZE),
		   RMI_ERROR_RTT, 1);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* RIM: one RIPAS descriptor per RTT entry processed, so [0, 2 MiB) as one
 * level-2 entry gives the spec's reference value, and as 512 level-3 entries
 * a chain of 512 descriptors. */
static void init_ripas_extends_rim_with_one_descriptor_per_rtt_entry(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm a, b;
	struct rmi_out o;
	char hex[65];
	uint8_t rim[64];

	/* Reference vector (spec notes section 7): s2sz 40, SHA-256. */
	tm_realm_create(t, &a, 0, 0, 1);
	tm_rtt_map_to(t, &a, 0, 2);
	assert_string_equal(wb_rim_hex(t, a.rd, 32, hex),
			    "045cb3602843a6845cb710fbbfbb92f0c7d611afe0106ac2953e46950a70c42b");
	memcpy(rim, wb_rim(t, a.rd), 64);
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, a.rd, UINT64_C(0), L2_SIZE), RMI_SUCCESS,
		   0);
	assert_string_equal(wb_rim_hex(t, a.rd, 32, hex),
			    "7f8c7d7dd5d0845f56a62190d6d1fd15458a1132897bf0041ea3e0720af799d1");
	rim_extend_ripas(rim, 0, L2_SIZE);
	assert_memory_equal(rim, wb_rim(t, a.rd), 64);

	/* The same range as 512 level-3 entries. */
	tm_realm_create(t, &b, 0, 0, 2);
	tm_rtt_map_to(t, &b, 0, 3);
	memcpy(rim, wb_rim(t, b.rd), 64);
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, b.rd, UINT64_C(0), L2_SIZE), RMI_SUCCESS,
		   0);
	for (unsigned i = 0; i < 512; i++)
		rim_extend_ripas(rim, i * L3_SIZE, (i + 1) * L3_SIZE);
	assert_memory_equal(rim, wb_rim(t, b.rd), 64);
	assert_memory_not_equal(wb_rim(t, a.rd), wb_rim(t, b.rd), 32);

	/* A failed call leaves the RIM alone. */
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, b.rd, L2_SIZE + L3_SIZE, L2_SIZE + 2 * L3_SIZE),
		   RMI_ERROR_RTT, 2);
	assert_memory_equal(rim, wb_rim(t, b.rd), 64);
	acs_machine_destroy(t);
}

/* ---- RTT_SET_RIPAS success paths ---- */

static void set_ripas_to_ram_changes_empty_entries_and_advances_ripas_addr(void **state)
{
	(void)state;
	struct acs_fx f;
	struct tagent g;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	/* [0, 16K): UNASSIGNED EMPTY, ASSIGNED EMPTY, UNASSIGNED RAM, UNASSIGNED EMPTY */
	uint64_t data = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, data, L3_SIZE), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, f.r.rd, 2 * L3_SIZE, 3 * L3_SIZE), RMI_SUCCESS, 0);
	fx_agent(&f, &g);
	uint64_t rec = g.rec[0];
	ask(&g, 0, 4 * L3_SIZE, RIPAS_RAM, RSI_NO_CHANGE_DESTROYED);

	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, UINT64_C(0), 2 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 2 * L3_SIZE);
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_ASSIGNED, data, RIPAS_RAM);
	/* Beyond top nothing changed. */
	assert_rtte(t, f.r.rd, 2 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, 3 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);

	/* The next chunk starts where the last one stopped, not before. */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, UINT64_C(0), 2 * L3_SIZE),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, 2 * L3_SIZE, 4 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 4 * L3_SIZE);
	assert_rtte(t, f.r.rd, 2 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, 3 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, 4 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* The realm is told all of it was done... */
	assert_int_equal(realm_told(&g), 4 * L3_SIZE);
	/* ...and the ASSIGNED page that became RAM is mapped: it reads its
	 * (zero) contents without an exit. */
	assert_int_equal(ta_do(&g, 0, AGENT_LOAD, L3_SIZE + 8, 0), 0);
	assert_int_equal(ta_mbox(&g, 0)->exc_count, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void set_ripas_to_empty_changes_ram_entries_and_unmaps_assigned_ram(void **state)
{
	(void)state;
	struct acs_fx f;
	struct tagent g;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, f.r.rd, UINT64_C(0), 2 * L3_SIZE), RMI_SUCCESS, 0);
	uint64_t data = tm_data_create(t, &f.r, L3_SIZE);
	fx_agent(&f, &g);
	/* The realm reads the page while it is RAM. */
	assert_int_equal(ta_do(&g, 0, AGENT_LOAD, L3_SIZE + 8, 0), 0);
	assert_int_equal(ta_mbox(&g, 0)->exc_count, 0);
	ask(&g, 0, 3 * L3_SIZE, RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, g.rec[0], UINT64_C(0), 3 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 3 * L3_SIZE);
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* Still ASSIGNED to the same granule, but no longer mapped... */
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_ASSIGNED, data, RIPAS_EMPTY);
	/* EMPTY stays EMPTY. */
	assert_rtte(t, f.r.rd, 2 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_int_equal(realm_told(&g), 3 * L3_SIZE);
	/* ...so the realm's next read of it takes an external abort (RIPAS
	 * EMPTY), with no exit to the host. */
	assert_int_equal(ta_do(&g, 0, AGENT_LOAD, L3_SIZE + 8, 0), 0);
	assert_int_equal(ta_mbox(&g, 0)->exc_count, 1);
	assert_int_equal(ta_mbox(&g, 0)->exc_esr & 0x3f, 0x10);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* DESTROYED entries change only when the realm asked with
 * RSI_CHANGE_DESTROYED; without it the range stops there (partial progress,
 * then no progress). */
static void set_ripas_changes_destroyed_only_with_change_destroyed(void **state)
{
	(void)state;
	struct acs_fx f;
	struct tagent g;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	tm_ripas_destroyed(t, &f.r, L3_SIZE);
	fx_agent(&f, &g);
	uint64_t rec = g.rec[0];

	for (unsigned to = RIPAS_EMPTY; to <= RIPAS_RAM; to++) {
		ask(&g, 0, 3 * L3_SIZE, (enum rmi_ripas)to, RSI_NO_CHANGE_DESTROYED);
		assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, UINT64_C(0),
				   3 * L3_SIZE),
			   RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], L3_SIZE);
		assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, L3_SIZE, 3 * L3_SIZE),
			   RMI_ERROR_RTT, 3);
		assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);
		/* The realm learns the change stopped at the DESTROYED page. */
		assert_int_equal(realm_told(&g), L3_SIZE);
	}
	ask(&g, L3_SIZE, 3 * L3_SIZE, RIPAS_RAM, RSI_CHANGE_DESTROYED);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, L3_SIZE, 3 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 3 * L3_SIZE);
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, 2 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_int_equal(realm_told(&g), 3 * L3_SIZE);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void set_ripas_over_2mib_level2_entries_and_stops_at_a_table(void **state)
{
	(void)state;
	struct acs_fx f;
	struct tagent g;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	tm_rtt_map_to(t, &f.r, IPA_L2 + 2 * L2_SIZE, 3);
	fx_agent(&f, &g);
	uint64_t rec = g.rec[0];
	ask(&g, IPA_L2, IPA_L2 + 4 * L2_SIZE, RIPAS_RAM, RSI_NO_CHANGE_DESTROYED);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, IPA_L2, IPA_L2 + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 2 * L2_SIZE);
	assert_rtte(t, f.r.rd, IPA_L2, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, f.r.rd, IPA_L2 + L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	/* On through the level-3 RTT, then the next level-2 entry. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, IPA_L2 + 2 * L2_SIZE,
			   IPA_L2 + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 3 * L2_SIZE);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, rec, IPA_L2 + 3 * L2_SIZE,
			   IPA_L2 + 4 * L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_L2 + 4 * L2_SIZE);
	assert_rtte(t, f.r.rd, IPA_L2 + 2 * L2_SIZE + 100 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0,
		    RIPAS_RAM);
	assert_rtte(t, f.r.rd, IPA_L2 + 3 * L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_int_equal(realm_told(&g), IPA_L2 + 4 * L2_SIZE);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void set_ripas_accepts_entries_already_at_the_target_ripas(void **state)
{
	(void)state;
	struct acs_fx f;
	struct tagent g;
	struct rmi_out o;
	fx_create(&f);
	struct tmach *t = f.t;
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, f.r.rd, UINT64_C(0), 2 * L3_SIZE), RMI_SUCCESS, 0);
	fx_agent(&f, &g);
	ask(&g, 0, 2 * L3_SIZE, RIPAS_RAM, RSI_NO_CHANGE_DESTROYED);
	assert_rmi(rmi_res(t, &o, RMI_RTT_SET_RIPAS, 4, f.r.rd, g.rec[0], UINT64_C(0), 2 * L3_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 2 * L3_SIZE);
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_int_equal(realm_told(&g), 2 * L3_SIZE);
	acs_machine_destroy(t);
}

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("rtt_init_ripas", init_rows, init_row),
		ACS_TABLE("rtt_set_ripas", set_rows, set_row),
	};
	static const struct CMUnitTest extra[] = {
		cmocka_unit_test(init_ripas_sets_ram_on_level3_entries_and_returns_out_top),
		cmocka_unit_test(init_ripas_sets_ram_on_2mib_level2_entries_one_per_entry),
		cmocka_unit_test(init_ripas_stops_at_a_table_entry_and_at_the_end_of_the_rtt),
		cmocka_unit_test(init_ripas_extends_rim_with_one_descriptor_per_rtt_entry),
		cmocka_unit_test(set_ripas_to_ram_changes_empty_entries_and_advances_ripas_addr),
		cmocka_unit_test(set_ripas_to_empty_changes_ram_entries_and_unmaps_assigned_ram),
		cmocka_unit_test(set_ripas_changes_destroyed_only_with_change_destroyed),
		cmocka_unit_test(set_ripas_over_2mib_level2_entries_and_stops_at_a_table),
		cmocka_unit_test(set_ripas_accepts_entries_already_at_the_target_ripas),
	};
	return ACS_RUN("rmi_ripas", tables, extra);
}
