/* RMI_VERSION, RMI_FEATURES, RMI_REALM_CREATE, RMI_REALM_ACTIVATE,
 * RMI_REALM_DESTROY and RMI_REC_AUX_COUNT: every v1.0 failure row of the Arm
 * RMM compliance suite (spec/rmi-failure-conditions.txt), the success paths
 * with the resulting state read back, failure-order cases, and edge cases the
 * suite does not exercise.
 *
 * ACS rows covered (label, stimulus -> expected), each a test named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
 *   rmi_realm_create_data.h (v1.0 rows)
 *     params_align PARAMS_UNALIGNED; params_bound PARAMS_DEV_MEM,
 *     PARAMS_OUTSIDE_OF_PERMITTED_PA; params_pas PARAMS_PAS_REALM,
 *     PARAMS_PAS_SECURE; params_valid HASH_ALGO_INVALID, S2SZ_INVALID;
 *     params_supp HASH_ALGO_UNSUPPORTED, PMU_UNSUPPORTED, SVE_UNSUPPORTED,
 *     LPA2_UNSUPPORTED, BPS_UNSUPPORTED, WPS_UNSUPPORTED; alias
 *     RTT_BASE_RD_ALIASED; rd_align RD_UNALIGNED; rd_bound RD_DEV_MEM,
 *     RD_OUTSIDE_OF_PERMITTED_PA; rd_state RD_STATE_UNDELEGATED, RD_STATE_RD,
 *     RD_STATE_REC, RD_STATE_RTT, RD_STATE_DATA; rtt_align RTT_UNALIGNED;
 *     rtt_num_level RTT_START_INVALID; rtt_state RTT_BASE_UNDELEGATED;
 *     vmid_valid VMID_INVALID, VMID_USED -> all INPUT
 *   rmi_realm_activate_data.h
 *     rd_align RD_UNALIGNED; rd_bound RD_DEV_MEM_MMIO,
 *     RD_OUTSIDE_OF_PERMITTED_PA; rd_state RD_STATE_UNDELEGATED,
 *     RD_STATE_DELEGATED, RD_REC, RD_DATA, RD_RTT -> INPUT;
 *     realm_state REALM_SYSTEM_OFF -> REALM; realm_state_null REALM_NULL -> INPUT
 *   rmi_realm_destroy_data.h
 *     rd_align RD_UNALIGNED; rd_bound RD_OUTSIDE_OF_PERMITTED_PA, RD_DEV_MEM;
 *     rd_state RD_STATE_UNDELEGATED, RD_STATE_DELEGATED, RD_STATE_REC,
 *     RD_STATE_RTT, RD_STATE_DATA -> INPUT; realm_live REALM_LIVE -> REALM
 *   rmi_rec_aux_count_data.h
 *     rd_align RD_UNALIGNED; rd_bound RD_DEV_MEM, RD_OUTSIDE_OF_PERMITTED_PA;
 *     rd_state RD_STATE_UNDELEGATED, RD_STATE_DELEGATED, RD_STATE_REC,
 *     RD_STATE_RTT, RD_STATE_DATA -> INPUT
 * The [1.1] rows (NUM_AUX_PLANES_INVALID, AUX_RTT_*, AUX_VMID_*, MECID_*) are
 * out of scope: this RMM implements 1.0.
 *
 * States only a running realm can reach (SYSTEM_OFF) are set white-box, by
 * writing the RD in its granule; the next issue (running realms) adds
 * black-box versions. HASH_ALGO_UNSUPPORTED is white-box too: this RMM offers
 * both SHA-256 and SHA-512, so the row clears HASH_SHA_512 from the RMM's
 * FeatureRegister0, as an RMM built without SHA-512 would report it. */
#include "acs_rows.h"
#include "whitebox.h"

#include <string.h>

#include "rmm/rmm.h"

static struct tmach *machine_with_vmid_bits(unsigned bits)
{
	struct ccakit_machine_config cfg = { .dram_size = 16 * MIB, .pe_count = 1,
					     .vmid_bits = bits };
	return acs_machine_cfg(&cfg);
}

/* ======================= RMI_VERSION and RMI_FEATURES ======================= */

static void rmi_version_succeeds_for_1_0_and_reports_1_0(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_VERSION, 1, UINT64_C(0x10000)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 0x10000); /* lower */
	assert_int_equal(o.x[1], 0x10000); /* higher */
	acs_machine_destroy(t);
}

