/* RSI_ATTESTATION_TOKEN_INIT and _CONTINUE as specified (spec notes,
 * section 4): CONTINUE's failure conditions in their order, the state of
 * an operation (none, restarted by INIT, ended by the last chunk), realm
 * buffers the host has not mapped, and token generation interrupted by the
 * end of a time slice or by the host. The realm is the agent; the tokens
 * it gets are verified with the relying party's library. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "attest_util.h"
#include "whitebox.h"

#include "ccakit/abi/rsi.h"
#include "rmm/rmm.h"

#define EMPTY_IPA UINT64_C(0x300000)    /* in the protected range, RIPAS EMPTY */
#define UNMAPPED_IPA UINT64_C(0x1e0000) /* RIPAS RAM, no DATA */

/* CONTINUE, made again while generation is interrupted (RSI_INCOMPLETE
 * with nothing written: a loaded host can end a slice during signing), as
 * a realm does. */
static uint64_t cont(struct tagent *a, uint64_t ipa, uint64_t offset, uint64_t size, uint64_t *x1)
{
	for (unsigned n = 0; n < 1000; n++) {
		uint64_t x0 = tat_continue(a, 0, ipa, offset, size, x1);
		if (x0 != RSI_INCOMPLETE || *x1 != 0 || size == 0)
			return x0;
	}
	fail_msg("CONTINUE is interrupted forever");
	return 0;
}

/* CONTINUE until SUCCESS from offset 0 of the scratch page; returns the
 * token's length. */
static size_t finish(struct tagent *a, size_t done, uint8_t *buf)
{
	for (unsigned n = 0; n < 10000; n++) {
		uint64_t x1, x0 = tat_continue(a, 0, AGENT_SCRATCH_IPA, done, GRANULE_SIZE - done, &x1);
		done += x1;
		if (x0 == RSI_SUCCESS) {
			ta_copy_out(a, 0, AGENT_SCRATCH_IPA, buf, done);
			return done;
		}
		assert_int_equal(x0, RSI_INCOMPLETE);
	}
	fail_msg("the token never completed");
	return 0;
}

static void continue_checks_its_input_then_its_state(void **state)
{
	(void)state;
	struct tat_fx x;
	tat_open(&x, false, RMI_HASH_SHA_256, NULL);
	struct tagent *a = &x.a;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	const uint64_t s = AGENT_SCRATCH_IPA;
	/* addr_align, addr_bound, offset_bound, size_overflow, size_bound:
	 * each INPUT, before and during an operation, which they leave as it
	 * was. */
	const uint64_t bad[][3] = { { s + 8, 0, 8 },		     { UINT64_C(1) << 39, 0, 8 },
				    { s, GRANULE_SIZE, 0 },	     { s, 8, UINT64_MAX },
				    { s, GRANULE_SIZE - 8, 9 } };
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
			assert_int_equal(tat_continue(a, 0, bad[i][0], bad[i][1], bad[i][2], NULL),
					 RSI_ERROR_INPUT);
		if (pass == 0) {
			/* No operation: STATE, once the input is good. */
			assert_int_equal(tat_continue(a, 0, s, 0, 64, NULL), RSI_ERROR_STATE);
			tat_challenge(ch, 1);
			assert_int_equal(tat_init(a, 0, ch, NULL), RSI_SUCCESS);
		}
	}
	/* size 0: nothing copied, more to come. */
	uint64_t x1 = 99;
	assert_int_equal(tat_continue(a, 0, s, 100, 0, &x1), RSI_INCOMPLETE);
	assert_int_equal(x1, 0);
	size_t len = finish(a, 0, buf);
	ccakit_token_free(tat_verified(buf, len, x.k));
	/* The last chunk ended the operation (as in TF-RMM): a new token
	 * needs a new INIT. */
	assert_int_equal(tat_continue(a, 0, s, 0, 4096, NULL), RSI_ERROR_STATE);
	tat_close(&x);
}

static void init_during_continue_restarts_with_the_new_challenge(void **state)
{
	(void)state;
	struct tat_fx x;
	tat_open(&x, false, RMI_HASH_SHA_256, NULL);
	struct tagent *a = &x.a;
	uint8_t ch1[64], ch2[64], buf[TOKEN_BUF_MAX];
	uint64_t x1;
	tat_challenge(ch1, 1);
	tat_challenge(ch2, 2);
	assert_int_equal(tat_init(a, 0, ch1, NULL), RSI_SUCCESS);
	assert_int_equal(cont(a, AGENT_SCRATCH_IPA, 0, 100, &x1), RSI_INCOMPLETE);
	assert_int_equal(x1, 100);
	assert_int_equal(tat_init(a, 0, ch2, NULL), RSI_SUCCESS);
	size_t len = finish(a, 0, buf);
	struct ccakit_token *tok = tat_verified(buf, len, x.k);
	assert_memory_equal(tok->realm.challenge.ptr, ch2, 64);
	ccakit_token_free(tok);
	tat_close(&x);
}

static void empty_buffer_is_an_input_error_and_keeps_the_operation(void **state)
{
	(void)state;
	struct tat_fx x;
	tat_open(&x, false, RMI_HASH_SHA_256, NULL);
	struct tagent *a = &x.a;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	tat_challenge(ch, 3);
	uint64_t x1;
	assert_int_equal(tat_init(a, 0, ch, NULL), RSI_SUCCESS);
	assert_int_equal(cont(a, EMPTY_IPA, 0, 4096, &x1), RSI_ERROR_INPUT);
	size_t len = finish(a, 0, buf);
	ccakit_token_free(tat_verified(buf, len, x.k));
	tat_close(&x);
}

