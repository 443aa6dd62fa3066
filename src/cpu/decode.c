/* AArch64 instruction decoding for trap syndromes: loads and stores for data
 * aborts (Arm ARM C4.1.66, "Loads and Stores", and D17 ESR_ELx ISS encoding
 * for data aborts), and MRS/MSR for trapped system-register accesses. */
#include "cpu/decode.h"

#define ISS_ISV (UINT32_C(1) << 24)
#define ISS_SAS_SHIFT 22
#define ISS_SSE (UINT32_C(1) << 21)
#define ISS_SRT_SHIFT 16
#define ISS_SF (UINT32_C(1) << 15)
#define ISS_AR (UINT32_C(1) << 14)
#define ISS_WNR (UINT32_C(1) << 6)

static uint64_t bits(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((UINT32_C(1) << (hi - lo + 1)) - 1);
}

static int64_t sign_extend(uint64_t v, unsigned width)
{
	uint64_t m = UINT64_C(1) << (width - 1);
	return (int64_t)((v ^ m) - m);
}

/* The register-offset form's extended and shifted index. */
static uint64_t extend_reg(uint64_t v, unsigned option, unsigned shift)
{
	switch (option) {
	case 2: v = (uint32_t)v; break;                 /* UXTW */
	case 6: v = (uint64_t)(int64_t)(int32_t)v; break; /* SXTW */
	default: break;                                  /* LSL / SXTX */
	}
	return v << shift;
}

/* Fills the register-size fields of a general-purpose load or store from
 * its size and opc; false for the encodings that are not one (prefetch,
 * unallocated). */
static bool gpr_kind(unsigned size, unsigned opc, struct ldst *l)
{
	l->sas = size;
	switch (opc) {
	case 0: /* store */
		l->write = true;
		l->sf = size == 3;
		return true;
	case 1: /* load, zero-extended */
		l->sf = size == 3;
		return true;
	case 2: /* load, sign-extended to 64 bits (size 3: PRFM) */
		if (size == 3)
			return false;
		l->sse = true;
		l->sf = true;
		return true;
	default: /* load, sign-extended to 32 bits */
		if (size >= 2)
			return false;
		l->sse = true;
		l->sf = false;
		return true;
	}
}

bool decode_ldst(uint32_t insn, decode_reg_fn reg, void *ctx, struct ldst *l)
{
	*l = (struct ldst){ 0 };
	unsigned size = (unsigned)bits(insn, 31, 30);
	unsigned rt = (unsigned)bits(insn, 4, 0);
	unsigned rn = (unsigned)bits(insn, 9, 5);
	bool simd = bits(insn, 26, 26);

	l->srt = rt;
	l->rn = rn;

	/* LDAPR/LDAPRB/LDAPRH (RCpc): size 111000 101 11111 1100 00 Rn Rt.
	 * First, because it shares its encoding space with the
	 * register-offset forms below. */
	if ((insn & 0x3ffffc00u) == 0x38bfc000u) {
		l->va = reg(ctx, rn, true);
		l->sas = size;
		l->sf = size == 3;
		l->isv = true;
		l->ar = true;
		return true;
	}
	/* Load/store register, unsigned immediate: size 111 V 01 opc imm12. */
	if ((insn & 0x3b000000u) == 0x39000000u) {
		unsigned opc = (unsigned)bits(insn, 23, 22);
		/* A 128-bit SIMD&FP access (opc<1> set) scales by 16. */
		unsigned scale = simd && (opc & 2) ? 4 : size;
		l->va = reg(ctx, rn, true) + (bits(insn, 21, 10) << scale);
		if (simd)
			return true; /* FP/SIMD: no syndrome, address known */
		if (!gpr_kind(size, opc, l))
			return false;
		l->isv = true;
		return true;
	}
	/* Load/store register, register offset / immediate forms:
	 * size 111 V 00 opc x imm9-or-Rm xx Rn Rt. */
	if ((insn & 0x3b000000u) == 0x38000000u) {
		unsigned opc = (unsigned)bits(insn, 23, 22);
		unsigned form = (unsigned)bits(insn, 11, 10);
		bool reg_offset = bits(insn, 21, 21);
		uint64_t base = reg(ctx, rn, true);
		if (reg_offset) {
			if (form != 2)
				return false; /* atomics and others live here */
			unsigned rm = (unsigned)bits(insn, 20, 16);
			unsigned option = (unsigned)bits(insn, 15, 13);
			unsigned shift = bits(insn, 12, 12) ? (simd && opc >= 2 ? 4 : size) : 0;
			if (!(option & 2))
				return false; /* unallocated extends */
			l->va = base + extend_reg(reg(ctx, rm, false), option, shift);
			if (simd)
				return true;
			if (!gpr_kind(size, opc, l))
				return false;
			l->isv = true;
			return true;
		}
		int64_t imm9 = sign_extend(bits(insn, 20, 12), 9);
		/* form: 00 unscaled (LDUR), 01 post-index, 10 unprivileged
		 * (LDTR), 11 pre-index; post-index accesses the base itself. */
		l->va = form == 1 ? base : base + (uint64_t)imm9;
		if (simd)
			return true;
		if (!gpr_kind(size, opc, l))
			return false;
		l->isv = form == 0 || form == 2; /* writeback forms have no syndrome */
		return true;
	}
	/* Load-acquire/store-release and exclusives:
	 * size 001000 o2 L o1 Rs o0 Rt2 Rn Rt. */
	if ((insn & 0x3f000000u) == 0x08000000u) {
		bool o2 = bits(insn, 23, 23), load = bits(insn, 22, 22), o1 = bits(insn, 21, 21);
		bool o0 = bits(insn, 15, 15);
		l->va = reg(ctx, rn, true);
		l->sas = size;
		l->write = !load;
		l->sf = size == 3;
		if (o2 && !o1) {
			/* LDAR/STLR (o0 = 1), LDLAR/STLLR (o0 = 0). */
			l->isv = true;
			l->ar = o0;
		}
		return true; /* exclusives and pairs: address known, no syndrome */
	}
	/* Load/store pairs (no syndrome): opc 101 V 0 xx L imm7 Rt2 Rn Rt. */
	if ((insn & 0x3a000000u) == 0x28000000u) {
		unsigned form = (unsigned)bits(insn, 24, 23);
		unsigned opc = (unsigned)bits(insn, 31, 30);
		unsigned scale = simd ? 2 + opc : 2 + (opc >> 1);
		int64_t imm7 = sign_extend(bits(insn, 21, 15), 7) * ((int64_t)1 << scale);
		uint64_t base = reg(ctx, rn, true);
		l->va = form == 1 ? base : base + (uint64_t)imm7;
		l->write = !bits(insn, 22, 22);
		return true;
	}
	return false;
}

