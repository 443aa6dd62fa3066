/* The granule protection table: one PAS per 4 KiB DRAM granule, mirrored into
 * the host MMU so that a normal-world access to a granule that is not NS
 * really faults.
 *
 * Mirroring costs one host mapping (VMA) per run of equally protected
 * granules, and the kernel caps a process at vm.max_map_count mappings. So the
 * view keeps a budget: when a change would exceed it, the 2 MiB block holding
 * the granule is protected whole ("coarse"), which costs at most one mapping.
 * An NS granule in a coarse block is still reachable: the first access faults,
 * the fault handler sees the GPT says NS and opens a one-granule window (a
 * small ring of them, so the mapping count stays bounded), and the access is
 * retried. A block goes back to fine-grained protection when one of its
 * granules becomes NS and either all of them are NS again or its runs fit
 * the budget comfortably (block_may_refine). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/platform.h"

#define BLOCK_GRANULES 512
#define VIEW_WINDOWS 16
#define NO_WINDOW SIZE_MAX

struct isolation {
	_Atomic uint8_t *pas;  /* enum pas, per granule */
	atomic_uchar *lock;    /* per granule: serialises PAS changes with checked accesses */
	atomic_flag view_lock; /* the bookkeeping below; also taken in the fault handler */
	uint8_t *coarse;       /* per 2 MiB block */
	size_t block_count;
	size_t maps_budget;
	size_t maps_est;
	size_t coarse_blocks;
	size_t window[VIEW_WINDOWS];
	unsigned window_next;
	uint64_t window_faults;
};

const char *pas_name(enum pas pas)
{
	switch (pas) {
	case PAS_NS: return "Non-secure";
	case PAS_SECURE: return "Secure";
	case PAS_REALM: return "Realm";
	case PAS_ROOT: return "Root";
	}
	return "?";
}

static void spin_lock(atomic_uchar *l)
{
	unsigned spins = 0;
	while (atomic_exchange_explicit(l, 1, memory_order_acquire)) {
		if (++spins > 64) {
			sched_yield();
			spins = 0;
		}
	}
}

