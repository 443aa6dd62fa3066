/* Stage-1 translation of the EL1&0 regime with two VA ranges, for 64-bit
 * descriptors (Arm ARM pseudocode AArch64.S1Translate, AArch64.S1Walk,
 * AArch64.S1HasPermissionsFault). The checks come in the architecture's
 * order: VA range, table base, then per lookup level the descriptor's
 * validity and output address, then the access flag, then permissions.
 *
 * Not modelled, because the engine (unicorn 2.0.1, "max" CPU) does not
 * implement it, so no guest state can reach it:
 * - FEAT_LPA, FEAT_LPA2 and FEAT_LVA: PA and VA sizes are 44 and 48 bits
 *   (ID_AA64MMFR0_EL1.PARange, ID_AA64MMFR2_EL1.VARange), TCR_EL1.DS is
 *   RES0, so there are no level-0 blocks, no level -1 and no OA[51:48];
 *   descriptor bits [51:48] (and [15:12] of the 64 KiB granule) are RES0
 *   and are not part of the output address.
 * - FEAT_HAFDBS: TCR_EL1.HA and HD are RES0 (ID_AA64MMFR1_EL1.HAFDBS = 0),
 *   so AF = 0 always faults and DBM is ignored.
 * - FEAT_E0PD, FEAT_EPAN, FEAT_MTE, FEAT_D128, FEAT_S1PIE and FEAT_S1POE:
 *   their TCR_EL1 and SCTLR_EL1 fields are RES0. Without FEAT_TTST TxSZ
 *   stops at 39 (see walk_params).
 * - TCR_EL1.NFD0/NFD1: they only concern SVE non-fault loads, which never
 *   take an abort.
 * Not modelled because they are not faults of the walk: alignment faults
 * (the access size is not known here). Nor the CONSTRAINED UNPREDICTABLE
 * permission fault on an instruction fetch from Device memory (the allowed
 * alternative, fetching it as Normal Non-cacheable, is taken), so MAIR_EL1
 * plays no part; nor a misprogrammed Contiguous bit (CONSTRAINED
 * UNPREDICTABLE; it stays a hint); nor synchronous external aborts on the
 * walk (stage 2 is the only source of walk aborts in this machine).
 *
 * The engine is more lenient than the architecture in three ways: it takes
 * no stage-1 address size fault after a walk, it accepts a block at any
 * level, and it keeps the RES0 bits below a block's address in the output
 * address. The walk follows the architecture: a guest whose access faults
 * in the engine gets the fault the hardware would give, which may be one of
 * these when it has priority. */
#include "cpu/stage1.h"

#define BIT(n) (UINT64_C(1) << (n))

/* Bits [hi:lo] of v. */
static uint64_t field(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & (BIT(hi - lo) * 2 - 1);
}

/* Bits [hi:lo] of v in place, the others clear. */
static uint64_t bits_of(uint64_t v, unsigned hi, unsigned lo)
{
	return field(v, hi, lo) << lo;
}

#define SCTLR_M BIT(0)
#define SCTLR_WXN BIT(19)
#define SCTLR_EE BIT(25)

#define TCR_EPD0 BIT(7)
#define TCR_EPD1 BIT(23)
#define TCR_TBI0 BIT(37)
#define TCR_TBI1 BIT(38)
#define TCR_HPD0 BIT(41)
#define TCR_HPD1 BIT(42)
#define TCR_TBID0 BIT(51)
#define TCR_TBID1 BIT(52)

#define DESC_VALID BIT(0)
#define DESC_TABLE BIT(1)     /* table at levels 0-2, page at level 3 */
#define DESC_AP1 BIT(6)       /* AP[1]: accessible at EL0 */
#define DESC_AP2 BIT(7)       /* AP[2]: read-only */
#define DESC_AF BIT(10)
#define DESC_PXN BIT(53)
#define DESC_UXN BIT(54)
#define TABLE_PXN BIT(59)     /* PXNTable */
#define TABLE_UXN BIT(60)     /* UXNTable */
#define TABLE_AP0 BIT(61)     /* APTable[0]: no EL0 access below */
#define TABLE_AP1 BIT(62)     /* APTable[1]: no write access below */

/* The walk's parameters for the VA range an address selects. */
struct s1_walk {
	uint64_t ttbr;
	unsigned tg;       /* log2 of the granule size: 12, 14 or 16 */
	unsigned ia;       /* input address size, 64 - TxSZ */
	bool epd;          /* walks disabled: EPD0/EPD1 */
	bool hpd;          /* hierarchical permissions disabled: HPD0/HPD1 */
};

