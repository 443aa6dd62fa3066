/* RMI_REC_CREATE, RMI_REC_DESTROY, RMI_REC_ENTER and RMI_PSCI_COMPLETE: every
 * v1.0 failure row of the Arm RMM compliance suite
 * (spec/rmi-failure-conditions.txt), failure-order cases where conditions with
 * different statuses hold at once, the success paths with the resulting state
 * read back, and edge cases the suite does not exercise.
 *
 * ACS rows covered (label, stimulus -> expected), one table entry each:
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
 * State only a running realm can create (a PSCI request pending on a REC, a
 * realm in SYSTEM_OFF, the emulatable-abort record of the last exit, a REC
 * running on another PE) is set WHITE-BOX here, by writing the REC and RD
 * structures in their granules or the granule metadata; the next issue
 * (running realms) adds black-box versions driven by real guest code. */
#include "harness.h"

#include <string.h>

#include "abi/psci.h"
#include "monitor/machine_internal.h"
#include "platform/platform.h"
#include "rmm/rmm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (UINT64_C(1) << (n))

/* The machine of the running test: a test that fails half-way leaves it to
 * the teardown, so the next test can create its own. */
static struct tmach *live;

static struct tmach *new_tm(void)
{
	live = tm_create(16 * MIB, 1);
	return live;
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

static struct rec *wb_rec(struct tmach *t, uint64_t rec)
{
	return sys_ptr(t, rec);
}

static struct granule *wb_granule(struct tmach *t, uint64_t pa)
{
	return granule_at(ccakit_machine_monitor(t->m)->rmm, pa);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void activate(struct tmach *t, uint64_t rd)
{
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
}

/* A PSCI request of `caller` forwarded to the host, as the RMM records it when
 * the realm calls PSCI (white-box). */
static void psci_request(struct tmach *t, uint64_t caller, uint64_t fid, uint64_t target_mpidr,
			 uint64_t entry, uint64_t context)
{
	struct rec *r = wb_rec(t, caller);
	r->psci.pending = 1;
	r->psci.fid = fid;
	r->psci.target_mpidr = target_mpidr;
	r->psci.entry = entry;
	r->psci.context = context;
}

/* REC_CREATE parameters for the next REC of r, with fresh aux granules. */
static uint64_t rec_params(struct tmach *t, uint64_t mpidr, uint64_t flags)
{
	uint64_t pa = tm_granule(t);
	struct rmi_rec_params *p = tm_ptr(t, pa);
	p->flags = flags;
	p->mpidr = mpidr;
	p->pc = 0x80000;
	for (unsigned i = 0; i < RMI_REC_PARAMS_GPRS; i++)
		p->gprs[i] = 0x100 + i;
	p->num_aux = RMI_MAX_REC_AUX_GRANULES;
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		p->aux[i] = tm_delegated(t);
	return pa;
}

/* ============================== RMI_REC_CREATE ============================== */

/* Stimuli, combinable: each sets one failure condition. */
enum {
	C_PARAMS_UNALIGNED,
	C_PARAMS_MMIO,
	C_PARAMS_OUTSIDE,
	C_PARAMS_REALM,
	C_PARAMS_SECURE,
	C_REC_UNALIGNED,
	C_REC_MMIO,
	C_REC_OUTSIDE,
	C_REC_UNDELEGATED,
	C_REC_RD,
	C_REC_REC,
	C_REC_REC_AUX,
	C_REC_RTT,
	C_REC_DATA,
	C_REC_IS_RD, /* rec == rd */
	C_RD_UNALIGNED,
	C_RD_MMIO,
	C_RD_OUTSIDE,
	C_RD_UNDELEGATED,
	C_RD_DELEGATED,
	C_RD_REC,
	C_RD_RTT,
	C_RD_DATA,
	C_ACTIVE,
	C_SYSTEM_OFF,
	C_MPIDR_SKIPPED,
	C_MPIDR_PAST,
	C_MPIDR_RES0,
	C_NUM_AUX_15,
	C_NUM_AUX_17,
	C_NUM_AUX_0,
	C_AUX_UNALIGNED,
	C_AUX_MMIO,
	C_AUX_ALIASED,
	C_AUX_IS_REC,
	C_AUX_IS_RD,
	C_AUX_UNDELEGATED,
	C_AUX_RD,
	C_AUX_REC,
	C_AUX_REC_AUX,
	C_AUX_RTT,
	C_AUX_DATA,
};

struct create_row {
	const char *name;
	const char *label;  /* ACS label; "extra" or "order" for cases the suite lacks */
	const char *intent; /* ACS stimulus */
	uint64_t stim;      /* BIT(C_*) ... */
	enum rmi_status status;
	unsigned index;
};

#define IN RMI_ERROR_INPUT
static struct create_row create_rows[] = {
	{ "rec_create_fails_params_align_for_unaligned_params", "params_align", "PARAMS_UNALIGNED",
	  BIT(C_PARAMS_UNALIGNED), IN, 0 },
	{ "rec_create_fails_params_bound_for_mmio_params", "params_bound", "PARAMS_DEV_MEM",
	  BIT(C_PARAMS_MMIO), IN, 0 },
	{ "rec_create_fails_params_bound_outside_permitted_pa", "params_bound",
	  "PARAMS_OUTSIDE_OF_PERMITTED_PA", BIT(C_PARAMS_OUTSIDE), IN, 0 },
	{ "rec_create_fails_params_pas_for_realm_params", "params_pas", "PARAMS_PAS_REALM",
	  BIT(C_PARAMS_REALM), IN, 0 },
	{ "rec_create_fails_params_pas_for_secure_params", "params_pas", "PARAMS_PAS_SECURE",
	  BIT(C_PARAMS_SECURE), IN, 0 },
	{ "rec_create_fails_rec_align_for_unaligned_rec", "rec_align", "REC_UNALIGNED",
	  BIT(C_REC_UNALIGNED), IN, 0 },
	{ "rec_create_fails_rec_bound_for_mmio_rec", "rec_bound", "REC_DEV_MEM", BIT(C_REC_MMIO),
	  IN, 0 },
	{ "rec_create_fails_rec_bound_outside_permitted_pa", "rec_bound",
	  "REC_OUTSIDE_OF_PERMITTED_PA", BIT(C_REC_OUTSIDE), IN, 0 },
	{ "rec_create_fails_rec_state_for_undelegated_granule", "rec_state",
	  "REC_GRAN_STATE_UNDELEGATED", BIT(C_REC_UNDELEGATED), IN, 0 },
	{ "rec_create_fails_rec_state_for_rd_granule", "rec_state", "REC_GRAN_STATE_RD",
	  BIT(C_REC_RD), IN, 0 },
	{ "rec_create_fails_rec_state_for_rec_granule", "rec_state", "REC_GRAN_STATE_REC",
	  BIT(C_REC_REC), IN, 0 },
	{ "rec_create_fails_rec_state_for_rtt_granule", "rec_state", "REC_GRAN_STATE_RTT",
	  BIT(C_REC_RTT), IN, 0 },
	{ "rec_create_fails_rec_state_for_data_granule", "rec_state", "REC_GRAN_STATE_DATA",
	  BIT(C_REC_DATA), IN, 0 },
	{ "rec_create_fails_rd_align_for_unaligned_rd", "rd_align", "RD_UNALIGNED",
	  BIT(C_RD_UNALIGNED), IN, 0 },
	{ "rec_create_fails_rd_bound_for_mmio_rd", "rd_bound", "RD_DEV_MEM", BIT(C_RD_MMIO), IN,
	  0 },
	{ "rec_create_fails_rd_bound_outside_permitted_pa", "rd_bound",
	  "RD_OUTSIDE_OF_PERMITTED_PA", BIT(C_RD_OUTSIDE), IN, 0 },
	{ "rec_create_fails_rd_state_for_undelegated_granule", "rd_state", "RD_STATE_UNDELEGATED",
	  BIT(C_RD_UNDELEGATED), IN, 0 },
	{ "rec_create_fails_rd_state_for_delegated_granule", "rd_state", "RD_STATE_DELEGATED",
	  BIT(C_RD_DELEGATED), IN, 0 },
	{ "rec_create_fails_rd_state_for_rec_granule", "rd_state", "RD_STATE_REC", BIT(C_RD_REC),
	  IN, 0 },
	{ "rec_create_fails_rd_state_for_rtt_granule", "rd_state", "RD_STATE_RTT", BIT(C_RD_RTT),
	  IN, 0 },
	{ "rec_create_fails_rd_state_for_data_granule", "rd_state", "RD_STATE_DATA",
	  BIT(C_RD_DATA), IN, 0 },
	{ "rec_create_fails_realm_state_for_active_realm_with_realm_error", "realm_state",
	  "REALM_ACTIVE", BIT(C_ACTIVE), RMI_ERROR_REALM, 0 },
	{ "rec_create_fails_realm_state_for_system_off_realm_with_realm_error", "realm_state",
	  "REALM_SYSTEM_OFF", BIT(C_SYSTEM_OFF), RMI_ERROR_REALM, 0 },
	{ "rec_create_fails_mpidr_index_for_skipped_index", "mpidr_index", "MPIDR_SKIPPED",
	  BIT(C_MPIDR_SKIPPED), IN, 0 },
	{ "rec_create_fails_num_aux_for_15_aux_granules", "num_aux", "NUM_AUX_INVALID",
	  BIT(C_NUM_AUX_15), IN, 0 },
	{ "rec_create_fails_aux_align_for_unaligned_aux", "aux_align", "AUX_UNALIGNED",
	  BIT(C_AUX_UNALIGNED), IN, 0 },
	{ "rec_create_fails_aux_alias_for_duplicate_aux", "aux_alias", "AUX_ALIASED",
	  BIT(C_AUX_ALIASED), IN, 0 },
	{ "rec_create_fails_aux_state_for_undelegated_aux", "aux_state", "AUX_UNDELEGATED",
	  BIT(C_AUX_UNDELEGATED), IN, 0 },
	{ "rec_create_fails_aux_state_for_rd_aux", "aux_state", "AUX_RD", BIT(C_AUX_RD), IN, 0 },
	{ "rec_create_fails_aux_state_for_rec_aux", "aux_state", "AUX_REC", BIT(C_AUX_REC), IN, 0 },
	{ "rec_create_fails_aux_state_for_rtt_aux", "aux_state", "AUX_RTT", BIT(C_AUX_RTT), IN, 0 },
	{ "rec_create_fails_aux_state_for_data_aux", "aux_state", "AUX_DATA", BIT(C_AUX_DATA), IN,
	  0 },
	/* Beyond the suite. */
	{ "rec_create_fails_rec_state_for_rec_aux_granule", "extra", "REC_GRAN_STATE_REC_AUX",
	  BIT(C_REC_REC_AUX), IN, 0 },
	{ "rec_create_fails_rec_state_for_rec_equal_to_rd", "extra", "REC_IS_RD", BIT(C_REC_IS_RD),
	  IN, 0 },
	{ "rec_create_fails_mpidr_index_for_index_already_used", "extra", "MPIDR_PAST",
	  BIT(C_MPIDR_PAST), IN, 0 },
	{ "rec_create_fails_mpidr_index_for_res0_aff0_bits", "extra", "MPIDR_RES0",
	  BIT(C_MPIDR_RES0), IN, 0 },
	{ "rec_create_fails_num_aux_for_17_aux_granules", "extra", "NUM_AUX_17", BIT(C_NUM_AUX_17),
	  IN, 0 },
	{ "rec_create_fails_num_aux_for_0_aux_granules", "extra", "NUM_AUX_0", BIT(C_NUM_AUX_0), IN,
	  0 },
	{ "rec_create_fails_aux_bound_for_mmio_aux", "extra", "AUX_DEV_MEM", BIT(C_AUX_MMIO), IN,
	  0 },
	{ "rec_create_fails_aux_alias_for_aux_equal_to_rec", "extra", "AUX_IS_REC",
	  BIT(C_AUX_IS_REC), IN, 0 },
	{ "rec_create_fails_aux_alias_for_aux_equal_to_rd", "extra", "AUX_IS_RD", BIT(C_AUX_IS_RD),
	  IN, 0 },
	{ "rec_create_fails_aux_state_for_rec_aux_aux", "extra", "AUX_REC_AUX", BIT(C_AUX_REC_AUX),
	  IN, 0 },
	/* Failure order across statuses: the spec (suite) order puts realm_state
	 * (REALM) after the granule checks (INPUT) and before mpidr_index, num_aux
	 * and the aux checks (INPUT). TF-RMM checks num_aux > 16 and the aux
	 * states before realm_state; this RMM follows the spec order. */
	{ "rec_create_fails_realm_state_before_mpidr_index_with_realm_error", "order",
	  "REALM_ACTIVE+MPIDR_SKIPPED", BIT(C_ACTIVE) | BIT(C_MPIDR_SKIPPED), RMI_ERROR_REALM, 0 },
	{ "rec_create_fails_realm_state_before_num_aux_with_realm_error", "order",
	  "REALM_ACTIVE+NUM_AUX_INVALID", BIT(C_ACTIVE) | BIT(C_NUM_AUX_15), RMI_ERROR_REALM, 0 },
	{ "rec_create_fails_realm_state_before_num_aux_17_with_realm_error", "order",
	  "REALM_SYSTEM_OFF+NUM_AUX_17", BIT(C_SYSTEM_OFF) | BIT(C_NUM_AUX_17), RMI_ERROR_REALM,
	  0 },
	{ "rec_create_fails_realm_state_before_aux_alias_with_realm_error", "order",
	  "REALM_ACTIVE+AUX_ALIASED", BIT(C_ACTIVE) | BIT(C_AUX_ALIASED), RMI_ERROR_REALM, 0 },
	{ "rec_create_fails_realm_state_before_aux_state_with_realm_error", "order",
	  "REALM_ACTIVE+AUX_UNDELEGATED", BIT(C_ACTIVE) | BIT(C_AUX_UNDELEGATED), RMI_ERROR_REALM,
	  0 },
	{ "rec_create_fails_params_pas_before_realm_state_with_input_error", "order",
	  "PARAMS_PAS_SECURE+REALM_ACTIVE", BIT(C_PARAMS_SECURE) | BIT(C_ACTIVE), IN, 0 },
	{ "rec_create_fails_rec_state_before_realm_state_with_input_error", "order",
	  "REC_GRAN_STATE_UNDELEGATED+REALM_ACTIVE", BIT(C_REC_UNDELEGATED) | BIT(C_ACTIVE), IN,
	  0 },
	{ "rec_create_fails_rec_align_before_realm_state_with_input_error", "order",
	  "REC_UNALIGNED+REALM_SYSTEM_OFF", BIT(C_REC_UNALIGNED) | BIT(C_SYSTEM_OFF), IN, 0 },
};

/* Fixture of the REC_CREATE rows: realm A (NEW, VMID 1, REC 0 exists, so the
 * next REC is index 1) from tm_states_create, realm B (VMID 2) for granules of
 * another realm, and valid arguments for REC 1 of A. */
static void rec_create_row(void **state)
{
	const struct create_row *row = *state;
	const uint64_t st = row->stim;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);

