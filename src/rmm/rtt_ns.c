/* Unprotected mappings: RMI_RTT_MAP_UNPROTECTED / RMI_RTT_UNMAP_UNPROTECTED. */
#include "rmm/rtt.h"

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
		 * entries only), so RTT_DESTROY may discard NS mappings. */
		*e = s2tte_assigned_ns(desc, (int)level);
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
		*e = s2tte_unassigned_ns();
		ret = rmi_return(RMI_SUCCESS, 0);
	}
	res->x[0] = rtt_skip_non_live(&wi, ipa);
	granule_unlock(wi.g);
	if (ret == rmi_return(RMI_SUCCESS, 0))
		realm_tlbi(rmm, rd_addr); /* the host may reuse its page on return */
	granule_unlock(g_rd);
	return ret;
}
