/* RMI_RTT_CREATE, RMI_RTT_DESTROY, RMI_RTT_FOLD and RMI_RTT_READ_ENTRY: every
 * v1.0 failure row of the compliance suite with its status and index, the
 * success paths read back with RTT_READ_ENTRY, failure order, the starting
 * level and concatenation rules, and 2 MiB blocks (fold and unfold).
 *
 * ACS rows covered (spec/rmi-failure-conditions.txt), as tests named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
 *   rmi_rtt_create_data.h (23): rd_align RD_UNALIGNED; rd_bound RD_DEV_MEM,
 *     RD_OUTSIDE_OF_PERMITTED_PA; rd_state RD_STATE_UNDELEGATED,
 *     RD_STATE_DELEGATED, RD_STATE_REC, RD_STATE_RTT, RD_STATE_DATA;
 *     level_bound LEVEL_STARTING, LEVEL_OOB; ipa_align IPA_UNALIGNED;
 *     ipa_bound IPA_OOB; rtt_align RTT_UNALIGNED; rtt_bound RTT_DEV_MEM,
 *     RTT_OUTSIDE_PERMITTED_PA; rtt_state RTT_STATE_UNDELEGATED, RTT_STATE_RD,
 *     RTT_STATE_REC, RTT_STATE_RTT, RTT_STATE_DATA; rtt_bound2 RTT_LPA2_PA;
 *     rtt_walk LEVEL_NO_PARENT_RTTE; rtte_state RTTE_STATE_TABLE
 *   rmi_rtt_destroy_data.h (16): rd_align, rd_bound (2), rd_state (5);
 *     level_bound LEVEL_INVALID, LEVEL_STARTING_LEVEL; ipa_align
 *     IPA_LEVEL_UNALIGNED; ipa_bound IPA_OUT_OF_PERMITTED_IPA; rtt_walk
 *     IPA_NO_PARENT_RTTE; rtte_state RTTE_STATE_UNASSIGNED,
 *     RTTE_STATE_ASSIGNED; rtt_live RTT_LIVE
 *   rmi_rtt_fold_data.h (18): rd_align, rd_bound (2), rd_state (5);
 *     level_bound LEVEL_STARTING_LEVLE, LEVEL_OUT_OF_BOUND; ipa_align
 *     IPA_L2_UNALIGNED; ipa_bound IPA_OUT_OF_BOUND; rtt_walk IPA_NOT_MAPPED;
 *     rtte_state RTTE_UNASSIGED, RTTE_ASSIGNED; rtte_homo RTT_NON_HOMOGENEOUS;
 *     level_bound_compare_rtt_walk LEVEL_BOUND_RTT_WALK;
 *     level_bound_compare_rtte_state LEVEL_BOUND_RTTE_STATE
 *   rmi_rtt_read_entry_data.h (11): rd_align, rd_bound (2), rd_state (5);
 *     level_bound LEVEL_OOB; ipa_align IPA_UNALIGNED; ipa_bound IPA_OOB
 * The realm under test is the suite's: s2sz 40, starting level 0, one start
 * table. */
#include "acs_rows.h"
#include "invariants.h"
#include "whitebox.h"

#include <string.h>

#define S2SZ 40
#define IPA_1G (UINT64_C(1) << 30)
#define IPA_2G (UINT64_C(2) << 30)
#define IPA_UNPROTECTED (UINT64_C(1) << (S2SZ - 1))
#define IPA_OOB (UINT64_C(1) << S2SZ)
#define L2_SIZE (UINT64_C(2) << 20)
#define L3_SIZE GRANULE_SIZE
#define NS_ATTRS ((UINT64_C(5) << 2) | (UINT64_C(3) << 6)) /* MemAttr[4:2], S2AP[7:6] */

/* ---- fixtures ---- */

/* DATA granules over [ipa, ipa + 2 MiB) (RTTs down to level 3 must exist) at
 * PAs pa_base, pa_base + 4K, ...: DATA_CREATE (RIPAS RAM) or
 * DATA_CREATE_UNKNOWN (RIPAS kept). */
static void data_run_create(struct tmach *t, struct trealm *r, uint64_t ipa, uint64_t pa_base,
			    bool unknown)
{
	uint64_t src = tm_granule(t);
	memset(tm_ptr(t, src), 0x5a, GRANULE_SIZE);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pa = pa_base + i * GRANULE_SIZE, at = ipa + i * L3_SIZE;
		if (unknown)
			assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, r->rd, pa, at), RMI_SUCCESS, 0);
		else
			assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r->rd, pa, at, src,
				       (uint64_t)RMI_NO_MEASURE_CONTENT),
				   RMI_SUCCESS, 0);
	}
}

/* An ASSIGNED RIPAS RAM 2 MiB block at level 2 over [ipa, ipa + 2 MiB): 512
 * DATA granules at a 2 MiB-aligned PA run, folded. Returns the run's PA. */
static uint64_t assigned_block_create(struct tmach *t, struct trealm *r, uint64_t ipa)
{
	tm_rtt_map_to(t, r, ipa, 3);
	uint64_t pa = acs_delegated_2mib_run(t);
	data_run_create(t, r, ipa, pa, false);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r->rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rtte(t, r->rd, ipa, 3, 2, RMI_ASSIGNED, pa, RIPAS_RAM);
	return pa;
}

