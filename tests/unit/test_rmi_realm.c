/* RMI_VERSION, RMI_FEATURES, RMI_REALM_CREATE, RMI_REALM_ACTIVATE,
 * RMI_REALM_DESTROY and RMI_REC_AUX_COUNT: every v1.0 failure row of the Arm
 * RMM compliance suite (spec/rmi-failure-conditions.txt), the success paths
 * with the resulting state read back, failure-order cases, and edge cases the
 * suite does not exercise.
 *
 * ACS rows covered (label, stimulus -> expected), one table entry each:
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
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include "monitor/machine_internal.h"
#include "platform/platform.h"
#include "rmm/rmm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The machine of the running test: a test that fails half-way leaves it to
 * the teardown, so the next test can create its own. */
static struct tmach *live;

static struct tmach *new_tm(struct tmach *t)
{
	live = t;
	return t;
}

static void end_tm(struct tmach *t)
{
	assert_ptr_equal(t, live);
	live = NULL;
	tm_destroy(t);
}

static int destroy_live(void **state)
{
	(void)state;
	if (live)
		tm_destroy(live);
	live = NULL;
	return 0;
}

/* ---- white-box access ---- */

static void *sys_ptr(struct tmach *t, uint64_t pa)
{
	return plat_sys_ptr(ccakit_machine_platform(t->m), pa);
}

static struct rd *wb_rd(struct tmach *t, uint64_t rd)
{
	return sys_ptr(t, rd);
}

static struct rmm *wb_rmm(struct tmach *t)
{
	return ccakit_machine_monitor(t->m)->rmm;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void assert_hex(const uint8_t *got, size_t len, const char *hex)
{
	char buf[2 * MEASUREMENT_MAX + 1];
	assert_true(len <= MEASUREMENT_MAX);
	for (size_t i = 0; i < len; i++)
		snprintf(&buf[2 * i], 3, "%02x", got[i]);
	assert_string_equal(buf, hex);
}

static void activate(struct tmach *t, uint64_t rd)
{
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
}

static struct tmach *tm_create_vmid_bits(unsigned bits)
{
	struct ccakit_machine_config cfg = { .dram_size = 16 * MIB, .pe_count = 1,
					     .vmid_bits = bits };
	return tm_create_cfg(&cfg);
}

/* ======================= RMI_VERSION and RMI_FEATURES ======================= */

static void rmi_version_succeeds_for_1_0_and_reports_1_0(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_VERSION, 1, UINT64_C(0x10000)), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 0x10000); /* lower */
	assert_int_equal(o.x[1], 0x10000); /* higher */
	end_tm(t);
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
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		struct rmi_out o;
		assert_rmi(rmi_res(t, &o, RMI_VERSION, 1, req[i]), RMI_ERROR_INPUT, 0);
		assert_int_equal(o.x[0], 0x10000);
		assert_int_equal(o.x[1], 0x10000);
	}
	end_tm(t);
}

static uint64_t field(uint64_t v, unsigned shift, unsigned width)
{
	return (v >> shift) & ((UINT64_C(1) << width) - 1);
}

static void rmi_features_index0_reports_feature_register0(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
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
	end_tm(t);
}

static void rmi_features_other_index_reports_zero(void **state)
{
	(void)state;
	static const uint64_t index[] = { 1, 2, 3, 0xff, UINT64_C(1) << 32, ~UINT64_C(0) };
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	for (size_t i = 0; i < ARRAY_SIZE(index); i++) {
		struct rmi_out o = { .x = { 0xdead } };
		assert_rmi(rmi_res(t, &o, RMI_FEATURES, 1, index[i]), RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], 0);
	}
	end_tm(t);
}

/* What FEATURES offers, REALM_CREATE accepts. */
static void realm_create_accepts_feature_register0_maxima(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
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
	end_tm(t);
}

/* ============================ RMI_REALM_CREATE ============================ */

