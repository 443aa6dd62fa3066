/* The "hardware": physical memory, granule protection, PEs, fault reporting.
 * Knows nothing about realms. */
#ifndef CCAKIT_PLATFORM_H
#define CCAKIT_PLATFORM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccakit/abi/rmi.h"

/* Physical address map, after QEMU's virt board. */
#define PLAT_MMIO_BASE UINT64_C(0x08000000)
#define PLAT_MMIO_SIZE UINT64_C(0x08000000)
#define PLAT_UART_BASE UINT64_C(0x09000000)
#define PLAT_DRAM_BASE UINT64_C(0x40000000)
/* The PA range the platform implements (PARange = 48 bits). */
#define PLAT_PA_BITS 48
/* Granules the monitor keeps for Root and gives to Secure at boot. */
#define PLAT_ROOT_GRANULES 16
#define PLAT_SECURE_GRANULES 16

/* Physical address spaces of the granule protection table. */
enum pas {
	PAS_NS = 0,
	PAS_SECURE = 1,
	PAS_REALM = 2,
	PAS_ROOT = 3,
};

const char *pas_name(enum pas pas);

struct ccakit_rsi_event; /* ccakit/machine.h */

struct platform_config {
	uint64_t dram_size;     /* bytes, a multiple of 2 MiB */
	unsigned pe_count;      /* processing elements */
	unsigned vmid_bits;     /* 8 or 16 (ID_AA64MMFR1_EL1.VMIDBits) */
	unsigned max_view_maps; /* host mappings the normal-world view may use; 0 = derive */
	void (*rsi_trace)(void *ctx, const struct ccakit_rsi_event *ev); /* debug tracer */
	void *rsi_trace_ctx;
};

struct platform;
struct isolation;

/* The isolation backend: the only way the PAS of a granule is read or changed.
 * The GPT is the first backend; a TrustZone address space controller can
 * replace it without touching the RMM. */
struct isolation_ops {
	const char *name;
	enum pas (*pas_of)(struct platform *plat, uint64_t pa);
	/* Changes the PAS of one DRAM granule; only the monitor calls this. */
	void (*assign)(struct platform *plat, uint64_t pa, enum pas pas);
};

struct platform {
	uint64_t dram_base;
	uint64_t dram_size;
	size_t granule_count;
	unsigned pe_count;
	unsigned vmid_bits;
	int memfd;
	uint8_t *nw_view;  /* normal-world view: host VA == PA, protected per granule */
	uint8_t *sys_view; /* what the monitor, the RMM and the vCPUs see */
	const struct isolation_ops *iso;
	struct isolation *iso_state;
	atomic_bool *pe_busy;
	/* A debug tracer's hook (ccakit_machine_config.rsi_trace), or NULL. */
	void (*rsi_trace)(void *ctx, const struct ccakit_rsi_event *ev);
	void *rsi_trace_ctx;
};

int platform_create(const struct platform_config *cfg, struct platform **out, char *err,
		    size_t errlen);
void platform_destroy(struct platform *plat);

static inline bool plat_is_dram(const struct platform *plat, uint64_t pa)
{
	return pa >= plat->dram_base && pa - plat->dram_base < plat->dram_size;
}

static inline bool plat_is_mmio(uint64_t pa)
{
	return pa >= PLAT_MMIO_BASE && pa - PLAT_MMIO_BASE < PLAT_MMIO_SIZE;
}

static inline size_t plat_granule_index(const struct platform *plat, uint64_t pa)
{
	return (size_t)((pa - plat->dram_base) >> GRANULE_SHIFT);
}

/* System view of a DRAM address: how Root and Realm code touch memory. */
static inline void *plat_sys_ptr(const struct platform *plat, uint64_t pa)
{
	return plat->sys_view + (pa - plat->dram_base);
}

static inline enum pas plat_pas_of(struct platform *plat, uint64_t pa)
{
	return plat->iso->pas_of(plat, pa);
}

/* Accesses from Root or Realm code to memory that must be in the NS PAS (host
 * parameter and run pages), with the granule protection check made atomically
 * with the access, as the hardware does. The range must lie in one granule.
 * Return false, touching nothing, when the granule is not NS. */
bool plat_ns_read(struct platform *plat, uint64_t pa, void *buf, size_t len);
bool plat_ns_write(struct platform *plat, uint64_t pa, const void *buf, size_t len);

/* A PE is "in" the machine while it executes an SMC; one host thread at a time. */
bool plat_pe_enter(struct platform *plat, unsigned pe);
void plat_pe_leave(struct platform *plat, unsigned pe);

/* Statistics of the normal-world view's protection (for tests and docs). */
struct view_stats {
	size_t maps_budget;     /* host mappings the view may use */
	size_t maps_estimate;   /* mappings it uses now */
	size_t coarse_blocks;   /* 2 MiB blocks protected whole (see gpt.c) */
	uint64_t window_faults; /* NS accesses served through coarse-block windows */
};
void plat_view_stats(struct platform *plat, struct view_stats *out);

/* Granule protection faults (fault.c). */
struct plat_gpf {
	uint64_t pa;
	enum pas pas;
	bool write;
};
typedef void (*plat_guarded_fn)(void *arg);
/* Runs fn(arg) as normal-world code; returns true and fills *gpf if it took a
 * granule protection fault (fn is abandoned at the faulting access). */
bool plat_nw_guard(struct platform *plat, plat_guarded_fn fn, void *arg, struct plat_gpf *gpf);

/* Internal: the GPT backend and the fault handler share these (gpt.c, fault.c). */
extern const struct isolation_ops gpt_isolation_ops;
int gpt_create(struct platform *plat, unsigned max_view_maps, char *err, size_t errlen);
void gpt_destroy(struct platform *plat);
/* Called by the fault handler for a normal-world fault at pa: returns true if
 * the access may be retried (an NS granule in a coarse block was opened). */
bool gpt_fault_fixup(struct platform *plat, uint64_t pa);
int fault_install(struct platform *plat, char *err, size_t errlen);
void fault_uninstall(struct platform *plat);

#endif
