#include "agent.h"
#include "invariants.h"

#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Mailbox i at this offset into the unprotected half, its doorbell the
 * page after it. */
#define MBOX_OFFSET UINT64_C(0x100000)
#define MBOX_STRIDE UINT64_C(0x2000)
#define VECTOR_SYNC_SPX 0xa00 /* VBAR_EL1 (code + 0x800) + 0x200 */

#define ESR_EC_DABT_LOW (UINT64_C(0x24) << 26)
#define ESR_EC_MASK (UINT64_C(0x3f) << 26)
#define ESR_ISV (UINT64_C(1) << 24)
#define ESR_WNR (UINT64_C(1) << 6)

/* The agent (mailbox offsets as struct agent_mbox; assembled with
 * aarch64-linux-gnu-as from the source in the comments). */
static const uint32_t agent_main[] = {
	0xaa0003fc, /* _start:   mov  x28, x0              mailbox */
	0x9140041b, /*           add  x27, x0, #0x1000     doorbell */
	0x10003fc9, /*           adr  x9, vectors          (+0x800) */
	0xd518c009, /*           msr  vbar_el1, x9 */
	0xd5033fdf, /*           isb */
	0xf9400389, /* loop:     ldr  x9, [x28]            op */
	0xa9408780, /*           ldp  x0, x1, [x28, #8]    a[0..7] */
	0xa9418f82, /*           ldp  x2, x3, [x28, #24] */
	0xa9429784, /*           ldp  x4, x5, [x28, #40] */
	0xa9439f86, /*           ldp  x6, x7, [x28, #56] */
	0xf9402788, /*           ldr  x8, [x28, #72]       a8 */
	0xf100053f, /*           cmp  x9, #1 */
	0x54000260, /*           b.eq op_smc */
	0xf100093f, /*           cmp  x9, #2 */
	0x54000300, /*           b.eq op_load */
	0xf1000d3f, /*           cmp  x9, #3 */
	0x54000340, /*           b.eq op_store */
	0xf100113f, /*           cmp  x9, #4 */
	0x54000340, /*           b.eq op_sum */
	0xf100153f, /*           cmp  x9, #5 */
	0x54000400, /*           b.eq op_spin */
	0xf100193f, /*           cmp  x9, #6 */
	0x540004a0, /*           b.eq op_wfi */
	0xf1001d3f, /*           cmp  x9, #7 */
	0x540004a0, /*           b.eq op_cload */
	0xf100213f, /*           cmp  x9, #8 */
	0x54000540, /*           b.eq op_copy */
	0xf100253f, /*           cmp  x9, #9 */
	0x540005c0, /*           b.eq op_lloop */
	0xf9000369, /* done:     str  x9, [x27]            the doorbell */
	0x17ffffe7, /*           b    loop */
	0xd4000003, /* op_smc:   smc  #0 */
	0xa9100780, /*           stp  x0, x1, [x28, #256]  r[0..7] */
	0xa9110f82, /*           stp  x2, x3, [x28, #272] */
	0xa9121784, /*           stp  x4, x5, [x28, #288] */
	0xa9131f86, /*           stp  x6, x7, [x28, #304] */
	0xf900a388, /*           str  x8, [x28, #320]      r8 */
	0x17fffff8, /*           b    done */
	0xd280000a, /* op_load:  mov  x10, #0              (0 if the load faults) */
	0xf940000a, /*           ldr  x10, [x0] */
	0xf900838a, /*           str  x10, [x28, #256] */
	0x17fffff4, /*           b    done */
	0xf9000001, /* op_store: str  x1, [x0] */
	0x17fffff2, /*           b    done */
	0xd280000a, /* op_sum:   mov  x10, #0 */
	0x8b010001, /*           add  x1, x0, x1 */
	0xf840840b, /* 1:        ldr  x11, [x0], #8 */
	0xcaca1d6a, /*           eor  x10, x11, x10, ror #7 */
	0xeb01001f, /*           cmp  x0, x1 */
	0x54ffffa1, /*           b.ne 1b */
	0xf900838a, /*           str  x10, [x28, #256] */
	0x17ffffea, /*           b    done */
	0xd280000a, /* op_spin:  mov  x10, #0 */
	0x9100054a, /* 2:        add  x10, x10, #1 */
	0xf900c38a, /*           str  x10, [x28, #384]     spins */
	0xf940038b, /*           ldr  x11, [x28] */
	0xf100157f, /*           cmp  x11, #5 */
	0x54ffff80, /*           b.eq 2b */
	0x17ffffcb, /*           b    loop */
	0xd503207f, /* op_wfi:   wfi */
	0x17ffffe1, /*           b    done */
	0xd280000a, /* op_cload: mov  x10, #0              (0 if the load faults) */
	0xf940ef8c, /*           ldr  x12, [x28, #472]     steps: once per command */
	0x9100058c, /*           add  x12, x12, #1 */
	0xf900ef8c, /*           str  x12, [x28, #472] */
	0xf940000a, /*           ldr  x10, [x0] */
	0xf900838a, /*           str  x10, [x28, #256] */
	0x17ffffda, /*           b    done */
	0xb4fffb22, /* op_copy:  cbz  x2, done */
	0xf840840a, /* 3:        ldr  x10, [x0], #8 */
	0xf800842a, /*           str  x10, [x1], #8 */
	0xf1002042, /*           subs x2, x2, #8 */
	0x54ffffa1, /*           b.ne 3b */
	0x17ffffd4, /*           b    done */
	0xf940c38c, /* op_lloop: ldr  x12, [x28, #384]     spins: counts the loads */
	0xf940000a, /* 4:        ldr  x10, [x0] */
	0xf900838a, /*           str  x10, [x28, #256] */
	0x9100058c, /*           add  x12, x12, #1 */
	0xf900c38c, /*           str  x12, [x28, #384] */
	0xf940038b, /*           ldr  x11, [x28] */
	0xf100257f, /*           cmp  x11, #9 */
	0x54ffff40, /*           b.eq 4b */
	0x17ffffb3, /*           b    loop */
};

