/* Realm Translation Tables: VMSAv8-64 stage-2 tables, 4 KiB granule, in RTT
 * granules. Valid entries are in the hardware format, so the vCPU's MMU
 * walks the very tables the RMM maintains; invalid entries carry the RMM's
 * software state (HIPAS and RIPAS), as TF-RMM 1.0 encodes them. */
#ifndef CCAKIT_RMM_RTT_H
#define CCAKIT_RMM_RTT_H

#include "cpu/vcpu.h"
#include "rmm/rmm.h"

#define RTT_ENTRIES 512
#define RTT_LEVEL_MAX 3
#define RTT_MIN_BLOCK_LEVEL 2 /* lowest level at which an entry may map a block */
#define RTT_MIN_S2SZ 32
#define RTT_MAX_START_TABLES 16

/* ---- descriptor encoding ---- */
#define S2TTE_VALID (UINT64_C(1) << 0)
#define S2TTE_TYPE_MASK UINT64_C(3)
#define S2TTE_TYPE_TABLE_OR_PAGE UINT64_C(3)
#define S2TTE_TYPE_BLOCK UINT64_C(1)
#define S2TTE_OA_MASK UINT64_C(0x0000fffffffff000)
#define S2TTE_MEMATTR_MASK (UINT64_C(7) << 2)
#define S2TTE_MEMATTR_FWB_NORMAL_WB (UINT64_C(6) << 2)
#define S2TTE_MEMATTR_FWB_RESERVED (UINT64_C(4) << 2)
#define S2TTE_S2AP_MASK (UINT64_C(3) << 6)
#define S2TTE_S2AP_RW (UINT64_C(3) << 6)
#define S2TTE_SH_IS (UINT64_C(3) << 8)
#define S2TTE_AF (UINT64_C(1) << 10)
#define S2TTE_XN_EL1 (UINT64_C(2) << 53)
#define S2TTE_NS (UINT64_C(1) << 55) /* software bit: the unprotected half */
/* Invalid entries: HIPAS in [4:2], RIPAS in [6:5]. */
#define S2TTE_HIPAS_SHIFT 2
#define S2TTE_HIPAS_MASK (UINT64_C(7) << S2TTE_HIPAS_SHIFT)
#define S2TTE_HIPAS_UNASSIGNED UINT64_C(0)
#define S2TTE_HIPAS_ASSIGNED (UINT64_C(1) << S2TTE_HIPAS_SHIFT)
#define S2TTE_RIPAS_SHIFT 5
#define S2TTE_RIPAS_MASK (UINT64_C(3) << S2TTE_RIPAS_SHIFT)
/* An ASSIGNED_NS entry whose OA lies beyond the vCPU's NS alias window is
 * kept invalid, with the host's MemAttr moved to bits [61:59] (ignored: the
 * entry is invalid). */
#define S2TTE_NS_MEMATTR_SW_SHIFT 59
/* Software bit: a valid ASSIGNED_NS entry whose output is not (or is being
 * made not) NS in the GPT, kept with its valid bit clear so that an access
 * faults in the vCPU's own stage-2 walk, where the fault is precise, and the
 * RMM reports it as a granule protection fault (docs/unicorn-notes.md, 20).
 * For the host and every RMM decision it is the valid entry it holds. */
#define S2TTE_NS_HELD (UINT64_C(1) << 56)
/* What a host may set in RMI_RTT_MAP_UNPROTECTED's desc besides the OA. */
#define S2TTE_NS_HOST_ATTRS (S2TTE_MEMATTR_MASK | S2TTE_S2AP_MASK)
#define S2TTE_PROTECTED_ATTRS (S2TTE_AF | S2TTE_SH_IS | S2TTE_S2AP_RW | S2TTE_MEMATTR_FWB_NORMAL_WB)

static inline unsigned rtt_level_shift(int level)
{
	return GRANULE_SHIFT + 9u * (unsigned)(RTT_LEVEL_MAX - level);
}

static inline uint64_t rtt_level_size(int level)
{
	return UINT64_C(1) << rtt_level_shift(level);
}

static inline bool rtt_level_aligned(uint64_t addr, int level)
{
	return (addr & (rtt_level_size(level) - 1)) == 0;
}

/* The host-visible entry states, plus what RTT_READ_ENTRY cannot tell apart. */
enum s2tte_kind {
	S2TTE_UNASSIGNED,    /* protected, RIPAS in the entry */
	S2TTE_ASSIGNED,      /* protected, OA, RIPAS RAM (valid) or EMPTY/DESTROYED */
	S2TTE_UNASSIGNED_NS, /* unprotected */
	S2TTE_ASSIGNED_NS,   /* unprotected, host OA and attributes (see s2tte_assigned_ns) */
	S2TTE_TABLE,
};

