/* Normal world, NS-EL2: the hypervisor (the KVM role).
 *
 * The host owns a machine and plays its normal world from one PE: it hands
 * out NS granules, delegates them, and builds and tears down realms with RMI
 * calls, exactly as a hypervisor on CCA hardware would. It sees the machine
 * only through the public API (include/ccakit/) and the ABI definitions
 * (include/ccakit/abi/); nothing here reaches into the monitor or the RMM.
 *
 * Return values: every function that can fail returns
 *    0   on success;
 *  > 0   the RMI return code of the call that failed (status | index << 8);
 *  < 0   a negative errno for a failure on the host's side (-ENOMEM: no NS
 *        granule left, -EINVAL: bad argument, -ENOSYS: SMC_UNKNOWN, ...).
 * and leaves a sentence in host_error(): for an RMI failure the decoded call,
 * e.g. "RMI_DATA_CREATE(rd=0x40003000, ...) = RMI_ERROR_RTT (level 2)". */
#ifndef CCAKIT_HOST_H
#define CCAKIT_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ccakit/abi/rmi.h"
#include "ccakit/machine.h"

/* ---- the host (host.c) ---- */

struct host_config {
	struct ccakit_machine_config machine;
	unsigned pe;  /* the PE the host's RMI calls come from */
	FILE *trace;  /* every RMI call, decoded, one a line; NULL for none */
};

struct host {
	struct ccakit_machine *m;
	struct ccakit_memory_map map;
	unsigned pe;
	uint64_t feat0; /* RmiFeatureRegister0 */

	/* Granule allocator over NS DRAM (granule.c): a bump pointer that
	 * skips the Secure and Root regions, and a free list threaded through
	 * the free granules themselves (they are NS, so the host may write
	 * them). in_use has one bit per DRAM granule. */
	uint64_t bump;
	uint64_t free_head;
	uint64_t *in_use;
	size_t granules_in_use;

	/* VMIDs of live realms, one bit each. */
	uint64_t *vmids;
	unsigned vmid_count;

	/* Trace; a run of calls that differ only by a granule address that
	 * steps by 4 KiB is printed as its first call and a count. */
	FILE *trace;
	struct {
		uint64_t in[18], out[18];
		uint64_t last_addr;
		unsigned more;
		bool open;
	} run;

	char err[320];
};

/* Creates the machine and a host on it, checks the RMI version and reads
 * the RMM's features. Returns 0, or a negative errno with a sentence in err. */
int host_create(const struct host_config *cfg, struct host **out, char *err, size_t errlen);
/* Destroys the host and its machine (realms still alive go with it). */
void host_destroy(struct host *h);

static inline struct ccakit_machine *host_machine(struct host *h)
{
	return h->m;
}

static inline const char *host_error(const struct host *h)
{
	return h->err;
}

/* The RMI status (RMI_ERROR_INPUT, ...) of a return value; 0 if it is not
 * an RMI failure. */
static inline unsigned host_rmi_status(int rc)
{
	return rc > 0 ? (unsigned)rc & 0xff : 0;
}

/* Issues an SMC from the host's PE: regs->x[0..17] in and out, traced.
 * Returns 0 if the PE took it (X0 holds the result), or a negative errno. */
int host_smc(struct host *h, struct ccakit_smc_regs *regs);

/* An RMI call with nargs arguments (X1..); X1..X4 on return go to res (may
 * be NULL), whatever the status. Returns as described at the top. */
int host_rmi(struct host *h, uint64_t res[4], uint32_t fid, unsigned nargs, ...);

/* Ends a run of coalesced trace lines, so that the caller may write to the
 * trace itself. */
void host_trace_flush(struct host *h);

/* ---- granules (granule.c) ---- */

/* A zeroed NS granule, or n physically contiguous ones aligned to their
 * size (rounded up to a power of two). */
int host_granule_alloc(struct host *h, uint64_t *pa);
int host_granules_alloc(struct host *h, unsigned n, uint64_t *pa);
/* Gives back a granule of this allocator; it must be in the NS PAS. */
int host_granule_free(struct host *h, uint64_t pa);

/* host_granule_alloc + RMI_GRANULE_DELEGATE; and RMI_GRANULE_UNDELEGATE +
 * host_granule_free. */
int host_delegate(struct host *h, uint64_t *pa);
int host_undelegate(struct host *h, uint64_t pa);

/* ---- realms (realm.c, rtt.c, data.c, rec.c) ---- */

