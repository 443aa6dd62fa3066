/* RMI_RTT_MAP_UNPROTECTED and RMI_RTT_UNMAP_UNPROTECTED: every v1.0 failure
 * row of the compliance suite with its status and index, failure order, and
 * the success paths read back with RTT_READ_ENTRY (level 2 blocks and level 3
 * pages, desc = host attributes | OA, top outputs, unfold and fold of
 * unprotected blocks).
 *
 * ACS rows covered (spec/rmi-failure-conditions.txt), as tests named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
 *   rmi_rtt_map_unprotected_data.h (18): attr_valid MEM_ATTR_INVALID;
 *     rd_align RD_UNALIGNED; rd_bound RD_DEV_MEM, RD_OUTSIDE_OF_PERMITTED_PA;
 *     rd_state RD_STATE_UNDELEGATED, RD_STATE_DELEGATED, RD_STATE_REC,
 *     RD_STATE_RTT, RD_STATE_DATA; level_bound LEVEL_STARTING, LEVEL_OOB;
 *     addr_align ADDR_UNALIGNED; addr_bound ADDR_LPA2_PA; ipa_align
 *     IPA_UNALIGNED; ipa_bound IPA_PROTECTED, IPA_OOB; rtt_walk
 *     IPA_NOT_MAPPED; rtte_state RTTE_STATE_ASSIGNED_NS
 *   rmi_rtt_unmap_unprotected_data.h (18): rd_align RD_UNALIGNED; rd_bound
 *     RD_OUTSIDE_OF_PERMITTED_PA, RD_DEV_MEM; rd_state (5 as above);
 *     level_bound LEVEL_STARTING, LEVEL_OOB; ipa_align IPA_UNALIGNED;
 *     ipa_bound IPA_PROTECTED, IPA_OOB; rtt_walk IPA_NOT_MAPPED; rtte_state
 *     RTTE_STATE_UNASSIGNED_NS; level_bound_compare_rtt_walk
 *     LEVEL_OOB_IPA_NOT_MAPPED; level_bound_compare_rtte_state
 *     LEVEL_OOB_RTTE_STATE_UNASSIGNED_NS; ipa_bound_compare_rtt_walk
 *     IPA_PROTECTED_IPA_NOT_MAPPED
 * The realm under test is the suite's: s2sz 40, starting level 0. */
#include "acs_rows.h"
#include "invariants.h"
#include "whitebox.h"

#include "cpu/vcpu.h" /* VCPU_NS_ALIAS_BASE: where valid NS descriptors point */
#include "rmm/rtt.h"  /* S2TTE_NS_HELD: how a held one is kept */

#define S2SZ 40
#define IPA_1G (UINT64_C(1) << 30)
#define IPA_UNPROTECTED (UINT64_C(1) << (S2SZ - 1))
#define IPA_OOB (UINT64_C(1) << S2SZ)
#define L2_SIZE (UINT64_C(2) << 20)
#define L3_SIZE GRANULE_SIZE
#define MEMATTR(x) ((uint64_t)(x) << 2) /* MemAttr[4:2], S2FWB encoding */
#define S2AP(x) ((uint64_t)(x) << 6)    /* S2AP[7:6] */
#define NS_ATTRS (MEMATTR(5) | S2AP(3))

/* The suite's realm with RTTs down to level 3 over the first unprotected IPA
 * and over IPA 0. Returns an NS granule to map. */
static uint64_t fx_create(struct acs_fx *f)
{
	acs_fx_create(f, 16 * MIB);
	tm_rtt_map_to(f->t, &f->r, IPA_UNPROTECTED, 3);
	tm_rtt_map_to(f->t, &f->r, 0, 3);
	return tm_granule(f->t);
}

/* A 2 MiB-aligned output address for level-2 mappings (NS DRAM). */
static uint64_t ns_block_oa(struct tmach *t)
{
	return t->map.dram.base;
}

/* ---- RMI_RTT_MAP_UNPROTECTED ---- */