	uint64_t rd = s.rd;
	uint64_t rec_valid = tm_delegated(t), rec = rec_valid;
	uint64_t pristine = rec_params(t, 1, RMI_REC_FLAG_RUNNABLE);
	uint64_t params = tm_granule(t);
	struct rmi_rec_params *p = tm_ptr(t, params);
	memcpy(p, tm_ptr(t, pristine), sizeof(*p));

	/* The parameters' content first, then where they are. */
	if (st & BIT(C_MPIDR_SKIPPED))
		p->mpidr = 2;
	if (st & BIT(C_MPIDR_PAST))
		p->mpidr = 0;
	if (st & BIT(C_MPIDR_RES0))
		p->mpidr = 1 | 0x10; /* index 1, but Aff0 bits [7:4] are RES0 */
	if (st & BIT(C_NUM_AUX_15))
		p->num_aux = 15;
	if (st & BIT(C_NUM_AUX_17))
		p->num_aux = 17;
	if (st & BIT(C_NUM_AUX_0))
		p->num_aux = 0;
	if (st & BIT(C_AUX_UNALIGNED))
		p->aux[3] += 0x800;
	if (st & BIT(C_AUX_MMIO))
		p->aux[4] = PA_MMIO;
	if (st & BIT(C_AUX_ALIASED))
		p->aux[5] = p->aux[2];
	if (st & BIT(C_AUX_IS_REC))
		p->aux[15] = rec_valid;
	if (st & BIT(C_AUX_IS_RD))
		p->aux[0] = s.rd;
	if (st & BIT(C_AUX_UNDELEGATED))
		p->aux[7] = s.undelegated;
	if (st & BIT(C_AUX_RD)) {
		struct trealm b;
		tm_realm_create(t, &b, 40, 1, 2);
		p->aux[8] = b.rd;
	}
	if (st & BIT(C_AUX_REC))
		p->aux[9] = s.rec;
	if (st & BIT(C_AUX_REC_AUX))
		p->aux[9] = s.rec_aux;
	if (st & BIT(C_AUX_RTT))
		p->aux[10] = s.rtt;
	if (st & BIT(C_AUX_DATA))
		p->aux[11] = s.data;

