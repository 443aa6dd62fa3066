/* Realms from the host's side: REALM_CREATE with the VMID and start tables,
 * REALM_ACTIVATE, the ordered build, and the complete teardown. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_internal.h"

/* ---- VMIDs ---- */

static int vmid_alloc(struct host *h, uint16_t *vmid)
{
	for (unsigned v = 0; v < h->vmid_count; v++) {
		uint64_t bit = UINT64_C(1) << (v % 64);
		if (!(h->vmids[v / 64] & bit)) {
			h->vmids[v / 64] |= bit;
			*vmid = (uint16_t)v;
			return 0;
		}
	}
	return host_fail(h, -EAGAIN, "all %u VMIDs are in use by live realms", h->vmid_count);
}

static void vmid_free(struct host *h, uint16_t vmid)
{
	h->vmids[vmid / 64] &= ~(UINT64_C(1) << (vmid % 64));
}

/* ---- create, activate ---- */

static void realm_free(struct host_realm *r)
{
	free(r->rtts);
	free(r->recs);
	free(r->retired);
	free(r->shared);
	free(r);
}

/* Undoes a REALM_CREATE that failed: undelegates what was delegated. */
static void realm_create_undo(struct host *h, struct host_realm *r, unsigned start_delegated)
{
	struct host_saved_error e;
	host_error_save(h, &e);
	if (r->rd)
		host_undelegate(h, r->rd);
	for (unsigned i = 0; i < start_delegated; i++)
		host_undelegate(h, r->rtt_base + i * GRANULE_SIZE);
	for (unsigned i = start_delegated; i < r->rtt_num_start; i++)
		host_granule_free(h, r->rtt_base + i * GRANULE_SIZE);
	vmid_free(h, r->vmid);
	realm_free(r);
	host_error_restore(h, &e);
}

int host_realm_create(struct host *h, const struct host_realm_config *cfg,
		      struct host_realm **out)
{
	unsigned s2sz = cfg->s2sz ? cfg->s2sz : 40;
	struct host_realm *r;
	uint64_t params;
	unsigned delegated = 0;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return host_fail(h, -ENOMEM, "out of host memory for a realm");
	r->s2sz = s2sz;
	if (!host_rtt_start(s2sz, &r->rtt_level_start, &r->rtt_num_start)) {
		realm_free(r);
		return host_fail(h, -EINVAL, "IPA width %u is outside 32..48 bits", s2sz);
	}
	rc = vmid_alloc(h, &r->vmid);
	if (rc) {
		realm_free(r);
		return rc;
	}
	/* Concatenated start tables are physically contiguous. */
	rc = host_granules_alloc(h, r->rtt_num_start, &r->rtt_base);
	if (rc) {
		r->rtt_num_start = 0;
		realm_create_undo(h, r, 0);
		return rc;
	}
	for (; delegated < r->rtt_num_start; delegated++) {
		rc = host_rmi(h, NULL, RMI_GRANULE_DELEGATE, 1, r->rtt_base + delegated * GRANULE_SIZE);
		if (rc)
			break;
	}
	if (rc == 0)
		rc = host_delegate(h, &r->rd);
	if (rc == 0)
		rc = host_granule_alloc(h, &params);
	if (rc) {
		realm_create_undo(h, r, delegated);
		return rc;
	}

	struct rmi_realm_params *p = host_ptr(h, params);
	/* Breakpoints and watchpoints: all the RMM offers unless asked. */
	unsigned max_bps = (unsigned)(h->feat0 >> RMI_FEAT0_NUM_BPS_SHIFT) & 0x3f;
	unsigned max_wps = (unsigned)(h->feat0 >> RMI_FEAT0_NUM_WPS_SHIFT) & 0x3f;
	p->s2sz = (uint8_t)s2sz;
	p->num_bps = (uint8_t)(cfg->num_bps ? cfg->num_bps : max_bps);
	p->num_wps = (uint8_t)(cfg->num_wps ? cfg->num_wps : max_wps);
	p->hash_algo = (uint8_t)cfg->hash_algo;
	memcpy(p->rpv, cfg->rpv, sizeof(p->rpv));
	p->vmid = r->vmid;
	p->rtt_base = r->rtt_base;
	p->rtt_level_start = r->rtt_level_start;
	p->rtt_num_start = r->rtt_num_start;

	rc = host_rmi(h, NULL, RMI_REALM_CREATE, 2, r->rd, params);
	host_granule_free_keep_error(h, params);
	if (rc) {
		realm_create_undo(h, r, delegated);
		return rc;
	}
	*out = r;
	return 0;
}

int host_realm_activate(struct host *h, struct host_realm *r)
{
	int rc = host_rmi(h, NULL, RMI_REALM_ACTIVATE, 1, r->rd);
	if (rc == 0)
		r->active = true;
	return rc;
}

/* ---- teardown ---- */

/* Notes a granule the realm no longer uses (DELEGATED, to undelegate). */
static void retire(struct host_realm *r, uint64_t pa)
{
	r->retired[r->nretired++] = pa;
}

