/* RMI_GRANULE_DELEGATE and RMI_GRANULE_UNDELEGATE: every v1.0 failure row of
 * the Arm RMM compliance suite (spec/rmi-failure-conditions.txt), the success
 * paths with the resulting PAS, protection and contents read back, and edge
 * cases the suite does not exercise.
 *
 * ACS rows covered (label, stimulus -> expected), one table entry each:
 *   rmi_granule_delegate_data.h
 *     gran_align ADDR_UNALIGNED -> INPUT
 *     gran_bound ADDR_DEV_MEM_MMIO -> INPUT
 *     gran_bound ADDR_OUTSIDE_OF_PERMITTED_PA -> INPUT
 *     gran_state ADDR_DELEGATED, ADDR_REC, ADDR_DATA, ADDR_RTT, ADDR_RD -> INPUT
 *     gran_gpt GRANULE_GPT_REALM, GRANULE_GPT_SECURE -> INPUT
 *   rmi_granule_undelegate_data.h
 *     gran_align ADDR_UNALIGNED -> INPUT
 *     gran_bound ADDR_DEV_MEM_MMIO, ADDR_OUTSIDE_OF_PERMITTED_PA -> INPUT
 *     gran_state ADDR_UNDELEGATED, ADDR_REC, ADDR_DATA, ADDR_RTT, ADDR_RD -> INPUT
 * All failure conditions of both commands share RMI_ERROR_INPUT, so no
 * failure order is observable. */
#include "harness.h"

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

/* Where a row's address comes from. */
enum stim {
	ST_UNALIGNED_NS,        /* an NS granule + 0x800 */
	ST_UNALIGNED_DELEGATED, /* a DELEGATED granule + 0x800 */
	ST_MMIO,
	ST_OUTSIDE,
	ST_UNDELEGATED,
	ST_DELEGATED,
	ST_RD,
	ST_REC,
	ST_REC_AUX,
	ST_RTT,
	ST_RTT3,
	ST_DATA,
	ST_SECURE,
	ST_ROOT,
	ST_BELOW_DRAM, /* the granule just below DRAM (neither DRAM nor MMIO) */
	ST_DRAM_END,   /* the first granule past DRAM */
	ST_HIGH_BIT,   /* bit 63 set */
};

struct row {
	const char *name;   /* the cmocka test name */
	const char *label;  /* ACS failure label, or "extra" for cases the suite lacks */
	const char *intent; /* ACS stimulus */
	enum stim stim;
	enum rmi_status status;
	unsigned index;
};

static uint64_t stim_addr(struct tmach *t, const struct tm_states *s, enum stim st)
{
	switch (st) {
	case ST_UNALIGNED_NS: return s->undelegated + 0x800;
	case ST_UNALIGNED_DELEGATED: return s->delegated + 0x800;
	case ST_MMIO: return PA_MMIO;
	case ST_OUTSIDE: return PA_OUTSIDE;
	case ST_UNDELEGATED: return s->undelegated;
	case ST_DELEGATED: return s->delegated;
	case ST_RD: return s->rd;
	case ST_REC: return s->rec;
	case ST_REC_AUX: return s->rec_aux;
	case ST_RTT: return s->rtt;
	case ST_RTT3: return s->rtt3;
	case ST_DATA: return s->data;
	case ST_SECURE: return tm_secure(t);
	case ST_ROOT: return tm_root(t);
	case ST_BELOW_DRAM: return t->map.dram.base - GRANULE_SIZE;
	case ST_DRAM_END: return t->map.dram.base + t->map.dram.size;
	case ST_HIGH_BIT: return (UINT64_C(1) << 63) | s->undelegated;
	}
	fail_msg("unknown stimulus %d", (int)st);
	return 0;
}

static bool in_dram(struct tmach *t, uint64_t pa)
{
	return pa >= t->map.dram.base && pa - t->map.dram.base < t->map.dram.size;
}

/* Runs one failure row of `fid`: a failed command must leave the PAS of the
 * named granule as it was, and for unaligned addresses the granule they
 * point into must still be in its state (the command did not act on it). */
static void run_row(void **state, uint32_t fid)
{
	const struct row *row = *state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct tm_states s;
	tm_states_create(t, &s, 1);

	uint64_t addr = stim_addr(t, &s, row->stim);
	uint64_t aligned = addr & ~GRANULE_MASK & ~(UINT64_C(1) << 63);
	bool dram = in_dram(t, aligned);
	enum ccakit_pas before = dram ? ccakit_pas_of(t->m, aligned) : CCAKIT_PAS_NS;

	assert_rmi(rmi(t, fid, 1, addr), row->status, row->index);
	if (dram)
		assert_int_equal(ccakit_pas_of(t->m, aligned), before);
	if (row->stim == ST_UNALIGNED_NS)
		assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, aligned), RMI_SUCCESS, 0);
	if (row->stim == ST_UNALIGNED_DELEGATED)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, aligned), RMI_SUCCESS, 0);
	end_tm(t);
}

