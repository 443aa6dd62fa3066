/* RECs that really run: REC_ENTER's exits, black-box, with tiny programs in
 * a realm's DATA (the tests of the guest SDK's examples are in
 * test_run_examples). */
#include <time.h>

#include "harness.h"
#include "whitebox.h"

#include "ccakit/abi/psci.h"
#include "ccakit/abi/rsi.h"
#include "rmm/rmm.h"

#define CODE_IPA UINT64_C(0x10000)
#define A64_HVC0 UINT32_C(0xd4000002)
#define A64_LDR_W1_X0 UINT32_C(0xb9400001) /* ldr w1, [x0] */
#define A64_STR_W2_X0 UINT32_C(0xb9000002) /* str w2, [x0] */

struct fx {
	struct tmach *t;
	struct trealm r;
	uint64_t rec, run;
};

/* A realm whose REC 0 starts at CODE_IPA with X0..X3 as given, and
 * data_pages more pages (of WFIs) after the code. */
static void fx_open_data(struct fx *f, const uint32_t *code, unsigned n, const uint64_t x[4],
			 unsigned data_pages)
{
	f->t = tm_create(16 << 20, 1);
	tm_realm_create(f->t, &f->r, 40, 1, 2);
	tm_code_page(f->t, &f->r, CODE_IPA, code, n);
	for (unsigned i = 1; i <= data_pages; i++)
		tm_code_page(f->t, &f->r, CODE_IPA + i * GRANULE_SIZE, NULL, 0);
	f->rec = tm_rec_create(f->t, &f->r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	struct rec *rec = wb_rec(f->t, f->rec);
	rec->regs.pc = CODE_IPA;
	for (unsigned i = 0; i < 4 && x; i++)
		rec->regs.x[i] = x[i];
	tm_realm_activate(f->t, f->r.rd);
	f->run = tm_granule(f->t);
}

static void fx_open(struct fx *f, const uint32_t *code, unsigned n, const uint64_t x[4])
{
	fx_open_data(f, code, n, x, 0);
}

static struct rmi_rec_exit *enter(struct fx *f, uint64_t flags)
{
	tm_run_prepare(f->t, f->run, flags);
	assert_rmi(rmi(f->t, RMI_REC_ENTER, 2, f->rec, f->run), RMI_SUCCESS, 0);
	return &((struct rmi_rec_run *)tm_ptr(f->t, f->run))->exit;
}

static void fx_close(struct fx *f)
{
	tm_realm_teardown(f->t, &f->r);
	tm_destroy(f->t);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void rec_that_never_stops_is_preempted_with_an_irq_exit(void **state)
{
	(void)state;
	static const uint32_t code[] = { A64_B_SELF };
	struct fx f;
	fx_open(&f, code, 1, NULL);
	double t0 = now_s();
	struct rmi_rec_exit *e = enter(&f, 0);
	double took = now_s() - t0;
	assert_int_equal(e->exit_reason, RMI_EXIT_IRQ);
	assert_int_equal(wb_rec(f.t, f.rec)->regs.pc, CODE_IPA);
	/* One slice (20 ms) and the host has the PE back; generous for a
	 * loaded machine. */
	assert_true(took < 2.0);
	fx_close(&f);
}

static void trapped_wfi_exits_with_its_syndrome_and_pc_past_it(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, NULL, 0, NULL);
	struct rmi_rec_exit *e = enter(&f, REC_ENTRY_FLAG_TRAP_WFI);
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(e->esr, UINT64_C(0x01) << 26); /* EC WFx, TI 0 (WFI) */
	assert_int_equal(wb_rec(f.t, f.rec)->regs.pc, CODE_IPA + 4);
	fx_close(&f);
}

static void rsi_version_is_answered_without_an_exit(void **state)
{
	(void)state;
	static const uint32_t code[] = { A64_SMC0 };
	const uint64_t x[4] = { RSI_VERSION, RSI_ABI_VERSION };
	struct fx f;
	fx_open(&f, code, 1, x);
	struct rmi_rec_exit *e = enter(&f, REC_ENTRY_FLAG_TRAP_WFI);
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC); /* the WFI after the SMC */
	const struct rec *rec = wb_rec(f.t, f.rec);
	assert_int_equal(rec->regs.x[0], RSI_SUCCESS);
	assert_int_equal(rec->regs.x[1], RSI_ABI_VERSION);
	assert_int_equal(rec->regs.x[2], RSI_ABI_VERSION);
	assert_int_equal(rec->regs.pc, CODE_IPA + 8);
	fx_close(&f);
}