enum create_stim {
	CS_PARAMS_UNALIGNED,
	CS_PARAMS_MMIO,
	CS_PARAMS_OUTSIDE,
	CS_PARAMS_REALM,
	CS_PARAMS_SECURE,
	CS_PARAMS_ROOT,
	CS_HASH_INVALID,
	CS_S2SZ_TOO_BIG,
	CS_S2SZ_TOO_SMALL,
	CS_HASH_UNSUPPORTED,
	CS_PMU,
	CS_SVE,
	CS_LPA2,
	CS_BPS_TOO_MANY,
	CS_BPS_ZERO,
	CS_WPS_TOO_MANY,
	CS_WPS_ZERO,
	CS_ALIAS_FIRST,
	CS_ALIAS_SECOND,
	CS_RD_UNALIGNED,
	CS_RD_MMIO,
	CS_RD_OUTSIDE,
	CS_RD_UNDELEGATED,
	CS_RD_RD,
	CS_RD_REC,
	CS_RD_REC_AUX,
	CS_RD_RTT,
	CS_RD_DATA,
	CS_RTT_UNALIGNED,
	CS_RTT_START_LEVEL_2,
	CS_RTT_NUM_START_TOO_FEW,
	CS_RTT_NUM_START_TOO_MANY,
	CS_RTT_START_LEVEL_4,
	CS_RTT_START_LEVEL_MINUS_1,
	CS_RTT_FIRST_UNDELEGATED,
	CS_RTT_SECOND_UNDELEGATED,
	CS_RTT_IN_RTT_STATE,
	CS_VMID_INVALID,
	CS_VMID_256_OF_8_BITS,
	CS_VMID_USED,
};

struct create_row {
	const char *name;
	const char *label;
	const char *intent;
	enum create_stim stim;
	enum rmi_status status;
	unsigned index;
};

static struct create_row create_rows[] = {
	{ "realm_create_fails_params_align_for_unaligned_params", "params_align",
	  "PARAMS_UNALIGNED", CS_PARAMS_UNALIGNED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_bound_for_mmio_params", "params_bound", "PARAMS_DEV_MEM",
	  CS_PARAMS_MMIO, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_bound_outside_permitted_pa", "params_bound",
	  "PARAMS_OUTSIDE_OF_PERMITTED_PA", CS_PARAMS_OUTSIDE, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_pas_for_realm_params", "params_pas", "PARAMS_PAS_REALM",
	  CS_PARAMS_REALM, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_pas_for_secure_params", "params_pas", "PARAMS_PAS_SECURE",
	  CS_PARAMS_SECURE, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_valid_for_hash_algo_2", "params_valid", "HASH_ALGO_INVALID",
	  CS_HASH_INVALID, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_valid_for_s2sz_49", "params_valid", "S2SZ_INVALID",
	  CS_S2SZ_TOO_BIG, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_unsupported_hash_algo", "params_supp",
	  "HASH_ALGO_UNSUPPORTED", CS_HASH_UNSUPPORTED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_pmu", "params_supp", "PMU_UNSUPPORTED", CS_PMU,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_sve", "params_supp", "SVE_UNSUPPORTED", CS_SVE,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_lpa2", "params_supp", "LPA2_UNSUPPORTED", CS_LPA2,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_num_bps_6", "params_supp", "BPS_UNSUPPORTED",
	  CS_BPS_TOO_MANY, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_num_wps_4", "params_supp", "WPS_UNSUPPORTED",
	  CS_WPS_TOO_MANY, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_alias_for_rd_equal_to_rtt_base", "alias", "RTT_BASE_RD_ALIASED",
	  CS_ALIAS_FIRST, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_align_for_unaligned_rd", "rd_align", "RD_UNALIGNED",
	  CS_RD_UNALIGNED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_bound_for_mmio_rd", "rd_bound", "RD_DEV_MEM", CS_RD_MMIO,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_bound_outside_permitted_pa", "rd_bound",
	  "RD_OUTSIDE_OF_PERMITTED_PA", CS_RD_OUTSIDE, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_state_for_undelegated_rd", "rd_state", "RD_STATE_UNDELEGATED",
	  CS_RD_UNDELEGATED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_state_for_rd_granule", "rd_state", "RD_STATE_RD", CS_RD_RD,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_state_for_rec_granule", "rd_state", "RD_STATE_REC", CS_RD_REC,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_state_for_rtt_granule", "rd_state", "RD_STATE_RTT", CS_RD_RTT,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_state_for_data_granule", "rd_state", "RD_STATE_DATA", CS_RD_DATA,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_align_for_unaligned_rtt_base", "rtt_align", "RTT_UNALIGNED",
	  CS_RTT_UNALIGNED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_num_level_for_start_level_2_with_s2sz_40", "rtt_num_level",
	  "RTT_START_INVALID", CS_RTT_START_LEVEL_2, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_state_for_undelegated_rtt_base", "rtt_state",
	  "RTT_BASE_UNDELEGATED", CS_RTT_FIRST_UNDELEGATED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_vmid_valid_for_vmid_0xff00_with_8_bit_vmids", "vmid_valid",
	  "VMID_INVALID", CS_VMID_INVALID, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_vmid_valid_for_vmid_in_use", "vmid_valid", "VMID_USED", CS_VMID_USED,
	  RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "realm_create_fails_params_pas_for_root_params", "extra", "PARAMS_PAS_ROOT",
	  CS_PARAMS_ROOT, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_valid_for_s2sz_31", "extra", "S2SZ_INVALID_LOW",
	  CS_S2SZ_TOO_SMALL, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_num_bps_0", "extra", "BPS_ZERO", CS_BPS_ZERO,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_params_supp_for_num_wps_0", "extra", "WPS_ZERO", CS_WPS_ZERO,
	  RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_alias_for_rd_equal_to_second_start_rtt", "extra",
	  "RTT_SECOND_RD_ALIASED", CS_ALIAS_SECOND, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rd_state_for_rec_aux_granule", "extra", "RD_STATE_REC_AUX",
	  CS_RD_REC_AUX, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_num_level_for_too_few_start_tables", "extra",
	  "RTT_NUM_START_TOO_FEW", CS_RTT_NUM_START_TOO_FEW, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_num_level_for_too_many_start_tables", "extra",
	  "RTT_NUM_START_TOO_MANY", CS_RTT_NUM_START_TOO_MANY, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_num_level_for_start_level_4", "extra", "RTT_START_LEVEL_4",
	  CS_RTT_START_LEVEL_4, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_num_level_for_start_level_minus_1_without_lpa2", "extra",
	  "RTT_START_LEVEL_MINUS_1", CS_RTT_START_LEVEL_MINUS_1, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_state_for_undelegated_second_start_rtt", "extra",
	  "RTT_SECOND_UNDELEGATED", CS_RTT_SECOND_UNDELEGATED, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_rtt_state_for_rtts_of_another_realm", "extra", "RTT_BASE_RTT",
	  CS_RTT_IN_RTT_STATE, RMI_ERROR_INPUT, 0 },
	{ "realm_create_fails_vmid_valid_for_vmid_256_with_8_bit_vmids", "extra", "VMID_256",
	  CS_VMID_256_OF_8_BITS, RMI_ERROR_INPUT, 0 },
};

