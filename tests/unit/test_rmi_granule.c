/* RMI_GRANULE_DELEGATE and RMI_GRANULE_UNDELEGATE: every v1.0 failure row of
 * the Arm RMM compliance suite (spec/rmi-failure-conditions.txt), the success
 * paths with the resulting PAS, protection and contents read back, and edge
 * cases the suite does not exercise.
 *
 * ACS rows covered (label, stimulus -> expected), each a test named
 * "<command>_fails_<label>_<STIMULUS>" built from the tables below:
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
#include "acs_rows.h"
#include "whitebox.h"

#include <string.h>

#include "monitor/machine_internal.h"
#include "platform/platform.h"
#include "rmm/rmm.h"

static const struct acs_row delegate_rows[] = {
	{ "gran_align", "ADDR_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_DEV_MEM_MMIO", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_DELEGATED", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_REC", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_DATA", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_RTT", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_RD", RMI_ERROR_INPUT, 0 },
	/* As in the suite: a granule in the Realm PAS is a delegated one (see
	 * also granule_delegate_fails_gran_gpt_for_realm_pas_granule_tracked_undelegated). */
	{ "gran_gpt", "GRANULE_GPT_REALM", RMI_ERROR_INPUT, 0 },
	{ "gran_gpt", "GRANULE_GPT_SECURE", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "gran_gpt", "GRANULE_GPT_ROOT", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_RTT_L3", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_BELOW_DRAM", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_DRAM_END", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_BIT63", RMI_ERROR_INPUT, 0 },
};