struct host_realm_config {
	unsigned s2sz;      /* IPA width in bits; 0 means 40 */
	unsigned hash_algo; /* RMI_HASH_SHA_256 or RMI_HASH_SHA_512 */
	unsigned num_bps;   /* breakpoints, encoded count - 1; 0 = all the RMM offers */
	unsigned num_wps;   /* watchpoints, likewise */
	uint8_t rpv[64];    /* Realm Personalization Value */
};

struct host_rtt {
	uint64_t pa;
	uint64_t ipa; /* base of the IPA range the table maps */
	int level;
};

struct host_rec {
	uint64_t pa;
	uint64_t mpidr;
	unsigned num_aux;
	uint64_t aux[RMI_MAX_REC_AUX_GRANULES];
	/* Running it (run.c): its RmiRecRun page (0 until the first entry),
	 * the list registers as the last exit left them, and the SGIs and
	 * PPIs (INTIDs 0..31) waiting for a free one. */
	uint64_t run;
	uint64_t lrs[RMI_GIC_MAX_LRS];
	uint32_t pending;
};

/* An NS page the host mapped at an unprotected IPA (run.c). */
struct host_shared {
	uint64_t ipa;
	uint64_t pa;
};

struct host_realm {
	uint64_t rd;
	unsigned s2sz;
	int rtt_level_start;
	unsigned rtt_num_start;
	uint64_t rtt_base;
	uint16_t vmid;
	bool active;

	/* RTTs below the start level, in creation order (parents first). */
	struct host_rtt *rtts;
	size_t nrtts, rtts_cap;
	struct host_rec *recs;
	size_t nrecs, recs_cap;
	uint64_t rec_aux_count; /* RMI_REC_AUX_COUNT, once read */

	/* DATA: the next IPA a DATA_CREATE may use (ascending), and the IPA
	 * range that may hold DATA granules, for teardown. */
	uint64_t data_next;
	uint64_t data_lo, data_hi;
	size_t ndata;
	uint64_t src; /* NS bounce granule for DATA_CREATE contents; 0 if none */

	/* NS pages mapped at unprotected IPAs, freed at teardown. */
	struct host_shared *shared;
	size_t nshared, shared_cap;

	/* Granules a teardown has freed from the realm but not yet undelegated
	 * (kept so that a failed teardown can be resumed). */
	uint64_t *retired;
	size_t nretired, retired_cap;
};

/* The start level and number of concatenated start tables for an IPA width,
 * the way reference-measurement tools assume: the fewest levels, with up to
 * 16 concatenated start tables. Returns false if s2sz is not 32..48. */
bool host_rtt_start(unsigned s2sz, int *level_start, unsigned *num_start);

/* RMI_REALM_CREATE: delegates the RD and the start tables, picks a VMID. */
int host_realm_create(struct host *h, const struct host_realm_config *cfg,
		      struct host_realm **out);
int host_realm_activate(struct host *h, struct host_realm *r);
/* Full teardown: RECs, DATA (skipping with DATA_DESTROY's top), RTTs
 * bottom-up, RMI_REALM_DESTROY, then every granule undelegated and back in
 * the allocator; frees r. On failure r stays valid and may be retried. */
int host_realm_destroy(struct host *h, struct host_realm *r);

/* RTT_CREATE for the levels from the start level + 1 down to `level` over
 * ipa, where the host has none yet (rtt.c). */
int host_rtt_map(struct host *h, struct host_realm *r, uint64_t ipa, int level);
/* RMI_RTT_INIT_RIPAS over [base, top) (granule aligned), as the largest
 * entries that fit (level 2 blocks, else level 3 pages), creating RTTs as
 * needed. The RIM gets one descriptor per entry, so this choice is part of
 * the measurement: host_ripas_run makes it, for this and for the build
 * plan below. */
int host_init_ripas(struct host *h, struct host_realm *r, uint64_t base, uint64_t top);
/* The run of equal entries RTT_INIT_RIPAS is given from base: returns its
 * end (<= top) and their level in *level (2: 2 MiB blocks, 3: pages). */
uint64_t host_ripas_run(uint64_t base, uint64_t top, int *level);
/* RMI_RTT_INIT_RIPAS over [base, top) as entries of `level` exactly (the
 * range made of whole ones), creating RTTs down to that level. */
int host_init_ripas_entries(struct host *h, struct host_realm *r, uint64_t base, uint64_t top,
			    int level);