/* A copy of valid params in granule `pa` as seen by the RMM (any PAS). */
static void put_params(struct tmach *t, uint64_t pa, const struct rmi_realm_params *p)
{
	memcpy(sys_ptr(t, pa), p, sizeof(*p));
}

static void realm_create_row(void **state)
{
	const struct create_row *row = *state;
	bool vmid8 = row->stim == CS_VMID_INVALID || row->stim == CS_VMID_256_OF_8_BITS;
	struct tmach *t = new_tm(vmid8 ? tm_create_vmid_bits(8) : tm_create(16 * MIB, 1));
	struct tm_states s;
	struct trealm r;

	tm_states_create(t, &s, 2); /* granules in every state; VMID 2 in use */
	/* Valid arguments: fresh RD, s2sz 40 / level 1 (two start RTTs), VMID 1. */
	tm_realm_params(t, &r, 40, 1, RMI_HASH_SHA_256, 1);
	assert_int_equal(r.rtt_num_start, 2);
	r.rd = tm_delegated(t);
	uint64_t rd = r.rd;
	uint64_t params = tm_granule(t);
	struct rmi_realm_params *p = tm_ptr(t, params);
	memcpy(p, tm_ptr(t, r.params), sizeof(*p));

	switch (row->stim) {
	case CS_PARAMS_UNALIGNED: params += 0x800; break;
	case CS_PARAMS_MMIO: params = PA_MMIO; break;
	case CS_PARAMS_OUTSIDE: params = PA_OUTSIDE; break;
	case CS_PARAMS_REALM: /* valid content, but in the Realm PAS */
		params = tm_delegated(t);
		put_params(t, params, p);
		break;
	case CS_PARAMS_SECURE:
		params = tm_secure(t);
		put_params(t, params, p);
		break;
	case CS_PARAMS_ROOT:
		params = tm_root(t);
		put_params(t, params, p);
		break;
	case CS_HASH_INVALID: p->hash_algo = 2; break;
	case CS_S2SZ_TOO_BIG: p->s2sz = 49; break;
	case CS_S2SZ_TOO_SMALL: /* s2sz 31 at start level 2 needs two tables: only s2sz is wrong */
		p->s2sz = 31;
		p->rtt_level_start = 2;
		p->rtt_num_start = 2;
		break;
	case CS_HASH_UNSUPPORTED:
		/* White-box: an RMM built without SHA-512 (FEATURES clears the bit). */
		wb_rmm(t)->feat0 &= ~(UINT64_C(1) << RMI_FEAT0_HASH_SHA_512_SHIFT);
		p->hash_algo = RMI_HASH_SHA_512;
		break;
	case CS_PMU:
		p->flags = RMI_REALM_FLAG_PMU;
		p->pmu_num_ctrs = 1;
		break;
	case CS_SVE: p->flags = RMI_REALM_FLAG_SVE; break;
	case CS_LPA2: p->flags = RMI_REALM_FLAG_LPA2; break;
	case CS_BPS_TOO_MANY: p->num_bps = 6; break;
	case CS_BPS_ZERO: p->num_bps = 0; break;
	case CS_WPS_TOO_MANY: p->num_wps = 4; break;
	case CS_WPS_ZERO: p->num_wps = 0; break;
	case CS_ALIAS_FIRST: rd = p->rtt_base; break;
	case CS_ALIAS_SECOND: rd = p->rtt_base + GRANULE_SIZE; break;
	case CS_RD_UNALIGNED: rd += 0x800; break;
	case CS_RD_MMIO: rd = PA_MMIO; break;
	case CS_RD_OUTSIDE: rd = PA_OUTSIDE; break;
	case CS_RD_UNDELEGATED: rd = s.undelegated; break;
	case CS_RD_RD: rd = s.rd; break;
	case CS_RD_REC: rd = s.rec; break;
	case CS_RD_REC_AUX: rd = s.rec_aux; break;
	case CS_RD_RTT: rd = s.rtt; break;
	case CS_RD_DATA: rd = s.data; break;
	case CS_RTT_UNALIGNED: p->rtt_base += 0x800; break;
	case CS_RTT_START_LEVEL_2: p->rtt_level_start = 2; break;
	case CS_RTT_NUM_START_TOO_FEW: p->rtt_num_start = 1; break;
	case CS_RTT_NUM_START_TOO_MANY: p->s2sz = 39; break; /* needs one table, two given */
	case CS_RTT_START_LEVEL_4: p->rtt_level_start = 4; break;
	case CS_RTT_START_LEVEL_MINUS_1: p->rtt_level_start = -1; break;
	case CS_RTT_FIRST_UNDELEGATED: {
		uint64_t a = tm_granule(t), b = tm_delegated(t);
		assert_int_equal(b, a + GRANULE_SIZE);
		p->rtt_base = a;
		break;
	}
	case CS_RTT_SECOND_UNDELEGATED: {
		uint64_t a = tm_delegated(t), b = tm_granule(t);
		assert_int_equal(b, a + GRANULE_SIZE);
		p->rtt_base = a;
		break;
	}
	case CS_RTT_IN_RTT_STATE: p->rtt_base = s.rtt; break; /* s's two start RTTs */
	case CS_VMID_INVALID: p->vmid = 0xff00; break;
	case CS_VMID_256_OF_8_BITS: p->vmid = 256; break;
	case CS_VMID_USED: p->vmid = 2; break;
	}

	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, params), row->status, row->index);

	/* Nothing was consumed: the valid RD and RTTs are still DELEGATED and
	 * VMID 1 is free, so the valid call succeeds now. */
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r.rd, r.params), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* Success: RD and start RTTs change state, every protected entry is
 * UNASSIGNED with RIPAS EMPTY, every unprotected one UNASSIGNED (NS, reported
 * with RIPAS EMPTY), and the realm is NEW. */
