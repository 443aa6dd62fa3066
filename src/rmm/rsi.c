/* The Realm Services Interface, RSI 1.0: what a realm asks the RMM for with
 * an SMC. Failure conditions as in the spec notes, section 4. Calls that need
 * the host (host calls, RIPAS changes) or a buffer the host has not mapped
 * yet end in an outcome the REC_ENTER loop turns into a REC exit. */
#include <string.h>

#include "ccakit/abi/rsi.h"
#include "rmm/rtt.h"

enum realm_ipa_state realm_ipa_lookup(struct rmm *rmm, const struct rd *rd, uint64_t ipa,
					     uint64_t *pa, int *level)
{
	struct rtt_walk wi;
	rtt_walk_lock(rmm, rd, ipa, RTT_LEVEL_MAX, &wi);
	uint64_t e = *rtt_walk_entry(&wi);
	enum s2tte_kind kind = s2tte_kind(e, wi.level);
	enum realm_ipa_state st;

	*level = wi.level;
	if (kind == S2TTE_ASSIGNED && s2tte_ripas(e) == RIPAS_RAM) {
		*pa = s2tte_pa(e, wi.level) + (ipa & (rtt_level_size(wi.level) - 1));
		st = REALM_IPA_MAPPED;
	} else if ((kind == S2TTE_ASSIGNED || kind == S2TTE_UNASSIGNED) &&
		   s2tte_ripas(e) == RIPAS_EMPTY) {
		st = REALM_IPA_EMPTY;
	} else {
		st = REALM_IPA_UNMAPPED;
	}
	granule_unlock(wi.g);
	return st;
}

/* The realm buffer at ipa that an RSI call reads or writes: true with *pa
 * when it is mapped; false otherwise, with *status to return: ERROR_INPUT
 * for RIPAS EMPTY, or SUCCESS with a BUFFER_ABORT outcome when the host has
 * not mapped it yet. */
bool realm_buffer(struct rmm *rmm, const struct rd *rd, uint64_t ipa,
			 struct rsi_outcome *out, uint64_t *pa, uint64_t *status)
{
	int level;
	switch (realm_ipa_lookup(rmm, rd, ipa, pa, &level)) {
	case REALM_IPA_MAPPED:
		return true;
	case REALM_IPA_EMPTY:
		*status = RSI_ERROR_INPUT;
		return false;
	case REALM_IPA_UNMAPPED:
		break;
	}
	out->action = RSI_ACTION_BUFFER_ABORT;
	out->ipa = ipa;
	out->level = level;
	*status = RSI_SUCCESS;
	return false;
}

/* Results in X1..: 64 bytes as eight little-endian words. */
static void put_words(uint64_t *x, const uint8_t bytes[64])
{
	for (unsigned i = 0; i < 8; i++)
		memcpy(&x[1 + i], bytes + 8 * i, 8);
}

static uint64_t rsi_measurement_read(struct rd *rd, uint64_t *x)
{
	uint64_t index = x[1];
	/* index_bound */
	if (index >= MEASUREMENT_SLOTS)
		return RSI_ERROR_INPUT;
	put_words(x, rd->measurement[index]);
	return RSI_SUCCESS;
}

static uint64_t rsi_measurement_extend(struct rmm *rmm, unsigned pe, struct rd *rd, uint64_t *x)
{
	uint64_t index = x[1], size = x[2];
	uint8_t value[MEASUREMENT_MAX];
	/* index_bound: REM slots only; size_bound */
	if (index == RIM_SLOT || index >= MEASUREMENT_SLOTS || size > MEASUREMENT_MAX)
		return RSI_ERROR_INPUT;
	for (unsigned i = 0; i < 8; i++)
		memcpy(value + 8 * i, &x[3 + i], 8);
	measure_extend_rem(rmm, pe, rd, (unsigned)index, value, size);
	return RSI_SUCCESS;
}

static uint64_t rsi_realm_config(struct rmm *rmm, struct rd *rd, uint64_t *x,
				 struct rsi_outcome *out)
{
	uint64_t ipa = x[1], pa, status;
	/* addr_align, addr_bound */
	if ((ipa & GRANULE_MASK) || !ipa_in_par(rd, ipa))
		return RSI_ERROR_INPUT;
	if (!realm_buffer(rmm, rd, ipa, out, &pa, &status))
		return status;
	struct rsi_realm_config *cfg = plat_sys_ptr(rmm->plat, pa);
	memset(cfg, 0, sizeof(*cfg));
	cfg->ipa_width = rd->s2sz;
	cfg->hash_algo = (uint8_t)rd->hash_algo;
	memcpy(cfg->rpv, rd->rpv, sizeof(cfg->rpv));
	return RSI_SUCCESS;
}

/* The RIPAS a leaf entry gives its range; NS and TABLE entries have none. */
static bool entry_ripas(uint64_t e, int level, enum rmi_ripas *ripas)
{
	enum s2tte_kind k = s2tte_kind(e, level);
	if (k != S2TTE_ASSIGNED && k != S2TTE_UNASSIGNED)
		return false;
	*ripas = s2tte_ripas(e);
	return true;
}