static inline uint64_t s2tte_unassigned(enum rmi_ripas ripas)
{
	return S2TTE_HIPAS_UNASSIGNED | (uint64_t)ripas << S2TTE_RIPAS_SHIFT;
}

static inline uint64_t s2tte_unassigned_ns(void)
{
	return S2TTE_NS;
}

/* ASSIGNED at `level` (2 or 3) with `ripas`: RAM is a valid mapping, EMPTY
 * and DESTROYED keep the OA in an invalid entry. */
static inline uint64_t s2tte_assigned(uint64_t pa, int level, enum rmi_ripas ripas)
{
	if (ripas == RIPAS_RAM)
		return pa | S2TTE_PROTECTED_ATTRS |
		       (level == RTT_LEVEL_MAX ? S2TTE_TYPE_TABLE_OR_PAGE : S2TTE_TYPE_BLOCK);
	return pa | S2TTE_HIPAS_ASSIGNED | (uint64_t)ripas << S2TTE_RIPAS_SHIFT;
}

/* ASSIGNED_NS from the host's desc (OA, MemAttr, S2AP). The realm reaches
 * the host's memory through the vCPU's NS alias window, whose accesses pass
 * the granule protection check, so the valid entry's OA is the alias of the
 * host's. An OA beyond the window can hold no NS memory: such an entry stays
 * invalid and an access to it faults. */
static inline uint64_t s2tte_assigned_ns(uint64_t host_desc, int level)
{
	uint64_t oa = host_desc & S2TTE_OA_MASK;
	if (oa < VCPU_NS_ALIAS_SIZE)
		return (VCPU_NS_ALIAS_BASE + oa) | (host_desc & S2TTE_NS_HOST_ATTRS) | S2TTE_AF |
		       S2TTE_XN_EL1 | S2TTE_NS |
		       (level == RTT_LEVEL_MAX ? S2TTE_TYPE_TABLE_OR_PAGE : S2TTE_TYPE_BLOCK);
	return oa | (host_desc & S2TTE_S2AP_MASK) |
	       ((host_desc & S2TTE_MEMATTR_MASK) >> 2) << S2TTE_NS_MEMATTR_SW_SHIFT |
	       S2TTE_HIPAS_ASSIGNED | S2TTE_NS;
}

/* Whether e is an ASSIGNED_NS entry the granule protection check holds. */
static inline bool s2tte_ns_is_held(uint64_t e)
{
	return !(e & S2TTE_VALID) && (e & S2TTE_NS_HELD);
}

/* The held form of a valid ASSIGNED_NS entry, and the valid form back.
 * Other entries (the invalid beyond-window form included) are unchanged. */
static inline uint64_t s2tte_ns_hold(uint64_t e)
{
	if ((e & (S2TTE_VALID | S2TTE_NS)) != (S2TTE_VALID | S2TTE_NS))
		return e;
	return (e & ~S2TTE_VALID) | S2TTE_NS_HELD;
}

static inline uint64_t s2tte_ns_release(uint64_t e)
{
	if (!s2tte_ns_is_held(e))
		return e;
	return (e & ~S2TTE_NS_HELD) | S2TTE_VALID;
}

/* The host's view of an ASSIGNED_NS entry: its OA and attributes, as
 * RMI_RTT_MAP_UNPROTECTED received them. */
static inline uint64_t s2tte_ns_host_desc(uint64_t e, int level)
{
	e = s2tte_ns_release(e);
	uint64_t oa = e & S2TTE_OA_MASK & ~(rtt_level_size(level) - 1);
	if (e & S2TTE_VALID)
		return (oa - VCPU_NS_ALIAS_BASE) | (e & S2TTE_NS_HOST_ATTRS);
	return oa | (e & S2TTE_S2AP_MASK) | ((e >> S2TTE_NS_MEMATTR_SW_SHIFT) & 7) << 2;
}

static inline uint64_t s2tte_table(uint64_t rtt_pa)
{
	return rtt_pa | S2TTE_TYPE_TABLE_OR_PAGE;
}