/* At vectors + 0x200: a synchronous exception at EL1 (SP_ELx). X13..X15
 * only, which no command uses. */
static const uint32_t agent_sync_vector[] = {
	0xd538520d, /* mrs  x13, esr_el1 */
	0xd538600e, /* mrs  x14, far_el1 */
	0xa91c3b8d, /* stp  x13, x14, [x28, #448]  exc_esr, exc_far */
	0xf940eb8f, /* ldr  x15, [x28, #464]       exc_count */
	0x910005ef, /* add  x15, x15, #1 */
	0xf900eb8f, /* str  x15, [x28, #464] */
	0xd538402f, /* mrs  x15, elr_el1 */
	0x910011ef, /* add  x15, x15, #4           past the faulting instruction */
	0xd518402f, /* msr  elr_el1, x15 */
	0xd69f03e0, /* eret */
};

_Static_assert(offsetof(struct agent_mbox, a) == 0x08, "agent reads a[] at 8");
_Static_assert(offsetof(struct agent_mbox, a8) == 0x48, "agent reads a8 at 72");
_Static_assert(offsetof(struct agent_mbox, r) == 0x100, "agent writes r[] at 256");
_Static_assert(offsetof(struct agent_mbox, r8) == 0x140, "agent writes r8 at 320");
_Static_assert(offsetof(struct agent_mbox, spins) == 0x180, "agent counts at 384");
_Static_assert(offsetof(struct agent_mbox, exc_esr) == 0x1c0, "agent records at 448");
_Static_assert(offsetof(struct agent_mbox, steps) == 0x1d8, "agent counts steps at 472");
_Static_assert(offsetof(struct agent_mbox, copy) % 8 == 0, "AGENT_COPY stores words");
_Static_assert(sizeof(struct agent_mbox) <= GRANULE_SIZE, "a mailbox is a page");

uint64_t agent_sum(const uint64_t *words, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = words[i] ^ (s >> 7 | s << 57);
	return s;
}

/* The data pages' pattern: each word from its IPA. */
static uint64_t pattern(uint64_t ipa)
{
	return (ipa + 1) * UINT64_C(0x9e3779b97f4a7c15);
}

uint64_t ta_ns_base(const struct tagent *a)
{
	return UINT64_C(1) << (a->r.s2sz - 1);
}

