/* Granule metadata, locking, and the granule commands
 * RMI_GRANULE_DELEGATE / RMI_GRANULE_UNDELEGATE. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/rmm_el3.h"
#include "monitor/monitor.h"
#include "rmm/rmm.h"

const char *granule_state_name(enum granule_state s)
{
	static const char *const names[GS_COUNT] = {
		[GS_UNDELEGATED] = "UNDELEGATED", [GS_DELEGATED] = "DELEGATED",
		[GS_RD] = "RD",			  [GS_REC] = "REC",
		[GS_REC_AUX] = "REC_AUX",	  [GS_DATA] = "DATA",
		[GS_RTT] = "RTT",
	};
	return (unsigned)s < GS_COUNT ? names[s] : "?";
}

void granule_lock(struct granule *g)
{
	unsigned spins = 0;
	while (atomic_exchange_explicit(&g->lock, 1, memory_order_acquire)) {
		if (++spins > 100) {
			sched_yield();
			spins = 0;
		}
	}
}

bool granule_trylock(struct granule *g)
{
	return !atomic_exchange_explicit(&g->lock, 1, memory_order_acquire);
}

void granule_unlock(struct granule *g)
{
	atomic_store_explicit(&g->lock, 0, memory_order_release);
}

void granule_zero(struct rmm *rmm, struct granule *g)
{
	memset(granule_map(rmm, g), 0, GRANULE_SIZE);
}

void granule_scrub_to_delegated(struct rmm *rmm, struct granule *g)
{
	granule_zero(rmm, g);
	g->state = GS_DELEGATED;
	g->refcount = 0;
}

struct granule *find_lock_granule(struct rmm *rmm, uint64_t pa, enum granule_state state)
{
	if (!pa_is_granule_aligned(pa) || !pa_is_delegable(rmm, pa))
		return NULL;
	struct granule *g = granule_at(rmm, pa);
	granule_lock(g);
	if (g->state != state) {
		granule_unlock(g);
		return NULL;
	}
	return g;
}

bool find_lock_granules(struct rmm *rmm, struct granule_req *reqs, unsigned n)
{
	struct granule_req *order[RMI_MAX_REC_AUX_GRANULES + 4];
	unsigned locked = 0;

	if (n > sizeof(order) / sizeof(order[0]))
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (!pa_is_granule_aligned(reqs[i].pa) || !pa_is_delegable(rmm, reqs[i].pa))
			return false;
		reqs[i].g = NULL;
		order[i] = &reqs[i];
	}
	/* Insertion sort by PA: n is small. */
	for (unsigned i = 1; i < n; i++) {
		struct granule_req *r = order[i];
		unsigned j = i;
		while (j > 0 && order[j - 1]->pa > r->pa) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = r;
	}
	for (unsigned i = 1; i < n; i++)
		if (order[i]->pa == order[i - 1]->pa)
			return false; /* one granule cannot be two objects */
	for (; locked < n; locked++) {
		struct granule *g = granule_at(rmm, order[locked]->pa);
		granule_lock(g);
		if (g->state != order[locked]->state) {
			granule_unlock(g);
			break;
		}
		order[locked]->g = g;
	}
	if (locked == n)
		return true;
	while (locked--) {
		granule_unlock(order[locked]->g);
		order[locked]->g = NULL;
	}
	return false;
}

void unlock_granules(struct granule_req *reqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (reqs[i].g)
			granule_unlock(reqs[i].g);
}

bool ns_granule_read(struct rmm *rmm, uint64_t pa, void *buf, size_t len)
{
	return pa_is_granule_aligned(pa) && pa_is_delegable(rmm, pa) &&
	       plat_ns_read(rmm->plat, pa, buf, len);
}

int64_t rmm_el3_call(struct rmm *rmm, unsigned pe, uint32_t fid, uint64_t arg)
{
	struct smc_regs r = { .x = { fid, arg } };
	monitor_smc(rmm->mon, WORLD_REALM, pe, &r);
	return (int64_t)r.x[0];
}

RMI_HANDLER(rmi_granule_delegate)
{
	uint64_t addr = arg[0];
	(void)res;

	/* gran_align, gran_bound, gran_state */
	struct granule *g = find_lock_granule(rmm, addr, GS_UNDELEGATED);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* Realms' unprotected mappings of it are held first, so that an
	 * access there faults precisely once it is not NS (rtt_ns.c). */
	ns_gpt_leave(rmm, addr);
	/* gran_gpt: EL3 refuses unless the granule is in the NS PAS. */
	if (rmm_el3_call(rmm, pe, RMM_GTSI_DELEGATE, addr) != E_RMM_OK) {
		ns_gpt_return(rmm, addr);
		granule_unlock(g);
		return rmi_return(RMI_ERROR_INPUT, 0);
	}
	granule_scrub_to_delegated(rmm, g);
	granule_unlock(g);
	return rmi_return(RMI_SUCCESS, 0);
}

RMI_HANDLER(rmi_granule_undelegate)
{
	uint64_t addr = arg[0];
	(void)res;

	/* gran_align, gran_bound, gran_state */
	struct granule *g = find_lock_granule(rmm, addr, GS_DELEGATED);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* Post-condition gran_content: scrubbed before the host can see it. */
	granule_zero(rmm, g);
	if (rmm_el3_call(rmm, pe, RMM_GTSI_UNDELEGATE, addr) != E_RMM_OK) {
		/* A DELEGATED granule is always Realm PAS; EL3 disagreeing is a
		 * broken invariant, as in TF-RMM. */
		granule_unlock(g);
		abort();
	}
	g->state = GS_UNDELEGATED;
	ns_gpt_return(rmm, addr); /* mappings of it work again */
	granule_unlock(g);
	return rmi_return(RMI_SUCCESS, 0);
}
