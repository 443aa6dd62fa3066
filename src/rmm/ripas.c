/* Realm IPA state: RMI_RTT_INIT_RIPAS and RMI_RTT_SET_RIPAS.
 *
 * Failure conditions follow the spec's order (the compliance suite's): where
 * TF-RMM checks top's granule alignment before the walk, the spec puts
 * top_gran_align after base_align (and, for RTT_INIT_RIPAS, after
 * rtte_state), so an unaligned top is refused only once the base has been
 * found aligned to its RTT level (and UNASSIGNED). */
#include "rmm/rtt.h"

/* One step of RSI_IPA_STATE_SET's request on one entry: false if this entry
 * stops the range (NS, table, or DESTROYED without change_destroyed). */
static bool ripas_change(uint64_t *e, int level, enum rmi_ripas to, bool change_destroyed)
{
	enum s2tte_kind kind = s2tte_kind(*e, level);
	if (kind != S2TTE_UNASSIGNED && kind != S2TTE_ASSIGNED)
		return false;
	enum rmi_ripas from = s2tte_ripas(*e);
	if (from == to)
		return true;
	if (from == RIPAS_DESTROYED && !change_destroyed)
		return false;
	if (kind == S2TTE_UNASSIGNED)
		*e = s2tte_unassigned(to);
	else
		*e = s2tte_assigned(s2tte_pa(*e, level), level, to);
	return true;
}

RMI_HANDLER(rmi_rtt_init_ripas)
{
	uint64_t rd_addr = arg[0], base = arg[1], top = arg[2];
	struct rtt_walk wi;

	/* rd_align, rd_bound, rd_state */
	struct granule *g_rd = find_lock_granule(rmm, rd_addr, GS_RD);
	if (!g_rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rd *rd = rd_map(rmm, g_rd);
	/* size_valid; top_bound: !AddrIsProtected(top - RMM_GRANULE_SIZE).
	 * Nothing else is INPUT here: an unaligned base fails base_align and
	 * an unaligned top top_gran_align (spec B4.3.18.2), after realm_state. */
	if (top <= base || (top >= GRANULE_SIZE && !ipa_in_par(rd, top - GRANULE_SIZE))) {
		granule_unlock(g_rd);
		return rmi_return(RMI_ERROR_INPUT, 0);
	}
	/* realm_state */
	if (rd->state != REALM_NEW) {
		granule_unlock(g_rd);
		return rmi_return(RMI_ERROR_REALM, 0);
	}
	uint64_t ret;
	rtt_walk_lock(rmm, rd, base, RTT_LEVEL_MAX, &wi);
	uint64_t size = rtt_level_size(wi.level);
	uint64_t addr = base;
	if (!rtt_level_aligned(base, wi.level)) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* base_align */
	} else if (s2tte_kind(*rtt_walk_entry(&wi), wi.level) != S2TTE_UNASSIGNED) {
		/* rtte_state: walk.rtte.state != UNASSIGNED, listed before
		 * top_gran_align like base_align. */
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level);
	} else if (!pa_is_granule_aligned(top)) {
		ret = rmi_return(RMI_ERROR_INPUT, 0); /* top_gran_align */
	} else {
		for (unsigned i = wi.index; i < RTT_ENTRIES && addr + size <= top; i++) {
			uint64_t *e = &wi.table[i];
			if (s2tte_kind(*e, wi.level) != S2TTE_UNASSIGNED)
				break;
			enum rmi_ripas r = s2tte_ripas(*e);
			if (r != RIPAS_EMPTY && r != RIPAS_RAM)
				break;
			*e = s2tte_unassigned(RIPAS_RAM);
			/* One descriptor per entry processed (section 7). */
			measure_ripas(rmm, pe, rd, addr, addr + size);
			addr += size;
		}
		if (addr > base) {
			res->x[0] = addr;
			ret = rmi_return(RMI_SUCCESS, 0);
		} else {
			ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* no_progress */
		}
	}
	granule_unlock(wi.g);
	granule_unlock(g_rd);
	return ret;
}

RMI_HANDLER(rmi_rtt_set_ripas)
{
	uint64_t rd_addr = arg[0], rec_addr = arg[1], base = arg[2], top = arg[3];
	struct granule_req reqs[2] = {
		{ .pa = rd_addr, .state = GS_RD },
		{ .pa = rec_addr, .state = GS_REC },
	};
	struct rtt_walk wi;
	(void)pe;

	/* rd_align/bound/state, rec_align/bound/gran_state */
	if (!find_lock_granules(rmm, reqs, 2))
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rd *rd = rd_map(rmm, reqs[0].g);
	struct rec *rec = rec_map(rmm, reqs[1].g);
	uint64_t ret;
	/* rec_state (inside REC_ENTER on another PE), rec_owner */
	if (__atomic_load_n(&reqs[1].g->refcount, __ATOMIC_ACQUIRE) != 0 ||
	    rec->owner_rd != rd_addr) {
		ret = rmi_return(RMI_ERROR_REC, 0);
		goto out;
	}
	/* size_valid, base_bound, top_bound */
	if (top <= base || base != rec->ripas.addr || top > rec->ripas.top) {
		ret = rmi_return(RMI_ERROR_INPUT, 0);
		goto out;
	}
	rtt_walk_lock(rmm, rd, base, RTT_LEVEL_MAX, &wi);
	uint64_t size = rtt_level_size(wi.level);
	uint64_t addr = base;
	if (!rtt_level_aligned(base, wi.level)) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* base_align */
	} else if (!pa_is_granule_aligned(top)) {
		ret = rmi_return(RMI_ERROR_INPUT, 0); /* top_gran_align */
	} else {
		for (unsigned i = wi.index; i < RTT_ENTRIES && addr + size <= top; i++) {
			if (!ripas_change(&wi.table[i], wi.level, (enum rmi_ripas)rec->ripas.value,
					  rec->ripas.change_destroyed))
				break;
			addr += size;
		}
		if (addr > base) {
			rec->ripas.addr = addr;
			res->x[0] = addr;
			ret = rmi_return(RMI_SUCCESS, 0);
		} else {
			ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* no_progress */
		}
	}
	granule_unlock(wi.g);
	/* RAM that became EMPTY is no longer mapped. */
	if (ret == rmi_return(RMI_SUCCESS, 0) && rec->ripas.value == RIPAS_EMPTY)
		realm_tlbi(rmm, rd_addr);
out:
	unlock_granules(reqs, 2);
	return ret;
}