static const struct acs_row map_rows[] = {
	{ "attr_valid", "MEM_ATTR_INVALID", RMI_ERROR_INPUT, 0 },
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "level_bound", "LEVEL_STARTING", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_OOB", RMI_ERROR_INPUT, 0 },
	{ "addr_align", "ADDR_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "addr_bound", "ADDR_LPA2_PA", RMI_ERROR_INPUT, 0 },
	{ "ipa_align", "IPA_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_PROTECTED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_OOB", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "IPA_NOT_MAPPED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_ASSIGNED_NS", RMI_ERROR_RTT, 3 },
	/* Beyond the suite: bits outside OA | MemAttr[4:2] | S2AP[7:6], the
	 * minimum block level, a table in the way, and order across statuses. */
	{ "attr_valid", "DESC_VALID_BIT", RMI_ERROR_INPUT, 0 },
	{ "attr_valid", "DESC_SH_BITS", RMI_ERROR_INPUT, 0 },
	{ "attr_valid", "DESC_AF_BIT", RMI_ERROR_INPUT, 0 },
	{ "attr_valid", "DESC_NS_BIT", RMI_ERROR_INPUT, 0 },
	{ "attr_valid", "DESC_LOW_OA_BITS", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_1", RMI_ERROR_INPUT, 0 },
	{ "rtte_state", "RTTE_STATE_TABLE", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_ASSIGNED_NS_BLOCK", RMI_ERROR_RTT, 2 },
	{ "attr_valid_compare_rtt_walk", "MEM_ATTR_INVALID_IPA_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
	{ "level_bound_compare_rtt_walk", "LEVEL_OOB_IPA_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
	{ "addr_align_compare_rtte_state", "ADDR_UNALIGNED_RTTE_STATE_TABLE", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_rtt_walk", "IPA_PROTECTED_IPA_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_rtte_state", "IPA_PROTECTED_RTTE_STATE", RMI_ERROR_INPUT, 0 },
};

/* Valid call: map an NS granule at the first unprotected IPA, level 3. */
static void map_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	uint64_t ns = fx_create(&f);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, ipa = IPA_UNPROTECTED, level = 3, desc = ns | NS_ATTRS;

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "MEM_ATTR_INVALID")) {
		desc = ns | MEMATTR(4) | S2AP(3); /* 0b100 is reserved */
	} else if (acs_is(row, "DESC_VALID_BIT")) {
		desc |= 1;
	} else if (acs_is(row, "DESC_SH_BITS")) {
		desc |= UINT64_C(3) << 8;
	} else if (acs_is(row, "DESC_AF_BIT")) {
		desc |= UINT64_C(1) << 10;
	} else if (acs_is(row, "DESC_NS_BIT")) {
		desc |= UINT64_C(1) << 55;
	} else if (acs_is(row, "DESC_LOW_OA_BITS")) {
		desc |= 0x800;
	} else if (acs_is(row, "LEVEL_STARTING")) {
		level = 0;
	} else if (acs_is(row, "LEVEL_1")) {
		level = 1;
	} else if (acs_is(row, "LEVEL_OOB")) {
		level = 4;
	} else if (acs_is(row, "ADDR_UNALIGNED")) {
		/* A level-2 block whose OA is only granule aligned. */
		ipa += L2_SIZE;
		level = 2;
		desc = (ns_block_oa(t) + GRANULE_SIZE) | NS_ATTRS;
	} else if (acs_is(row, "ADDR_LPA2_PA")) {
		desc = (UINT64_C(1) << 48) | NS_ATTRS;
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_PROTECTED")) {
		ipa = 0;
	} else if (acs_is(row, "IPA_OOB")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "IPA_NOT_MAPPED")) {
		ipa += L2_SIZE; /* no level-3 RTT: the walk stops at level 2 */
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED_NS")) {
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, ipa, level, desc), RMI_SUCCESS, 0);
		desc = tm_granule(t) | NS_ATTRS;
	} else if (acs_is(row, "RTTE_STATE_TABLE")) {
		level = 2;
		desc = ns_block_oa(t) | NS_ATTRS;
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED_NS_BLOCK")) {
		ipa += L2_SIZE;
		level = 2;
		desc = ns_block_oa(t) | NS_ATTRS;
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, ipa, level, desc), RMI_SUCCESS, 0);
	} else if (acs_is(row, "MEM_ATTR_INVALID_IPA_NOT_MAPPED")) {
		ipa += L2_SIZE;
		desc = ns | MEMATTR(4);
	} else if (acs_is(row, "LEVEL_OOB_IPA_NOT_MAPPED")) {
		ipa += L2_SIZE;
		level = 4;
	} else if (acs_is(row, "ADDR_UNALIGNED_RTTE_STATE_TABLE")) {
		level = 2;
		desc = (ns_block_oa(t) + GRANULE_SIZE) | NS_ATTRS;
	} else if (acs_is(row, "IPA_PROTECTED_IPA_NOT_MAPPED")) {
		ipa = IPA_1G;
	} else if (acs_is(row, "IPA_PROTECTED_RTTE_STATE")) {
		ipa = 0; /* an UNASSIGNED (protected) level-3 entry */
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, ipa, level, desc), row);
	acs_machine_destroy(t);
}