static void system_off_ends_the_realm(void **state)
{
	(void)state;
	static const uint32_t code[] = { A64_SMC0 };
	const uint64_t x[4] = { PSCI_SYSTEM_OFF };
	struct fx f;
	fx_open(&f, code, 1, x);
	struct rmi_rec_exit *e = enter(&f, 0);
	assert_int_equal(e->exit_reason, RMI_EXIT_PSCI);
	assert_int_equal(e->gprs[0], PSCI_SYSTEM_OFF);
	tm_run_prepare(f.t, f.run, 0);
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec, f.run), RMI_ERROR_REALM, 1);
	fx_close(&f);
}

static void mmio_read_is_emulated_by_the_host_and_completed_on_entry(void **state)
{
	(void)state;
	static const uint32_t code[] = { A64_LDR_W1_X0 };
	const uint64_t unprotected = UINT64_C(1) << 39;
	const uint64_t x[4] = { unprotected + 0x9000010 };
	struct fx f;
	fx_open(&f, code, 1, x);
	struct rmi_rec_exit *e = enter(&f, 0);
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	/* EC data abort, ISV, SAS word, no SRT (hidden), read, level-1
	 * translation fault; FAR the page offset; HPFAR the IPA page. */
	assert_int_equal(e->esr, UINT64_C(0x24) << 26 | UINT64_C(1) << 24 | UINT64_C(2) << 22 | 0x05);
	assert_int_equal(e->far, 0x010);
	assert_int_equal(e->hpfar, (unprotected + 0x9000000) >> 8);
	tm_run_prepare(f.t, f.run, REC_ENTRY_FLAG_EMUL_MMIO | REC_ENTRY_FLAG_TRAP_WFI);
	struct rmi_rec_run *run = tm_ptr(f.t, f.run);
	run->enter.gprs[0] = UINT64_C(0xffffffff87654321); /* only the word is loaded */
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec, f.run), RMI_SUCCESS, 0);
	assert_int_equal(run->exit.exit_reason, RMI_EXIT_SYNC); /* the WFI */
	assert_int_equal(wb_rec(f.t, f.rec)->regs.x[1], 0x87654321);
	assert_int_equal(wb_rec(f.t, f.rec)->regs.pc, CODE_IPA + 8);
	fx_close(&f);
}

static void mmio_write_shows_the_value_to_the_host(void **state)
{
	(void)state;
	static const uint32_t code[] = { A64_STR_W2_X0 };
	const uint64_t unprotected = UINT64_C(1) << 39;
	const uint64_t x[4] = { unprotected + 0x9000000, 0, UINT64_C(0xaaaabbbbccccdddd) };
	struct fx f;
	fx_open(&f, code, 1, x);
	struct rmi_rec_exit *e = enter(&f, 0);
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_true(e->esr & (UINT64_C(1) << 6)); /* WnR */
	assert_int_equal(e->gprs[0], 0xccccdddd);
	fx_close(&f);
}

static void emul_mmio_without_an_emulatable_exit_is_refused(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, NULL, 0, NULL);
	enter(&f, REC_ENTRY_FLAG_TRAP_WFI); /* a WFx exit, not an abort */
	tm_run_prepare(f.t, f.run, REC_ENTRY_FLAG_EMUL_MMIO);
	assert_rmi(rmi(f.t, RMI_REC_ENTER, 2, f.rec, f.run), RMI_ERROR_REC, 0);
	assert_int_equal(wb_rec(f.t, f.rec)->regs.pc, CODE_IPA + 4); /* unchanged */
	fx_close(&f);
}

static void hvc_is_undefined_in_a_realm(void **state)
{
	(void)state;
	/* HVC at CODE_IPA; the REC's vectors at CODE_IPA + 0x800, whose
	 * current-EL SPx synchronous entry (+0x200) holds a WFI: the
	 * injected UNDEF lands there, and the WFI exits. */
	uint32_t code[0xa04 / 4 + 1];
	for (unsigned i = 0; i < sizeof(code) / 4; i++)
		code[i] = A64_B_SELF;
	code[0] = A64_HVC0;
	code[0xa00 / 4] = A64_WFI;
	struct fx f;
	fx_open(&f, code, sizeof(code) / 4, NULL);
	wb_rec(f.t, f.rec)->regs.vbar_el1 = CODE_IPA + 0x800;
	struct rmi_rec_exit *e = enter(&f, REC_ENTRY_FLAG_TRAP_WFI);
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(e->esr, UINT64_C(0x01) << 26);
	struct vcpu_regs r = wb_rec(f.t, f.rec)->regs;
	assert_int_equal(r.pc, CODE_IPA + 0xa04);
	fx_close(&f);
}

