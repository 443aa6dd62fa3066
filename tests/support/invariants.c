/* White-box invariant checks of a machine (see invariants.h). They read the
 * RMM's granule array, realm descriptors, RECs and RTTs directly through the
 * system view, and probe the normal-world view through ccakit_nw_guard. */
#include <pthread.h>

#include "invariants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/machine_internal.h"
#include "monitor/monitor.h"
#include "platform/platform.h"
#include "rmm/rmm.h"
#include "rmm/rtt.h"

/* Violations printed before the test is failed. */
#define INV_MAX_REPORTS 20
/* Granules of each kind whose normal-world access is probed. */
#define VIEW_SAMPLES 12

struct inv {
	struct tmach *t;
	struct platform *plat;
	struct rmm *rmm;
	struct monitor *mon;
	size_t n;
	unsigned failures;
	uint8_t *rtt_refs;   /* per granule: times reached as a table */
	uint8_t *data_refs;  /* per granule: times mapped by an ASSIGNED entry */
	uint8_t *aux_refs;   /* per granule: times listed as a REC's aux */
	uint32_t *rd_recs;   /* per granule: RECs naming it as owner */
	uint8_t *vmid_used;  /* per VMID: RDs using it */
	uint32_t *ns_refs;   /* per granule: ASSIGNED_NS entries outputting it */
};

#define INV_FAIL(v, ...)                                                                    \
	do {                                                                                \
		if ((v)->failures++ < INV_MAX_REPORTS) {                                    \
			char _m[256];                                                       \
			snprintf(_m, sizeof(_m), __VA_ARGS__);                              \
			print_error("invariant violated: %s\n", _m);                        \
		}                                                                           \
	} while (0)

static void inv_finish(struct inv *v, const char *what)
{
	if (v->failures)
		fail_msg("%s: %u invariant violation(s), the first %u printed above", what,
			 v->failures, v->failures < INV_MAX_REPORTS ? v->failures : INV_MAX_REPORTS);
}

static uint64_t gpa(const struct inv *v, size_t i)
{
	return v->plat->dram_base + ((uint64_t)i << GRANULE_SHIFT);
}

static bool in_region(const struct ccakit_region *r, uint64_t pa)
{
	return pa >= r->base && pa - r->base < r->size;
}

/* The PAS a granule must have, and whether the monitor owns it. */
static enum pas monitor_pas(const struct inv *v, uint64_t pa, bool *monitor_owned)
{
	*monitor_owned = true;
	if (in_region(&v->t->map.secure, pa))
		return PAS_SECURE;
	if (in_region(&v->t->map.root, pa))
		return PAS_ROOT;
	*monitor_owned = false;
	return PAS_NS;
}

static bool granule_is_zero(const struct inv *v, uint64_t pa)
{
	static const uint8_t zero[GRANULE_SIZE];
	return memcmp(plat_sys_ptr(v->plat, pa), zero, GRANULE_SIZE) == 0;
}

/* A PA that names a DRAM granule; its index in *idx. */
static bool granule_index_of(const struct inv *v, uint64_t pa, size_t *idx)
{
	if ((pa & GRANULE_MASK) || !plat_is_dram(v->plat, pa))
		return false;
	*idx = plat_granule_index(v->plat, pa);
	return true;
}

/* ---- the normal-world view ---- */

