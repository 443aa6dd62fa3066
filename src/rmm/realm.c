/* Realms: RMI_REALM_CREATE / ACTIVATE / DESTROY and RMI_REC_AUX_COUNT. */
#include <sched.h>
#include <string.h>

#include "rmm/rmm.h"
#include "rmm/rtt.h"

static bool vmid_reserve(struct rmm *rmm, uint64_t vmid)
{
	bool ok = false;
	if (vmid >= rmm->vmid_count)
		return false;
	while (atomic_exchange_explicit(&rmm->vmid_lock, 1, memory_order_acquire))
		sched_yield();
	uint64_t bit = UINT64_C(1) << (vmid % 64);
	if (!(rmm->vmid_bitmap[vmid / 64] & bit)) {
		rmm->vmid_bitmap[vmid / 64] |= bit;
		ok = true;
	}
	atomic_store_explicit(&rmm->vmid_lock, 0, memory_order_release);
	return ok;
}

static void vmid_free(struct rmm *rmm, uint64_t vmid)
{
	while (atomic_exchange_explicit(&rmm->vmid_lock, 1, memory_order_acquire))
		sched_yield();
	rmm->vmid_bitmap[vmid / 64] &= ~(UINT64_C(1) << (vmid % 64));
	atomic_store_explicit(&rmm->vmid_lock, 0, memory_order_release);
}

static uint32_t params_word(const struct rmi_realm_params *p, size_t offset)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)p + offset, sizeof(v));
	return v;
}

/* params_valid and params_supp: everything that depends on the parameters
 * alone. The five small fields are read as 32-bit words (as TF-RMM does), so
 * stray bytes next to them are refused rather than silently measured. */
static bool realm_params_ok(const struct rmm *rmm, const struct rmi_realm_params *p)
{
	uint32_t s2sz = params_word(p, offsetof(struct rmi_realm_params, s2sz));
	uint32_t num_bps = params_word(p, offsetof(struct rmi_realm_params, num_bps));
	uint32_t num_wps = params_word(p, offsetof(struct rmi_realm_params, num_wps));
	unsigned max_s2sz = (unsigned)(rmm->feat0 >> RMI_FEAT0_S2SZ_SHIFT) & 0xff;
	unsigned max_bps = (unsigned)(rmm->feat0 >> RMI_FEAT0_NUM_BPS_SHIFT) & 0x3f;
	unsigned max_wps = (unsigned)(rmm->feat0 >> RMI_FEAT0_NUM_WPS_SHIFT) & 0x3f;
	const uint64_t known_flags = RMI_REALM_FLAG_LPA2 | RMI_REALM_FLAG_SVE | RMI_REALM_FLAG_PMU;

	/* params_valid */
	if (p->hash_algo != RMI_HASH_SHA_256 && p->hash_algo != RMI_HASH_SHA_512)
		return false;
	if (s2sz < RTT_MIN_S2SZ || s2sz > max_s2sz)
		return false;
	if (p->flags & ~known_flags)
		return false;
	/* params_supp: no LPA2, SVE or PMU on this RMM; breakpoint and
	 * watchpoint counts are encoded count - 1, and 0 is reserved. */
	if (p->flags & known_flags)
		return false;
	/* params_supp: the hash algorithm must be one FeatureRegister0 offers
	 * (HASH_SHA_256 / HASH_SHA_512), not merely a valid encoding. */
	unsigned hash_bit = p->hash_algo == RMI_HASH_SHA_256 ? RMI_FEAT0_HASH_SHA_256_SHIFT
							     : RMI_FEAT0_HASH_SHA_512_SHIFT;
	if (!((rmm->feat0 >> hash_bit) & 1))
		return false;
	if (num_bps == 0 || num_bps > max_bps || num_wps == 0 || num_wps > max_wps)
		return false;
	/* rtt_num_level */
	return rtt_start_config_ok(s2sz, p->rtt_level_start, p->rtt_num_start);
}

/* rtt_align: a granule, and for concatenated start tables their total size
 * (a power of two, or rtt_num_level fails), which VTTBR_EL2 requires of a
 * table the MMU walks. (1.0's text asks only for granule alignment; 1.1
 * makes this rule explicit, and a realm that breaks it could not run.) */
static bool rtt_base_aligned(uint64_t rtt_base, uint64_t num_start)
{
	uint64_t align = GRANULE_SIZE;
	if (num_start && (num_start & (num_start - 1)) == 0 && num_start <= RTT_MAX_START_TABLES)
		align *= num_start;
	return (rtt_base & (align - 1)) == 0;
}