static void realm_create_succeeds_and_reads_back_new_realm(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
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
	activate(t, r.rd);
	tm_realm_teardown(t, &r);
	end_tm(t);
}

/* Every consistent (s2sz, start level) shape, with 1 to 16 start tables. */
static void realm_create_accepts_every_start_level_shape(void **state)
{
	(void)state;
	static const struct { unsigned s2sz; int level; unsigned tables; } shapes[] = {
		{ 48, 0, 1 }, { 40, 0, 1 }, { 32, 1, 1 }, { 39, 1, 1 }, { 40, 1, 2 },
		{ 43, 1, 16 }, { 32, 2, 4 }, { 34, 2, 16 },
	};
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
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
	end_tm(t);
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
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
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
	end_tm(t);
}

/* Section 7 of the spec notes: RIM = H(params image), reference vectors. */
static void realm_create_initialises_rim_from_measured_params(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm a, b, c;
	/* flags 0, s2sz 40, sve_vl 0, num_bps 1, num_wps 1, pmu_num_ctrs 0 */
	tm_realm_params(t, &a, 40, 1, RMI_HASH_SHA_256, 1);
	a.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, a.rd, a.params), RMI_SUCCESS, 0);
	assert_hex(wb_rd(t, a.rd)->measurement[RIM_SLOT], 32,
		   "045cb3602843a6845cb710fbbfbb92f0c7d611afe0106ac2953e46950a70c42b");
	assert_true(all_zero(wb_rd(t, a.rd)->measurement[RIM_SLOT] + 32, 32));
	for (unsigned i = 1; i < MEASUREMENT_SLOTS; i++)
		assert_true(all_zero(wb_rd(t, a.rd)->measurement[i], MEASUREMENT_MAX));

	tm_realm_params(t, &b, 40, 1, RMI_HASH_SHA_512, 2);
	b.rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, b.rd, b.params), RMI_SUCCESS, 0);
	assert_hex(wb_rd(t, b.rd)->measurement[RIM_SLOT], 64,
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
	assert_hex(wb_rd(t, c.rd)->measurement[RIM_SLOT], 32,
		   "8960d56826370aaa6fc9b3a041d4240689582ba41e2ad8bb8f9adf6d2a0cd5e7");
	end_tm(t);
}

