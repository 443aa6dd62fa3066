/* Serving a REC's PSCI exit (RMI_EXIT_PSCI), as a hypervisor does: the RMM
 * has already answered what it could; CPU_ON and AFFINITY_INFO wait for the
 * host's RMI_PSCI_COMPLETE naming the target REC. */
#include <errno.h>

#include "ccakit/abi/psci.h"
#include "host/host_internal.h"

static struct host_rec *rec_by_mpidr(struct host_realm *r, uint64_t mpidr)
{
	for (size_t i = 0; i < r->nrecs; i++)
		if (r->recs[i].mpidr == mpidr)
			return &r->recs[i];
	return NULL;
}

int host_psci_exit(struct host *h, struct host_realm *r, uint64_t rec, const uint64_t gprs[2],
		   enum host_psci_event *event)
{
	uint32_t fid = (uint32_t)gprs[0];
	*event = HOST_PSCI_NONE;
	switch (fid) {
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_AARCH32:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_AARCH32: {
		/* The RMM checked that the target is a REC of this realm. */
		struct host_rec *target = rec_by_mpidr(r, gprs[1]);
		if (!target)
			return host_fail(h, -EPROTO, "PSCI 0x%x names MPIDR 0x%llx, no REC of this realm",
					 fid, (unsigned long long)gprs[1]);
		/* This host lets every REC of the realm run. */
		return host_rmi(h, NULL, RMI_PSCI_COMPLETE, 3, rec, target->pa, (uint64_t)PSCI_SUCCESS);
	}
	case PSCI_CPU_OFF:
		*event = HOST_PSCI_CPU_OFF;
		return 0;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_AARCH32:
		return 0;
	case PSCI_SYSTEM_OFF:
		*event = HOST_PSCI_SYSTEM_OFF;
		return 0;
	case PSCI_SYSTEM_RESET:
		*event = HOST_PSCI_SYSTEM_RESET;
		return 0;
	default:
		return host_fail(h, -EPROTO, "RMI_EXIT_PSCI with function 0x%x", fid);
	}
}
