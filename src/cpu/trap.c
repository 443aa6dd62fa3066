/* A guest's trapped exceptions, as EL2 sees them (see trap.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ccakit/abi/rmi.h"
#include "cpu/trap.h"
#include "cpu/vgic.h"

uint64_t trap_hpfar(uint64_t ipa)
{
	return (ipa & ~UINT64_C(0xfff) & ((UINT64_C(1) << 48) - 1)) >> HPFAR_FIPA_SHIFT;
}

unsigned trap_current_el(struct vcpu *v)
{
	return (unsigned)(vcpu_get_pstate(v) >> PSTATE_EL_SHIFT) & 3;
}

uint64_t trap_esr_ec(struct vcpu *v, uint64_t ec_low, uint64_t ec_cur)
{
	return (trap_current_el(v) == 0 ? ec_low : ec_cur) << ESR_EC_SHIFT;
}

void trap_inject(struct vcpu *v, uint64_t esr, uint64_t far)
{
	if (!vcpu_inject_sync(v, esr, far)) {
		/* Only the EL0 path can fail, and only if the engine refuses a
		 * virtual IRQ it has always taken: an engine invariant. */
		fprintf(stderr, "ccakit: cannot inject an exception into a vCPU (ESR 0x%llx)\n",
			(unsigned long long)esr);
		abort();
	}
}

void trap_inject_undef(struct vcpu *v)
{
	trap_inject(v, ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0);
}

void trap_inject_sea(struct vcpu *v, bool fetch, uint64_t va)
{
	uint64_t ec = fetch ? trap_esr_ec(v, ESR_EC_IABT_LOW, ESR_EC_IABT_CUR)
			    : trap_esr_ec(v, ESR_EC_DABT_LOW, ESR_EC_DABT_CUR);
	trap_inject(v, ec | ESR_IL | FSC_SEA, va);
}

/* ---- the guest's stage 1 ---- */

static bool s1_read_desc(void *ctx, uint64_t ipa, uint64_t *desc)
{
	const struct trap_ctx *t = ctx;
	return t->read(t->ctx, ipa, desc, sizeof(*desc));
}

static void walk(const struct trap_ctx *t, uint64_t va, enum s1_access acc, struct s1_result *res)
{
	struct s1_regime r = {
		.sctlr_el1 = vcpu_get_sysreg(t->v, VCPU_SCTLR_EL1),
		.tcr_el1 = vcpu_get_sysreg(t->v, VCPU_TCR_EL1),
		.ttbr0_el1 = vcpu_get_sysreg(t->v, VCPU_TTBR0_EL1),
		.ttbr1_el1 = vcpu_get_sysreg(t->v, VCPU_TTBR1_EL1),
	};
	s1_translate(&r, va, acc, trap_current_el(t->v) == 0, false, s1_read_desc, (void *)t, res);
}

bool trap_va_to_ipa(const struct trap_ctx *t, uint64_t va, enum s1_access acc, uint64_t *ipa)
{
	struct s1_result res;
	walk(t, va, acc, &res);
	*ipa = res.oa;
	return !res.fault;
}

bool trap_fetch_insn(const struct trap_ctx *t, uint32_t *insn)
{
	uint64_t ipa;
	return trap_va_to_ipa(t, vcpu_get_pc(t->v), S1_EXEC, &ipa) && (ipa & (INSN_SIZE - 1)) == 0 &&
	       t->read(t->ctx, ipa, insn, sizeof(*insn));
}

static uint64_t decode_reg(void *ctx, unsigned n, bool is_sp)
{
	struct vcpu *v = ctx;
	if (n == 31)
		return is_sp ? vcpu_get_sp(v) : 0;
	return vcpu_get_x(v, n);
}

bool trap_decode_access(const struct trap_ctx *t, struct ldst *l)
{
	uint32_t insn;
	return trap_fetch_insn(t, &insn) && decode_ldst(insn, decode_reg, t->v, l);
}

/* ---- emulation ---- */

void trap_complete_mmio(struct vcpu *v, uint64_t esr, uint64_t value)
{
	if (!(esr & ESR_WNR)) {
		unsigned srt = (unsigned)(esr >> ESR_SRT_SHIFT) & 31;
		unsigned bits = 8u << ((esr & ESR_SAS_MASK) >> 22);
		if (bits < 64) {
			value &= (UINT64_C(1) << bits) - 1;
			if ((esr & ESR_SSE) && (value >> (bits - 1)))
				value |= ~UINT64_C(0) << bits;
		}
		if (!(esr & ESR_SF))
			value &= UINT32_MAX;
		if (srt != 31)
			vcpu_set_x(v, srt, value);
	}
	vcpu_set_pc(v, vcpu_get_pc(v) + INSN_SIZE);
}

uint64_t trap_mmio_write_value(struct vcpu *v, const struct ldst *l)
{
	uint64_t value = l->srt == 31 ? 0 : vcpu_get_x(v, l->srt);
	if (l->sas < 3)
		value &= (UINT64_C(1) << (8u << l->sas)) - 1;
	return value;
}

static uint64_t timer_ctl(uint64_t ctl, uint64_t cval, uint64_t now)
{
	ctl &= CNT_CTL_ENABLE | CNT_CTL_IMASK;
	if ((ctl & CNT_CTL_ENABLE) && now >= cval)
		ctl |= CNT_CTL_ISTATUS;
	return ctl;
}

