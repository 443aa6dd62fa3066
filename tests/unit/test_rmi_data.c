/* RMI_DATA_CREATE, RMI_DATA_CREATE_UNKNOWN and RMI_DATA_DESTROY: every v1.0
 * failure row of the compliance suite with its status and index, failure
 * order, and the success paths read back with RTT_READ_ENTRY (RIPAS RAM on
 * create, RIPAS kept by CREATE_UNKNOWN, RAM to DESTROYED on destroy, the
 * granule's contents, the RIM, the top output).
 *
 * A realm in SYSTEM_OFF needs a running realm calling PSCI_SYSTEM_OFF: until
 * the next issue adds it, these tests set the state white-box
 * (wb_realm_set_system_off).
 *
 * ACS rows covered (spec/rmi-failure-conditions.txt), as tests named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
 *   rmi_data_create_data.h (32): src_align SRC_UNALIGNED; src_bound
 *     SRC_DEV_MEM_MMIO, SRC_OUTSIDE_OF_PERMITTED_PA; src_pas SRC_PAS_REALM,
 *     SRC_PAS_SECURE; data_align DATA_UNALIGNED; data_bound DATA_DEV_MEM_MMIO,
 *     DATA_OUTSIDE_OF_PERMITTED_PA; data_state DATA_STATE_UNDELEGATED,
 *     DATA_STATE_RD, DATA_STATE_REC, DATA_STATE_RTT, DATA_STATE_DATA;
 *     data_bound2 DATA_LPA2_PA; rd_align RD_UNALIGNED; rd_bound
 *     RD_DEV_MEM_MMIO, RD_OUTSIDE_OF_PERMITTED_PA; rd_state
 *     RD_STATE_UNDELEGATED, RD_STATE_DELEGATED, RD_STATE_REC, RD_STATE_RTT,
 *     RD_STATE_DATA; ipa_align IPA_UNALIGNED; ipa_bound IPA_UNPROTECTED,
 *     IPA_OUTSIDE_OF_PERMITTED_IPA; realm_state REALM_ACTIVE,
 *     REALM_SYSTEM_OFF; realm_state_null REALM_NULL; rtt_walk IPA_NOT_MAPPED;
 *     rtte_state RTTE_STATE_ASSIGNED; ipa_bound_compare_rtt_walk
 *     IPA_UNPROTECTED_NOT_MAPPED; ipa_bound_compare_rtte_state
 *     IPA_UNPROTECTED_RTTE_ASSIGNED
 *   rmi_data_create_unknown_data.h (24): the same rows without src_* and
 *     realm_state*
 *   rmi_data_destroy_data.h (15 v1.0 rows; aux_live [1.1] is not): rd_align
 *     RD_UNALIGNED; rd_bound RD_DEV_MEM_MMIO, RD_OUTSIDE_OF_PERMITTED_PA;
 *     rd_state (5 as above); ipa_align IPA_UNALIGNED; ipa_bound
 *     IPA_UNPROTECTED, IPA_OUTSIDE_OF_PERMITTED_IPA; rtt_walk IPA_NOT_MAPPED;
 *     rtte_state RTTE_STATE_UNASSIGNED; ipa_bound_compare_rtt_walk
 *     IPA_UNPROTECTED_NOT_MAPPED; ipa_bound_compare_rtte_state
 *     IPA_UNPROTECTED_RTTE_UNASSIGNED
 * The realm under test is the suite's: s2sz 40, starting level 0. */
#include "acs_rows.h"
#include "invariants.h"
#include "whitebox.h"

#include <string.h>

#define S2SZ 40
#define IPA_1G (UINT64_C(1) << 30)
#define IPA_UNPROTECTED (UINT64_C(1) << (S2SZ - 1))
#define IPA_OOB (UINT64_C(1) << S2SZ)
#define L2_SIZE (UINT64_C(2) << 20)
#define L3_SIZE GRANULE_SIZE
#define IPA_L2 IPA_1G /* protected, the walk stops at level 2 */
#define NS_ATTRS ((UINT64_C(5) << 2) | (UINT64_C(3) << 6))

