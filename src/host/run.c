/* Running RECs, as KVM does for a realm: one RmiRecRun page per REC, the
 * virtual interrupts it is owed put into list registers, and the NS pages
 * the realm shares with the host mapped at unprotected IPAs. */
#include <errno.h>
#include <string.h>

#include "host/host_internal.h"

/* A list register for a pending edge interrupt: group 1, priority 0xa0. */
#define LR_PENDING (UINT64_C(1) << ICH_LR_STATE_SHIFT)
#define LR_GROUP1 ICH_LR_GROUP
#define LR_PRIORITY (UINT64_C(0xa0) << ICH_LR_PRIORITY_SHIFT)

struct rmi_rec_run *host_rec_run(struct host *h, struct host_realm *r, unsigned idx)
{
	struct host_rec *rec = &r->recs[idx];
	if (!rec->run && host_granule_alloc(h, &rec->run) != 0)
		return NULL;
	return ccakit_pa_to_ptr(h->m, rec->run);
}

static unsigned nlrs(const struct host *h)
{
	return (unsigned)((h->feat0 >> RMI_FEAT0_GICV3_NUM_LRS_SHIFT) & 0xf) + 1;
}

void host_lrs_fill(uint64_t *lrs, unsigned n, uint32_t *pending)
{
	for (unsigned intid = 0; intid < 32 && *pending; intid++) {
		if (!(*pending & (UINT32_C(1) << intid)))
			continue;
		int free_lr = -1;
		bool busy = false;
		for (unsigned i = 0; i < n; i++) {
			uint64_t lr = lrs[i];
			if (lr >> ICH_LR_STATE_SHIFT == 0) {
				if (free_lr < 0)
					free_lr = (int)i;
			} else if ((lr & ICH_LR_VINTID_MASK) == intid) {
				busy = true;
			}
		}
		if (busy || free_lr < 0)
			continue;
		lrs[free_lr] = LR_PENDING | LR_GROUP1 | LR_PRIORITY | intid;
		*pending &= ~(UINT32_C(1) << intid);
	}
}

bool host_lrs_pending(const uint64_t *lrs, uint32_t pending)
{
	if (pending)
		return true;
	for (unsigned i = 0; i < RMI_GIC_MAX_LRS; i++)
		if (lrs[i] >> ICH_LR_STATE_SHIFT)
			return true;
	return false;
}

int host_rec_enter(struct host *h, struct host_realm *r, unsigned idx)
{
	struct host_rec *rec = &r->recs[idx];
	struct rmi_rec_run *run = host_rec_run(h, r, idx);
	if (!run)
		return -ENOMEM;
	host_lrs_fill(rec->lrs, nlrs(h), &rec->pending);
	memcpy(run->enter.gicv3_lrs, rec->lrs, sizeof(rec->lrs));
	run->enter.gicv3_hcr = 0;
	int rc = host_rmi(h, NULL, RMI_REC_ENTER, 2, rec->pa, rec->run);
	if (rc)
		return rc;
	memcpy(rec->lrs, run->exit.gicv3_lrs, sizeof(rec->lrs));
	run->enter.flags = 0;
	memset(run->enter.gprs, 0, sizeof(run->enter.gprs));
	return 0;
}

void host_rec_raise(struct host_realm *r, unsigned idx, unsigned intid)
{
	if (idx < r->nrecs && intid < 32)
		r->recs[idx].pending |= UINT32_C(1) << intid;
}

bool host_rec_has_interrupt(const struct host_realm *r, unsigned idx)
{
	return host_lrs_pending(r->recs[idx].lrs, r->recs[idx].pending);
}

uint64_t host_shared_pa(const struct host_realm *r, uint64_t ipa)
{
	ipa &= ~(uint64_t)GRANULE_MASK;
	for (size_t i = 0; i < r->nshared; i++)
		if (r->shared[i].ipa == ipa)
			return r->shared[i].pa;
	return 0;
}

int host_share_page(struct host *h, struct host_realm *r, uint64_t ipa, uint64_t *pa)
{
	ipa &= ~(uint64_t)GRANULE_MASK;
	if (ipa < realm_par_end(r) || ipa >= 2 * realm_par_end(r))
		return host_fail(h, -EINVAL, "IPA 0x%llx is not an unprotected IPA of the realm",
				 (unsigned long long)ipa);
	int rc = host_reserve(h, (void **)&r->shared, &r->shared_cap, r->nshared + 1,
			      sizeof(*r->shared));
	if (rc || (rc = host_rtt_map(h, r, ipa, RTT_LEVEL_LAST)))
		return rc;
	uint64_t page;
	if ((rc = host_granule_alloc(h, &page)))
		return rc;
	/* The descriptor: the PA, Normal write-back memory, read/write. */
	uint64_t desc = page | UINT64_C(6) << 2 | UINT64_C(3) << 6;
	rc = host_rmi(h, NULL, RMI_RTT_MAP_UNPROTECTED, 4, r->rd, ipa, (uint64_t)RTT_LEVEL_LAST,
		      desc);
	if (rc) {
		host_granule_free_keep_error(h, page);
		return rc;
	}
	r->shared[r->nshared++] = (struct host_shared){ ipa, page };
	*pa = page;
	return 0;
}