static void probe_read(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void probe_read_write(void *p)
{
	volatile uint8_t *b = p;
	uint8_t old = *b;
	*b = old;
}

/* Probes one granule at an offset that varies with its PA. */
static void view_probe(struct inv *v, uint64_t pa, enum pas pas)
{
	uint64_t at = pa + ((pa >> GRANULE_SHIFT) * 0x38 & GRANULE_MASK);
	void *p = ccakit_pa_to_ptr(v->t->m, at);
	struct ccakit_gpf gpf;

	if (pas == PAS_NS) {
		if (ccakit_nw_guard(v->t->m, probe_read_write, p, &gpf))
			INV_FAIL(v, "NS granule 0x%llx: normal-world %s faulted at 0x%llx (PAS %s)",
				 (unsigned long long)pa, gpf.write ? "write" : "read",
				 (unsigned long long)gpf.pa, ccakit_pas_name(gpf.pas));
		return;
	}
	if (!ccakit_nw_guard(v->t->m, probe_read, p, &gpf)) {
		INV_FAIL(v, "%s granule 0x%llx: normal-world read did not fault", pas_name(pas),
			 (unsigned long long)pa);
		return;
	}
	if (gpf.pa != at || (enum pas)gpf.pas != pas || gpf.write)
		INV_FAIL(v,
			 "%s granule 0x%llx: read of 0x%llx reported as %s of 0x%llx in PAS %s",
			 pas_name(pas), (unsigned long long)pa, (unsigned long long)at,
			 gpf.write ? "write" : "read", (unsigned long long)gpf.pa,
			 ccakit_pas_name(gpf.pas));
}

struct thread_call {
	void (*fn)(void *arg);
	void *arg;
};

static void *thread_call_main(void *p)
{
	struct thread_call *c = p;
	c->fn(c->arg);
	return NULL;
}

void tm_run_in_thread(void (*fn)(void *arg), void *arg)
{
	struct thread_call c = { fn, arg };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, thread_call_main, &c), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
}

/* Probes up to VIEW_SAMPLES granules of each PAS, spread over DRAM (on a
 * thread of its own: see tm_run_in_thread). */
static void view_sample_here(void *arg)
{
	struct inv *v = arg;
	size_t count[4] = { 0 }, seen[4] = { 0 }, taken[4] = { 0 };
	for (size_t i = 0; i < v->n; i++)
		count[plat_pas_of(v->plat, gpa(v, i)) & 3]++;
	for (size_t i = 0; i < v->n; i++) {
		enum pas pas = plat_pas_of(v->plat, gpa(v, i));
		unsigned k = pas & 3;
		size_t stride = count[k] / VIEW_SAMPLES ? count[k] / VIEW_SAMPLES : 1;
		if (seen[k]++ % stride == 0 && taken[k] < VIEW_SAMPLES) {
			taken[k]++;
			view_probe(v, gpa(v, i), pas);
		}
	}
}

static void view_sample(struct inv *v)
{
	tm_run_in_thread(view_sample_here, v);
}

/* ---- RTT walk ---- */

static void check_data(struct inv *v, uint64_t rd_pa, uint64_t ipa, uint64_t pa)
{
	size_t idx;
	if (!granule_index_of(v, pa, &idx)) {
		INV_FAIL(v, "RD 0x%llx: IPA 0x%llx is ASSIGNED to 0x%llx, not a DRAM granule",
			 (unsigned long long)rd_pa, (unsigned long long)ipa,
			 (unsigned long long)pa);
		return;
	}
	uint8_t state = v->rmm->granules[idx].state;
	if (state != GS_DATA)
		INV_FAIL(v, "RD 0x%llx: IPA 0x%llx is ASSIGNED to granule 0x%llx in state %s",
			 (unsigned long long)rd_pa, (unsigned long long)ipa,
			 (unsigned long long)pa, granule_state_name(state));
	if (v->data_refs[idx] < UINT8_MAX && v->data_refs[idx]++ == 1)
		INV_FAIL(v, "DATA granule 0x%llx is mapped more than once (again by RD 0x%llx at "
			 "IPA 0x%llx)",
			 (unsigned long long)pa, (unsigned long long)rd_pa,
			 (unsigned long long)ipa);
}

/* An unprotected mapping of [oa, oa + size): counted per DRAM granule the
 * RMM follows (rtt_ns.c), to be compared with its own counts. */
static void count_ns_mapping(struct inv *v, uint64_t oa, uint64_t size)
{
	for (uint64_t pa = oa; pa < oa + size; pa += GRANULE_SIZE) {
		size_t idx;
		if (pa_is_delegable(v->rmm, pa) && granule_index_of(v, pa, &idx))
			v->ns_refs[idx]++;
	}
}