static void rmi_version_fails_input_for_other_versions_and_reports_1_0(void **state)
{
	(void)state;
	static const uint64_t req[] = {
		0,		    /* 0.0 */
		0x1,		    /* 0.1 */
		0x10001,	    /* 1.1: not implemented by this RMM */
		0x20000,	    /* 2.0 */
		0xffff,		    /* 0.65535 */
		0x7fffffff,	    /* 32767.65535 */
		UINT64_C(1) << 32 | 0x10000, /* 1.0 with a stray upper bit */
		~UINT64_C(0),
	};
	struct tmach *t = acs_machine(16 * MIB);
	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		struct rmi_out o;
		assert_rmi(rmi_res(t, &o, RMI_VERSION, 1, req[i]), RMI_ERROR_INPUT, 0);
		assert_int_equal(o.x[0], 0x10000);
		assert_int_equal(o.x[1], 0x10000);
	}
	acs_machine_destroy(t);
}

static uint64_t field(uint64_t v, unsigned shift, unsigned width)
{
	return (v >> shift) & ((UINT64_C(1) << width) - 1);
}

static void rmi_features_index0_reports_feature_register0(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_FEATURES, 1, UINT64_C(0)), RMI_SUCCESS, 0);
	uint64_t f = o.x[0];
	assert_int_equal(field(f, RMI_FEAT0_S2SZ_SHIFT, 8), 48);
	assert_int_equal(field(f, RMI_FEAT0_LPA2_SHIFT, 1), 0);
	assert_int_equal(field(f, RMI_FEAT0_SVE_EN_SHIFT, 1), 0);
	assert_int_equal(field(f, RMI_FEAT0_SVE_VL_SHIFT, 4), 0);
	assert_int_equal(field(f, RMI_FEAT0_NUM_BPS_SHIFT, 6), 5);
	assert_int_equal(field(f, RMI_FEAT0_NUM_WPS_SHIFT, 6), 3);
	assert_int_equal(field(f, RMI_FEAT0_PMU_EN_SHIFT, 1), 0);
	assert_int_equal(field(f, RMI_FEAT0_PMU_NUM_CTRS_SHIFT, 5), 0);
	assert_int_equal(field(f, RMI_FEAT0_HASH_SHA_256_SHIFT, 1), 1);
	assert_int_equal(field(f, RMI_FEAT0_HASH_SHA_512_SHIFT, 1), 1);
	/* Fields 1.0 does not define (DA, planes, ...) are zero. */
	assert_int_equal(f >> 42, 0);
	acs_machine_destroy(t);
}

static void rmi_features_other_index_reports_zero(void **state)
{
	(void)state;
	static const uint64_t index[] = { 1, 2, 3, 0xff, UINT64_C(1) << 32, ~UINT64_C(0) };
	struct tmach *t = acs_machine(16 * MIB);
	for (size_t i = 0; i < ARRAY_SIZE(index); i++) {
		struct rmi_out o = { .x = { 0xdead } };
		assert_rmi(rmi_res(t, &o, RMI_FEATURES, 1, index[i]), RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], 0);
	}
	acs_machine_destroy(t);
}

/* What FEATURES offers, REALM_CREATE accepts. */
static void realm_create_accepts_feature_register0_maxima(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_FEATURES, 1, UINT64_C(0)), RMI_SUCCESS, 0);
	struct trealm r;
	unsigned s2sz = (unsigned)field(o.x[0], RMI_FEAT0_S2SZ_SHIFT, 8);
	tm_realm_params(t, &r, s2sz, 0, RMI_HASH_SHA_512, 1);
	struct rmi_realm_params *p = tm_ptr(t, r.params);
	p->num_bps = (uint8_t)field(o.x[0], RMI_FEAT0_NUM_BPS_SHIFT, 6);
	p->num_wps = (uint8_t)field(o.x[0], RMI_FEAT0_NUM_WPS_SHIFT, 6);
	r.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r.rd, r.params), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

/* ============================ RMI_REALM_CREATE ============================ */

