/* Realm world, R-EL2: the Realm Management Monitor's internal vocabulary.
 *
 * No heap for realm state: the RD lives in the RD granule, a REC in its REC
 * granule, RTTs are stage-2 tables in RTT granules. Per-granule metadata
 * (state, lock, refcount) is one compact array indexed by PA.
 *
 * Lock order (deadlock freedom):
 *   1. the "object" granules one command names (RD, REC, DATA, RTT to create,
 *      aux granules), all locked together in ascending PA order;
 *   2. then RTTs, top-down, hand-over-hand (a child is locked before its
 *      parent is released; never a parent after a child);
 *   3. the VMID allocator's lock, innermost.
 * No RTT lock is held while an object granule is locked. The live-realm
 * list's lock (rmm->realms_lock) comes between 1 and 2: REALM_CREATE and
 * REALM_DESTROY take it holding their RD, GRANULE_DELEGATE and
 * UNDELEGATE holding their granule, and then walk RTTs. */
#ifndef CCAKIT_RMM_H
#define CCAKIT_RMM_H

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ccakit/abi/rmi.h"
#include "ccakit/abi/rmm_el3.h"
#include "ccakit/abi/smccc.h"
#include "ccakit/abi/token.h"
#include "cpu/vcpu.h"
#include "platform/platform.h"
#include "cpu/vgic.h"

struct monitor;

enum granule_state {
	GS_UNDELEGATED = 0,
	GS_DELEGATED,
	GS_RD,
	GS_REC,
	GS_REC_AUX,
	GS_DATA,
	GS_RTT,
	GS_COUNT,
};

const char *granule_state_name(enum granule_state s);

struct granule {
	atomic_uchar lock;
	uint8_t state;     /* enum granule_state; under lock */
	uint16_t reserved;
	uint32_t refcount; /* under lock: RECs of an RD; live entries of an RTT;
			      1 while a REC is inside REC_ENTER */
};

/* What the RMM keeps per PE. */
struct rmm_pe {
	struct evp_md_ctx_st *hash; /* measure.c's scratch */
	/* The engine running a REC on this PE (run.c), under `lock`, so a
	 * physical interrupt can stop it. */
	pthread_mutex_t lock;
	struct vcpu *vcpu;
	bool irq;           /* a physical interrupt is pending: REC exit IRQ */
	uint64_t slice_end; /* counter value at which the running REC's slice ends */
};

/* What the RMM holds for attestation (attest.c): obtained from EL3 at the
 * first RSI_ATTESTATION_TOKEN_INIT of the boot, then the same for every
 * realm token. */
#define RMM_PLAT_TOKEN_MAX 2048
struct rmm_attest {
	pthread_mutex_t lock;
	bool ready;
	uint32_t token_format;                     /* RMM_TOKEN_FORMAT_* (boot manifest) */
	struct evp_pkey_st *rak;                   /* the Realm Attestation Key */
	uint8_t rak_cose_key[CCA_RAK_COSE_KEY_SIZE]; /* claim 44237's bytes */
	uint8_t plat_token[RMM_PLAT_TOKEN_MAX];    /* bound to SHA-256(rak_cose_key) */
	size_t plat_token_len;
};

struct rmm {
	struct platform *plat;
	struct monitor *mon;
	struct granule *granules;
	size_t granule_count;
	uint64_t feat0;
	unsigned vmid_count;
	atomic_uchar vmid_lock;
	uint64_t *vmid_bitmap;
	struct rmm_pe *pes;
	struct vcpu **engines; /* by REC granule index (run.c) */
	uint64_t slice_us;     /* the longest a REC runs per REC_ENTER */
	/* Per DRAM granule (rtt_ns.c): how many ASSIGNED_NS entries of live
	 * realms output it (a level-2 block counts for each of its 512), and
	 * NS_MAPS_NOT_NS while GRANULE_DELEGATE has made, or is making, it
	 * leave the NS PAS. One atomic word, so that a mapping made while the
	 * granule is delegated either sees the flag or is seen by the count. */
	_Atomic uint64_t *ns_maps;
	/* The live realms, a list threaded through their RDs (rd->next_rd),
	 * under realms_lock: GRANULE_DELEGATE scans their unprotected RTTs. */
	pthread_mutex_t realms_lock;
	uint64_t realms;
	struct rmm_attest attest;
};