uint64_t ta_mbox_ipa(const struct tagent *a, unsigned i)
{
	return ta_ns_base(a) + MBOX_OFFSET + i * MBOX_STRIDE;
}

uint64_t ta_doorbell_ipa(const struct tagent *a, unsigned i)
{
	return ta_mbox_ipa(a, i) + GRANULE_SIZE;
}

struct agent_mbox *ta_mbox(struct tagent *a, unsigned i)
{
	return tm_ptr(a->t, a->mbox[i]);
}

struct rmi_rec_run *ta_run(struct tagent *a, unsigned i)
{
	return tm_ptr(a->t, a->run[i]);
}

/* A measured DATA page at ipa holding `content` (RIPAS RAM first). */
void ta_build_in(struct tagent *a, struct tmach *t, const struct trealm *r, unsigned nrecs,
		 unsigned data_pages)
{
	static uint32_t code[VECTOR_SYNC_SPX / 4 + ARRAY_SIZE(agent_sync_vector)];
	static uint64_t words[GRANULE_SIZE / 8];

	assert_true(nrecs >= 1 && nrecs <= AGENT_MAX_RECS);
	assert_true(data_pages >= 1 && data_pages <= AGENT_MAX_DATA);
	memset(a, 0, sizeof(*a));
	a->t = t;
	a->r = *r;
	a->nrecs = nrecs;
	a->data_pages = data_pages;

	for (unsigned i = 0; i < ARRAY_SIZE(code); i++)
		code[i] = A64_WFI;
	memcpy(code, agent_main, sizeof(agent_main));
	memcpy(code + VECTOR_SYNC_SPX / 4, agent_sync_vector, sizeof(agent_sync_vector));
	tm_code_page(t, &a->r, AGENT_CODE_IPA, code, ARRAY_SIZE(code));

	for (unsigned p = 0; p < data_pages; p++) {
		uint64_t ipa = AGENT_DATA_IPA + p * GRANULE_SIZE;
		for (unsigned w = 0; w < ARRAY_SIZE(words); w++)
			words[w] = pattern(ipa + 8 * w);
		a->data[p] = tm_data_page(t, &a->r, ipa, words);
	}
	memset(words, 0, sizeof(words));
	a->scratch = tm_data_page(t, &a->r, AGENT_SCRATCH_IPA, words);

	/* Mailboxes: NS pages at unprotected IPAs, Normal memory, read-write. */
	tm_rtt_map_to(t, &a->r, ta_mbox_ipa(a, 0), 3);
	for (unsigned i = 0; i < nrecs; i++) {
		a->mbox[i] = tm_granule(t);
		uint64_t desc = a->mbox[i] | UINT64_C(6) << 2 | UINT64_C(3) << 6;
		assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, a->r.rd, ta_mbox_ipa(a, i), 3, desc),
			   RMI_SUCCESS, 0);
	}
	for (unsigned i = 0; i < nrecs; i++) {
		const uint64_t gprs[8] = { ta_mbox_ipa(a, i) };
		a->rec[i] = tm_rec_create_at(t, &a->r, rmi_rec_index_to_mpidr(i),
					     i == 0 ? RMI_REC_FLAG_RUNNABLE : 0, AGENT_CODE_IPA,
					     gprs, NULL);
		a->run[i] = tm_granule(t);
	}
}

void ta_build(struct tagent *a, struct tmach *t, uint16_t vmid, unsigned nrecs,
	      unsigned data_pages)
{
	struct trealm r;
	tm_realm_create(t, &r, 40, 1, vmid);
	ta_build_in(a, t, &r, nrecs, data_pages);
}

void ta_activate(struct tagent *a)
{
	tm_realm_activate(a->t, a->r.rd);
}

void ta_teardown(struct tagent *a)
{
	tm_realm_teardown(a->t, &a->r);
}

/* ta_machine's machine, destroyed by ta_close or ta_test_teardown. */
static struct tmach *live;

struct tmach *ta_machine(void)
{
	assert_null(live);
	live = tm_create(32 * MIB, 2);
	return live;
}

void ta_open_active(struct tmach **t, struct tagent *a, unsigned nrecs)
{
	*t = ta_machine();
	ta_build(a, *t, 1, nrecs, 2);
	ta_activate(a);
	ta_check_data(a, 0);
}

