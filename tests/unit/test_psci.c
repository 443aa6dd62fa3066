/* PSCI for realms: what the RMM answers itself, what it forwards to the host,
 * and how RMI_PSCI_COMPLETE and REC_ENTER see the result. The realm's call is
 * made white-box with the REC's registers until realms run. */
#include "harness.h"

#include <string.h>

#include "ccakit/abi/psci.h"
#include "rmm/rmm.h"
#include "whitebox.h"

#define NEG(v) ((uint64_t)(int64_t)(v))

struct psci_fx {
	struct tmach *t;
	struct trealm r;
	uint64_t rec[3];
};

/* A realm (s2sz 40) with three RECs; only REC 0 runnable. */
static struct psci_fx fx_open(void)
{
	struct psci_fx f = { .t = tm_create(16 * MIB, 1) };
	tm_realm_create(f.t, &f.r, 40, 1, 1);
	for (unsigned i = 0; i < 3; i++)
		f.rec[i] = tm_rec_create(f.t, &f.r, rmi_rec_index_to_mpidr(i),
					 i == 0 ? RMI_REC_FLAG_RUNNABLE : 0, NULL);
	return f;
}

static void fx_close(struct psci_fx *f)
{
	tm_realm_teardown(f->t, &f->r);
	tm_destroy(f->t);
}

static bool call(struct psci_fx *f, unsigned rec, uint64_t x[4], uint32_t fid,
		 struct psci_outcome *o)
{
	x[0] = fid;
	psci_handle(wb_rec(f->t, f->rec[rec]), wb_rd(f->t, f->r.rd), x, o);
	return o->exit;
}

static void version_features_and_unknown_calls_are_answered_in_place(void **state)
{
	(void)state;
	struct psci_fx f = fx_open();
	struct psci_outcome o;
	uint64_t x[4] = { 0 };
	assert_false(call(&f, 0, x, PSCI_VERSION, &o));
	assert_int_equal(x[0], PSCI_VERSION_1_1);
	x[1] = PSCI_CPU_ON;
	assert_false(call(&f, 0, x, PSCI_FEATURES, &o));
	assert_int_equal(x[0], PSCI_SUCCESS);
	x[1] = 0x84000010; /* SYSTEM_SUSPEND: not offered */
	call(&f, 0, x, PSCI_FEATURES, &o);
	assert_int_equal(x[0], NEG(PSCI_NOT_SUPPORTED));
	assert_false(call(&f, 0, x, 0x84000010, &o));
	assert_int_equal(x[0], NEG(PSCI_NOT_SUPPORTED));
	assert_true(psci_is_call(PSCI_CPU_ON));
	assert_true(psci_is_call(PSCI_SYSTEM_OFF));
	assert_false(psci_is_call(0xC4000190)); /* RSI_VERSION */
	fx_close(&f);
}