#define NS_MAPS_NOT_NS (UINT64_C(1) << 63)

/* A REC runs at most this long per REC_ENTER before an IRQ exit. */
#define RMM_DEFAULT_SLICE_US 20000

int rmm_boot(struct platform *plat, struct monitor *mon, const struct rmm_boot_manifest *manifest,
	     struct rmm **out, char *err, size_t errlen);
void rmm_shutdown(struct rmm *rmm);

/* Entry from the monitor: an RMI call in X0..X17, results written back. */
void rmm_handle_rmi(struct rmm *rmm, unsigned pe, struct smc_regs *regs);

/* ---- granules (granule.c) ---- */

/* The spec's PaIsDelegable: a DRAM address the RMM tracks. */
static inline bool pa_is_delegable(const struct rmm *rmm, uint64_t pa)
{
	return plat_is_dram(rmm->plat, pa);
}

static inline bool pa_is_granule_aligned(uint64_t pa)
{
	return (pa & GRANULE_MASK) == 0;
}

static inline struct granule *granule_at(struct rmm *rmm, uint64_t pa)
{
	return &rmm->granules[plat_granule_index(rmm->plat, pa)];
}

static inline uint64_t granule_pa(const struct rmm *rmm, const struct granule *g)
{
	return rmm->plat->dram_base + ((uint64_t)(g - rmm->granules) << GRANULE_SHIFT);
}

static inline void *granule_map(struct rmm *rmm, const struct granule *g)
{
	return plat_sys_ptr(rmm->plat, granule_pa(rmm, g));
}

void granule_lock(struct granule *g);
bool granule_trylock(struct granule *g);
void granule_unlock(struct granule *g);
void granule_zero(struct rmm *rmm, struct granule *g);
/* Zeroes the granule and sets its state (lock held): every return to
 * DELEGATED goes through here, so DELEGATED granules are always zero. */
void granule_scrub_to_delegated(struct rmm *rmm, struct granule *g);

/* Aligned, delegable, locked and in `state`; else NULL with nothing locked. */
struct granule *find_lock_granule(struct rmm *rmm, uint64_t pa, enum granule_state state);

struct granule_req {
	uint64_t pa;
	enum granule_state state;
	struct granule *g; /* out */
};
/* Locks a set of granules in ascending PA order, each aligned, delegable,
 * distinct and in its state; on failure nothing stays locked. */
bool find_lock_granules(struct rmm *rmm, struct granule_req *reqs, unsigned n);
void unlock_granules(struct granule_req *reqs, unsigned n);

/* Reads a host buffer that must be a granule in the NS PAS: the spec's
 * X_align, X_bound and X_pas checks, then a GPC-checked copy. */
bool ns_granule_read(struct rmm *rmm, uint64_t pa, void *buf, size_t len);

/* GRANULE_DELEGATE's and UNDELEGATE's side of the granule protection check
 * of unprotected mappings (rtt_ns.c), the granule locked: before pa leaves
 * the NS PAS every unprotected entry outputting it is held and the realms'
 * engines forget it; after it is back (or EL3 refused to move it), the
 * entries whose output is all NS again are released. */
void ns_gpt_leave(struct rmm *rmm, uint64_t pa);
void ns_gpt_return(struct rmm *rmm, uint64_t pa);
/* The live-realm list (rtt_ns.c), for REALM_CREATE (the RD and its start
 * tables still locked, so no mapping is made before the realm is listed)
 * and REALM_DESTROY (which holds realms_lock, taken before its start
 * tables' locks, around realms_remove). */
void realms_add(struct rmm *rmm, uint64_t rd_addr);
void realms_remove(struct rmm *rmm, uint64_t rd_addr);

/* Calls into EL3 (the RMM-EL3 interface), as an SMC from the Realm world. */
int64_t rmm_el3_call(struct rmm *rmm, unsigned pe, uint32_t fid, uint64_t arg);

/* ---- realms (realm.c) ---- */

enum realm_state {
	REALM_NEW = 0,
	REALM_ACTIVE = 1,
	REALM_SYSTEM_OFF = 2,
};

#define MEASUREMENT_SLOTS 5 /* RIM, then REM[0..3] */
#define MEASUREMENT_MAX 64
#define RIM_SLOT 0
#define RMI_REC_AUX_COUNT_VALUE RMI_MAX_REC_AUX_GRANULES