/* The RMM's per-granule unprotected-mapping counts (rtt_ns.c) against the
 * mappings the walk found, and its leaving-NS flag against the GPT: set
 * exactly while GRANULE_DELEGATE has the granule in the Realm PAS (the
 * boot-time Secure and Root granules never had it). */
static void check_ns_maps(struct inv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		uint64_t pa = gpa(v, i), word = atomic_load(&v->rmm->ns_maps[i]);
		uint64_t count = word & ~NS_MAPS_NOT_NS;
		if (count != v->ns_refs[i])
			INV_FAIL(v, "granule 0x%llx: the RMM counts %llu unprotected mappings of it, "
				 "the RTTs hold %u",
				 (unsigned long long)pa, (unsigned long long)count, v->ns_refs[i]);
		if (pa_is_delegable(v->rmm, pa) &&
		    !!(word & NS_MAPS_NOT_NS) != (plat_pas_of(v->plat, pa) == PAS_REALM))
			INV_FAIL(v, "granule 0x%llx: PAS %s but the RMM's leaving-NS flag is %s",
				 (unsigned long long)pa, pas_name(plat_pas_of(v->plat, pa)),
				 word & NS_MAPS_NOT_NS ? "set" : "clear");
	}
}

static void walk_rtt(struct inv *v, uint64_t rd_pa, const struct rd *rd, uint64_t rtt_pa,
		     int level, uint64_t base)
{
	size_t idx;
	if (!granule_index_of(v, rtt_pa, &idx)) {
		INV_FAIL(v, "RD 0x%llx: the level-%d table for IPA 0x%llx is at 0x%llx, not a DRAM "
			 "granule",
			 (unsigned long long)rd_pa, level, (unsigned long long)base,
			 (unsigned long long)rtt_pa);
		return;
	}
	struct granule *g = &v->rmm->granules[idx];
	if (g->state != GS_RTT) {
		INV_FAIL(v, "RD 0x%llx: the level-%d table for IPA 0x%llx is granule 0x%llx in "
			 "state %s",
			 (unsigned long long)rd_pa, level, (unsigned long long)base,
			 (unsigned long long)rtt_pa, granule_state_name(g->state));
		return;
	}
	if (v->rtt_refs[idx]++ > 0) {
		INV_FAIL(v, "RTT 0x%llx is reached more than once (again by RD 0x%llx, level %d, "
			 "IPA 0x%llx)",
			 (unsigned long long)rtt_pa, (unsigned long long)rd_pa, level,
			 (unsigned long long)base);
		return; /* never walk a table twice (a cycle would not end) */
	}

	const uint64_t *table = plat_sys_ptr(v->plat, rtt_pa);
	uint64_t size = rtt_level_size(level);
	uint64_t par_top = UINT64_C(1) << (rd->s2sz - 1);
	uint64_t top = UINT64_C(1) << rd->s2sz;
	unsigned live = 0;

	for (unsigned i = 0; i < RTT_ENTRIES; i++) {
		uint64_t e = table[i];
		uint64_t ipa = base + i * size;
		bool prot = ipa < par_top;
		enum rmi_ripas ripas = s2tte_ripas(e);
		const char *bad = NULL;

		switch (s2tte_kind(e, level)) {
		case S2TTE_UNASSIGNED:
			if (!prot)
				bad = "UNASSIGNED (protected) in the unprotected half";
			else if (ripas > RIPAS_DESTROYED || e != s2tte_unassigned(ripas))
				bad = "malformed UNASSIGNED";
			break;
		case S2TTE_UNASSIGNED_NS:
			if (prot)
				bad = "UNASSIGNED_NS in the protected half";
			else if (e != s2tte_unassigned_ns())
				bad = "malformed UNASSIGNED_NS";
			break;
		case S2TTE_ASSIGNED: {
			live++;
			uint64_t pa = s2tte_pa(e, level);
			if (!prot)
				bad = "ASSIGNED (protected) in the unprotected half";
			else if (level < RTT_MIN_BLOCK_LEVEL)
				bad = "ASSIGNED above the lowest block level";
			else if (ripas > RIPAS_DESTROYED || e != s2tte_assigned(pa, level, ripas))
				bad = "malformed ASSIGNED";
			else
				for (uint64_t off = 0; off < size; off += GRANULE_SIZE)
					check_data(v, rd_pa, ipa + off, pa + off);
			break;
		}
		case S2TTE_ASSIGNED_NS:
			/* A live RTTE, but it does not make its RTT live (spec
			 * A5.5.8: RttIsLive counts ASSIGNED and TABLE only), so
			 * it is not in the refcount. */
			if (prot || ipa >= top)
				bad = "ASSIGNED_NS outside the unprotected half";
			else if (level < RTT_MIN_BLOCK_LEVEL)
				bad = "ASSIGNED_NS above the lowest block level";
			else if (s2tte_ns_release(e) !=
				 s2tte_assigned_ns(s2tte_ns_host_desc(e, level), level))
				bad = "malformed ASSIGNED_NS";
			else if (s2tte_ns_is_held(e) &&
				 !(s2tte_ns_host_desc(e, level) & S2TTE_OA_MASK))
				bad = "held ASSIGNED_NS without an output address";
			else if ((s2tte_assigned_ns(s2tte_ns_host_desc(e, level), level) &
				  S2TTE_VALID) &&
				 s2tte_ns_is_held(e) ==
					 ns_range_reachable(v->rmm,
							    s2tte_ns_host_desc(e, level) &
								    S2TTE_OA_MASK,
							    size))
				bad = s2tte_ns_is_held(e) ? "held, but every granule it outputs is NS"
							  : "valid, but outputs a granule that is not NS";
			if (!bad)
				count_ns_mapping(v, s2tte_ns_host_desc(e, level) & S2TTE_OA_MASK, size);
			break;
		case S2TTE_TABLE: {
			live++;
			uint64_t child = s2tte_pa(e, RTT_LEVEL_MAX);
			if (ipa >= top)
				bad = "TABLE beyond the IPA space";
			else if (e != s2tte_table(child))
				bad = "malformed TABLE";
			else
				walk_rtt(v, rd_pa, rd, child, level + 1, ipa);
			break;
		}
		}
		if (bad)
			INV_FAIL(v, "RD 0x%llx: RTT 0x%llx level %d entry %u (IPA 0x%llx) = 0x%llx: %s",
				 (unsigned long long)rd_pa, (unsigned long long)rtt_pa, level, i,
				 (unsigned long long)ipa, (unsigned long long)e, bad);
	}
	if (g->refcount != live)
		INV_FAIL(v, "RTT 0x%llx (RD 0x%llx, level %d, IPA 0x%llx): refcount %u but %u live "
			 "entries",
			 (unsigned long long)rtt_pa, (unsigned long long)rd_pa, level,
			 (unsigned long long)base, g->refcount, live);
}