static inline enum s2tte_kind s2tte_kind(uint64_t e, int level)
{
	e = s2tte_ns_release(e);
	if (e & S2TTE_VALID) {
		if (level < RTT_LEVEL_MAX && (e & S2TTE_TYPE_MASK) == S2TTE_TYPE_TABLE_OR_PAGE)
			return S2TTE_TABLE;
		return (e & S2TTE_NS) ? S2TTE_ASSIGNED_NS : S2TTE_ASSIGNED;
	}
	bool assigned = (e & S2TTE_HIPAS_MASK) == S2TTE_HIPAS_ASSIGNED;
	if (e & S2TTE_NS)
		return assigned ? S2TTE_ASSIGNED_NS : S2TTE_UNASSIGNED_NS;
	return assigned ? S2TTE_ASSIGNED : S2TTE_UNASSIGNED;
}

static inline enum rmi_ripas s2tte_ripas(uint64_t e)
{
	if (e & S2TTE_NS)
		return RIPAS_EMPTY; /* unprotected entries have none: EMPTY to the host */
	if (e & S2TTE_VALID)
		return RIPAS_RAM;
	return (enum rmi_ripas)((e & S2TTE_RIPAS_MASK) >> S2TTE_RIPAS_SHIFT);
}

static inline uint64_t s2tte_pa(uint64_t e, int level)
{
	return e & S2TTE_OA_MASK & ~(rtt_level_size(level) - 1);
}

/* Live RTT entries (spec A5.5.8: they hold a PA): ASSIGNED (any RIPAS),
 * ASSIGNED_NS and TABLE. An RTT is live, and its refcount non-zero, only for
 * ASSIGNED and TABLE entries: NS mappings do not pin it. */
static inline bool s2tte_is_live(uint64_t e, int level)
{
	enum s2tte_kind k = s2tte_kind(e, level);
	return k == S2TTE_ASSIGNED || k == S2TTE_ASSIGNED_NS || k == S2TTE_TABLE;
}

/* ---- unprotected mappings and the GPT (rtt_ns.c) ---- */

/* Whether every granule of [oa, oa + size) is DRAM the NS alias window can
 * reach now: NS in the GPT and not being delegated. */
bool ns_range_reachable(struct rmm *rmm, uint64_t oa, uint64_t size);
/* The entry RMI_RTT_MAP_UNPROTECTED's desc gives at `level` now: the valid
 * ASSIGNED_NS entry, held unless every granule it outputs is NS (and not
 * being delegated). */
uint64_t s2tte_ns_entry(struct rmm *rmm, uint64_t host_desc, int level);
/* Counts (delta +1) or uncounts (-1) the unprotected mapping e at `level` in
 * the per-granule counts GRANULE_DELEGATE consults; no-op for other kinds. */
void ns_maps_account(struct rmm *rmm, uint64_t e, int level, int delta);
/* The same for every entry of an RTT at `level` the RMM discards. */
void ns_maps_discard_table(struct rmm *rmm, const uint64_t *table, int level);

/* ---- walks ---- */

struct rtt_walk {
	struct granule *g; /* the table at `level`, locked */
	uint64_t *table;
	int level;
	unsigned index;    /* entry for the IPA in that table */
};

static inline uint64_t *rtt_walk_entry(const struct rtt_walk *wi)
{
	return &wi->table[wi->index];
}

/* Walks from the start level towards `target_level` (the RD must be locked),
 * stopping early at an entry that is not a table. Returns with wi->g locked. */
void rtt_walk_lock(struct rmm *rmm, const struct rd *rd, uint64_t ipa, int target_level,
		   struct rtt_walk *wi);

/* A command's check of its (ipa, level) arguments against the realm:
 * level_bound, ipa_align and ipa_bound. */
typedef bool (*rtt_args_ok_fn)(const struct rd *rd, uint64_t ipa, uint64_t level);

/* The opening every RTT command shares: rd_align, rd_bound and rd_state
 * (the RD is locked), then `ok`. Returns the RD with its granule in *g_rd,
 * or NULL with nothing locked (RMI_ERROR_INPUT). */
struct rd *rtt_cmd_lock_rd(struct rmm *rmm, uint64_t rd_addr, uint64_t ipa, uint64_t level,
			   rtt_args_ok_fn ok, struct granule **g_rd);
/* Ends a command that walked: the table reached, then the RD. */
void rtt_cmd_unlock(struct rtt_walk *wi, struct granule *g_rd);

/* REALM_CREATE's rtt_num_level check. */
bool rtt_start_config_ok(uint64_t s2sz, int64_t level_start, uint64_t num_start);
/* Fills starting-level table number `n` of a new realm. */
void rtt_init_start_table(const struct rd *rd, uint64_t *table, unsigned n);

/* The IPA just past the run of non-live entries following wi's entry in its
 * table (the "top" output of DATA_DESTROY and friends). */
uint64_t rtt_skip_non_live(const struct rtt_walk *wi, uint64_t ipa);

#endif
