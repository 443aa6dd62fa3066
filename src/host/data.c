/* Realm data from the host's side: RMI_DATA_CREATE (contents copied from an
 * NS bounce granule, measured or not) and RMI_DATA_CREATE_UNKNOWN. */
#include <errno.h>
#include <string.h>

#include "host/host_internal.h"

static int data_range_ok(struct host *h, const struct host_realm *r, uint64_t ipa, uint64_t len)
{
	if ((ipa & GRANULE_MASK) || len == 0 || ipa >= realm_par_end(r) ||
	    len > realm_par_end(r) - ipa)
		return host_fail(h, -EINVAL,
				 "DATA at IPA 0x%llx, %llu bytes: not a granule-aligned range of the "
				 "realm's protected IPA space [0, 0x%llx)",
				 (unsigned long long)ipa, (unsigned long long)len,
				 (unsigned long long)realm_par_end(r));
	return 0;
}

static void data_note(struct host_realm *r, uint64_t ipa)
{
	if (r->ndata == 0 || ipa < r->data_lo)
		r->data_lo = ipa;
	if (r->ndata == 0 || ipa + GRANULE_SIZE > r->data_hi)
		r->data_hi = ipa + GRANULE_SIZE;
	r->ndata++;
}

/* One DATA granule at ipa: the level 3 table, a delegated granule, the
 * command. */
static int data_one(struct host *h, struct host_realm *r, uint64_t ipa, bool known, bool measure)
{
	uint64_t pa;
	int rc = host_rtt_map(h, r, ipa, RTT_LEVEL_LAST);
	if (rc || (rc = host_delegate(h, &pa)))
		return rc;
	if (known)
		rc = host_rmi(h, NULL, RMI_DATA_CREATE, 5, r->rd, pa, ipa, r->src,
			      measure ? (uint64_t)RMI_MEASURE_CONTENT : (uint64_t)RMI_NO_MEASURE_CONTENT);
	else
		rc = host_rmi(h, NULL, RMI_DATA_CREATE_UNKNOWN, 3, r->rd, pa, ipa);
	if (rc) {
		host_undelegate_keep_error(h, pa);
		return rc;
	}
	data_note(r, ipa);
	return 0;
}

int host_data_create(struct host *h, struct host_realm *r, uint64_t ipa, const void *src,
		     size_t len, bool measure)
{
	int rc = data_range_ok(h, r, ipa, len);
	if (rc)
		return rc;
	/* The RIM is a hash chain: reference tools replay DATA in ascending IPA. */
	if (ipa < r->data_next)
		return host_fail(h, -EINVAL,
				 "DATA_CREATE at IPA 0x%llx after one up to 0x%llx: contents must be "
				 "added in ascending IPA, the order reference-measurement tools "
				 "assume",
				 (unsigned long long)ipa, (unsigned long long)r->data_next);
	if (!r->src && (rc = host_granule_alloc(h, &r->src)))
		return rc;
	uint8_t *bounce = host_ptr(h, r->src);
	for (size_t off = 0; off < len; off += GRANULE_SIZE) {
		size_t n = len - off < GRANULE_SIZE ? len - off : GRANULE_SIZE;
		memcpy(bounce, (const uint8_t *)src + off, n);
		memset(bounce + n, 0, GRANULE_SIZE - n);
		rc = data_one(h, r, ipa + off, true, measure);
		if (rc)
			return rc;
		r->data_next = ipa + off + GRANULE_SIZE;
	}
	return 0;
}

int host_data_create_unknown(struct host *h, struct host_realm *r, uint64_t ipa, size_t len)
{
	int rc = data_range_ok(h, r, ipa, len);
	for (uint64_t off = 0; rc == 0 && off < len; off += GRANULE_SIZE)
		rc = data_one(h, r, ipa + off, false, false);
	return rc;
}