static void cpu_on_is_forwarded_and_completed_by_the_host(void **state)
{
	(void)state;
	struct psci_fx f = fx_open();
	struct psci_outcome o;
	uint64_t target = rmi_rec_index_to_mpidr(1);
	uint64_t x[4] = { 0, target, 0x40001000, 0xc0ffee };
	assert_true(call(&f, 0, x, PSCI_CPU_ON, &o));
	assert_int_equal(o.gprs[0], PSCI_CPU_ON);
	assert_int_equal(o.gprs[1], target);
	/* Entering the caller now fails: its PSCI request is pending. */
	assert_rmi(rmi(f.t, RMI_REALM_ACTIVATE, 1, f.r.rd), RMI_SUCCESS, 0);
	uint64_t run = tm_granule(f.t);
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec[0], run), RMI_ERROR_REC, 0);
	/* The host accepts: REC 1 starts at the entry point with the context. */
	assert_rmi(rmi(f.t, RMI_PSCI_COMPLETE, 3, f.rec[0], f.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	struct rec *r1 = wb_rec(f.t, f.rec[1]), *r0 = wb_rec(f.t, f.rec[0]);
	assert_true(r1->runnable);
	assert_int_equal(r1->regs.pc, 0x40001000);
	assert_int_equal(r1->regs.x[0], 0xc0ffee);
	assert_int_equal(r0->regs.x[0], PSCI_SUCCESS);
	assert_false(r0->psci.pending);
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec[0], run), RMI_SUCCESS, 0);
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec[1], run), RMI_SUCCESS, 0);
	/* Asking again for a REC that is on: the host is told, the realm gets
	 * ALREADY_ON. */
	assert_true(call(&f, 0, x, PSCI_CPU_ON, &o));
	assert_rmi(rmi(f.t, RMI_PSCI_COMPLETE, 3, f.rec[0], f.rec[1], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(wb_rec(f.t, f.rec[0])->regs.x[0], NEG(PSCI_ALREADY_ON));
	fx_close(&f);
}

static void cpu_on_arguments_are_checked_by_the_rmm(void **state)
{
	(void)state;
	struct psci_fx f = fx_open();
	struct psci_outcome o;
	uint64_t x[4] = { 0, rmi_rec_index_to_mpidr(1), UINT64_C(1) << 39, 0 };
	assert_false(call(&f, 0, x, PSCI_CPU_ON, &o)); /* entry not in the protected range */
	assert_int_equal(x[0], NEG(PSCI_INVALID_ADDRESS));
	x[1] = rmi_rec_index_to_mpidr(3); /* no such REC */
	x[2] = 0x40000000;
	assert_false(call(&f, 0, x, PSCI_CPU_ON, &o));
	assert_int_equal(x[0], NEG(PSCI_INVALID_PARAMETERS));
	x[1] = 0x80000001; /* a bit outside RmiRecMpidr */
	assert_false(call(&f, 0, x, PSCI_CPU_ON, &o));
	assert_int_equal(x[0], NEG(PSCI_INVALID_PARAMETERS));
	x[1] = rmi_rec_index_to_mpidr(0); /* itself */
	assert_false(call(&f, 0, x, PSCI_CPU_ON, &o));
	assert_int_equal(x[0], NEG(PSCI_ALREADY_ON));
	assert_false(wb_rec(f.t, f.rec[0])->psci.pending);
	fx_close(&f);
}

static void affinity_info_of_others_goes_through_the_host(void **state)
{
	(void)state;
	struct psci_fx f = fx_open();
	struct psci_outcome o;
	uint64_t x[4] = { 0, rmi_rec_index_to_mpidr(0), 1 };
	assert_false(call(&f, 0, x, PSCI_AFFINITY_INFO, &o)); /* lowest level 1 */
	assert_int_equal(x[0], NEG(PSCI_INVALID_PARAMETERS));
	x[2] = 0;
	assert_false(call(&f, 0, x, PSCI_AFFINITY_INFO, &o)); /* itself */
	assert_int_equal(x[0], PSCI_AFFINITY_ON);
	x[1] = rmi_rec_index_to_mpidr(2);
	assert_true(call(&f, 0, x, PSCI_AFFINITY_INFO, &o));
	assert_int_equal(o.gprs[1], rmi_rec_index_to_mpidr(2));
	/* AFFINITY_INFO may only be completed with SUCCESS. */
	assert_rmi(rmi(f.t, RMI_PSCI_COMPLETE, 3, f.rec[0], f.rec[2], NEG(PSCI_DENIED)),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(f.t, RMI_PSCI_COMPLETE, 3, f.rec[0], f.rec[2], (uint64_t)PSCI_SUCCESS),
		   RMI_SUCCESS, 0);
	assert_int_equal(wb_rec(f.t, f.rec[0])->regs.x[0], PSCI_AFFINITY_OFF);
	fx_close(&f);
}

static void cpu_off_and_suspend_notify_the_host(void **state)
{
	(void)state;
	struct psci_fx f = fx_open();
	struct psci_outcome o;
	uint64_t x[4] = { 0 };
	assert_true(call(&f, 0, x, PSCI_CPU_SUSPEND, &o));
	assert_int_equal(x[0], PSCI_SUCCESS);
	assert_true(wb_rec(f.t, f.rec[0])->runnable);
	assert_true(call(&f, 0, x, PSCI_CPU_OFF, &o));
	assert_int_equal(o.gprs[0], PSCI_CPU_OFF);
	assert_false(wb_rec(f.t, f.rec[0])->runnable);
	assert_rmi(rmi(f.t, RMI_REALM_ACTIVATE, 1, f.r.rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec[0], tm_granule(f.t)), RMI_ERROR_REC, 0);
	fx_close(&f);
}

static void system_off_stops_the_realm(void **state)
{
	(void)state;
	static const uint32_t fids[] = { PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET };
	for (unsigned i = 0; i < 2; i++) {
		struct psci_fx f = fx_open();
		struct psci_outcome o;
		uint64_t x[4] = { 0 };
		assert_rmi(rmi(f.t, RMI_REALM_ACTIVATE, 1, f.r.rd), RMI_SUCCESS, 0);
		assert_true(call(&f, 0, x, fids[i], &o));
		assert_int_equal(o.gprs[0], fids[i]);
		assert_int_equal(wb_rd(f.t, f.r.rd)->state, REALM_SYSTEM_OFF);
		assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec[0], tm_granule(f.t)), RMI_ERROR_REALM, 1);
		fx_close(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version_features_and_unknown_calls_are_answered_in_place),
		cmocka_unit_test(cpu_on_is_forwarded_and_completed_by_the_host),
		cmocka_unit_test(cpu_on_arguments_are_checked_by_the_rmm),
		cmocka_unit_test(affinity_info_of_others_goes_through_the_host),
		cmocka_unit_test(cpu_off_and_suspend_notify_the_host),
		cmocka_unit_test(system_off_stops_the_realm),
	};
	return cmocka_run_group_tests_name("psci", tests, NULL, NULL);
}