/* The suite's realm (with 64 MiB for the rows that need a 2 MiB block) and
 * the level-3 RTT at IPA 1 GiB, which the valid call names. */
static void fx_with_level3_rtt(struct acs_fx *f, const struct acs_row *row)
{
	bool block = acs_is(row, "RTTE_STATE_ASSIGNED") || acs_is(row, "RTTE_ASSIGNED");
	acs_fx_create(f, block ? 64 * MIB : 16 * MIB);
	tm_rtt_map_to(f->t, &f->r, IPA_1G, 3);
}

/* ---- RMI_RTT_CREATE ---- */

static const struct acs_row rtt_create_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "level_bound", "LEVEL_STARTING", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_OOB", RMI_ERROR_INPUT, 0 },
	{ "ipa_align", "IPA_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_OOB", RMI_ERROR_INPUT, 0 },
	{ "rtt_align", "RTT_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rtt_bound", "RTT_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rtt_bound", "RTT_OUTSIDE_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_STATE_REC", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_STATE_DATA", RMI_ERROR_INPUT, 0 },
	{ "rtt_bound2", "RTT_LPA2_PA", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "LEVEL_NO_PARENT_RTTE", RMI_ERROR_RTT, 1 },
	{ "rtte_state", "RTTE_STATE_TABLE", RMI_ERROR_RTT, 1 },
	/* Beyond the suite: order across statuses, and the alignment is to the
	 * parent level (1 GiB for a level-2 table), not to the granule. */
	{ "ipa_align", "IPA_LEVEL_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "level_bound_compare_rtt_walk", "LEVEL_OOB_NO_PARENT_RTTE", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_rtt_walk", "IPA_OOB_NO_PARENT_RTTE", RMI_ERROR_INPUT, 0 },
	{ "rtt_state_compare_rtte_state", "RTT_STATE_RTT_RTTE_STATE_TABLE", RMI_ERROR_INPUT, 0 },
	{ "ipa_align_compare_rtte_state", "IPA_UNALIGNED_RTTE_STATE_TABLE", RMI_ERROR_INPUT, 0 },
};

/* Valid call: a level-2 RTT at IPA 1 GiB, under the level-1 RTT over IPA 0. */
static void rtt_create_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	acs_fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	tm_rtt_map_to(t, &f.r, 0, 1);
	uint64_t rd = f.r.rd, rtt = tm_delegated(t), ipa = IPA_1G, level = 2;

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd) ||
	    acs_granule_stimulus(t, &f.s, "RTT", row, &rtt)) {
	} else if (acs_is(row, "LEVEL_STARTING")) {
		level = 0;
	} else if (acs_is(row, "LEVEL_OOB")) {
		level = 4;
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_LEVEL_UNALIGNED")) {
		ipa += L2_SIZE;
	} else if (acs_is(row, "IPA_OOB")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "LEVEL_NO_PARENT_RTTE")) {
		level = 3; /* the walk to level 2 stops at level 1 */
	} else if (acs_is(row, "RTTE_STATE_TABLE")) {
		tm_rtt_map_to(t, &f.r, ipa, 2);
	} else if (acs_is(row, "LEVEL_OOB_NO_PARENT_RTTE")) {
		level = 4;
		ipa = IPA_2G; /* no level-2 RTT there either */
	} else if (acs_is(row, "IPA_OOB_NO_PARENT_RTTE")) {
		ipa = IPA_OOB + IPA_1G;
		level = 3;
	} else if (acs_is(row, "RTT_STATE_RTT_RTTE_STATE_TABLE")) {
		tm_rtt_map_to(t, &f.r, ipa, 2);
		rtt = f.s.rtt;
	} else if (acs_is(row, "IPA_UNALIGNED_RTTE_STATE_TABLE")) {
		tm_rtt_map_to(t, &f.r, ipa, 2);
		ipa += GRANULE_SIZE;
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi(t, RMI_RTT_CREATE, 4, rd, rtt, ipa, level), row);
	acs_machine_destroy(t);
}

/* ---- RMI_RTT_DESTROY ---- */

static const struct acs_row rtt_destroy_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "level_bound", "LEVEL_INVALID", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_STARTING_LEVEL", RMI_ERROR_INPUT, 0 },
	{ "ipa_align", "IPA_LEVEL_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_OUT_OF_PERMITTED_IPA", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "IPA_NO_PARENT_RTTE", RMI_ERROR_RTT, 1 },
	{ "rtte_state", "RTTE_STATE_UNASSIGNED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_ASSIGNED", RMI_ERROR_RTT, 2 },
	{ "rtt_live", "RTT_LIVE", RMI_ERROR_RTT, 3 },
	/* Beyond the suite. */
	{ "ipa_align", "IPA_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rtte_state", "RTTE_STATE_ASSIGNED_NS", RMI_ERROR_RTT, 2 },
	{ "level_bound_compare_rtt_live", "LEVEL_STARTING_RTT_LIVE", RMI_ERROR_INPUT, 0 },
	{ "ipa_align_compare_rtt_live", "IPA_UNALIGNED_RTT_LIVE", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_rtt_walk", "IPA_OOB_NO_PARENT_RTTE", RMI_ERROR_INPUT, 0 },
};

