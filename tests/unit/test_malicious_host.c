/* A malicious or buggy host: it reads and writes realm memory, maps
 * protected memory as unprotected, destroys and undelegates objects in use,
 * aliases one granule into two realms, reuses a destroyed RD, and hands the
 * RMM parameters it may not read. Every attempt faults or is refused with
 * the specified status, leaves the objects involved untouched, and leaves
 * every invariant of the machine intact. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "invariants.h"
#include "whitebox.h"

#include "rmm/rmm.h"

/* ---- white-box views of granules ---- */

static enum granule_state state_of(struct tmach *t, uint64_t pa)
{
	return (enum granule_state)wb_granule(t, pa)->state;
}

/* A granule's state, refcount, PAS and contents, to prove an attack
 * changed nothing. */
struct snap {
	uint64_t pa;
	uint8_t state;
	uint32_t refcount;
	enum ccakit_pas pas;
	uint8_t bytes[GRANULE_SIZE];
};

static void snap_take(struct tmach *t, uint64_t pa, struct snap *s)
{
	struct granule *g = wb_granule(t, pa);
	s->pa = pa;
	s->state = g->state;
	s->refcount = g->refcount;
	s->pas = ccakit_pas_of(t->m, pa);
	memcpy(s->bytes, wb_sys_ptr(t, pa), GRANULE_SIZE);
}

static void snap_check(struct tmach *t, const struct snap *s)
{
	struct granule *g = wb_granule(t, s->pa);
	if (g->state != s->state || g->refcount != s->refcount ||
	    ccakit_pas_of(t->m, s->pa) != s->pas)
		fail_msg("granule 0x%llx changed: state %s -> %s, refcount %u -> %u, PAS %s -> %s",
			 (unsigned long long)s->pa, granule_state_name(s->state),
			 granule_state_name(g->state), s->refcount, g->refcount,
			 ccakit_pas_name(s->pas), ccakit_pas_name(ccakit_pas_of(t->m, s->pa)));
	/* An RD's run state (its TLB generation, the run lock) is the RMM's
	 * bookkeeping, not the realm's. */
	size_t len = s->state == GS_RD ? offsetof(struct rd, run) : GRANULE_SIZE;
	if (memcmp(s->bytes, wb_sys_ptr(t, s->pa), len) != 0)
		fail_msg("granule 0x%llx (%s): contents changed", (unsigned long long)s->pa,
			 granule_state_name(g->state));
}

/* Snapshots of every granule of interest in a scenario. */
struct snaps {
	unsigned n;
	struct snap s[64];
};

static void snaps_add(struct tmach *t, struct snaps *ss, uint64_t pa)
{
	assert_true(ss->n < 64);
	snap_take(t, pa, &ss->s[ss->n++]);
}

static void snaps_check(struct tmach *t, const struct snaps *ss)
{
	for (unsigned i = 0; i < ss->n; i++)
		snap_check(t, &ss->s[i]);
}

/* ---- a complete realm ---- */

#define IPA_NS (UINT64_C(1) << 39) /* first unprotected IPA with s2sz 40 */

/* s2sz 40 from level 1; RTTs to level 3 over IPA 0 and IPA_NS; RIPAS RAM
 * over [0, 16K); a DATA granule holding a secret at IPA 0; one REC with
 * its aux granules. */
static void realm_build(struct tmach *t, struct trealm *r, uint16_t vmid)
{
	tm_realm_create(t, r, 40, 1, vmid);
	tm_rtt_map_to(t, r, 0, 3);
	tm_rtt_map_to(t, r, IPA_NS, 3);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r->rd, 0, 0x4000), RMI_SUCCESS, 0);
	uint64_t src = tm_granule(t);
	memset(tm_ptr(t, src), 0x5e, GRANULE_SIZE); /* the realm's secret */
	uint64_t data = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r->rd, data, 0, src, (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	tm_realm_track_data(r, 0, data);
	tm_rec_create(t, r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
}

/* Every granule a realm_build realm owns. */
static void snaps_add_realm(struct tmach *t, struct snaps *ss, const struct trealm *r)
{
	snaps_add(t, ss, r->rd);
	for (unsigned i = 0; i < r->rtt_num_start; i++)
		snaps_add(t, ss, r->rtt_base + i * GRANULE_SIZE);
	for (unsigned i = 0; i < r->nrtts; i++)
		snaps_add(t, ss, r->rtts[i].pa);
	for (unsigned i = 0; i < r->ndata; i++)
		snaps_add(t, ss, r->data_pa[i]);
	for (unsigned i = 0; i < r->nrecs; i++) {
		snaps_add(t, ss, r->recs[i]);
		snaps_add(t, ss, r->rec_aux[i][0]);
		snaps_add(t, ss, r->rec_aux[i][RMI_MAX_REC_AUX_GRANULES - 1]);
	}
}

/* Two realm_build realms (VMIDs 1 and 2), every granule of both
 * snapshotted. */
static void two_realms_build(struct tmach *t, struct trealm *a, struct trealm *b,
			     struct snaps *ss)
{
	realm_build(t, a, 1);
	realm_build(t, b, 2);
	snaps_add_realm(t, ss, a);
	snaps_add_realm(t, ss, b);
}

/* The level-`level` RTT tm_rtt_map_to created over ipa. */
static uint64_t realm_rtt(const struct trealm *r, uint64_t ipa, int level)
{
	for (unsigned i = 0; i < r->nrtts; i++)
		if (r->rtts[i].level == level &&
		    r->rtts[i].ipa == (ipa & ~((UINT64_C(1) << (12 + 9 * (4 - level))) - 1)))
			return r->rtts[i].pa;
	fail_msg("no level-%d RTT over 0x%llx", level, (unsigned long long)ipa);
	return 0;
}

static void undelegate_all(struct tmach *t, const uint64_t *pas, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pas[i]), RMI_SUCCESS, 0);
}

