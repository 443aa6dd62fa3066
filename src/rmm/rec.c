/* RECs: RMI_REC_CREATE / REC_DESTROY / REC_ENTER and RMI_PSCI_COMPLETE.
 *
 * A REC's granule refcount is 1 while it is inside REC_ENTER ("running").
 * An RD's refcount counts its RECs; REC_DESTROY drops it atomically without
 * the RD lock (it holds the REC, and the lock order forbids taking the RD
 * after it). */
#include <sched.h>
#include <stddef.h>
#include <string.h>

#include "ccakit/abi/psci.h"
#include "rmm/rtt.h"


void rec_reset_regs(struct rec *rec, uint64_t pc, const uint64_t *gprs, uint64_t x0)
{
	memset(&rec->regs, 0, sizeof(rec->regs));
	if (gprs)
		memcpy(rec->regs.x, gprs, sizeof(rec->regs.x));
	else
		rec->regs.x[0] = x0;
	rec->regs.pc = pc;
	rec->regs.pstate = VCPU_RESET_PSTATE;
	rec->regs.sctlr_el1 = VCPU_RESET_SCTLR;
	rec->regs.vmpidr = rec->mpidr;
	rec->regs_reset = 1;
}

static bool rec_running(struct granule *g)
{
	return __atomic_load_n(&g->refcount, __ATOMIC_ACQUIRE) != 0;
}

/* Locks the aux granules of REC_CREATE (rec and rd already locked) without
 * blocking: a contended one makes the caller back off and retry, which keeps
 * the lock order. Returns 1 on success, 0 on a state failure, -1 to retry. */
static int lock_aux(struct rmm *rmm, const uint64_t *aux, unsigned n, struct granule **out)
{
	for (unsigned i = 0; i < n; i++) {
		struct granule *g = granule_at(rmm, aux[i]);
		int rc = 1;
		if (!granule_trylock(g))
			rc = -1;
		else if (g->state != GS_DELEGATED) {
			granule_unlock(g);
			rc = 0;
		}
		if (rc != 1) {
			while (i--)
				granule_unlock(out[i]);
			return rc;
		}
		out[i] = g;
	}
	return 1;
}

/* aux_align, aux_bound and aux_alias: distinct granules, none the REC or RD. */
static bool aux_list_ok(const struct rmm *rmm, const struct rmi_rec_params *p, uint64_t rec,
			uint64_t rd)
{
	for (unsigned i = 0; i < p->num_aux; i++) {
		uint64_t a = p->aux[i];
		if (!pa_is_granule_aligned(a) || !pa_is_delegable(rmm, a) || a == rec || a == rd)
			return false;
		for (unsigned j = 0; j < i; j++)
			if (p->aux[j] == a)
				return false;
	}
	return true;
}

RMI_HANDLER(rmi_rec_create)
{
	uint64_t rd_addr = arg[0], rec_addr = arg[1], params_addr = arg[2];
	static _Thread_local struct rmi_rec_params p;
	struct granule *aux[RMI_MAX_REC_AUX_GRANULES];
	(void)res;

	/* params_align, params_bound, params_pas */
	if (!ns_granule_read(rmm, params_addr, &p, sizeof(p)))
		return rmi_return(RMI_ERROR_INPUT, 0);
	for (;;) {
		struct granule_req reqs[2] = {
			{ .pa = rec_addr, .state = GS_DELEGATED },
			{ .pa = rd_addr, .state = GS_RD },
		};
		/* rec_align/bound/state, rd_align/bound/state */
		if (!find_lock_granules(rmm, reqs, 2))
			return rmi_return(RMI_ERROR_INPUT, 0);
		struct rd *rd = rd_map(rmm, reqs[1].g);
		uint64_t ret = rmi_return(RMI_SUCCESS, 0);
		uint64_t index = rmi_mpidr_to_rec_index(p.mpidr);

		if (rd->state != REALM_NEW) {
			ret = rmi_return(RMI_ERROR_REALM, 0); /* realm_state */
		} else if ((p.mpidr & ~RMI_MPIDR_VALID_MASK) || index != rd->rec_count ||
			   index >> ((rmm->feat0 >> RMI_FEAT0_MAX_RECS_ORDER_SHIFT) & 0xf)) {
			ret = rmi_return(RMI_ERROR_INPUT, 0); /* mpidr_index */
		} else if (p.num_aux != rd->num_rec_aux) {
			ret = rmi_return(RMI_ERROR_INPUT, 0); /* num_aux */
		} else if (!aux_list_ok(rmm, &p, rec_addr, rd_addr)) {
			ret = rmi_return(RMI_ERROR_INPUT, 0); /* aux_align, aux_alias */
		} else {
			int rc = lock_aux(rmm, p.aux, (unsigned)p.num_aux, aux);
			if (rc < 0) {
				unlock_granules(reqs, 2);
				sched_yield();
				continue;
			}
			if (rc == 0)
				ret = rmi_return(RMI_ERROR_INPUT, 0); /* aux_state */
		}
		if (ret != rmi_return(RMI_SUCCESS, 0)) {
			unlock_granules(reqs, 2);
			return ret;
		}

		struct rec *rec = rec_map(rmm, reqs[0].g);
		rec->owner_rd = rd_addr;
		rec->mpidr = p.mpidr;
		rec->index = index;
		rec->runnable = p.flags & RMI_REC_FLAG_RUNNABLE;
		rec_reset_regs(rec, p.pc, p.gprs, 0);
		vgic_reset(&rec->vgic,
			   (unsigned)((rmm->feat0 >> RMI_FEAT0_GICV3_NUM_LRS_SHIFT) & 0xf) + 1);
		rec->num_aux = p.num_aux;
		for (unsigned i = 0; i < p.num_aux; i++) {
			rec->aux[i] = p.aux[i];
			aux[i]->state = GS_REC_AUX;
			granule_unlock(aux[i]);
		}
		/* The RIM covers only RECs that start runnable. */
		if (rec->runnable)
			measure_rec(rmm, pe, rd, &p);
		rd->rec_count++;
		__atomic_fetch_add(&reqs[1].g->refcount, 1, __ATOMIC_RELAXED);
		reqs[0].g->state = GS_REC;
		unlock_granules(reqs, 2);
		return ret;
	}
}

