/* RMI from several PEs at once (one host thread per PE): threads that each
 * build and tear down realms of their own, and threads that race on one
 * shared realm (the same IPAs, the same table, the same granules). Every
 * status must be one the spec allows for that race, every granule must be
 * accounted for, and the machine's invariants must hold afterwards.
 *
 * cmocka's assertions are not thread-safe: workers record their first
 * failure and the main thread reports it. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "invariants.h"

#include "monitor/machine_internal.h"
#include "platform/platform.h"
#include "rmm/rmm.h"

#define NPE 4
#define IPA_NS (UINT64_C(1) << 39) /* first unprotected IPA with s2sz 40 */

/* Iterations per thread: a few hundred realm lifecycles, and tens of
 * thousands of racing commands; about two seconds plain, five under
 * ThreadSanitizer on two cores. */
#define OWN_REALM_CYCLES 300
#define SHARED_OPS 50000

#define SHARED_IPAS 8        /* data races over IPAs [0, 8 pages) */
#define SHARED_POOL 24       /* delegated granules each racing thread starts with */
#define SHARED_RECS 3        /* RECs a racing thread may own at once */
#define SHARED_GRANULES 6    /* granules all threads delegate and undelegate */
#define RACES 21

/* What the racing threads share. */
struct shared {
	struct tmach *t;
	struct trealm s;      /* NEW realm everyone hammers */
	struct trealm e;      /* ACTIVE realm with two RECs everyone enters */
	uint64_t pool_base;   /* contiguous delegated granules for DATA and RTTs */
	size_t pool_n;
	_Atomic int *where;   /* per pool granule: owner thread, or IN_REALM */
	uint64_t contested[SHARED_GRANULES];
	atomic_ulong rec_hint; /* a guess of S's next REC index */
	uint64_t ns_target;    /* the NS page unprotected mappings point at */
};
#define IN_REALM (-1)

struct worker {
	struct tmach *t;
	unsigned pe;
	bool own_realms;     /* role: its own realms, or the shared ones */
	struct shared *sh;
	uint64_t rng;
	unsigned long calls;
	bool failed;
	char err[512];
	/* own realms */
	uint64_t g[40];      /* NS granules: see own_realm_cycle */
	uint8_t rim[64];
	unsigned cycles;
	/* shared realms */
	uint64_t own[SHARED_POOL * NPE + 4]; /* delegated pool granules it holds */
	size_t nown;
	uint64_t recs[SHARED_RECS];          /* its RECs in S (0: slot free) */
	uint64_t rec_g[SHARED_RECS][1 + RMI_MAX_REC_AUX_GRANULES];
	uint64_t rec_params, run, src;
	pthread_barrier_t *start;       /* all workers start together */
	unsigned op;                    /* the race being run, for the statistics */
	unsigned long stats[RACES][20]; /* per race: per status * 4 + index */
};