/* The suite's realm with RTTs down to level 3 over IPA 0 and the first
 * unprotected IPA, down to level 2 over 1 GiB. Returns an NS granule full of
 * a pattern, DATA_CREATE's source. */
static uint64_t fx_create(struct acs_fx *f, uint64_t dram_size)
{
	acs_fx_create(f, dram_size);
	tm_rtt_map_to(f->t, &f->r, 0, 3);
	tm_rtt_map_to(f->t, &f->r, IPA_L2, 2);
	tm_rtt_map_to(f->t, &f->r, IPA_UNPROTECTED, 3);
	uint64_t src = tm_granule(f->t);
	uint8_t *p = tm_ptr(f->t, src);
	for (unsigned i = 0; i < GRANULE_SIZE; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	return src;
}

static void map_ns_page(struct acs_fx *f, uint64_t ipa)
{
	assert_rmi(rmi(f->t, RMI_RTT_MAP_UNPROTECTED, 4, f->r.rd, ipa, UINT64_C(3),
		       tm_granule(f->t) | NS_ATTRS),
		   RMI_SUCCESS, 0);
}

/* ---- RMI_DATA_CREATE and RMI_DATA_CREATE_UNKNOWN ---- */

/* The data rows of both DATA_CREATE commands. */
#define DATA_ROWS                                                                       \
	{ "data_align", "DATA_UNALIGNED", RMI_ERROR_INPUT, 0 },                         \
	{ "data_bound", "DATA_DEV_MEM_MMIO", RMI_ERROR_INPUT, 0 },                      \
	{ "data_bound", "DATA_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },           \
	{ "data_state", "DATA_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },                 \
	{ "data_state", "DATA_STATE_RD", RMI_ERROR_INPUT, 0 },                          \
	{ "data_state", "DATA_STATE_REC", RMI_ERROR_INPUT, 0 },                         \
	{ "data_state", "DATA_STATE_RTT", RMI_ERROR_INPUT, 0 },                         \
	{ "data_state", "DATA_STATE_DATA", RMI_ERROR_INPUT, 0 },                        \
	{ "data_bound2", "DATA_LPA2_PA", RMI_ERROR_INPUT, 0 }

/* The rd and ipa rows of all three commands. */
#define RD_AND_IPA_ROWS                                                                 \
	ACS_ROW_RD_ALIGN,                                                               \
	{ "rd_bound", "RD_DEV_MEM_MMIO", RMI_ERROR_INPUT, 0 },                          \
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },               \
	ACS_ROWS_RD_STATE,                                                              \
	{ "ipa_align", "IPA_UNALIGNED", RMI_ERROR_INPUT, 0 },                           \
	{ "ipa_bound", "IPA_UNPROTECTED", RMI_ERROR_INPUT, 0 },                         \
	{ "ipa_bound", "IPA_OUTSIDE_OF_PERMITTED_IPA", RMI_ERROR_INPUT, 0 }

/* The walk rows of both DATA_CREATE commands. */
#define DATA_CREATE_WALK_ROWS                                                           \
	{ "rtt_walk", "IPA_NOT_MAPPED", RMI_ERROR_RTT, 2 },                             \
	{ "rtte_state", "RTTE_STATE_ASSIGNED", RMI_ERROR_RTT, 3 },                      \
	{ "ipa_bound_compare_rtt_walk", "IPA_UNPROTECTED_NOT_MAPPED", RMI_ERROR_INPUT, 0 },     \
	{ "ipa_bound_compare_rtte_state", "IPA_UNPROTECTED_RTTE_ASSIGNED", RMI_ERROR_INPUT, 0 }