/* RMI_DATA_CREATE of len bytes (zero padded to whole granules) at ipa,
 * measured or not. IPAs must ascend from one call to the next (data.c). */
int host_data_create(struct host *h, struct host_realm *r, uint64_t ipa, const void *src,
		     size_t len, bool measure);
/* RMI_DATA_CREATE_UNKNOWN over [ipa, ipa + len). */
int host_data_create_unknown(struct host *h, struct host_realm *r, uint64_t ipa, size_t len);

/* RMI_REC_CREATE of the next REC (its index is the number created so far)
 * with RMI_REC_AUX_COUNT aux granules; a runnable REC is measured, the
 * others wait for PSCI CPU_ON. gprs may be NULL (rec.c). */
int host_rec_create(struct host *h, struct host_realm *r, bool runnable, uint64_t pc,
		    const uint64_t gprs[8]);

/* Serves an RMI_EXIT_RIPAS_CHANGE of REC `rec` for [base, top) (ripas.c):
 * RMI_RTT_SET_RIPAS as far as the RMM goes, creating RTTs where the range
 * starts or ends inside a block. *done is where it stopped (top when all of
 * it changed; less when an entry could not, e.g. DESTROYED without the
 * realm's change_destroyed); the realm learns it at its next entry. */
int host_ripas_change(struct host *h, struct host_realm *r, uint64_t rec, uint64_t base,
		      uint64_t top, uint64_t *done);

/* Serves an RMI_EXIT_PSCI of REC `rec` whose exit gprs[0..1] are the
 * function ID and target MPIDR (psci.c): CPU_ON and AFFINITY_INFO are
 * completed with RMI_PSCI_COMPLETE for the target REC (this host accepts
 * every CPU_ON); *event says what the VMM must know of the rest. */
enum host_psci_event {
	HOST_PSCI_NONE,
	HOST_PSCI_CPU_OFF,      /* the REC stopped; the realm goes on */
	HOST_PSCI_SYSTEM_OFF,   /* the realm is over */
	HOST_PSCI_SYSTEM_RESET, /* the realm is over and asked to be restarted */
};
int host_psci_exit(struct host *h, struct host_realm *r, uint64_t rec, const uint64_t gprs[2],
		   enum host_psci_event *event);

/* ---- a normal, non-confidential VM (nvm.c) ---- */

/* The same image as a plain VM, for comparisons (`ccakit run --normal`):
 * the host's own stage 2 over NS RAM, its vCPUs entered directly, as KVM
 * runs a VM; no RMM involved. Exits come in the RmiRecRun layout of a REC
 * (SYNC with ESR/FAR/HPFAR for MMIO, WFx and trapped ICC_SGI1R; IRQ at the
 * end of a slice; PSCI for CPU_ON, AFFINITY_INFO, CPU_OFF, SYSTEM_OFF and
 * SYSTEM_RESET, already answered), and entries honour EMUL_MMIO and
 * INJECT_SEA, so the VMM serves a VM and a realm alike. */
#define HOST_NVM_CPUS_MAX 64
struct host_nvm;
struct host_nvm_config {
	uint64_t ram_base, ram_size; /* IPAs, page-aligned; RAM mapped up front */
	unsigned cpus;
	const uint64_t *mpidrs; /* cpus of them */
};
int host_nvm_create(struct host *h, const struct host_nvm_config *cfg, struct host_nvm **out);
/* Frees (and scrubs) every granule it owns; *vm may be half-built. */
void host_nvm_destroy(struct host_nvm *vm);
/* Copies an image into its RAM. */
int host_nvm_write(struct host *h, struct host_nvm *vm, uint64_t ipa, const void *src, size_t len);
/* Powers vCPU idx on at pc with X0 = x0 (the boot vCPU; others by CPU_ON). */
int host_nvm_start(struct host *h, struct host_nvm *vm, unsigned idx, uint64_t pc, uint64_t x0);
unsigned host_nvm_cpus(const struct host_nvm *vm);
uint64_t host_nvm_mpidr(const struct host_nvm *vm, unsigned idx);
struct rmi_rec_run *host_nvm_run(struct host_nvm *vm, unsigned idx);
int host_nvm_enter(struct host *h, struct host_nvm *vm, unsigned idx);
void host_nvm_raise(struct host_nvm *vm, unsigned idx, unsigned intid);
bool host_nvm_has_interrupt(const struct host_nvm *vm, unsigned idx);