static const struct acs_row create_rows[] = {
	ACS_ROWS_PARAMS,
	{ "params_valid", "HASH_ALGO_INVALID", RMI_ERROR_INPUT, 0 },
	{ "params_valid", "S2SZ_INVALID", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "HASH_ALGO_UNSUPPORTED", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "PMU_UNSUPPORTED", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "SVE_UNSUPPORTED", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "LPA2_UNSUPPORTED", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "BPS_UNSUPPORTED", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "WPS_UNSUPPORTED", RMI_ERROR_INPUT, 0 },
	{ "alias", "RTT_BASE_RD_ALIASED", RMI_ERROR_INPUT, 0 },
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_RD", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_REC", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_RTT", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_DATA", RMI_ERROR_INPUT, 0 },
	{ "rtt_align", "RTT_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rtt_num_level", "RTT_START_INVALID", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_BASE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "vmid_valid", "VMID_INVALID", RMI_ERROR_INPUT, 0 },
	{ "vmid_valid", "VMID_USED", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "params_pas", "PARAMS_PAS_ROOT", RMI_ERROR_INPUT, 0 },
	{ "params_valid", "S2SZ_INVALID_LOW", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "BPS_ZERO", RMI_ERROR_INPUT, 0 },
	{ "params_supp", "WPS_ZERO", RMI_ERROR_INPUT, 0 },
	{ "alias", "RTT_SECOND_RD_ALIASED", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "rtt_num_level", "RTT_NUM_START_TOO_FEW", RMI_ERROR_INPUT, 0 },
	{ "rtt_num_level", "RTT_NUM_START_TOO_MANY", RMI_ERROR_INPUT, 0 },
	/* Concatenated start tables aligned to a granule but not to their
	 * size: VTTBR_EL2 cannot point at them (1.1's rule, kept in 1.0). */
	{ "rtt_align", "RTT_CONCATENATED_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "rtt_num_level", "RTT_START_LEVEL_4", RMI_ERROR_INPUT, 0 },
	{ "rtt_num_level", "RTT_START_LEVEL_MINUS_1", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_SECOND_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rtt_state", "RTT_BASE_RTT", RMI_ERROR_INPUT, 0 },
	{ "vmid_valid", "VMID_256", RMI_ERROR_INPUT, 0 },
};


/* A copy of valid params in granule `pa` as seen by the RMM (any PAS). */
static void put_params(struct tmach *t, uint64_t pa, const struct rmi_realm_params *p)
{
	memcpy(wb_sys_ptr(t, pa), p, sizeof(*p));
}

/* Valid arguments: a fresh RD, s2sz 40 / level 1 (two start RTTs), VMID 1;
 * VMID 2 is in use by the realm holding a granule in every state. */
static void realm_create_row(void **state)
{
	const struct acs_row *row = *state;
	bool vmid8 = acs_is(row, "VMID_INVALID") || acs_is(row, "VMID_256");
	struct tmach *t = vmid8 ? machine_with_vmid_bits(8) : acs_machine(16 * MIB);
	struct tm_states s;
	struct trealm r;

	tm_states_create(t, &s, 2);
	tm_realm_params(t, &r, 40, 1, RMI_HASH_SHA_256, 1);
	assert_int_equal(r.rtt_num_start, 2);
	r.rd = tm_delegated(t);
	uint64_t rd = r.rd;
	uint64_t params = tm_granule(t);
	struct rmi_realm_params *p = tm_ptr(t, params);
	memcpy(p, tm_ptr(t, r.params), sizeof(*p));

	if (acs_granule_stimulus(t, &s, "PARAMS", row, &params)) {
		/* params_pas: valid content, but outside the NS PAS */
		if (acs_is(row, "PARAMS_PAS_REALM") || acs_is(row, "PARAMS_PAS_SECURE") ||
		    acs_is(row, "PARAMS_PAS_ROOT"))
			put_params(t, params, p);
	} else if (acs_granule_stimulus(t, &s, "RD", row, &rd)) {
	} else if (acs_is(row, "HASH_ALGO_INVALID")) {
		p->hash_algo = 2;
	} else if (acs_is(row, "S2SZ_INVALID")) {
		p->s2sz = 49;
	} else if (acs_is(row, "S2SZ_INVALID_LOW")) {
		/* s2sz 31 at start level 2 needs two tables: only s2sz is wrong */
		p->s2sz = 31;
		p->rtt_level_start = 2;
		p->rtt_num_start = 2;
	} else if (acs_is(row, "HASH_ALGO_UNSUPPORTED")) {
		/* White-box: an RMM built without SHA-512 (FEATURES clears the bit). */
		wb_rmm(t)->feat0 &= ~(UINT64_C(1) << RMI_FEAT0_HASH_SHA_512_SHIFT);
		p->hash_algo = RMI_HASH_SHA_512;
	} else if (acs_is(row, "PMU_UNSUPPORTED")) {
		p->flags = RMI_REALM_FLAG_PMU;
		p->pmu_num_ctrs = 1;
	} else if (acs_is(row, "SVE_UNSUPPORTED")) {
		p->flags = RMI_REALM_FLAG_SVE;
	} else if (acs_is(row, "LPA2_UNSUPPORTED")) {
		p->flags = RMI_REALM_FLAG_LPA2;
	} else if (acs_is(row, "BPS_UNSUPPORTED")) {
		p->num_bps = 6;
	} else if (acs_is(row, "BPS_ZERO")) {
		p->num_bps = 0;
	} else if (acs_is(row, "WPS_UNSUPPORTED")) {
		p->num_wps = 4;
	} else if (acs_is(row, "WPS_ZERO")) {
		p->num_wps = 0;
	} else if (acs_is(row, "RTT_BASE_RD_ALIASED")) {
		rd = p->rtt_base;
	} else if (acs_is(row, "RTT_SECOND_RD_ALIASED")) {
		rd = p->rtt_base + GRANULE_SIZE;
	} else if (acs_is(row, "RTT_UNALIGNED")) {
		p->rtt_base += 0x800;
	} else if (acs_is(row, "RTT_CONCATENATED_UNALIGNED")) {
		assert_int_equal(p->rtt_num_start, 2);
		p->rtt_base += GRANULE_SIZE;
	} else if (acs_is(row, "RTT_START_INVALID")) {
		p->rtt_level_start = 2;
	} else if (acs_is(row, "RTT_NUM_START_TOO_FEW")) {
		p->rtt_num_start = 1;
	} else if (acs_is(row, "RTT_NUM_START_TOO_MANY")) {
		p->s2sz = 39; /* needs one table, two given */
	} else if (acs_is(row, "RTT_START_LEVEL_4")) {
		p->rtt_level_start = 4;
	} else if (acs_is(row, "RTT_START_LEVEL_MINUS_1")) {
		p->rtt_level_start = -1;
	} else if (acs_is(row, "RTT_BASE_UNDELEGATED")) {
		uint64_t a = tm_granule(t), b = tm_delegated(t);
		assert_int_equal(b, a + GRANULE_SIZE);
		p->rtt_base = a;
	} else if (acs_is(row, "RTT_SECOND_UNDELEGATED")) {
		uint64_t a = tm_delegated(t), b = tm_granule(t);
		assert_int_equal(b, a + GRANULE_SIZE);
		p->rtt_base = a;
	} else if (acs_is(row, "RTT_BASE_RTT")) {
		p->rtt_base = s.rtt; /* s's two start RTTs */
	} else if (acs_is(row, "VMID_INVALID")) {
		p->vmid = 0xff00;
	} else if (acs_is(row, "VMID_256")) {
		p->vmid = 256;
	} else if (acs_is(row, "VMID_USED")) {
		p->vmid = 2;
	} else {
		acs_unknown_stimulus(row);
	}

	assert_acs_row(rmi(t, RMI_REALM_CREATE, 2, rd, params), row);

	/* Nothing was consumed: the valid RD and RTTs are still DELEGATED and
	 * VMID 1 is free, so the valid call succeeds now. */
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r.rd, r.params), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}


