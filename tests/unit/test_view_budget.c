/* The normal-world view when granule protection is fragmented beyond the
 * kernel's mapping limit (vm.max_map_count): 2 MiB blocks are then protected
 * whole ("coarse"), and NS granules in them stay reachable through windows
 * the fault handler opens. Enforcement must not weaken, and the view must go
 * back to fine-grained protection once the fragmentation is gone. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "invariants.h"

#include "monitor/machine_internal.h"
#include "platform/platform.h"

#define BLOCK (2 * MIB)
#define BLOCK_GRANULES (BLOCK / GRANULE_SIZE)

static void view_stats(struct tmach *t, struct view_stats *s)
{
	plat_view_stats(ccakit_machine_platform(t->m), s);
}

/* Host mappings (VMAs) covering DRAM's normal-world view, from the kernel. */
static size_t view_vmas(struct tmach *t)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long long lo, hi;
	size_t n = 0;
	char line[512];
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && lo >= t->map.dram.base &&
		    hi <= t->map.dram.base + t->map.dram.size)
			n++;
	fclose(f);
	return n;
}

static void nw_read(void *p)
{
	(void)*(volatile uint8_t *)p;
}

struct nw_write_arg {
	volatile uint8_t *p;
	uint8_t v;
	uint8_t seen;
};

/* Writes v, reads it back, then clears the byte. */
static void nw_write(void *arg)
{
	struct nw_write_arg *a = arg;
	*a->p = a->v;
	a->seen = *a->p;
	*a->p = 0;
}

/* Delegated: reads and writes fault, reported at the exact PA. Returns NULL
 * or what went wrong (in buf): usable from any thread. */
static const char *check_protected(struct tmach *t, uint64_t pa, bool write_too, char *buf,
				   size_t len)
{
	struct ccakit_gpf gpf;
	uint64_t at = pa + (pa >> GRANULE_SHIFT) % GRANULE_SIZE;
	if (!ccakit_nw_guard(t->m, nw_read, tm_ptr(t, at), &gpf)) {
		snprintf(buf, len, "read of delegated 0x%llx did not fault", (unsigned long long)at);
		return buf;
	}
	if (gpf.pa != at || gpf.pas != CCAKIT_PAS_REALM || gpf.write) {
		snprintf(buf, len, "read of 0x%llx reported as %s of 0x%llx in %s",
			 (unsigned long long)at, gpf.write ? "write" : "read",
			 (unsigned long long)gpf.pa, ccakit_pas_name(gpf.pas));
		return buf;
	}
	if (!write_too)
		return NULL;
	struct nw_write_arg w = { tm_ptr(t, at), 0x77, 0 };
	if (!ccakit_nw_guard(t->m, nw_write, &w, &gpf)) {
		snprintf(buf, len, "write to delegated 0x%llx did not fault", (unsigned long long)at);
		return buf;
	}
	if (gpf.pa != at || gpf.pas != CCAKIT_PAS_REALM || !gpf.write) {
		snprintf(buf, len, "write to 0x%llx reported as %s of 0x%llx in %s",
			 (unsigned long long)at, gpf.write ? "write" : "read",
			 (unsigned long long)gpf.pa, ccakit_pas_name(gpf.pas));
		return buf;
	}
	return NULL;
}

/* NS: a write through the view lands in memory and reads back. */
static const char *check_accessible(struct tmach *t, uint64_t pa, char *buf, size_t len)
{
	struct ccakit_gpf gpf;
	uint64_t at = pa + (pa >> GRANULE_SHIFT) % GRANULE_SIZE;
	uint8_t v = (uint8_t)(pa >> GRANULE_SHIFT) | 1;
	struct nw_write_arg w = { tm_ptr(t, at), v, 0 };
	volatile uint8_t *sys = plat_sys_ptr(ccakit_machine_platform(t->m), at);
	if (ccakit_nw_guard(t->m, nw_write, &w, &gpf)) {
		snprintf(buf, len, "%s of NS 0x%llx faulted (%s at 0x%llx)",
			 gpf.write ? "write" : "read", (unsigned long long)at,
			 ccakit_pas_name(gpf.pas), (unsigned long long)gpf.pa);
		return buf;
	}
	if (w.seen != v || *sys != 0) {
		snprintf(buf, len, "NS 0x%llx: wrote 0x%x, view read 0x%x, memory holds 0x%x",
			 (unsigned long long)at, v, w.seen, *sys);
		return buf;
	}
	return NULL;
}

static void expect_protected(struct tmach *t, uint64_t pa, bool write_too)
{
	char buf[256];
	if (check_protected(t, pa, write_too, buf, sizeof(buf)))
		fail_msg("%s", buf);
}

static void expect_accessible(struct tmach *t, uint64_t pa)
{
	char buf[256];
	if (check_accessible(t, pa, buf, sizeof(buf)))
		fail_msg("%s", buf);
}

/* Probes every `stride`-th granule of a checkerboard [base, top) whose even
 * granules are delegated. */