/* Valid call: the (empty) level-3 RTT at IPA 1 GiB. */
static void rtt_destroy_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	fx_with_level3_rtt(&f, row);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, ipa = IPA_1G, level = 3;

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "LEVEL_INVALID")) {
		level = 4;
	} else if (acs_is(row, "LEVEL_STARTING_LEVEL")) {
		level = 0;
	} else if (acs_is(row, "IPA_LEVEL_UNALIGNED")) {
		ipa += L3_SIZE;
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_OUT_OF_PERMITTED_IPA")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "IPA_NO_PARENT_RTTE")) {
		ipa = IPA_2G; /* the walk to level 2 stops at level 1 */
	} else if (acs_is(row, "RTTE_STATE_UNASSIGNED")) {
		ipa += L2_SIZE;
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED")) {
		ipa += L2_SIZE;
		assigned_block_create(t, &f.r, ipa);
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED_NS")) {
		ipa = IPA_UNPROTECTED;
		tm_rtt_map_to(t, &f.r, ipa, 2);
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, ipa, UINT64_C(2),
			       f.t->map.dram.base | NS_ATTRS),
			   RMI_SUCCESS, 0);
	} else if (acs_is(row, "RTT_LIVE")) {
		tm_data_create(t, &f.r, ipa);
	} else if (acs_is(row, "LEVEL_STARTING_RTT_LIVE")) {
		tm_data_create(t, &f.r, ipa);
		level = 0;
	} else if (acs_is(row, "IPA_UNALIGNED_RTT_LIVE")) {
		tm_data_create(t, &f.r, ipa);
		ipa += L3_SIZE;
	} else if (acs_is(row, "IPA_OOB_NO_PARENT_RTTE")) {
		ipa = IPA_OOB + IPA_2G;
	} else {
		acs_unknown_stimulus(row);
	}
	struct rmi_out o;
	assert_acs_row(rmi_res(t, &o, RMI_RTT_DESTROY, 3, rd, ipa, level), row);
	/* top (spec B4.3.16.1.3): 0 when the walk was not made; ipa for a live
	 * RTT or a block at a lower level; past ipa for a missing RTT. */
	if (row->status != RMI_ERROR_RTT)
		assert_int_equal(o.x[1], 0);
	else if (acs_is(row, "RTT_LIVE") || acs_is(row, "RTTE_STATE_ASSIGNED") ||
		 acs_is(row, "RTTE_STATE_ASSIGNED_NS"))
		assert_int_equal(o.x[1], ipa);
	else
		assert_true(o.x[1] > ipa);
	acs_machine_destroy(t);
}

/* ---- RMI_RTT_FOLD ---- */

static const struct acs_row rtt_fold_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "level_bound", "LEVEL_STARTING_LEVLE", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_OUT_OF_BOUND", RMI_ERROR_INPUT, 0 },
	{ "ipa_align", "IPA_L2_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_OUT_OF_BOUND", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "IPA_NOT_MAPPED", RMI_ERROR_RTT, 0 },
	{ "rtte_state", "RTTE_UNASSIGED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_ASSIGNED", RMI_ERROR_RTT, 2 },
	{ "rtte_homo", "RTT_NON_HOMOGENEOUS", RMI_ERROR_RTT, 3 },
	{ "level_bound_compare_rtt_walk", "LEVEL_BOUND_RTT_WALK", RMI_ERROR_INPUT, 0 },
	{ "level_bound_compare_rtte_state", "LEVEL_BOUND_RTTE_STATE", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "rtt_walk", "IPA_NO_LEVEL2_RTT", RMI_ERROR_RTT, 1 },
	{ "rtte_homo", "RTT_MIXED_RIPAS", RMI_ERROR_RTT, 3 },
	{ "ipa_align_compare_rtte_homo", "IPA_UNALIGNED_RTT_NON_HOMOGENEOUS", RMI_ERROR_INPUT, 0 },
};