/* ---- RMI_RTT_UNMAP_UNPROTECTED ---- */

static const struct acs_row unmap_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "level_bound", "LEVEL_STARTING", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_OOB", RMI_ERROR_INPUT, 0 },
	{ "ipa_align", "IPA_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_PROTECTED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound", "IPA_OOB", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "IPA_NOT_MAPPED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_UNASSIGNED_NS", RMI_ERROR_RTT, 3 },
	{ "level_bound_compare_rtt_walk", "LEVEL_OOB_IPA_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
	{ "level_bound_compare_rtte_state", "LEVEL_OOB_RTTE_STATE_UNASSIGNED_NS", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_rtt_walk", "IPA_PROTECTED_IPA_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "ipa_align", "IPA_LEVEL_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "level_bound", "LEVEL_1", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "IPA_BLOCK_AT_LEVEL_2", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_TABLE", RMI_ERROR_RTT, 2 },
	{ "ipa_bound_compare_rtte_state", "IPA_PROTECTED_RTTE_STATE_ASSIGNED", RMI_ERROR_INPUT, 0 },
};

/* Valid call: unmap the level-3 mapping at the first unprotected IPA. */
static void unmap_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	uint64_t ns = fx_create(&f);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, ipa = IPA_UNPROTECTED, level = 3;
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, ipa, level, ns | NS_ATTRS), RMI_SUCCESS,
		   0);

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "LEVEL_STARTING")) {
		level = 0;
	} else if (acs_is(row, "LEVEL_1")) {
		level = 1;
	} else if (acs_is(row, "LEVEL_OOB")) {
		level = 4;
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_LEVEL_UNALIGNED")) {
		ipa += L3_SIZE;
		level = 2;
	} else if (acs_is(row, "IPA_PROTECTED")) {
		ipa = 0;
	} else if (acs_is(row, "IPA_OOB")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "IPA_NOT_MAPPED")) {
		ipa += L2_SIZE;
	} else if (acs_is(row, "IPA_BLOCK_AT_LEVEL_2")) {
		ipa += L2_SIZE;
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, ipa, UINT64_C(2),
			       ns_block_oa(t) | NS_ATTRS),
			   RMI_SUCCESS, 0);
	} else if (acs_is(row, "RTTE_STATE_UNASSIGNED_NS")) {
		ipa += L3_SIZE;
	} else if (acs_is(row, "RTTE_STATE_TABLE")) {
		level = 2;
	} else if (acs_is(row, "LEVEL_OOB_IPA_NOT_MAPPED")) {
		ipa += L2_SIZE;
		level = 4;
	} else if (acs_is(row, "LEVEL_OOB_RTTE_STATE_UNASSIGNED_NS")) {
		ipa += L3_SIZE;
		level = 4;
	} else if (acs_is(row, "IPA_PROTECTED_IPA_NOT_MAPPED")) {
		ipa = IPA_1G;
	} else if (acs_is(row, "IPA_PROTECTED_RTTE_STATE_ASSIGNED")) {
		tm_data_create(t, &f.r, 0);
		ipa = 0;
	} else {
		acs_unknown_stimulus(row);
	}
	struct rmi_out o;
	assert_acs_row(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, rd, ipa, level), row);
	/* top (spec B4.3.22.1.3): 0 when the walk was not made, ipa when the
	 * entry reached is live (a block at a lower level, a table), past ipa
	 * otherwise. */
	if (row->status != RMI_ERROR_RTT)
		assert_int_equal(o.x[0], 0);
	else if (acs_is(row, "IPA_BLOCK_AT_LEVEL_2") || acs_is(row, "RTTE_STATE_TABLE"))
		assert_int_equal(o.x[0], ipa);
	else
		assert_true(o.x[0] > ipa);
	acs_machine_destroy(t);
}