/* ---- normal-world accesses ---- */

static void nw_read8(void *p)
{
	(void)*(volatile uint64_t *)p;
}

static void nw_write8(void *p)
{
	*(volatile uint64_t *)p = 0x4141414141414141;
}

static void nw_read1(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void nw_write1(void *p)
{
	*(volatile uint8_t *)p = 0x41;
}

/* The access fn(pa) takes a granule protection fault reported at exactly
 * pa, in `pas`, as a write or a read. */
static void expect_gpf(struct tmach *t, void (*fn)(void *), uint64_t pa, enum ccakit_pas pas,
		       bool write)
{
	struct ccakit_gpf gpf = { 0 };
	if (!ccakit_nw_guard(t->m, fn, tm_ptr(t, pa), &gpf))
		fail_msg("normal-world %s of 0x%llx did not fault", write ? "write" : "read",
			 (unsigned long long)pa);
	if (gpf.pa != pa || gpf.pas != pas || gpf.write != write)
		fail_msg("normal-world %s of 0x%llx (%s) reported as %s of 0x%llx (%s)",
			 write ? "write" : "read", (unsigned long long)pa, ccakit_pas_name(pas),
			 gpf.write ? "write" : "read", (unsigned long long)gpf.pa,
			 ccakit_pas_name(gpf.pas));
}

/* Reads and writes at the start, the middle and the last word of a granule
 * all fault and change nothing. */
static void expect_granule_protected(struct tmach *t, uint64_t pa, enum ccakit_pas pas)
{
	struct snap s;
	snap_take(t, pa, &s);
	expect_gpf(t, nw_read1, pa, pas, false);
	expect_gpf(t, nw_write1, pa, pas, true);
	expect_gpf(t, nw_read8, pa + 0x800, pas, false);
	expect_gpf(t, nw_write8, pa + GRANULE_SIZE - 8, pas, true);
	snap_check(t, &s);
}

static bool nw_granule_is_zero(struct tmach *t, uint64_t pa)
{
	static const uint8_t zero[GRANULE_SIZE];
	return memcmp(tm_ptr(t, pa), zero, GRANULE_SIZE) == 0;
}

static void normal_world_cannot_touch_realm_granules(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	realm_build(t, &r, 1);
	uint64_t delegated = tm_delegated(t);

	expect_granule_protected(t, delegated, CCAKIT_PAS_REALM);
	expect_granule_protected(t, r.rd, CCAKIT_PAS_REALM);
	expect_granule_protected(t, r.rtt_base, CCAKIT_PAS_REALM);
	expect_granule_protected(t, r.rtt_base + GRANULE_SIZE, CCAKIT_PAS_REALM);
	for (unsigned i = 0; i < r.nrtts; i++)
		expect_granule_protected(t, r.rtts[i].pa, CCAKIT_PAS_REALM);
	expect_granule_protected(t, r.recs[0], CCAKIT_PAS_REALM);
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		expect_granule_protected(t, r.rec_aux[0][i], CCAKIT_PAS_REALM);
	expect_granule_protected(t, r.data_pa[0], CCAKIT_PAS_REALM);
	assert_int_equal(state_of(t, r.data_pa[0]), GS_DATA);
	tm_check_invariants(t);

	/* After teardown the host gets its memory back scrubbed: the secret
	 * the realm held is gone. */
	uint64_t data = r.data_pa[0], rd = r.rd, rec = r.recs[0];
	tm_realm_teardown(t, &r);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, delegated), RMI_SUCCESS, 0);
	assert_true(nw_granule_is_zero(t, data));
	assert_true(nw_granule_is_zero(t, rd));
	assert_true(nw_granule_is_zero(t, rec));
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

