/* The host's granules: an allocator over NS DRAM, and delegation. */
#include <errno.h>
#include <string.h>

#include "host/host_internal.h"

static size_t granule_index(const struct host *h, uint64_t pa)
{
	return (size_t)((pa - h->map.dram.base) >> GRANULE_SHIFT);
}

static bool in_use(const struct host *h, uint64_t pa)
{
	size_t i = granule_index(h, pa);
	return (h->in_use[i / 64] >> (i % 64)) & 1;
}

static void set_in_use(struct host *h, uint64_t pa, bool used)
{
	size_t i = granule_index(h, pa);
	uint64_t bit = UINT64_C(1) << (i % 64);
	if (used) {
		h->in_use[i / 64] |= bit;
		h->granules_in_use++;
	} else {
		h->in_use[i / 64] &= ~bit;
		h->granules_in_use--;
	}
}

static bool overlaps(uint64_t base, uint64_t size, const struct ccakit_region *r)
{
	return r->size && base < r->base + r->size && r->base < base + size;
}

/* n contiguous granules from the bump pointer, aligned to `align` bytes,
 * stepping over the regions the monitor keeps out of the normal world. */
static int bump_take(struct host *h, unsigned n, uint64_t align, uint64_t *pa)
{
	uint64_t size = (uint64_t)n * GRANULE_SIZE;
	uint64_t end = h->map.dram.base + h->map.dram.size;
	uint64_t base = h->bump;
	const struct ccakit_region *reserved[] = { &h->map.secure, &h->map.root };
	bool moved;

	do {
		moved = (base & (align - 1)) != 0;
		base = (base + align - 1) & ~(align - 1);
		for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
			if (overlaps(base, size, reserved[i])) {
				base = reserved[i]->base + reserved[i]->size;
				moved = true;
			}
		}
	} while (moved);
	if (base > end || end - base < size)
		return host_fail(h, -ENOMEM,
				 "out of NS granules: %zu are in use and %s is left in the machine's "
				 "%llu MiB of DRAM (make it larger)",
				 h->granules_in_use, n == 1 ? "none" : "no contiguous run of that many",
				 (unsigned long long)(h->map.dram.size >> 20));
	/* Granules skipped for alignment go to the free list. */
	for (uint64_t g = h->bump; g < base; g += GRANULE_SIZE) {
		if (overlaps(g, GRANULE_SIZE, &h->map.secure) || overlaps(g, GRANULE_SIZE, &h->map.root))
			continue;
		memcpy(host_ptr(h, g), &h->free_head, sizeof(h->free_head));
		h->free_head = g;
	}
	h->bump = base + size;
	*pa = base;
	return 0;
}

int host_granule_alloc(struct host *h, uint64_t *pa)
{
	uint64_t g = h->free_head;
	if (g) {
		/* The free list's link lives in the free granule itself. */
		memcpy(&h->free_head, host_ptr(h, g), sizeof(h->free_head));
	} else {
		int rc = bump_take(h, 1, GRANULE_SIZE, &g);
		if (rc)
			return rc;
	}
	memset(host_ptr(h, g), 0, GRANULE_SIZE);
	set_in_use(h, g, true);
	*pa = g;
	return 0;
}

int host_granules_alloc(struct host *h, unsigned n, uint64_t *pa)
{
	if (n == 0)
		return host_fail(h, -EINVAL, "asked for 0 granules");
	if (n == 1)
		return host_granule_alloc(h, pa);
	/* Runs come from the bump pointer only: the free list is not sorted.
	 * A run is aligned to its size rounded up to a power of two: the MMU
	 * needs concatenated start tables aligned so. */
	uint64_t align = GRANULE_SIZE;
	while (align < (uint64_t)n * GRANULE_SIZE)
		align <<= 1;
	int rc = bump_take(h, n, align, pa);
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		memset(host_ptr(h, *pa + i * GRANULE_SIZE), 0, GRANULE_SIZE);
		set_in_use(h, *pa + i * GRANULE_SIZE, true);
	}
	return 0;
}

static bool owned(const struct host *h, uint64_t pa)
{
	return !(pa & GRANULE_MASK) && pa >= h->map.dram.base &&
	       pa - h->map.dram.base < h->map.dram.size && in_use(h, pa);
}

int host_granule_free(struct host *h, uint64_t pa)
{
	if (!owned(h, pa))
		return host_fail(h, -EINVAL, "granule 0x%llx is not one the host has handed out",
				 (unsigned long long)pa);
	enum ccakit_pas pas = ccakit_pas_of(h->m, pa);
	if (pas != CCAKIT_PAS_NS)
		return host_fail(h, -EINVAL,
				 "granule 0x%llx is in the %s PAS: undelegate it before freeing it",
				 (unsigned long long)pa, ccakit_pas_name(pas));
	set_in_use(h, pa, false);
	if (pa + GRANULE_SIZE == h->bump) {
		h->bump = pa;
		return 0;
	}
	memcpy(host_ptr(h, pa), &h->free_head, sizeof(h->free_head));
	h->free_head = pa;
	return 0;
}

int host_delegate(struct host *h, uint64_t *pa)
{
	uint64_t g;
	int rc = host_granule_alloc(h, &g);
	if (rc)
		return rc;
	rc = host_rmi(h, NULL, RMI_GRANULE_DELEGATE, 1, g);
	if (rc) {
		host_granule_free_keep_error(h, g);
		return rc;
	}
	*pa = g;
	return 0;
}

int host_undelegate(struct host *h, uint64_t pa)
{
	if (!owned(h, pa))
		return host_fail(h, -EINVAL, "granule 0x%llx is not one the host has handed out",
				 (unsigned long long)pa);
	int rc = host_rmi(h, NULL, RMI_GRANULE_UNDELEGATE, 1, pa);
	return rc ? rc : host_granule_free(h, pa);
}

void host_undelegate_keep_error(struct host *h, uint64_t pa)
{
	struct host_saved_error e;
	host_error_save(h, &e);
	host_undelegate(h, pa);
	host_error_restore(h, &e);
}

void host_granule_free_keep_error(struct host *h, uint64_t pa)
{
	struct host_saved_error e;
	host_error_save(h, &e);
	host_granule_free(h, pa);
	host_error_restore(h, &e);
}