	if (st & BIT(C_PARAMS_UNALIGNED))
		params += 0x800;
	if (st & BIT(C_PARAMS_MMIO))
		params = PA_MMIO;
	if (st & BIT(C_PARAMS_OUTSIDE))
		params = PA_OUTSIDE;
	if (st & (BIT(C_PARAMS_REALM) | BIT(C_PARAMS_SECURE))) {
		/* Valid content, seen by the RMM, in the wrong PAS. */
		uint64_t where = st & BIT(C_PARAMS_REALM) ? tm_delegated(t) : tm_secure(t);
		memcpy(sys_ptr(t, where), p, sizeof(*p));
		params = where;
	}

	if (st & BIT(C_REC_UNALIGNED))
		rec += 0x800;
	if (st & BIT(C_REC_MMIO))
		rec = PA_MMIO;
	if (st & BIT(C_REC_OUTSIDE))
		rec = PA_OUTSIDE;
	if (st & BIT(C_REC_UNDELEGATED))
		rec = s.undelegated;
	if (st & BIT(C_REC_RD)) {
		struct trealm b;
		tm_realm_create(t, &b, 40, 1, 3);
		rec = b.rd;
	}
	if (st & BIT(C_REC_REC))
		rec = s.rec;
	if (st & BIT(C_REC_REC_AUX))
		rec = s.rec_aux;
	if (st & BIT(C_REC_RTT))
		rec = s.rtt;
	if (st & BIT(C_REC_DATA))
		rec = s.data;
	if (st & BIT(C_REC_IS_RD))
		rec = s.rd;

	if (st & BIT(C_RD_UNALIGNED))
		rd += 0x800;
	if (st & BIT(C_RD_MMIO))
		rd = PA_MMIO;
	if (st & BIT(C_RD_OUTSIDE))
		rd = PA_OUTSIDE;
	if (st & BIT(C_RD_UNDELEGATED))
		rd = s.undelegated;
	if (st & BIT(C_RD_DELEGATED))
		rd = s.delegated;
	if (st & BIT(C_RD_REC))
		rd = s.rec;
	if (st & BIT(C_RD_RTT))
		rd = s.rtt;
	if (st & BIT(C_RD_DATA))
		rd = s.data;

	bool still_new = !(st & (BIT(C_ACTIVE) | BIT(C_SYSTEM_OFF)));
	if (!still_new)
		activate(t, s.rd);
	if (st & BIT(C_SYSTEM_OFF))
		wb_rd(t, s.rd)->state = REALM_SYSTEM_OFF; /* white-box */

	uint8_t rim[MEASUREMENT_MAX];
	memcpy(rim, wb_rd(t, s.rd)->measurement[RIM_SLOT], sizeof(rim));

	assert_rmi(rmi(t, RMI_REC_CREATE, 3, rd, rec, params), row->status, row->index);

	/* Nothing changed: no RIM extension, no REC counted, and the valid REC
	 * and aux granules are still DELEGATED. */
	assert_memory_equal(wb_rd(t, s.rd)->measurement[RIM_SLOT], rim, sizeof(rim));
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
	end_tm(t);
}

static void rec_create_succeeds_and_reads_back_rec(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
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
	assert_int_equal(w->pc, 0x80000);
	for (unsigned i = 0; i < RMI_REC_RUN_GPRS; i++)
		assert_int_equal(w->gprs[i], i < 8 ? 0x100 + i : 0);
	assert_int_equal(w->pstate, 0x3c5); /* EL1h, DAIF masked */
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
	r.recs[r.nrecs] = rec;
	memcpy(r.rec_aux[r.nrecs++], p->aux, sizeof(p->aux));
	tm_rec_create(t, &r, 1, 0, NULL);
	assert_int_equal(wb_rec(t, r.recs[1])->runnable, 0);
	tm_realm_teardown(t, &r);
	end_tm(t);
}

/* RIM extended only for RECs created runnable (since 1.0-eac3). */
static void rec_create_measures_only_runnable_recs(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct trealm r;
	uint8_t rim[MEASUREMENT_MAX];
	tm_realm_create(t, &r, 40, 1, 1);

	memcpy(rim, wb_rd(t, r.rd)->measurement[RIM_SLOT], sizeof(rim));
	tm_rec_create(t, &r, 0, 0, NULL);
	assert_memory_equal(wb_rd(t, r.rd)->measurement[RIM_SLOT], rim, sizeof(rim));
	tm_rec_create(t, &r, 1, RMI_REC_FLAG_RUNNABLE, NULL);
	assert_memory_not_equal(wb_rd(t, r.rd)->measurement[RIM_SLOT], rim, sizeof(rim));
	tm_realm_teardown(t, &r);
	end_tm(t);
}

/* RmiRecMpidr: REC index 16 is Aff1 = 1, Aff0 = 0 (Aff0 holds only 0..15). */
static void rec_create_accepts_mpidr_aff1_after_sixteen_recs(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
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
	end_tm(t);
}

/* ============================== RMI_REC_DESTROY ============================== */

enum destroy_stim {
	D_UNALIGNED,
	D_MMIO,
	D_OUTSIDE,
	D_UNDELEGATED,
	D_DELEGATED,
	D_RD,
	D_REC_AUX,
	D_RTT,
	D_DATA,
	D_DESTROYED_REC,
};

struct destroy_row {
	const char *name;
	const char *label;
	const char *intent;
	enum destroy_stim stim;
	enum rmi_status status;
	unsigned index;
};

static struct destroy_row destroy_rows[] = {
	{ "rec_destroy_fails_rec_align_for_unaligned_rec", "rec_align", "REC_UNALIGNED",
	  D_UNALIGNED, IN, 0 },
	{ "rec_destroy_fails_rec_bound_outside_permitted_pa", "rec_bound",
	  "REC_OUTSIDE_OF_PERMITTED_PA", D_OUTSIDE, IN, 0 },
	{ "rec_destroy_fails_rec_bound_for_mmio_rec", "rec_bound", "REC_DEV_MEM", D_MMIO, IN, 0 },
	{ "rec_destroy_fails_rec_gran_state_for_undelegated_granule", "rec_gran_state",
	  "REC_GRAN_STATE_UNDELEGATED", D_UNDELEGATED, IN, 0 },
	{ "rec_destroy_fails_rec_gran_state_for_rd_granule", "rec_gran_state", "REC_GRAN_STATE_RD",
	  D_RD, IN, 0 },
	{ "rec_destroy_fails_rec_gran_state_for_rec_aux_granule", "rec_gran_state",
	  "REC_GRAN_STATE_REC_AUX", D_REC_AUX, IN, 0 },
	{ "rec_destroy_fails_rec_gran_state_for_rtt_granule", "rec_gran_state",
	  "REC_GRAN_STATE_RTT", D_RTT, IN, 0 },
	{ "rec_destroy_fails_rec_gran_state_for_data_granule", "rec_gran_state",
	  "REC_GRAN_STATE_DATA", D_DATA, IN, 0 },
	/* Beyond the suite. */
	{ "rec_destroy_fails_rec_gran_state_for_delegated_granule", "extra",
	  "REC_GRAN_STATE_DELEGATED", D_DELEGATED, IN, 0 },
	{ "rec_destroy_fails_rec_gran_state_for_destroyed_rec", "extra", "REC_DESTROYED",
	  D_DESTROYED_REC, IN, 0 },
};

static void rec_destroy_row(void **state)
{
	const struct destroy_row *row = *state;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint64_t rec = 0;

	switch (row->stim) {
	case D_UNALIGNED: rec = s.rec + 0x800; break;
	case D_MMIO: rec = PA_MMIO; break;
	case D_OUTSIDE: rec = PA_OUTSIDE; break;
	case D_UNDELEGATED: rec = s.undelegated; break;
	case D_DELEGATED: rec = s.delegated; break;
	case D_RD: rec = s.rd; break;
	case D_REC_AUX: rec = s.rec_aux; break;
	case D_RTT: rec = s.rtt; break;
	case D_DATA: rec = s.data; break;
	case D_DESTROYED_REC: {
		uint64_t gone = tm_rec_create(t, &s.r, 1, 0, NULL);
		assert_rmi(rmi(t, RMI_REC_DESTROY, 1, gone), RMI_SUCCESS, 0);
		s.r.nrecs--; /* already destroyed */
		rec = gone;
		break;
	}
	}
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), row->status, row->index);
	/* The realm's REC is untouched: the teardown destroys it step by step. */
	assert_int_equal(wb_rec(t, s.rec)->owner_rd, s.rd);
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