static void normal_world_cannot_touch_secure_or_root_granules(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);

	assert_int_equal(t->map.secure.size, 16 * GRANULE_SIZE);
	assert_int_equal(t->map.root.size, 16 * GRANULE_SIZE);
	for (uint64_t pa = t->map.secure.base; pa < t->map.secure.base + t->map.secure.size;
	     pa += GRANULE_SIZE) {
		expect_granule_protected(t, pa, CCAKIT_PAS_SECURE);
		/* gran_gpt: the host cannot take them for a realm either. */
		assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	}
	for (uint64_t pa = t->map.root.base; pa < t->map.root.base + t->map.root.size;
	     pa += GRANULE_SIZE) {
		expect_granule_protected(t, pa, CCAKIT_PAS_ROOT);
		assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_ERROR_INPUT, 0);
	}
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* Unprotected mappings are for the unprotected half only; an OA the host
 * chooses is accepted there (the spec leaves OA checks to the GPT at the
 * realm's access), but it changes nothing about the granule it names. */
static void map_unprotected_cannot_reach_protected_ipas(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	struct snaps ss = { 0 };
	struct rmi_out o;
	realm_build(t, &r, 1);
	snaps_add_realm(t, &ss, &r);
	uint64_t ns = tm_granule(t);

	/* ipa_bound: protected IPAs, assigned or not, at level 3 and 2. */
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, 0, 3, ns), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, 0x1000, 3, ns), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_NS - GRANULE_SIZE, 3, ns),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, 0x200000, 2, UINT64_C(0x40200000)),
		   RMI_ERROR_INPUT, 0);
	/* Nor can a protected entry be unmapped as if it were unprotected. */
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, 0, 3), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, 0, 3), RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], RMI_ASSIGNED);
	assert_int_equal(o.x[2], r.data_pa[0]);
	assert_int_equal(o.x[3], RIPAS_RAM);
	snaps_check(t, &ss);

	/* An unprotected mapping whose OA is the realm's own DATA granule, or
	 * its RD: accepted by the spec, and the granules stay what they are. */
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_NS, 3, r.data_pa[0]), RMI_SUCCESS,
		   0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_NS + GRANULE_SIZE, 3, r.rd),
		   RMI_SUCCESS, 0);
	for (unsigned i = 0; i < ss.n; i++)
		if (ss.s[i].pa != realm_rtt(&r, IPA_NS, 3))
			snap_check(t, &ss.s[i]);
	expect_granule_protected(t, r.data_pa[0], CCAKIT_PAS_REALM);
	expect_granule_protected(t, r.rd, CCAKIT_PAS_REALM);
	tm_check_invariants(t);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_NS, 3), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, r.rd, IPA_NS + GRANULE_SIZE, 3), RMI_SUCCESS,
		   0);
	snaps_check(t, &ss);

	/* attr_valid: bits beyond the host's attributes (here the valid bit
	 * and NS) are refused. */
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_NS, 3, ns | 3), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, r.rd, IPA_NS, 3, ns | UINT64_C(1) << 55),
		   RMI_ERROR_INPUT, 0);
	snaps_check(t, &ss);

	tm_check_invariants(t);
	tm_realm_teardown(t, &r);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

static void destroying_live_objects_is_refused(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	struct snaps ss = { 0 };
	realm_build(t, &r, 1);
	snaps_add_realm(t, &ss, &r);
	uint64_t rtt2 = realm_rtt(&r, 0, 2), rtt3 = realm_rtt(&r, 0, 3);
	uint64_t delegated = tm_delegated(t);

	/* realm_live: RECs, RTTs and data. */
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	/* rtt_live: a table with data, a table with a child table. */
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, r.rd, 0, 3), RMI_ERROR_RTT, 3);
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, r.rd, 0, 2), RMI_ERROR_RTT, 2);
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, r.rd, IPA_NS, 2), RMI_ERROR_RTT, 2);
	/* rtte_homo: folding a table with one DATA granule. */
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, r.rd, 0, 3), RMI_ERROR_RTT, 3);
	/* REC_DESTROY takes RECs only. */
	const uint64_t not_recs[] = { r.rd, r.rtt_base, rtt2, rtt3, r.data_pa[0], r.rec_aux[0][0],
				      delegated, tm_granule(t), tm_secure(t), tm_root(t),
				      PA_MMIO, PA_OUTSIDE, r.recs[0] + 8 };
	for (unsigned i = 0; i < ARRAY_SIZE(not_recs); i++)
		assert_rmi(rmi(t, RMI_REC_DESTROY, 1, not_recs[i]), RMI_ERROR_INPUT, 0);
	snaps_check(t, &ss);
	tm_check_invariants(t);

	/* Without its REC the realm is still live (RTTs and data)... */
	assert_rmi(rmi(t, RMI_REC_DESTROY, 1, r.recs[0]), RMI_SUCCESS, 0);
	undelegate_all(t, &r.recs[0], 1);
	undelegate_all(t, r.rec_aux[0], RMI_MAX_REC_AUX_GRANULES);
	r.nrecs = 0;
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	/* ...and without data too, as long as a table hangs off a start RTT. */
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, r.rd, 0), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], r.data_pa[0]);
	undelegate_all(t, r.data_pa, 1);
	r.ndata = 0;
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, r.rd, 0, 2), RMI_ERROR_RTT, 2);
	assert_int_equal(state_of(t, r.rd), GS_RD);
	tm_check_invariants(t);

	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, delegated), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