void ta_close(struct tmach *t, struct tagent *a)
{
	tm_check_invariants(t);
	ta_teardown(a);
	tm_check_all_undelegated(t);
	tm_destroy(t);
	live = NULL;
}

int ta_test_teardown(void **state)
{
	(void)state;
	ta_spin_abandon();
	if (live)
		tm_destroy(live);
	live = NULL;
	return 0;
}

uint64_t ta_pattern_sum(uint64_t ipa, uint64_t bytes)
{
	uint64_t s = 0;
	for (uint64_t at = ipa; at < ipa + bytes; at += 8)
		s = pattern(at) ^ (s >> 7 | s << 57);
	return s;
}

uint64_t ta_data_sum(const struct tagent *a)
{
	return ta_pattern_sum(AGENT_DATA_IPA, a->data_pages * GRANULE_SIZE);
}

void ta_post(struct tagent *a, unsigned i, uint64_t op, const uint64_t args[8])
{
	struct agent_mbox *m = ta_mbox(a, i);
	for (unsigned k = 0; k < 8; k++) {
		m->a[k] = args ? args[k] : 0;
		m->r[k] = 0;
	}
	m->a8 = m->r8 = 0;
	m->exc_esr = m->exc_far = m->exc_count = 0;
	m->steps = 0;
	__atomic_store_n(&m->op, op, __ATOMIC_RELEASE);
}

struct rmi_rec_enter *ta_enter_prepare(struct tagent *a, unsigned i, uint64_t flags)
{
	struct rmi_rec_run *run = ta_run(a, i);
	memset(&run->enter, 0, sizeof(run->enter));
	run->enter.flags = flags | (a->at_doorbell[i] ? REC_ENTRY_FLAG_EMUL_MMIO : 0);
	return &run->enter;
}

bool ta_is_doorbell(const struct tagent *a, unsigned i, const struct rmi_rec_exit *e)
{
	return e->exit_reason == RMI_EXIT_SYNC && (e->esr & ESR_EC_MASK) == ESR_EC_DABT_LOW &&
	       (e->esr & ESR_ISV) && (e->esr & ESR_WNR) && e->far == 0 &&
	       e->hpfar == ta_doorbell_ipa(a, i) >> 8;
}

/* ccakit_smc without cmocka: the spinner thread calls it too. */
static uint64_t rec_enter_raw(struct tmach *t, unsigned pe, uint64_t rec, uint64_t run)
{
	struct ccakit_smc_regs r = { .x = { RMI_REC_ENTER, rec, run } };
	if (ccakit_smc(t->m, pe, &r) != 0)
		return UINT64_MAX;
	return r.x[0];
}

uint64_t ta_enter_raw(struct tagent *a, unsigned pe, unsigned i)
{
	uint64_t x0 = rec_enter_raw(a->t, pe, a->rec[i], a->run[i]);
	if (x0 == rmi_return(RMI_SUCCESS, 0))
		a->at_doorbell[i] = ta_is_doorbell(a, i, &ta_run(a, i)->exit);
	return x0;
}

uint64_t ta_enter_go(struct tagent *a, unsigned pe, unsigned i)
{
	uint64_t x0 = ta_enter_raw(a, pe, i);
	assert_true(x0 != UINT64_MAX);
	return x0;
}

const struct rmi_rec_exit *ta_resume(struct tagent *a, unsigned i, uint64_t flags)
{
	const struct rmi_rec_exit *e = &ta_run(a, i)->exit;
	for (unsigned n = 0; n < 100000; n++) {
		ta_enter_prepare(a, i, REC_ENTRY_FLAG_TRAP_WFI | flags);
		assert_rmi(ta_enter_go(a, 0, i), RMI_SUCCESS, 0);
		if (e->exit_reason != RMI_EXIT_IRQ)
			return e;
		flags = 0; /* what the first entry completed is done */
	}
	fail_msg("REC %u of the agent is preempted forever", i);
	return e;
}

const struct rmi_rec_exit *ta_cmd(struct tagent *a, unsigned i, uint64_t op,
				  const uint64_t args[8])
{
	ta_post(a, i, op, args);
	return ta_resume(a, i, 0);
}

