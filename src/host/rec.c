/* RECs from the host's side: RMI_REC_AUX_COUNT and RMI_REC_CREATE. */
#include <errno.h>
#include <string.h>

#include "host/host_internal.h"

static void rec_undo(struct host *h, const struct host_rec *rec, unsigned naux)
{
	struct host_saved_error e;
	host_error_save(h, &e);
	if (rec->pa)
		host_undelegate(h, rec->pa);
	for (unsigned i = 0; i < naux; i++)
		host_undelegate(h, rec->aux[i]);
	host_error_restore(h, &e);
}

int host_rec_create(struct host *h, struct host_realm *r, bool runnable, uint64_t pc,
		    const uint64_t gprs[8])
{
	uint64_t res[4], params;
	int rc;

	if (r->rec_aux_count == 0) {
		rc = host_rmi(h, res, RMI_REC_AUX_COUNT, 1, r->rd);
		if (rc)
			return rc;
		if (res[0] == 0 || res[0] > RMI_MAX_REC_AUX_GRANULES)
			return host_fail(h, -EPROTO,
					 "RMI_REC_AUX_COUNT asks for %llu aux granules; RmiRecParams "
					 "holds 1..%d",
					 (unsigned long long)res[0], RMI_MAX_REC_AUX_GRANULES);
		r->rec_aux_count = res[0];
	}
	rc = host_reserve(h, (void **)&r->recs, &r->recs_cap, r->nrecs + 1, sizeof(*r->recs));
	if (rc)
		return rc;

	/* RECs are created in MPIDR order: index = RECs so far. */
	struct host_rec rec = { .mpidr = rmi_rec_index_to_mpidr(r->nrecs),
				.num_aux = (unsigned)r->rec_aux_count };
	for (unsigned i = 0; i < rec.num_aux; i++) {
		rc = host_delegate(h, &rec.aux[i]);
		if (rc) {
			rec_undo(h, &rec, i);
			return rc;
		}
	}
	rc = host_delegate(h, &rec.pa);
	if (rc == 0)
		rc = host_granule_alloc(h, &params);
	if (rc) {
		rec_undo(h, &rec, rec.num_aux);
		return rc;
	}
	struct rmi_rec_params *p = host_ptr(h, params);
	/* A REC that is not runnable waits for PSCI CPU_ON (and stays out of
	 * the RIM). */
	p->flags = runnable ? RMI_REC_FLAG_RUNNABLE : 0;
	p->mpidr = rec.mpidr;
	p->pc = pc;
	if (gprs)
		memcpy(p->gprs, gprs, sizeof(p->gprs));
	p->num_aux = rec.num_aux;
	memcpy(p->aux, rec.aux, rec.num_aux * sizeof(rec.aux[0]));

	rc = host_rmi(h, NULL, RMI_REC_CREATE, 3, r->rd, rec.pa, params);
	host_granule_free_keep_error(h, params);
	if (rc) {
		rec_undo(h, &rec, rec.num_aux);
		return rc;
	}
	r->recs[r->nrecs++] = rec;
	return 0;
}