/* Valid call: fold the homogeneous (UNASSIGNED EMPTY) level-3 RTT at 1 GiB. */
static void rtt_fold_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	fx_with_level3_rtt(&f, row);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, ipa = IPA_1G, level = 3;

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "LEVEL_STARTING_LEVLE")) {
		level = 0;
	} else if (acs_is(row, "LEVEL_OUT_OF_BOUND")) {
		level = 4;
	} else if (acs_is(row, "IPA_L2_UNALIGNED")) {
		ipa += L3_SIZE;
	} else if (acs_is(row, "IPA_OUT_OF_BOUND")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "IPA_NOT_MAPPED")) {
		ipa = IPA_UNPROTECTED; /* no level-1 RTT: the walk stops at level 0 */
	} else if (acs_is(row, "IPA_NO_LEVEL2_RTT")) {
		ipa = IPA_2G;
	} else if (acs_is(row, "RTTE_UNASSIGED")) {
		ipa += L2_SIZE;
	} else if (acs_is(row, "RTTE_ASSIGNED")) {
		ipa += L2_SIZE;
		assigned_block_create(t, &f.r, ipa);
	} else if (acs_is(row, "RTT_NON_HOMOGENEOUS")) {
		tm_data_create(t, &f.r, ipa + 5 * L3_SIZE);
	} else if (acs_is(row, "RTT_MIXED_RIPAS")) {
		assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, rd, ipa + 7 * L3_SIZE, ipa + 8 * L3_SIZE),
			   RMI_SUCCESS, 0);
	} else if (acs_is(row, "LEVEL_BOUND_RTT_WALK")) {
		ipa = IPA_UNPROTECTED;
		level = 4;
	} else if (acs_is(row, "LEVEL_BOUND_RTTE_STATE")) {
		level = 4; /* the level-3 entry at 1 GiB is not a table */
	} else if (acs_is(row, "IPA_UNALIGNED_RTT_NON_HOMOGENEOUS")) {
		tm_data_create(t, &f.r, ipa);
		ipa += 0x800;
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi(t, RMI_RTT_FOLD, 3, rd, ipa, level), row);
	acs_machine_destroy(t);
}

/* ---- RMI_RTT_READ_ENTRY ---- */

static const struct acs_row rtt_read_entry_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "level_bound", "LEVEL_OOB", RMI_ERROR_INPUT, 0 },
	{ "ipa_align", "IPA_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_OOB", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite: alignment is to the level asked for. */
	{ "ipa_align", "IPA_LEVEL_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_NEGATIVE", RMI_ERROR_INPUT, 0 },
};

/* Valid call: the level-3 entry at 1 GiB. */
static void rtt_read_entry_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	fx_with_level3_rtt(&f, row);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, ipa = IPA_1G, level = 3;

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "LEVEL_OOB")) {
		level = 4;
	} else if (acs_is(row, "LEVEL_NEGATIVE")) {
		level = (uint64_t)-1;
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_LEVEL_UNALIGNED")) {
		ipa += L3_SIZE;
		level = 2;
	} else if (acs_is(row, "IPA_OOB")) {
		ipa = IPA_OOB;
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi(t, RMI_RTT_READ_ENTRY, 3, rd, ipa, level), row);
	acs_machine_destroy(t);
}

/* ---- RTT_CREATE / RTT_DESTROY success paths ---- */

static void rtt_create_unfolds_unassigned_ram_entry_into_512_ram_entries(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 2);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r.rd, IPA_1G, IPA_1G + L2_SIZE), RMI_SUCCESS, 0);
	assert_rtte(t, r.rd, IPA_1G, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);

	uint64_t rtt = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, rtt, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rtte(t, r.rd, IPA_1G, 2, 2, RMI_TABLE, rtt, RIPAS_EMPTY);
	for (unsigned i = 0; i < 512; i++)
		assert_rtte(t, r.rd, IPA_1G + i * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	/* The neighbour keeps its own state. */
	assert_rtte(t, r.rd, IPA_1G + L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_create_in_unprotected_half_unfolds_unassigned_ns_entries(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_UNPROTECTED, 3);
	assert_rtte(t, r.rd, IPA_UNPROTECTED, 0, 0, RMI_TABLE, r.rtts[0].pa, RIPAS_EMPTY);
	assert_rtte(t, r.rd, IPA_UNPROTECTED, 2, 2, RMI_TABLE, r.rtts[2].pa, RIPAS_EMPTY);
	for (unsigned i = 0; i < 512; i += 73)
		assert_rtte(t, r.rd, IPA_UNPROTECTED + i * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0,
			    RIPAS_EMPTY);
	tm_check_invariants(t);
	/* UNASSIGNED_NS, not UNASSIGNED: an unprotected mapping fits there. */
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED + L3_SIZE, UINT64_C(3),
		       t->map.dram.base | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, r.rd, tm_delegated(t), IPA_UNPROTECTED),
		   RMI_ERROR_INPUT, 0);
	acs_machine_destroy(t);
}

