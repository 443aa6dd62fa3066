/* RSI 1.0 as the RMM answers it: every command's results and failure
 * conditions (spec notes section 4), called white-box with the REC's
 * registers until realms run (the execution issue drives the same handler
 * from the vCPU's SMC hook). */
#include "harness.h"

#include <string.h>

#include "ccakit/abi/rsi.h"
#include "rmm/rmm.h"
#include "whitebox.h"

/* A realm (s2sz 40, start level 1) with RTTs down to level 3 over
 * [0, 2 MiB): RIPAS RAM over [0, 16 KiB) with DATA at 0 and 0x1000, EMPTY
 * above; and one REC. */
struct rsi_fx {
	struct tmach *t;
	struct trealm r;
	uint64_t rec;
	struct rd *rd;
	struct rec *recp;
};

static struct rsi_fx fx_open(void)
{
	struct rsi_fx f = { .t = tm_create(16 * MIB, 1) };
	tm_realm_create(f.t, &f.r, 40, 1, 1);
	tm_rtt_map_to(f.t, &f.r, 0, 3);
	assert_rmi(rmi(f.t, RMI_RTT_INIT_RIPAS, 3, f.r.rd, UINT64_C(0), UINT64_C(0x4000)),
		   RMI_SUCCESS, 0);
	tm_data_create(f.t, &f.r, 0);
	tm_data_create(f.t, &f.r, 0x1000);
	f.rec = tm_rec_create(f.t, &f.r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	f.rd = wb_rd(f.t, f.r.rd);
	f.recp = wb_rec(f.t, f.rec);
	return f;
}

static void fx_close(struct rsi_fx *f)
{
	tm_realm_teardown(f->t, &f->r);
	tm_destroy(f->t);
}

/* One RSI call: X0 = fid, X1.. = args; returns the action. */
static enum rsi_action call(struct rsi_fx *f, uint64_t x[18], uint32_t fid, struct rsi_outcome *o)
{
	x[0] = fid;
	rsi_handle(wb_rmm(f->t), 0, f->recp, f->rd, x, o);
	return o->action;
}

static void version_and_features(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0, RSI_ABI_VERSION };
	assert_int_equal(call(&f, x, RSI_VERSION, &o), RSI_ACTION_DONE);
	assert_int_equal(x[0], RSI_SUCCESS);
	assert_int_equal(x[1], 0x10000);
	assert_int_equal(x[2], 0x10000);
	x[1] = 0x10001;
	call(&f, x, RSI_VERSION, &o);
	assert_int_equal(x[0], RSI_ERROR_INPUT);
	assert_int_equal(x[1], 0x10000);
	x[1] = 7;
	call(&f, x, RSI_FEATURES, &o);
	assert_int_equal(x[0], RSI_SUCCESS);
	assert_int_equal(x[1], 0);
	call(&f, x, RSI_FID(0x19f), &o); /* a 1.1 number: not implemented */
	assert_int_equal(x[0], SMC_UNKNOWN);
	fx_close(&f);
}

static void measurements_read_and_extend(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0 };
	/* RIM read back as eight little-endian words. */
	x[1] = 0;
	call(&f, x, RSI_MEASUREMENT_READ, &o);
	assert_int_equal(x[0], RSI_SUCCESS);
	assert_memory_equal(&x[1], f.rd->measurement[0], 64);
	x[1] = 5;
	call(&f, x, RSI_MEASUREMENT_READ, &o);
	assert_int_equal(x[0], RSI_ERROR_INPUT); /* index_bound */
	/* REM0 extended with "abc": the spec notes' vector. */
	memset(x, 0, sizeof(x));
	x[1] = 1;
	x[2] = 3;
	memcpy(&x[3], "abc", 3);
	call(&f, x, RSI_MEASUREMENT_EXTEND, &o);
	assert_int_equal(x[0], RSI_SUCCESS);
	static const uint8_t rem[32] = {
		0x36, 0x5a, 0xa7, 0xd8, 0xf7, 0xf9, 0x40, 0x2c, 0x4b, 0x94, 0x34,
		0x50, 0x2b, 0x4c, 0xc8, 0x9d, 0xdb, 0x09, 0xfe, 0x50, 0xd7, 0xcd,
		0x95, 0xb4, 0x93, 0xb8, 0x34, 0xc6, 0x2d, 0x5a, 0x53, 0x70,
	};
	x[1] = 1;
	call(&f, x, RSI_MEASUREMENT_READ, &o);
	assert_memory_equal(&x[1], rem, 32);
	/* index_bound (the RIM cannot be extended, nor slot 5), size_bound */
	x[1] = 0;
	x[2] = 3;
	call(&f, x, RSI_MEASUREMENT_EXTEND, &o);
	assert_int_equal(x[0], RSI_ERROR_INPUT);
	x[1] = 5;
	call(&f, x, RSI_MEASUREMENT_EXTEND, &o);
	assert_int_equal(x[0], RSI_ERROR_INPUT);
	x[1] = 4;
	x[2] = 65;
	call(&f, x, RSI_MEASUREMENT_EXTEND, &o);
	assert_int_equal(x[0], RSI_ERROR_INPUT);
	fx_close(&f);
}