/* The realm's own writes to its EL1 timers (which unicorn 2.0.1 would lose,
 * docs/unicorn-notes.md) reach the exit record the host schedules by;
 * ISTATUS there is the RMM's, whatever the realm wrote. */
static void realm_writes_to_its_timers_reach_the_exit_record(void **state)
{
	(void)state;
	static const uint32_t code[] = {
		0xd51be340, /* msr cntv_cval_el0, x0 */
		0xd51be321, /* msr cntv_ctl_el0, x1 */
		0xd51be242, /* msr cntp_cval_el0, x2 */
		0xd51be223, /* msr cntp_ctl_el0, x3 */
	};
	const uint64_t far_future = UINT64_C(1) << 62;
	/* Virtual: enabled, masked, ISTATUS written (not the realm's to
	 * set), not reached; physical: enabled, long reached. */
	const uint64_t x[4] = { far_future, 7, 1, 1 };
	struct fx f;
	fx_open(&f, code, 4, x);
	struct rmi_rec_exit *e = enter(&f, REC_ENTRY_FLAG_TRAP_WFI);
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(e->esr, UINT64_C(0x01) << 26); /* the WFI after them */
	assert_int_equal(e->cntv_cval, far_future);
	assert_int_equal(e->cntv_ctl, 3);
	assert_int_equal(e->cntp_cval, 1);
	assert_int_equal(e->cntp_ctl, 1 | 4);
	/* And they stay what the realm made them across entries. */
	e = enter(&f, REC_ENTRY_FLAG_TRAP_WFI);
	assert_int_equal(e->cntv_cval, far_future);
	assert_int_equal(e->cntv_ctl, 3);
	fx_close(&f);
}

/* A preempted REC resumes exactly where it stopped. unicorn 2.0.1 can stop
 * a run after any load or store with the PC still at the start of the
 * block, so a stop from another thread must wait for a block boundary: a
 * function whose prologue pushes a frame would otherwise run it twice and
 * return with SP off by 16. Thousands of 50 us slices catch it. */
static void preempted_rec_resumes_where_it_stopped(void **state)
{
	(void)state;
	static const uint32_t code[] = {
		0x9100003f, /* mov sp, x1 */
		0x94000006, /* loop: bl f */
		0xf1000400, /* subs x0, x0, #1 */
		0x54ffffc1, /* b.ne loop */
		0x910003e2, /* mov x2, sp */
		A64_WFI,
		A64_B_SELF,
		0xa9bf7bfd, /* f: stp x29, x30, [sp, #-16]! */
		0x91000673, /* add x19, x19, #1 */
		0xa8c17bfd, /* ldp x29, x30, [sp], #16 */
		0xd65f03c0, /* ret */
	};
	const uint64_t calls = 200000, stack_top = CODE_IPA + 0x2000;
	const uint64_t x[4] = { calls, stack_top };
	struct fx f;
	fx_open_data(&f, code, sizeof(code) / 4, x, 1); /* the stack's page */
	wb_rmm(f.t)->slice_us = 50;
	unsigned preemptions = 0;
	struct rmi_rec_exit *e;
	while ((e = enter(&f, REC_ENTRY_FLAG_TRAP_WFI))->exit_reason == RMI_EXIT_IRQ)
		preemptions++;
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(e->esr, UINT64_C(0x01) << 26); /* the WFI */
	const struct rec *rec = wb_rec(f.t, f.rec);
	assert_int_equal(rec->regs.x[0], 0);
	assert_int_equal(rec->regs.x[19], calls);
	assert_int_equal(rec->regs.x[2], stack_top);
	assert_true(preemptions >= 10); /* else this test proved nothing */
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rec_that_never_stops_is_preempted_with_an_irq_exit),
		cmocka_unit_test(trapped_wfi_exits_with_its_syndrome_and_pc_past_it),
		cmocka_unit_test(rsi_version_is_answered_without_an_exit),
		cmocka_unit_test(system_off_ends_the_realm),
		cmocka_unit_test(mmio_read_is_emulated_by_the_host_and_completed_on_entry),
		cmocka_unit_test(mmio_write_shows_the_value_to_the_host),
		cmocka_unit_test(emul_mmio_without_an_emulatable_exit_is_refused),
		cmocka_unit_test(hvc_is_undefined_in_a_realm),
		cmocka_unit_test(realm_writes_to_its_timers_reach_the_exit_record),
		cmocka_unit_test(preempted_rec_resumes_where_it_stopped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