static void expect_doorbell(struct tagent *a, unsigned i, const struct rmi_rec_exit *e)
{
	if (!ta_is_doorbell(a, i, e))
		fail_msg("REC %u's agent did not finish its command: exit reason %llu, ESR 0x%llx, "
			 "HPFAR 0x%llx, FAR 0x%llx",
			 i, (unsigned long long)e->exit_reason, (unsigned long long)e->esr,
			 (unsigned long long)e->hpfar, (unsigned long long)e->far);
}

uint64_t ta_do(struct tagent *a, unsigned i, uint64_t op, uint64_t a0, uint64_t a1)
{
	const uint64_t args[8] = { a0, a1 };
	expect_doorbell(a, i, ta_cmd(a, i, op, args));
	return ta_mbox(a, i)->r[0];
}

uint64_t ta_smc(struct tagent *a, unsigned i, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4, uint64_t out[4])
{
	const uint64_t args[8] = { fid, a1, a2, a3, a4 };
	expect_doorbell(a, i, ta_cmd(a, i, AGENT_SMC, args));
	const struct agent_mbox *m = ta_mbox(a, i);
	if (out)
		memcpy(out, m->r, 4 * sizeof(uint64_t));
	return m->r[0];
}

void ta_check_data(struct tagent *a, unsigned i)
{
	uint64_t sum = ta_do(a, i, AGENT_SUM, AGENT_DATA_IPA, a->data_pages * GRANULE_SIZE);
	if (sum != ta_data_sum(a))
		fail_msg("REC %u sums the realm's data pages to 0x%016llx, built as 0x%016llx", i,
			 (unsigned long long)sum, (unsigned long long)ta_data_sum(a));
}

void ta_copy_out(struct tagent *a, unsigned i, uint64_t ipa, void *buf, size_t len)
{
	struct agent_mbox *m = ta_mbox(a, i);
	uint8_t *out = buf;
	for (size_t done = 0; done < len;) {
		size_t n = len - done < sizeof(m->copy) ? len - done : sizeof(m->copy);
		size_t words = (n + 7) / 8 * 8;
		const uint64_t args[8] = { ipa + done,
					   ta_mbox_ipa(a, i) + offsetof(struct agent_mbox, copy),
					   words };
		expect_doorbell(a, i, ta_cmd(a, i, AGENT_COPY, args));
		memcpy(out + done, m->copy, n);
		done += n;
	}
}

/* ---- a REC spinning on another PE ---- */

struct ta_spinner {
	struct tagent *a;
	unsigned pe, i;
	pthread_t thread;
	/* Odd while the thread is inside REC_ENTER: incremented before and
	 * after each call. */
	unsigned long seq;
	unsigned preemptions;
	unsigned refused; /* REC_ENTERs refused: another PE was running it */
	bool destroyed;   /* a REC_ENTER found no REC: it was destroyed */
	char err[256];
};

/* The spinner running, for ta_spin_abandon. */
static struct ta_spinner *live_spinner;

static void *spin_main(void *arg)
{
	struct ta_spinner *s = arg;
	struct tagent *a = s->a;
	struct rmi_rec_run *run = ta_run(a, s->i);
	for (;;) {
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		uint64_t x0 = rec_enter_raw(a->t, s->pe, a->rec[s->i], a->run[s->i]);
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		/* Later entries complete nothing. */
		memset(&run->enter, 0, sizeof(run->enter));
		run->enter.flags = REC_ENTRY_FLAG_TRAP_WFI;
		if (x0 == rmi_return(RMI_SUCCESS, 0)) {
			if (run->exit.exit_reason == RMI_EXIT_IRQ) {
				__atomic_add_fetch(&s->preemptions, 1, __ATOMIC_SEQ_CST);
				continue;
			}
			if (!ta_is_doorbell(a, s->i, &run->exit))
				snprintf(s->err, sizeof(s->err),
					 "spinning REC exits with reason %llu, ESR 0x%llx",
					 (unsigned long long)run->exit.exit_reason,
					 (unsigned long long)run->exit.esr);
			return NULL;
		}
		if (x0 == rmi_return(RMI_ERROR_REC, 0)) {
			/* Another PE runs it (a test's REC_ENTER that got in
			 * between two of ours). */
			__atomic_add_fetch(&s->refused, 1, __ATOMIC_SEQ_CST);
			sched_yield();
			continue;
		}
		if (x0 == rmi_return(RMI_ERROR_INPUT, 0)) {
			s->destroyed = true;
			return NULL;
		}
		snprintf(s->err, sizeof(s->err), "REC_ENTER of the spinning REC gives 0x%llx",
			 (unsigned long long)x0);
		return NULL;
	}
}