/* Running the realm's RECs (run.c). */
struct realm_run {
	pthread_mutex_t run_lock;  /* held by the REC that runs: they take turns */
	pthread_mutex_t tlb_lock;  /* running, running_gen, tlb_gen */
	pthread_cond_t tlb_cond;
	struct vcpu *running;      /* the engine in vcpu_run, if any */
	uint64_t running_gen;      /* the TLB generation it flushed to */
	uint64_t tlb_gen;          /* bumped by realm_tlbi */
};

/* The realm descriptor, stored in its RD granule. */
struct rd {
	uint32_t state;      /* enum realm_state */
	uint32_t s2sz;
	int32_t rtt_level_start;
	uint32_t rtt_num_start;
	uint64_t rtt_base;
	uint32_t vmid;
	uint32_t hash_algo;  /* RMI_HASH_* */
	uint64_t rec_count;  /* RECs created so far: the next REC's index */
	uint64_t flags;
	uint8_t sve_vl;
	uint8_t num_bps;
	uint8_t num_wps;
	uint8_t pmu_num_ctrs;
	uint32_t num_rec_aux;
	uint8_t measurement[MEASUREMENT_SLOTS][MEASUREMENT_MAX];
	uint8_t rpv[64];
	struct realm_run run;
	uint64_t next_rd;    /* the next live realm's RD (rmm->realms), or 0 */
};
static_assert(sizeof(struct rd) <= GRANULE_SIZE, "RD fits its granule");

static inline struct rd *rd_map(struct rmm *rmm, struct granule *g)
{
	return granule_map(rmm, g);
}

/* Protected IPA range = [0, 2^(s2sz-1)); unprotected = [2^(s2sz-1), 2^s2sz). */
static inline bool ipa_in_par(const struct rd *rd, uint64_t ipa)
{
	return ipa < (UINT64_C(1) << (rd->s2sz - 1));
}

static inline bool ipa_in_range(const struct rd *rd, uint64_t ipa)
{
	return ipa < (UINT64_C(1) << rd->s2sz);
}


/* Locks the start-level RTTs of a realm whose RD is locked. */
void rd_lock_start_rtts(struct rmm *rmm, const struct rd *rd);
void rd_unlock_start_rtts(struct rmm *rmm, const struct rd *rd);

/* ---- RECs (rec.c) ---- */

/* A REC, stored in its REC granule. */
struct rec {
	uint64_t owner_rd;
	uint64_t mpidr;
	uint64_t index;
	uint64_t runnable;
	/* X0..X30, PC and PSTATE are here between entries; the other
	 * registers are in the REC's engine once it has one, and here
	 * before that and after a reset (regs_reset). */
	struct vcpu_regs regs;
	uint64_t regs_reset;
	uint64_t engine_tlb_gen; /* the realm TLB generation its engine flushed to */
	struct vgic vgic;        /* the virtual GIC CPU interface */
	uint64_t num_aux;
	uint64_t aux[RMI_MAX_REC_AUX_GRANULES];
	/* A PSCI request forwarded to the host and awaiting PSCI_COMPLETE. */
	struct {
		uint64_t pending;
		uint64_t fid;
		uint64_t target_mpidr;
		uint64_t entry;
		uint64_t context;
	} psci;
	/* What the last REC exit was, for REC_ENTER's flag checks. */
	struct {
		uint64_t emulatable_abort; /* emulatable data abort at an unprotected IPA */
		uint64_t unprotected_abort; /* any data abort at an unprotected IPA */
		uint64_t esr;              /* that abort's full syndrome, and its VA */
		uint64_t far;
		uint64_t sysreg_pending;   /* a trapped MSR/MRS the host emulates */
		uint64_t sysreg_read;
		uint64_t sysreg_rt;
	} last_exit;
	/* An RSI_HOST_CALL the host has not answered yet: its RsiHostCall. */
	struct {
		uint64_t pending;
		uint64_t ipa;
	} host_call;
	/* An RSI_IPA_STATE_SET request being served by RTT_SET_RIPAS. */
	struct {
		uint64_t pending; /* the realm waits for the answer */
		uint64_t addr;
		uint64_t top;
		uint64_t value;
		uint64_t change_destroyed;
	} ripas;
};
static_assert(sizeof(struct rec) <= GRANULE_SIZE, "REC fits its granule");