static void undelegating_granules_in_use_is_refused(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	struct snaps ss = { 0 };
	realm_build(t, &r, 1);
	snaps_add_realm(t, &ss, &r);

	/* gran_state: RD, start RTTs, RTTs, DATA, REC and every aux granule. */
	for (unsigned i = 0; i < ss.n; i++) {
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, ss.s[i].pa), RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, ss.s[i].pa), RMI_ERROR_INPUT, 0);
	}
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.rec_aux[0][i]), RMI_ERROR_INPUT, 0);
	/* Nor at an unaligned address inside one. */
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r.data_pa[0] + 0x10), RMI_ERROR_INPUT, 0);
	snaps_check(t, &ss);
	for (unsigned i = 0; i < ss.n; i++)
		expect_granule_protected(t, ss.s[i].pa, CCAKIT_PAS_REALM);

	/* Undelegated granules cannot be undelegated again, delegated ones
	 * not delegated again. */
	uint64_t ns = tm_granule(t), delegated = tm_delegated(t);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, ns), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, delegated), RMI_ERROR_INPUT, 0);
	assert_int_equal(ccakit_pas_of(t->m, ns), CCAKIT_PAS_NS);
	assert_int_equal(ccakit_pas_of(t->m, delegated), CCAKIT_PAS_REALM);

	tm_check_invariants(t);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, delegated), RMI_SUCCESS, 0);
	tm_realm_teardown(t, &r);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* Granules the host never delegated cannot become realm objects: a realm
 * would otherwise keep state or data in memory the host can write. */
static void undelegated_granules_cannot_become_realm_objects(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	realm_build(t, &r, 1);
	uint64_t ns = tm_granule(t);
	uint64_t aux[16];
	struct trealm x;

	/* REALM_CREATE: an NS RD, NS start tables. */
	uint64_t params = tm_realm_params(t, &x, 40, 1, RMI_HASH_SHA_256, 2);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, ns, params), RMI_ERROR_INPUT, 0);
	uint64_t rd = tm_delegated(t);
	struct rmi_realm_params *p = tm_ptr(t, params);
	p->rtt_base = tm_granule(t);
	tm_granule(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, params), RMI_ERROR_INPUT, 0);
	/* RTT_CREATE, DATA_CREATE(_UNKNOWN), REC_CREATE with NS granules. */
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, ns, UINT64_C(0x200000), 3), RMI_ERROR_INPUT, 0);
	uint64_t src = tm_granule(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, ns, UINT64_C(0x1000), src,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, r.rd, ns, UINT64_C(0x1000)), RMI_ERROR_INPUT,
		   0);
	uint64_t rp = tm_rec_params(t, 1, RMI_REC_FLAG_RUNNABLE, aux);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, ns, rp), RMI_ERROR_INPUT, 0);
	uint64_t rec = tm_delegated(t);
	struct rmi_rec_params *rpp = tm_ptr(t, rp);
	rpp->aux[7] = ns;
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, rp), RMI_ERROR_INPUT, 0);
	rpp->aux[7] = aux[7];

	assert_int_equal(state_of(t, ns), GS_UNDELEGATED);
	assert_int_equal(ccakit_pas_of(t->m, ns), CCAKIT_PAS_NS);
	*(volatile uint8_t *)tm_ptr(t, ns) = 1; /* still the host's */
	tm_check_invariants(t);

	/* The same REC_CREATE with every granule delegated works. */
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, rp), RMI_SUCCESS, 0);
	tm_realm_track_rec(&r, rec, aux);
	tm_check_invariants(t);

	tm_realm_teardown(t, &r);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rd), RMI_SUCCESS, 0);
	undelegate_all(t, &x.rtt_base, 1);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, x.rtt_base + GRANULE_SIZE), RMI_SUCCESS, 0);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* One granule can be one object of one realm only. */