static void check_rd(struct inv *v, uint64_t rd_pa)
{
	const struct rd *rd = plat_sys_ptr(v->plat, rd_pa);

	if (rd->state > REALM_SYSTEM_OFF || rd->s2sz < RTT_MIN_S2SZ || rd->s2sz > 48 ||
	    rd->hash_algo > RMI_HASH_SHA_512 ||
	    !rtt_start_config_ok(rd->s2sz, rd->rtt_level_start, rd->rtt_num_start) ||
	    (rd->rtt_base & GRANULE_MASK) || !plat_is_dram(v->plat, rd->rtt_base) ||
	    !plat_is_dram(v->plat, rd->rtt_base + (rd->rtt_num_start - 1) * GRANULE_SIZE)) {
		INV_FAIL(v, "RD 0x%llx: malformed descriptor (state %u, s2sz %u, start level %d, %u "
			 "start tables at 0x%llx, hash %u)",
			 (unsigned long long)rd_pa, rd->state, rd->s2sz, rd->rtt_level_start,
			 rd->rtt_num_start, (unsigned long long)rd->rtt_base, rd->hash_algo);
		return;
	}
	if (rd->vmid >= v->rmm->vmid_count) {
		INV_FAIL(v, "RD 0x%llx: VMID %u out of range", (unsigned long long)rd_pa, rd->vmid);
	} else {
		if (v->vmid_used[rd->vmid]++)
			INV_FAIL(v, "RD 0x%llx: VMID %u used by another realm too",
				 (unsigned long long)rd_pa, rd->vmid);
		if (!(v->rmm->vmid_bitmap[rd->vmid / 64] >> (rd->vmid % 64) & 1))
			INV_FAIL(v, "RD 0x%llx: VMID %u not reserved in the allocator",
				 (unsigned long long)rd_pa, rd->vmid);
	}
	size_t hlen = measure_hash_size(rd->hash_algo);
	for (unsigned s = 0; s < MEASUREMENT_SLOTS; s++)
		for (size_t b = hlen; b < MEASUREMENT_MAX; b++)
			if (rd->measurement[s][b]) {
				INV_FAIL(v, "RD 0x%llx: measurement %u has bytes beyond its hash",
					 (unsigned long long)rd_pa, s);
				break;
			}
	uint64_t span = RTT_ENTRIES * rtt_level_size(rd->rtt_level_start);
	for (unsigned n = 0; n < rd->rtt_num_start; n++)
		walk_rtt(v, rd_pa, rd, rd->rtt_base + n * GRANULE_SIZE, rd->rtt_level_start,
			 n * span);
}