static inline struct rec *rec_map(struct rmm *rmm, struct granule *g)
{
	return granule_map(rmm, g);
}

/* A REC's registers at creation and after CPU_ON: EL1h with D, A, I, F
 * masked, the MMU off, PC = pc, X0 = x0 (and gprs, if any, for X0..X30). */
void rec_reset_regs(struct rec *rec, uint64_t pc, const uint64_t *gprs, uint64_t x0);

/* ---- running RECs (run.c) ---- */

void realm_run_init(struct rd *rd);
void realm_run_fini(struct rd *rd);
/* Runs the REC (marked running, unlocked) until an exit for the host;
 * fills *exit. */
void rec_run(struct rmm *rmm, unsigned pe, struct granule *g_rec, struct rec *rec,
	     const struct rmi_rec_enter *enter, struct rmi_rec_exit *exit);
void rec_engine_destroy(struct rmm *rmm, struct granule *g_rec);
/* After an RTT command removed or changed a valid entry of the realm at
 * rd_addr (RTT locks released): returns once no engine of the realm can
 * use the old translation. */
void realm_tlbi(struct rmm *rmm, uint64_t rd_addr);
/* A physical interrupt for PE pe: a REC running there exits with IRQ. */
void rmm_pe_interrupt(struct rmm *rmm, unsigned pe);
/* Whether the REC running on PE pe must give the PE back to the host: a
 * physical interrupt is pending or its time slice is over (what ends a
 * run at the top of the run loop). Long RSI work checks it between steps. */
bool rec_preempt_pending(struct rmm *rmm, unsigned pe);

/* Where a realm IPA leads, for the RMM's own accesses to realm memory. */
enum realm_ipa_state {
	REALM_IPA_MAPPED,   /* ASSIGNED, RIPAS RAM: *pa is where */
	REALM_IPA_EMPTY,    /* RIPAS EMPTY: the realm has no memory there */
	REALM_IPA_UNMAPPED, /* RIPAS RAM (or DESTROYED) with no DATA yet: the
			       host must map it first; *level is where the walk
			       stopped */
};
/* (rsi.c) The RD need not be locked: the REC calling is running. */
enum realm_ipa_state realm_ipa_lookup(struct rmm *rmm, const struct rd *rd, uint64_t ipa,
				      uint64_t *pa, int *level);

/* ---- measurement (measure.c) ---- */

size_t measure_hash_size(unsigned hash_algo);
void measure_hash(struct rmm *rmm, unsigned pe, unsigned hash_algo, const void *data, size_t len,
		  uint8_t out[MEASUREMENT_MAX]);
void measure_realm_create(struct rmm *rmm, unsigned pe, struct rd *rd,
			  const struct rmi_realm_params *params);
void measure_data(struct rmm *rmm, unsigned pe, struct rd *rd, uint64_t ipa, uint64_t flags,
		  const void *content);
void measure_rec(struct rmm *rmm, unsigned pe, struct rd *rd, const struct rmi_rec_params *params);
void measure_ripas(struct rmm *rmm, unsigned pe, struct rd *rd, uint64_t base, uint64_t top);
/* RSI_MEASUREMENT_EXTEND's computation: REM[index - 1] = H(REM[0:hash size]
 * || value[0:size]) for slot index 1..4 and size 0..64 (the caller checks
 * both: index_bound, size_bound). */
void measure_extend_rem(struct rmm *rmm, unsigned pe, struct rd *rd, unsigned index,
			const uint8_t *value, size_t size);
int measure_pe_init(struct rmm *rmm);
void measure_pe_fini(struct rmm *rmm);

/* ---- RSI (rsi.c) ---- */

/* What an RSI call needs next. */
enum rsi_action {
	RSI_ACTION_DONE,           /* answered in place: X0.. hold the results */
	RSI_ACTION_HOST_CALL,      /* exit RMI_EXIT_HOST_CALL with imm and gprs */
	RSI_ACTION_RIPAS_CHANGE,   /* exit RMI_EXIT_RIPAS_CHANGE (rec->ripas holds it) */
	RSI_ACTION_BUFFER_ABORT,   /* the buffer's IPA is not mapped yet: exit as an
				      emulated stage-2 data abort at ipa, level; the
				      SMC is executed again after the host maps it */
	RSI_ACTION_IRQ,            /* answered (X0.. hold the results), and the REC
				      exits with RMI_EXIT_IRQ: an interrupt is due */
};

