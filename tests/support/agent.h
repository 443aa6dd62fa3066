/* The agent: a realm whose RECs really run a small program that does what
 * the host asks, so that tests can drive a realm black-box, through RMI
 * only, and see what its code sees.
 *
 * Each REC's agent reads a command from its mailbox, a normal-world page the
 * host maps at an unprotected IPA of the realm (RTT_MAP_UNPROTECTED), does
 * it, writes the results back to the mailbox and rings its doorbell: a store
 * to the unprotected IPA after the mailbox, which nothing maps, so the REC
 * exits with an emulatable data abort. The host posts the next command and
 * completes the store (enter.flags.EMUL_MMIO); the agent reads it. Any other
 * exit (PSCI, a RIPAS change, a host call, an abort, a preemption) is the
 * command's doing and goes to the test.
 *
 * The realm (s2sz 40 unless given): the agent's code at AGENT_CODE_IPA, data
 * pages holding a known pattern at AGENT_DATA_IPA (the realm's memory the
 * tests check with AGENT_SUM), a scratch page at AGENT_SCRATCH_IPA (for RSI
 * buffers), one mailbox per REC. Every REC starts at the agent with X0 = its
 * mailbox's IPA; REC 0 is runnable, the others are started by a PSCI CPU_ON
 * the agent of REC 0 makes (entry AGENT_CODE_IPA, context = the target's
 * mailbox IPA, ta_mbox_ipa). The agent's exception vector takes synchronous
 * exceptions (an SEA the RMM injects, say), records ESR and FAR in the
 * mailbox and resumes after the faulting instruction. */
#ifndef CCAKIT_TEST_AGENT_H
#define CCAKIT_TEST_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

#define AGENT_CODE_IPA UINT64_C(0x180000)
#define AGENT_DATA_IPA UINT64_C(0x190000)
#define AGENT_SCRATCH_IPA UINT64_C(0x1f0000)
#define AGENT_MAX_RECS 4
#define AGENT_MAX_DATA 8

/* Commands. Arguments a[0..7]; results r[0..7]. */
enum agent_op {
	AGENT_NOP = 0,   /* rings the doorbell */
	AGENT_SMC = 1,   /* X0..X7 = a[0..7], X8 = a8; SMC #0; r[0..7] = X0..X7, r8 = X8 */
	AGENT_LOAD = 2,  /* r[0] = 64-bit load from IPA a[0] (0 if it faulted) */
	AGENT_STORE = 3, /* 64-bit store of a[1] to IPA a[0] */
	AGENT_SUM = 4,   /* r[0] = agent_sum over [a[0], a[0] + a[1]), a[1] a non-zero
			    multiple of 8 */
	AGENT_SPIN = 5,  /* counts in `spins` until the op word changes, then does
			    the new command */
	AGENT_WFI = 6,   /* WFI (the tests trap it: a WFx exit) */
	AGENT_COUNTED_LOAD = 7, /* steps += 1, then AGENT_LOAD, in one translation block:
				   steps says how often the code before the load ran */
	AGENT_COPY = 8,  /* copies a[2] bytes (a multiple of 8) from IPA a[0] to IPA a[1],
			    a word at a time */
	AGENT_LOAD_LOOP = 9, /* loads from IPA a[0] into r[0], counting each load in
				`spins`, until the op word changes, then does the new
				command */
};

/* The mailbox page, as the agent reads and writes it. */
struct agent_mbox {
	uint64_t op;
	uint64_t a[8];
	uint64_t a8;     /* X8 for AGENT_SMC (ta_post clears it; set it after) */
	uint8_t pad0[0x100 - 0x50];
	uint64_t r[8];
	uint64_t r8;
	uint8_t pad1[0x180 - 0x148];
	uint64_t spins;
	uint8_t pad2[0x1c0 - 0x188];
	uint64_t exc_esr;   /* of the last synchronous exception the agent took */
	uint64_t exc_far;
	uint64_t exc_count; /* exceptions taken */
	uint64_t steps;     /* AGENT_COUNTED_LOAD's count (ta_post clears it) */
	uint8_t pad3[0x800 - 0x1e0];
	uint8_t copy[0x800]; /* where ta_copy_out has the agent copy to */
};