static void delegate_row(void **state)
{
	run_row(state, RMI_GRANULE_DELEGATE);
}

static void undelegate_row(void **state)
{
	run_row(state, RMI_GRANULE_UNDELEGATE);
}

static struct row delegate_rows[] = {
	{ "granule_delegate_fails_gran_align_for_unaligned_addr", "gran_align", "ADDR_UNALIGNED",
	  ST_UNALIGNED_NS, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_bound_for_mmio_addr", "gran_bound", "ADDR_DEV_MEM_MMIO",
	  ST_MMIO, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_bound_outside_permitted_pa", "gran_bound",
	  "ADDR_OUTSIDE_OF_PERMITTED_PA", ST_OUTSIDE, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_delegated_granule", "gran_state", "ADDR_DELEGATED",
	  ST_DELEGATED, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_rec_granule", "gran_state", "ADDR_REC", ST_REC,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_data_granule", "gran_state", "ADDR_DATA", ST_DATA,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_rtt_granule", "gran_state", "ADDR_RTT", ST_RTT,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_rd_granule", "gran_state", "ADDR_RD", ST_RD,
	  RMI_ERROR_INPUT, 0 },
	/* As in the suite: a granule in the Realm PAS is a delegated one (see
	 * also granule_delegate_fails_gran_gpt_for_realm_pas_granule_tracked_undelegated). */
	{ "granule_delegate_fails_gran_gpt_for_realm_granule", "gran_gpt", "GRANULE_GPT_REALM",
	  ST_DELEGATED, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_gpt_for_secure_granule", "gran_gpt", "GRANULE_GPT_SECURE",
	  ST_SECURE, RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "granule_delegate_fails_gran_gpt_for_root_granule", "extra", "GRANULE_GPT_ROOT", ST_ROOT,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_rec_aux_granule", "extra", "ADDR_REC_AUX",
	  ST_REC_AUX, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_state_for_level3_rtt_granule", "extra", "ADDR_RTT_L3",
	  ST_RTT3, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_bound_just_below_dram", "extra", "ADDR_BELOW_DRAM",
	  ST_BELOW_DRAM, RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_bound_just_past_dram", "extra", "ADDR_DRAM_END", ST_DRAM_END,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_delegate_fails_gran_bound_for_addr_with_bit63", "extra", "ADDR_BIT63",
	  ST_HIGH_BIT, RMI_ERROR_INPUT, 0 },
};

static struct row undelegate_rows[] = {
	{ "granule_undelegate_fails_gran_align_for_unaligned_addr", "gran_align", "ADDR_UNALIGNED",
	  ST_UNALIGNED_DELEGATED, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_bound_for_mmio_addr", "gran_bound", "ADDR_DEV_MEM_MMIO",
	  ST_MMIO, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_bound_outside_permitted_pa", "gran_bound",
	  "ADDR_OUTSIDE_OF_PERMITTED_PA", ST_OUTSIDE, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_undelegated_granule", "gran_state",
	  "ADDR_UNDELEGATED", ST_UNDELEGATED, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_rec_granule", "gran_state", "ADDR_REC", ST_REC,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_data_granule", "gran_state", "ADDR_DATA",
	  ST_DATA, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_rtt_granule", "gran_state", "ADDR_RTT", ST_RTT,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_rd_granule", "gran_state", "ADDR_RD", ST_RD,
	  RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "granule_undelegate_fails_gran_state_for_rec_aux_granule", "extra", "ADDR_REC_AUX",
	  ST_REC_AUX, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_level3_rtt_granule", "extra", "ADDR_RTT_L3",
	  ST_RTT3, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_secure_granule", "extra", "ADDR_PAS_SECURE",
	  ST_SECURE, RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_state_for_root_granule", "extra", "ADDR_PAS_ROOT", ST_ROOT,
	  RMI_ERROR_INPUT, 0 },
	{ "granule_undelegate_fails_gran_bound_just_past_dram", "extra", "ADDR_DRAM_END",
	  ST_DRAM_END, RMI_ERROR_INPUT, 0 },
};

/* ---- success paths and white-box cases ---- */