static const struct acs_row data_create_rows[] = {
	{ "src_align", "SRC_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "src_bound", "SRC_DEV_MEM_MMIO", RMI_ERROR_INPUT, 0 },
	{ "src_bound", "SRC_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "src_pas", "SRC_PAS_REALM", RMI_ERROR_INPUT, 0 },
	{ "src_pas", "SRC_PAS_SECURE", RMI_ERROR_INPUT, 0 },
	DATA_ROWS,
	RD_AND_IPA_ROWS,
	{ "realm_state", "REALM_ACTIVE", RMI_ERROR_REALM, 0 },
	{ "realm_state", "REALM_SYSTEM_OFF", RMI_ERROR_REALM, 0 },
	{ "realm_state_null", "REALM_NULL", RMI_ERROR_INPUT, 0 },
	DATA_CREATE_WALK_ROWS,
	/* Beyond the suite: more states, and order across statuses in the
	 * order the conditions are listed (INPUT before realm_state, realm_state
	 * before the walk). */
	{ "data_state", "DATA_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "rtt_walk", "IPA_NO_LEVEL2_RTT", RMI_ERROR_RTT, 1 },
	{ "rtte_state", "RTTE_STATE_ASSIGNED_EMPTY", RMI_ERROR_RTT, 3 },
	{ "ipa_bound_compare_realm_state", "IPA_UNPROTECTED_REALM_ACTIVE", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_realm_state", "IPA_OUTSIDE_OF_PERMITTED_IPA_REALM_SYSTEM_OFF",
	  RMI_ERROR_INPUT, 0 },
	{ "ipa_align_compare_realm_state", "IPA_UNALIGNED_REALM_ACTIVE", RMI_ERROR_INPUT, 0 },
	{ "src_pas_compare_realm_state", "SRC_PAS_SECURE_REALM_ACTIVE", RMI_ERROR_INPUT, 0 },
	{ "data_state_compare_realm_state", "DATA_STATE_UNDELEGATED_REALM_ACTIVE", RMI_ERROR_INPUT,
	  0 },
	{ "realm_state_compare_rtt_walk", "REALM_ACTIVE_IPA_NOT_MAPPED", RMI_ERROR_REALM, 0 },
	{ "realm_state_compare_rtte_state", "REALM_SYSTEM_OFF_RTTE_STATE_ASSIGNED", RMI_ERROR_REALM,
	  0 },
	{ "ipa_align_compare_rtt_walk", "IPA_UNALIGNED_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
};

/* The rows DATA_CREATE_UNKNOWN shares (no src, no realm state), plus its own
 * order checks: a realm in any state is fine, so the walk decides. */
static const struct acs_row data_create_unknown_rows[] = {
	DATA_ROWS,
	RD_AND_IPA_ROWS,
	DATA_CREATE_WALK_ROWS,
	/* Beyond the suite. */
	{ "rtt_walk", "IPA_NO_LEVEL2_RTT", RMI_ERROR_RTT, 1 },
	{ "rtt_walk", "REALM_ACTIVE_IPA_NOT_MAPPED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "REALM_SYSTEM_OFF_RTTE_STATE_ASSIGNED", RMI_ERROR_RTT, 3 },
	{ "realm_state_null", "REALM_NULL", RMI_ERROR_INPUT, 0 },
	{ "ipa_align_compare_rtt_walk", "IPA_UNALIGNED_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
};

/* Valid call: a DELEGATED granule at IPA 0 (level 3, UNASSIGNED EMPTY),
 * from the pattern granule, measured. */
static void data_create_common(const struct acs_row *row, bool unknown)
{
	struct acs_fx f;
	uint64_t src = fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, data = tm_delegated(t), ipa = 0;

	if (acs_granule_stimulus(t, &f.s, "SRC", row, &src) ||
	    acs_granule_stimulus(t, &f.s, "DATA", row, &data) ||
	    acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_UNPROTECTED")) {
		ipa = IPA_UNPROTECTED;
	} else if (acs_is(row, "IPA_OUTSIDE_OF_PERMITTED_IPA")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
	} else if (acs_is(row, "REALM_SYSTEM_OFF")) {
		wb_realm_set_system_off(t, rd);
	} else if (acs_is(row, "REALM_NULL")) {
		rd = acs_null_realm_rd(t, 3);
	} else if (acs_is(row, "IPA_NOT_MAPPED")) {
		ipa = IPA_L2;
	} else if (acs_is(row, "IPA_NO_LEVEL2_RTT")) {
		ipa = 2 * IPA_1G;
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED")) {
		tm_data_create(t, &f.r, ipa);
	} else if (acs_is(row, "RTTE_STATE_ASSIGNED_EMPTY")) {
		assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, rd, tm_delegated(t), ipa), RMI_SUCCESS, 0);
	} else if (acs_is(row, "IPA_UNPROTECTED_NOT_MAPPED")) {
		ipa = IPA_UNPROTECTED + L2_SIZE;
	} else if (acs_is(row, "IPA_UNPROTECTED_RTTE_ASSIGNED")) {
		ipa = IPA_UNPROTECTED;
		map_ns_page(&f, ipa);
	} else if (acs_is(row, "IPA_UNPROTECTED_REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		ipa = IPA_UNPROTECTED;
	} else if (acs_is(row, "IPA_OUTSIDE_OF_PERMITTED_IPA_REALM_SYSTEM_OFF")) {
		wb_realm_set_system_off(t, rd);
		ipa = IPA_OOB;
	} else if (acs_is(row, "IPA_UNALIGNED_REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		ipa += 0x800;
	} else if (acs_is(row, "SRC_PAS_SECURE_REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		src = tm_secure(t);
	} else if (acs_is(row, "DATA_STATE_UNDELEGATED_REALM_ACTIVE")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		data = f.s.undelegated;
	} else if (acs_is(row, "REALM_ACTIVE_IPA_NOT_MAPPED")) {
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
		ipa = IPA_L2;
	} else if (acs_is(row, "REALM_SYSTEM_OFF_RTTE_STATE_ASSIGNED")) {
		tm_data_create(t, &f.r, ipa);
		wb_realm_set_system_off(t, rd);
	} else if (acs_is(row, "IPA_UNALIGNED_NOT_MAPPED")) {
		ipa = IPA_L2 + 0x800;
	} else {
		acs_unknown_stimulus(row);
	}
	uint64_t x0 = unknown ? rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, rd, data, ipa)
			      : rmi(t, RMI_DATA_CREATE, 5, rd, data, ipa, src,
				    (uint64_t)RMI_MEASURE_CONTENT);
	assert_acs_row(x0, row);
	acs_machine_destroy(t);
}

static void data_create_row(void **state)
{
	data_create_common(*state, false);
}

static void data_create_unknown_row(void **state)
{
	data_create_common(*state, true);
}

/* ---- RMI_DATA_DESTROY ---- */

static const struct acs_row data_destroy_rows[] = {
	RD_AND_IPA_ROWS,
	{ "rtt_walk", "IPA_NOT_MAPPED", RMI_ERROR_RTT, 2 },
	{ "rtte_state", "RTTE_STATE_UNASSIGNED", RMI_ERROR_RTT, 3 },
	{ "ipa_bound_compare_rtt_walk", "IPA_UNPROTECTED_NOT_MAPPED", RMI_ERROR_INPUT, 0 },
	{ "ipa_bound_compare_rtte_state", "IPA_UNPROTECTED_RTTE_UNASSIGNED", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "rtt_walk", "IPA_NO_LEVEL2_RTT", RMI_ERROR_RTT, 1 },
	{ "rtte_state", "RTTE_STATE_UNASSIGNED_DESTROYED", RMI_ERROR_RTT, 3 },
	{ "ipa_bound_compare_rtte_state", "IPA_UNPROTECTED_RTTE_ASSIGNED_NS", RMI_ERROR_INPUT, 0 },
	{ "ipa_align_compare_rtte_state", "IPA_UNALIGNED_RTTE_STATE_UNASSIGNED", RMI_ERROR_INPUT, 0 },
	{ "realm_state_null", "REALM_NULL", RMI_ERROR_INPUT, 0 },
};

/* Valid call: the DATA granule at IPA 0. The top output is 0 when the walk
 * was not made, and past the target otherwise (spec B4.3.3.1.3). */
static void data_destroy_row(void **state)
{
	const struct acs_row *row = *state;
	struct acs_fx f;
	struct rmi_out o;
	fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	uint64_t rd = f.r.rd, ipa = 0;
	tm_data_create(t, &f.r, 0);

	if (acs_granule_stimulus(t, &f.s, "RD", row, &rd)) {
	} else if (acs_is(row, "IPA_UNALIGNED")) {
		ipa += 0x800;
	} else if (acs_is(row, "IPA_UNPROTECTED")) {
		ipa = IPA_UNPROTECTED;
	} else if (acs_is(row, "IPA_OUTSIDE_OF_PERMITTED_IPA")) {
		ipa = IPA_OOB;
	} else if (acs_is(row, "IPA_NOT_MAPPED")) {
		ipa = IPA_L2;
	} else if (acs_is(row, "IPA_NO_LEVEL2_RTT")) {
		ipa = 2 * IPA_1G;
	} else if (acs_is(row, "RTTE_STATE_UNASSIGNED")) {
		ipa = L3_SIZE;
	} else if (acs_is(row, "RTTE_STATE_UNASSIGNED_DESTROYED")) {
		assert_rmi(rmi(t, RMI_DATA_DESTROY, 2, rd, ipa), RMI_SUCCESS, 0);
	} else if (acs_is(row, "IPA_UNPROTECTED_NOT_MAPPED")) {
		ipa = IPA_UNPROTECTED + L2_SIZE;
	} else if (acs_is(row, "IPA_UNPROTECTED_RTTE_UNASSIGNED")) {
		ipa = IPA_UNPROTECTED + L3_SIZE;
	} else if (acs_is(row, "IPA_UNPROTECTED_RTTE_ASSIGNED_NS")) {
		ipa = IPA_UNPROTECTED;
		map_ns_page(&f, ipa);
	} else if (acs_is(row, "IPA_UNALIGNED_RTTE_STATE_UNASSIGNED")) {
		ipa = L3_SIZE + 0x800;
	} else if (acs_is(row, "REALM_NULL")) {
		rd = acs_null_realm_rd(t, 3);
	} else {
		acs_unknown_stimulus(row);
	}
	assert_acs_row(rmi_res(t, &o, RMI_DATA_DESTROY, 2, rd, ipa), row);
	if (row->status == RMI_ERROR_RTT)
		assert_true(o.x[1] > ipa);
	else
		assert_int_equal(o.x[1], 0);
	/* The granule at IPA 0 is still mapped unless the stimulus unmapped it. */
	if (!acs_is(row, "RTTE_STATE_UNASSIGNED_DESTROYED"))
		assert_rtte(t, f.r.rd, 0, 3, 3, RMI_ASSIGNED, f.r.data_pa[0], RIPAS_RAM);
	acs_machine_destroy(t);
}

/* ---- success paths ---- */

/* The level-3 entries at 0, 4K and 8K: UNASSIGNED with RIPAS EMPTY, RAM and
 * DESTROYED. */
static void ripas_empty_ram_destroyed(struct acs_fx *f)
{
	assert_rmi(rmi(f->t, RMI_RTT_INIT_RIPAS, 3, f->r.rd, L3_SIZE, 2 * L3_SIZE), RMI_SUCCESS, 0);
	tm_ripas_destroyed(f->t, &f->r, 2 * L3_SIZE);
}

static void data_create_copies_src_and_maps_it_with_ripas_ram(void **state)
{
	(void)state;
	struct acs_fx f;
	uint64_t src = fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	uint64_t data = tm_delegated(t);
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, f.r.rd, data, UINT64_C(0), src,
		       (uint64_t)RMI_NO_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_ASSIGNED, data, RIPAS_RAM);
	/* The contents are the source's; the granule is the realm's. */
	assert_memory_equal(wb_sys_ptr(t, data), tm_ptr(t, src), GRANULE_SIZE);
	assert_int_equal(ccakit_pas_of(t->m, data), CCAKIT_PAS_REALM);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, data), RMI_ERROR_INPUT, 0);
	/* A valid page descriptor for the vCPU's MMU. */
	uint64_t e = wb_rtte(t, f.r.rtts[2].pa, 0);
	assert_int_equal(e & 3, 3);
	assert_int_equal(e & UINT64_C(0x0000fffffffff000), data);
	/* The neighbours are untouched. */
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* Post-condition rtte_ripas: RAM whatever the UNASSIGNED entry's RIPAS was. */
static void data_create_sets_ripas_ram_from_empty_ram_and_destroyed(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	ripas_empty_ram_destroyed(&f);
	assert_rtte(t, f.r.rd, 2 * L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t data = tm_data_create(t, &f.r, i * L3_SIZE);
		assert_rtte(t, f.r.rd, i * L3_SIZE, 3, 3, RMI_ASSIGNED, data, RIPAS_RAM);
	}
	tm_check_invariants(t);
	tm_realm_teardown(t, &f.r);
	acs_machine_destroy(t);
}

/* Reference vectors of the spec notes (section 7): REALM_CREATE, one RIPAS
 * descriptor for [0, 2 MiB), DATA_CREATE at 0 of a measured zero granule,
 * DATA_CREATE at 0x1000 unmeasured; DATA_CREATE_UNKNOWN leaves the RIM. */
static void data_create_extends_rim_as_the_reference_vectors(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	char hex[65];
	tm_realm_create(t, &r, 0, 0, 1); /* s2sz 40, SHA-256 */
	tm_rtt_map_to(t, &r, 0, 2);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r.rd, UINT64_C(0), L2_SIZE), RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, r.rd, 32, hex),
			    "7f8c7d7dd5d0845f56a62190d6d1fd15458a1132897bf0041ea3e0720af799d1");
	tm_rtt_map_to(t, &r, 0, 3);
	uint64_t zero = tm_granule(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, tm_delegated(t), UINT64_C(0), zero,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, r.rd, 32, hex),
			    "95b2a2006be2c1073b17f3dfaed41204874123543a197f156294d34980c842a8");
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, tm_delegated(t), UINT64_C(0x1000), zero,
		       (uint64_t)RMI_NO_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, r.rd, 32, hex),
			    "643b98d4558ef333eaf3f7ac6bbf3e2f640d8c878ecdb26d42b93135d6e74104");
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, r.rd, tm_delegated(t), UINT64_C(0x2000)),
		   RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, r.rd, 32, hex),
			    "643b98d4558ef333eaf3f7ac6bbf3e2f640d8c878ecdb26d42b93135d6e74104");
	/* A failed DATA_CREATE does not extend it either. */
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, tm_delegated(t), UINT64_C(0x1000), zero,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_ERROR_RTT, 3);
	assert_string_equal(wb_rim_hex(t, r.rd, 32, hex),
			    "643b98d4558ef333eaf3f7ac6bbf3e2f640d8c878ecdb26d42b93135d6e74104");
	acs_machine_destroy(t);
}