static void rtt_create_fails_rtt_walk_with_level_index(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	uint64_t rtt = tm_delegated(t);
	/* No level-1 RTT: the walk to level 2 stops at level 0. */
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, rtt, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 0);
	tm_rtt_map_to(t, &r, IPA_1G, 1);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, rtt, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 2);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, rtt, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	/* rtte_state: the parent entry is a table already, at each level. */
	uint64_t other = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, other, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 2);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, other, IPA_1G, UINT64_C(2)), RMI_ERROR_RTT, 1);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, other, UINT64_C(0), UINT64_C(1)), RMI_ERROR_RTT, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_destroy_returns_rtt_and_top_and_leaves_ripas_destroyed(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	tm_rtt_map_to(t, &r, IPA_1G + 2 * L2_SIZE, 3);
	uint64_t rtt_a = r.rtts[2].pa, rtt_b = r.rtts[3].pa;

	/* top: past the non-live entries after the target in the level-2 RTT,
	 * up to the next table. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt_a);
	assert_int_equal(o.x[1], IPA_1G + 2 * L2_SIZE);
	assert_rtte(t, r.rd, IPA_1G, 3, 2, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);
	/* ... or the end of that RTT when nothing live follows. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_1G + 2 * L2_SIZE, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt_b);
	assert_int_equal(o.x[1], IPA_2G);
	assert_rtte(t, r.rd, IPA_1G + 2 * L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);
	assert_rtte(t, r.rd, IPA_1G + L2_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);

	/* A table unfolded from a DESTROYED entry is all DESTROYED. */
	uint64_t rtt_c = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, rtt_c, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < 512; i += 31)
		assert_rtte(t, r.rd, IPA_1G + i * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);

	/* The destroyed RTTs are DELEGATED and scrubbed. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rtt_a), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rtt_b), RMI_SUCCESS, 0);
	const uint8_t *p = tm_ptr(t, rtt_a);
	for (unsigned i = 0; i < GRANULE_SIZE; i++)
		assert_int_equal(p[i], 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_destroy_in_unprotected_half_leaves_unassigned_ns(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_UNPROTECTED, 3);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], r.rtts[2].pa);
	assert_int_equal(o.x[1], IPA_UNPROTECTED + IPA_1G);
	assert_rtte(t, r.rd, IPA_UNPROTECTED, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);
	/* UNASSIGNED_NS: a level-2 unprotected mapping is accepted there. */
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED, UINT64_C(2),
		       t->map.dram.base | NS_ATTRS),
		   RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

static void rtt_destroy_fails_rtt_live_with_level_index_and_top_at_ipa(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	tm_data_create(t, &r, IPA_1G + 9 * L3_SIZE);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 3);
	assert_int_equal(o.x[1], IPA_1G);
	/* Its parent is live too (it holds a table). */
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_1G, UINT64_C(2)), RMI_ERROR_RTT, 2);
	assert_int_equal(o.x[1], IPA_1G);
	/* rtte_state: top skips the non-live entries from the target on. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_1G + 4 * L2_SIZE, UINT64_C(3)),
		   RMI_ERROR_RTT, 2);
	assert_int_equal(o.x[1], IPA_2G);
	/* The live RTT is untouched. */
	assert_rtte(t, r.rd, IPA_1G + 9 * L3_SIZE, 3, 3, RMI_ASSIGNED, r.data_pa[0], RIPAS_RAM);
	tm_realm_teardown(t, &r);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_read_entry_reports_each_entry_state(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, 0, 3);
	tm_rtt_map_to(t, &r, IPA_UNPROTECTED, 3);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r.rd, L3_SIZE, 2 * L3_SIZE), RMI_SUCCESS, 0);
	uint64_t data = tm_data_create(t, &r, 2 * L3_SIZE);
	uint64_t ns = tm_granule(t);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED, UINT64_C(3),
		       ns | NS_ATTRS),
		   RMI_SUCCESS, 0);

	/* TABLE: desc is the next-level RTT, RIPAS EMPTY. */
	assert_rtte(t, r.rd, 0, 0, 0, RMI_TABLE, r.rtts[0].pa, RIPAS_EMPTY);
	assert_rtte(t, r.rd, 0, 1, 1, RMI_TABLE, r.rtts[1].pa, RIPAS_EMPTY);
	assert_rtte(t, r.rd, 0, 2, 2, RMI_TABLE, r.rtts[2].pa, RIPAS_EMPTY);
	/* UNASSIGNED EMPTY / RAM; ASSIGNED RAM with its PA. */
	assert_rtte(t, r.rd, 0, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rtte(t, r.rd, L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, r.rd, 2 * L3_SIZE, 3, 3, RMI_ASSIGNED, data, RIPAS_RAM);
	/* UNASSIGNED_NS and ASSIGNED_NS (host attributes | OA). */
	assert_rtte(t, r.rd, IPA_UNPROTECTED + L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rtte(t, r.rd, IPA_UNPROTECTED, 3, 3, RMI_ASSIGNED, ns | NS_ATTRS, RIPAS_EMPTY);
	/* The walk stops at the last level it can reach. */
	assert_rtte(t, r.rd, IPA_1G, 3, 1, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rtte(t, r.rd, IPA_UNPROTECTED + IPA_1G, 3, 1, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rtte(t, r.rd, IPA_OOB - L3_SIZE, 3, 1, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* ---- RTT_FOLD ---- */

static void rtt_fold_unassigned_ram_table_restores_level2_entry(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	uint64_t rtt = r.rtts[2].pa;
	/* 512 level-3 entries to RAM, one by one. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_INIT_RIPAS, 3, r.rd, IPA_1G, IPA_1G + L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_1G + L2_SIZE);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt);
	assert_rtte(t, r.rd, IPA_1G, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	assert_rtte(t, r.rd, IPA_1G + L2_SIZE - L3_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_RAM);
	/* The RTT went back to DELEGATED. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rtt), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_fold_unassigned_empty_tables_up_to_level1(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], r.rtts[2].pa);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(2)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], r.rtts[1].pa);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, UINT64_C(0), UINT64_C(1)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], r.rtts[0].pa);
	assert_rtte(t, r.rd, IPA_1G, 3, 0, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* Nothing live is left: the realm can go. */
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_fold_unassigned_ns_table_restores_unassigned_ns_entry(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_UNPROTECTED, 3);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, IPA_UNPROTECTED, UINT64_C(3)), RMI_SUCCESS,
		   0);
	assert_int_equal(o.x[0], r.rtts[2].pa);
	assert_rtte(t, r.rd, IPA_UNPROTECTED, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED, UINT64_C(2),
		       t->map.dram.base | NS_ATTRS),
		   RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

static void rtt_fold_fails_non_homogeneous_with_level_index(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	/* UNASSIGNED entries with different RIPAS. */
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r.rd, IPA_1G + 511 * L3_SIZE, IPA_1G + L2_SIZE),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 3);
	/* A level-2 RTT holding a table is not homogeneous either. */
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(2)), RMI_ERROR_RTT, 2);
	/* Nothing changed. */
	assert_rtte(t, r.rd, IPA_1G, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rtte(t, r.rd, IPA_1G + 511 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_RAM);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* Folds 512 ASSIGNED entries (DATA at a 2 MiB-aligned PA run) with the given
 * RIPAS into a level-2 block, reads it back, and unfolds it with RTT_CREATE:
 * the entries come back with the same PAs and RIPAS. */
static void fold_and_unfold_assigned_run(bool unknown, enum rmi_ripas ripas)
{
	struct tmach *t = acs_machine(64 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	uint64_t rtt3 = r.rtts[2].pa;
	uint64_t pa = acs_delegated_2mib_run(t);
	data_run_create(t, &r, IPA_1G, pa, unknown);

	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt3);
	for (unsigned i = 0; i < 512; i += 37)
		assert_rtte(t, r.rd, IPA_1G + i * L3_SIZE, 3, 2, RMI_ASSIGNED, pa, ripas);
	assert_rtte(t, r.rd, IPA_1G, 2, 2, RMI_ASSIGNED, pa, ripas);
	/* A RAM block is a valid hardware block descriptor (bits[1:0] = 0b01)
	 * with the run's PA; other RIPAS are invalid entries. */
	uint64_t e = wb_rtte(t, r.rtts[1].pa, (IPA_1G >> 21) & 511);
	assert_int_equal(e & 3, ripas == RIPAS_RAM ? 1 : 0);
	assert_int_equal(e & UINT64_C(0x0000ffffffe00000), pa);
	tm_check_invariants(t);

	/* DATA_DESTROY cannot take a page out of a block. */
	assert_rmi(rmi(t, RMI_DATA_DESTROY, 2, r.rd, IPA_1G), RMI_ERROR_RTT, 2);

	uint64_t rtt_new = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, rtt_new, IPA_1G, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rtte(t, r.rd, IPA_1G, 2, 2, RMI_TABLE, rtt_new, RIPAS_EMPTY);
	for (unsigned i = 0; i < 512; i++)
		assert_rtte(t, r.rd, IPA_1G + i * L3_SIZE, 3, 3, RMI_ASSIGNED, pa + i * GRANULE_SIZE,
			    ripas);
	tm_check_invariants(t);

	/* Tear it down page by page. */
	for (unsigned i = 0; i < 512; i++) {
		assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, r.rd, IPA_1G + i * L3_SIZE),
			   RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], pa + i * GRANULE_SIZE);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, o.x[0]), RMI_SUCCESS, 0);
	}
	r.rtts[2].pa = rtt_new;
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rtt3), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_fold_assigned_ram_run_into_2mib_block_and_unfold_restores_entries(void **state)
{
	(void)state;
	fold_and_unfold_assigned_run(false, RIPAS_RAM);
}

