/* RTT walks and the table commands RMI_RTT_CREATE / DESTROY / FOLD /
 * READ_ENTRY. */
#include <assert.h>
#include <string.h>

#include "rmm/rtt.h"

bool rtt_start_config_ok(uint64_t s2sz, int64_t level_start, uint64_t num_start)
{
	/* No LPA2: start levels 0..3. A level-L table resolves (3-L)*9+12+9
	 * bits; up to 16 concatenated tables add 4 more when L > 0. */
	if (level_start < 0 || level_start > RTT_LEVEL_MAX)
		return false;
	unsigned single = 9u * (unsigned)(RTT_LEVEL_MAX - level_start) + GRANULE_SHIFT + 9;
	unsigned min = single - 9 + 1;
	unsigned max = single + (level_start > 0 ? 4 : 0);
	if (s2sz < min || s2sz > max)
		return false;
	uint64_t expected = s2sz <= single ? 1 : UINT64_C(1) << (s2sz - single);
	return num_start == expected;
}

void rtt_init_start_table(const struct rd *rd, uint64_t *table, unsigned n)
{
	uint64_t size = rtt_level_size(rd->rtt_level_start);
	uint64_t ipa = (uint64_t)n * RTT_ENTRIES * size;
	for (unsigned i = 0; i < RTT_ENTRIES; i++, ipa += size)
		table[i] = ipa_in_par(rd, ipa) ? s2tte_unassigned(RIPAS_EMPTY)
					       : s2tte_unassigned_ns();
}

void rtt_walk_lock(struct rmm *rmm, const struct rd *rd, uint64_t ipa, int target_level,
		   struct rtt_walk *wi)
{
	int level = rd->rtt_level_start;
	uint64_t index = ipa >> rtt_level_shift(level);
	struct granule *g = granule_at(rmm, rd->rtt_base + (index / RTT_ENTRIES) * GRANULE_SIZE);

	assert(index / RTT_ENTRIES < rd->rtt_num_start);
	granule_lock(g);
	uint64_t *table = granule_map(rmm, g);
	index %= RTT_ENTRIES;
	while (level < target_level) {
		uint64_t e = table[index];
		if (s2tte_kind(e, level) != S2TTE_TABLE)
			break;
		struct granule *child = granule_at(rmm, s2tte_pa(e, RTT_LEVEL_MAX));
		granule_lock(child);
		assert(child->state == GS_RTT);
		granule_unlock(g);
		g = child;
		table = granule_map(rmm, g);
		level++;
		index = (ipa >> rtt_level_shift(level)) % RTT_ENTRIES;
	}
	wi->g = g;
	wi->table = table;
	wi->level = level;
	wi->index = (unsigned)index;
}

uint64_t rtt_skip_non_live(const struct rtt_walk *wi, uint64_t ipa)
{
	uint64_t size = rtt_level_size(wi->level);
	uint64_t base = ipa & ~(size * RTT_ENTRIES - 1);
	if (s2tte_is_live(wi->table[wi->index], wi->level))
		return ipa;
	for (unsigned i = wi->index + 1; i < RTT_ENTRIES; i++)
		if (s2tte_is_live(wi->table[i], wi->level))
			return base + i * size;
	return base + RTT_ENTRIES * size;
}

struct rd *rtt_cmd_lock_rd(struct rmm *rmm, uint64_t rd_addr, uint64_t ipa, uint64_t level,
			   rtt_args_ok_fn ok, struct granule **g_rd)
{
	struct granule *g = find_lock_granule(rmm, rd_addr, GS_RD);
	if (!g)
		return NULL;
	struct rd *rd = rd_map(rmm, g);
	if (!ok(rd, ipa, level)) {
		granule_unlock(g);
		return NULL;
	}
	*g_rd = g;
	return rd;
}

void rtt_cmd_unlock(struct rtt_walk *wi, struct granule *g_rd)
{
	granule_unlock(wi->g);
	granule_unlock(g_rd);
}

/* Checks shared by the commands that name a table by (ipa, level): the RD is
 * locked; level_bound is [start + 1, 3], ipa_align is to the parent level. */