double ta_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t spins(struct ta_spinner *s)
{
	return __atomic_load_n(&ta_mbox(s->a, s->i)->spins, __ATOMIC_ACQUIRE);
}

static unsigned long seq_of(struct ta_spinner *s)
{
	return __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
}

/* Waits up to `seconds` for the agent's count to move past `from` while
 * the thread stays in REC_ENTER number `seq`. */
static bool spins_move(struct ta_spinner *s, uint64_t from, unsigned long seq, double seconds)
{
	double end = ta_now_s() + seconds;
	while (ta_now_s() < end) {
		if (spins(s) != from)
			return seq_of(s) == seq;
		if (seq_of(s) != seq)
			return false;
		sched_yield();
	}
	return false;
}

struct ta_spinner *ta_spin_start(struct tagent *a, unsigned pe, unsigned i)
{
	struct ta_spinner *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->a = a;
	s->pe = pe;
	s->i = i;
	ta_post(a, i, AGENT_SPIN, NULL);
	ta_mbox(a, i)->spins = 0;
	ta_enter_prepare(a, i, REC_ENTRY_FLAG_TRAP_WFI);
	a->at_doorbell[i] = false;
	assert_int_equal(pthread_create(&s->thread, NULL, spin_main, s), 0);
	live_spinner = s;
	double end = ta_now_s() + 10;
	while (spins(s) == 0 && ta_now_s() < end)
		sched_yield();
	if (spins(s) == 0)
		fail_msg("REC %u never started spinning on PE %u", i, pe);
	return s;
}

uint64_t ta_while_spinning(struct ta_spinner *s, uint64_t (*fn)(void *ctx), void *ctx,
			   bool *certain)
{
	unsigned long seq;
	double end = ta_now_s() + 10;
	/* Inside a REC_ENTER of the spinner, with the agent seen counting in
	 * it (so past its start)... */
	do {
		seq = seq_of(s);
	} while (!((seq & 1) && spins_move(s, spins(s), seq, 1.0)) && ta_now_s() < end);
	uint64_t x0 = fn(ctx);
	/* ...and still counting in the same REC_ENTER after the call (so not
	 * yet at its end). */
	*certain = (seq & 1) && spins_move(s, spins(s), seq, 1.0);
	return x0;
}

bool ta_spin_wait_preempted(struct ta_spinner *s)
{
	double end = ta_now_s() + 10;
	while (ta_now_s() < end) {
		if (__atomic_load_n(&s->preemptions, __ATOMIC_SEQ_CST) > 0 &&
		    spins_move(s, spins(s), seq_of(s), 1.0))
			return true;
		sched_yield();
	}
	return false;
}

unsigned ta_spin_stop(struct ta_spinner *s, bool *destroyed)
{
	struct tagent *a = s->a;
	unsigned i = s->i;
	__atomic_store_n(&ta_mbox(a, i)->op, AGENT_NOP, __ATOMIC_RELEASE);
	pthread_join(s->thread, NULL);
	live_spinner = NULL;
	unsigned preemptions = s->preemptions;
	bool gone = s->destroyed;
	char err[sizeof(s->err)];
	memcpy(err, s->err, sizeof(err));
	free(s);
	if (err[0])
		fail_msg("%s", err);
	if (destroyed)
		*destroyed = gone;
	else if (gone)
		fail_msg("the spinning REC was destroyed");
	a->at_doorbell[i] = !gone;
	return preemptions;
}

void ta_spin_abandon(void)
{
	struct ta_spinner *s = live_spinner;
	if (!s)
		return;
	__atomic_store_n(&ta_mbox(s->a, s->i)->op, AGENT_NOP, __ATOMIC_RELEASE);
	pthread_join(s->thread, NULL);
	live_spinner = NULL;
	free(s);
}