/* ---- success paths ---- */

static void map_unprotected_at_level_3_reads_back_host_attributes_and_oa(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	unsigned n = 0;
	for (unsigned memattr = 0; memattr < 8; memattr++) {
		if (memattr == 4)
			continue;
		for (unsigned s2ap = 0; s2ap < 4; s2ap++, n++) {
			uint64_t ipa = IPA_UNPROTECTED + n * L3_SIZE;
			uint64_t oa = tm_granule(t), desc = oa | MEMATTR(memattr) | S2AP(s2ap);
			assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(3), desc),
				   RMI_SUCCESS, 0);
			assert_rtte(t, f.r.rd, ipa, 3, 3, RMI_ASSIGNED, desc, RIPAS_EMPTY);
			/* In the RTT: a valid page descriptor with the host's
			 * MemAttr and S2AP, the access flag set, and the host's OA
			 * seen through the vCPU's NS alias window, where every
			 * access is granule-protection checked. */
			uint64_t e = wb_rtte(t, f.r.rtts[2].pa, n);
			assert_int_equal(e & 3, 3);
			assert_int_equal(e & UINT64_C(0x0000fffffffff000), VCPU_NS_ALIAS_BASE + oa);
			assert_int_equal(e & (MEMATTR(7) | S2AP(3)), MEMATTR(memattr) | S2AP(s2ap));
			assert_true(e & (UINT64_C(1) << 10));
		}
	}
	assert_rtte(t, f.r.rd, IPA_UNPROTECTED + n * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	acs_machine_destroy(t);
}

static void map_unprotected_at_level_2_maps_a_block_and_unmap_returns_top(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	struct rmi_out o;
	uint64_t ipa = IPA_UNPROTECTED + 4 * L2_SIZE, desc = ns_block_oa(t) | MEMATTR(6) | S2AP(1);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(2), desc), RMI_SUCCESS,
		   0);
	assert_rtte(t, f.r.rd, ipa, 2, 2, RMI_ASSIGNED, desc, RIPAS_EMPTY);
	assert_rtte(t, f.r.rd, ipa + 17 * L3_SIZE, 3, 2, RMI_ASSIGNED, desc, RIPAS_EMPTY);
	/* A block descriptor through the NS alias window, held (valid bit
	 * clear, S2TTE_NS_HELD): the block covers the fixture's delegated
	 * granules, so the granule protection check must fault there. */
	uint64_t e = wb_rtte(t, f.r.rtts[1].pa, 4);
	assert_int_equal(e & 3, 0);
	assert_true(e & S2TTE_NS_HELD);
	assert_int_equal(e & UINT64_C(0x0000ffffffe00000), VCPU_NS_ALIAS_BASE + ns_block_oa(t));

	/* Unmapping it at level 3 finds no level-3 RTT. */
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(3)), RMI_ERROR_RTT, 2);
	assert_rmi(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(2)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], IPA_UNPROTECTED + IPA_1G); /* nothing live after it */
	assert_rtte(t, f.r.rd, ipa, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* An OA beyond the NS alias window cannot hold NS memory: the entry is kept
 * invalid (a realm access faults) while the host still reads back its own
 * desc. */
static void map_unprotected_beyond_the_alias_window_is_kept_invalid(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	uint64_t ipa = IPA_UNPROTECTED + 3 * L3_SIZE;
	uint64_t desc = (VCPU_NS_ALIAS_SIZE + 0x5000) | MEMATTR(5) | S2AP(2);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(3), desc), RMI_SUCCESS,
		   0);
	assert_rtte(t, f.r.rd, ipa, 3, 3, RMI_ASSIGNED, desc, RIPAS_EMPTY);
	assert_int_equal(wb_rtte(t, f.r.rtts[2].pa, 3) & 1, 0);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