static void check_rec(struct inv *v, uint64_t rec_pa, const struct granule *g)
{
	const struct rec *rec = plat_sys_ptr(v->plat, rec_pa);
	size_t rd_idx;

	if (g->refcount != 0)
		INV_FAIL(v, "REC 0x%llx is still running (refcount %u)", (unsigned long long)rec_pa,
			 g->refcount);
	if (!granule_index_of(v, rec->owner_rd, &rd_idx) ||
	    v->rmm->granules[rd_idx].state != GS_RD) {
		INV_FAIL(v, "REC 0x%llx: owner 0x%llx is not an RD", (unsigned long long)rec_pa,
			 (unsigned long long)rec->owner_rd);
		return;
	}
	v->rd_recs[rd_idx]++;
	const struct rd *rd = plat_sys_ptr(v->plat, rec->owner_rd);
	if (rec->index >= rd->rec_count || rec->mpidr != rmi_rec_index_to_mpidr(rec->index))
		INV_FAIL(v, "REC 0x%llx: index %llu (MPIDR 0x%llx) but its realm created %llu RECs",
			 (unsigned long long)rec_pa, (unsigned long long)rec->index,
			 (unsigned long long)rec->mpidr, (unsigned long long)rd->rec_count);
	if (rec->num_aux != rd->num_rec_aux || rec->num_aux > RMI_MAX_REC_AUX_GRANULES) {
		INV_FAIL(v, "REC 0x%llx: %llu aux granules, its realm needs %u",
			 (unsigned long long)rec_pa, (unsigned long long)rec->num_aux,
			 rd->num_rec_aux);
		return;
	}
	for (unsigned a = 0; a < rec->num_aux; a++) {
		size_t idx;
		if (!granule_index_of(v, rec->aux[a], &idx) ||
		    v->rmm->granules[idx].state != GS_REC_AUX) {
			INV_FAIL(v, "REC 0x%llx: aux %u (0x%llx) is not a REC_AUX granule",
				 (unsigned long long)rec_pa, a, (unsigned long long)rec->aux[a]);
			continue;
		}
		if (v->aux_refs[idx] < UINT8_MAX && v->aux_refs[idx]++ == 1)
			INV_FAIL(v, "REC_AUX 0x%llx belongs to more than one REC (again 0x%llx)",
				 (unsigned long long)rec->aux[a], (unsigned long long)rec_pa);
	}
}