struct sample {
	struct tmach *t;
	uint64_t base, top;
	unsigned stride;
	unsigned probes;
	bool failed;
	char err[256];
};

static void sample_view(void *arg)
{
	struct sample *s = arg;
	for (uint64_t pa = s->base; pa < s->top && !s->failed;
	     pa += s->stride * GRANULE_SIZE, s->probes++) {
		bool delegated = (pa - s->base) / GRANULE_SIZE % 2 == 0;
		if (delegated ? check_protected(s->t, pa, true, s->err, sizeof(s->err))
			      : check_accessible(s->t, pa, s->err, sizeof(s->err)))
			s->failed = true;
	}
}

static uint64_t elapsed_ms(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (uint64_t)((b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000);
}

/* A checkerboard over blocks [first, first + n): granules with even index
 * are delegated (or undelegated again). */
static void checkerboard(struct tmach *t, unsigned first, unsigned n, bool undelegate)
{
	uint32_t fid = undelegate ? RMI_GRANULE_UNDELEGATE : RMI_GRANULE_DELEGATE;
	uint64_t base = t->map.dram.base + (uint64_t)first * BLOCK;
	for (uint64_t pa = base; pa < base + (uint64_t)n * BLOCK; pa += 2 * GRANULE_SIZE)
		assert_rmi(rmi(t, fid, 1, pa), RMI_SUCCESS, 0);
}

static void checkerboard_beyond_a_small_budget_stays_enforced(void **state)
{
	(void)state;
	struct ccakit_machine_config cfg = { .dram_size = 16 * MIB, .pe_count = 1,
					     .max_view_maps = 64 };
	struct tmach *t = tm_create_cfg(&cfg);
	struct view_stats s0, s1, s2;
	const unsigned first = 1, nblocks = 4;
	uint64_t base = t->map.dram.base + first * BLOCK, top = base + nblocks * BLOCK;
	t->next = top; /* the harness's allocator stays out of the checkerboard */

	view_stats(t, &s0);
	assert_int_equal(s0.maps_budget, 64);
	assert_int_equal(s0.coarse_blocks, 0);
	assert_int_equal(view_vmas(t), s0.maps_estimate);

	checkerboard(t, first, nblocks, false);
	view_stats(t, &s1);
	assert_int_equal(s1.coarse_blocks, nblocks);
	assert_true(s1.maps_estimate <= s1.maps_budget);
	assert_int_equal(view_vmas(t), s1.maps_estimate);

	/* Every delegated granule faults; every NS one between them is readable
	 * and writable (through the windows). */
	for (uint64_t pa = base; pa < top; pa += 2 * GRANULE_SIZE) {
		expect_protected(t, pa, (pa >> GRANULE_SHIFT) % 8 == 0);
		expect_accessible(t, pa + GRANULE_SIZE);
	}
	view_stats(t, &s2);
	assert_true(s2.window_faults >= s1.window_faults + nblocks * BLOCK_GRANULES / 2);
	/* Open windows cost at most two mappings each, and there are a few. */
	assert_true(view_vmas(t) <= s2.maps_estimate + 2 * 16);
	/* Blocks outside the checkerboard are untouched and fine-grained. */
	expect_accessible(t, t->map.dram.base);
	expect_accessible(t, top + 5 * GRANULE_SIZE);
	tm_check_invariants(t);

	/* A granule whose window is open, then delegated, is closed at once. */
	uint64_t ns = base + 3 * GRANULE_SIZE;
	expect_accessible(t, ns);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, ns), RMI_SUCCESS, 0);
	expect_protected(t, ns, true);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, ns), RMI_SUCCESS, 0);
	expect_accessible(t, ns);
	/* A window reused by the ring closes its old granule, which opens
	 * again on its next access. */
	for (unsigned i = 0; i < 40; i++)
		expect_accessible(t, base + (2 * i + 1) * GRANULE_SIZE);
	expect_accessible(t, base + GRANULE_SIZE);
	assert_true(view_vmas(t) <= s2.maps_estimate + 2 * 16);
	tm_check_invariants(t);

	/* All back: fine-grained again, as few mappings as at boot. */
	checkerboard(t, first, nblocks, true);
	view_stats(t, &s2);
	assert_int_equal(s2.coarse_blocks, 0);
	assert_int_equal(s2.maps_estimate, s0.maps_estimate);
	assert_int_equal(view_vmas(t), s0.maps_estimate);
	uint64_t faults = s2.window_faults;
	for (uint64_t pa = base; pa < top; pa += GRANULE_SIZE)
		expect_accessible(t, pa);
	view_stats(t, &s2);
	assert_int_equal(s2.window_faults, faults); /* no windows needed any more */
	tm_check_all_undelegated(t);
	tm_destroy(t);
}

/* Fragmentation that comes and goes inside one block: the block goes coarse
 * when the budget runs out and back to fine-grained protection (run by run)
 * once it fits comfortably again, enforcing the granules still delegated. */