/* ---- running RECs (run.c) ---- */

/* The RmiRecRun page of REC idx (allocated at the first call): the caller
 * sets enter.flags and enter.gprs for the next entry there. */
struct rmi_rec_run *host_rec_run(struct host *h, struct host_realm *r, unsigned idx);
/* RMI_REC_ENTER of REC idx. Before it, the interrupts pending for the REC
 * go into free list registers (group 1, priority 0xa0); after it, the exit
 * record is in host_rec_run()'s page, and the list registers are kept for
 * the next entry. Clears enter.flags and enter.gprs once consumed. */
int host_rec_enter(struct host *h, struct host_realm *r, unsigned idx);
/* Makes SGI or PPI intid (0..31) pending for REC idx. */
void host_rec_raise(struct host_realm *r, unsigned idx, unsigned intid);
/* Whether an interrupt is pending or active for REC idx. */
bool host_rec_has_interrupt(const struct host_realm *r, unsigned idx);
/* Maps a fresh zeroed NS page at unprotected IPA ipa (RTTs created as
 * needed) and returns its PA; the page is the host's to read and write,
 * and is freed at teardown. */
int host_share_page(struct host *h, struct host_realm *r, uint64_t ipa, uint64_t *pa);
/* The NS page mapped at unprotected IPA ipa, or 0. */
uint64_t host_shared_pa(const struct host_realm *r, uint64_t ipa);

/* A whole realm, built in the order reference-measurement tools assume. */
struct host_image {
	uint64_t ipa;
	const void *data;
	size_t len;
	bool measure;
};

struct host_region {
	uint64_t ipa;
	uint64_t len;
};

struct host_realm_layout {
	struct host_realm_config realm;
	struct host_region ram;               /* RTT_INIT_RIPAS */
	const struct host_image *images;      /* DATA_CREATE, any order */
	size_t nimages;
	const struct host_region *unknown;    /* DATA_CREATE_UNKNOWN */
	size_t nunknown;
	unsigned nrecs;                       /* at least 1 */
	uint64_t pc;                          /* REC 0's entry point */
	uint64_t gprs[8];                     /* REC 0's X0..X7 */
};

/* REALM_CREATE, RTT_INIT_RIPAS over the RAM, DATA_CREATE in ascending IPA,
 * DATA_CREATE_UNKNOWN, REC_CREATE; the realm is left NEW, for
 * host_realm_activate. On failure everything built is torn down. It
 * executes host_build_plan's steps (build.c). */
int host_realm_build(struct host *h, const struct host_realm_layout *l, struct host_realm **out);

/* host_realm_build's RMI steps as data, in the order it issues them: what
 * a reference-measurement tool replays to predict the RIM (`ccakit
 * measure`, src/vmm/rim.c), so that the order and every choice that is
 * measured (entry sizes of RTT_INIT_RIPAS, DATA order, which REC is
 * runnable) has one definition. What the host chooses at run time
 * (granule addresses, RTT_CREATE, aux granules) is not measured and is not
 * here. */
enum host_build_op {
	HOST_BUILD_REALM_CREATE, /* RMI_REALM_CREATE with layout->realm */
	HOST_BUILD_INIT_RIPAS,   /* region as entries of `level`, one descriptor each */
	HOST_BUILD_DATA,         /* *image: a DATA_CREATE per granule, zero padded */
	HOST_BUILD_DATA_UNKNOWN, /* region: DATA_CREATE_UNKNOWN, not measured */
	HOST_BUILD_REC_CREATE,   /* REC `rec`: runnable, pc, gprs */
};

struct host_build_step {
	enum host_build_op op;
	struct host_region region;      /* INIT_RIPAS, DATA_UNKNOWN */
	int level;                      /* INIT_RIPAS */
	const struct host_image *image; /* DATA: points into the layout */
	unsigned rec;                   /* REC_CREATE: its index */
	bool runnable;
	uint64_t pc;
	uint64_t gprs[8];
};

struct host_build_plan {
	struct host_build_step *steps;
	size_t nsteps;
};

/* The steps for layout l (which must outlive the plan). Returns 0, or a
 * negative errno with a sentence in err (no REC, a RAM range that is not
 * granule-aligned, out of memory). */
int host_build_plan(const struct host_realm_layout *l, struct host_build_plan *plan, char *err,
		    size_t errlen);
void host_build_plan_free(struct host_build_plan *plan);

#endif