RMI_HANDLER(rmi_rec_destroy)
{
	(void)pe;
	(void)res;
	/* rec_align, rec_bound, rec_gran_state */
	struct granule *g = find_lock_granule(rmm, arg[0], GS_REC);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* rec_state: inside REC_ENTER on another PE */
	if (rec_running(g)) {
		granule_unlock(g);
		return rmi_return(RMI_ERROR_REC, 0);
	}
	struct rec *rec = rec_map(rmm, g);
	struct granule *g_rd = granule_at(rmm, rec->owner_rd);
	for (unsigned i = 0; i < rec->num_aux; i++) {
		struct granule *a = granule_at(rmm, rec->aux[i]);
		granule_lock(a);
		granule_scrub_to_delegated(rmm, a);
		granule_unlock(a);
	}
	rec_engine_destroy(rmm, g);
	granule_scrub_to_delegated(rmm, g);
	granule_unlock(g);
	__atomic_fetch_sub(&g_rd->refcount, 1, __ATOMIC_RELEASE);
	return rmi_return(RMI_SUCCESS, 0);
}

/* REC_ENTER's check of the virtual GIC state the host hands in. */
static bool gicv3_state_ok(const struct rmm *rmm, const struct rmi_rec_enter *enter)
{
	unsigned nlrs = (unsigned)((rmm->feat0 >> RMI_FEAT0_GICV3_NUM_LRS_SHIFT) & 0xf) + 1;
	if (enter->gicv3_hcr & ~RMI_GICV3_HCR_ALLOWED)
		return false;
	for (unsigned i = 0; i < RMI_GIC_MAX_LRS; i++) {
		uint64_t lr = enter->gicv3_lrs[i];
		if (i >= nlrs) {
			if (lr)
				return false;
			continue;
		}
		if (lr >> ICH_LR_STATE_SHIFT == 0)
			continue; /* invalid (not in use) */
		uint64_t vintid = lr & ICH_LR_VINTID_MASK;
		/* HW = 0; pINTID only the EOI bit; priority bits [55:48] with
		 * RES0 [47:42]; vINTID a valid SGI/PPI/SPI/LPI number. */
		if ((lr & ICH_LR_HW) || (lr & ICH_LR_PINTID_MASK & ~ICH_LR_EOI) ||
		    (lr & (UINT64_C(0x3f) << 42)) || (lr & (UINT64_C(0xf) << 56)))
			return false;
		if ((vintid >= 1020 && vintid < 8192) || vintid >= (UINT64_C(1) << 24))
			return false;
		for (unsigned j = 0; j < i; j++)
			if (enter->gicv3_lrs[j] >> ICH_LR_STATE_SHIFT &&
			    (enter->gicv3_lrs[j] & ICH_LR_VINTID_MASK) == vintid)
				return false;
	}
	return true;
}