static void realm_config_is_written_to_a_mapped_page(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0, 0x1000 };
	memcpy(f.rd->rpv, "personalization", 15);
	assert_int_equal(call(&f, x, RSI_REALM_CONFIG, &o), RSI_ACTION_DONE);
	assert_int_equal(x[0], RSI_SUCCESS);
	const struct rsi_realm_config *cfg = wb_sys_ptr(f.t, f.r.data_pa[1]);
	assert_int_equal(cfg->ipa_width, 40);
	assert_int_equal(cfg->hash_algo, RSI_HASH_SHA_256);
	assert_memory_equal(cfg->rpv, "personalization", 15);
	/* addr_align, addr_bound, a RIPAS EMPTY buffer */
	const uint64_t bad[] = { 0x1800, UINT64_C(1) << 39, 0x200000 };
	for (unsigned i = 0; i < 3; i++) {
		x[1] = bad[i];
		call(&f, x, RSI_REALM_CONFIG, &o);
		assert_int_equal(x[0], RSI_ERROR_INPUT);
	}
	fx_close(&f);
}

static void unmapped_ram_buffer_becomes_an_emulated_abort(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0, 0x2000 }; /* RIPAS RAM, no DATA yet */
	assert_int_equal(call(&f, x, RSI_REALM_CONFIG, &o), RSI_ACTION_BUFFER_ABORT);
	assert_int_equal(o.ipa, 0x2000);
	assert_int_equal(o.level, 3);
	assert_int_equal(x[0], RSI_REALM_CONFIG); /* made again after the host maps it */
	x[1] = 0x2100;
	assert_int_equal(call(&f, x, RSI_HOST_CALL, &o), RSI_ACTION_BUFFER_ABORT);
	assert_int_equal(o.ipa, 0x2100);
	assert_int_equal(x[0], RSI_HOST_CALL);
	fx_close(&f);
}

static void ipa_state_get_reports_runs_of_one_ripas(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0, 0, 0x10000 };
	call(&f, x, RSI_IPA_STATE_GET, &o);
	assert_int_equal(x[0], RSI_SUCCESS);
	assert_int_equal(x[1], 0x4000); /* RAM up to the INIT_RIPAS top */
	assert_int_equal(x[2], RSI_RIPAS_RAM);
	x[1] = 0x4000;
	x[2] = 0x10000;
	call(&f, x, RSI_IPA_STATE_GET, &o);
	assert_int_equal(x[1], 0x10000); /* EMPTY up to end */
	assert_int_equal(x[2], RSI_RIPAS_EMPTY);
	/* base_align, end_align, size_valid, rgn_bound */
	const uint64_t bad[][2] = { { 0x800, 0x2000 }, { 0, 0x1800 }, { 0x2000, 0x2000 },
				    { 0, (UINT64_C(1) << 39) + 0x1000 } };
	for (unsigned i = 0; i < 4; i++) {
		x[1] = bad[i][0];
		x[2] = bad[i][1];
		call(&f, x, RSI_IPA_STATE_GET, &o);
		assert_int_equal(x[0], RSI_ERROR_INPUT);
	}
	fx_close(&f);
}