static void map_unprotected_accepts_any_output_address_below_2_48(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	/* The OA is the host's business: device memory, unbacked PA, even a
	 * granule of the Realm PAS (the GPC faults any access to it). */
	const uint64_t oas[] = { PA_MMIO, PA_OUTSIDE, (UINT64_C(1) << 48) - GRANULE_SIZE,
				 f.s.data };
	for (unsigned i = 0; i < 4; i++) {
		uint64_t ipa = IPA_UNPROTECTED + i * L3_SIZE;
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(3),
			       oas[i] | NS_ATTRS),
			   RMI_SUCCESS, 0);
		assert_rtte(t, f.r.rd, ipa, 3, 3, RMI_ASSIGNED, oas[i] | NS_ATTRS, RIPAS_EMPTY);
	}
	acs_machine_destroy(t);
}

static void unmap_unprotected_returns_top_past_non_live_entries(void **state)
{
	(void)state;
	struct acs_fx f;
	uint64_t ns = fx_create(&f);
	struct tmach *t = f.t;
	struct rmi_out o;
	const uint64_t a = IPA_UNPROTECTED, b = IPA_UNPROTECTED + 3 * L3_SIZE;
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, a, UINT64_C(3), ns | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, b, UINT64_C(3), ns | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, a, UINT64_C(3)), RMI_SUCCESS,
		   0);
	assert_int_equal(o.x[0], b);
	assert_rtte(t, f.r.rd, a, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	/* rtte_state failure: top still skips from the target. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, a + L3_SIZE, UINT64_C(3)),
		   RMI_ERROR_RTT, 3);
	assert_int_equal(o.x[0], b);
	assert_rmi(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, b, UINT64_C(3)), RMI_SUCCESS,
		   0);
	assert_int_equal(o.x[0], IPA_UNPROTECTED + L2_SIZE);
	/* Nothing live is left in the level-3 RTT. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, f.r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void map_unprotected_fails_rtt_walk_with_level_index(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	uint64_t desc = tm_granule(t) | NS_ATTRS;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED, UINT64_C(3), desc),
		   RMI_ERROR_RTT, 0);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_UNPROTECTED, UINT64_C(2)),
		   RMI_ERROR_RTT, 0);
	tm_rtt_map_to(t, &r, IPA_UNPROTECTED, 1);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED, UINT64_C(3), desc),
		   RMI_ERROR_RTT, 1);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_ERROR_RTT, 1);
	tm_rtt_map_to(t, &r, IPA_UNPROTECTED, 2);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_UNPROTECTED, UINT64_C(3), desc),
		   RMI_ERROR_RTT, 2);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_ERROR_RTT, 2);
	/* rtte_state at level 2: UNASSIGNED_NS is not ASSIGNED_NS. */
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_UNPROTECTED, UINT64_C(2)),
		   RMI_ERROR_RTT, 2);
	acs_machine_destroy(t);
}

/* A level-2 unprotected block unfolds into 512 ASSIGNED_NS pages with the
 * same attributes and consecutive OAs, and folds back into the same block. */