static void realm_create_accepts_largest_vmid_for_8_bit_vmids(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create_vmid_bits(8));
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 255);
	tm_realm_teardown(t, &r);
	end_tm(t);
}

static void realm_create_accepts_vmid_0xff00_with_16_bit_vmids(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r, r2;
	tm_realm_create(t, &r, 40, 1, 0xff00);
	tm_realm_create(t, &r2, 40, 1, 0xffff);
	tm_realm_teardown(t, &r2);
	tm_realm_teardown(t, &r);
	end_tm(t);
}

/* ============== RD-only commands: ACTIVATE, DESTROY, REC_AUX_COUNT ============== */

enum rd_stim {
	RS_UNALIGNED,
	RS_MMIO,
	RS_OUTSIDE,
	RS_UNDELEGATED,
	RS_DELEGATED,
	RS_REC,
	RS_REC_AUX,
	RS_RTT,
	RS_DATA,
	RS_SECURE,
	RS_ACTIVE,     /* the realm, activated */
	RS_SYSTEM_OFF, /* the realm, activated then SYSTEM_OFF (white-box) */
	RS_NULL,       /* the RD of a destroyed realm */
	RS_LIVE,       /* the realm, which has RTTs, DATA and a REC */
};

struct rd_row {
	const char *name;
	const char *label;
	const char *intent;
	uint32_t fid;
	enum rd_stim stim;
	enum rmi_status status;
	unsigned index;
};

/* One failure row of a command whose only argument is an RD. Afterwards the
 * realm of the fixture must still tear down step by step (nothing it owns was
 * touched) and, unless the row moved it on, still be NEW. */