/* DATA_CREATE_UNKNOWN: ASSIGNED with the RIPAS the entry had, zero contents,
 * in any realm state. */
static void data_create_unknown_keeps_ripas_and_zero_contents(void **state)
{
	(void)state;
	struct acs_fx f;
	fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	ripas_empty_ram_destroyed(&f);
	static const enum rmi_ripas before[3] = { RIPAS_EMPTY, RIPAS_RAM, RIPAS_DESTROYED };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t data = tm_delegated(t);
		assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, data, i * L3_SIZE), RMI_SUCCESS,
			   0);
		/* desc is the PA for every ASSIGNED entry (spec B4.3.20.3
		 * state_prot), DESTROYED included. */
		assert_rtte(t, f.r.rd, i * L3_SIZE, 3, 3, RMI_ASSIGNED, data, before[i]);
		const uint8_t *p = wb_sys_ptr(t, data);
		for (unsigned j = 0; j < GRANULE_SIZE; j++)
			assert_int_equal(p[j], 0);
		/* Only RAM is mapped for the realm. */
		assert_int_equal(wb_rtte(t, f.r.rtts[2].pa, i) & 1, before[i] == RIPAS_RAM);
	}
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void data_create_unknown_works_in_active_and_system_off_realms(void **state)
{
	(void)state;
	struct acs_fx f;
	uint64_t src = fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, f.r.rd), RMI_SUCCESS, 0);
	uint64_t a = tm_delegated(t), b = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, f.r.rd, a, UINT64_C(0), src,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_ERROR_REALM, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, a, UINT64_C(0)), RMI_SUCCESS, 0);
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_ASSIGNED, a, RIPAS_EMPTY);
	wb_realm_set_system_off(t, f.r.rd);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, b, L3_SIZE), RMI_SUCCESS, 0);
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_ASSIGNED, b, RIPAS_EMPTY);
	/* DATA_DESTROY works in any realm state too. */
	assert_rmi(rmi(t, RMI_DATA_DESTROY, 2, f.r.rd, UINT64_C(0)), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* rtt_walk reports the level the walk stopped at, for all three commands. */
static void data_create_fails_rtt_walk_with_level_index(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, S2SZ, 0, 1);
	uint64_t src = tm_granule(t), data = tm_delegated(t);
	for (int level = 0; level <= 3; level++) {
		uint64_t x0 = level < 3 ? rmi_return(RMI_ERROR_RTT, (unsigned)level) : RMI_SUCCESS;
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, data, IPA_1G, src,
			       (uint64_t)RMI_NO_MEASURE_CONTENT),
			   rmi_return_status(x0), rmi_return_index(x0));
		if (level < 3) {
			assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, r.rd, data, IPA_1G),
				   RMI_ERROR_RTT, (unsigned)level);
			assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, r.rd, IPA_1G), RMI_ERROR_RTT,
				   (unsigned)level);
			/* top: the end of the non-live run in the last RTT reached,
			 * here that RTT's end (all 512 entries of the level-0 one) */
			static const uint64_t top[3] = { UINT64_C(1) << 48, IPA_UNPROTECTED,
							 2 * IPA_1G };
			assert_int_equal(o.x[1], top[level]);
			tm_rtt_map_to(t, &r, IPA_1G, level + 1);
		}
	}
	assert_rtte(t, r.rd, IPA_1G, 3, 3, RMI_ASSIGNED, data, RIPAS_RAM);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void data_destroy_turns_ram_into_destroyed_and_scrubs_the_granule(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	uint64_t src = fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	uint64_t data = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, f.r.rd, data, UINT64_C(0), src,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, UINT64_C(0)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], data);
	assert_int_equal(o.x[1], L2_SIZE); /* nothing live after it in its RTT */
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);
	/* DELEGATED again and zeroed: the host reads zeros once it has it back. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, data), RMI_SUCCESS, 0);
	assert_int_equal(ccakit_pas_of(t->m, data), CCAKIT_PAS_NS);
	const uint8_t *p = tm_ptr(t, data);
	for (unsigned i = 0; i < GRANULE_SIZE; i++)
		assert_int_equal(p[i], 0);
	/* The RTT is no longer live. */
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, f.r.rd, UINT64_C(0), UINT64_C(3)), RMI_SUCCESS, 0);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