static void fail_worker(struct worker *w, const char *fmt, ...)
{
	if (w->failed)
		return;
	w->failed = true;
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(w->err, sizeof(w->err), "PE %u, call %lu: ", w->pe, w->calls);
	vsnprintf(w->err + n, sizeof(w->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

static const char *status_str(uint64_t x0, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%u", ccakit_rmi_status_name(x0), rmi_return_index(x0));
	return buf;
}

/* The RECs here run WFIs, entered with TRAP_WFI: each entry ends in a
 * WFx exit, PC past the WFI, or in an IRQ exit when the time slice ends
 * first (the first entry translates the code; on a loaded machine that can
 * take a whole slice). */
static bool exited_on_wfi_or_slice(const struct rmi_rec_run *run)
{
	if (run->exit.exit_reason == RMI_EXIT_IRQ)
		return true;
	return run->exit.exit_reason == RMI_EXIT_SYNC && run->exit.esr >> 26 == 0x01;
}

/* x0 must be one of the n statuses that follow (rmi_return values). */
static bool allowed(struct worker *w, const char *what, uint64_t x0, unsigned n, ...)
{
	unsigned key = rmi_return_status(x0) * 4 + rmi_return_index(x0);
	if (!w->own_realms && w->op < RACES && key < 20)
		w->stats[w->op][key]++;
	va_list ap;
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		if (x0 == va_arg(ap, uint64_t)) {
			va_end(ap);
			return true;
		}
	va_end(ap);
	char b[64];
	fail_worker(w, "%s returned %s, which this race does not allow", what,
		    status_str(x0, b, sizeof(b)));
	return false;
}

#define OK rmi_return(RMI_SUCCESS, 0)
#define E_INPUT rmi_return(RMI_ERROR_INPUT, 0)
#define E_REALM rmi_return(RMI_ERROR_REALM, 0)
#define E_REC rmi_return(RMI_ERROR_REC, 0)
#define E_RTT(l) rmi_return(RMI_ERROR_RTT, l)

static uint64_t xorshift(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

/* ---- (a) a realm of one's own, built and torn down ---- */

/* One RMI call of w (with t and pe in scope) that must succeed: nothing is
 * shared. Arguments are uint64_t. */
#define STEP(w, out, fid, ...)                                                              \
	do {                                                                                \
		(w)->calls++;                                                               \
		if (!allowed((w), #fid, rmi_pe(t, pe, (out), (fid), __VA_ARGS__), 1, OK))  \
			return false;                                                       \
	} while (0)

/* Granules: g[0..1] start RTTs (contiguous), g[2] RD, g[3] realm params,
 * g[4..7] RTTs (level 2 and 3 over IPA 0 and IPA_NS), g[8] src, g[9..11]
 * data, g[12] REC params, g[13] REC, g[14..29] aux, g[30] run, g[31] the
 * NS page mapped unprotected. */
static const unsigned own_delegated[] = { 0,  1,  2,  4,  5,  6,  7,  9,  10, 11, 13, 14, 15,
					  16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29 };

static bool own_realm_cycle(struct worker *w)
{
	struct tmach *t = w->t;
	unsigned pe = w->pe;
	uint64_t *g = w->g;
	struct rmi_out o;
	const uint64_t Z = 0, rd = g[2];

	for (unsigned i = 0; i < sizeof(own_delegated) / sizeof(own_delegated[0]); i++)
		STEP(w, NULL, RMI_GRANULE_DELEGATE, 1, g[own_delegated[i]]);

	struct rmi_realm_params *rp = tm_ptr(t, g[3]);
	memset(rp, 0, sizeof(*rp));
	rp->s2sz = 40;
	rp->num_bps = 1;
	rp->num_wps = 1;
	rp->hash_algo = RMI_HASH_SHA_256;
	rp->vmid = (uint16_t)(100 + pe);
	rp->rtt_base = g[0];
	rp->rtt_level_start = 1;
	rp->rtt_num_start = 2;
	STEP(w, NULL, RMI_REALM_CREATE, 2, rd, g[3]);
	STEP(w, NULL, RMI_RTT_CREATE, 4, rd, g[4], Z, UINT64_C(2));
	STEP(w, NULL, RMI_RTT_CREATE, 4, rd, g[5], Z, UINT64_C(3));
	STEP(w, NULL, RMI_RTT_CREATE, 4, rd, g[6], IPA_NS, UINT64_C(2));
	STEP(w, NULL, RMI_RTT_CREATE, 4, rd, g[7], IPA_NS, UINT64_C(3));
	STEP(w, &o, RMI_RTT_INIT_RIPAS, 3, rd, Z, UINT64_C(0x4000));
	if (o.x[0] != 0x4000) {
		fail_worker(w, "RTT_INIT_RIPAS out_top 0x%llx", (unsigned long long)o.x[0]);
		return false;
	}
	/* The REC's code, at IPA 0x1000: WFIs, which it leaves by trapping. */
	for (unsigned i = 0; i < GRANULE_SIZE / 4; i++)
		((uint32_t *)tm_ptr(t, g[8]))[i] = A64_WFI;
	STEP(w, NULL, RMI_DATA_CREATE, 5, rd, g[9], Z, g[8], (uint64_t)RMI_MEASURE_CONTENT);
	STEP(w, NULL, RMI_DATA_CREATE, 5, rd, g[10], UINT64_C(0x1000), g[8],
	     (uint64_t)RMI_NO_MEASURE_CONTENT);
	STEP(w, NULL, RMI_DATA_CREATE_UNKNOWN, 3, rd, g[11], UINT64_C(0x2000));
	STEP(w, NULL, RMI_RTT_MAP_UNPROTECTED, 4, rd, IPA_NS, UINT64_C(3), g[31]);

	struct rmi_rec_params *cp = tm_ptr(t, g[12]);
	memset(cp, 0, sizeof(*cp));
	cp->flags = RMI_REC_FLAG_RUNNABLE;
	cp->pc = 0x1000;
	cp->num_aux = RMI_MAX_REC_AUX_GRANULES;
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		cp->aux[i] = g[14 + i];
	STEP(w, NULL, RMI_REC_CREATE, 3, rd, g[13], g[12]);

	/* The same commands give the same RIM, whatever runs alongside. */
	const struct rd *desc = plat_sys_ptr(ccakit_machine_platform(t->m), rd);
	if (w->cycles == 0)
		memcpy(w->rim, desc->measurement[RIM_SLOT], 64);
	else if (memcmp(w->rim, desc->measurement[RIM_SLOT], 64) != 0) {
		fail_worker(w, "RIM differs from the first cycle's");
		return false;
	}

	STEP(w, NULL, RMI_REALM_ACTIVATE, 1, rd);
	for (unsigned i = 0; i < 3; i++) {
		memset(tm_ptr(t, g[30]), 0xff, GRANULE_SIZE);
		struct rmi_rec_run *run = tm_ptr(t, g[30]);
		run->enter.flags = REC_ENTRY_FLAG_TRAP_WFI;
		memset(run->enter.gicv3_lrs, 0, sizeof(run->enter.gicv3_lrs));
		run->enter.gicv3_hcr = 0;
		STEP(w, NULL, RMI_REC_ENTER, 2, g[13], g[30]);
		if (!exited_on_wfi_or_slice(run)) {
			fail_worker(w, "REC_ENTER exit reason %llu, ESR 0x%llx",
				    (unsigned long long)run->exit.exit_reason,
				    (unsigned long long)run->exit.esr);
			return false;
		}
	}
	STEP(w, &o, RMI_RTT_READ_ENTRY, 3, rd, UINT64_C(0x1000), UINT64_C(3));
	if (o.x[0] != 3 || o.x[1] != RMI_ASSIGNED || o.x[2] != g[10] || o.x[3] != RIPAS_RAM) {
		fail_worker(w, "RTT_READ_ENTRY of its DATA: level %llu state %llu desc 0x%llx",
			    (unsigned long long)o.x[0], (unsigned long long)o.x[1],
			    (unsigned long long)o.x[2]);
		return false;
	}

	/* Teardown, in the order a host does it. */
	w->calls++;
	if (!allowed(w, "REALM_DESTROY (live)", rmi_pe(t, pe, NULL, RMI_REALM_DESTROY, 1, rd), 1,
		     E_REALM))
		return false;
	STEP(w, NULL, RMI_REC_DESTROY, 1, g[13]);
	for (unsigned i = 0; i < 3; i++) {
		STEP(w, &o, RMI_DATA_DESTROY, 2, rd, (uint64_t)i * GRANULE_SIZE);
		if (o.x[0] != g[9 + i]) {
			fail_worker(w, "DATA_DESTROY gave 0x%llx", (unsigned long long)o.x[0]);
			return false;
		}
	}
	STEP(w, NULL, RMI_RTT_UNMAP_UNPROTECTED, 3, rd, IPA_NS, UINT64_C(3));
	static const struct { unsigned g; uint64_t ipa; uint64_t level; } rtts[] = {
		{ 7, IPA_NS, 3 }, { 6, IPA_NS, 2 }, { 5, 0, 3 }, { 4, 0, 2 } };
	for (unsigned i = 0; i < 4; i++) {
		STEP(w, &o, RMI_RTT_DESTROY, 3, rd, rtts[i].ipa, rtts[i].level);
		if (o.x[0] != g[rtts[i].g]) {
			fail_worker(w, "RTT_DESTROY gave 0x%llx", (unsigned long long)o.x[0]);
			return false;
		}
	}
	STEP(w, NULL, RMI_REALM_DESTROY, 1, rd);
	for (unsigned i = 0; i < sizeof(own_delegated) / sizeof(own_delegated[0]); i++)
		STEP(w, NULL, RMI_GRANULE_UNDELEGATE, 1, g[own_delegated[i]]);
	w->cycles++;
	return true;
}

/* ---- (b) racing on shared realms ---- */

static size_t pool_index(const struct shared *sh, uint64_t pa, bool *ok)
{
	*ok = pa >= sh->pool_base && pa < sh->pool_base + sh->pool_n * GRANULE_SIZE &&
	      !(pa & GRANULE_MASK);
	return *ok ? (size_t)((pa - sh->pool_base) / GRANULE_SIZE) : 0;
}

/* A granule the thread holds is about to be offered to the realm. It is
 * marked as in the realm before the command, since another PE may take it
 * back out (DATA_DESTROY, RTT_DESTROY, RTT_FOLD) as soon as the RMM has it. */
static bool give(struct worker *w, uint64_t pa, const char *what)
{
	bool ok;
	size_t i = pool_index(w->sh, pa, &ok);
	int expected = (int)w->pe;
	if (!ok || !atomic_compare_exchange_strong(&w->sh->where[i], &expected, IN_REALM)) {
		fail_worker(w, "%s of 0x%llx, which PE %u did not hold", what,
			    (unsigned long long)pa, w->pe);
		return false;
	}
	return true;
}

/* The realm refused it: nobody else can have got it. */
static bool keep(struct worker *w, uint64_t pa, const char *what)
{
	bool ok;
	size_t i = pool_index(w->sh, pa, &ok);
	int expected = IN_REALM;
	if (!ok || !atomic_compare_exchange_strong(&w->sh->where[i], &expected, (int)w->pe)) {
		fail_worker(w, "%s refused 0x%llx, yet another PE got it (owner %d)", what,
			    (unsigned long long)pa, expected);
		return false;
	}
	w->own[w->nown++] = pa;
	return true;
}

/* A granule came back out of the realm (DATA_DESTROY, RTT_DESTROY, FOLD):
 * it must be one that was in the realm, and only one thread gets it. */
static bool take(struct worker *w, uint64_t pa, const char *what)
{
	bool ok;
	size_t i = pool_index(w->sh, pa, &ok);
	int expected = IN_REALM;
	if (!ok || !atomic_compare_exchange_strong(&w->sh->where[i], &expected, (int)w->pe)) {
		fail_worker(w, "%s returned 0x%llx, which was not in the realm (owner %d)", what,
			    (unsigned long long)pa, ok ? expected : -2);
		return false;
	}
	w->own[w->nown++] = pa;
	return true;
}

static uint64_t pop_own(struct worker *w)
{
	size_t k = xorshift(w) % w->nown;
	uint64_t pa = w->own[k];
	w->own[k] = w->own[--w->nown];
	return pa;
}

static bool race_once(struct worker *w)
{
	struct shared *sh = w->sh;
	struct tmach *t = w->t;
	unsigned pe = w->pe;
	uint64_t rd = sh->s.rd;
	uint64_t ipa = (xorshift(w) % SHARED_IPAS) * GRANULE_SIZE;
	unsigned op = (unsigned)(xorshift(w) % RACES);
	struct rmi_out o;
	w->op = op;
	uint64_t x0;

	w->calls++;
	switch (op) {
	case 0:
	case 1: { /* DATA_CREATE / DATA_CREATE_UNKNOWN, same or different IPAs */
		if (!w->nown)
			return true;
		uint64_t data = pop_own(w);
		if (!give(w, data, "DATA_CREATE"))
			return false;
		if (op == 0)
			x0 = rmi_pe(t, pe, NULL, RMI_DATA_CREATE, 5, rd, data, ipa, w->src,
				    (uint64_t)(xorshift(w) & 1));
		else
			x0 = rmi_pe(t, pe, NULL, RMI_DATA_CREATE_UNKNOWN, 3, rd, data, ipa);
		/* rtt_walk (no level-3 table) or rtte_state (entry taken). */
		if (!allowed(w, op ? "DATA_CREATE_UNKNOWN" : "DATA_CREATE", x0, 3, OK, E_RTT(2),
			     E_RTT(3)))
			return false;
		return x0 == OK || keep(w, data, "DATA_CREATE");
	}
	case 2:
	case 3: /* DATA_DESTROY */
		x0 = rmi_pe(t, pe, &o, RMI_DATA_DESTROY, 2, rd, ipa);
		if (!allowed(w, "DATA_DESTROY", x0, 3, OK, E_RTT(2), E_RTT(3)))
			return false;
		return x0 != OK || take(w, o.x[0], "DATA_DESTROY");
	case 4: { /* RTT_CREATE at the one level-3 IPA everyone races on */
		if (!w->nown)
			return true;
		uint64_t rtt = pop_own(w);
		if (!give(w, rtt, "RTT_CREATE"))
			return false;
		x0 = rmi_pe(t, pe, NULL, RMI_RTT_CREATE, 4, rd, rtt, UINT64_C(0), UINT64_C(3));
		if (!allowed(w, "RTT_CREATE", x0, 2, OK, E_RTT(2)))
			return false;
		return x0 == OK || keep(w, rtt, "RTT_CREATE");
	}
	case 5: /* RTT_DESTROY: rtte_state (no table: index = walk level 2), rtt_live (3) */
		x0 = rmi_pe(t, pe, &o, RMI_RTT_DESTROY, 3, rd, UINT64_C(0), UINT64_C(3));
		if (!allowed(w, "RTT_DESTROY", x0, 3, OK, E_RTT(2), E_RTT(3)))
			return false;
		return x0 != OK || take(w, o.x[0], "RTT_DESTROY");
	case 6: /* RTT_FOLD: rtte_state (2), rtte_homo (3) */
		x0 = rmi_pe(t, pe, &o, RMI_RTT_FOLD, 3, rd, UINT64_C(0), UINT64_C(3));
		if (!allowed(w, "RTT_FOLD", x0, 3, OK, E_RTT(2), E_RTT(3)))
			return false;
		return x0 != OK || take(w, o.x[0], "RTT_FOLD");
	case 7: { /* RTT_READ_ENTRY sees a consistent entry */
		x0 = rmi_pe(t, pe, &o, RMI_RTT_READ_ENTRY, 3, rd, ipa, UINT64_C(3));
		if (!allowed(w, "RTT_READ_ENTRY", x0, 1, OK))
			return false;
		bool ok;
		bool good = o.x[3] <= RIPAS_DESTROYED &&
			    ((o.x[0] == 2 && o.x[1] == RMI_UNASSIGNED && o.x[2] == 0) ||
			     (o.x[0] == 3 && o.x[1] == RMI_UNASSIGNED && o.x[2] == 0) ||
			     (o.x[0] == 3 && o.x[1] == RMI_ASSIGNED &&
			      (pool_index(sh, o.x[2], &ok), ok)));
		if (!good)
			fail_worker(w, "RTT_READ_ENTRY(0x%llx): level %llu state %llu desc 0x%llx "
				    "ripas %llu",
				    (unsigned long long)ipa, (unsigned long long)o.x[0],
				    (unsigned long long)o.x[1], (unsigned long long)o.x[2],
				    (unsigned long long)o.x[3]);
		return good;
	}
	case 8: /* RTT_INIT_RIPAS of one page: no_progress (2) or rtte_state (3) */
		x0 = rmi_pe(t, pe, &o, RMI_RTT_INIT_RIPAS, 3, rd, ipa, ipa + GRANULE_SIZE);
		if (!allowed(w, "RTT_INIT_RIPAS", x0, 3, OK, E_RTT(2), E_RTT(3)))
			return false;
		if (x0 == OK && o.x[0] != ipa + GRANULE_SIZE) {
			fail_worker(w, "RTT_INIT_RIPAS out_top 0x%llx", (unsigned long long)o.x[0]);
			return false;
		}
		return true;
	case 9: { /* REC_CREATE on S, guessing the next index */
		unsigned slot = (unsigned)(xorshift(w) % SHARED_RECS);
		if (w->recs[slot])
			return true;
		uint64_t index = atomic_load(&sh->rec_hint);
		struct rmi_rec_params *p = tm_ptr(t, w->rec_params);
		p->flags = xorshift(w) & 1;
		p->mpidr = rmi_rec_index_to_mpidr(index);
		p->num_aux = RMI_MAX_REC_AUX_GRANULES;
		for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
			p->aux[i] = w->rec_g[slot][1 + i];
		x0 = rmi_pe(t, pe, NULL, RMI_REC_CREATE, 3, rd, w->rec_g[slot][0], w->rec_params);
		/* mpidr_index: another thread took that index first. */
		if (!allowed(w, "REC_CREATE", x0, 2, OK, E_INPUT))
			return false;
		if (x0 == OK) {
			w->recs[slot] = w->rec_g[slot][0];
			uint64_t h = index;
			while (h <= index && !atomic_compare_exchange_weak(&sh->rec_hint, &h, index + 1))
				;
		} else {
			uint64_t h = index;
			atomic_compare_exchange_strong(&sh->rec_hint, &h, index + 1);
		}
		return true;
	}
	case 10: { /* REC_DESTROY of one's own REC; REC_ENTER of it (realm NEW) */
		unsigned slot = (unsigned)(xorshift(w) % SHARED_RECS);
		if (!w->recs[slot])
			return true;
		x0 = rmi_pe(t, pe, NULL, RMI_REC_ENTER, 2, w->recs[slot], w->run);
		if (!allowed(w, "REC_ENTER (realm NEW)", x0, 1, E_REALM))
			return false;
		x0 = rmi_pe(t, pe, NULL, RMI_REC_DESTROY, 1, w->recs[slot]);
		if (!allowed(w, "REC_DESTROY", x0, 1, OK))
			return false;
		w->recs[slot] = 0;
		return true;
	}
	case 11: /* REALM_DESTROY: the fixed level-2 table keeps S live */
		x0 = rmi_pe(t, pe, NULL, RMI_REALM_DESTROY, 1, rd);
		return allowed(w, "REALM_DESTROY", x0, 1, E_REALM);
	case 12: /* everyone delegates the same few granules */
		x0 = rmi_pe(t, pe, NULL, RMI_GRANULE_DELEGATE, 1,
			    sh->contested[xorshift(w) % SHARED_GRANULES]);
		return allowed(w, "GRANULE_DELEGATE", x0, 2, OK, E_INPUT);
	case 13: /* ... and undelegates them */
		x0 = rmi_pe(t, pe, NULL, RMI_GRANULE_UNDELEGATE, 1,
			    sh->contested[xorshift(w) % SHARED_GRANULES]);
		return allowed(w, "GRANULE_UNDELEGATE", x0, 2, OK, E_INPUT);
	case 14: { /* unprotected mappings at two IPAs */
		uint64_t ns_ipa = IPA_NS + (xorshift(w) & 1) * GRANULE_SIZE;
		if (xorshift(w) & 1) {
			x0 = rmi_pe(t, pe, NULL, RMI_RTT_MAP_UNPROTECTED, 4, rd, ns_ipa, UINT64_C(3),
				    sh->ns_target);
			return allowed(w, "RTT_MAP_UNPROTECTED", x0, 2, OK, E_RTT(3));
		}
		x0 = rmi_pe(t, pe, &o, RMI_RTT_UNMAP_UNPROTECTED, 3, rd, ns_ipa, UINT64_C(3));
		return allowed(w, "RTT_UNMAP_UNPROTECTED", x0, 2, OK, E_RTT(3));
	}
	case 15:
	case 16: { /* REC_ENTER of E's RECs: busy (REC) when another PE runs it */
		uint64_t rec = sh->e.recs[xorshift(w) & 1];
		struct rmi_rec_run *run = tm_ptr(t, w->run);
		run->enter.flags = REC_ENTRY_FLAG_TRAP_WFI;
		run->exit.exit_reason = 0xff;
		x0 = rmi_pe(t, pe, NULL, RMI_REC_ENTER, 2, rec, w->run);
		if (!allowed(w, "REC_ENTER", x0, 2, OK, E_REC))
			return false;
		if (x0 == OK && !exited_on_wfi_or_slice(run)) {
			fail_worker(w, "REC_ENTER exit reason %llu, ESR 0x%llx",
				    (unsigned long long)run->exit.exit_reason,
				    (unsigned long long)run->exit.esr);
			return false;
		}
		return true;
	}
	case 17: /* PSCI_COMPLETE with nothing pending, racing REC_ENTER */
		x0 = rmi_pe(t, pe, NULL, RMI_PSCI_COMPLETE, 3, sh->e.recs[0], sh->e.recs[1],
			    UINT64_C(0));
		return allowed(w, "PSCI_COMPLETE", x0, 1, E_INPUT);
	case 18: { /* undelegating objects in use: always refused */
		const uint64_t in_use[] = { rd, sh->s.rtt_base, sh->s.rtts[0].pa, sh->e.rd,
					    sh->e.recs[0], sh->e.rec_aux[1][3] };
		x0 = rmi_pe(t, pe, NULL, RMI_GRANULE_UNDELEGATE, 1,
			    in_use[xorshift(w) % (sizeof(in_use) / sizeof(in_use[0]))]);
		return allowed(w, "GRANULE_UNDELEGATE (in use)", x0, 1, E_INPUT);
	}
	case 19: { /* DATA_CREATE from a source another PE (un)delegates: the
		    * PAS check and the copy must agree (src_pas, or the copy
		    * faulting), never copy Realm memory */
		if (!w->nown)
			return true;
		uint64_t data = pop_own(w);
		if (!give(w, data, "DATA_CREATE"))
			return false;
		x0 = rmi_pe(t, pe, NULL, RMI_DATA_CREATE, 5, rd, data, ipa,
			    sh->contested[xorshift(w) % SHARED_GRANULES], (uint64_t)RMI_MEASURE_CONTENT);
		if (!allowed(w, "DATA_CREATE (contested src)", x0, 4, OK, E_INPUT, E_RTT(2), E_RTT(3)))
			return false;
		return x0 == OK || keep(w, data, "DATA_CREATE");
	}
	default: /* RTT_READ_ENTRY of the level-2 entry */
		x0 = rmi_pe(t, pe, &o, RMI_RTT_READ_ENTRY, 3, rd, UINT64_C(0), UINT64_C(2));
		if (!allowed(w, "RTT_READ_ENTRY L2", x0, 1, OK))
			return false;
		if (o.x[0] != 2 || (o.x[1] != RMI_TABLE && o.x[1] != RMI_UNASSIGNED)) {
			fail_worker(w, "RTT_READ_ENTRY L2: level %llu state %llu",
				    (unsigned long long)o.x[0], (unsigned long long)o.x[1]);
			return false;
		}
		return true;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pthread_barrier_wait(w->start);
	if (w->own_realms) {
		for (unsigned i = 0; i < OWN_REALM_CYCLES && !w->failed; i++)
			own_realm_cycle(w);
	} else {
		for (unsigned i = 0; i < SHARED_OPS && !w->failed; i++)
			race_once(w);
	}
	return NULL;
}

/* ---- set-up and teardown (main thread, PE 0) ---- */

static void own_realm_setup(struct tmach *t, struct worker *w)
{
	while (t->next & (2 * GRANULE_SIZE - 1))
		tm_granule(t);
	for (unsigned i = 0; i < 32; i++)
		w->g[i] = tm_granule(t); /* consecutive: g[0], g[1] are contiguous and
					    aligned, as two start tables must be */
}

static void shared_setup(struct tmach *t, struct shared *sh, struct worker *ws, unsigned nw)
{
	memset(sh, 0, sizeof(*sh));
	sh->t = t;
	/* S: NEW, a level-2 table over IPA 0 that nobody destroys, level 2 and 3
	 * tables over IPA_NS. E: ACTIVE with two runnable RECs. */
	tm_realm_create(t, &sh->s, 40, 1, 1);
	tm_rtt_map_to(t, &sh->s, 0, 2);
	tm_rtt_map_to(t, &sh->s, IPA_NS, 3);
	tm_realm_create(t, &sh->e, 40, 1, 2);
	tm_code_page(t, &sh->e, 0, NULL, 0);
	tm_rec_create(t, &sh->e, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	tm_rec_create(t, &sh->e, 1, RMI_REC_FLAG_RUNNABLE, NULL);
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, sh->e.rd), RMI_SUCCESS, 0);
	sh->ns_target = tm_granule(t);
	for (unsigned i = 0; i < SHARED_GRANULES; i++)
		sh->contested[i] = tm_granule(t);

	sh->pool_n = (size_t)nw * SHARED_POOL;
	sh->where = calloc(sh->pool_n, sizeof(*sh->where));
	assert_non_null(sh->where);
	sh->pool_base = t->next;
	for (unsigned k = 0; k < nw; k++) {
		struct worker *w = &ws[k];
		for (unsigned i = 0; i < SHARED_POOL; i++) {
			uint64_t pa = tm_delegated(t);
			bool ok;
			size_t idx = pool_index(sh, pa, &ok);
			assert_true(ok);
			atomic_store(&sh->where[idx], (int)w->pe);
			w->own[w->nown++] = pa;
		}
	}
	for (unsigned k = 0; k < nw; k++) {
		struct worker *w = &ws[k];
		for (unsigned r = 0; r < SHARED_RECS; r++)
			for (unsigned i = 0; i < 1 + RMI_MAX_REC_AUX_GRANULES; i++)
				w->rec_g[r][i] = tm_delegated(t);
		w->rec_params = tm_granule(t);
		w->run = tm_granule(t);
		w->src = tm_granule(t);
		memset(tm_ptr(t, w->src), 0xa7, GRANULE_SIZE);
	}
}

static void shared_teardown(struct tmach *t, struct shared *sh, struct worker *ws, unsigned nw)
{
	struct rmi_out o;
	uint64_t x0;

	/* The threads' RECs, then whatever data and level-3 table the race
	 * left: each must come back exactly once. */
	for (unsigned k = 0; k < nw; k++)
		for (unsigned r = 0; r < SHARED_RECS; r++)
			if (ws[k].recs[r])
				assert_rmi(rmi(t, RMI_REC_DESTROY, 1, ws[k].recs[r]), RMI_SUCCESS, 0);
	for (uint64_t ipa = 0; ipa < SHARED_IPAS * GRANULE_SIZE; ipa += GRANULE_SIZE) {
		x0 = rmi_res(t, &o, RMI_DATA_DESTROY, 2, sh->s.rd, ipa);
		if (x0 == rmi_return(RMI_SUCCESS, 0)) {
			bool ok;
			size_t i = pool_index(sh, o.x[0], &ok);
			assert_true(ok);
			assert_int_equal(atomic_load(&sh->where[i]), IN_REALM);
			atomic_store(&sh->where[i], 0);
		} else {
			assert_true(x0 == rmi_return(RMI_ERROR_RTT, 2) ||
				    x0 == rmi_return(RMI_ERROR_RTT, 3));
		}
	}
	x0 = rmi_res(t, &o, RMI_RTT_DESTROY, 3, sh->s.rd, UINT64_C(0), UINT64_C(3));
	if (x0 == rmi_return(RMI_SUCCESS, 0)) {
		bool ok;
		size_t i = pool_index(sh, o.x[0], &ok);
		assert_true(ok);
		assert_int_equal(atomic_load(&sh->where[i]), IN_REALM);
		atomic_store(&sh->where[i], 0);
	} else {
		assert_rmi(x0, RMI_ERROR_RTT, 2);
	}
	for (size_t i = 0; i < sh->pool_n; i++) {
		if (atomic_load(&sh->where[i]) == IN_REALM)
			fail_msg("pool granule 0x%llx is lost in the realm",
				 (unsigned long long)(sh->pool_base + i * GRANULE_SIZE));
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, sh->pool_base + i * GRANULE_SIZE),
			   RMI_SUCCESS, 0);
	}
	for (unsigned i = 0; i < 2; i++) {
		x0 = rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, sh->s.rd, IPA_NS + i * GRANULE_SIZE,
			 UINT64_C(3));
		assert_true(x0 == rmi_return(RMI_SUCCESS, 0) || x0 == rmi_return(RMI_ERROR_RTT, 3));
	}
	tm_realm_teardown(t, &sh->s);
	tm_realm_teardown(t, &sh->e);
	for (unsigned k = 0; k < nw; k++)
		for (unsigned r = 0; r < SHARED_RECS; r++)
			for (unsigned i = 0; i < 1 + RMI_MAX_REC_AUX_GRANULES; i++)
				assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, ws[k].rec_g[r][i]),
					   RMI_SUCCESS, 0);
	for (unsigned i = 0; i < SHARED_GRANULES; i++) {
		x0 = rmi(t, RMI_GRANULE_UNDELEGATE, 1, sh->contested[i]);
		assert_true(x0 == rmi_return(RMI_SUCCESS, 0) || x0 == rmi_return(RMI_ERROR_INPUT, 0));
	}
	free(sh->where);
}

static const char *const race_names[RACES] = {
	"DATA_CREATE", "DATA_CREATE_UNKNOWN", "DATA_DESTROY", "DATA_DESTROY", "RTT_CREATE",
	"RTT_DESTROY", "RTT_FOLD", "RTT_READ_ENTRY", "RTT_INIT_RIPAS", "REC_CREATE",
	"REC_ENTER+DESTROY", "REALM_DESTROY", "DELEGATE", "UNDELEGATE", "(UN)MAP_UNPROTECTED",
	"REC_ENTER(E)", "REC_ENTER(E)", "PSCI_COMPLETE", "UNDELEGATE(in use)",
	"DATA_CREATE(src race)", "READ_ENTRY L2",
};

/* What the races produced, summed over the racing threads: every race that
 * can succeed must have succeeded at least once (or nothing was raced). */
static void race_report(const struct worker *ws, unsigned n)
{
	unsigned long sum[RACES][20] = { { 0 } };
	for (unsigned i = 0; i < n; i++)
		for (unsigned op = 0; op < RACES; op++)
			for (unsigned k = 0; k < 20; k++)
				sum[op][k] += ws[i].stats[op][k];
	for (unsigned op = 0; op < RACES; op++) {
		char line[256];
		int len = snprintf(line, sizeof(line), "  %-22s", race_names[op]);
		for (unsigned k = 0; k < 20; k++)
			if (sum[op][k])
				len += snprintf(line + len, sizeof(line) - (size_t)len, " %s/%u:%lu",
						ccakit_rmi_status_name(k / 4), k % 4, sum[op][k]);
		if (getenv("CCAKIT_TEST_VERBOSE"))
			print_message("%s\n", line);
		/* REALM_DESTROY, PSCI_COMPLETE and undelegating objects in use
		 * never succeed; RTT_INIT_RIPAS rarely does once the race has
		 * left DESTROYED entries everywhere; RTT_CREATE, RTT_DESTROY and
		 * RTT_FOLD win only a few dozen times a run, so zero is possible
		 * under an unlucky schedule (their success paths have their own
		 * deterministic tests in test_rmi_rtt). */
		bool may_never_succeed = op == 4 || op == 5 || op == 6 || op == 8 || op == 11 ||
					 op == 17 || op == 18;
		if (!may_never_succeed && !sum[op][0])
			fail_msg("race %s never succeeded:%s", race_names[op], line + 24);
	}
}

/* Runs the workers, one per PE, and reports the first failure. */
static void run_workers(struct worker *ws, unsigned n)
{
	pthread_t th[NPE];
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, n), 0);
	for (unsigned i = 0; i < n; i++) {
		ws[i].start = &start;
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &ws[i]), 0);
	}
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&start);
	for (unsigned i = 0; i < n; i++)
		if (ws[i].failed)
			fail_msg("%s", ws[i].err);
}