static void coarse_block_returns_when_it_fits_again(void **state)
{
	(void)state;
	struct ccakit_machine_config cfg = { .dram_size = 8 * MIB, .pe_count = 1,
					     .max_view_maps = 16 };
	struct tmach *t = tm_create_cfg(&cfg);
	struct view_stats s0, s;
	uint64_t base = t->map.dram.base;
	t->next = base + BLOCK;
	view_stats(t, &s0);

	for (unsigned round = 0; round < 3; round++) {
		/* 16 isolated delegated granules need 33 mappings: too many. */
		for (unsigned i = 0; i < 16; i++)
			assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, base + (4 * i + 1) * GRANULE_SIZE),
				   RMI_SUCCESS, 0);
		view_stats(t, &s);
		assert_int_equal(s.coarse_blocks, 1);
		assert_true(s.maps_estimate <= s.maps_budget);
		assert_int_equal(view_vmas(t), s.maps_estimate);
		tm_check_invariants(t);
		size_t coarse = 1;
		unsigned refined_at = 16;
		for (unsigned i = 0; i < 16; i++) {
			assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, base + (4 * i + 1) * GRANULE_SIZE),
				   RMI_SUCCESS, 0);
			view_stats(t, &s);
			assert_true(s.coarse_blocks <= coarse);
			if (coarse && !s.coarse_blocks)
				refined_at = i;
			coarse = s.coarse_blocks;
			assert_true(s.maps_estimate <= s.maps_budget);
			if (!coarse)
				assert_int_equal(view_vmas(t), s.maps_estimate);
			for (unsigned j = 0; j < 66; j++) {
				uint64_t pa = base + j * GRANULE_SIZE;
				if (j % 4 == 1 && j / 4 > i && j < 64)
					expect_protected(t, pa, true);
				else
					expect_accessible(t, pa);
			}
		}
		/* It came back while some granules were still delegated. */
		assert_true(refined_at < 15);
		assert_int_equal(s.coarse_blocks, 0);
		assert_int_equal(s.maps_estimate, s0.maps_estimate);
		assert_int_equal(view_vmas(t), s0.maps_estimate);
		tm_check_all_undelegated(t);
	}
	tm_destroy(t);
}

/* At the default budget (derived from vm.max_map_count): 512 MiB, every
 * other granule delegated, which fine-grained would need about 131,000
 * mappings, twice the kernel's default limit. */
static void checkerboard_beyond_max_map_count(void **state)
{
	(void)state;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct tmach *t = tm_create(512 * MIB, 1);
	struct view_stats s0, s1, s2;
	uint64_t base = t->map.dram.base, top = t->map.secure.base;
	size_t delegated = 0;
	t->next = t->limit; /* no harness allocations */

	view_stats(t, &s0);
	assert_int_equal(s0.coarse_blocks, 0);
	assert_true(s0.maps_budget < 65530); /* the kernel's limit, less what we use */

	for (uint64_t pa = base; pa < top; pa += 2 * GRANULE_SIZE, delegated++)
		assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	uint64_t ms_delegate = elapsed_ms(&t0);
	assert_int_equal(delegated, (top - base) / GRANULE_SIZE / 2);
	assert_true(delegated > 65000);
	view_stats(t, &s1);
	assert_true(s1.coarse_blocks > 0);
	assert_true(s1.maps_estimate <= s1.maps_budget);
	size_t vmas = view_vmas(t);
	assert_int_equal(vmas, s1.maps_estimate);

	/* A sample: a prime stride visits delegated and NS granules in every
	 * kind of block (fine-grained ones first, coarse ones later). */
	struct sample s = { .t = t, .base = base, .top = top, .stride = 61 };
	tm_run_in_thread(sample_view, &s);
	if (s.failed)
		fail_msg("%s", s.err);
	assert_true(s.probes > 2000);
	tm_check_invariants(t);

	for (uint64_t pa = base; pa < top; pa += 2 * GRANULE_SIZE)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, pa), RMI_SUCCESS, 0);
	view_stats(t, &s2);
	/* Fine-grained again everywhere, the block holding the monitor's
	 * Secure and Root granules included. */
	assert_int_equal(s2.coarse_blocks, 0);
	assert_int_equal(s2.maps_estimate, s0.maps_estimate);
	assert_int_equal(view_vmas(t), s0.maps_estimate);
	for (uint64_t pa = base; pa < top; pa += 61 * GRANULE_SIZE)
		expect_accessible(t, pa);
	for (uint64_t pa = top - BLOCK; pa < top; pa += GRANULE_SIZE)
		expect_accessible(t, pa);
	tm_check_all_undelegated(t);
	tm_destroy(t);
	print_message("  %zu granules delegated in %llu ms; %zu coarse blocks, %zu/%zu mappings; "
		      "%zu coarse after undelegation; whole test %llu ms\n",
		      delegated, (unsigned long long)ms_delegate, s1.coarse_blocks, vmas,
		      s1.maps_budget, s2.coarse_blocks, (unsigned long long)elapsed_ms(&t0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checkerboard_beyond_a_small_budget_stays_enforced),
		cmocka_unit_test(coarse_block_returns_when_it_fits_again),
		cmocka_unit_test(checkerboard_beyond_max_map_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