static void aliasing_granules_between_realms_is_refused(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm a, b;
	struct snaps ss = { 0 };
	struct rmi_out o;
	two_realms_build(t, &a, &b, &ss);
	uint64_t a_rtt3 = realm_rtt(&a, 0, 3), a_rtt2 = realm_rtt(&a, 0, 2);
	uint64_t src = tm_granule(t);

	/* A's DATA granule (and its other objects) as B's data. */
	const uint64_t a_objects[] = { a.data_pa[0], a_rtt3, a_rtt2, a.rtt_base, a.rd, a.recs[0],
				       a.rec_aux[0][5] };
	for (unsigned i = 0; i < ARRAY_SIZE(a_objects); i++) {
		uint64_t g = a_objects[i];
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, b.rd, g, UINT64_C(0x1000), src,
			       (uint64_t)RMI_MEASURE_CONTENT),
			   RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, b.rd, g, UINT64_C(0x1000)),
			   RMI_ERROR_INPUT, 0);
		/* ... as B's RTT ... */
		assert_rmi(rmi(t, RMI_RTT_CREATE, 4, b.rd, g, UINT64_C(0x200000), 3),
			   RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_RTT_CREATE, 4, b.rd, g, UINT64_C(0x40000000), 2),
			   RMI_ERROR_INPUT, 0);
		/* ... as a new realm's RD or start table ... */
		struct trealm x;
		uint64_t params = tm_realm_params(t, &x, 40, 1, RMI_HASH_SHA_256, 3);
		assert_rmi(rmi(t, RMI_REALM_CREATE, 2, g, params), RMI_ERROR_INPUT, 0);
		uint64_t x_rd = tm_delegated(t);
		struct rmi_realm_params *p = tm_ptr(t, params);
		p->rtt_base = g;
		p->rtt_num_start = 1;
		p->rtt_level_start = 0; /* s2sz 40 from level 0: one table */
		assert_rmi(rmi(t, RMI_REALM_CREATE, 2, x_rd, params), RMI_ERROR_INPUT, 0);
		undelegate_all(t, &x_rd, 1);
		undelegate_all(t, &x.rtt_base, 1);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, x.rtt_base + GRANULE_SIZE), RMI_SUCCESS,
			   0);
		/* ... as B's REC, or one of its aux granules. */
		uint64_t aux[16];
		uint64_t rp = tm_rec_params(t, 1, RMI_REC_FLAG_RUNNABLE, aux);
		assert_rmi(rmi(t, RMI_REC_CREATE, 3, b.rd, g, rp), RMI_ERROR_INPUT, 0);
		uint64_t rec = tm_delegated(t);
		struct rmi_rec_params *rpp = tm_ptr(t, rp);
		rpp->aux[i] = g;
		assert_rmi(rmi(t, RMI_REC_CREATE, 3, b.rd, rec, rp), RMI_ERROR_INPUT, 0);
		undelegate_all(t, &rec, 1);
		undelegate_all(t, aux, RMI_MAX_REC_AUX_GRANULES);
		snaps_check(t, &ss);
	}

	/* Within one realm: aux = the REC, aux = the RD, the same aux twice,
	 * the RD among the start tables. */
	uint64_t aux[16];
	uint64_t rp = tm_rec_params(t, 1, RMI_REC_FLAG_RUNNABLE, aux);
	struct rmi_rec_params *rpp = tm_ptr(t, rp);
	uint64_t rec = tm_delegated(t);
	rpp->aux[3] = rec;
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, b.rd, rec, rp), RMI_ERROR_INPUT, 0);
	rpp->aux[3] = b.rd;
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, b.rd, rec, rp), RMI_ERROR_INPUT, 0);
	rpp->aux[3] = aux[4];
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, b.rd, rec, rp), RMI_ERROR_INPUT, 0);
	rpp->aux[3] = aux[3];
	struct trealm x;
	uint64_t params = tm_realm_params(t, &x, 40, 1, RMI_HASH_SHA_256, 3);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, x.rtt_base + GRANULE_SIZE, params), RMI_ERROR_INPUT,
		   0);
	/* DATA_CREATE of one granule as the data and the RD. */
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, b.rd, b.rd, UINT64_C(0x1000), src,
		       (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_ERROR_INPUT, 0);
	/* B's REC serving A's RIPAS change: rec_owner. */
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, a.rd, b.recs[0], UINT64_C(0), UINT64_C(0x1000)),
		   RMI_ERROR_REC, 0);
	snaps_check(t, &ss);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, b.rd, UINT64_C(0x1000), 3), RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], RMI_UNASSIGNED);
	tm_check_invariants(t);

	/* The legitimate REC_CREATE still works after all that. */
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, b.rd, rec, rp), RMI_SUCCESS, 0);
	tm_realm_track_rec(&b, rec, aux);
	tm_check_invariants(t);

	tm_realm_teardown(t, &a);
	tm_realm_teardown(t, &b);
	undelegate_all(t, &x.rtt_base, 1);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, x.rtt_base + GRANULE_SIZE), RMI_SUCCESS, 0);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* After REALM_DESTROY the RD names no realm: every command that takes an RD
 * refuses it with RMI_ERROR_INPUT (rd_state), delegated or not. */