static void workers_init(struct tmach *t, struct worker *ws, unsigned n, struct shared *sh,
			 unsigned n_own)
{
	memset(ws, 0, n * sizeof(*ws));
	for (unsigned i = 0; i < n; i++) {
		ws[i].t = t;
		ws[i].pe = i;
		ws[i].own_realms = i < n_own;
		ws[i].sh = sh;
		ws[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
	}
}

static void threads_build_and_tear_down_their_own_realms(void **state)
{
	(void)state;
	struct tmach *t = tm_create(32 * MIB, NPE);
	struct worker ws[NPE];
	workers_init(t, ws, NPE, NULL, NPE);
	for (unsigned i = 0; i < NPE; i++)
		own_realm_setup(t, &ws[i]);
	run_workers(ws, NPE);
	for (unsigned i = 0; i < NPE; i++) {
		assert_int_equal(ws[i].cycles, OWN_REALM_CYCLES);
		/* Same commands, same RIM on every PE. */
		assert_memory_equal(ws[i].rim, ws[0].rim, 64);
	}
	tm_check_invariants(t);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

static void threads_race_on_one_realm(void **state)
{
	(void)state;
	struct tmach *t = tm_create(32 * MIB, NPE);
	struct worker ws[NPE];
	struct shared sh;
	workers_init(t, ws, NPE, &sh, 0);
	shared_setup(t, &sh, ws, NPE);
	tm_check_invariants(t);
	run_workers(ws, NPE);
	race_report(ws, NPE);
	tm_check_invariants(t);
	shared_teardown(t, &sh, ws, NPE);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

static void own_realms_and_races_side_by_side(void **state)
{
	(void)state;
	struct tmach *t = tm_create(32 * MIB, NPE);
	struct worker ws[NPE];
	struct shared sh;
	workers_init(t, ws, NPE, &sh, 2);
	for (unsigned i = 0; i < 2; i++)
		own_realm_setup(t, &ws[i]);
	shared_setup(t, &sh, ws + 2, NPE - 2);
	run_workers(ws, NPE);
	race_report(ws + 2, NPE - 2);
	tm_check_invariants(t);
	shared_teardown(t, &sh, ws + 2, NPE - 2);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_build_and_tear_down_their_own_realms),
		cmocka_unit_test(threads_race_on_one_realm),
		cmocka_unit_test(own_realms_and_races_side_by_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