/* Success: RD and start RTTs change state, every protected entry is
 * UNASSIGNED with RIPAS EMPTY, every unprotected one UNASSIGNED (NS, reported
 * with RIPAS EMPTY), and the realm is NEW. */
static void realm_create_succeeds_and_reads_back_new_realm(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, 40, 1, 1); /* two level-1 start tables */
	assert_int_equal(r.rtt_num_start, 2);

	const uint64_t gib = UINT64_C(1) << 30;
	const uint64_t probes[] = {
		0, gib, (UINT64_C(1) << 39) - gib,	 /* protected */
		UINT64_C(1) << 39, (UINT64_C(1) << 40) - gib, /* unprotected */
	};
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, probes[i], UINT64_C(1)),
			   RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], 1);
		assert_int_equal(o.x[1], RMI_UNASSIGNED);
		assert_int_equal(o.x[2], 0);
		assert_int_equal(o.x[3], RIPAS_EMPTY);
	}
	/* A deeper read stops at the start level: nothing below it exists. */
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, UINT64_C(0x1000), UINT64_C(3)),
		   RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 1);
	assert_int_equal(o.x[1], RMI_UNASSIGNED);

	/* RD and RTT granules are no longer DELEGATED; all stay in the Realm PAS. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rd), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rtt_base), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rtt_base + GRANULE_SIZE), RMI_ERROR_INPUT,
		   0);
	assert_int_equal(ccakit_pas_of(t->m, r.rd), CCAKIT_PAS_REALM);
	assert_int_equal(ccakit_pas_of(t->m, r.rtt_base), CCAKIT_PAS_REALM);

	/* White-box: the RD records the parameters; the realm is NEW. */
	struct rd *d = wb_rd(t, r.rd);
	assert_int_equal(d->state, REALM_NEW);
	assert_int_equal(d->s2sz, 40);
	assert_int_equal(d->rtt_level_start, 1);
	assert_int_equal(d->rtt_num_start, 2);
	assert_int_equal(d->rtt_base, r.rtt_base);
	assert_int_equal(d->vmid, 1);
	assert_int_equal(d->rec_count, 0);

	/* NEW: RECs can be created and the realm activated. */
	tm_rec_create(t, &r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	tm_realm_activate(t, r.rd);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

/* Every consistent (s2sz, start level) shape, with 1 to 16 start tables. */
static void realm_create_accepts_every_start_level_shape(void **state)
{
	(void)state;
	static const struct { unsigned s2sz; int level; unsigned tables; } shapes[] = {
		{ 48, 0, 1 }, { 40, 0, 1 }, { 32, 1, 1 }, { 39, 1, 1 }, { 40, 1, 2 },
		{ 43, 1, 16 }, { 32, 2, 4 }, { 34, 2, 16 },
	};
	struct tmach *t = acs_machine(16 * MIB);
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		struct trealm r;
		struct rmi_out o;
		tm_realm_create(t, &r, shapes[i].s2sz, shapes[i].level, 1);
		assert_int_equal(r.rtt_num_start, shapes[i].tables);
		uint64_t unprotected = UINT64_C(1) << (shapes[i].s2sz - 1);
		uint64_t last = (UINT64_C(1) << shapes[i].s2sz) -
				(UINT64_C(1) << (12 + 9 * (3 - shapes[i].level)));
		const uint64_t probes[] = { 0, unprotected, last };
		for (size_t j = 0; j < ARRAY_SIZE(probes); j++) {
			assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, probes[j],
					   (uint64_t)shapes[i].level),
				   RMI_SUCCESS, 0);
			assert_int_equal(o.x[0], (uint64_t)shapes[i].level);
			assert_int_equal(o.x[1], RMI_UNASSIGNED);
			assert_int_equal(o.x[3], RIPAS_EMPTY);
		}
		tm_realm_teardown(t, &r);
	}
	acs_machine_destroy(t);
}