/* Only RAM becomes DESTROYED: EMPTY and DESTROYED entries keep their RIPAS. */
static void data_destroy_keeps_empty_and_destroyed_ripas(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	tm_ripas_destroyed(t, &f.r, L3_SIZE);
	uint64_t a = tm_delegated(t), b = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, a, UINT64_C(0)), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, b, L3_SIZE), RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, UINT64_C(0)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], a);
	assert_int_equal(o.x[1], L3_SIZE); /* the next live entry */
	assert_rtte(t, f.r.rd, 0, 3, 3, RMI_UNASSIGNED, 0, RIPAS_EMPTY);
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, L3_SIZE), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], b);
	assert_rtte(t, f.r.rd, L3_SIZE, 3, 3, RMI_UNASSIGNED, 0, RIPAS_DESTROYED);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

static void data_destroy_top_skips_non_live_entries(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	fx_create(&f, 16 * MIB);
	struct tmach *t = f.t;
	tm_data_create(t, &f.r, 0);
	tm_data_create(t, &f.r, 5 * L3_SIZE);
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, UINT64_C(0)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], 5 * L3_SIZE);
	/* rtte_state: top from the target on, the target included. */
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, UINT64_C(0)), RMI_ERROR_RTT, 3);
	assert_int_equal(o.x[1], 5 * L3_SIZE);
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, 5 * L3_SIZE), RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], L2_SIZE);
	/* rtt_walk: top past the non-live level-2 entries. */
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, IPA_L2 + 3 * L2_SIZE), RMI_ERROR_RTT,
		   2);
	assert_int_equal(o.x[1], 2 * IPA_1G);
	acs_machine_destroy(t);
}