static void rec_destroy_returns_rec_and_aux_to_delegated_zeroed(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct trealm r;
	uint64_t aux[RMI_MAX_REC_AUX_GRANULES];
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t rec = tm_rec_create(t, &r, 0, RMI_REC_FLAG_RUNNABLE, aux);
	activate(t, r.rd); /* RECs of an ACTIVE realm can be destroyed too */
	memset(sys_ptr(t, aux[3]), 0x3c, GRANULE_SIZE); /* white-box: aux in use */

	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_SUCCESS, 0);
	/* White-box: scrubbed. */
	assert_true(all_zero(sys_ptr(t, rec), GRANULE_SIZE));
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		assert_true(all_zero(sys_ptr(t, aux[i]), GRANULE_SIZE));
	/* rec_gran_state: gone. */
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, rec), RMI_ERROR_INPUT, 0);
	/* The RD lost its only REC: the realm can be destroyed. */
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_SUCCESS, 0);
	/* REC and aux granules are DELEGATED. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rec), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, aux[i]), RMI_SUCCESS, 0);
	end_tm(t);
}

/* The RD's next REC index never goes back: a destroyed REC's MPIDR is not
 * handed out again. */
static void rec_destroy_does_not_reuse_rec_index(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
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
	end_tm(t);
}

/* rec_state: a REC inside REC_ENTER on another PE (white-box: the granule's
 * running count, as REC_ENTER sets it) cannot be destroyed. */
static void rec_destroy_fails_rec_state_for_running_rec_with_rec_error(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);
	activate(t, s.rd);
	wb_granule(t, s.rec)->refcount = 1;
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, s.rec), RMI_ERROR_REC, 0);
	/* rec_align (INPUT) still comes first. */
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, s.rec + 0x800), RMI_ERROR_INPUT, 0);
	wb_granule(t, s.rec)->refcount = 0;
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* =============================== RMI_REC_ENTER =============================== */

enum {
	E_RUN_UNALIGNED,
	E_RUN_MMIO,
	E_RUN_OUTSIDE,
	E_RUN_REALM,
	E_RUN_SECURE,
	E_REC_UNALIGNED,
	E_REC_MMIO,
	E_REC_OUTSIDE,
	E_REC_UNDELEGATED,
	E_REC_DELEGATED,
	E_REC_RD,
	E_REC_RTT,
	E_REC_DATA,
	E_REC_REC_AUX,
	E_REC_OF_NEW_REALM,         /* runnable REC of a NEW realm */
	E_REC_OF_NEW_REALM_STOPPED, /* not runnable REC of a NEW realm */
	E_REC_NOT_RUNNABLE,         /* REC 1 of the ACTIVE realm, created not runnable */
	E_REC_RUNNING,              /* white-box: inside REC_ENTER on another PE */
	E_SYSTEM_OFF,               /* white-box: the realm is SYSTEM_OFF */
	E_PSCI_PENDING,             /* white-box: REC 0 awaits PSCI_COMPLETE */
	E_EMUL_MMIO,                /* enter.flags.emul_mmio, last exit no MMIO abort */
	E_INJECT_SEA,               /* enter.flags.inject_sea, last exit no data abort */
	E_GIC_HCR,                  /* gicv3_hcr with TC (bit 10), not host-controlled */
	E_GIC_HCR_EN,               /* gicv3_hcr with En (bit 0) */
	E_GIC_LR_HW,                /* a list register with HW = 1 */
	E_GIC_LR_DUP,               /* two list registers with one vINTID */
	E_GIC_LR_VINTID,            /* a list register with reserved vINTID 1020 */
	E_GIC_LR_PINTID,            /* a list register with pINTID bits beyond EOI */
};

struct enter_row {
	const char *name;
	const char *label;
	const char *intent;
	uint64_t stim;
	enum rmi_status status;
	unsigned index;
};

