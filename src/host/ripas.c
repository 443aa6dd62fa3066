/* Serving a realm's RIPAS change (RMI_EXIT_RIPAS_CHANGE), as a hypervisor
 * does: RMI_RTT_SET_RIPAS over the requested range until the RMM has gone as
 * far as it can, splitting blocks where the range starts or ends inside one. */
#include <errno.h>

#include "host/host_internal.h"

int host_ripas_change(struct host *h, struct host_realm *r, uint64_t rec, uint64_t base,
		      uint64_t top, uint64_t *done)
{
	uint64_t addr = base;
	*done = base;
	if ((base | top) & GRANULE_MASK || top <= base || top > realm_par_end(r))
		return host_fail(h, -EINVAL,
				 "RIPAS change [0x%llx, 0x%llx) is not a granule-aligned range of the "
				 "realm's protected IPA space",
				 (unsigned long long)base, (unsigned long long)top);
	while (addr < top) {
		uint64_t res[4];
		int rc = host_rmi(h, res, RMI_RTT_SET_RIPAS, 4, r->rd, rec, addr, top);
		if (rc == 0) {
			addr = res[0];
			continue;
		}
		if (host_rmi_status(rc) != RMI_ERROR_RTT)
			return rc;
		/* (RTT, L): the entry at addr is a level-L block the range does
		 * not cover whole; a table one level down lets it go on. At level
		 * 3 nothing finer exists: this entry's RIPAS cannot change (for
		 * one, DESTROYED without the realm's change_destroyed), and the
		 * realm is told how far it got. */
		int level = (int)rmi_return_index((uint64_t)rc);
		if (level >= RTT_LEVEL_LAST)
			break;
		rc = host_rtt_map(h, r, addr, level + 1);
		if (rc)
			return rc;
	}
	*done = addr;
	return 0;
}