uint32_t ldst_iss(const struct ldst *l, unsigned dfsc)
{
	uint32_t iss = dfsc & 0x3f;
	if (l->write)
		iss |= ISS_WNR;
	if (!l->isv)
		return iss;
	iss |= ISS_ISV | (uint32_t)l->sas << ISS_SAS_SHIFT | (uint32_t)l->srt << ISS_SRT_SHIFT;
	if (l->sse)
		iss |= ISS_SSE;
	if (l->sf)
		iss |= ISS_SF;
	if (l->ar)
		iss |= ISS_AR;
	return iss;
}

bool decode_wfx(uint32_t insn, bool *is_wfe)
{
	if (insn == 0xd503207fu) { /* WFI */
		*is_wfe = false;
		return true;
	}
	if (insn == 0xd503205fu) { /* WFE */
		*is_wfe = true;
		return true;
	}
	return false;
}

/* MRS: 1101 0101 0011 o0 op1 CRn CRm op2 Rt; MSR (register) has L (bit 21)
 * clear. op0 is 2 + o0: system registers proper, never the op0 0 and 1
 * spaces of MSR (immediate), hints and SYS. */
#define INSN_MRS 0xd5300000u
#define INSN_MSR_REG 0xd5100000u
#define INSN_SYSREG_MASK 0xfff00000u

bool decode_sysreg(uint32_t insn, struct sysreg_access *a)
{
	uint32_t top = insn & INSN_SYSREG_MASK;
	if (top != INSN_MRS && top != INSN_MSR_REG)
		return false;
	a->read = top == INSN_MRS;
	a->op0 = 2 + (unsigned)bits(insn, 19, 19);
	a->op1 = (unsigned)bits(insn, 18, 16);
	a->crn = (unsigned)bits(insn, 15, 12);
	a->crm = (unsigned)bits(insn, 11, 8);
	a->op2 = (unsigned)bits(insn, 7, 5);
	a->rt = (unsigned)bits(insn, 4, 0);
	return true;
}

uint32_t sysreg_iss(const struct sysreg_access *a)
{
	return (uint32_t)(a->op0 & 3) << 20 | (uint32_t)(a->op2 & 7) << 17 |
	       (uint32_t)(a->op1 & 7) << 14 | (uint32_t)(a->crn & 15) << 10 |
	       (uint32_t)(a->rt & 31) << 5 | (uint32_t)(a->crm & 15) << 1 | (a->read ? 1u : 0u);
}