static void rtt_fold_assigned_empty_run_into_2mib_block_and_unfold_keeps_ripas(void **state)
{
	(void)state;
	fold_and_unfold_assigned_run(true, RIPAS_EMPTY);
}

static void rtt_fold_fails_assigned_run_at_pa_not_2mib_aligned(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(64 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	uint64_t pa = acs_delegated_2mib_run(t);
	assert_int_equal(tm_delegated(t), pa + L2_SIZE);
	/* Contiguous, but starting one granule into the run. */
	data_run_create(t, &r, IPA_1G, pa + GRANULE_SIZE, false);
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 3);
	assert_rtte(t, r.rd, IPA_1G, 3, 3, RMI_ASSIGNED, pa + GRANULE_SIZE, RIPAS_RAM);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void rtt_fold_fails_assigned_run_with_pas_out_of_order(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(64 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	uint64_t pa = acs_delegated_2mib_run(t);
	uint64_t src = tm_granule(t);
	for (unsigned i = 0; i < 512; i++) {
		unsigned j = i == 1 ? 2 : i == 2 ? 1 : i; /* two PAs swapped */
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, pa + j * GRANULE_SIZE,
			       IPA_1G + i * L3_SIZE, src, (uint64_t)RMI_NO_MEASURE_CONTENT),
			   RMI_SUCCESS, 0);
	}
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 3);
	acs_machine_destroy(t);
}