static uint64_t rsi_ipa_state_get(struct rmm *rmm, struct rd *rd, uint64_t *x)
{
	uint64_t base = x[1], end = x[2];
	/* base_align, end_align, size_valid, rgn_bound */
	if ((base & GRANULE_MASK) || (end & GRANULE_MASK) || base >= end ||
	    !ipa_in_par(rd, end - 1))
		return RSI_ERROR_INPUT;
	enum rmi_ripas first = RIPAS_EMPTY, r;
	uint64_t addr = base;
	while (addr < end) {
		struct rtt_walk wi;
		rtt_walk_lock(rmm, rd, addr, RTT_LEVEL_MAX, &wi);
		bool has = entry_ripas(*rtt_walk_entry(&wi), wi.level, &r);
		uint64_t next = (addr | (rtt_level_size(wi.level) - 1)) + 1;
		granule_unlock(wi.g);
		if (!has)
			break;
		if (addr == base)
			first = r;
		else if (r != first)
			break;
		addr = next;
	}
	x[1] = addr < end ? addr : end;
	x[2] = first;
	return RSI_SUCCESS;
}

static uint64_t rsi_ipa_state_set(struct rd *rd, struct rec *rec, uint64_t *x,
				  struct rsi_outcome *out)
{
	uint64_t base = x[1], top = x[2], ripas = x[3], flags = x[4];
	/* base_align, top_align, size_valid, rgn_bound, ripas_valid (and flags
	 * has one bit) */
	if ((base & GRANULE_MASK) || (top & GRANULE_MASK) || top <= base ||
	    !ipa_in_par(rd, top - 1) || ripas > RIPAS_RAM || (flags & ~RSI_CHANGE_DESTROYED))
		return RSI_ERROR_INPUT;
	rec->ripas.addr = base;
	rec->ripas.top = top;
	rec->ripas.value = ripas;
	rec->ripas.change_destroyed = flags & RSI_CHANGE_DESTROYED;
	rec->ripas.pending = 1;
	out->action = RSI_ACTION_RIPAS_CHANGE;
	return RSI_SUCCESS;
}

static uint64_t rsi_host_call(struct rmm *rmm, struct rd *rd, struct rec *rec, uint64_t *x,
			      struct rsi_outcome *out)
{
	uint64_t ipa = x[1], pa, status;
	/* addr_align (256 bytes, so it never crosses a granule), addr_bound */
	if ((ipa & (RSI_HOST_CALL_ALIGN - 1)) || !ipa_in_par(rd, ipa))
		return RSI_ERROR_INPUT;
	if (!realm_buffer(rmm, rd, ipa, out, &pa, &status))
		return status;
	const struct rsi_host_call *hc = plat_sys_ptr(rmm->plat, pa);
	out->action = RSI_ACTION_HOST_CALL;
	out->imm = hc->imm;
	memcpy(out->gprs, hc->gprs, sizeof(out->gprs));
	rec->host_call.pending = 1;
	rec->host_call.ipa = ipa;
	return RSI_SUCCESS;
}

void rsi_handle(struct rmm *rmm, unsigned pe, struct rec *rec, struct rd *rd, uint64_t *x,
		struct rsi_outcome *out)
{
	uint64_t fid = x[0];
	memset(out, 0, sizeof(*out));
	out->action = RSI_ACTION_DONE;

	switch (smccc_fid(fid)) {
	case RSI_VERSION:
		/* Only 1.0: X1 = X2 = 1.0 whatever was asked. */
		x[0] = x[1] == RSI_ABI_VERSION ? RSI_SUCCESS : RSI_ERROR_INPUT;
		x[1] = RSI_ABI_VERSION;
		x[2] = RSI_ABI_VERSION;
		return;
	case RSI_FEATURES:
		x[0] = RSI_SUCCESS;
		x[1] = 0; /* no feature register defines any bit in 1.0 */
		return;
	case RSI_MEASUREMENT_READ:
		x[0] = rsi_measurement_read(rd, x);
		return;
	case RSI_MEASUREMENT_EXTEND:
		x[0] = rsi_measurement_extend(rmm, pe, rd, x);
		return;
	case RSI_REALM_CONFIG:
		x[0] = rsi_realm_config(rmm, rd, x, out);
		break;
	case RSI_IPA_STATE_GET:
		x[0] = rsi_ipa_state_get(rmm, rd, x);
		return;
	case RSI_IPA_STATE_SET:
		x[0] = rsi_ipa_state_set(rd, rec, x, out);
		return;
	case RSI_HOST_CALL:
		x[0] = rsi_host_call(rmm, rd, rec, x, out);
		break;
	case RSI_ATTESTATION_TOKEN_INIT:
		rsi_token_init(rmm, pe, rec, rd, x);
		return;
	case RSI_ATTESTATION_TOKEN_CONTINUE:
		rsi_token_continue(rmm, pe, rec, rd, x, out);
		break;
	default:
		x[0] = SMC_UNKNOWN;
		return;
	}
	/* The call will be made again once the host has mapped its buffer:
	 * the realm's registers stay as they were. */
	if (out->action == RSI_ACTION_BUFFER_ABORT)
		x[0] = fid;
}