static bool rtt_level_ipa_ok(const struct rd *rd, uint64_t ipa, uint64_t level)
{
	if ((int64_t)level < rd->rtt_level_start + 1 || level > RTT_LEVEL_MAX)
		return false;
	return rtt_level_aligned(ipa, (int)level - 1) && ipa_in_range(rd, ipa);
}

/* RTT_READ_ENTRY's: level in [start, 3], ipa aligned to that level. */
static bool read_entry_args_ok(const struct rd *rd, uint64_t ipa, uint64_t level)
{
	return (int64_t)level >= rd->rtt_level_start && level <= RTT_LEVEL_MAX &&
	       rtt_level_aligned(ipa, (int)level) && ipa_in_range(rd, ipa);
}

RMI_HANDLER(rmi_rtt_create)
{
	uint64_t rd_addr = arg[0], rtt_addr = arg[1], ipa = arg[2], level = arg[3];
	struct granule_req reqs[2] = {
		{ .pa = rd_addr, .state = GS_RD },
		{ .pa = rtt_addr, .state = GS_DELEGATED },
	};
	struct rtt_walk wi;
	(void)pe;
	(void)res;

	/* rd_align/bound/state, rtt_align/bound/state (and rtt_bound2: no DRAM
	 * lies at or above 2^48) */
	if (!find_lock_granules(rmm, reqs, 2))
		return rmi_return(RMI_ERROR_INPUT, 0);
	struct rd *rd = rd_map(rmm, reqs[0].g);
	/* level_bound, ipa_align, ipa_bound */
	if (!rtt_level_ipa_ok(rd, ipa, level)) {
		unlock_granules(reqs, 2);
		return rmi_return(RMI_ERROR_INPUT, 0);
	}
	int parent_level = (int)level - 1;
	rtt_walk_lock(rmm, rd, ipa, parent_level, &wi);
	uint64_t ret;
	uint64_t *pe_entry = rtt_walk_entry(&wi);
	enum s2tte_kind kind = s2tte_kind(*pe_entry, parent_level);
	if (wi.level < parent_level) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
	} else if (kind == S2TTE_TABLE) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)parent_level); /* rtte_state */
	} else {
		/* Unfold the parent entry into the new table. */
		uint64_t *table = granule_map(rmm, reqs[1].g);
		uint64_t parent = *pe_entry;
		uint64_t step = rtt_level_size((int)level);
		struct granule *rtt = reqs[1].g;
		rtt->refcount = 0;
		for (unsigned i = 0; i < RTT_ENTRIES; i++) {
			switch (kind) {
			case S2TTE_UNASSIGNED:
			case S2TTE_UNASSIGNED_NS:
				table[i] = parent;
				break;
			case S2TTE_ASSIGNED:
				table[i] = s2tte_assigned(s2tte_pa(parent, parent_level) + i * step,
							  (int)level, s2tte_ripas(parent));
				rtt->refcount++;
				break;
			case S2TTE_ASSIGNED_NS:
				/* Not counted: NS mappings leave an RTT non-live
				 * (spec A5.5.8). A held block becomes pages held
				 * only where their granule is not NS. */
				table[i] = s2tte_ns_entry(
					rmm, s2tte_ns_host_desc(parent, parent_level) + i * step,
					(int)level);
				break;
			case S2TTE_TABLE:
				break;
			}
		}
		/* The parent's refcount counts ASSIGNED and TABLE entries: it
		 * grows unless a counted ASSIGNED block became the table. */
		if (kind != S2TTE_ASSIGNED)
			wi.g->refcount++;
		rtt->state = GS_RTT;
		/* A live block becomes a table of the same mappings: the new table
		 * is complete before the parent points at it. */
		__atomic_store_n(pe_entry, s2tte_table(rtt_addr), __ATOMIC_RELEASE);
		ret = rmi_return(RMI_SUCCESS, 0);
	}
	granule_unlock(wi.g);
	unlock_granules(reqs, 2);
	return ret;
}

