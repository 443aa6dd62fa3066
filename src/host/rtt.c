/* Realm translation tables from the host's side: the start-level choice,
 * RTT_CREATE where a table is missing, and RTT_INIT_RIPAS. The host keeps
 * its own list of the tables it created (as KVM keeps a mirror of stage 2),
 * so it never needs RTT_READ_ENTRY to know what exists. */
#include <errno.h>

#include "host/host_internal.h"

bool host_rtt_start(unsigned s2sz, int *level_start, unsigned *num_start)
{
	if (s2sz < 32 || s2sz > 48)
		return false;
	/* The highest start level whose table, concatenated up to 16 times
	 * (not at level 0), covers s2sz bits. */
	for (int level = 2; level >= 0; level--) {
		unsigned single = 9u * (unsigned)(RTT_LEVEL_LAST - level) + GRANULE_SHIFT + 9;
		unsigned max = single + (level > 0 ? 4 : 0);
		if (s2sz <= max) {
			*level_start = level;
			*num_start = s2sz <= single ? 1 : 1u << (s2sz - single);
			return true;
		}
	}
	return false;
}

static bool rtt_exists(const struct host_realm *r, uint64_t ipa, int level)
{
	/* Most recent first: building walks IPAs upwards. */
	for (size_t i = r->nrtts; i-- > 0;)
		if (r->rtts[i].level == level && r->rtts[i].ipa == ipa)
			return true;
	return false;
}

int host_rtt_map(struct host *h, struct host_realm *r, uint64_t ipa, int level)
{
	if (level <= r->rtt_level_start || level > RTT_LEVEL_LAST)
		return host_fail(h, -EINVAL, "no RTT level %d below start level %d", level,
				 r->rtt_level_start);
	if (ipa >> r->s2sz)
		return host_fail(h, -EINVAL, "IPA 0x%llx is outside the realm's %u-bit IPA space",
				 (unsigned long long)ipa, r->s2sz);
	for (int l = r->rtt_level_start + 1; l <= level; l++) {
		/* A level-l table maps what one level l-1 entry does. */
		uint64_t base = ipa & ~(rtt_entry_size(l - 1) - 1);
		if (rtt_exists(r, base, l))
			continue;
		int rc = host_reserve(h, (void **)&r->rtts, &r->rtts_cap, r->nrtts + 1,
				      sizeof(*r->rtts));
		uint64_t pa;
		if (rc || (rc = host_delegate(h, &pa)))
			return rc;
		rc = host_rmi(h, NULL, RMI_RTT_CREATE, 4, r->rd, pa, base, (uint64_t)l);
		if (rc) {
			host_undelegate_keep_error(h, pa);
			return rc;
		}
		r->rtts[r->nrtts++] = (struct host_rtt){ .pa = pa, .ipa = base, .level = l };
	}
	return 0;
}

uint64_t host_ripas_run(uint64_t base, uint64_t top, int *level)
{
	uint64_t block = rtt_entry_size(RTT_BLOCK_LEVEL);
	if ((base & (block - 1)) == 0 && top - base >= block) {
		*level = RTT_BLOCK_LEVEL;
		return top & ~(block - 1);
	}
	/* Pages up to the next block boundary (or top), where a block may fit
	 * again. */
	uint64_t next = (base | (block - 1)) + 1;
	*level = RTT_LEVEL_LAST;
	return next < top ? next : top;
}

static int ripas_range_ok(struct host *h, const struct host_realm *r, uint64_t base, uint64_t top)
{
	if ((base | top) & GRANULE_MASK || top <= base || top > realm_par_end(r))
		return host_fail(h, -EINVAL,
				 "RAM [0x%llx, 0x%llx) is not a granule-aligned range of the realm's "
				 "protected IPA space [0, 0x%llx)",
				 (unsigned long long)base, (unsigned long long)top,
				 (unsigned long long)realm_par_end(r));
	return 0;
}

int host_init_ripas_entries(struct host *h, struct host_realm *r, uint64_t base, uint64_t top,
			    int level)
{
	int rc = ripas_range_ok(h, r, base, top);
	if (rc)
		return rc;
	if ((base | top) & (rtt_entry_size(level) - 1))
		return host_fail(h, -EINVAL,
				 "RAM [0x%llx, 0x%llx) is not made of whole level %d entries",
				 (unsigned long long)base, (unsigned long long)top, level);
	while (base < top) {
		/* Tables down to that level first, so that the RMM's walk never
		 * stops at a larger entry that would also fit. */
		if (level > r->rtt_level_start) {
			rc = host_rtt_map(h, r, base, level);
			if (rc)
				return rc;
		}
		/* The RMM stops at the end of the table it walked to: go on
		 * from where it did. */
		uint64_t res[4];
		rc = host_rmi(h, res, RMI_RTT_INIT_RIPAS, 3, r->rd, base, top);
		if (rc)
			return rc;
		if (res[0] <= base || res[0] > top)
			return host_fail(h, -EPROTO,
					 "RMI_RTT_INIT_RIPAS(base=0x%llx, top=0x%llx) returned out_top "
					 "0x%llx",
					 (unsigned long long)base, (unsigned long long)top,
					 (unsigned long long)res[0]);
		base = res[0];
	}
	return 0;
}

int host_init_ripas(struct host *h, struct host_realm *r, uint64_t base, uint64_t top)
{
	int rc = ripas_range_ok(h, r, base, top);
	while (rc == 0 && base < top) {
		int level;
		uint64_t end = host_ripas_run(base, top, &level);
		rc = host_init_ripas_entries(h, r, base, end, level);
		base = end;
	}
	return rc;
}