#define RE RMI_ERROR_REC
#define RL RMI_ERROR_REALM
static struct enter_row enter_rows[] = {
	{ "rec_enter_fails_run_align_for_unaligned_run", "run_align", "RUN_PTR_UNALIGNED",
	  BIT(E_RUN_UNALIGNED), IN, 0 },
	{ "rec_enter_fails_run_bound_for_mmio_run", "run_bound", "RUN_PTR_DEV_MEM", BIT(E_RUN_MMIO),
	  IN, 0 },
	{ "rec_enter_fails_run_bound_outside_permitted_pa", "run_bound",
	  "RUN_PTR_OUSIDE_OF_PERMITTED_PA", BIT(E_RUN_OUTSIDE), IN, 0 },
	{ "rec_enter_fails_run_pas_for_realm_run", "run_pas", "RUN_PTR_PAS_REALM", BIT(E_RUN_REALM),
	  IN, 0 },
	{ "rec_enter_fails_run_pas_for_secure_run", "run_pas", "RUN_PTR_PAS_SECURE",
	  BIT(E_RUN_SECURE), IN, 0 },
	{ "rec_enter_fails_rec_align_for_unaligned_rec", "rec_align", "REC_UNALIGNED",
	  BIT(E_REC_UNALIGNED), IN, 0 },
	{ "rec_enter_fails_rec_bound_for_mmio_rec", "rec_bound", "REC_DEV_MEM", BIT(E_REC_MMIO), IN,
	  0 },
	{ "rec_enter_fails_rec_bound_outside_permitted_pa", "rec_bound",
	  "REC_OUTSIDE_OF_PERMITTED_PA", BIT(E_REC_OUTSIDE), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_for_undelegated_granule", "rec_gran_state",
	  "REC_GRAN_STATE_UNDELEGATED", BIT(E_REC_UNDELEGATED), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_for_delegated_granule", "rec_gran_state",
	  "REC_GRAN_STATE_DELEGATED", BIT(E_REC_DELEGATED), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_for_rd_granule", "rec_gran_state", "REC_GRAN_STATE_RD",
	  BIT(E_REC_RD), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_for_rtt_granule", "rec_gran_state", "REC_GRAN_STATE_RTT",
	  BIT(E_REC_RTT), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_for_data_granule", "rec_gran_state",
	  "REC_GRAN_STATE_DATA", BIT(E_REC_DATA), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_for_rec_aux_granule", "rec_gran_state",
	  "REC_GRAN_STATE_REC_AUX", BIT(E_REC_REC_AUX), IN, 0 },
	{ "rec_enter_fails_realm_new_with_realm_error_index_0", "realm_new", "REALM_NEW",
	  BIT(E_REC_OF_NEW_REALM), RL, 0 },
	{ "rec_enter_fails_rec_mmio_without_emulatable_abort_with_rec_error", "rec_mmio",
	  "REC_EMULATED_MMIO", BIT(E_EMUL_MMIO), RE, 0 },
	{ "rec_enter_fails_rec_psci_for_pending_psci_request_with_rec_error", "rec_psci",
	  "REC_PSCI_PENDING", BIT(E_PSCI_PENDING), RE, 0 },
	{ "rec_enter_fails_system_off_with_realm_error_index_1", "system_off", "REALM_SYSTEM_OFF",
	  BIT(E_SYSTEM_OFF), RL, 1 },
	{ "rec_enter_fails_rec_runnable_for_not_runnable_rec_with_rec_error", "rec_runnable",
	  "REC_NOT_RUNNABLE", BIT(E_REC_NOT_RUNNABLE), RE, 0 },
	{ "rec_enter_fails_rec_gicv3_for_invalid_gicv3_hcr_with_rec_error", "rec_giv3",
	  "RUN_PTR_INVALID_GIV3_HCR", BIT(E_GIC_HCR), RE, 0 },
	{ "rec_enter_fails_rec_align_before_rec_gicv3_with_input_error",
	  "rec_align_compare_rec_gicv3", "REC_UNALIGNED_INVALID_GICV3",
	  BIT(E_REC_UNALIGNED) | BIT(E_GIC_HCR), IN, 0 },
	{ "rec_enter_fails_rec_bound_before_rec_gicv3_with_input_error",
	  "rec_bound_compare_rec_gicv3", "REC_DEV_MEM_INVALID_GICV3",
	  BIT(E_REC_MMIO) | BIT(E_GIC_HCR), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_before_rec_gicv3_with_input_error",
	  "rec_gran_state_compare_rec_gicv3", "REC_GRAN_STATE_UNDELEGATED_INVALID_GICV3",
	  BIT(E_REC_UNDELEGATED) | BIT(E_GIC_HCR), IN, 0 },
	{ "rec_enter_fails_run_pas_before_rec_runnable_with_input_error",
	  "run_pas_compare_rec_runnable", "RUN_PAS_SECURE_REC_NOT_RUNNABLE",
	  BIT(E_RUN_SECURE) | BIT(E_REC_NOT_RUNNABLE), IN, 0 },
	{ "rec_enter_fails_run_pas_before_realm_new_with_input_error", "run_pas_compare_realm_new",
	  "RUN_PAS_SECURE_REALM_NEW", BIT(E_RUN_SECURE) | BIT(E_REC_OF_NEW_REALM), IN, 0 },
	{ "rec_enter_fails_run_pas_before_system_off_with_input_error",
	  "run_pas_compare_system_off", "RUN_PAS_SECURE_REALM_SYSTEM_OFF",
	  BIT(E_RUN_SECURE) | BIT(E_SYSTEM_OFF), IN, 0 },
	{ "rec_enter_fails_run_bound_before_rec_runnable_with_input_error",
	  "run_bound_compare_rec_runnable", "RUN_DEV_MEM_REC_NOT_RUNNABLE",
	  BIT(E_RUN_MMIO) | BIT(E_REC_NOT_RUNNABLE), IN, 0 },
	{ "rec_enter_fails_run_bound_before_realm_new_with_input_error",
	  "run_bound_compare_realm_new", "RUN_DEV_MEM_REALM_NEW",
	  BIT(E_RUN_MMIO) | BIT(E_REC_OF_NEW_REALM), IN, 0 },
	{ "rec_enter_fails_run_bound_before_system_off_with_input_error",
	  "run_bound_compare_system_off", "RUN_DEV_MEM_REALM_SYSTEM_OFF",
	  BIT(E_RUN_MMIO) | BIT(E_SYSTEM_OFF), IN, 0 },
	/* Beyond the suite. */
	{ "rec_enter_fails_rec_state_for_running_rec_with_rec_error", "extra", "REC_RUNNING",
	  BIT(E_REC_RUNNING), RE, 0 },
	{ "rec_enter_fails_inject_sea_without_data_abort_with_rec_error", "extra",
	  "REC_INJECT_SEA", BIT(E_INJECT_SEA), RE, 0 },
	{ "rec_enter_fails_rec_gicv3_for_gicv3_hcr_en_with_rec_error", "extra", "GICV3_HCR_EN",
	  BIT(E_GIC_HCR_EN), RE, 0 },
	{ "rec_enter_fails_rec_gicv3_for_lr_with_hw_bit_with_rec_error", "extra", "GICV3_LR_HW",
	  BIT(E_GIC_LR_HW), RE, 0 },
	{ "rec_enter_fails_rec_gicv3_for_duplicate_vintid_with_rec_error", "extra",
	  "GICV3_LR_DUPLICATE", BIT(E_GIC_LR_DUP), RE, 0 },
	{ "rec_enter_fails_rec_gicv3_for_reserved_vintid_with_rec_error", "extra",
	  "GICV3_LR_VINTID_1020", BIT(E_GIC_LR_VINTID), RE, 0 },
	{ "rec_enter_fails_rec_gicv3_for_lr_with_pintid_with_rec_error", "extra",
	  "GICV3_LR_PINTID", BIT(E_GIC_LR_PINTID), RE, 0 },
	/* Failure order across statuses. The suite fixes the INPUT-before-REALM/REC
	 * orders above; among REALM and REC conditions this RMM follows the spec
	 * notes' (TF-RMM's) order: realm_new, system_off, then the REC checks. */
	{ "rec_enter_fails_realm_new_before_rec_runnable_with_realm_error", "order",
	  "REALM_NEW+REC_NOT_RUNNABLE", BIT(E_REC_OF_NEW_REALM_STOPPED), RL, 0 },
	{ "rec_enter_fails_realm_new_before_rec_gicv3_with_realm_error", "order",
	  "REALM_NEW+INVALID_GICV3", BIT(E_REC_OF_NEW_REALM) | BIT(E_GIC_HCR), RL, 0 },
	{ "rec_enter_fails_realm_new_before_rec_mmio_with_realm_error", "order",
	  "REALM_NEW+REC_EMULATED_MMIO", BIT(E_REC_OF_NEW_REALM) | BIT(E_EMUL_MMIO), RL, 0 },
	{ "rec_enter_fails_system_off_before_rec_runnable_with_realm_error", "order",
	  "REALM_SYSTEM_OFF+REC_NOT_RUNNABLE", BIT(E_SYSTEM_OFF) | BIT(E_REC_NOT_RUNNABLE), RL, 1 },
	{ "rec_enter_fails_system_off_before_rec_psci_with_realm_error", "order",
	  "REALM_SYSTEM_OFF+REC_PSCI_PENDING", BIT(E_SYSTEM_OFF) | BIT(E_PSCI_PENDING), RL, 1 },
	{ "rec_enter_fails_system_off_before_rec_gicv3_with_realm_error", "order",
	  "REALM_SYSTEM_OFF+INVALID_GICV3", BIT(E_SYSTEM_OFF) | BIT(E_GIC_HCR), RL, 1 },
	{ "rec_enter_fails_run_align_before_realm_new_with_input_error", "order",
	  "RUN_PTR_UNALIGNED+REALM_NEW", BIT(E_RUN_UNALIGNED) | BIT(E_REC_OF_NEW_REALM), IN, 0 },
	{ "rec_enter_fails_run_pas_before_rec_psci_with_input_error", "order",
	  "RUN_PAS_REALM+REC_PSCI_PENDING", BIT(E_RUN_REALM) | BIT(E_PSCI_PENDING), IN, 0 },
	{ "rec_enter_fails_run_pas_before_rec_state_with_input_error", "order",
	  "RUN_PAS_SECURE+REC_RUNNING", BIT(E_RUN_SECURE) | BIT(E_REC_RUNNING), IN, 0 },
	{ "rec_enter_fails_rec_gran_state_before_rec_mmio_with_input_error", "order",
	  "REC_GRAN_STATE_RD+REC_EMULATED_MMIO", BIT(E_REC_RD) | BIT(E_EMUL_MMIO), IN, 0 },
};

#define EXIT_JUNK 0xa5