/* rtt_num_level: shapes whose start level cannot cover s2sz (or needs more
 * than 16 concatenated tables), given with 16 delegated tables so that only
 * the shape is wrong. */
static void realm_create_fails_rtt_num_level_for_inconsistent_shapes(void **state)
{
	(void)state;
	static const struct { unsigned s2sz; int64_t level; unsigned num; } shapes[] = {
		{ 35, 2, 16 }, /* level 2 covers at most 34 bits with 16 tables */
		{ 44, 1, 16 }, /* level 1: at most 43 */
		{ 48, 1, 16 },
		{ 41, 0, 2 },  /* level 0 never concatenates (no LPA2) */
		{ 39, 0, 1 },  /* level 0 starts at 40 bits */
		{ 32, 3, 1 },  /* level 3 covers at most 25 bits */
		{ 40, 1, 0 },  /* no table at all */
		{ 40, 1, 16 },
	};
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_params(t, &r, 34, 2, RMI_HASH_SHA_256, 1); /* 16 delegated start tables */
	assert_int_equal(r.rtt_num_start, 16);
	uint64_t rd = tm_delegated(t);
	struct rmi_realm_params *p = tm_ptr(t, r.params);
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		p->s2sz = (uint8_t)shapes[i].s2sz;
		p->rtt_level_start = shapes[i].level;
		p->rtt_num_start = shapes[i].num;
		if (rmi(t, RMI_REALM_CREATE, 2, rd, r.params) != rmi_return(RMI_ERROR_INPUT, 0))
			fail_msg("shape s2sz %u level %lld num %u accepted", shapes[i].s2sz,
				 (long long)shapes[i].level, shapes[i].num);
	}
	/* The consistent shape still works with the same granules. */
	p->s2sz = 34;
	p->rtt_level_start = 2;
	p->rtt_num_start = 16;
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, r.params), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