static void every_rd_command_refuses_a_destroyed_rd(struct tmach *t, uint64_t rd, uint64_t delegated,
						    uint64_t rec_params_pa)
{
	uint64_t src = tm_granule(t), ns = tm_granule(t);
	struct rmi_out o;
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, rd), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, rd), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, rd, delegated, rec_params_pa), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, rd, delegated, 0, src, (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_DATA_CREATE_UNKNOWN, 3, rd, delegated, 0), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_DATA_DESTROY, 2, rd, 0), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, rd, delegated, 0, 2), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, rd, 0, 2), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_FOLD, 3, rd, 0, 2), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_MAP_UNPROTECTED, 4, rd, IPA_NS, 3, ns), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_UNMAP_UNPROTECTED, 3, rd, IPA_NS, 3), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_READ_ENTRY, 3, rd, 0, 1), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, rd, 0, 0x1000), RMI_ERROR_INPUT, 0);
	assert_rmi(rmi(t, RMI_RTT_SET_RIPAS, 4, rd, delegated, 0, 0x1000), RMI_ERROR_INPUT, 0);
}

static void destroyed_rd_cannot_be_reused(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r;
	uint64_t aux[16];
	tm_realm_create(t, &r, 40, 1, 1);
	uint64_t rd = r.rd;
	uint64_t delegated = tm_delegated(t);
	uint64_t rp = tm_rec_params(t, 0, RMI_REC_FLAG_RUNNABLE, aux);

	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, rd), RMI_SUCCESS, 0);
	assert_int_equal(state_of(t, rd), GS_DELEGATED);
	every_rd_command_refuses_a_destroyed_rd(t, rd, delegated, rp);
	tm_check_invariants(t);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rd), RMI_SUCCESS, 0);
	every_rd_command_refuses_a_destroyed_rd(t, rd, delegated, rp);
	tm_check_invariants(t);

	/* Its start tables are free again too: a new realm may use all of them,
	 * and the old VMID. */
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, r.params), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, rd, delegated, rp), RMI_SUCCESS, 0);
	r.recs[0] = delegated;
	memcpy(r.rec_aux[0], aux, sizeof(aux));
	r.nrecs = 1;
	tm_check_invariants(t);
	tm_realm_teardown(t, &r);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* DATA_CREATE copies only from NS memory (src_pas): never from Realm,
 * Secure or Root granules, nor from outside DRAM. */
static void data_create_from_non_ns_source_is_refused(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r, other;
	struct snaps ss = { 0 };
	struct rmi_out o;
	two_realms_build(t, &r, &other, &ss);
	uint64_t data = tm_delegated(t);
	uint64_t delegated = tm_delegated(t);
	uint8_t rim[64];
	memcpy(rim, wb_rim(t, r.rd), 64);

	const uint64_t srcs[] = { delegated, r.data_pa[0], other.data_pa[0], other.rd,
				  other.recs[0], other.rec_aux[0][1], r.rtt_base,
				  tm_secure(t), tm_secure(t) + GRANULE_SIZE, tm_root(t),
				  t->map.root.base + t->map.root.size - GRANULE_SIZE, PA_MMIO,
				  PA_OUTSIDE, tm_granule(t) + 0x100 };
	for (unsigned i = 0; i < ARRAY_SIZE(srcs); i++) {
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, data, UINT64_C(0x1000), srcs[i],
			       (uint64_t)RMI_MEASURE_CONTENT),
			   RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, data, UINT64_C(0x1000), srcs[i],
			       (uint64_t)RMI_NO_MEASURE_CONTENT),
			   RMI_ERROR_INPUT, 0);
	}
	assert_int_equal(state_of(t, data), GS_DELEGATED);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, UINT64_C(0x1000), 3), RMI_SUCCESS, 0);
	assert_int_equal(o.x[1], RMI_UNASSIGNED);
	assert_memory_equal(wb_rim(t, r.rd), rim, 64);
	snaps_check(t, &ss);
	tm_check_invariants(t);

	undelegate_all(t, &data, 1);
	undelegate_all(t, &delegated, 1);
	tm_realm_teardown(t, &r);
	tm_realm_teardown(t, &other);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* Parameter and run pages must be NS (params_pas, run_pas), whatever they
 * hold: here a perfectly valid parameter image is planted (white-box) in
 * Realm, Secure and Root granules. */