/* Fixture of the REC_ENTER rows: realm A (ACTIVE, VMID 1) with runnable REC 0
 * and not-runnable REC 1; realm N (NEW, VMID 2) with a runnable and a
 * not-runnable REC; an NS run page whose exit part holds junk, which a failed
 * REC_ENTER must leave alone (the exit record is written only on success). */
static void rec_enter_row(void **state)
{
	const struct enter_row *row = *state;
	const uint64_t st = row->stim;
	struct tmach *t = new_tm();
	struct tm_states s;
	struct trealm n;
	tm_states_create(t, &s, 1);
	uint64_t rec1 = tm_rec_create(t, &s.r, 1, 0, NULL);
	tm_realm_create(t, &n, 40, 1, 2);
	uint64_t n0 = tm_rec_create(t, &n, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	uint64_t n1 = tm_rec_create(t, &n, 1, 0, NULL);
	activate(t, s.rd);

	uint64_t run_valid = tm_granule(t), run = run_valid, rec = s.rec;
	struct rmi_rec_run *rr = tm_ptr(t, run_valid);
	memset(&rr->exit, EXIT_JUNK, sizeof(rr->exit));

	if (st & BIT(E_RUN_UNALIGNED))
		run += 0x800;
	if (st & BIT(E_RUN_MMIO))
		run = PA_MMIO;
	if (st & BIT(E_RUN_OUTSIDE))
		run = PA_OUTSIDE;
	if (st & BIT(E_RUN_REALM))
		run = tm_delegated(t);
	if (st & BIT(E_RUN_SECURE))
		run = tm_secure(t);

	if (st & BIT(E_REC_UNALIGNED))
		rec += 0x800;
	if (st & BIT(E_REC_MMIO))
		rec = PA_MMIO;
	if (st & BIT(E_REC_OUTSIDE))
		rec = PA_OUTSIDE;
	if (st & BIT(E_REC_UNDELEGATED))
		rec = s.undelegated;
	if (st & BIT(E_REC_DELEGATED))
		rec = s.delegated;
	if (st & BIT(E_REC_RD))
		rec = s.rd;
	if (st & BIT(E_REC_RTT))
		rec = s.rtt;
	if (st & BIT(E_REC_DATA))
		rec = s.data;
	if (st & BIT(E_REC_REC_AUX))
		rec = s.rec_aux;
	if (st & BIT(E_REC_OF_NEW_REALM))
		rec = n0;
	if (st & BIT(E_REC_OF_NEW_REALM_STOPPED))
		rec = n1;
	if (st & BIT(E_REC_NOT_RUNNABLE))
		rec = rec1;

	/* White-box state a running realm would have produced. */
	if (st & BIT(E_REC_RUNNING))
		wb_granule(t, s.rec)->refcount = 1;
	if (st & BIT(E_SYSTEM_OFF))
		wb_rd(t, s.rd)->state = REALM_SYSTEM_OFF;
	if (st & BIT(E_PSCI_PENDING))
		psci_request(t, s.rec, PSCI_CPU_ON, 1, 0x80000, 0);

	/* The entry part of the run page. */
	if (st & BIT(E_EMUL_MMIO))
		rr->enter.flags |= REC_ENTRY_FLAG_EMUL_MMIO;
	if (st & BIT(E_INJECT_SEA))
		rr->enter.flags |= REC_ENTRY_FLAG_INJECT_SEA;
	if (st & BIT(E_GIC_HCR))
		rr->enter.gicv3_hcr = BIT(10); /* TC */
	if (st & BIT(E_GIC_HCR_EN))
		rr->enter.gicv3_hcr = BIT(0);
	const uint64_t pending = UINT64_C(1) << ICH_LR_STATE_SHIFT | ICH_LR_GROUP;
	if (st & BIT(E_GIC_LR_HW))
		rr->enter.gicv3_lrs[0] = pending | ICH_LR_HW | 40;
	if (st & BIT(E_GIC_LR_DUP)) {
		rr->enter.gicv3_lrs[0] = pending | 40;
		rr->enter.gicv3_lrs[3] = pending | 40;
	}
	if (st & BIT(E_GIC_LR_VINTID))
		rr->enter.gicv3_lrs[1] = pending | 1020;
	if (st & BIT(E_GIC_LR_PINTID))
		rr->enter.gicv3_lrs[2] = pending | UINT64_C(5) << ICH_LR_PINTID_SHIFT | 40;

	assert_rmi(rmi(t, RMI_REC_ENTER, 2, rec, run), row->status, row->index);

	/* Nothing was written back, to the run page or elsewhere. */
	const uint8_t *exit_bytes = (const uint8_t *)&rr->exit;
	for (size_t i = 0; i < sizeof(rr->exit); i++)
		if (exit_bytes[i] != EXIT_JUNK)
			fail_msg("failed REC_ENTER wrote exit byte 0x%zx", i);
	/* The REC was not left running: undo the white-box state and tear the
	 * realms down step by step (REC_DESTROY fails on a running REC). */
	wb_granule(t, s.rec)->refcount = 0;
	wb_rec(t, s.rec)->psci.pending = 0;
	assert_int_equal(wb_granule(t, n0)->refcount, 0);
	assert_int_equal(wb_granule(t, rec1)->refcount, 0);
	tm_realm_teardown(t, &s.r);
	tm_realm_teardown(t, &n);
	end_tm(t);
}

/* A runnable REC of an ACTIVE realm enters; with no vCPU attached yet (the
 * execution issue brings one) it exits at once with RMI_EXIT_IRQ, and the
 * RMM fills the exit part of the run page (zeroing what it does not report). */
static void rec_enter_runs_runnable_rec_of_active_realm_and_reports_irq_exit(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);
	activate(t, s.rd);
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
	end_tm(t);
}

/* Valid virtual GIC state: allowed ICH_HCR bits and well-formed list
 * registers (pending, active, EOI-maintenance, SPI and LPI vINTIDs). */
static void rec_enter_accepts_valid_gicv3_state(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);
	activate(t, s.rd);
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
	end_tm(t);
}

/* enter.flags.emul_mmio is accepted after an emulatable data abort exit
 * (white-box: the last-exit record), and only once. */
static void rec_enter_accepts_emul_mmio_after_emulatable_abort_once(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);
	activate(t, s.rd);
	uint64_t run = tm_granule(t);
	struct rmi_rec_run *rr = tm_ptr(t, run);

	wb_rec(t, s.rec)->last_exit.emulatable_abort = 1;
	wb_rec(t, s.rec)->last_exit.unprotected_abort = 1;
	rr->enter.flags = REC_ENTRY_FLAG_EMUL_MMIO;
	rr->enter.gprs[0] = 0x1234;
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_SUCCESS, 0);
	/* The abort is completed: the next exit was an IRQ, so no more MMIO. */
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_ERROR_REC, 0);
	rr->enter.flags = 0;
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* enter.flags.inject_sea is accepted after a data abort at an unprotected
 * IPA (white-box: the last-exit record). */
static void rec_enter_accepts_inject_sea_after_unprotected_data_abort(void **state)
{
	(void)state;
	struct tmach *t = new_tm();
	struct tm_states s;
	tm_states_create(t, &s, 1);
	activate(t, s.rd);
	uint64_t run = tm_granule(t);
	struct rmi_rec_run *rr = tm_ptr(t, run);

	wb_rec(t, s.rec)->last_exit.unprotected_abort = 1;
	rr->enter.flags = REC_ENTRY_FLAG_INJECT_SEA;
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, s.rec, run), RMI_ERROR_REC, 0);
	tm_realm_teardown(t, &s.r);
	end_tm(t);
}

/* ============================= RMI_PSCI_COMPLETE ============================= */