RMI_HANDLER(rmi_realm_create)
{
	uint64_t rd_addr = arg[0], params_addr = arg[1];
	static _Thread_local struct rmi_realm_params p;
	struct granule_req reqs[1 + RTT_MAX_START_TABLES];
	(void)res;

	/* params_align, params_bound, params_pas */
	if (!ns_granule_read(rmm, params_addr, &p, sizeof(p)))
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* params_valid, params_supp, rtt_num_level */
	if (!realm_params_ok(rmm, &p))
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* alias: the RD may not be one of the starting-level RTTs. */
	uint64_t rtt_end = p.rtt_base + (uint64_t)p.rtt_num_start * GRANULE_SIZE;
	if (rd_addr >= p.rtt_base && rd_addr < rtt_end)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* rd_align, rd_bound, rd_state, rtt_align, rtt_state (with bound) */
	if (!rtt_base_aligned(p.rtt_base, p.rtt_num_start) || rtt_end < p.rtt_base)
		return rmi_return(RMI_ERROR_INPUT, 0);
	reqs[0] = (struct granule_req){ .pa = rd_addr, .state = GS_DELEGATED };
	for (unsigned i = 0; i < p.rtt_num_start; i++)
		reqs[1 + i] = (struct granule_req){ .pa = p.rtt_base + i * GRANULE_SIZE,
						    .state = GS_DELEGATED };
	if (!find_lock_granules(rmm, reqs, 1 + p.rtt_num_start))
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* vmid_valid: in range for the VMID width and not in use. */
	if (!vmid_reserve(rmm, p.vmid)) {
		unlock_granules(reqs, 1 + p.rtt_num_start);
		return rmi_return(RMI_ERROR_INPUT, 0);
	}

	struct rd *rd = rd_map(rmm, reqs[0].g);
	rd->state = REALM_NEW;
	rd->s2sz = p.s2sz;
	rd->rtt_level_start = (int32_t)p.rtt_level_start;
	rd->rtt_num_start = p.rtt_num_start;
	rd->rtt_base = p.rtt_base;
	rd->vmid = p.vmid;
	rd->hash_algo = p.hash_algo;
	rd->rec_count = 0;
	rd->flags = p.flags;
	rd->sve_vl = p.sve_vl;
	rd->num_bps = p.num_bps;
	rd->num_wps = p.num_wps;
	rd->pmu_num_ctrs = p.pmu_num_ctrs;
	rd->num_rec_aux = RMI_REC_AUX_COUNT_VALUE;
	memcpy(rd->rpv, p.rpv, sizeof(rd->rpv));
	realm_run_init(rd);
	measure_realm_create(rmm, pe, rd, &p);
	reqs[0].g->state = GS_RD;

	for (unsigned i = 0; i < p.rtt_num_start; i++) {
		struct granule *g = reqs[1 + i].g;
		rtt_init_start_table(rd, granule_map(rmm, g), i);
		g->state = GS_RTT;
	}
	realms_add(rmm, rd_addr);
	unlock_granules(reqs, 1 + p.rtt_num_start);
	return rmi_return(RMI_SUCCESS, 0);
}

RMI_HANDLER(rmi_realm_activate)
{
	(void)pe;
	(void)res;
	/* rd_align, rd_bound, rd_state */
	struct granule *g = find_lock_granule(rmm, arg[0], GS_RD);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rd *rd = rd_map(rmm, g);
	uint64_t ret = rmi_return(RMI_SUCCESS, 0);
	/* realm_state */
	if (__atomic_load_n(&rd->state, __ATOMIC_RELAXED) != REALM_NEW)
		ret = rmi_return(RMI_ERROR_REALM, 0);
	else
		__atomic_store_n(&rd->state, REALM_ACTIVE, __ATOMIC_RELEASE);
	granule_unlock(g);
	return ret;
}

void rd_lock_start_rtts(struct rmm *rmm, const struct rd *rd)
{
	for (unsigned i = 0; i < rd->rtt_num_start; i++)
		granule_lock(granule_at(rmm, rd->rtt_base + i * GRANULE_SIZE));
}

void rd_unlock_start_rtts(struct rmm *rmm, const struct rd *rd)
{
	for (unsigned i = 0; i < rd->rtt_num_start; i++)
		granule_unlock(granule_at(rmm, rd->rtt_base + i * GRANULE_SIZE));
}

RMI_HANDLER(rmi_realm_destroy)
{
	(void)pe;
	(void)res;
	/* rd_align, rd_bound, rd_state */
	struct granule *g = find_lock_granule(rmm, arg[0], GS_RD);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rd *rd = rd_map(rmm, g);
	bool live = __atomic_load_n(&g->refcount, __ATOMIC_ACQUIRE) != 0;

	/* The live-realm list's lock before any RTT's (rmm.h): a DELEGATE
	 * scanning this realm's tables holds it. */
	pthread_mutex_lock(&rmm->realms_lock);
	rd_lock_start_rtts(rmm, rd);
	for (unsigned i = 0; i < rd->rtt_num_start && !live; i++)
		live = granule_at(rmm, rd->rtt_base + i * GRANULE_SIZE)->refcount != 0;
	/* realm_live */
	if (live) {
		rd_unlock_start_rtts(rmm, rd);
		pthread_mutex_unlock(&rmm->realms_lock);
		granule_unlock(g);
		return rmi_return(RMI_ERROR_REALM, 0);
	}
	realms_remove(rmm, arg[0]);
	pthread_mutex_unlock(&rmm->realms_lock);
	uint64_t rtt_base = rd->rtt_base, vmid = rd->vmid;
	unsigned num_start = rd->rtt_num_start;
	for (unsigned i = 0; i < num_start; i++) {
		struct granule *rtt = granule_at(rmm, rtt_base + i * GRANULE_SIZE);
		/* Unprotected mappings do not keep a table live: they go with it. */
		ns_maps_discard_table(rmm, granule_map(rmm, rtt), rd->rtt_level_start);
		granule_scrub_to_delegated(rmm, rtt);
		granule_unlock(rtt);
	}
	vmid_free(rmm, vmid);
	realm_run_fini(rd);
	/* Scrubbing the RD destroys the realm's measurements. */
	granule_scrub_to_delegated(rmm, g);
	granule_unlock(g);
	return rmi_return(RMI_SUCCESS, 0);
}

RMI_HANDLER(rmi_rec_aux_count)
{
	(void)pe;
	/* rd_align, rd_bound, rd_state */
	struct granule *g = find_lock_granule(rmm, arg[0], GS_RD);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	res->x[0] = rd_map(rmm, g)->num_rec_aux;
	granule_unlock(g);
	return rmi_return(RMI_SUCCESS, 0);
}