static void spin_unlock(atomic_uchar *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

static void view_lock(struct isolation *g)
{
	while (atomic_flag_test_and_set_explicit(&g->view_lock, memory_order_acquire))
		sched_yield();
}

static void view_unlock(struct isolation *g)
{
	atomic_flag_clear_explicit(&g->view_lock, memory_order_release);
}

static enum pas gpt_pas_of(struct platform *plat, uint64_t pa)
{
	if (!plat_is_dram(plat, pa)) {
		/* Outside DRAM: MMIO is NS, the rest is unbacked and NS as well
		 * (nothing there to protect). */
		return PAS_NS;
	}
	return (enum pas)atomic_load_explicit(&plat->iso_state->pas[plat_granule_index(plat, pa)],
					      memory_order_acquire);
}

/* Whether the host mapping of granule i is accessible, ignoring windows; 2 for
 * "outside the view" (never merges). */
static int view_eff(const struct platform *plat, long i)
{
	const struct isolation *g = plat->iso_state;
	if (i < 0 || (size_t)i >= plat->granule_count)
		return 2;
	if (g->coarse[(size_t)i / BLOCK_GRANULES])
		return 0;
	return atomic_load_explicit(&g->pas[i], memory_order_relaxed) == PAS_NS;
}

/* Maximal runs of equal protection in [lo, hi). */
static size_t view_runs(const struct platform *plat, long lo, long hi)
{
	size_t runs = 0;
	for (long i = lo; i < hi; i++)
		if (i == lo || view_eff(plat, i) != view_eff(plat, i - 1))
			runs++;
	return runs;
}

static void view_mprotect(struct platform *plat, size_t first, size_t count, bool accessible)
{
	void *va = plat->nw_view + (first << GRANULE_SHIFT);
	int prot = accessible ? PROT_READ | PROT_WRITE : PROT_NONE;
	if (mprotect(va, count << GRANULE_SHIFT, prot) != 0) {
		/* Isolation can no longer be enforced: that is not recoverable. */
		fprintf(stderr,
			"ccakit: fatal: cannot change the protection of the normal-world view at PA "
			"0x%llx (%s)\n",
			(unsigned long long)(plat->dram_base + (first << GRANULE_SHIFT)),
			strerror(errno));
		abort();
	}
}

static void window_close_block(struct platform *plat, size_t block)
{
	struct isolation *g = plat->iso_state;
	for (unsigned w = 0; w < VIEW_WINDOWS; w++)
		if (g->window[w] != NO_WINDOW && g->window[w] / BLOCK_GRANULES == block)
			g->window[w] = NO_WINDOW;
}

static bool window_close_granule(struct platform *plat, size_t i)
{
	struct isolation *g = plat->iso_state;
	for (unsigned w = 0; w < VIEW_WINDOWS; w++) {
		if (g->window[w] == i) {
			g->window[w] = NO_WINDOW;
			return true;
		}
	}
	return false;
}

/* Sets a block's coarse flag and its host protection, keeping the estimate. */
static void view_set_coarse(struct platform *plat, size_t block, bool coarse)
{
	struct isolation *g = plat->iso_state;
	long lo = (long)(block * BLOCK_GRANULES) - 1;
	long hi = (long)((block + 1) * BLOCK_GRANULES) + 1;
	size_t first = block * BLOCK_GRANULES;
	size_t count = BLOCK_GRANULES;

	if (first + count > plat->granule_count)
		count = plat->granule_count - first;
	size_t before = view_runs(plat, lo, hi);
	g->coarse[block] = coarse;
	size_t after = view_runs(plat, lo, hi);
	window_close_block(plat, block);
	if (coarse) {
		view_mprotect(plat, first, count, false);
		g->coarse_blocks++;
	} else {
		/* Fine-grained again: one host protection per run of the block
		 * (a single one when every granule is NS). */
		size_t start = first;
		for (size_t i = first + 1; i <= first + count; i++) {
			if (i < first + count && view_eff(plat, (long)i) == view_eff(plat, (long)start))
				continue;
			view_mprotect(plat, start, i - start, view_eff(plat, (long)start) == 1);
			start = i;
		}
		g->coarse_blocks--;
	}
	g->maps_est = g->maps_est + after - before;
}

static bool block_all_ns(struct platform *plat, size_t block)
{
	struct isolation *g = plat->iso_state;
	size_t first = block * BLOCK_GRANULES;
	size_t last = first + BLOCK_GRANULES;
	if (last > plat->granule_count)
		last = plat->granule_count;
	for (size_t i = first; i < last; i++)
		if (atomic_load_explicit(&g->pas[i], memory_order_relaxed) != PAS_NS)
			return false;
	return true;
}

/* Whether a coarse block may go back to fine-grained protection: once all
 * of it is NS, or when its runs fit the budget with a quarter of it to
 * spare (the margin keeps a host working at the budget's edge from making a
 * block flip back and forth). Waiting for "all NS" alone would keep the
 * block holding the monitor's Secure and Root granules coarse forever once
 * a checkerboard had reached it: every NS access there would then cost a
 * fault and a window for the rest of the machine's life. */
static bool block_may_refine(struct platform *plat, size_t block)
{
	struct isolation *g = plat->iso_state;
	long lo = (long)(block * BLOCK_GRANULES) - 1;
	long hi = (long)((block + 1) * BLOCK_GRANULES) + 1;

	if (block_all_ns(plat, block))
		return true;
	long coarse_runs = (long)view_runs(plat, lo, hi);
	g->coarse[block] = 0;
	long fine_runs = (long)view_runs(plat, lo, hi);
	g->coarse[block] = 1;
	return (long)g->maps_est + fine_runs - coarse_runs <=
	       (long)(g->maps_budget - g->maps_budget / 4);
}

/* Changes granule i's PAS and its host protection; view lock held. */
static void view_update(struct platform *plat, size_t i, enum pas pas)
{
	struct isolation *g = plat->iso_state;
	size_t block = i / BLOCK_GRANULES;
	bool was_ns = atomic_load_explicit(&g->pas[i], memory_order_relaxed) == PAS_NS;
	bool is_ns = pas == PAS_NS;

	if (was_ns == is_ns) {
		atomic_store_explicit(&g->pas[i], (uint8_t)pas, memory_order_release);
		return;
	}
	if (g->coarse[block]) {
		if (!is_ns && window_close_granule(plat, i)) {
			atomic_store_explicit(&g->pas[i], (uint8_t)pas, memory_order_release);
			view_mprotect(plat, i, 1, false);
			return;
		}
		atomic_store_explicit(&g->pas[i], (uint8_t)pas, memory_order_release);
		if (is_ns && block_may_refine(plat, block))
			view_set_coarse(plat, block, false);
		return;
	}

	/* The mapping count with and without the change, around granule i. */
	uint8_t old = atomic_load_explicit(&g->pas[i], memory_order_relaxed);
	size_t before = view_runs(plat, (long)i - 1, (long)i + 2);
	atomic_store_explicit(&g->pas[i], (uint8_t)pas, memory_order_relaxed);
	size_t after = view_runs(plat, (long)i - 1, (long)i + 2);

	if (g->maps_est + after - before > g->maps_budget) {
		/* Over budget: protect the whole block instead, accounting from
		 * the state the host mappings really have. */
		atomic_store_explicit(&g->pas[i], old, memory_order_relaxed);
		view_set_coarse(plat, block, true);
		atomic_store_explicit(&g->pas[i], (uint8_t)pas, memory_order_release);
		if (is_ns && block_all_ns(plat, block))
			view_set_coarse(plat, block, false);
		return;
	}
	/* Becoming NS: accessible first, then published. Leaving NS: the new
	 * PAS is already visible (the fault handler and checked accesses are
	 * serialised by our locks), then the mapping is closed. */
	view_mprotect(plat, i, 1, is_ns);
	g->maps_est = g->maps_est + after - before;
	atomic_store_explicit(&g->pas[i], (uint8_t)pas, memory_order_release);
}

static void gpt_assign(struct platform *plat, uint64_t pa, enum pas pas)
{
	struct isolation *g = plat->iso_state;
	size_t i = plat_granule_index(plat, pa);

	spin_lock(&g->lock[i]);
	view_lock(g);
	view_update(plat, i, pas);
	view_unlock(g);
	spin_unlock(&g->lock[i]);
}

bool gpt_fault_fixup(struct platform *plat, uint64_t pa)
{
	struct isolation *g = plat->iso_state;
	size_t i = plat_granule_index(plat, pa);
	bool retry = false;

	view_lock(g);
	if (atomic_load_explicit(&g->pas[i], memory_order_relaxed) != PAS_NS) {
		retry = false;
	} else if (g->coarse[i / BLOCK_GRANULES]) {
		unsigned w = g->window_next;
		if (g->window[w] != NO_WINDOW)
			view_mprotect(plat, g->window[w], 1, false);
		g->window[w] = i;
		g->window_next = (w + 1) % VIEW_WINDOWS;
		view_mprotect(plat, i, 1, true);
		g->window_faults++;
		retry = true;
	} else {
		/* NS and mapped accessible: the access raced with a change that has
		 * completed since; retry it. */
		retry = true;
	}
	view_unlock(g);
	return retry;
}

static bool ns_access(struct platform *plat, uint64_t pa, void *buf, size_t len, bool write)
{
	if (!plat_is_dram(plat, pa) || len > GRANULE_SIZE - (pa & GRANULE_MASK))
		return false;
	struct isolation *g = plat->iso_state;
	size_t i = plat_granule_index(plat, pa);
	bool ok;

	spin_lock(&g->lock[i]);
	ok = atomic_load_explicit(&g->pas[i], memory_order_relaxed) == PAS_NS;
	if (ok) {
		if (write)
			memcpy(plat_sys_ptr(plat, pa), buf, len);
		else
			memcpy(buf, plat_sys_ptr(plat, pa), len);
	}
	spin_unlock(&g->lock[i]);
	return ok;
}

bool plat_ns_read(struct platform *plat, uint64_t pa, void *buf, size_t len)
{
	return ns_access(plat, pa, buf, len, false);
}

bool plat_ns_write(struct platform *plat, uint64_t pa, const void *buf, size_t len)
{
	return ns_access(plat, pa, (void *)buf, len, true);
}

void plat_view_stats(struct platform *plat, struct view_stats *out)
{
	struct isolation *g = plat->iso_state;
	view_lock(g);
	out->maps_budget = g->maps_budget;
	out->maps_estimate = g->maps_est;
	out->coarse_blocks = g->coarse_blocks;
	out->window_faults = g->window_faults;
	view_unlock(g);
}

static long read_long_file(const char *path, long fallback)
{
	FILE *f = fopen(path, "r");
	long v = fallback;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = fallback;
		fclose(f);
	}
	return v;
}