enum {
	P_ALIAS,
	P_CALLING_UNALIGNED,
	P_CALLING_MMIO,
	P_CALLING_OUTSIDE,
	P_CALLING_UNDELEGATED,
	P_CALLING_DELEGATED,
	P_CALLING_RD,
	P_CALLING_RTT,
	P_CALLING_DATA,
	P_CALLING_REC_AUX,
	P_TARGET_UNALIGNED,
	P_TARGET_MMIO,
	P_TARGET_OUTSIDE,
	P_TARGET_UNDELEGATED,
	P_TARGET_DELEGATED,
	P_TARGET_RD,
	P_TARGET_RTT,
	P_TARGET_DATA,
	P_TARGET_REC_AUX,
	P_NO_REQUEST,
	P_CALLING_RUNNING,   /* white-box: the caller is inside REC_ENTER */
	P_OTHER_OWNER,       /* target: REC 0 of realm B; request names MPIDR 0 */
	P_OTHER_MPIDR,       /* request names MPIDR 2, target is REC 1 */
	P_STATUS_NOT_SUPPORTED,
	P_STATUS_ALREADY_ON,
	P_AFFINITY_DENIED,   /* AFFINITY_INFO completed with PSCI_DENIED */
};

struct psci_row {
	const char *name;
	const char *label;
	const char *intent;
	uint64_t stim;
	enum rmi_status status;
	unsigned index;
};

#define PSCI_STATE_ROWS(who, WHO, P)                                                           \
	{ "psci_complete_fails_" who "_state_for_undelegated_granule", who " state",           \
	  WHO "_GRAN_STATE_UNDELEGATED", BIT(P##_UNDELEGATED), IN, 0 },                          \
	{ "psci_complete_fails_" who "_state_for_delegated_granule", who " state",             \
	  WHO "_GRAN_STATE_DELEGATED", BIT(P##_DELEGATED), IN, 0 },                              \
	{ "psci_complete_fails_" who "_state_for_rd_granule", who " state", WHO "_GRAN_STATE_RD", \
	  BIT(P##_RD), IN, 0 },                                                                \
	{ "psci_complete_fails_" who "_state_for_rtt_granule", who " state",                   \
	  WHO "_GRAN_STATE_RTT", BIT(P##_RTT), IN, 0 },                                          \
	{ "psci_complete_fails_" who "_state_for_data_granule", who " state",                  \
	  WHO "_GRAN_STATE_DATA", BIT(P##_DATA), IN, 0 }

static struct psci_row psci_rows[] = {
	{ "psci_complete_fails_alias_for_calling_equal_to_target", "alias", "ALIAS", BIT(P_ALIAS),
	  IN, 0 },
	{ "psci_complete_fails_calling_align_for_unaligned_calling_rec", "calling_align",
	  "CALLING_UNALIGNED", BIT(P_CALLING_UNALIGNED), IN, 0 },
	{ "psci_complete_fails_calling_bound_for_mmio_calling_rec", "calling_bound",
	  "CALLING_DEV_MEM", BIT(P_CALLING_MMIO), IN, 0 },
	{ "psci_complete_fails_calling_bound_outside_permitted_pa", "calling_bound",
	  "CALLING_OUT_OF_PERMITTED_PA", BIT(P_CALLING_OUTSIDE), IN, 0 },
	PSCI_STATE_ROWS("calling", "CALLING", P_CALLING),
	{ "psci_complete_fails_target_align_for_unaligned_target_rec", "target_align",
	  "TARGET_UNALIGNED", BIT(P_TARGET_UNALIGNED), IN, 0 },
	{ "psci_complete_fails_target_bound_for_mmio_target_rec", "target_bound", "TARGET_DEV_MEM",
	  BIT(P_TARGET_MMIO), IN, 0 },
	{ "psci_complete_fails_target_bound_outside_permitted_pa", "target_bound",
	  "TARGET_OUT_OF_PERMITTED_PA", BIT(P_TARGET_OUTSIDE), IN, 0 },
	PSCI_STATE_ROWS("target", "TARGET", P_TARGET),
	{ "psci_complete_fails_pending_without_psci_request", "pending", "NO_PSCI_REQUEST",
	  BIT(P_NO_REQUEST), IN, 0 },
	{ "psci_complete_fails_owner_for_target_in_other_realm", "owner", "TARGET_OTHER_OWNER",
	  BIT(P_OTHER_OWNER), IN, 0 },
	{ "psci_complete_fails_target_for_target_with_other_mpidr", "target", "TARGET_OTHER_MPIDR",
	  BIT(P_OTHER_MPIDR), IN, 0 },
	{ "psci_complete_fails_status_for_cpu_on_not_supported", "status", "STATUS_NOT_PERMITTED",
	  BIT(P_STATUS_NOT_SUPPORTED), IN, 0 },
	/* Beyond the suite. */
	{ "psci_complete_fails_calling_state_for_rec_aux_granule", "extra",
	  "CALLING_GRAN_STATE_REC_AUX", BIT(P_CALLING_REC_AUX), IN, 0 },
	{ "psci_complete_fails_target_state_for_rec_aux_granule", "extra",
	  "TARGET_GRAN_STATE_REC_AUX", BIT(P_TARGET_REC_AUX), IN, 0 },
	{ "psci_complete_fails_pending_for_running_calling_rec", "extra", "CALLING_RUNNING",
	  BIT(P_CALLING_RUNNING), IN, 0 },
	{ "psci_complete_fails_status_for_cpu_on_already_on", "extra", "STATUS_ALREADY_ON",
	  BIT(P_STATUS_ALREADY_ON), IN, 0 },
	{ "psci_complete_fails_status_for_affinity_info_denied", "extra", "AFFINITY_INFO_DENIED",
	  BIT(P_AFFINITY_DENIED), IN, 0 },
};

/* Fixture of the PSCI_COMPLETE rows: realm A (ACTIVE, VMID 1) with REC 0 (the
 * caller, runnable) and REC 1 (the target, MPIDR 1, not runnable); realm B
 * (ACTIVE, VMID 2) with its REC 0. REC 0 of A has a CPU_ON request for
 * MPIDR 1 pending (white-box). */
static void psci_complete_row(void **state)
{
	const struct psci_row *row = *state;
	const uint64_t st = row->stim;
	struct tmach *t = new_tm();
	struct tm_states s;
	struct trealm b;
	tm_states_create(t, &s, 1);
	uint64_t rec1 = tm_rec_create(t, &s.r, 1, 0, NULL);
	tm_realm_create(t, &b, 40, 1, 2);
	uint64_t b0 = tm_rec_create(t, &b, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	activate(t, s.rd);
	activate(t, b.rd);

	uint64_t calling = s.rec, target = rec1, status = PSCI_SUCCESS;
	uint64_t fid = PSCI_CPU_ON, target_mpidr = 1;

	if (st & BIT(P_ALIAS))
		target = calling;
	if (st & BIT(P_CALLING_UNALIGNED))
		calling += 0x800;
	if (st & BIT(P_CALLING_MMIO))
		calling = PA_MMIO;
	if (st & BIT(P_CALLING_OUTSIDE))
		calling = PA_OUTSIDE;
	if (st & BIT(P_CALLING_UNDELEGATED))
		calling = s.undelegated;
	if (st & BIT(P_CALLING_DELEGATED))
		calling = s.delegated;
	if (st & BIT(P_CALLING_RD))
		calling = s.rd;
	if (st & BIT(P_CALLING_RTT))
		calling = s.rtt;
	if (st & BIT(P_CALLING_DATA))
		calling = s.data;
	if (st & BIT(P_CALLING_REC_AUX))
		calling = s.rec_aux;
	if (st & BIT(P_TARGET_UNALIGNED))
		target += 0x800;
	if (st & BIT(P_TARGET_MMIO))
		target = PA_MMIO;
	if (st & BIT(P_TARGET_OUTSIDE))
		target = PA_OUTSIDE;
	if (st & BIT(P_TARGET_UNDELEGATED))
		target = s.undelegated;
	if (st & BIT(P_TARGET_DELEGATED))
		target = s.delegated;
	if (st & BIT(P_TARGET_RD))
		target = s.rd;
	if (st & BIT(P_TARGET_RTT))
		target = s.rtt;
	if (st & BIT(P_TARGET_DATA))
		target = s.data;
	if (st & BIT(P_TARGET_REC_AUX))
		target = s.rec_aux;
	if (st & BIT(P_OTHER_OWNER)) {
		target = b0;
		target_mpidr = 0;
	}
	if (st & BIT(P_OTHER_MPIDR))
		target_mpidr = 2;
	if (st & BIT(P_STATUS_NOT_SUPPORTED))
		status = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
	if (st & BIT(P_STATUS_ALREADY_ON))
		status = (uint64_t)(int64_t)PSCI_ALREADY_ON;
	if (st & BIT(P_AFFINITY_DENIED)) {
		fid = PSCI_AFFINITY_INFO;
		status = (uint64_t)(int64_t)PSCI_DENIED;
	}

	if (!(st & BIT(P_NO_REQUEST)))
		psci_request(t, s.rec, fid, target_mpidr, 0x80000, 0xc0ffee);
	if (st & BIT(P_CALLING_RUNNING))
		wb_granule(t, s.rec)->refcount = 1;
	wb_rec(t, s.rec)->gprs[0] = 0x5a5a;

	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, calling, target, status), row->status, row->index);

	/* Nothing completed: the request is still pending, the target still off,
	 * the caller's X0 untouched. */
	assert_int_equal(wb_rec(t, s.rec)->psci.pending, !(st & BIT(P_NO_REQUEST)));
	assert_int_equal(wb_rec(t, s.rec)->gprs[0], 0x5a5a);
	assert_int_equal(wb_rec(t, rec1)->runnable, 0);
	assert_int_equal(wb_rec(t, b0)->gprs[0], 0);
	wb_granule(t, s.rec)->refcount = 0;
	tm_realm_teardown(t, &s.r);
	tm_realm_teardown(t, &b);
	end_tm(t);
}

/* A realm of two RECs: REC 0 runnable, REC 1 (MPIDR 1) created runnable or
 * not; activated. */
struct psci_fix {
	struct tmach *t;
	struct trealm r;
	uint64_t rec0, rec1, run;
};

static void psci_fix(struct psci_fix *f, bool rec1_runnable)
{
	f->t = new_tm();
	tm_realm_create(f->t, &f->r, 40, 1, 1);
	f->rec0 = tm_rec_create(f->t, &f->r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	f->rec1 = tm_rec_create(f->t, &f->r, 1, rec1_runnable ? RMI_REC_FLAG_RUNNABLE : 0, NULL);
	activate(f->t, f->r.rd);
	f->run = tm_granule(f->t);
}

static void psci_complete_cpu_on_success_makes_target_runnable(void **state)
{
	(void)state;
	struct psci_fix f;
	psci_fix(&f, false);
	struct tmach *t = f.t;
	psci_request(t, f.rec0, PSCI_CPU_ON, 1, 0x88000, 0xc0ffee);
	/* Before: the caller waits for the host, the target is off. */
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, f.rec0, f.run), RMI_ERROR_REC, 0);
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, f.rec1, f.run), RMI_ERROR_REC, 0);

	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, f.rec0, f.rec1, (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	const struct rec *caller = wb_rec(t, f.rec0), *target = wb_rec(t, f.rec1);
	assert_int_equal(caller->psci.pending, 0);
	assert_int_equal(caller->gprs[0], PSCI_SUCCESS);
	assert_int_equal(target->runnable, 1);
	assert_int_equal(target->pc, 0x88000);
	assert_int_equal(target->gprs[0], 0xc0ffee);
	for (unsigned i = 1; i < RMI_REC_RUN_GPRS; i++)
		assert_int_equal(target->gprs[i], 0);
	assert_int_equal(target->pstate, 0x3c5);

	/* After: both enter; the request cannot be completed twice. */
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, f.rec0, f.run), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, f.rec1, f.run), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, f.rec0, f.rec1, (uint64_t)PSCI_SUCCESS),
		   RMI_ERROR_INPUT, 0);
	tm_realm_teardown(t, &f.r);
	end_tm(t);
}

static void psci_complete_cpu_on_denied_leaves_target_off(void **state)
{
	(void)state;
	struct psci_fix f;
	psci_fix(&f, false);
	struct tmach *t = f.t;
	psci_request(t, f.rec0, PSCI_CPU_ON, 1, 0x88000, 0);
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, f.rec0, f.rec1, (uint64_t)(int64_t)PSCI_DENIED),
		   RMI_SUCCESS, 0);
	assert_int_equal(wb_rec(t, f.rec0)->psci.pending, 0);
	assert_int_equal(wb_rec(t, f.rec0)->gprs[0], (uint64_t)(int64_t)PSCI_DENIED);
	assert_int_equal(wb_rec(t, f.rec1)->runnable, 0);
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, f.rec0, f.run), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, f.rec1, f.run), RMI_ERROR_REC, 0);
	tm_realm_teardown(t, &f.r);
	end_tm(t);
}