static void rd_row(void **state)
{
	const struct rd_row *row = *state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint64_t rd = 0;

	switch (row->stim) {
	case RS_UNALIGNED: rd = s.rd + 0x800; break;
	case RS_MMIO: rd = PA_MMIO; break;
	case RS_OUTSIDE: rd = PA_OUTSIDE; break;
	case RS_UNDELEGATED: rd = s.undelegated; break;
	case RS_DELEGATED: rd = s.delegated; break;
	case RS_REC: rd = s.rec; break;
	case RS_REC_AUX: rd = s.rec_aux; break;
	case RS_RTT: rd = s.rtt; break;
	case RS_DATA: rd = s.data; break;
	case RS_SECURE: rd = tm_secure(t); break;
	case RS_ACTIVE:
		activate(t, s.rd);
		rd = s.rd;
		break;
	case RS_SYSTEM_OFF:
		/* White-box: what PSCI_SYSTEM_OFF from a running realm leaves. */
		activate(t, s.rd);
		wb_rd(t, s.rd)->state = REALM_SYSTEM_OFF;
		rd = s.rd;
		break;
	case RS_NULL: {
		struct trealm gone;
		tm_realm_create(t, &gone, 40, 1, 2);
		assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, gone.rd), RMI_SUCCESS, 0);
		rd = gone.rd;
		break;
	}
	case RS_LIVE: rd = s.rd; break;
	}

	struct rmi_out o = { .x = { 0x5a5a } };
	assert_rmi(rmi_res(t, &o, row->fid, 1, rd), row->status, row->index);
	if (row->stim == RS_ACTIVE || row->stim == RS_SYSTEM_OFF) {
		uint32_t expect = row->stim == RS_ACTIVE ? REALM_ACTIVE : REALM_SYSTEM_OFF;
		assert_int_equal(wb_rd(t, s.rd)->state, expect);
	} else {
		assert_int_equal(wb_rd(t, s.rd)->state, REALM_NEW);
	}
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* The rd rows every RD-only command shares; the suite spells some stimuli
 * differently per command, hence the names as arguments. */
#define RD_ROWS(cmd, FID, DEV_MEM, REC, RTT, DATA)                                            \
	{ cmd "_fails_rd_align_for_unaligned_rd", "rd_align", "RD_UNALIGNED", FID, RS_UNALIGNED, \
	  RMI_ERROR_INPUT, 0 },                                                                \
	{ cmd "_fails_rd_bound_for_mmio_rd", "rd_bound", DEV_MEM, FID, RS_MMIO,                 \
	  RMI_ERROR_INPUT, 0 },                                                                \
	{ cmd "_fails_rd_bound_outside_permitted_pa", "rd_bound", "RD_OUTSIDE_OF_PERMITTED_PA",  \
	  FID, RS_OUTSIDE, RMI_ERROR_INPUT, 0 },                                               \
	{ cmd "_fails_rd_state_for_undelegated_granule", "rd_state", "RD_STATE_UNDELEGATED", FID, \
	  RS_UNDELEGATED, RMI_ERROR_INPUT, 0 },                                                \
	{ cmd "_fails_rd_state_for_delegated_granule", "rd_state", "RD_STATE_DELEGATED", FID,   \
	  RS_DELEGATED, RMI_ERROR_INPUT, 0 },                                                  \
	{ cmd "_fails_rd_state_for_rec_granule", "rd_state", REC, FID, RS_REC, RMI_ERROR_INPUT, \
	  0 },                                                                                 \
	{ cmd "_fails_rd_state_for_rtt_granule", "rd_state", RTT, FID, RS_RTT, RMI_ERROR_INPUT, \
	  0 },                                                                                 \
	{ cmd "_fails_rd_state_for_data_granule", "rd_state", DATA, FID, RS_DATA,               \
	  RMI_ERROR_INPUT, 0 },                                                                \
	{ cmd "_fails_rd_state_for_rec_aux_granule", "extra", "RD_STATE_REC_AUX", FID,          \
	  RS_REC_AUX, RMI_ERROR_INPUT, 0 },                                                    \
	{ cmd "_fails_rd_state_for_secure_granule", "extra", "RD_PAS_SECURE", FID, RS_SECURE,   \
	  RMI_ERROR_INPUT, 0 }

static struct rd_row activate_rows[] = {
	RD_ROWS("realm_activate", RMI_REALM_ACTIVATE, "RD_DEV_MEM_MMIO", "RD_REC", "RD_RTT",
		"RD_DATA"),
	{ "realm_activate_fails_realm_state_for_system_off_realm_with_realm_error", "realm_state",
	  "REALM_SYSTEM_OFF", RMI_REALM_ACTIVATE, RS_SYSTEM_OFF, RMI_ERROR_REALM, 0 },
	{ "realm_activate_fails_rd_state_for_destroyed_realm_with_input_error", "realm_state_null",
	  "REALM_NULL", RMI_REALM_ACTIVATE, RS_NULL, RMI_ERROR_INPUT, 0 },
	{ "realm_activate_fails_realm_state_for_active_realm_with_realm_error", "extra",
	  "REALM_ACTIVE", RMI_REALM_ACTIVATE, RS_ACTIVE, RMI_ERROR_REALM, 0 },
};