static void params_and_run_pages_outside_ns_are_refused(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r, x;
	realm_build(t, &r, 1);
	uint64_t aux[16];
	uint64_t good_realm = tm_realm_params(t, &x, 40, 1, RMI_HASH_SHA_256, 2);
	uint64_t good_rec = tm_rec_params(t, 1, RMI_REC_FLAG_RUNNABLE, aux);
	uint64_t rd = tm_delegated(t), rec = tm_delegated(t);
	uint64_t delegated = tm_delegated(t);
	uint64_t places[] = { delegated, r.data_pa[0], tm_secure(t), tm_root(t) };
	uint8_t saved[GRANULE_SIZE];

	for (unsigned i = 0; i < ARRAY_SIZE(places); i++) {
		void *p = wb_sys_ptr(t, places[i]);
		memcpy(saved, p, GRANULE_SIZE);
		memcpy(p, tm_ptr(t, good_realm), GRANULE_SIZE);
		assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, places[i]), RMI_ERROR_INPUT, 0);
		memcpy(p, tm_ptr(t, good_rec), GRANULE_SIZE);
		assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, places[i]), RMI_ERROR_INPUT, 0);
		memcpy(p, saved, GRANULE_SIZE);
	}
	const uint64_t bad[] = { r.rd, r.recs[0], PA_MMIO, PA_OUTSIDE, good_realm + 8 };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, bad[i]), RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_REC_CREATE, 3, r.rd, rec, bad[i]), RMI_ERROR_INPUT, 0);
	}
	assert_int_equal(state_of(t, rd), GS_DELEGATED);
	assert_int_equal(state_of(t, rec), GS_DELEGATED);
	tm_check_invariants(t);

	/* REC_ENTER writes the exit record to its run page: NS only. */
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, r.rd), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(places); i++) {
		struct snap s;
		snap_take(t, places[i], &s);
		assert_rmi(rmi(t, RMI_REC_ENTER, 2, r.recs[0], places[i]), RMI_ERROR_INPUT, 0);
		snap_check(t, &s);
	}
	assert_rmi(rmi(t, RMI_REC_ENTER, 2, r.recs[0], tm_granule(t)), RMI_SUCCESS, 0);
	tm_check_invariants(t);

	/* The good parameters, in NS memory, do work. */
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, rd, good_realm), RMI_SUCCESS, 0);
	x.rd = rd;
	tm_check_invariants(t);

	tm_realm_teardown(t, &r);
	tm_realm_teardown(t, &x);
	undelegate_all(t, &rec, 1);
	undelegate_all(t, &delegated, 1);
	undelegate_all(t, aux, RMI_MAX_REC_AUX_GRANULES);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* 512 DATA granules folded into one 2 MiB block mapping: each of them is
 * still a DATA granule of that realm only, and comes back only by unfolding
 * the block and destroying it page by page. */