static void rtt_fold_fails_assigned_run_with_mixed_ripas(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(64 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	tm_rtt_map_to(t, &r, IPA_1G, 3);
	uint64_t pa = acs_delegated_2mib_run(t);
	uint64_t src = tm_granule(t);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t at = IPA_1G + i * L3_SIZE, data = pa + i * GRANULE_SIZE;
		if (i == 300) /* RIPAS EMPTY: ASSIGNED but not mapped */
			assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, r.rd, data, at), RMI_SUCCESS, 0);
		else
			assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, data, at, src,
				       (uint64_t)RMI_NO_MEASURE_CONTENT),
				   RMI_SUCCESS, 0);
	}
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 3);
	assert_rtte(t, r.rd, IPA_1G + 300 * L3_SIZE, 3, 3, RMI_ASSIGNED, pa + 300 * GRANULE_SIZE,
		    RIPAS_EMPTY);
	acs_machine_destroy(t);
}

static void rtt_destroy_fails_rtte_state_when_parent_is_assigned_block(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(64 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	assigned_block_create(t, &r, IPA_1G);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 2);
	/* The block is live: top is the target itself. */
	assert_int_equal(o.x[1], IPA_1G);
	/* Folding again finds no table under the block. */
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, IPA_1G, UINT64_C(3)), RMI_ERROR_RTT, 2);
	/* And the level-2 RTT holding the block is live. */
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, r.rd, IPA_1G, UINT64_C(2)), RMI_ERROR_RTT, 2);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* ---- starting level and concatenated starting tables ---- */

/* A realm with the given shape: READ_ENTRY reports the start level at both
 * ends of both halves, RTTs, DATA and an unprotected mapping work at the last
 * granule of each half (so in the last concatenated table), the new RTT hangs
 * off the right entry of the right start table, and it all tears down. */
static void check_start_layout(unsigned s2sz, int level, unsigned num)
{
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, s2sz, level, 1);
	assert_int_equal(r.rtt_num_start, num);
	const uint64_t par = UINT64_C(1) << (s2sz - 1), top = UINT64_C(1) << s2sz;
	const uint64_t start_size = acs_level_size(level);
	const uint64_t probes[4] = { 0, par - GRANULE_SIZE, par, top - GRANULE_SIZE };

	for (unsigned i = 0; i < 4; i++) {
		assert_rtte(t, r.rd, probes[i], 3, (uint64_t)level, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
		assert_rtte(t, r.rd, probes[i] & ~(start_size - 1), level, (uint64_t)level,
			    RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	}
	for (unsigned i = 1; i < 4; i += 2) {
		uint64_t ipa = probes[i];
		unsigned n0 = r.nrtts;
		tm_rtt_map_to(t, &r, ipa, 3);
		/* The new RTT is in entry (ipa / start_size) of the concatenation,
		 * i.e. table ipa / (512 * start_size), as the hardware walks it. */
		uint64_t child = r.rtts[n0].pa;
		uint64_t k = ipa / (512 * start_size), idx = (ipa / start_size) % 512;
		assert_true(k < num);
		assert_int_equal(wb_rtte(t, r.rtt_base + k * GRANULE_SIZE, (unsigned)idx), child | 3);
		assert_rtte(t, r.rd, ipa & ~(start_size - 1), level, (uint64_t)level, RMI_TABLE,
			    child, RIPAS_EMPTY);
	}
	assert_int_equal((top - GRANULE_SIZE) / (512 * start_size), num - 1);

	uint64_t data = tm_data_create(t, &r, par - GRANULE_SIZE);
	assert_rtte(t, r.rd, par - GRANULE_SIZE, 3, 3, RMI_ASSIGNED, data, RIPAS_RAM);
	tm_check_invariants(t);
	uint64_t ns = tm_granule(t);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, top - GRANULE_SIZE, UINT64_C(3),
		       ns | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rtte(t, r.rd, top - GRANULE_SIZE, 3, 3, RMI_ASSIGNED, ns | NS_ATTRS, RIPAS_EMPTY);

	/* level_bound: READ_ENTRY above the start level, RTT_CREATE at it. */
	if (level > 0)
		assert_rmi(rmi(t, RMI_RTT_READ_ENTRY, 3, r.rd, UINT64_C(0), (uint64_t)(level - 1)),
			   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, tm_delegated(t), UINT64_C(0), (uint64_t)level),
		   RMI_ERROR_INPUT, 0);
	/* ipa_bound: 2^s2sz is outside. */
	assert_rmi(rmi(t, RMI_RTT_READ_ENTRY, 3, r.rd, top, UINT64_C(3)), RMI_ERROR_INPUT, 0);

	assert_rmi(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, top - GRANULE_SIZE,
			   UINT64_C(3)),
		   RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* The shapes check_start_layout runs on: s2sz, starting level, start tables. */
struct start_shape {
	unsigned s2sz;
	int level;
	unsigned num;
};

static void start_layout_test(void **state)
{
	const struct start_shape *shape = *state;
	check_start_layout(shape->s2sz, shape->level, shape->num);
}

/* Level 3 would resolve at most 21 + 4 bits, below the minimum s2sz of 32;
 * concatenation counts other than 2^(s2sz - single-table bits) and ranges
 * beyond 16 tables are refused. */
static void realm_create_refuses_start_levels_and_concatenations_outside_the_rule(void **state)
{
	(void)state;
	static const struct {
		unsigned s2sz;
		int level;
		unsigned num;
	} bad[] = {
		{ 32, 3, 1 }, { 32, 3, 16 }, { 40, 1, 1 },  { 40, 1, 4 },  { 39, 1, 2 },
		{ 44, 1, 32 }, { 35, 2, 32 }, { 32, 2, 1 }, { 33, 2, 16 }, { 39, 0, 1 },
		{ 41, 0, 2 }, { 32, 1, 2 },
	};
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	/* 32 contiguous delegated granules: enough start tables for every row,
	 * so only the shape can be wrong. */
	uint64_t base = tm_delegated(t);
	for (unsigned j = 1; j < 32; j++)
		assert_int_equal(tm_delegated(t), base + j * GRANULE_SIZE);
	tm_realm_params(t, &r, 40, 1, RMI_HASH_SHA_256, 1);
	struct rmi_realm_params *p = tm_ptr(t, r.params);
	uint64_t rd = tm_delegated(t);
	p->rtt_base = base;
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		p->s2sz = (uint8_t)bad[i].s2sz;
		p->rtt_level_start = bad[i].level;
		p->rtt_num_start = bad[i].num;
		uint64_t x0 = rmi(t, RMI_REALM_CREATE, 2, rd, r.params);
		if (x0 != RMI_ERROR_INPUT)
			fail_msg("s2sz %u, start level %d, %u tables: got 0x%llx", bad[i].s2sz,
				 bad[i].level, bad[i].num, (unsigned long long)x0);
	}
	/* The same granules with a shape the rule allows. */
	p->s2sz = 43;
	p->rtt_level_start = 1;
	p->rtt_num_start = 16;
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, r.params), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