static void psci_complete_cpu_on_reports_already_on_for_runnable_target(void **state)
{
	(void)state;
	struct psci_fix f;
	psci_fix(&f, true);
	struct tmach *t = f.t;
	psci_request(t, f.rec0, PSCI_CPU_ON, 1, 0x88000, 0x77);
	uint64_t pc = wb_rec(t, f.rec1)->pc;
	assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, f.rec0, f.rec1, (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(wb_rec(t, f.rec0)->gprs[0], (uint64_t)(int64_t)PSCI_ALREADY_ON);
	assert_int_equal(wb_rec(t, f.rec0)->psci.pending, 0);
	/* The running target is not reset. */
	assert_int_equal(wb_rec(t, f.rec1)->pc, pc);
	assert_int_equal(wb_rec(t, f.rec1)->runnable, 1);
	tm_realm_teardown(t, &f.r);
	end_tm(t);
}

static void psci_complete_affinity_info_reports_target_on_or_off(void **state)
{
	(void)state;
	for (int on = 0; on < 2; on++) {
		struct psci_fix f;
		psci_fix(&f, on);
		struct tmach *t = f.t;
		psci_request(t, f.rec0, PSCI_AFFINITY_INFO, 1, 0, 0);
		assert_rmi(rmi(t, RMI_PSCI_COMPLETE, 3, f.rec0, f.rec1, (uint64_t)PSCI_SUCCESS),
			   RMI_SUCCESS, 0);
		assert_int_equal(wb_rec(t, f.rec0)->gprs[0],
				 on ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
		assert_int_equal(wb_rec(t, f.rec0)->psci.pending, 0);
		assert_int_equal(wb_rec(t, f.rec1)->runnable, (uint64_t)on);
		tm_realm_teardown(t, &f.r);
		end_tm(t);
	}
}

#define T(f) cmocka_unit_test_teardown(f, destroy_live)
#define ADD_ROWS(rows, fn)                                                                     \
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)                                          \
		tests[n++] = (struct CMUnitTest){ rows[i].name, fn, NULL, destroy_live, &rows[i] };

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		T(rec_create_succeeds_and_reads_back_rec),
		T(rec_create_measures_only_runnable_recs),
		T(rec_create_accepts_mpidr_aff1_after_sixteen_recs),
		T(rec_destroy_returns_rec_and_aux_to_delegated_zeroed),
		T(rec_destroy_does_not_reuse_rec_index),
		T(rec_destroy_fails_rec_state_for_running_rec_with_rec_error),
		T(rec_enter_runs_runnable_rec_of_active_realm_and_reports_irq_exit),
		T(rec_enter_accepts_valid_gicv3_state),
		T(rec_enter_accepts_emul_mmio_after_emulatable_abort_once),
		T(rec_enter_accepts_inject_sea_after_unprotected_data_abort),
		T(psci_complete_cpu_on_success_makes_target_runnable),
		T(psci_complete_cpu_on_denied_leaves_target_off),
		T(psci_complete_cpu_on_reports_already_on_for_runnable_target),
		T(psci_complete_affinity_info_reports_target_on_or_off),
	};
	struct CMUnitTest tests[ARRAY_SIZE(create_rows) + ARRAY_SIZE(destroy_rows) +
				ARRAY_SIZE(enter_rows) + ARRAY_SIZE(psci_rows) + ARRAY_SIZE(fixed)];
	size_t n = 0;

	ADD_ROWS(create_rows, rec_create_row)
	ADD_ROWS(destroy_rows, rec_destroy_row)
	ADD_ROWS(enter_rows, rec_enter_row)
	ADD_ROWS(psci_rows, psci_complete_row)
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests_name("rmi_rec", tests, NULL, NULL);
}