static const struct acs_row undelegate_rows[] = {
	{ "gran_align", "ADDR_UNALIGNED", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_DEV_MEM_MMIO", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_OUTSIDE_OF_PERMITTED_PA", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_UNDELEGATED", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_REC", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_DATA", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_RTT", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_RD", RMI_ERROR_INPUT, 0 },
	/* Beyond the suite. */
	{ "gran_state", "ADDR_REC_AUX", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_RTT_L3", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_PAS_SECURE", RMI_ERROR_INPUT, 0 },
	{ "gran_state", "ADDR_PAS_ROOT", RMI_ERROR_INPUT, 0 },
	{ "gran_bound", "ADDR_DRAM_END", RMI_ERROR_INPUT, 0 },
};

static bool in_dram(struct tmach *t, uint64_t pa)
{
	return pa >= t->map.dram.base && pa - t->map.dram.base < t->map.dram.size;
}

/* Runs one failure row of `fid`, whose valid address is an NS granule for
 * DELEGATE and a DELEGATED one for UNDELEGATE: a failed command must leave
 * the PAS of the named granule as it was, and for an unaligned address the
 * granule it points into must still be in its state (the command did not
 * act on it). */
static void run_row(const struct acs_row *row, uint32_t fid)
{
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	uint64_t addr = fid == RMI_GRANULE_DELEGATE ? s.undelegated : s.delegated;

	if (acs_granule_stimulus(t, &s, "ADDR", row, &addr) ||
	    acs_granule_stimulus(t, &s, "GRANULE", row, &addr)) {
	} else if (acs_is(row, "ADDR_RTT_L3")) {
		addr = s.rtt3;
	} else if (acs_is(row, "ADDR_BELOW_DRAM")) { /* neither DRAM nor MMIO */
		addr = t->map.dram.base - GRANULE_SIZE;
	} else if (acs_is(row, "ADDR_DRAM_END")) { /* the first granule past DRAM */
		addr = t->map.dram.base + t->map.dram.size;
	} else if (acs_is(row, "ADDR_BIT63")) {
		addr = (UINT64_C(1) << 63) | s.undelegated;
	} else {
		acs_unknown_stimulus(row);
	}
	uint64_t aligned = addr & ~GRANULE_MASK & ~(UINT64_C(1) << 63);
	bool dram = in_dram(t, aligned);
	enum ccakit_pas before = dram ? ccakit_pas_of(t->m, aligned) : CCAKIT_PAS_NS;

	assert_acs_row(rmi(t, fid, 1, addr), row);
	if (dram)
		assert_int_equal(ccakit_pas_of(t->m, aligned), before);
	if (acs_is(row, "ADDR_UNALIGNED"))
		assert_rmi(rmi(t, fid, 1, aligned), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

static void delegate_row(void **state)
{
	run_row(*state, RMI_GRANULE_DELEGATE);
}

static void undelegate_row(void **state)
{
	run_row(*state, RMI_GRANULE_UNDELEGATE);
}

/* ---- success paths and white-box cases ---- */

static void nw_read(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void nw_write(void *p)
{
	*(volatile uint8_t *)p = 0x5a;
}

static void granule_delegate_moves_granule_to_realm_pas(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
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
	assert_true(tm_all_zero(wb_sys_ptr(t, pa), GRANULE_SIZE));

	/* gran_state: a second delegate is refused. */
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	acs_machine_destroy(t);
}

static void granule_undelegate_returns_granule_to_ns_zero_filled(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	uint64_t pa = tm_delegated(t);
	struct ccakit_gpf gpf;

	/* White-box: realm-world content the host must never see. */
	memset(wb_sys_ptr(t, pa), 0xc3, GRANULE_SIZE);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_NS);
	assert_false(ccakit_nw_guard(t->m, nw_read, tm_ptr(t, pa), &gpf));
	assert_false(ccakit_nw_guard(t->m, nw_write, tm_ptr(t, pa), &gpf));
	/* gran_content: scrubbed (the byte just written by nw_write aside). */
	assert_true(tm_all_zero((uint8_t *)tm_ptr(t, pa) + 1, GRANULE_SIZE - 1));

	/* gran_state: a second undelegate is refused; it can be delegated again. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_REALM);
	acs_machine_destroy(t);
}

/* The first and the last delegable granules of DRAM (the monitor's Secure and
 * Root carve-outs sit above the last one). */
static void granule_delegate_accepts_first_and_last_delegable_dram_granules(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
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
	acs_machine_destroy(t);
}

/* gran_gpt on its own: the GPT says Realm while the RMM tracks the granule as
 * UNDELEGATED (white-box: the GPT entry is changed behind the RMM's back), so
 * gran_state passes and only gran_gpt can refuse it. */
static void granule_delegate_fails_gran_gpt_for_realm_pas_granule_tracked_undelegated(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct platform *p = ccakit_machine_platform(t->m);
	uint64_t pa = tm_granule(t);

	p->iso->assign(p, pa, PAS_REALM);
	assert_int_equal(wb_granule(t, pa)->state, GS_UNDELEGATED);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	assert_int_equal(wb_granule(t, pa)->state, GS_UNDELEGATED);
	assert_int_equal(ccakit_pas_of(t->m, pa), CCAKIT_PAS_REALM);
	p->iso->assign(p, pa, PAS_NS);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	acs_machine_destroy(t);
}

/* Every granule a realm used is undelegable once the realm is torn down. */
static void granule_undelegate_succeeds_for_every_granule_after_realm_teardown(void **state)
{
	(void)state;
	struct tmach *t = acs_machine(16 * MIB);
	struct tm_states s;
	tm_states_create(t, &s, 1);
	tm_realm_teardown(t, &s.r); /* undelegates each granule, asserting SUCCESS */
	assert_int_equal(ccakit_pas_of(t->m, s.rd), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rec), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rec_aux), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.data), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rtt), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, s.rtt3), CCAKIT_PAS_NS);
	assert_true(tm_all_zero(tm_ptr(t, s.data), GRANULE_SIZE));
	assert_true(tm_all_zero(tm_ptr(t, s.rd), GRANULE_SIZE));
	acs_machine_destroy(t);
}

int main(void)
{
	static const struct acs_table tables[] = {
		ACS_TABLE("granule_delegate", delegate_rows, delegate_row),
		ACS_TABLE("granule_undelegate", undelegate_rows, undelegate_row),
	};
	static const struct CMUnitTest extra[] = {
		cmocka_unit_test(granule_delegate_moves_granule_to_realm_pas),
		cmocka_unit_test(granule_undelegate_returns_granule_to_ns_zero_filled),
		cmocka_unit_test(granule_delegate_accepts_first_and_last_delegable_dram_granules),
		cmocka_unit_test(granule_delegate_fails_gran_gpt_for_realm_pas_granule_tracked_undelegated),
		cmocka_unit_test(granule_undelegate_succeeds_for_every_granule_after_realm_teardown),
	};
	return ACS_RUN("rmi_granule", tables, extra);
}