static void rtt_create_unfolds_assigned_ns_block_and_fold_restores_it(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	struct rmi_out o;
	uint64_t ipa = IPA_UNPROTECTED + L2_SIZE, oa = ns_block_oa(t);
	uint64_t desc = oa | MEMATTR(7) | S2AP(2);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(2), desc), RMI_SUCCESS,
		   0);
	uint64_t rtt = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, f.r.rd, rtt, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rtte(t, f.r.rd, ipa, 2, 2, RMI_TABLE, rtt, RIPAS_EMPTY);
	for (unsigned i = 0; i < 512; i++)
		assert_rtte(t, f.r.rd, ipa + i * L3_SIZE, 3, 3, RMI_ASSIGNED,
			    desc + i * GRANULE_SIZE, RIPAS_EMPTY);

	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, f.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt);
	assert_rtte(t, f.r.rd, ipa, 3, 2, RMI_ASSIGNED, desc, RIPAS_EMPTY);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(2)), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* Spec A5.5.8: an RTT is live only for ASSIGNED and TABLE entries, so an
 * unprotected RTT holding only NS mappings is destroyed, mappings and all,
 * and the parent entry goes back to UNASSIGNED_NS. */
static void rtt_destroy_discards_unprotected_mappings_which_do_not_make_an_rtt_live(void **state)
{
	(void)state;
	struct acs_fx f;
	uint64_t ns = fx_create(&f);
	struct tmach *t = f.t;
	struct rmi_out o;
	for (unsigned i = 0; i < 3; i++)
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, IPA_UNPROTECTED + i * 5 * L3_SIZE,
			       UINT64_C(3), ns | NS_ATTRS),
			   RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, f.r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], f.r.rtts[2].pa);
	assert_int_equal(o.x[1], IPA_UNPROTECTED + IPA_1G);
	assert_rtte(t, f.r.rd, IPA_UNPROTECTED, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rtte(t, f.r.rd, IPA_UNPROTECTED + 5 * L3_SIZE, 3, 2, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);

	/* A level-2 RTT whose only live entry is an NS block goes the same way. */
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, IPA_UNPROTECTED + L2_SIZE, UINT64_C(2),
		       ns_block_oa(t) | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, f.r.rd, IPA_UNPROTECTED, UINT64_C(2)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], f.r.rtts[1].pa);
	assert_rtte(t, f.r.rd, IPA_UNPROTECTED + L2_SIZE, 3, 1, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);

	/* An unfolded NS block is not live either. */
	tm_rtt_map_to(t, &f.r, IPA_UNPROTECTED, 2);
	uint64_t l2 = f.r.rtts[f.r.nrtts - 1].pa;
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, IPA_UNPROTECTED, UINT64_C(2),
		       ns_block_oa(t) | NS_ATTRS),
		   RMI_SUCCESS, 0);
	uint64_t rtt = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, f.r.rd, rtt, IPA_UNPROTECTED, UINT64_C(3)), RMI_SUCCESS,
		   0);
	/* ... but the level-2 RTT holding its table is. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, f.r.rd, IPA_UNPROTECTED, UINT64_C(2)),
		   RMI_ERROR_RTT, 2);
	assert_int_equal(o.x[1], IPA_UNPROTECTED);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, f.r.rd, IPA_UNPROTECTED, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, f.r.rd, IPA_UNPROTECTED, UINT64_C(2)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], l2);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* 512 level-3 unprotected pages fold into a block only when their OAs are
 * consecutive from a 2 MiB-aligned address and their attributes identical. */