/* Section 7 of the spec notes: RIM = H(params image), reference vectors. */
static void realm_create_initialises_rim_from_measured_params(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm a, b, c;
	char hex[2 * MEASUREMENT_MAX + 1];
	/* flags 0, s2sz 40, sve_vl 0, num_bps 1, num_wps 1, pmu_num_ctrs 0 */
	tm_realm_params(t, &a, 40, 1, RMI_HASH_SHA_256, 1);
	a.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, a.rd, a.params), RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, a.rd, 32, hex),
			    "045cb3602843a6845cb710fbbfbb92f0c7d611afe0106ac2953e46950a70c42b");
	assert_true(tm_all_zero(wb_rd(t, a.rd)->measurement[RIM_SLOT] + 32, 32));
	for (unsigned i = 1; i < MEASUREMENT_SLOTS; i++)
		assert_true(tm_all_zero(wb_rd(t, a.rd)->measurement[i], MEASUREMENT_MAX));

	tm_realm_params(t, &b, 40, 1, RMI_HASH_SHA_512, 2);
	b.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, b.rd, b.params), RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, b.rd, 64, hex),
			    "066e19aa2c3418dadc20ef31b5595907c612991952553e1e99731a677b5797c9"
			    "898dffb6e3963a20b8e1af6d136cd2fe6fe25f048577dc3d7e5bf3a79a4b1e81");

	/* veraison/cca-realm-measurements: s2sz 48, num_bps 5, num_wps 3; the RPV
	 * and VMID are not measured. */
	tm_realm_params(t, &c, 48, 0, RMI_HASH_SHA_256, 3);
	struct rmi_realm_params *p = tm_ptr(t, c.params);
	p->num_bps = 5;
	p->num_wps = 3;
	memset(p->rpv, 0x77, sizeof(p->rpv));
	c.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, c.rd, c.params), RMI_SUCCESS, 0);
	assert_string_equal(wb_rim_hex(t, c.rd, 32, hex),
			    "8960d56826370aaa6fc9b3a041d4240689582ba41e2ad8bb8f9adf6d2a0cd5e7");
	acs_machine_destroy(t);
}

static void realm_create_accepts_largest_vmid_for_8_bit_vmids(void **state)
{
	(void)state;
	struct tmach *t = machine_with_vmid_bits(8);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 255);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

static void realm_create_accepts_vmid_0xff00_with_16_bit_vmids(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r, r2;
	tm_realm_create(t, &r, 40, 1, 0xff00);
	tm_realm_create(t, &r2, 40, 1, 0xffff);
	tm_realm_teardown(t, &r2);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

/* ============== RD-only commands: ACTIVATE, DESTROY, REC_AUX_COUNT ============== */

/* One failure row of a command whose only argument is an RD. Afterwards the
 * realm of the fixture must still tear down step by step (nothing it owns was
 * touched) and, unless the row moved it on, still be NEW. */
static void rd_row(const struct acs_row *row, uint32_t fid)
{
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint64_t rd = s.rd;
	uint32_t realm_state = REALM_NEW;

	if (acs_granule_stimulus(t, &s, "RD", row, &rd)) {
	} else if (acs_is(row, "REALM_ACTIVE")) {
		tm_realm_activate(t, s.rd);
		realm_state = REALM_ACTIVE;
	} else if (acs_is(row, "REALM_SYSTEM_OFF")) {
		/* White-box: what PSCI_SYSTEM_OFF from a running realm leaves. */
		tm_realm_activate(t, s.rd);
		wb_realm_set_system_off(t, s.rd);
		realm_state = REALM_SYSTEM_OFF;
	} else if (acs_is(row, "REALM_NULL")) {
		rd = acs_null_realm_rd(t, 2);
	} else if (!acs_is(row, "REALM_LIVE")) { /* the realm has RTTs, DATA and a REC */
		acs_unknown_stimulus(row);
	}

	struct rmi_out o = { .x = { 0x5a5a } };
	assert_acs_row(rmi_res(t, &o, fid, 1, rd), row);
	assert_int_equal(wb_rd(t, s.rd)->state, realm_state);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

static void realm_activate_row(void **state)
{
	rd_row(*state, RMI_REALM_ACTIVATE);
}

static void realm_destroy_row(void **state)
{
	rd_row(*state, RMI_REALM_DESTROY);
}

static void rec_aux_count_row(void **state)
{
	rd_row(*state, RMI_REC_AUX_COUNT);
}

/* The rows every RD-only command adds to the suite's. */
#define RD_ROWS_BEYOND_THE_SUITE                                                             \
	{ "rd_state", "RD_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },                               \
	{ "rd_state", "RD_PAS_SECURE", RMI_ERROR_INPUT, 0 },                                  \
	{ "realm_state_null", "REALM_NULL", RMI_ERROR_INPUT, 0 }

static const struct acs_row activate_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM_MMIO", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_STATE_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_REC", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_DATA", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_RTT", RMI_ERROR_INPUT, 0 },
	{ "realm_state", "REALM_SYSTEM_OFF", RMI_ERROR_REALM, 0 },
	{ "realm_state_null", "REALM_NULL", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "rd_state", "RD_STATE_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "rd_state", "RD_PAS_SECURE", RMI_ERROR_INPUT, 0 },
	{ "realm_state", "REALM_ACTIVE", RMI_ERROR_REALM, 0 },
};

static const struct acs_row destroy_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	{ "realm_live", "REALM_LIVE", RMI_ERROR_REALM, 0 },
	/* Beyond the suite. */
	RD_ROWS_BEYOND_THE_SUITE,
};

static const struct acs_row aux_count_rows[] = {
	ACS_ROW_RD_ALIGN,
	{ "rd_bound", "RD_DEV_MEM", RMI_ERROR_INPUT, 0 },
	{ "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	ACS_ROWS_RD_STATE,
	/* Beyond the suite. */
	RD_ROWS_BEYOND_THE_SUITE,
};


/* ---- REALM_ACTIVATE ---- */

static void realm_activate_moves_new_realm_to_active(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint8_t rim[MEASUREMENT_MAX];
	memcpy(rim, wb_rim(t, s.rd), sizeof(rim));

	tm_realm_activate(t, s.rd);
	assert_int_equal(wb_rd(t, s.rd)->state, REALM_ACTIVE);
	/* Activation does not extend the RIM. */
	assert_memory_equal(wb_rim(t, s.rd), rim, sizeof(rim));
	/* ACTIVE: no more RECs (realm_state), but REC_AUX_COUNT still answers. */
	uint64_t params = tm_rec_params(t, 1, 0, NULL);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, s.rd, tm_delegated(t), params), RMI_ERROR_REALM, 0);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, s.rd), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 16);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