/* Two RECs of one realm never share an index. RECs are few: pairwise. */
static void check_rec_indices(struct inv *v, const uint64_t *recs, size_t nrecs)
{
	for (size_t a = 0; a < nrecs; a++) {
		const struct rec *ra = plat_sys_ptr(v->plat, recs[a]);
		for (size_t b = a + 1; b < nrecs; b++) {
			const struct rec *rb = plat_sys_ptr(v->plat, recs[b]);
			if (ra->owner_rd == rb->owner_rd && ra->index == rb->index)
				INV_FAIL(v, "RECs 0x%llx and 0x%llx of RD 0x%llx share index %llu",
					 (unsigned long long)recs[a], (unsigned long long)recs[b],
					 (unsigned long long)ra->owner_rd,
					 (unsigned long long)ra->index);
		}
	}
}

/* State, PAS, lock and scrub of one granule. */
static void check_granule_pas(struct inv *v, size_t i)
{
	uint64_t pa = gpa(v, i);
	struct granule *g = &v->rmm->granules[i];
	bool monitor_owned;
	enum pas want = monitor_pas(v, pa, &monitor_owned);
	enum pas pas = plat_pas_of(v->plat, pa);
	uint8_t state = g->state;

	if (atomic_load(&g->lock))
		INV_FAIL(v, "granule 0x%llx (%s) is locked", (unsigned long long)pa,
			 granule_state_name(state));
	if (state >= GS_COUNT) {
		INV_FAIL(v, "granule 0x%llx has state %u", (unsigned long long)pa, state);
		return;
	}
	if (monitor_owned) {
		if (state != GS_UNDELEGATED || pas != want)
			INV_FAIL(v, "monitor granule 0x%llx: state %s, PAS %s (want UNDELEGATED, %s)",
				 (unsigned long long)pa, granule_state_name(state), pas_name(pas),
				 pas_name(want));
		return;
	}
	if (state != GS_UNDELEGATED)
		want = PAS_REALM;
	if (pas != want)
		INV_FAIL(v, "granule 0x%llx: state %s but PAS %s", (unsigned long long)pa,
			 granule_state_name(state), pas_name(pas));
	if ((state == GS_UNDELEGATED || state == GS_DELEGATED || state == GS_DATA ||
	     state == GS_REC_AUX) &&
	    g->refcount != 0)
		INV_FAIL(v, "granule 0x%llx (%s) has refcount %u", (unsigned long long)pa,
			 granule_state_name(state), g->refcount);
	if (state == GS_DELEGATED && !granule_is_zero(v, pa))
		INV_FAIL(v, "DELEGATED granule 0x%llx is not zero", (unsigned long long)pa);
}

