/* Unprotected mappings: RMI_RTT_MAP_UNPROTECTED / RMI_RTT_UNMAP_UNPROTECTED,
 * and how they follow the GPT.
 *
 * A realm reaches the host's memory through valid ASSIGNED_NS entries that
 * point at the vCPU's NS alias window, whose callbacks check the PAS. A
 * refusal there stops unicorn 2.0.1 with the PC at the start of the
 * translation block (docs/unicorn-notes.md, 17 and 20), so it cannot be the
 * granule protection fault the realm must see. Instead an entry whose
 * output is not NS is *held* (S2TTE_NS_HELD: valid bit clear): the access
 * faults in the vCPU's stage-2 walk, which restores the faulting
 * instruction's PC, and the run loop reports a GPF (run.c).
 *
 * Only RMI_GRANULE_DELEGATE takes a granule out of the NS PAS at run time
 * (UNDELEGATE brings it back), so the RMM keeps the entries in step:
 * rmm->ns_maps counts the unprotected mappings of each granule; DELEGATE
 * sets NS_MAPS_NOT_NS in the same word and, if the count is non-zero,
 * holds every entry outputting the granule in every live realm and waits
 * (realm_tlbi) until no engine can use the old translation, before EL3
 * changes the GPT. A concurrent RTT_MAP_UNPROTECTED counts first and then
 * looks at the flag: one atomic word orders the two, so either the map
 * sees the flag and writes the held form, or DELEGATE sees the count and
 * its scan, which takes the RTT lock the map holds, finds the new entry.
 * A REC running on another PE meanwhile either uses the valid entry while
 * the granule is still NS, or faults on the held one; realm_tlbi separates
 * the two. Lock order: the delegated granule, realms_lock, then RTTs top
 * down; realm_tlbi is called with no RTT lock held (a running REC's RSI
 * call may need one). */
#include <stdatomic.h>
#include <stdlib.h>

#include "rmm/rtt.h"

/* ---- the per-granule counts ---- */

bool ns_range_reachable(struct rmm *rmm, uint64_t oa, uint64_t size)
{
	for (uint64_t pa = oa; pa < oa + size; pa += GRANULE_SIZE) {
		if (!pa_is_delegable(rmm, pa))
			return false;
		size_t i = plat_granule_index(rmm->plat, pa);
		if ((atomic_load(&rmm->ns_maps[i]) & NS_MAPS_NOT_NS) ||
		    plat_pas_of(rmm->plat, pa) != PAS_NS)
			return false;
	}
	return true;
}

uint64_t s2tte_ns_entry(struct rmm *rmm, uint64_t host_desc, int level)
{
	uint64_t e = s2tte_assigned_ns(host_desc, level);
	if (!(e & S2TTE_VALID))
		return e; /* beyond the alias window: invalid anyway */
	if (ns_range_reachable(rmm, host_desc & S2TTE_OA_MASK, rtt_level_size(level)))
		return e;
	return s2tte_ns_hold(e);
}

void ns_maps_account(struct rmm *rmm, uint64_t e, int level, int delta)
{
	if (s2tte_kind(e, level) != S2TTE_ASSIGNED_NS)
		return;
	uint64_t oa = s2tte_ns_host_desc(e, level) & S2TTE_OA_MASK;
	for (uint64_t pa = oa; pa < oa + rtt_level_size(level); pa += GRANULE_SIZE) {
		if (!pa_is_delegable(rmm, pa))
			continue; /* never NS memory: nothing to follow */
		size_t i = plat_granule_index(rmm->plat, pa);
		if (delta > 0)
			atomic_fetch_add(&rmm->ns_maps[i], 1);
		else
			atomic_fetch_sub(&rmm->ns_maps[i], 1);
	}
}

void ns_maps_discard_table(struct rmm *rmm, const uint64_t *table, int level)
{
	for (unsigned i = 0; i < RTT_ENTRIES; i++)
		ns_maps_account(rmm, table[i], level, -1);
}

/* ---- the live realms ---- */

void realms_add(struct rmm *rmm, uint64_t rd_addr)
{
	pthread_mutex_lock(&rmm->realms_lock);
	rd_map(rmm, granule_at(rmm, rd_addr))->next_rd = rmm->realms;
	rmm->realms = rd_addr;
	pthread_mutex_unlock(&rmm->realms_lock);
}