/* TG0 and TG1 encode the granule differently. A reserved encoding behaves
 * as an implemented size, IMPLEMENTATION DEFINED which: the engine's choice
 * (measured) is 64 KiB for TG0 = 0b11 and 4 KiB for TG1 = 0b00. The engine
 * walks 16 KiB tables although ID_AA64MMFR0_EL1.TGran16 says it has none. */
static unsigned tg0_granule(unsigned tg0)
{
	switch (tg0) {
	case 0: return 12;
	case 2: return 14;
	default: return 16;
	}
}

static unsigned tg1_granule(unsigned tg1)
{
	switch (tg1) {
	case 1: return 14;
	case 3: return 16;
	default: return 12;
	}
}

/* TCR_EL1.IPS as a size in bits, capped at PAMax: a value above the
 * implemented PA size (or a reserved one) behaves as PAMax. */
static unsigned ips_bits(uint64_t tcr)
{
	static const unsigned size[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	unsigned s = size[field(tcr, 34, 32)];
	return s < S1_PAMAX ? s : S1_PAMAX;
}

/* AArch64.AddrTop: the highest VA bit that takes part in translation. With
 * TBIx set the top byte is a tag, for instruction fetches only while TBIDx
 * (FEAT_PAuth, which the engine has) is clear. Bit 55 selects TBI0 or TBI1
 * whatever the tag holds. */
static unsigned addr_top(uint64_t tcr, uint64_t va, enum s1_access acc)
{
	bool upper = va & BIT(55);
	bool tbi = tcr & (upper ? TCR_TBI1 : TCR_TBI0);
	bool tbid = tcr & (upper ? TCR_TBID1 : TCR_TBID0);
	return tbi && !(acc == S1_EXEC && tbid) ? 55 : 63;
}

static void walk_params(const struct s1_regime *r, bool upper, struct s1_walk *w)
{
	uint64_t tcr = r->tcr_el1;
	unsigned txsz;
	if (upper) {
		txsz = (unsigned)field(tcr, 21, 16);
		w->ttbr = r->ttbr1_el1;
		w->tg = tg1_granule((unsigned)field(tcr, 31, 30));
		w->epd = tcr & TCR_EPD1;
		w->hpd = tcr & TCR_HPD1;
	} else {
		txsz = (unsigned)field(tcr, 5, 0);
		w->ttbr = r->ttbr0_el1;
		w->tg = tg0_granule((unsigned)field(tcr, 15, 14));
		w->epd = tcr & TCR_EPD0;
		w->hpd = tcr & TCR_HPD0;
	}
	/* TxSZ outside 16..39 (no FEAT_LVA, no FEAT_TTST) is CONSTRAINED
	 * UNPREDICTABLE: a fault or the nearest limit. The engine takes the
	 * limit, and so does this walk. */
	if (txsz < 16)
		txsz = 16;
	if (txsz > 39)
		txsz = 39;
	w->ia = 64 - txsz;
}

/* Whether a block descriptor is allowed at `level` (AArch64.BlockDescSupported
 * without FEAT_LPA2 and with a 44-bit PA): 4 KiB at levels 1 and 2, 16 KiB
 * and 64 KiB at level 2 only. */
static bool block_allowed(unsigned tg, int level)
{
	return level == 2 || (tg == 12 && level == 1);
}

static void fail(struct s1_result *out, unsigned fsc, int level)
{
	out->fault = true;
	out->fsc = fsc;
	out->level = level;
}

/* Permission check of a leaf (AArch64.S1HasPermissionsFault, for a regime
 * with EL0): `desc` already carries the hierarchical restrictions. */
static bool permitted(const struct s1_regime *r, uint64_t desc, enum s1_access acc, bool el0,
		      bool pan)
{
	bool wxn = r->sctlr_el1 & SCTLR_WXN;
	bool user_r = desc & DESC_AP1;
	bool user_w = user_r && !(desc & DESC_AP2);
	bool priv_r = true;
	bool priv_w = !(desc & DESC_AP2);
	bool user_xn = (desc & DESC_UXN) || (user_w && wxn);
	/* Memory writable at EL0 is never executable at EL1. */
	bool priv_xn = (desc & DESC_PXN) || (priv_w && wxn) || user_w;

	if (acc == S1_EXEC)
		return !(el0 ? user_xn : priv_xn);
	/* PAN: privileged data accesses to memory EL0 can read fault;
	 * instruction fetches are not restricted (no FEAT_EPAN). */
	if (pan && !el0 && user_r)
		priv_r = priv_w = false;
	if (acc == S1_WRITE)
		return el0 ? user_w : priv_w;
	return el0 ? user_r : priv_r;
}

void s1_translate(const struct s1_regime *r, uint64_t va, enum s1_access acc, bool el0, bool pan,
		  s1_read_fn read, void *ctx, struct s1_result *out)
{
	*out = (struct s1_result){ 0 };
	unsigned top = addr_top(r->tcr_el1, va, acc);

	/* Stage 1 disabled: the IPA is the VA, and a VA with bits set between
	 * AddrTop and PAMax is an address size fault at level 0. */
	if (!(r->sctlr_el1 & SCTLR_M)) {
		if (field(va, top, S1_PAMAX))
			fail(out, FSC_ADDRESS_SIZE(0), 0);
		else
			out->oa = field(va, S1_PAMAX - 1, 0);
		return;
	}

	/* VA[55] selects the range; every bit from AddrTop down to the input
	 * size must equal it, or the VA lies in the gap between the ranges:
	 * a translation fault at level 0, as is a walk EPDx disables. */
	bool upper = va & BIT(55);
	struct s1_walk w;
	walk_params(r, upper, &w);
	uint64_t high = field(va, top, w.ia);
	uint64_t ones = field(~UINT64_C(0), top, w.ia);
	if (high != (upper ? ones : 0) || w.epd) {
		fail(out, FSC_TRANSLATION(0), 0);
		return;
	}

	/* Each lookup resolves `stride` VA bits, the first what is left over;
	 * the start level follows from the input size and the granule. */
	unsigned oasize = ips_bits(r->tcr_el1);
	unsigned stride = w.tg - 3;
	int level = 4 - (int)((w.ia - w.tg + stride - 1) / stride);
	unsigned first_lsb = w.tg + stride * (unsigned)(3 - level);

	/* The table is aligned to its size, so the TTBR bits below it (and
	 * CnP) do not take part; BADDR beyond the output size is an address
	 * size fault at level 0. */
	uint64_t table = bits_of(w.ttbr, 47, w.ia - first_lsb + 3);
	if (field(table, 47, oasize)) {
		fail(out, FSC_ADDRESS_SIZE(0), 0);
		return;
	}

	uint64_t clear = 0, set = 0; /* hierarchical restrictions on the leaf */
	uint64_t desc;
	unsigned lsb;
	for (;; level++) {
		lsb = w.tg + stride * (unsigned)(3 - level);
		unsigned msb = lsb == first_lsb ? w.ia - 1 : lsb + stride - 1;
		uint64_t entry = table + field(va, msb, lsb) * 8;
		if (!read(ctx, entry, &desc)) {
			out->fault = true;
			out->s1ptw = true;
			out->level = level;
			out->walk_ipa = entry;
			return;
		}
		/* SCTLR_EL1.EE: the walk's byte order. */
		if (r->sctlr_el1 & SCTLR_EE)
			desc = __builtin_bswap64(desc);

		/* Invalid, or the reserved encoding 0b01 at level 3. */
		if (!(desc & DESC_VALID) || (level == 3 && !(desc & DESC_TABLE))) {
			fail(out, FSC_TRANSLATION(level), level);
			return;
		}
		if (level == 3)
			break;
		if (!(desc & DESC_TABLE)) {
			if (!block_allowed(w.tg, level)) {
				fail(out, FSC_TRANSLATION(level), level);
				return;
			}
			break;
		}
		/* A table descriptor: the next table's address must fit the
		 * output size. */
		table = bits_of(desc, 47, w.tg);
		if (field(table, 47, oasize)) {
			fail(out, FSC_ADDRESS_SIZE(level), level);
			return;
		}
		/* APTable, UXNTable and PXNTable restrict every later level,
		 * unless TCR_EL1.HPDx disables them. */
		if (!w.hpd) {
			if (desc & TABLE_AP0)
				clear |= DESC_AP1;
			if (desc & TABLE_AP1)
				set |= DESC_AP2;
			if (desc & TABLE_UXN)
				set |= DESC_UXN;
			if (desc & TABLE_PXN)
				set |= DESC_PXN;
		}
	}

	uint64_t base = bits_of(desc, 47, lsb);
	if (field(base, 47, oasize)) {
		fail(out, FSC_ADDRESS_SIZE(level), level);
		return;
	}
	/* The access flag is checked before permissions; with no hardware
	 * update of AF, AF = 0 always faults. */
	if (!(desc & DESC_AF)) {
		fail(out, FSC_ACCESS_FLAG(level), level);
		return;
	}
	if (!permitted(r, (desc & ~clear) | set, acc, el0, pan)) {
		fail(out, FSC_PERMISSION(level), level);
		return;
	}
	out->oa = base | field(va, lsb - 1, 0);
}