static void ipa_state_set_records_the_request_for_the_host(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0, 0x4000, 0x8000, RSI_RIPAS_RAM, RSI_CHANGE_DESTROYED };
	assert_int_equal(call(&f, x, RSI_IPA_STATE_SET, &o), RSI_ACTION_RIPAS_CHANGE);
	assert_int_equal(f.recp->ripas.addr, 0x4000);
	assert_int_equal(f.recp->ripas.top, 0x8000);
	assert_int_equal(f.recp->ripas.value, RIPAS_RAM);
	assert_int_equal(f.recp->ripas.change_destroyed, 1);
	/* base_align, top_align, size_valid, rgn_bound, ripas_valid, flags */
	const uint64_t bad[][4] = {
		{ 0x4800, 0x8000, 1, 0 }, { 0x4000, 0x8800, 1, 0 }, { 0x8000, 0x4000, 1, 0 },
		{ 0x4000, (UINT64_C(1) << 39) + 0x1000, 1, 0 }, { 0x4000, 0x8000, 2, 0 },
		{ 0x4000, 0x8000, 1, 2 },
	};
	for (unsigned i = 0; i < 6; i++) {
		memcpy(&x[1], bad[i], sizeof(bad[i]));
		assert_int_equal(call(&f, x, RSI_IPA_STATE_SET, &o), RSI_ACTION_DONE);
		assert_int_equal(x[0], RSI_ERROR_INPUT);
	}
	fx_close(&f);
}

static void host_call_hands_its_structure_to_the_host(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	struct rsi_host_call *hc = (struct rsi_host_call *)((uint8_t *)wb_sys_ptr(f.t, f.r.data_pa[1]) + 0x300);
	hc->imm = 0xcc01;
	for (unsigned i = 0; i < RSI_HOST_CALL_GPRS; i++)
		hc->gprs[i] = 100 + i;
	uint64_t x[18] = { 0, 0x1300 };
	assert_int_equal(call(&f, x, RSI_HOST_CALL, &o), RSI_ACTION_HOST_CALL);
	assert_int_equal(o.imm, 0xcc01);
	assert_int_equal(o.gprs[0], 100);
	assert_int_equal(o.gprs[30], 130);
	assert_true(f.recp->host_call.pending);
	assert_int_equal(f.recp->host_call.ipa, 0x1300);
	/* addr_align (256 bytes), addr_bound, a RIPAS EMPTY buffer */
	const uint64_t bad[] = { 0x1080, UINT64_C(1) << 39, 0x200000 };
	for (unsigned i = 0; i < 3; i++) {
		x[1] = bad[i];
		assert_int_equal(call(&f, x, RSI_HOST_CALL, &o), RSI_ACTION_DONE);
		assert_int_equal(x[0], RSI_ERROR_INPUT);
	}
	fx_close(&f);
}

static void attestation_continue_checks_its_input_then_its_state(void **state)
{
	(void)state;
	struct rsi_fx f = fx_open();
	struct rsi_outcome o;
	uint64_t x[18] = { 0 };
	/* CONTINUE with good arguments before any INIT: no operation in
	 * progress (tests/unit/test_attest_rsi.c covers the rest). */
	x[1] = 0x1000;
	x[2] = 0;
	x[3] = 0x100;
	call(&f, x, RSI_ATTESTATION_TOKEN_CONTINUE, &o);
	assert_int_equal(x[0], RSI_ERROR_STATE);
	/* addr_align, addr_bound, offset_bound, size_overflow, size_bound */
	const uint64_t bad[][3] = { { 0x1800, 0, 1 }, { UINT64_C(1) << 39, 0, 1 }, { 0x1000, 0x1000, 0 },
				    { 0x1000, 8, UINT64_MAX }, { 0x1000, 0x800, 0x801 } };
	for (unsigned i = 0; i < 5; i++) {
		memcpy(&x[1], bad[i], sizeof(bad[i]));
		call(&f, x, RSI_ATTESTATION_TOKEN_CONTINUE, &o);
		assert_int_equal(x[0], RSI_ERROR_INPUT);
	}
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version_and_features),
		cmocka_unit_test(measurements_read_and_extend),
		cmocka_unit_test(realm_config_is_written_to_a_mapped_page),
		cmocka_unit_test(unmapped_ram_buffer_becomes_an_emulated_abort),
		cmocka_unit_test(ipa_state_get_reports_runs_of_one_ripas),
		cmocka_unit_test(ipa_state_set_records_the_request_for_the_host),
		cmocka_unit_test(host_call_hands_its_structure_to_the_host),
		cmocka_unit_test(attestation_continue_checks_its_input_then_its_state),
	};
	return cmocka_run_group_tests_name("rsi", tests, NULL, NULL);
}