RMI_HANDLER(rmi_rec_enter)
{
	uint64_t rec_addr = arg[0], run_addr = arg[1];
	static _Thread_local struct rmi_rec_run run;
	(void)res;

	/* run_align, run_bound, run_pas */
	if (!pa_is_granule_aligned(run_addr) || !pa_is_delegable(rmm, run_addr) ||
	    plat_pas_of(rmm->plat, run_addr) != PAS_NS)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* rec_align, rec_bound, rec_gran_state */
	struct granule *g = find_lock_granule(rmm, rec_addr, GS_REC);
	if (!g)
		return rmi_return(RMI_ERROR_INPUT, 0);
	/* rec_state: already running on another PE */
	if (rec_running(g)) {
		granule_unlock(g);
		return rmi_return(RMI_ERROR_REC, 0);
	}
	struct rec *rec = rec_map(rmm, g);
	uint64_t ret = rmi_return(RMI_SUCCESS, 0);
	/* The run page is read with the granule protection check. */
	if (!plat_ns_read(rmm->plat, run_addr, &run.enter, sizeof(run.enter))) {
		granule_unlock(g);
		return rmi_return(RMI_ERROR_INPUT, 0);
	}
	/* The RD outlives its RECs (its refcount counts them), so its state can
	 * be read without its lock, which the lock order forbids here. */
	uint32_t realm_state =
		__atomic_load_n(&rd_map(rmm, granule_at(rmm, rec->owner_rd))->state, __ATOMIC_ACQUIRE);

	if (realm_state == REALM_NEW)
		ret = rmi_return(RMI_ERROR_REALM, 0); /* realm_new */
	else if (realm_state == REALM_SYSTEM_OFF)
		ret = rmi_return(RMI_ERROR_REALM, 1); /* system_off */
	else if (!rec->runnable)
		ret = rmi_return(RMI_ERROR_REC, 0); /* rec_runnable */
	else if (rec->psci.pending)
		ret = rmi_return(RMI_ERROR_REC, 0); /* rec_psci */
	else if (!gicv3_state_ok(rmm, &run.enter))
		ret = rmi_return(RMI_ERROR_REC, 0); /* rec_gicv3 */
	else if ((run.enter.flags & REC_ENTRY_FLAG_INJECT_SEA) && !rec->last_exit.unprotected_abort)
		ret = rmi_return(RMI_ERROR_REC, 0); /* inject_sea */
	else if ((run.enter.flags & REC_ENTRY_FLAG_EMUL_MMIO) && !rec->last_exit.emulatable_abort)
		ret = rmi_return(RMI_ERROR_REC, 0); /* rec_mmio */
	if (ret != rmi_return(RMI_SUCCESS, 0)) {
		granule_unlock(g);
		return ret;
	}

	/* Running: REC_DESTROY and a second REC_ENTER now see it busy. */
	__atomic_store_n(&g->refcount, 1, __ATOMIC_RELEASE);
	rec->last_exit.emulatable_abort = 0;
	rec->last_exit.unprotected_abort = 0;
	granule_unlock(g);

	rec_run(rmm, pe, g, rec, &run.enter, &run.exit);
	if (!plat_ns_write(rmm->plat, run_addr + offsetof(struct rmi_rec_run, exit), &run.exit,
			   sizeof(run.exit)))
		ret = rmi_return(RMI_ERROR_INPUT, 0);

	__atomic_store_n(&g->refcount, 0, __ATOMIC_RELEASE);
	return ret;
}

static bool psci_status_ok(uint64_t fid, uint64_t status)
{
	switch (fid) {
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_AARCH32:
		return status == (uint64_t)PSCI_SUCCESS || status == (uint64_t)(int64_t)PSCI_DENIED;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_AARCH32:
		return status == (uint64_t)PSCI_SUCCESS;
	default:
		return false;
	}
}

RMI_HANDLER(rmi_psci_complete)
{
	uint64_t calling_addr = arg[0], target_addr = arg[1], status = arg[2];
	(void)pe;
	(void)res;

	/* alias */
	if (calling_addr == target_addr)
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct granule_req reqs[2] = {
		{ .pa = calling_addr, .state = GS_REC },
		{ .pa = target_addr, .state = GS_REC },
	};
	/* calling_align/bound/state, target_align/bound/state */
	if (!find_lock_granules(rmm, reqs, 2))
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rec *caller = rec_map(rmm, reqs[0].g);
	struct rec *target = rec_map(rmm, reqs[1].g);
	uint64_t ret = rmi_return(RMI_ERROR_INPUT, 0);

	if (!caller->psci.pending || rec_running(reqs[0].g))
		goto out; /* pending */
	if (target->owner_rd != caller->owner_rd)
		goto out; /* owner */
	if (target->mpidr != caller->psci.target_mpidr)
		goto out; /* target */
	if (!psci_status_ok(caller->psci.fid, status))
		goto out; /* status */

	switch (caller->psci.fid) {
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_AARCH32:
		if (status != (uint64_t)PSCI_SUCCESS) {
			caller->regs.x[0] = status;
		} else if (target->runnable) {
			caller->regs.x[0] = (uint64_t)(int64_t)PSCI_ALREADY_ON;
		} else {
			rec_reset_regs(target, caller->psci.entry, NULL, caller->psci.context);
			target->runnable = 1;
			caller->regs.x[0] = PSCI_SUCCESS;
		}
		break;
	default: /* AFFINITY_INFO */
		caller->regs.x[0] = target->runnable ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
		break;
	}
	caller->psci.pending = 0;
	ret = rmi_return(RMI_SUCCESS, 0);
out:
	unlock_granules(reqs, 2);
	return ret;
}