static struct rd_row destroy_rows[] = {
	RD_ROWS("realm_destroy", RMI_REALM_DESTROY, "RD_DEV_MEM", "RD_STATE_REC", "RD_STATE_RTT",
		"RD_STATE_DATA"),
	{ "realm_destroy_fails_realm_live_for_realm_with_recs_rtts_and_data", "realm_live",
	  "REALM_LIVE", RMI_REALM_DESTROY, RS_LIVE, RMI_ERROR_REALM, 0 },
	{ "realm_destroy_fails_rd_state_for_destroyed_realm", "extra", "REALM_NULL",
	  RMI_REALM_DESTROY, RS_NULL, RMI_ERROR_INPUT, 0 },
};

static struct rd_row aux_count_rows[] = {
	RD_ROWS("rec_aux_count", RMI_REC_AUX_COUNT, "RD_DEV_MEM", "RD_STATE_REC", "RD_STATE_RTT",
		"RD_STATE_DATA"),
	{ "rec_aux_count_fails_rd_state_for_destroyed_realm", "extra", "REALM_NULL",
	  RMI_REC_AUX_COUNT, RS_NULL, RMI_ERROR_INPUT, 0 },
};

/* ---- REALM_ACTIVATE ---- */

static void realm_activate_moves_new_realm_to_active(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint8_t rim[MEASUREMENT_MAX];
	memcpy(rim, wb_rd(t, s.rd)->measurement[RIM_SLOT], sizeof(rim));

	activate(t, s.rd);
	assert_int_equal(wb_rd(t, s.rd)->state, REALM_ACTIVE);
	/* Activation does not extend the RIM. */
	assert_memory_equal(wb_rd(t, s.rd)->measurement[RIM_SLOT], rim, sizeof(rim));
	/* ACTIVE: no more RECs (realm_state), but REC_AUX_COUNT still answers. */
	uint64_t params = tm_granule(t);
	struct rmi_rec_params *p = tm_ptr(t, params);
	p->mpidr = 1;
	p->num_aux = RMI_MAX_REC_AUX_GRANULES;
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		p->aux[i] = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, s.rd, tm_delegated(t), params), RMI_ERROR_REALM, 0);
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, s.rd), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 16);
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* An RD address pointing into the middle of a NEW realm's RD: rd_align
 * (INPUT) decides, the realm is not activated. */
static void realm_activate_fails_rd_align_for_address_inside_rd(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	for (uint64_t off = 8; off < GRANULE_SIZE; off <<= 1)
		assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, r.rd + off), RMI_ERROR_INPUT, 0);
	assert_int_equal(wb_rd(t, r.rd)->state, REALM_NEW);
	tm_realm_teardown(t, &r);
	end_tm(t);
}

/* ---- REALM_DESTROY ---- */

static void realm_destroy_returns_rd_and_start_rtts_to_delegated_zeroed(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r, again;
	tm_realm_create(t, &r, 40, 1, 7);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);

	/* White-box: scrubbed, measurements destroyed with the RD. */
	assert_true(all_zero(sys_ptr(t, r.rd), GRANULE_SIZE));
	assert_true(all_zero(sys_ptr(t, r.rtt_base), GRANULE_SIZE));
	assert_true(all_zero(sys_ptr(t, r.rtt_base + GRANULE_SIZE), GRANULE_SIZE));
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
	end_tm(t);
}

/* The same RD and RTT granules can hold a new realm after a destroy. */
static void realm_destroy_allows_granules_to_be_reused_for_new_realm(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r.rd, r.params), RMI_SUCCESS, 0);
	assert_int_equal(wb_rd(t, r.rd)->state, REALM_NEW);
	tm_realm_teardown(t, &r);
	end_tm(t);
}

static void realm_destroy_succeeds_for_active_and_system_off_realms(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm a, b;
	tm_realm_create(t, &a, 40, 1, 1);
	activate(t, a.rd);
	tm_realm_create(t, &b, 40, 1, 2);
	activate(t, b.rd);
	wb_rd(t, b.rd)->state = REALM_SYSTEM_OFF; /* white-box */
	tm_realm_teardown(t, &a);
	tm_realm_teardown(t, &b);
	end_tm(t);
}

/* realm_live: RECs alone, or RTTs alone, keep a realm alive. */
static void realm_destroy_fails_realm_live_while_a_rec_exists(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t rec = tm_rec_create(t, &r, 0, 0, NULL);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	end_tm(t);
}