static void nw_read(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void nw_write(void *p)
{
	*(volatile uint8_t *)p = 0x5a;
}

static void *sys_ptr(struct tmach *t, uint64_t pa)
{
	return plat_sys_ptr(ccakit_machine_platform(t->m), pa);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void granule_delegate_moves_granule_to_realm_pas(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	uint64_t pa = tm_granule(t);
	struct ccakit_gpf gpf;

	memset(tm_ptr(t, pa), 0xa5, GRANULE_SIZE); /* what the host left in it */
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_NS);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_REALM);

	/* The normal world can neither read nor write it any more. */
	assert_true(ccakit_nw_guard(t->m, nw_read, tm_ptr(t, pa + 0x10), &gpf));
	assert_int_equal(gpf.pa, pa + 0x10);
	assert_int_equal(gpf.pas, CCAKIT_PAS_REALM);
	assert_false(gpf.write);
	assert_true(ccakit_nw_guard(t->m, nw_write, tm_ptr(t, pa + GRANULE_SIZE - 1), &gpf));
	assert_int_equal(gpf.pa, pa + GRANULE_SIZE - 1);
	assert_true(gpf.write);
	/* Its neighbours are untouched. */
	assert_false(ccakit_nw_guard(t->m, nw_write, tm_ptr(t, pa + GRANULE_SIZE), &gpf));

	/* White-box: DELEGATED granules are zero (the RMM relies on it). */
	assert_true(all_zero(sys_ptr(t, pa), GRANULE_SIZE));

	/* gran_state: a second delegate is refused. */
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	end_tm(t);
}

static void granule_undelegate_returns_granule_to_ns_zero_filled(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	uint64_t pa = tm_delegated(t);
	struct ccakit_gpf gpf;

	/* White-box: realm-world content the host must never see. */
	memset(sys_ptr(t, pa), 0xc3, GRANULE_SIZE);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_NS);
	assert_false(ccakit_nw_guard(t->m, nw_read, tm_ptr(t, pa), &gpf));
	assert_false(ccakit_nw_guard(t->m, nw_write, tm_ptr(t, pa), &gpf));
	/* gran_content: scrubbed (the byte just written by nw_write aside). */
	assert_true(all_zero((uint8_t *)tm_ptr(t, pa) + 1, GRANULE_SIZE - 1));

	/* gran_state: a second undelegate is refused; it can be delegated again. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_REALM);
	end_tm(t);
}

/* The first and the last delegable granules of DRAM (the monitor's Secure and
 * Root carve-outs sit above the last one). */
static void granule_delegate_accepts_first_and_last_delegable_dram_granules(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	uint64_t first = t->map.dram.base;
	uint64_t last = t->limit - GRANULE_SIZE;

	for (int i = 0; i < 2; i++) {
		uint64_t pa = i ? last : first;
		assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_NS);
		assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
		assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_REALM);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
		assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_NS);
	}
	end_tm(t);
}

/* gran_gpt on its own: the GPT says Realm while the RMM tracks the granule as
 * UNDELEGATED (white-box: the GPT entry is changed behind the RMM's back), so
 * gran_state passes and only gran_gpt can refuse it. */
static void granule_delegate_fails_gran_gpt_for_realm_pas_granule_tracked_undelegated(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct platform *p = ccakit_machine_platform(t->m);
	struct rmm *rmm = ccakit_machine_monitor(t->m)->rmm;
	uint64_t pa = tm_granule(t);

	p->iso->assign(p, pa, PAS_REALM);
	assert_int_equal(granule_at(rmm, pa)->state, GS_UNDELEGATED);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	assert_int_equal(granule_at(rmm, pa)->state, GS_UNDELEGATED);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_REALM);
	p->iso->assign(p, pa, PAS_NS);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	end_tm(t);
}

/* Every granule a realm used is undelegable once the realm is torn down. */
static void granule_undelegate_succeeds_for_every_granule_after_realm_teardown(void **state)
{
	(void)state;
	struct tmach *t = new_tm(tm_create(16 * MIB, 1));
	struct tm_states s;
	tm_states_create(t, &s, 1);
	tm_realm_teardown(t, &s.r); /* undelegates each granule, asserting SUCCESS */
	assert_int_equal(ccakit_pas_of(t->m, s.rd), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rec), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rec_aux), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.data), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rtt), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rtt3), CCAKIT_PAS_NS);
	assert_true(all_zero(tm_ptr(t, s.data), GRANULE_SIZE));
	assert_true(all_zero(tm_ptr(t, s.rd), GRANULE_SIZE));
	end_tm(t);
}

#define T(f) cmocka_unit_test_teardown(f, destroy_live)
#define ADD_ROWS(rows, fn)                                                                     \
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)                                          \
		tests[n++] = (struct CMUnitTest){ rows[i].name, fn, NULL, destroy_live, &rows[i] };

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		T(granule_delegate_moves_granule_to_realm_pas),
		T(granule_undelegate_returns_granule_to_ns_zero_filled),
		T(granule_delegate_accepts_first_and_last_delegable_dram_granules),
		T(granule_delegate_fails_gran_gpt_for_realm_pas_granule_tracked_undelegated),
		T(granule_undelegate_succeeds_for_every_granule_after_realm_teardown),
	};
	struct CMUnitTest tests[ARRAY_SIZE(delegate_rows) + ARRAY_SIZE(undelegate_rows) +
				ARRAY_SIZE(fixed)];
	size_t n = 0;

	ADD_ROWS(delegate_rows, delegate_row)
	ADD_ROWS(undelegate_rows, undelegate_row)
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests_name("rmi_granule", tests, NULL, NULL);
}