#define START_LAYOUT_TEST(name, s2sz, level, num)                                            \
	{ name, start_layout_test, NULL, NULL, &(struct start_shape){ s2sz, level, num } }

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("rtt_create", rtt_create_rows, rtt_create_row),
		ACS_TABLE("rtt_destroy", rtt_destroy_rows, rtt_destroy_row),
		ACS_TABLE("rtt_fold", rtt_fold_rows, rtt_fold_row),
		ACS_TABLE("rtt_read_entry", rtt_read_entry_rows, rtt_read_entry_row),
	};
	/* Not static: the shapes are compound literals of main. */
	const struct CMUnitTest extra[] = {
		cmocka_unit_test(rtt_create_unfolds_unassigned_ram_entry_into_512_ram_entries),
		cmocka_unit_test(rtt_create_in_unprotected_half_unfolds_unassigned_ns_entries),
		cmocka_unit_test(rtt_create_fails_rtt_walk_with_level_index),
		cmocka_unit_test(rtt_destroy_returns_rtt_and_top_and_leaves_ripas_destroyed),
		cmocka_unit_test(rtt_destroy_in_unprotected_half_leaves_unassigned_ns),
		cmocka_unit_test(rtt_destroy_fails_rtt_live_with_level_index_and_top_at_ipa),
		cmocka_unit_test(rtt_destroy_fails_rtte_state_when_parent_is_assigned_block),
		cmocka_unit_test(rtt_read_entry_reports_each_entry_state),
		cmocka_unit_test(rtt_fold_unassigned_ram_table_restores_level2_entry),
		cmocka_unit_test(rtt_fold_unassigned_empty_tables_up_to_level1),
		cmocka_unit_test(rtt_fold_unassigned_ns_table_restores_unassigned_ns_entry),
		cmocka_unit_test(rtt_fold_fails_non_homogeneous_with_level_index),
		cmocka_unit_test(rtt_fold_assigned_ram_run_into_2mib_block_and_unfold_restores_entries),
		cmocka_unit_test(rtt_fold_assigned_empty_run_into_2mib_block_and_unfold_keeps_ripas),
		cmocka_unit_test(rtt_fold_fails_assigned_run_at_pa_not_2mib_aligned),
		cmocka_unit_test(rtt_fold_fails_assigned_run_with_pas_out_of_order),
		cmocka_unit_test(rtt_fold_fails_assigned_run_with_mixed_ripas),
		START_LAYOUT_TEST("realm_start_level_0_s2sz_40_uses_one_table", 40, 0, 1),
		START_LAYOUT_TEST("realm_start_level_0_s2sz_48_uses_one_table", 48, 0, 1),
		START_LAYOUT_TEST("realm_start_level_1_s2sz_39_uses_one_table", 39, 1, 1),
		START_LAYOUT_TEST("realm_start_level_1_s2sz_40_concatenates_two_tables", 40, 1, 2),
		START_LAYOUT_TEST("realm_start_level_1_s2sz_43_concatenates_sixteen_tables", 43, 1, 16),
		START_LAYOUT_TEST("realm_start_level_2_s2sz_32_concatenates_four_tables", 32, 2, 4),
		START_LAYOUT_TEST("realm_start_level_2_s2sz_34_concatenates_sixteen_tables", 34, 2, 16),
		cmocka_unit_test(realm_create_refuses_start_levels_and_concatenations_outside_the_rule),
	};
	return ACS_RUN("rmi_rtt", tables, extra);
}