RMI_HANDLER(rmi_rtt_destroy)
{
	uint64_t rd_addr = arg[0], ipa = arg[1], level = arg[2];
	struct rtt_walk wi;
	(void)pe;

	struct granule *g_rd;
	/* rd_align, rd_bound, rd_state; level_bound, ipa_align, ipa_bound */
	struct rd *rd = rtt_cmd_lock_rd(rmm, rd_addr, ipa, level, rtt_level_ipa_ok, &g_rd);
	if (!rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	int parent_level = (int)level - 1;
	uint64_t ret;
	rtt_walk_lock(rmm, rd, ipa, parent_level, &wi);
	uint64_t *pe_entry = rtt_walk_entry(&wi);
	if (wi.level < parent_level) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
		res->x[1] = rtt_skip_non_live(&wi, ipa);
	} else if (s2tte_kind(*pe_entry, parent_level) != S2TTE_TABLE) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtte_state */
		res->x[1] = rtt_skip_non_live(&wi, ipa);
	} else {
		uint64_t rtt_pa = s2tte_pa(*pe_entry, RTT_LEVEL_MAX);
		struct granule *rtt = granule_at(rmm, rtt_pa);
		granule_lock(rtt);
		if (rtt->refcount != 0) {
			ret = rmi_return(RMI_ERROR_RTT, (unsigned)level); /* rtt_live */
			res->x[1] = ipa;
		} else {
			*pe_entry = ipa_in_par(rd, ipa) ? s2tte_unassigned(RIPAS_DESTROYED)
							: s2tte_unassigned_ns();
			wi.g->refcount--;
			ns_maps_discard_table(rmm, granule_map(rmm, rtt), (int)level);
			granule_scrub_to_delegated(rmm, rtt);
			res->x[0] = rtt_pa;
			res->x[1] = rtt_skip_non_live(&wi, ipa);
			ret = rmi_return(RMI_SUCCESS, 0);
		}
		granule_unlock(rtt);
	}
	granule_unlock(wi.g);
	/* The table may have held valid unprotected mappings. */
	if (ret == rmi_return(RMI_SUCCESS, 0))
		realm_tlbi(rmm, rd_addr);
	granule_unlock(g_rd);
	return ret;
}

/* Whether a table is homogeneous, and the entry that replaces it at the
 * parent level if so. Held ASSIGNED_NS entries are the valid ones they
 * hold; the block is held if its output is not all NS. */
static bool rtt_fold_entry(struct rmm *rmm, const uint64_t *table, int level, uint64_t *folded)
{
	uint64_t first = s2tte_ns_release(table[0]);
	enum s2tte_kind kind = s2tte_kind(first, level);
	uint64_t step = rtt_level_size(level);
	int parent_level = level - 1;

	switch (kind) {
	case S2TTE_UNASSIGNED:
	case S2TTE_UNASSIGNED_NS:
		for (unsigned i = 1; i < RTT_ENTRIES; i++)
			if (table[i] != first)
				return false;
		*folded = first;
		return true;
	case S2TTE_ASSIGNED:
	case S2TTE_ASSIGNED_NS: {
		uint64_t pa = s2tte_pa(first, level);
		if (parent_level < RTT_MIN_BLOCK_LEVEL || !rtt_level_aligned(pa, parent_level))
			return false;
		uint64_t attrs = first & ~S2TTE_OA_MASK;
		for (unsigned i = 1; i < RTT_ENTRIES; i++) {
			uint64_t e = s2tte_ns_release(table[i]);
			if (s2tte_kind(e, level) != kind || s2tte_pa(e, level) != pa + i * step ||
			    (e & ~S2TTE_OA_MASK) != attrs)
				return false;
		}
		if (kind == S2TTE_ASSIGNED)
			*folded = s2tte_assigned(pa, parent_level, s2tte_ripas(first));
		else
			*folded = s2tte_ns_entry(rmm, s2tte_ns_host_desc(first, level), parent_level);
		return true;
	}
	case S2TTE_TABLE:
		return false;
	}
	return false;
}

