/* DRAM: one memfd with two host views. The normal-world view sits at host
 * VA == PA so that normal-world code can dereference physical addresses; the
 * system view is what Root and Realm code (and the vCPUs) use. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "platform/platform.h"

#define MIB (UINT64_C(1) << 20)
#define BLOCK_SIZE (2 * MIB)

/* AddressSanitizer owns host addresses from 0x7fff8000 (its shadow), so
 * sanitizer builds keep DRAM below that. */
#if defined(__SANITIZE_ADDRESS__)
#define DRAM_VA_LIMIT UINT64_C(0x7fff8000)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DRAM_VA_LIMIT UINT64_C(0x7fff8000)
#endif
#endif
#ifndef DRAM_VA_LIMIT
#define DRAM_VA_LIMIT (UINT64_C(1) << 40)
#endif

static void unmap_views(struct platform *plat)
{
	if (plat->nw_view)
		munmap(plat->nw_view, plat->dram_size);
	if (plat->sys_view)
		munmap(plat->sys_view, plat->dram_size);
	if (plat->memfd >= 0)
		close(plat->memfd);
}

int platform_create(const struct platform_config *cfg, struct platform **out, char *err,
		    size_t errlen)
{
	uint64_t max_dram = DRAM_VA_LIMIT - PLAT_DRAM_BASE;
	unsigned vmid_bits = cfg->vmid_bits ? cfg->vmid_bits : 16;

	*out = NULL;
	if (cfg->dram_size < 2 * BLOCK_SIZE || cfg->dram_size % BLOCK_SIZE) {
		snprintf(err, errlen,
			 "DRAM size %llu is not a multiple of 2 MiB of at least 4 MiB",
			 (unsigned long long)cfg->dram_size);
		return -EINVAL;
	}
	if (cfg->dram_size > max_dram) {
		snprintf(err, errlen, "DRAM size %llu MiB exceeds the %llu MiB this build can map",
			 (unsigned long long)(cfg->dram_size / MIB),
			 (unsigned long long)(max_dram / MIB));
		return -EINVAL;
	}
	if (cfg->pe_count == 0 || cfg->pe_count > 256) {
		snprintf(err, errlen, "PE count %u is outside 1..256", cfg->pe_count);
		return -EINVAL;
	}
	if (vmid_bits != 8 && vmid_bits != 16) {
		snprintf(err, errlen, "VMID width %u is neither 8 nor 16 bits", vmid_bits);
		return -EINVAL;
	}

	struct platform *plat = calloc(1, sizeof(*plat));
	if (!plat) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	plat->dram_base = PLAT_DRAM_BASE;
	plat->dram_size = cfg->dram_size;
	plat->granule_count = cfg->dram_size >> GRANULE_SHIFT;
	plat->pe_count = cfg->pe_count;
	plat->vmid_bits = vmid_bits;
	plat->rsi_trace = cfg->rsi_trace;
	plat->rsi_trace_ctx = cfg->rsi_trace_ctx;
	plat->iso = &gpt_isolation_ops;
	plat->memfd = memfd_create("ccakit-dram", MFD_CLOEXEC);
	if (plat->memfd < 0 || ftruncate(plat->memfd, (off_t)cfg->dram_size) != 0) {
		snprintf(err, errlen, "cannot create %llu MiB of DRAM: %s",
			 (unsigned long long)(cfg->dram_size / MIB), strerror(errno));
		unmap_views(plat);
		free(plat);
		return -ENOMEM;
	}

	void *nw = mmap((void *)(uintptr_t)PLAT_DRAM_BASE, cfg->dram_size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED_NOREPLACE, plat->memfd, 0);
	if (nw == MAP_FAILED || nw != (void *)(uintptr_t)PLAT_DRAM_BASE) {
		if (nw != MAP_FAILED)
			munmap(nw, cfg->dram_size);
		snprintf(err, errlen,
			 "cannot map DRAM at its physical address 0x%llx-0x%llx in this process "
			 "(%s): is another ccakit machine alive, or is the range taken?",
			 (unsigned long long)PLAT_DRAM_BASE,
			 (unsigned long long)(PLAT_DRAM_BASE + cfg->dram_size - 1),
			 nw == MAP_FAILED ? strerror(errno) : "placed elsewhere");
		unmap_views(plat);
		free(plat);
		return -EADDRINUSE;
	}
	plat->nw_view = nw;
	void *sys = mmap(NULL, cfg->dram_size, PROT_READ | PROT_WRITE, MAP_SHARED, plat->memfd, 0);
	if (sys == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the system view of DRAM: %s", strerror(errno));
		unmap_views(plat);
		free(plat);
		return -ENOMEM;
	}
	plat->sys_view = sys;

	plat->pe_busy = calloc(cfg->pe_count, sizeof(*plat->pe_busy));
	int rc = plat->pe_busy ? gpt_create(plat, cfg->max_view_maps, err, errlen) : -ENOMEM;
	if (rc == 0)
		rc = fault_install(plat, err, errlen);
	if (rc != 0) {
		if (!plat->pe_busy)
			snprintf(err, errlen, "out of memory");
		gpt_destroy(plat);
		free(plat->pe_busy);
		unmap_views(plat);
		free(plat);
		return rc;
	}
	*out = plat;
	return 0;
}

void platform_destroy(struct platform *plat)
{
	if (!plat)
		return;
	fault_uninstall(plat);
	gpt_destroy(plat);
	free(plat->pe_busy);
	unmap_views(plat);
	free(plat);
}

bool plat_pe_enter(struct platform *plat, unsigned pe)
{
	bool expected = false;
	return pe < plat->pe_count &&
	       atomic_compare_exchange_strong_explicit(&plat->pe_busy[pe], &expected, true,
						       memory_order_acquire, memory_order_relaxed);
}

void plat_pe_leave(struct platform *plat, unsigned pe)
{
	atomic_store_explicit(&plat->pe_busy[pe], false, memory_order_release);
}