void tm_check_invariants(struct tmach *t)
{
	struct inv v = { .t = t };
	v.plat = ccakit_machine_platform(t->m);
	v.mon = ccakit_machine_monitor(t->m);
	v.rmm = v.mon->rmm;
	v.n = v.rmm->granule_count;
	v.rtt_refs = calloc(v.n, 1);
	v.data_refs = calloc(v.n, 1);
	v.aux_refs = calloc(v.n, 1);
	v.rd_recs = calloc(v.n, sizeof(*v.rd_recs));
	v.vmid_used = calloc(v.rmm->vmid_count, 1);
	v.ns_refs = calloc(v.n, sizeof(*v.ns_refs));
	assert_true(v.rtt_refs && v.data_refs && v.aux_refs && v.rd_recs && v.vmid_used &&
		    v.ns_refs);
	assert_int_equal(v.n, v.plat->granule_count);

	size_t nrecs = 0;
	for (size_t i = 0; i < v.n; i++) {
		check_granule_pas(&v, i);
		if (v.rmm->granules[i].state == GS_REC)
			nrecs++;
	}
	uint64_t *recs = calloc(nrecs + 1, sizeof(*recs));
	assert_non_null(recs);
	nrecs = 0;
	for (size_t i = 0; i < v.n; i++) {
		struct granule *g = &v.rmm->granules[i];
		if (g->state == GS_REC) {
			recs[nrecs++] = gpa(&v, i);
			check_rec(&v, gpa(&v, i), g);
		}
	}
	check_rec_indices(&v, recs, nrecs);
	free(recs);

	for (size_t i = 0; i < v.n; i++) {
		struct granule *g = &v.rmm->granules[i];
		if (g->state != GS_RD)
			continue;
		if (g->refcount != v.rd_recs[i])
			INV_FAIL(&v, "RD 0x%llx: refcount %u but %u RECs name it",
				 (unsigned long long)gpa(&v, i), g->refcount, v.rd_recs[i]);
		check_rd(&v, gpa(&v, i));
	}

	for (size_t i = 0; i < v.n; i++) {
		uint8_t state = v.rmm->granules[i].state;
		unsigned long long pa = (unsigned long long)gpa(&v, i);
		if (state == GS_RTT && v.rtt_refs[i] == 0)
			INV_FAIL(&v, "RTT 0x%llx is not reachable from any realm", pa);
		if (state == GS_DATA && v.data_refs[i] == 0)
			INV_FAIL(&v, "DATA 0x%llx is not mapped by any realm", pa);
		if (state == GS_REC_AUX && v.aux_refs[i] == 0)
			INV_FAIL(&v, "REC_AUX 0x%llx belongs to no REC", pa);
	}

	for (unsigned id = 0; id < v.rmm->vmid_count; id++)
		if ((v.rmm->vmid_bitmap[id / 64] >> (id % 64) & 1) && !v.vmid_used[id])
			INV_FAIL(&v, "VMID %u is reserved but no realm uses it", id);
	check_ns_maps(&v);

	view_sample(&v);

	free(v.rtt_refs);
	free(v.data_refs);
	free(v.aux_refs);
	free(v.rd_recs);
	free(v.vmid_used);
	free(v.ns_refs);
	inv_finish(&v, "tm_check_invariants");
}

void tm_check_all_undelegated(struct tmach *t)
{
	struct inv v = { .t = t };
	v.plat = ccakit_machine_platform(t->m);
	v.mon = ccakit_machine_monitor(t->m);
	v.rmm = v.mon->rmm;
	v.n = v.rmm->granule_count;

	for (size_t i = 0; i < v.n; i++) {
		uint64_t pa = gpa(&v, i);
		struct granule *g = &v.rmm->granules[i];
		bool monitor_owned;
		enum pas want = monitor_pas(&v, pa, &monitor_owned);
		enum pas pas = plat_pas_of(v.plat, pa);
		if (g->state != GS_UNDELEGATED || pas != want || g->refcount != 0 ||
		    atomic_load(&g->lock))
			INV_FAIL(&v, "granule 0x%llx: state %s, PAS %s, refcount %u%s (want "
				 "UNDELEGATED, %s)",
				 (unsigned long long)pa, granule_state_name(g->state),
				 pas_name(pas), g->refcount,
				 atomic_load(&g->lock) ? ", locked" : "", pas_name(want));
		if (atomic_load(&v.rmm->ns_maps[i]) != 0)
			INV_FAIL(&v, "granule 0x%llx: the RMM still counts unprotected mappings of it "
				 "(0x%llx)",
				 (unsigned long long)pa,
				 (unsigned long long)atomic_load(&v.rmm->ns_maps[i]));
	}
	for (unsigned id = 0; id < v.rmm->vmid_count; id++)
		if (v.rmm->vmid_bitmap[id / 64] >> (id % 64) & 1)
			INV_FAIL(&v, "VMID %u is still reserved", id);
	view_sample(&v);
	inv_finish(&v, "tm_check_all_undelegated");
}