RMI_HANDLER(rmi_rtt_fold)
{
	uint64_t rd_addr = arg[0], ipa = arg[1], level = arg[2];
	struct rtt_walk wi;
	(void)pe;

	struct granule *g_rd;
	/* rd_align, rd_bound, rd_state; level_bound, ipa_align, ipa_bound */
	struct rd *rd = rtt_cmd_lock_rd(rmm, rd_addr, ipa, level, rtt_level_ipa_ok, &g_rd);
	if (!rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	int parent_level = (int)level - 1;
	uint64_t ret;
	rtt_walk_lock(rmm, rd, ipa, parent_level, &wi);
	uint64_t *pe_entry = rtt_walk_entry(&wi);
	if (wi.level < parent_level) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)wi.level); /* rtt_walk */
	} else if (s2tte_kind(*pe_entry, parent_level) != S2TTE_TABLE) {
		ret = rmi_return(RMI_ERROR_RTT, (unsigned)parent_level); /* rtte_state */
	} else {
		uint64_t rtt_pa = s2tte_pa(*pe_entry, RTT_LEVEL_MAX);
		struct granule *rtt = granule_at(rmm, rtt_pa);
		uint64_t folded;
		granule_lock(rtt);
		if (!rtt_fold_entry(rmm, granule_map(rmm, rtt), (int)level, &folded)) {
			ret = rmi_return(RMI_ERROR_RTT, (unsigned)level); /* rtte_homo */
		} else {
			enum s2tte_kind k = s2tte_kind(folded, parent_level);
			*pe_entry = folded;
			/* TABLE counted once; an ASSIGNED block counts the same,
			 * an ASSIGNED_NS block not at all (spec A5.5.8). */
			if (k != S2TTE_ASSIGNED)
				wi.g->refcount--;
			granule_scrub_to_delegated(rmm, rtt);
			res->x[0] = rtt_pa;
			ret = rmi_return(RMI_SUCCESS, 0);
		}
		granule_unlock(rtt);
	}
	rtt_cmd_unlock(&wi, g_rd);
	return ret;
}

RMI_HANDLER(rmi_rtt_read_entry)
{
	uint64_t rd_addr = arg[0], ipa = arg[1], level = arg[2];
	struct rtt_walk wi;
	(void)pe;

	struct granule *g_rd;
	/* rd_align, rd_bound, rd_state; level_bound, ipa_align, ipa_bound */
	struct rd *rd = rtt_cmd_lock_rd(rmm, rd_addr, ipa, level, read_entry_args_ok, &g_rd);
	if (!rd)
		return rmi_return(RMI_ERROR_INPUT, 0);
	rtt_walk_lock(rmm, rd, ipa, (int)level, &wi);
	uint64_t e = *rtt_walk_entry(&wi);
	res->x[0] = (uint64_t)wi.level;
	switch (s2tte_kind(e, wi.level)) {
	case S2TTE_UNASSIGNED:
		res->x[1] = RMI_UNASSIGNED;
		res->x[2] = 0;
		res->x[3] = s2tte_ripas(e);
		break;
	case S2TTE_ASSIGNED:
		res->x[1] = RMI_ASSIGNED;
		res->x[2] = s2tte_pa(e, wi.level);
		res->x[3] = s2tte_ripas(e);
		break;
	case S2TTE_UNASSIGNED_NS:
		res->x[1] = RMI_UNASSIGNED;
		res->x[2] = 0;
		res->x[3] = RIPAS_EMPTY;
		break;
	case S2TTE_ASSIGNED_NS:
		res->x[1] = RMI_ASSIGNED;
		res->x[2] = s2tte_ns_host_desc(e, wi.level);
		res->x[3] = RIPAS_EMPTY;
		break;
	case S2TTE_TABLE:
		res->x[1] = RMI_TABLE;
		res->x[2] = s2tte_pa(e, RTT_LEVEL_MAX);
		res->x[3] = RIPAS_EMPTY;
		break;
	}
	rtt_cmd_unlock(&wi, g_rd);
	return rmi_return(RMI_SUCCESS, 0);
}