static void rtt_fold_of_assigned_ns_pages_needs_contiguous_oa_and_same_attributes(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f);
	struct tmach *t = f.t;
	struct rmi_out o;
	const uint64_t ipa = IPA_UNPROTECTED, oa = ns_block_oa(t);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t attrs = i == 100 ? MEMATTR(5) | S2AP(1) : NS_ATTRS;
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa + i * L3_SIZE, UINT64_C(3),
			       (oa + i * GRANULE_SIZE) | attrs),
			   RMI_SUCCESS, 0);
	}
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, f.r.rd, ipa, UINT64_C(3)), RMI_ERROR_RTT, 3);

	/* Same attributes, but the OAs start one granule into a 2 MiB block. */
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa + 100 * L3_SIZE, UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa + 100 * L3_SIZE, UINT64_C(3),
		       (oa + 100 * GRANULE_SIZE) | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(3),
		       (oa + L2_SIZE) | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, f.r.rd, ipa, UINT64_C(3)), RMI_ERROR_RTT, 3);

	/* Consecutive from the block's start, identical attributes: folds. */
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, f.r.rd, ipa, UINT64_C(3), oa | NS_ATTRS),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, f.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], f.r.rtts[2].pa);
	assert_rtte(t, f.r.rd, ipa, 2, 2, RMI_ASSIGNED, oa | NS_ATTRS, RIPAS_EMPTY);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, f.r.rd, ipa, UINT64_C(2)), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* A starting level of 2 maps level-2 blocks straight into a start table;
 * NS mappings do not make the start RTT live, so the realm can be destroyed
 * with them in place (spec A5.5.8). */
static void map_unprotected_at_the_starting_level_2(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, 32, 2, 1);
	const uint64_t ipa = UINT64_C(1) << 31, desc = t->map.dram.base | NS_ATTRS;
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, ipa, UINT64_C(2), desc), RMI_SUCCESS, 0);
	assert_rtte(t, r.rd, ipa, 3, 2, RMI_ASSIGNED, desc, RIPAS_EMPTY);
	/* It is in entry 0 of the third concatenated start table (a block, its
	 * OA in the NS alias window; held, as it covers the realm's own
	 * delegated granules). */
	assert_int_equal(wb_rtte(t, r.rtt_base + 2 * GRANULE_SIZE, 0) & UINT64_C(0x0000ffffffe00003),
			 VCPU_NS_ALIAS_BASE + t->map.dram.base);
	assert_true(wb_rtte(t, r.rtt_base + 2 * GRANULE_SIZE, 0) & S2TTE_NS_HELD);
	assert_rmi(rmi_res(t, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, ipa, UINT64_C(2)), RMI_SUCCESS,
		   0);
	assert_int_equal(o.x[0], ipa + 512 * L2_SIZE);
	tm_check_invariants(t);

	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, ipa + L2_SIZE, UINT64_C(2), desc),
		   RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r); /* REALM_DESTROY, undelegate the RD and start RTTs */
	tm_check_all_undelegated(t);
	acs_machine_destroy(t);
}

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("rtt_map_unprotected", map_rows, map_row),
		ACS_TABLE("rtt_unmap_unprotected", unmap_rows, unmap_row),
	};
	static const struct CMUnitTest extra[] = {
		cmocka_unit_test(map_unprotected_at_level_3_reads_back_host_attributes_and_oa),
		cmocka_unit_test(map_unprotected_at_level_2_maps_a_block_and_unmap_returns_top),
		cmocka_unit_test(map_unprotected_accepts_any_output_address_below_2_48),
		cmocka_unit_test(map_unprotected_beyond_the_alias_window_is_kept_invalid),
		cmocka_unit_test(unmap_unprotected_returns_top_past_non_live_entries),
		cmocka_unit_test(map_unprotected_fails_rtt_walk_with_level_index),
		cmocka_unit_test(rtt_create_unfolds_assigned_ns_block_and_fold_restores_it),
		cmocka_unit_test(rtt_destroy_discards_unprotected_mappings_which_do_not_make_an_rtt_live),
		cmocka_unit_test(rtt_fold_of_assigned_ns_pages_needs_contiguous_oa_and_same_attributes),
		cmocka_unit_test(map_unprotected_at_the_starting_level_2),
	};
	return ACS_RUN("rmi_rtt_ns", tables, extra);
}