static void unmapped_buffer_exits_as_a_stage2_abort_and_the_call_is_retried(void **state)
{
	(void)state;
	struct tat_fx x;
	tat_open_ram(&x, UNMAPPED_IPA);
	struct tagent *a = &x.a;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	tat_challenge(ch, 4);
	assert_int_equal(tat_init(a, 0, ch, NULL), RSI_SUCCESS);
	const uint64_t args[8] = { RSI_ATTESTATION_TOKEN_CONTINUE, UNMAPPED_IPA, 0, 4096 };
	const struct rmi_rec_exit *e;
	/* (An interrupted generation answers first: the realm asks again.) */
	for (unsigned n = 0; ta_is_doorbell(a, 0, e = ta_cmd(a, 0, AGENT_SMC, args)); n++) {
		assert_int_equal(ta_mbox(a, 0)->r[0], RSI_INCOMPLETE);
		assert_int_equal(ta_mbox(a, 0)->r[1], 0);
		assert_true(n < 1000);
	}
	/* An emulated stage-2 data abort: translation fault, FAR 0, HPFAR
	 * the buffer's page. */
	assert_int_equal(e->exit_reason, RMI_EXIT_SYNC);
	assert_int_equal(e->esr >> 26, 0x24);
	assert_int_equal(e->esr & 0x3c, 0x04);
	assert_int_equal(e->far, 0);
	assert_int_equal(e->hpfar, UNMAPPED_IPA >> 8);
	/* The host maps it; the realm's SMC is made again and completes. */
	uint64_t data = tm_delegated(x.t);
	assert_rmi(rmi(x.t, RMI_DATA_CREATE_UNKNOWN, 3, a->r.rd, data, UNMAPPED_IPA), RMI_SUCCESS, 0);
	tm_realm_track_data(&a->r, UNMAPPED_IPA, data);
	e = ta_resume(a, 0, 0);
	assert_true(ta_is_doorbell(a, 0, e));
	assert_int_equal(ta_mbox(a, 0)->r[0], RSI_SUCCESS);
	size_t len = ta_mbox(a, 0)->r[1];
	ta_copy_out(a, 0, UNMAPPED_IPA, buf, len);
	ccakit_token_free(tat_verified(buf, len, x.k));
	tat_close(&x);
}

static void slice_end_during_signing_is_an_irq_exit_and_the_token_resumes(void **state)
{
	(void)state;
	struct tat_fx x;
	tat_open(&x, false, RMI_HASH_SHA_256, NULL);
	struct tagent *a = &x.a;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	/* A slice long enough to reach the SMC, shorter than an ECDSA P-384
	 * signature (about 1 ms). */
	wb_rmm(x.t)->slice_us = 300;
	struct tat_fetch f;
	tat_challenge(ch, 5);
	tat_fetch(a, 0, ch, 4096, 0, buf, &f);
	assert_true(f.interrupted >= 1);
	ccakit_token_free(tat_verified(buf, f.len, x.k));
	tat_close(&x);
}

struct kicker {
	struct rmm *rmm;
	bool stop;
};

static void *kick_main(void *arg)
{
	struct kicker *kk = arg;
	const struct timespec gap = { 0, 50000 };
	while (!__atomic_load_n(&kk->stop, __ATOMIC_ACQUIRE)) {
		rmm_pe_interrupt(kk->rmm, 0);
		nanosleep(&gap, NULL);
	}
	return NULL;
}

static void host_interrupts_during_continue_and_the_token_resumes(void **state)
{
	(void)state;
	struct tat_fx x;
	tat_open(&x, false, RMI_HASH_SHA_256, NULL);
	struct tagent *a = &x.a;
	uint8_t ch[64], buf[TOKEN_BUF_MAX];
	struct kicker kk = { .rmm = wb_rmm(x.t) };
	pthread_t th;
	struct tat_fetch f = { 0 };
	assert_int_equal(pthread_create(&th, NULL, kick_main, &kk), 0);
	/* Physical interrupts every 50 us: one lands between two steps of
	 * a token within a few tries (a descheduled kicker may miss one). */
	for (unsigned tries = 0; tries < 20 && !f.interrupted; tries++) {
		tat_challenge(ch, (uint8_t)tries);
		tat_fetch(a, 0, ch, 4096, 0, buf, &f);
		ccakit_token_free(tat_verified(buf, f.len, x.k));
	}
	__atomic_store_n(&kk.stop, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	assert_true(f.interrupted >= 1);
	tat_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(continue_checks_its_input_then_its_state, tat_teardown),
		cmocka_unit_test_teardown(init_during_continue_restarts_with_the_new_challenge, tat_teardown),
		cmocka_unit_test_teardown(empty_buffer_is_an_input_error_and_keeps_the_operation,
					  tat_teardown),
		cmocka_unit_test_teardown(unmapped_buffer_exits_as_a_stage2_abort_and_the_call_is_retried,
					  tat_teardown),
		cmocka_unit_test_teardown(slice_end_during_signing_is_an_irq_exit_and_the_token_resumes,
					  tat_teardown),
		cmocka_unit_test_teardown(host_interrupts_during_continue_and_the_token_resumes,
					  tat_teardown),
	};
	return cmocka_run_group_tests_name("attest_rsi", tests, NULL, NULL);
}