struct rsi_outcome {
	enum rsi_action action;
	uint64_t ipa;   /* BUFFER_ABORT */
	int level;      /* BUFFER_ABORT: where the walk stopped */
	uint16_t imm;   /* HOST_CALL */
	uint64_t gprs[RMI_REC_RUN_GPRS]; /* HOST_CALL */
};

/* Handles the RSI call in x[0..17] (X0 = FID) made by `rec` of realm `rd`
 * (the REC is running; its realm cannot go away). Results are written back
 * into x. An RSI FID nobody implements gets SMC_UNKNOWN. */
void rsi_handle(struct rmm *rmm, unsigned pe, struct rec *rec, struct rd *rd, uint64_t *x,
		struct rsi_outcome *out);

/* (rsi.c) The buffer at ipa an RSI call writes: true with *pa when it is
 * mapped; else false with *status (ERROR_INPUT for RIPAS EMPTY, or SUCCESS
 * with a BUFFER_ABORT outcome when the host has not mapped it yet). */
bool realm_buffer(struct rmm *rmm, const struct rd *rd, uint64_t ipa, struct rsi_outcome *out,
		  uint64_t *pa, uint64_t *status);

/* ---- attestation (attest.c) ---- */

int attest_boot(struct rmm *rmm, const struct rmm_boot_manifest *manifest);
void attest_shutdown(struct rmm *rmm);
/* RSI_ATTESTATION_TOKEN_INIT and _CONTINUE for `rec`: results in x. */
void rsi_token_init(struct rmm *rmm, unsigned pe, struct rec *rec, struct rd *rd, uint64_t *x);
void rsi_token_continue(struct rmm *rmm, unsigned pe, struct rec *rec, struct rd *rd, uint64_t *x,
			struct rsi_outcome *out);

/* ---- PSCI for realms (psci.c) ---- */

/* A realm's PSCI call: answered in place, or forwarded to the host as an
 * RMI_EXIT_PSCI with the call in gprs (the realm's X0 is then set by the
 * RMM, or by RMI_PSCI_COMPLETE for CPU_ON and AFFINITY_INFO). */
struct psci_outcome {
	bool exit;
	uint64_t gprs[2]; /* FID, and the target MPIDR where there is one */
};

/* Handles the PSCI call in x[0..3] made by `rec` (index rec->index) of realm
 * `rd`; results in x[0]. */
void psci_handle(struct rec *rec, struct rd *rd, uint64_t *x, struct psci_outcome *out);

/* ---- RMI handlers: one per command, in the file of its object family ---- */

struct rmi_result {
	uint64_t x[5]; /* X1.. */
};

#define RMI_HANDLER(name)                                                                   \
	uint64_t name(struct rmm *rmm, unsigned pe, const uint64_t *arg, struct rmi_result *res)

RMI_HANDLER(rmi_version);
RMI_HANDLER(rmi_features);
RMI_HANDLER(rmi_granule_delegate);
RMI_HANDLER(rmi_granule_undelegate);
RMI_HANDLER(rmi_realm_create);
RMI_HANDLER(rmi_realm_activate);
RMI_HANDLER(rmi_realm_destroy);
RMI_HANDLER(rmi_rec_aux_count);
RMI_HANDLER(rmi_rec_create);
RMI_HANDLER(rmi_rec_destroy);
RMI_HANDLER(rmi_rec_enter);
RMI_HANDLER(rmi_psci_complete);
RMI_HANDLER(rmi_rtt_create);
RMI_HANDLER(rmi_rtt_destroy);
RMI_HANDLER(rmi_rtt_fold);
RMI_HANDLER(rmi_rtt_read_entry);
RMI_HANDLER(rmi_rtt_map_unprotected);
RMI_HANDLER(rmi_rtt_unmap_unprotected);
RMI_HANDLER(rmi_rtt_init_ripas);
RMI_HANDLER(rmi_rtt_set_ripas);
RMI_HANDLER(rmi_data_create);
RMI_HANDLER(rmi_data_create_unknown);
RMI_HANDLER(rmi_data_destroy);

#endif