/* An RD address pointing into the middle of a NEW realm's RD: rd_align
 * (INPUT) decides, the realm is not activated. */
static void realm_activate_fails_rd_align_for_address_inside_rd(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	for (uint64_t off = 8; off < GRANULE_SIZE; off <<= 1)
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, r.rd + off), RMI_ERROR_INPUT, 0);
	assert_int_equal(wb_rd(t, r.rd)->state, REALM_NEW);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

/* ---- REALM_DESTROY ---- */

static void realm_destroy_returns_rd_and_start_rtts_to_delegated_zeroed(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r, again;
	tm_realm_create(t, &r, 40, 1, 7);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);

	/* White-box: scrubbed, measurements destroyed with the RD. */
	assert_true(tm_all_zero(wb_sys_ptr(t, r.rd), GRANULE_SIZE));
	assert_true(tm_all_zero(wb_sys_ptr(t, r.rtt_base), GRANULE_SIZE));
	assert_true(tm_all_zero(wb_sys_ptr(t, r.rtt_base + GRANULE_SIZE), GRANULE_SIZE));
	/* "NULL" realm: every RD command refuses it. */
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, r.rd), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_REC_AUX_COUNT, 1, r.rd), RMI_ERROR_INPUT, 0);
	/* RD and start RTTs are DELEGATED again (still Realm PAS). */
	assert_int_equal(ccakit_pas_of(t->m, r.rd), CCAKIT_PAS_REALM);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rtt_base), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rtt_base + GRANULE_SIZE), RMI_SUCCESS, 0);
	/* The VMID is free again. */
	tm_realm_create(t, &again, 40, 1, 7);
	tm_realm_teardown(t, &again);
	acs_machine_destroy(t);
}

/* The same RD and RTT granules can hold a new realm after a destroy. */
static void realm_destroy_allows_granules_to_be_reused_for_new_realm(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r.rd, r.params), RMI_SUCCESS, 0);
	assert_int_equal(wb_rd(t, r.rd)->state, REALM_NEW);
	tm_realm_teardown(t, &r);
	acs_machine_destroy(t);
}

static void realm_destroy_succeeds_for_active_and_system_off_realms(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm a, b;
	tm_realm_create(t, &a, 40, 1, 1);
	tm_realm_activate(t, a.rd);
	tm_realm_create(t, &b, 40, 1, 2);
	tm_realm_activate(t, b.rd);
	wb_realm_set_system_off(t, b.rd); /* white-box */
	tm_realm_teardown(t, &a);
	tm_realm_teardown(t, &b);
	acs_machine_destroy(t);
}

/* realm_live: RECs alone, or RTTs alone, keep a realm alive. */
static void realm_destroy_fails_realm_live_while_a_rec_exists(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t rec = tm_rec_create(t, &r, 0, 0, NULL);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

static void realm_destroy_fails_realm_live_while_a_child_rtt_exists(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, 40, 1, 1);
	/* A level-2 RTT in the second start table (unprotected half). */
	uint64_t ipa = UINT64_C(1) << 39;
	tm_rtt_map_to(t, &r, ipa, 2);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, ipa, UINT64_C(2)), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