void realms_remove(struct rmm *rmm, uint64_t rd_addr)
{
	uint64_t *link = &rmm->realms;
	while (*link && *link != rd_addr)
		link = &rd_map(rmm, granule_at(rmm, *link))->next_rd;
	assert(*link == rd_addr);
	*link = rd_map(rmm, granule_at(rmm, rd_addr))->next_rd;
}

/* ---- following a GPT change ---- */

/* Holds (hold) or releases the ASSIGNED_NS entries outputting pa in the
 * unprotected part of the table at `level` covering IPAs from base (the
 * table locked). Returns whether a valid entry was held. */
static bool ns_follow_table(struct rmm *rmm, const struct rd *rd, uint64_t *table, int level,
			    uint64_t base, uint64_t pa, bool hold)
{
	uint64_t size = rtt_level_size(level);
	uint64_t par_top = UINT64_C(1) << (rd->s2sz - 1), top = UINT64_C(1) << rd->s2sz;
	bool changed = false;

	for (unsigned i = 0; i < RTT_ENTRIES; i++) {
		uint64_t ipa = base + i * size, e = table[i];
		if (ipa + size <= par_top)
			continue;
		if (ipa >= top)
			break;
		switch (s2tte_kind(e, level)) {
		case S2TTE_TABLE: {
			struct granule *child = granule_at(rmm, s2tte_pa(e, RTT_LEVEL_MAX));
			granule_lock(child);
			changed |= ns_follow_table(rmm, rd, granule_map(rmm, child), level + 1, ipa,
						   pa, hold);
			granule_unlock(child);
			break;
		}
		case S2TTE_ASSIGNED_NS: {
			uint64_t oa = s2tte_ns_host_desc(e, level) & S2TTE_OA_MASK;
			if (pa < oa || pa >= oa + size)
				break;
			if (hold && (e & S2TTE_VALID)) {
				__atomic_store_n(&table[i], s2tte_ns_hold(e), __ATOMIC_RELEASE);
				changed = true;
			} else if (!hold && s2tte_ns_is_held(e) && ns_range_reachable(rmm, oa, size)) {
				__atomic_store_n(&table[i], s2tte_ns_release(e), __ATOMIC_RELEASE);
			}
			break;
		}
		default:
			break;
		}
	}
	return changed;
}

static void ns_follow(struct rmm *rmm, uint64_t pa, bool hold)
{
	pthread_mutex_lock(&rmm->realms_lock);
	for (uint64_t rd_addr = rmm->realms; rd_addr;) {
		const struct rd *rd = rd_map(rmm, granule_at(rmm, rd_addr));
		uint64_t span = RTT_ENTRIES * rtt_level_size(rd->rtt_level_start);
		bool changed = false;
		for (unsigned i = 0; i < rd->rtt_num_start; i++) {
			struct granule *g = granule_at(rmm, rd->rtt_base + i * GRANULE_SIZE);
			granule_lock(g);
			changed |= ns_follow_table(rmm, rd, granule_map(rmm, g), rd->rtt_level_start,
						   i * span, pa, hold);
			granule_unlock(g);
		}
		/* The realm stays listed (REALM_DESTROY waits for the lock). */
		if (changed)
			realm_tlbi(rmm, rd_addr);
		rd_addr = rd->next_rd;
	}
	pthread_mutex_unlock(&rmm->realms_lock);
}

void ns_gpt_leave(struct rmm *rmm, uint64_t pa)
{
	size_t i = plat_granule_index(rmm->plat, pa);
	if (atomic_fetch_or(&rmm->ns_maps[i], NS_MAPS_NOT_NS) & ~NS_MAPS_NOT_NS)
		ns_follow(rmm, pa, true);
}

void ns_gpt_return(struct rmm *rmm, uint64_t pa)
{
	size_t i = plat_granule_index(rmm->plat, pa);
	if (atomic_fetch_and(&rmm->ns_maps[i], ~NS_MAPS_NOT_NS) & ~NS_MAPS_NOT_NS)
		ns_follow(rmm, pa, false);
}