static void folded_block_granules_stay_protected(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	struct trealm r, other;
	struct rmi_out o;
	const uint64_t ipa = 0x200000;
	realm_build(t, &r, 1);
	realm_build(t, &other, 2);
	tm_rtt_map_to(t, &r, ipa, 3);
	uint64_t rtt3 = realm_rtt(&r, ipa, 3);
	uint64_t src = tm_granule(t);

	/* 512 contiguous granules from a 2 MiB-aligned PA, in IPA order. */
	t->next = (t->next + 2 * MIB - 1) & ~(2 * MIB - 1);
	uint64_t block = t->next;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t data = tm_delegated(t);
		assert_int_equal(data, block + i * GRANULE_SIZE);
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r.rd, data, ipa + i * GRANULE_SIZE, src,
			       (uint64_t)RMI_NO_MEASURE_CONTENT),
			   RMI_SUCCESS, 0);
	}
	assert_rmi(rmi_res(t, &o, RMI_RTT_FOLD, 3, r.rd, ipa, 3), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], rtt3);
	r.nrtts--; /* the level-3 table is gone (it was created last) */
	assert_int_equal(r.rtts[r.nrtts].pa, rtt3);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, rtt3), RMI_SUCCESS, 0);
	assert_rmi(rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r.rd, ipa, 3), RMI_SUCCESS, 0);
	assert_int_equal(o.x[0], 2);
	assert_int_equal(o.x[1], RMI_ASSIGNED);
	assert_int_equal(o.x[2], block);
	assert_int_equal(o.x[3], RIPAS_RAM);
	tm_check_invariants(t);

	/* The granules under the block: not undelegable, not reusable, not
	 * readable, not destroyable as pages without unfolding. */
	uint64_t some[] = { block, block + 7 * GRANULE_SIZE, block + 511 * GRANULE_SIZE };
	struct snaps ss = { 0 };
	for (unsigned i = 0; i < 3; i++)
		snaps_add(t, &ss, some[i]);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(state_of(t, some[i]), GS_DATA);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, some[i]), RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_DATA_CREATE, 5, other.rd, some[i], UINT64_C(0x1000), src,
			       (uint64_t)RMI_MEASURE_CONTENT),
			   RMI_ERROR_INPUT, 0);
		assert_rmi(rmi(t, RMI_RTT_CREATE, 4, other.rd, some[i], UINT64_C(0x200000), 3),
			   RMI_ERROR_INPUT, 0);
		expect_granule_protected(t, some[i], CCAKIT_PAS_REALM);
	}
	assert_rmi(rmi(t, RMI_DATA_DESTROY, 2, r.rd, ipa + GRANULE_SIZE), RMI_ERROR_RTT, 2);
	assert_rmi(rmi(t, RMI_RTT_DESTROY, 3, r.rd, ipa, 3), RMI_ERROR_RTT, 2);
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r.rd), RMI_ERROR_REALM, 0);
	snaps_check(t, &ss);
	tm_check_invariants(t);

	/* Unfold, destroy page by page, get every granule back. */
	uint64_t again = tm_delegated(t);
	assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r.rd, again, ipa, 3), RMI_SUCCESS, 0);
	r.rtts[r.nrtts].pa = again;
	r.rtts[r.nrtts].ipa = ipa;
	r.rtts[r.nrtts++].level = 3;
	tm_check_invariants(t);
	for (unsigned i = 0; i < 512; i++) {
		assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, r.rd, ipa + i * GRANULE_SIZE),
			   RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], block + i * GRANULE_SIZE);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, o.x[0]), RMI_SUCCESS, 0);
	}
	tm_check_invariants(t);
	tm_realm_teardown(t, &r);
	tm_realm_teardown(t, &other);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* Outside ccakit_nw_guard, a stray access ends the process with SIGSEGV and
 * a message naming the PA, as a granule protection fault stops the
 * offender on hardware. The offender runs in a child process. */
static void stray_access_kills(struct tmach *t, uint64_t pa, bool write, const char *pas,
			       const char *access)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none); /* no core file for the expected crash */
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		volatile uint8_t *p = tm_ptr(t, pa);
		if (write)
			*p = 0x41;
		else
			(void)*p;
		_exit(0); /* not reached if the view is protected */
	}
	close(fds[1]);
	char buf[1024];
	size_t len = 0;
	ssize_t n;
	while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		fail_msg("the offender was not killed by SIGSEGV (status 0x%x); stderr: %s", status,
			 buf);
	char hex[32];
	snprintf(hex, sizeof(hex), "%llx", (unsigned long long)pa);
	if (!strstr(buf, "granule protection fault") || !strstr(buf, hex) || !strstr(buf, pas) ||
	    !strstr(buf, access))
		fail_msg("stderr of the offender does not name the fault, PA %s, %s and %s: %s", hex,
			 pas, access, buf);
}

static void stray_access_outside_guard_kills_with_message(void **state)
{
	(void)state;
	struct tmach *t = tm_create(16 * MIB, 1);
	uint64_t pa = tm_delegated(t);
	stray_access_kills(t, pa + 0x123, true, "Realm", "write");
	stray_access_kills(t, pa, false, "Realm", "read");
	stray_access_kills(t, tm_secure(t) + GRANULE_SIZE, false, "Secure", "read");
	stray_access_kills(t, tm_root(t), true, "Root", "write");
	/* The parent is unharmed and its view still protected. */
	expect_granule_protected(t, pa, CCAKIT_PAS_REALM);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normal_world_cannot_touch_realm_granules),
		cmocka_unit_test(normal_world_cannot_touch_secure_or_root_granules),
		cmocka_unit_test(map_unprotected_cannot_reach_protected_ipas),
		cmocka_unit_test(destroying_live_objects_is_refused),
		cmocka_unit_test(undelegating_granules_in_use_is_refused),
		cmocka_unit_test(undelegated_granules_cannot_become_realm_objects),
		cmocka_unit_test(aliasing_granules_between_realms_is_refused),
		cmocka_unit_test(destroyed_rd_cannot_be_reused),
		cmocka_unit_test(data_create_from_non_ns_source_is_refused),
		cmocka_unit_test(params_and_run_pages_outside_ns_are_refused),
		cmocka_unit_test(folded_block_granules_stay_protected),
		cmocka_unit_test(stray_access_outside_guard_kills_with_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