/* A 2 MiB block at level 2: DATA_DESTROY walks to level 3 and stops at the
 * block, with top == ipa (spec B4.3.3.1.3: "ipa is mapped as a block"). */
static void data_destroy_of_a_page_in_a_block_fails_rtt_walk_with_top_at_ipa(void **state)
{
	(void)state;
	struct acs_fx f;
	struct rmi_out o;
	uint64_t src = fx_create(&f, 64 * MIB);
	struct tmach *t = f.t;
	const uint64_t ipa = IPA_L2 + L2_SIZE;
	tm_rtt_map_to(t, &f.r, ipa, 3);
	uint64_t pa = acs_delegated_2mib_run(t);
	for (unsigned i = 0; i < 512; i++)
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, f.r.rd, pa + i * GRANULE_SIZE,
			       ipa + i * L3_SIZE, src, (uint64_t)RMI_NO_MEASURE_CONTENT),
			   RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, f.r.rd, ipa, UINT64_C(3)), RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, f.r.rd, ipa + 7 * L3_SIZE), RMI_ERROR_RTT, 2);
	assert_int_equal(o.x[1], ipa + 7 * L3_SIZE);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, f.r.rd, tm_delegated(t), ipa), RMI_ERROR_RTT,
		   2);
	/* The block's contents are the source's, page by page. */
	assert_memory_equal(wb_sys_ptr(t, pa + 511 * GRANULE_SIZE), tm_ptr(t, src), GRANULE_SIZE);
	tm_check_invariants(t);
	acs_machine_destroy(t);
}

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("data_create", data_create_rows, data_create_row),
		ACS_TABLE("data_create_unknown", data_create_unknown_rows, data_create_unknown_row),
		ACS_TABLE("data_destroy", data_destroy_rows, data_destroy_row),
	};
	static const struct CMUnitTest extra[] = {
		cmocka_unit_test(data_create_copies_src_and_maps_it_with_ripas_ram),
		cmocka_unit_test(data_create_sets_ripas_ram_from_empty_ram_and_destroyed),
		cmocka_unit_test(data_create_extends_rim_as_the_reference_vectors),
		cmocka_unit_test(data_create_unknown_keeps_ripas_and_zero_contents),
		cmocka_unit_test(data_create_unknown_works_in_active_and_system_off_realms),
		cmocka_unit_test(data_create_fails_rtt_walk_with_level_index),
		cmocka_unit_test(data_destroy_turns_ram_into_destroyed_and_scrubs_the_granule),
		cmocka_unit_test(data_destroy_keeps_empty_and_destroyed_ripas),
		cmocka_unit_test(data_destroy_top_skips_non_live_entries),
		cmocka_unit_test(data_destroy_of_a_page_in_a_block_fails_rtt_walk_with_top_at_ipa),
	};
	return ACS_RUN("rmi_data", tables, extra);
}
