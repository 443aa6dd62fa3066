/* Realm data granules: RMI_DATA_CREATE / DATA_CREATE_UNKNOWN / DATA_DESTROY.
 *
 * Lock order note: DATA_DESTROY locks the data granule after the RTT that
 * maps it. That is safe because the address comes from a locked entry: no
 * command can hold that DATA granule while waiting for the RTT. */
#include <string.h>

#include "rmm/rtt.h"

/* ipa_align and ipa_bound of the data commands: a granule in the protected
 * range. */
static bool data_ipa_ok(const struct rd *rd, uint64_t ipa)
{
	return pa_is_granule_aligned(ipa) && ipa_in_par(rd, ipa);
}

static bool data_destroy_args_ok(const struct rd *rd, uint64_t ipa, uint64_t level)
{
	(void)level;
	return data_ipa_ok(rd, ipa);
}

static uint64_t data_create(struct rmm *rmm, unsigned pe, uint64_t rd_addr, uint64_t data_addr,
			    uint64_t ipa, uint64_t src_addr, uint64_t flags, bool known)
{
	struct granule_req reqs[2] = {
		{ .pa = data_addr, .state = GS_DELEGATED },
		{ .pa = rd_addr, .state = GS_RD },
	};
	struct rtt_walk wi;

	/* data_align/bound/state, rd_align/bound/state (data_bound2: no DRAM
	 * at or above 2^48) */
	if (!find_lock_granules(rmm, reqs, 2))
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rd *rd = rd_map(rmm, reqs[1].g);
	uint64_t ret;
	/* ipa_align, ipa_bound */
	if (!data_ipa_ok(rd, ipa)) {
		ret = rmi_return(RMI_ERROR_INPUT, 0);
		goto out;
	}
	/* realm_state: only DATA_CREATE (it measures) needs a NEW realm. */
	if (known && rd->state != REALM_NEW) {
		ret = rmi_return(RMI_ERROR_REALM, 0);
		goto out;
	}
	rtt_walk_lock(rmm, rd, ipa, RTT_LEVEL_MAX, &wi);
	uint64_t *e = rtt_walk_entry(&wi);
	if (wi.level < RTT_LEVEL_MAX) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
	} else if (s2tte_kind(*e, wi.level) != S2TTE_UNASSIGNED) {
		ret = rmi_return(RMI_ERROR_RTT, RTT_LEVEL_MAX); /* rtte_state */
	} else if (known && !plat_ns_read(rmm->plat, src_addr, granule_map(rmm, reqs[0].g),
					  GRANULE_SIZE)) {
		/* src changed PAS since it was checked: the copy faulted. */
		granule_zero(rmm, reqs[0].g);
		ret = rmi_return(RMI_ERROR_INPUT, 0);
	} else {
		if (known) {
			measure_data(rmm, pe, rd, ipa, flags, granule_map(rmm, reqs[0].g));
			*e = s2tte_assigned(data_addr, RTT_LEVEL_MAX, RIPAS_RAM);
		} else {
			/* Contents stay zero; RIPAS unchanged. */
			*e = s2tte_assigned(data_addr, RTT_LEVEL_MAX, s2tte_ripas(*e));
		}
		wi.g->refcount++;
		reqs[0].g->state = GS_DATA;
		ret = rmi_return(RMI_SUCCESS, 0);
	}
	granule_unlock(wi.g);
out:
	unlock_granules(reqs, 2);
	return ret;
}

RMI_HANDLER(rmi_data_create)
{
	uint64_t rd_addr = arg[0], data_addr = arg[1], ipa = arg[2], src = arg[3], flags = arg[4];
	(void)res;

	/* flags: RmiDataFlags has one bit. */
	if (flags != RMI_NO_MEASURE_CONTENT && flags != RMI_MEASURE_CONTENT)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* src_align, src_bound, src_pas */
	if (!pa_is_granule_aligned(src) || !pa_is_delegable(rmm, src) ||
	    plat_pas_of(rmm->plat, src) != PAS_NS)
		return rmi_return(RMI_ERROR_INPUT, 0);
	return data_create(rmm, pe, rd_addr, data_addr, ipa, src, flags, true);
}

RMI_HANDLER(rmi_data_create_unknown)
{
	(void)res;
	return data_create(rmm, pe, arg[0], arg[1], arg[2], 0, 0, false);
}

RMI_HANDLER(rmi_data_destroy)
{
	uint64_t rd_addr = arg[0], ipa = arg[1];
	struct rtt_walk wi;
	(void)pe;

	struct granule *g_rd;
	/* rd_align, rd_bound, rd_state; ipa_align, ipa_bound */
	struct rd *rd = rtt_cmd_lock_rd(rmm, rd_addr, ipa, RTT_LEVEL_MAX, data_destroy_args_ok,
					&g_rd);
	if (!rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	uint64_t ret;
	rtt_walk_lock(rmm, rd, ipa, RTT_LEVEL_MAX, &wi);
	uint64_t *e = rtt_walk_entry(&wi);
	if (wi.level < RTT_LEVEL_MAX) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
	} else if (s2tte_kind(*e, wi.level) != S2TTE_ASSIGNED) {
		ret = rmi_return(RMI_ERROR_RTT, RTT_LEVEL_MAX); /* rtte_state */
	} else {
		uint64_t data_addr = s2tte_pa(*e, RTT_LEVEL_MAX);
		enum rmi_ripas ripas = s2tte_ripas(*e);
		/* RAM becomes DESTROYED; EMPTY and DESTROYED stay as they are. */
		*e = s2tte_unassigned(ripas == RIPAS_RAM ? RIPAS_DESTROYED : ripas);
		wi.g->refcount--;
		res->x[0] = data_addr;
		ret = rmi_return(RMI_SUCCESS, 0);
	}
	res->x[1] = rtt_skip_non_live(&wi, ipa);
	granule_unlock(wi.g);
	if (ret == rmi_return(RMI_SUCCESS, 0)) {
		/* No vCPU of the realm may still reach the granule when it is
		 * scrubbed and handed back. */
		realm_tlbi(rmm, rd_addr);
		struct granule *g_data = granule_at(rmm, res->x[0]);
		granule_lock(g_data);
		granule_scrub_to_delegated(rmm, g_data);
		granule_unlock(g_data);
	}
	granule_unlock(g_rd);
	return ret;
}