/* ---- the commands ---- */

/* level_bound, ipa_align and ipa_bound of the unprotected-mapping commands:
 * a leaf at level 2 or 3 (and not above the start level), in the
 * unprotected half. */
static bool ns_level_ipa_ok(const struct rd *rd, uint64_t ipa, uint64_t level)
{
	if (level < RTT_MIN_BLOCK_LEVEL || level > RTT_LEVEL_MAX ||
	    (int64_t)level < rd->rtt_level_start)
		return false;
	return rtt_level_aligned(ipa, (int)level) && !ipa_in_par(rd, ipa) && ipa_in_range(rd, ipa);
}

RMI_HANDLER(rmi_rtt_map_unprotected)
{
	uint64_t rd_addr = arg[0], ipa = arg[1], level = arg[2], desc = arg[3];
	struct rtt_walk wi;
	(void)pe;
	(void)res;

	/* attr_valid: only the OA, MemAttr[4:2] and S2AP[7:6] are the host's;
	 * MemAttr 0b100 is reserved. */
	if ((desc & ~(S2TTE_OA_MASK | S2TTE_NS_HOST_ATTRS)) ||
	    (desc & S2TTE_MEMATTR_MASK) == S2TTE_MEMATTR_FWB_RESERVED)
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct granule *g_rd;
	/* rd_align, rd_bound, rd_state; level_bound, ipa_align, ipa_bound */
	struct rd *rd = rtt_cmd_lock_rd(rmm, rd_addr, ipa, level, ns_level_ipa_ok, &g_rd);
	if (!rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* addr_align (addr_bound: the OA mask stops at bit 47) */
	if (!rtt_level_aligned(desc & S2TTE_OA_MASK, (int)level)) {
		granule_unlock(g_rd);
		return rmi_return(RMI_ERROR_INPUT, 0);
	}
	uint64_t ret;
	rtt_walk_lock(rmm, rd, ipa, (int)level, &wi);
	uint64_t *e = rtt_walk_entry(&wi);
	if (wi.level < (int)level) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
	} else if (s2tte_kind(*e, wi.level) != S2TTE_UNASSIGNED_NS) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)level); /* rtte_state */
	} else {
		/* No refcount: an ASSIGNED_NS entry is a live RTTE but does not
		 * make its RTT live (spec A5.5.8, RttIsLive: ASSIGNED or TABLE
		 * entries only), so RTT_DESTROY may discard NS mappings. Counted
		 * before the GPT is looked at (see the top of the file). */
		ns_maps_account(rmm, s2tte_assigned_ns(desc, (int)level), (int)level, 1);
		*e = s2tte_ns_entry(rmm, desc, (int)level);
		ret = rmi_return(RMI_SUCCESS, 0);
	}
	rtt_cmd_unlock(&wi, g_rd);
	return ret;
}

RMI_HANDLER(rmi_rtt_unmap_unprotected)
{
	uint64_t rd_addr = arg[0], ipa = arg[1], level = arg[2];
	struct rtt_walk wi;
	(void)pe;

	struct granule *g_rd;
	/* rd_align, rd_bound, rd_state; level_bound, ipa_align, ipa_bound */
	struct rd *rd = rtt_cmd_lock_rd(rmm, rd_addr, ipa, level, ns_level_ipa_ok, &g_rd);
	if (!rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	uint64_t ret;
	rtt_walk_lock(rmm, rd, ipa, (int)level, &wi);
	uint64_t *e = rtt_walk_entry(&wi);
	if (wi.level < (int)level) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
	} else if (s2tte_kind(*e, wi.level) != S2TTE_ASSIGNED_NS) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)level); /* rtte_state */
	} else {
		uint64_t old = *e;
		*e = s2tte_unassigned_ns();
		ns_maps_account(rmm, old, wi.level, -1);
		ret = rmi_return(RMI_SUCCESS, 0);
	}
	res->x[0] = rtt_skip_non_live(&wi, ipa);
	granule_unlock(wi.g);
	if (ret == rmi_return(RMI_SUCCESS, 0))
		realm_tlbi(rmm, rd_addr); /* the host may reuse its page on return */
	granule_unlock(g_rd);
	return ret;
}