struct tagent {
	struct tmach *t;
	struct trealm r;
	unsigned nrecs, data_pages;
	uint64_t rec[AGENT_MAX_RECS];
	uint64_t run[AGENT_MAX_RECS];  /* NS run pages */
	uint64_t mbox[AGENT_MAX_RECS]; /* NS mailbox pages */
	uint64_t data[AGENT_MAX_DATA]; /* DATA granules of the data pages */
	uint64_t scratch;              /* DATA granule of the scratch page */
	bool at_doorbell[AGENT_MAX_RECS];
};

/* The checksum AGENT_SUM computes: s = w ^ ror(s, 7) over 64-bit words. */
uint64_t agent_sum(const uint64_t *words, size_t n);

/* The machine of a test driving the agent (two PEs, 32 MiB DRAM), kept
 * for ta_test_teardown in case the test fails before ta_close. */
struct tmach *ta_machine(void);
/* ta_machine, then an active agent realm (VMID 1, two data pages) with
 * nrecs RECs, REC 0 at its doorbell after a first ta_check_data. */
void ta_open_active(struct tmach **t, struct tagent *a, unsigned nrecs);
/* Invariants hold, the realm is torn down, every granule comes back, and
 * the machine is destroyed. */
void ta_close(struct tmach *t, struct tagent *a);
/* A cmocka teardown: stops a spinner still running, destroys the machine
 * of a test that failed. */
int ta_test_teardown(void **state);

/* Builds a NEW realm (s2sz 40, starting level 1, VMID vmid) running the
 * agent, with nrecs RECs and data_pages pages of pattern. */
void ta_build(struct tagent *a, struct tmach *t, uint16_t vmid, unsigned nrecs,
	      unsigned data_pages);
/* The same in a realm the caller created (NEW, s2sz >= 32, no RECs yet);
 * a->r becomes a copy of *r, to be torn down with ta_teardown. */
void ta_build_in(struct tagent *a, struct tmach *t, const struct trealm *r, unsigned nrecs,
		 unsigned data_pages);
void ta_activate(struct tagent *a);
/* tm_realm_teardown of the realm, then undelegate of nothing else: the
 * mailboxes and run pages are NS. */
void ta_teardown(struct tagent *a);

/* The expected AGENT_SUM of the data pages as built, and of the pattern
 * over [ipa, ipa + bytes) of them. */
uint64_t ta_data_sum(const struct tagent *a);
uint64_t ta_pattern_sum(uint64_t ipa, uint64_t bytes);
/* Where REC i's mailbox is: in the host's view, and as the realm's IPA. */
struct agent_mbox *ta_mbox(struct tagent *a, unsigned i);
uint64_t ta_mbox_ipa(const struct tagent *a, unsigned i);
/* The unprotected IPA whose store is REC i's doorbell. */
uint64_t ta_doorbell_ipa(const struct tagent *a, unsigned i);
/* The first unprotected IPA (1 << (s2sz - 1)). */
uint64_t ta_ns_base(const struct tagent *a);
struct rmi_rec_run *ta_run(struct tagent *a, unsigned i);

/* Writes a command for REC i (results and exception record cleared). */
void ta_post(struct tagent *a, unsigned i, uint64_t op, const uint64_t args[8]);

/* The entry part of REC i's run page cleared, with flags: EMUL_MMIO when
 * the last exit was its doorbell, plus `flags`. A test may change it
 * further before ta_enter_go. */
struct rmi_rec_enter *ta_enter_prepare(struct tagent *a, unsigned i, uint64_t flags);
/* RMI_REC_ENTER of REC i from PE pe with the run page as it is; returns X0
 * and, on success, notes whether the exit is the doorbell. */