/* Unprotected mappings do not make an RTT live (TF-RMM holds no reference
 * for them, and RTT_DESTROY accepts tables with valid NS entries): a realm
 * whose starting-level RTT holds only an unprotected block can be destroyed. */
static void realm_destroy_succeeds_with_only_unprotected_block_in_start_rtt(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm r;
	tm_realm_create(t, &r, 34, 2, 1); /* 16 level-2 start tables */
	uint64_t ipa = UINT64_C(1) << 33; /* first unprotected 2 MiB block */
	uint64_t desc = UINT64_C(0x40200000) | UINT64_C(6) << 2 | UINT64_C(3) << 6;
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, ipa, UINT64_C(2), desc), RMI_SUCCESS,
		   0);
	tm_realm_teardown(t, &r); /* REALM_DESTROY, undelegate the RD and start RTTs */
	acs_machine_destroy(t);
}

/* Order: rd_align (INPUT) before realm_live (REALM). */
static void realm_destroy_fails_rd_align_before_realm_live(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, s.rd + 0x800), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, s.rd), RMI_ERROR_REALM, 0);
	tm_realm_teardown(t, &s.r);
	acs_machine_destroy(t);
}

/* ---- REC_AUX_COUNT ---- */

static void rec_aux_count_returns_16_for_every_realm(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct trealm a, b;
	struct rmi_out o;
	tm_realm_create(t, &a, 40, 1, 1);
	tm_realm_params(t, &b, 48, 0, RMI_HASH_SHA_512, 2);
	b.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, b.rd, b.params), RMI_SUCCESS, 0);
	for (int i = 0; i < 2; i++) {
		uint64_t rd = i ? b.rd : a.rd;
		memset(&o, 0xff, sizeof(o));
		assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, rd), RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], 16);
		tm_realm_activate(t, rd);
		assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, rd), RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], 16);
	}
	tm_realm_teardown(t, &a);
	tm_realm_teardown(t, &b);
	acs_machine_destroy(t);
}

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("realm_create", create_rows, realm_create_row),
		ACS_TABLE("realm_activate", activate_rows, realm_activate_row),
		ACS_TABLE("realm_destroy", destroy_rows, realm_destroy_row),
		ACS_TABLE("rec_aux_count", aux_count_rows, rec_aux_count_row),
	};
	static const struct CMUnitTest extra[] = {
		cmocka_unit_test(rmi_version_succeeds_for_1_0_and_reports_1_0),
		cmocka_unit_test(rmi_version_fails_input_for_other_versions_and_reports_1_0),
		cmocka_unit_test(rmi_features_index0_reports_feature_register0),
		cmocka_unit_test(rmi_features_other_index_reports_zero),
		cmocka_unit_test(realm_create_accepts_feature_register0_maxima),
		cmocka_unit_test(realm_create_succeeds_and_reads_back_new_realm),
		cmocka_unit_test(realm_create_accepts_every_start_level_shape),
		cmocka_unit_test(realm_create_fails_rtt_num_level_for_inconsistent_shapes),
		cmocka_unit_test(realm_create_initialises_rim_from_measured_params),
		cmocka_unit_test(realm_create_accepts_largest_vmid_for_8_bit_vmids),
		cmocka_unit_test(realm_create_accepts_vmid_0xff00_with_16_bit_vmids),
		cmocka_unit_test(realm_activate_moves_new_realm_to_active),
		cmocka_unit_test(realm_activate_fails_rd_align_for_address_inside_rd),
		cmocka_unit_test(realm_destroy_returns_rd_and_start_rtts_to_delegated_zeroed),
		cmocka_unit_test(realm_destroy_allows_granules_to_be_reused_for_new_realm),
		cmocka_unit_test(realm_destroy_succeeds_for_active_and_system_off_realms),
		cmocka_unit_test(realm_destroy_fails_realm_live_while_a_rec_exists),
		cmocka_unit_test(realm_destroy_fails_realm_live_while_a_child_rtt_exists),
		cmocka_unit_test(realm_destroy_succeeds_with_only_unprotected_block_in_start_rtt),
		cmocka_unit_test(realm_destroy_fails_rd_align_before_realm_live),
		cmocka_unit_test(rec_aux_count_returns_16_for_every_realm),
	};
	return ACS_RUN("rmi_realm", tables, extra);
}