static long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;
	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		if (c == '\n')
			n++;
	fclose(f);
	return n;
}

int gpt_create(struct platform *plat, unsigned max_view_maps, char *err, size_t errlen)
{
	struct isolation *g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "out of memory for the granule protection table");
		return -ENOMEM;
	}
	g->pas = calloc(plat->granule_count, sizeof(*g->pas));
	g->lock = calloc(plat->granule_count, sizeof(*g->lock));
	g->block_count = (plat->granule_count + BLOCK_GRANULES - 1) / BLOCK_GRANULES;
	g->coarse = calloc(g->block_count, 1);
	if (!g->pas || !g->lock || !g->coarse) {
		free(g->pas);
		free(g->lock);
		free(g->coarse);
		free(g);
		snprintf(err, errlen, "out of memory for the granule protection table");
		return -ENOMEM;
	}
	atomic_flag_clear(&g->view_lock);
	for (unsigned w = 0; w < VIEW_WINDOWS; w++)
		g->window[w] = NO_WINDOW;
	if (max_view_maps) {
		g->maps_budget = max_view_maps;
	} else {
		long max = read_long_file("/proc/sys/vm/max_map_count", 65530);
		long margin = max / 8 > 4096 ? max / 8 : 4096;
		long budget = max - count_maps() - margin - 2 * VIEW_WINDOWS;
		g->maps_budget = budget > 64 ? (size_t)budget : 64;
	}
	g->maps_est = 1; /* the whole view starts as one NS mapping */
	plat->iso_state = g;
	return 0;
}

void gpt_destroy(struct platform *plat)
{
	struct isolation *g = plat->iso_state;
	if (!g)
		return;
	free(g->pas);
	free(g->lock);
	free(g->coarse);
	free(g);
	plat->iso_state = NULL;
}

const struct isolation_ops gpt_isolation_ops = {
	.name = "gpt",
	.pas_of = gpt_pas_of,
	.assign = gpt_assign,
};