uint64_t ta_enter_go(struct tagent *a, unsigned pe, unsigned i);
/* The same without cmocka, for a thread of the test's own: X0, or
 * UINT64_MAX if the PE refused the SMC. */
uint64_t ta_enter_raw(struct tagent *a, unsigned pe, unsigned i);
/* CLOCK_MONOTONIC in seconds, for the tests' deadlines. */
double ta_now_s(void);
/* Whether an exit is REC i's doorbell (the agent is between commands). */
bool ta_is_doorbell(const struct tagent *a, unsigned i, const struct rmi_rec_exit *e);

/* Enters REC i (ta_enter_prepare with TRAP_WFI | flags) until an exit other
 * than a preemption; asserts every REC_ENTER succeeds. */
const struct rmi_rec_exit *ta_resume(struct tagent *a, unsigned i, uint64_t flags);
/* ta_post, then ta_resume. */
const struct rmi_rec_exit *ta_cmd(struct tagent *a, unsigned i, uint64_t op,
				  const uint64_t args[8]);
/* A command that must end at the doorbell; returns r[0]. */
uint64_t ta_do(struct tagent *a, unsigned i, uint64_t op, uint64_t a0, uint64_t a1);
/* An SMC from REC i's agent that the RMM answers without an exit; r[0..3]
 * in out (may be NULL); returns X0. */
uint64_t ta_smc(struct tagent *a, unsigned i, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4, uint64_t out[4]);
/* Has REC i's agent copy len bytes of its memory at ipa (protected, so
 * the host cannot read it) to its mailbox, and from there into buf. */
void ta_copy_out(struct tagent *a, unsigned i, uint64_t ipa, void *buf, size_t len);
/* Asserts that REC i's agent sums the data pages to what they were built
 * with: the realm's memory is intact and its code runs. */
void ta_check_data(struct tagent *a, unsigned i);

/* A REC of the agent spinning (AGENT_SPIN) on PE pe on a thread of its own,
 * re-entered after every preemption, as a host whose other CPU runs it. */
struct ta_spinner;
/* Starts it; returns once the agent is seen spinning. */
struct ta_spinner *ta_spin_start(struct tagent *a, unsigned pe, unsigned i);
/* Calls fn(ctx) (an RMI call from another PE about REC i) while the REC
 * runs on the spinner's PE. *certain says whether the REC certainly was
 * inside that PE's REC_ENTER throughout the call: the same REC_ENTER saw the
 * agent count before and after it. Returns fn's X0. */
uint64_t ta_while_spinning(struct ta_spinner *s, uint64_t (*fn)(void *ctx), void *ctx,
			   bool *certain);
/* How often a test retries ta_while_spinning before it gives up on being
 * certain: each try is short on an idle machine, where one or two do; on a
 * heavily loaded one (ctest -j beside other builds) the spinner's thread
 * may be off the CPU for whole slices, and 50 tries were seen to fail. */
#define TA_CERTAIN_TRIES 1000
/* Waits (up to seconds) until the spinner's REC has been preempted at
 * least once (an IRQ exit) and re-entered; false if it never was. */
bool ta_spin_wait_preempted(struct ta_spinner *s);
/* Ends the spin (the agent rings its doorbell) and joins the thread; fails
 * the test if the thread met anything but preemptions and REC_ENTERs
 * refused because another PE ran the REC. The REC is then at its doorbell,
 * or gone if a REC_DESTROY succeeded (*destroyed; may be NULL if it must
 * not be). Returns how many times the REC was preempted. */
unsigned ta_spin_stop(struct ta_spinner *s, bool *destroyed);
/* For a test's teardown after a failure: stops and joins a spinner still
 * running, if any, so that the machine can be destroyed. */
void ta_spin_abandon(void);

#endif