static void realm_destroy_fails_realm_live_while_a_child_rtt_exists(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r;
	struct rmi_out o;
	tm_realm_create(t, &r, 40, 1, 1);
	/* A level-2 RTT in the second start table (unprotected half). */
	uint64_t ipa = UINT64_C(1) << 39;
	tm_rtt_map_to(t, &r, ipa, 2);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r.rd, ipa, UINT64_C(2)), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	end_tm(t);
}

/* Unprotected mappings do not make an RTT live (TF-RMM holds no reference
 * for them, and RTT_DESTROY accepts tables with valid NS entries): a realm
 * whose starting-level RTT holds only an unprotected block can be destroyed. */
static void realm_destroy_succeeds_with_only_unprotected_block_in_start_rtt(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct trealm r;
	tm_realm_create(t, &r, 34, 2, 1); /* 16 level-2 start tables */
	uint64_t ipa = UINT64_C(1) << 33; /* first unprotected 2 MiB block */
	uint64_t desc = UINT64_C(0x40200000) | UINT64_C(6) << 2 | UINT64_C(3) << 6;
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, ipa, UINT64_C(2), desc), RMI_SUCCESS,
		   0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rd), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < r.rtt_num_start; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rtt_base + i * GRANULE_SIZE),
			   RMI_SUCCESS, 0);
	end_tm(t);
}

/* Order: rd_align (INPUT) before realm_live (REALM). */
static void realm_destroy_fails_rd_align_before_realm_live(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct tm_states s;
	tm_states_create(t, &s, 1);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, s.rd + 0x800), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, s.rd), RMI_ERROR_REALM, 0);
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* ---- REC_AUX_COUNT ---- */

static void rec_aux_count_returns_16_for_every_realm(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
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
		activate(t, rd);
		assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, rd), RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], 16);
	}
	tm_realm_teardown(t, &a);
	tm_realm_teardown(t, &b);
	end_tm(t);
}

#define T(f) cmocka_unit_test_teardown(f, destroy_live)
#define ADD_ROWS(rows, fn)                                                                     \
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)                                          \
		tests[n++] = (struct CMUnitTest){ rows[i].name, fn, NULL, destroy_live, &rows[i] };

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		T(rmi_version_succeeds_for_1_0_and_reports_1_0),
		T(rmi_version_fails_input_for_other_versions_and_reports_1_0),
		T(rmi_features_index0_reports_feature_register0),
		T(rmi_features_other_index_reports_zero),
		T(realm_create_accepts_feature_register0_maxima),
		T(realm_create_succeeds_and_reads_back_new_realm),
		T(realm_create_accepts_every_start_level_shape),
		T(realm_create_fails_rtt_num_level_for_inconsistent_shapes),
		T(realm_create_initialises_rim_from_measured_params),
		T(realm_create_accepts_largest_vmid_for_8_bit_vmids),
		T(realm_create_accepts_vmid_0xff00_with_16_bit_vmids),
		T(realm_activate_moves_new_realm_to_active),
		T(realm_activate_fails_rd_align_for_address_inside_rd),
		T(realm_destroy_returns_rd_and_start_rtts_to_delegated_zeroed),
		T(realm_destroy_allows_granules_to_be_reused_for_new_realm),
		T(realm_destroy_succeeds_for_active_and_system_off_realms),
		T(realm_destroy_fails_realm_live_while_a_rec_exists),
		T(realm_destroy_fails_realm_live_while_a_child_rtt_exists),
		T(realm_destroy_succeeds_with_only_unprotected_block_in_start_rtt),
		T(realm_destroy_fails_rd_align_before_realm_live),
		T(rec_aux_count_returns_16_for_every_realm),
	};
	struct CMUnitTest tests[ARRAY_SIZE(create_rows) + ARRAY_SIZE(activate_rows) +
				ARRAY_SIZE(destroy_rows) + ARRAY_SIZE(aux_count_rows) +
				ARRAY_SIZE(fixed)];
	size_t n = 0;

	ADD_ROWS(create_rows, realm_create_row)
	ADD_ROWS(activate_rows, rd_row)
	ADD_ROWS(destroy_rows, rd_row)
	ADD_ROWS(aux_count_rows, rd_row)
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests_name("rmi_realm", tests, NULL, NULL);
}
