/* PSCI for realms (spec notes, end of section 4): the RMM answers what it
 * can itself and forwards the rest to the host, which completes CPU_ON and
 * AFFINITY_INFO with RMI_PSCI_COMPLETE. */
#include <string.h>

#include "ccakit/abi/psci.h"
#include "rmm/rmm.h"

static bool psci_supported(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_FEATURES:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_AARCH32:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_AARCH32:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_AARCH32:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return true;
	default:
		return false;
	}
}

/* A target MPIDR names a REC of this realm: RmiRecMpidr fields only, and an
 * index below the number of RECs created. */
static bool target_index(const struct rd *rd, uint64_t mpidr, uint64_t *index)
{
	if (mpidr & ~RMI_MPIDR_VALID_MASK)
		return false;
	*index = rmi_mpidr_to_rec_index(mpidr);
	return *index < rd->rec_count;
}

static void forward(uint64_t fid, uint64_t target, struct psci_outcome *out)
{
	out->exit = true;
	out->gprs[0] = fid;
	out->gprs[1] = target;
}

void psci_handle(struct rec *rec, struct rd *rd, uint64_t *x, struct psci_outcome *out)
{
	uint32_t fid = smccc_fid(x[0]);
	uint64_t index;
	memset(out, 0, sizeof(*out));

	switch (fid) {
	case PSCI_VERSION:
		x[0] = PSCI_VERSION_1_1;
		return;
	case PSCI_FEATURES:
		x[0] = psci_supported(smccc_fid(x[1])) ? (uint64_t)PSCI_SUCCESS
						       : (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_AARCH32:
		/* A notification to the host; the realm resumes at once. */
		x[0] = PSCI_SUCCESS;
		forward(fid, 0, out);
		return;
	case PSCI_CPU_OFF:
		rec->runnable = 0;
		x[0] = PSCI_SUCCESS;
		forward(fid, 0, out);
		return;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_AARCH32: {
		uint64_t target = x[1], entry = x[2], context = x[3];
		if (!ipa_in_par(rd, entry)) {
			x[0] = (uint64_t)(int64_t)PSCI_INVALID_ADDRESS;
			return;
		}
		if (!target_index(rd, target, &index)) {
			x[0] = (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;
			return;
		}
		if (index == rec->index) {
			x[0] = (uint64_t)(int64_t)PSCI_ALREADY_ON;
			return;
		}
		rec->psci.pending = 1;
		rec->psci.fid = fid;
		rec->psci.target_mpidr = target;
		rec->psci.entry = entry;
		rec->psci.context = context;
		forward(fid, target, out);
		return;
	}
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_AARCH32: {
		uint64_t target = x[1], lowest_level = x[2];
		if (lowest_level != 0 || !target_index(rd, target, &index)) {
			x[0] = (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;
			return;
		}
		if (index == rec->index) {
			x[0] = PSCI_AFFINITY_ON;
			return;
		}
		rec->psci.pending = 1;
		rec->psci.fid = fid;
		rec->psci.target_mpidr = target;
		forward(fid, target, out);
		return;
	}
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		/* The realm stops for good: REC_ENTER now fails with
		 * RMI_ERROR_REALM, index 1. */
		__atomic_store_n(&rd->state, REALM_SYSTEM_OFF, __ATOMIC_RELEASE);
		forward(fid, 0, out);
		return;
	default:
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	}
}