static int retire_reserve(struct host *h, struct host_realm *r, size_t n)
{
	return host_reserve(h, (void **)&r->retired, &r->retired_cap, r->nretired + n,
			    sizeof(*r->retired));
}

static int teardown_recs(struct host *h, struct host_realm *r)
{
	while (r->nrecs) {
		struct host_rec *rec = &r->recs[r->nrecs - 1];
		int rc = retire_reserve(h, r, 1 + rec->num_aux);
		if (rc || (rc = host_rmi(h, NULL, RMI_REC_DESTROY, 1, rec->pa)))
			return rc;
		retire(r, rec->pa);
		for (unsigned i = 0; i < rec->num_aux; i++)
			retire(r, rec->aux[i]);
		r->nrecs--;
		if (rec->run && (rc = host_granule_free(h, rec->run)))
			return rc;
	}
	return 0;
}

/* DATA_DESTROY from the lowest IPA holding DATA; its `top` output (on success
 * and on RMI_ERROR_RTT) is where the next live entry may be, so empty tables
 * and unassigned blocks are skipped in one call. */
static int teardown_data(struct host *h, struct host_realm *r)
{
	uint64_t ipa = r->data_lo;
	while (r->ndata && ipa < r->data_hi) {
		uint64_t res[4];
		int rc = retire_reserve(h, r, 1);
		if (rc)
			return rc;
		rc = host_rmi(h, res, RMI_DATA_DESTROY, 2, r->rd, ipa);
		if (rc == 0) {
			retire(r, res[0]);
			r->ndata--;
		} else if (host_rmi_status(rc) != RMI_ERROR_RTT) {
			return rc;
		}
		if (res[1] <= ipa)
			return host_fail(h, -EPROTO,
					 "RMI_DATA_DESTROY(ipa=0x%llx) returned top 0x%llx: no progress",
					 (unsigned long long)ipa, (unsigned long long)res[1]);
		ipa = r->data_lo = res[1];
	}
	if (r->ndata)
		return host_fail(h, -EPROTO, "%zu DATA granules were not found below IPA 0x%llx",
				 r->ndata, (unsigned long long)r->data_hi);
	return 0;
}

static int rtt_by_level(const void *a, const void *b)
{
	const struct host_rtt *x = a, *y = b;
	if (x->level != y->level)
		return x->level - y->level;
	return x->ipa < y->ipa ? -1 : x->ipa > y->ipa;
}

/* Deepest tables first: a table is destroyed only once it is empty. */
static int teardown_rtts(struct host *h, struct host_realm *r)
{
	if (r->nrtts)
		qsort(r->rtts, r->nrtts, sizeof(*r->rtts), rtt_by_level);
	while (r->nrtts) {
		const struct host_rtt *t = &r->rtts[r->nrtts - 1];
		uint64_t res[4];
		int rc = retire_reserve(h, r, 1);
		if (rc || (rc = host_rmi(h, res, RMI_RTT_DESTROY, 3, r->rd, t->ipa,
					 (uint64_t)t->level)))
			return rc;
		if (res[0] != t->pa)
			return host_fail(h, -EPROTO,
					 "RMI_RTT_DESTROY at IPA 0x%llx level %d gave back 0x%llx, not the "
					 "host's table 0x%llx",
					 (unsigned long long)t->ipa, t->level,
					 (unsigned long long)res[0], (unsigned long long)t->pa);
		retire(r, t->pa);
		r->nrtts--;
	}
	return 0;
}

static int by_address(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int host_realm_destroy(struct host *h, struct host_realm *r)
{
	int rc = teardown_recs(h, r);
	if (rc == 0)
		rc = teardown_data(h, r);
	if (rc == 0)
		rc = teardown_rtts(h, r);
	if (rc == 0 && r->rd) {
		rc = retire_reserve(h, r, 1 + r->rtt_num_start);
		if (rc == 0)
			rc = host_rmi(h, NULL, RMI_REALM_DESTROY, 1, r->rd);
		if (rc == 0) {
			retire(r, r->rd);
			for (unsigned i = 0; i < r->rtt_num_start; i++)
				retire(r, r->rtt_base + i * GRANULE_SIZE);
			vmid_free(h, r->vmid);
			r->rd = 0;
		}
	}
	if (rc)
		return rc;

	/* Every granule back to the NS PAS, in address order. */
	if (r->nretired)
		qsort(r->retired, r->nretired, sizeof(*r->retired), by_address);
	size_t done = 0;
	while (done < r->nretired && (rc = host_undelegate(h, r->retired[done])) == 0)
		done++;
	if (done) {
		memmove(r->retired, r->retired + done, (r->nretired - done) * sizeof(*r->retired));
		r->nretired -= done;
	}
	if (rc)
		return rc;
	if (r->src) {
		if ((rc = host_granule_free(h, r->src)))
			return rc;
		r->src = 0;
	}
	/* Shared pages: their unprotected mappings went with the RTTs. */
	while (r->nshared) {
		if ((rc = host_granule_free(h, r->shared[r->nshared - 1].pa)))
			return rc;
		r->nshared--;
	}
	realm_free(r);
	return 0;
}