void trap_exit_timers(struct vcpu *v, struct rmi_rec_exit *e)
{
	uint64_t now = vcpu_counter_now();
	e->cntv_cval = vcpu_get_sysreg(v, VCPU_CNTV_CVAL);
	e->cntv_ctl = timer_ctl(vcpu_get_sysreg(v, VCPU_CNTV_CTL), e->cntv_cval, now);
	e->cntp_cval = vcpu_get_sysreg(v, VCPU_CNTP_CVAL);
	e->cntp_ctl = timer_ctl(vcpu_get_sysreg(v, VCPU_CNTP_CTL), e->cntp_cval, now);
}

bool trap_gic_sysreg(struct vcpu *v, struct vgic *g, uint32_t insn, struct sysreg_access *a,
		     uint64_t *value)
{
	*value = 0;
	/* The GIC CPU interface is EL1's: at EL0 every ICC_* access is
	 * UNDEFINED, as are the system registers unicorn itself refused. */
	if (!decode_sysreg(insn, a) || trap_current_el(v) == 0) {
		trap_inject_undef(v);
		return false;
	}
	if (!a->read)
		*value = a->rt == 31 ? 0 : vcpu_get_x(v, a->rt);
	switch (vgic_access(g, a, value)) {
	case VGIC_DONE:
		if (a->read && a->rt != 31)
			vcpu_set_x(v, a->rt, *value);
		vcpu_set_pc(v, vcpu_get_pc(v) + INSN_SIZE);
		return false;
	case VGIC_TRAP:
		vcpu_set_pc(v, vcpu_get_pc(v) + INSN_SIZE);
		if (a->read)
			*value = 0;
		return true;
	case VGIC_NOT_GIC:
	case VGIC_UNDEF:
		break;
	}
	trap_inject_undef(v);
	return false;
}

/* ---- exceptions ---- */

/* A fault of the guest's own stage 1 (unicorn keeps the syndrome: walk
 * the guest's tables again to rebuild it). */
static void guest_abort(const struct trap_ctx *t, bool fetch, struct trap *out)
{
	struct s1_result res;
	struct ldst l = { 0 };
	uint64_t va = vcpu_get_pc(t->v);
	bool write = false;

	if (!fetch) {
		if (!trap_decode_access(t, &l)) {
			trap_inject_undef(t->v);
			return;
		}
		va = l.va;
		write = l.write;
	}
	walk(t, va, fetch ? S1_EXEC : write ? S1_WRITE : S1_READ, &res);
	if (res.fault && res.s1ptw) {
		/* The walk itself met an unmapped table: stage 2's business. */
		out->kind = TRAP_S1_WALK;
		out->walk_ipa = res.walk_ipa;
		return;
	}
	uint64_t fsc = res.fault ? res.fsc : FSC_ALIGNMENT;
	uint64_t esr = (fetch ? trap_esr_ec(t->v, ESR_EC_IABT_LOW, ESR_EC_IABT_CUR)
			      : trap_esr_ec(t->v, ESR_EC_DABT_LOW, ESR_EC_DABT_CUR)) |
		       ESR_IL | fsc;
	if (!fetch) {
		/* Reported to EL1 without an instruction syndrome: ldst_iss
		 * then gives WnR alone (ISS[24:14] RES0). */
		l.isv = false;
		esr |= ldst_iss(&l, 0);
	}
	trap_inject(t->v, esr, va);
}

void trap_guest_exception(const struct trap_ctx *t, unsigned intno, struct trap *out)
{
	uint32_t insn;
	out->kind = TRAP_INJECTED;
	switch (intno) {
	case VCPU_EXCP_UDEF:
		if (!trap_fetch_insn(t, &insn)) {
			trap_inject_undef(t->v);
		} else if (decode_wfx(insn, &out->is_wfe)) {
			out->kind = TRAP_WFX;
		} else {
			out->kind = TRAP_SYSREG;
			out->insn = insn;
		}
		return;
	case VCPU_EXCP_SWI:
		/* PC is past the SVC: its immediate is in the word before. */
		vcpu_set_pc(t->v, vcpu_get_pc(t->v) - INSN_SIZE);
		bool ok = trap_fetch_insn(t, &insn);
		vcpu_set_pc(t->v, vcpu_get_pc(t->v) + INSN_SIZE);
		if (ok)
			trap_inject(t->v, ESR_EC_SVC64 << ESR_EC_SHIFT | ESR_IL | ((insn >> 5) & 0xffff),
				    0);
		else
			trap_inject_undef(t->v);
		return;
	case VCPU_EXCP_BKPT:
		if (trap_fetch_insn(t, &insn))
			trap_inject(t->v, ESR_EC_BRK64 << ESR_EC_SHIFT | ESR_IL | ((insn >> 5) & 0xffff),
				    0);
		else
			trap_inject_undef(t->v);
		return;
	case VCPU_EXCP_PREFETCH_ABORT:
		guest_abort(t, true, out);
		return;
	case VCPU_EXCP_DATA_ABORT:
	case VCPU_EXCP_UNALIGNED:
		guest_abort(t, false, out);
		return;
	default:
		trap_inject_undef(t->v);
		return;
	}
}
