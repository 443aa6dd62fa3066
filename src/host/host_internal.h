/* Helpers shared by the host library's files (not for its users). */
#ifndef CCAKIT_HOST_INTERNAL_H
#define CCAKIT_HOST_INTERNAL_H

#include <string.h>

#include "host/host.h"

#define RTT_LEVEL_LAST 3
#define RTT_BLOCK_LEVEL 2 /* the largest block RTT_INIT_RIPAS is given */

/* Bytes one entry at `level` maps (4 KiB granules). */
static inline uint64_t rtt_entry_size(int level)
{
	return UINT64_C(1) << (GRANULE_SHIFT + 9 * (RTT_LEVEL_LAST - level));
}

static inline uint64_t realm_par_end(const struct host_realm *r)
{
	return UINT64_C(1) << (r->s2sz - 1);
}

/* Puts a sentence in h->err and returns rc. */
int host_fail(struct host *h, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keeps the first failure's message across the cleanup that follows it. */
struct host_saved_error {
	char text[sizeof(((struct host *)0)->err)];
};

static inline void host_error_save(const struct host *h, struct host_saved_error *s)
{
	memcpy(s->text, h->err, sizeof(s->text));
}

static inline void host_error_restore(struct host *h, const struct host_saved_error *s)
{
	memcpy(h->err, s->text, sizeof(s->text));
}

/* Cleanup on a failure path: give a granule back (undelegated, or freed)
 * without overwriting the message of the failure being reported. */
void host_undelegate_keep_error(struct host *h, uint64_t pa);
void host_granule_free_keep_error(struct host *h, uint64_t pa);

/* Grows *arr (of *cap elements of size elem) to hold at least n. */
int host_reserve(struct host *h, void **arr, size_t *cap, size_t n, size_t elem);

/* Virtual interrupts a vCPU is owed (run.c, for RECs and normal VMs
 * alike): moves the pending INTIDs 0..31 into free list registers (group 1,
 * priority 0xa0; an INTID already in one waits until it is free), and
 * tells whether any is pending or in a list register. */
void host_lrs_fill(uint64_t *lrs, unsigned n, uint32_t *pending);
bool host_lrs_pending(const uint64_t *lrs, uint32_t pending);

/* The normal-world pointer of a DRAM granule the host owns. */
static inline void *host_ptr(struct host *h, uint64_t pa)
{
	return ccakit_pa_to_ptr(h->m, pa);
}

#endif
