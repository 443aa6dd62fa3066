/* The GICv3 virtual CPU interface (ICV_*), emulated against one REC's list
 * registers: GICv3 architecture specification (IHI 0069) chapter 6,
 * "Virtual interrupt handling and prioritization", and the ICV_* and ICH_*
 * register descriptions of chapter 12. */
#include "cpu/vgic.h"

/* ICH_VTR_EL2.PRIbits and PREbits are 4: five bits of priority, [7:3]. The
 * unimplemented low bits of a priority read as zero. */
#define PRIORITY_BITS 5
#define PRIORITY_MASK 0xf8u
#define PRIORITY_IDLE 0xffu /* ICV_RPR_EL1 with no active priority */
#define BPR0_MIN (7 - PRIORITY_BITS)
#define BPR1_MIN (BPR0_MIN + 1)

/* ICH_VTR_EL2.IDbits 0: 16-bit INTIDs in ICV_EOIR/DIR writes. */
#define INTID_MASK 0xffffu
#define INTID_SPECIAL_FIRST 1020u

/* ICV_CTLR_EL1 fields. */
#define ICV_CTLR_CBPR (UINT64_C(1) << 0)
#define ICV_CTLR_EOIMODE (UINT64_C(1) << 1)
#define ICV_CTLR_PRIBITS_SHIFT 8
#define ICV_CTLR_A3V (UINT64_C(1) << 15)

/* ICC_SRE_EL1: system-register interface only, IRQ and FIQ bypass disabled. */
#define ICC_SRE_VALUE UINT64_C(0x7)

/* ---- list registers ---- */

static unsigned lr_state(uint64_t lr)
{
	return (unsigned)(lr >> ICH_LR_STATE_SHIFT);
}

static uint64_t lr_with_state(uint64_t lr, unsigned state)
{
	return (lr & ~(UINT64_C(3) << ICH_LR_STATE_SHIFT)) | (uint64_t)state << ICH_LR_STATE_SHIFT;
}

static unsigned lr_priority(uint64_t lr)
{
	return (unsigned)(lr >> ICH_LR_PRIORITY_SHIFT) & PRIORITY_MASK;
}

static unsigned lr_group(uint64_t lr)
{
	return (lr & ICH_LR_GROUP) ? 1 : 0;
}

static uint32_t lr_vintid(uint64_t lr)
{
	return (uint32_t)(lr & ICH_LR_VINTID_MASK);
}

/* ---- ICH_VMCR_EL2 ---- */

static unsigned vmcr_field(const struct vgic *g, unsigned shift, unsigned width)
{
	return (unsigned)(g->vmcr >> shift) & ((1u << width) - 1);
}

static void vmcr_set_field(struct vgic *g, unsigned shift, unsigned width, unsigned v)
{
	uint64_t m = ((UINT64_C(1) << width) - 1) << shift;
	g->vmcr = (g->vmcr & ~m) | ((uint64_t)v << shift & m);
}

static void vmcr_set_bit(struct vgic *g, uint64_t bit, bool on)
{
	g->vmcr = on ? g->vmcr | bit : g->vmcr & ~bit;
}

static unsigned vpmr(const struct vgic *g)
{
	return vmcr_field(g, ICH_VMCR_VPMR_SHIFT, 8);
}

/* A binary point never holds less than its minimum (writes below it set
 * it), whatever a restored ICH_VMCR_EL2 says. */
static unsigned vbpr0(const struct vgic *g)
{
	unsigned v = vmcr_field(g, ICH_VMCR_VBPR0_SHIFT, 3);
	return v < BPR0_MIN ? BPR0_MIN : v;
}

/* ICV_BPR1_EL1 as read: with VCBPR set it is VBPR0 + 1, saturated. */
static unsigned vbpr1(const struct vgic *g)
{
	if (g->vmcr & ICH_VMCR_VCBPR)
		return vbpr0(g) < 7 ? vbpr0(g) + 1 : 7;
	unsigned v = vmcr_field(g, ICH_VMCR_VBPR1_SHIFT, 3);
	return v < BPR1_MIN ? BPR1_MIN : v;
}

static bool group_enabled(const struct vgic *g, unsigned group)
{
	return g->vmcr & (group ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0);
}

/* ---- priorities ---- */

/* The group priority, the part of a priority that preempts: bits
 * [7:BPR0+1] for group 0 (and group 1 under VCBPR), [7:BPR1] for group 1. */
static unsigned group_priority(const struct vgic *g, unsigned priority, unsigned group)
{
	unsigned bpr = group && !(g->vmcr & ICH_VMCR_VCBPR) ? vbpr1(g) - 1 : vbpr0(g);
	return priority & (0xffu << (bpr + 1)) & 0xffu;
}

/* The active-priority bit of a group priority: one bit per preemption
 * level, priority [7:3]. */
static uint32_t ap_bit(unsigned group_prio)
{
	return UINT32_C(1) << (group_prio >> (8 - PRIORITY_BITS));
}

/* Index of the highest active priority over both groups, or -1. */
static int highest_active(const struct vgic *g)
{
	uint32_t ap = g->ap0r | g->ap1r;
	for (int i = 0; i < 32; i++)
		if (ap & (UINT32_C(1) << i))
			return i;
	return -1;
}

/* ICV_RPR_EL1: the running priority. */
static unsigned running_priority(const struct vgic *g)
{
	int i = highest_active(g);
	return i < 0 ? PRIORITY_IDLE : (unsigned)i << (8 - PRIORITY_BITS);
}

/* The priority drop of an EOI: clears the highest active priority, of
 * whichever group holds it (group 0 on a tie). False if none was active. */
static bool drop_priority(struct vgic *g)
{
	int i = highest_active(g);
	if (i < 0)
		return false;
	uint32_t bit = UINT32_C(1) << i;
	if (g->ap0r & bit)
		g->ap0r &= ~bit;
	else
		g->ap1r &= ~bit;
	return true;
}

/* ---- signalling ---- */

/* The highest-priority pending virtual interrupt: the lowest-numbered LR
 * of the highest priority in the pending state whose group is enabled.
 * Pending-and-active LRs are not candidates: that INTID is already being
 * handled. None (-1) while ICH_HCR_EL2.En is clear. */
static int hppvi(const struct vgic *g)
{
	int best = -1;
	unsigned best_prio = 0x100;
	if (!(g->hcr & ICH_HCR_EN))
		return -1;
	for (unsigned i = 0; i < g->nlrs; i++) {
		uint64_t lr = g->lrs[i];
		if (lr_state(lr) != ICH_LR_STATE_PENDING || !group_enabled(g, lr_group(lr)))
			continue;
		if (lr_priority(lr) < best_prio) {
			best_prio = lr_priority(lr);
			best = (int)i;
		}
	}
	return best;
}

/* Whether the HPPVI is of `group` and may be signalled: its priority is
 * above the priority mask and its group priority above the running
 * priority. Returns its LR index, or -1. */
static int signalled_lr(const struct vgic *g, unsigned group)
{
	int i = hppvi(g);
	if (i < 0)
		return -1;
	uint64_t lr = g->lrs[i];
	if (lr_group(lr) != group || lr_priority(lr) >= vpmr(g) ||
	    group_priority(g, lr_priority(lr), group) >= running_priority(g))
		return -1;
	return i;
}

bool vgic_irq_pending(const struct vgic *g)
{
	return signalled_lr(g, 1) >= 0;
}

bool vgic_fiq_pending(const struct vgic *g)
{
	/* SRE = 1: group 0 is always a vFIQ (ICH_VMCR_EL2.VFIQEn is RES1). */
	return signalled_lr(g, 0) >= 0;
}

uint64_t vgic_misr(const struct vgic *g)
{
	uint64_t misr = 0;
	unsigned valid = 0;
	bool pending = false;

	if (!(g->hcr & ICH_HCR_EN))
		return 0;
	for (unsigned i = 0; i < g->nlrs; i++) {
		uint64_t lr = g->lrs[i];
		unsigned state = lr_state(lr);
		/* ICH_EISR_EL2: an invalid, non-HW LR asking for an EOI
		 * maintenance interrupt, i.e. one the guest deactivated. */
		if (state == ICH_LR_STATE_INVALID && !(lr & ICH_LR_HW) && (lr & ICH_LR_EOI))
			misr |= ICH_MISR_EOI;
		if (state != ICH_LR_STATE_INVALID)
			valid++;
		if (state == ICH_LR_STATE_PENDING)
			pending = true;
	}
	if ((g->hcr & ICH_HCR_UIE) && valid <= 1)
		misr |= ICH_MISR_U;
	if ((g->hcr & ICH_HCR_LRENPIE) && (g->hcr & ICH_HCR_EOICOUNT_MASK))
		misr |= ICH_MISR_LRENP;
	if ((g->hcr & ICH_HCR_NPIE) && !pending)
		misr |= ICH_MISR_NP;
	if (g->hcr & (group_enabled(g, 0) ? ICH_HCR_VGRP0EIE : ICH_HCR_VGRP0DIE))
		misr |= group_enabled(g, 0) ? ICH_MISR_VGRP0E : ICH_MISR_VGRP0D;
	if (g->hcr & (group_enabled(g, 1) ? ICH_HCR_VGRP1EIE : ICH_HCR_VGRP1DIE))
		misr |= group_enabled(g, 1) ? ICH_MISR_VGRP1E : ICH_MISR_VGRP1D;
	return misr;
}

/* ---- acknowledge, EOI, deactivate ---- */

/* ICV_IAR<group>_EL1 read: pending -> active, and the interrupt's group
 * priority becomes active. */
static uint32_t acknowledge(struct vgic *g, unsigned group)
{
	int i = signalled_lr(g, group);
	if (i < 0)
		return INTID_SPURIOUS;
	uint64_t lr = g->lrs[i];
	g->lrs[i] = lr_with_state(lr, ICH_LR_STATE_ACTIVE);
	uint32_t bit = ap_bit(group_priority(g, lr_priority(lr), group));
	if (group)
		g->ap1r |= bit;
	else
		g->ap0r |= bit;
	return lr_vintid(lr);
}

/* ICH_HCR_EL2.EOIcount: incremented by each EOIR or DIR write that would
 * have deactivated an interrupt but found no LR for it (5 bits, wraps). */
static void count_eoi(struct vgic *g)
{
	uint64_t n = ((g->hcr & ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT) + 1;
	g->hcr = (g->hcr & ~ICH_HCR_EOICOUNT_MASK) |
		 (n << ICH_HCR_EOICOUNT_SHIFT & ICH_HCR_EOICOUNT_MASK);
}

/* Deactivates vINTID intid: active -> invalid, pending and active ->
 * pending. `group` restricts it to one group (an EOIR), or is -1 (DIR).
 * An active LR of the other group is left alone: ending an interrupt
 * through the other group's EOIR is UNPREDICTABLE. */
static void deactivate(struct vgic *g, uint32_t intid, int group)
{
	for (unsigned i = 0; i < g->nlrs; i++) {
		uint64_t lr = g->lrs[i];
		if (lr_vintid(lr) != intid || !(lr_state(lr) & ICH_LR_STATE_ACTIVE))
			continue;
		if (group >= 0 && lr_group(lr) != (unsigned)group)
			return;
		/* An HW LR would also deactivate its pINTID in the
		 * distributor; there is no physical GIC behind this one. */
		g->lrs[i] = lr_with_state(lr, lr_state(lr) & ICH_LR_STATE_PENDING);
		return;
	}
	count_eoi(g);
}

/* ICV_EOIR<group>_EL1 write. */
static void end_of_interrupt(struct vgic *g, unsigned group, uint64_t value)
{
	uint32_t intid = (uint32_t)value & INTID_MASK;
	/* Special INTIDs were never acknowledged: the write is ignored. */
	if (intid >= INTID_SPECIAL_FIRST && intid <= INTID_SPURIOUS)
		return;
	/* An EOI that drops no active priority does nothing, EOIcount
	 * included (ICH_HCR_EL2.EOIcount). */
	if (!drop_priority(g))
		return;
	/* EOImode 1: the drop only; ICV_DIR_EL1 deactivates. */
	if (g->vmcr & ICH_VMCR_VEOIM)
		return;
	deactivate(g, intid, (int)group);
}

/* ICV_DIR_EL1 write (ICH_HCR_EL2.TDIR clear). */
static void deactivate_interrupt(struct vgic *g, uint64_t value)
{
	uint32_t intid = (uint32_t)value & INTID_MASK;
	/* With EOImode 0 a DIR write is UNPREDICTABLE: here, ignored. */
	if (!(g->vmcr & ICH_VMCR_VEOIM))
		return;
	if (intid >= INTID_SPECIAL_FIRST && intid <= INTID_SPURIOUS)
		return;
	deactivate(g, intid, -1);
}

/* ---- the registers ---- */

enum icv_reg {
	ICV_NONE,
	ICV_IAR0, ICV_EOIR0, ICV_HPPIR0, ICV_BPR0,
	ICV_AP0R0, ICV_AP1R0,
	ICV_APR_UNIMPLEMENTED, /* AP<m>R1..3: only with 6 or more preemption bits */
	ICV_DIR, ICV_RPR, ICV_SGI1R, ICV_ASGI1R, ICV_SGI0R,
	ICV_IAR1, ICV_EOIR1, ICV_HPPIR1, ICV_BPR1,
	ICV_CTLR, ICV_SRE, ICV_IGRPEN0, ICV_IGRPEN1,
	ICV_PMR,
};

#define REG_KEY(crm, op2) ((crm) << 3 | (op2))

/* The register an EL1 access names: op0 3, op1 0, CRn 12 (CRn 4 for PMR). */
static enum icv_reg icv_reg_of(const struct sysreg_access *a)
{
	if (a->op0 != 3 || a->op1 != 0)
		return ICV_NONE;
	if (a->crn == 4)
		return a->crm == 6 && a->op2 == 0 ? ICV_PMR : ICV_NONE;
	if (a->crn != 12)
		return ICV_NONE;
	switch (REG_KEY(a->crm, a->op2)) {
	case REG_KEY(8, 0): return ICV_IAR0;
	case REG_KEY(8, 1): return ICV_EOIR0;
	case REG_KEY(8, 2): return ICV_HPPIR0;
	case REG_KEY(8, 3): return ICV_BPR0;
	case REG_KEY(8, 4): return ICV_AP0R0;
	case REG_KEY(8, 5):
	case REG_KEY(8, 6):
	case REG_KEY(8, 7): return ICV_APR_UNIMPLEMENTED;
	case REG_KEY(9, 0): return ICV_AP1R0;
	case REG_KEY(9, 1):
	case REG_KEY(9, 2):
	case REG_KEY(9, 3): return ICV_APR_UNIMPLEMENTED;
	case REG_KEY(11, 1): return ICV_DIR;
	case REG_KEY(11, 3): return ICV_RPR;
	case REG_KEY(11, 5): return ICV_SGI1R;
	case REG_KEY(11, 6): return ICV_ASGI1R;
	case REG_KEY(11, 7): return ICV_SGI0R;
	case REG_KEY(12, 0): return ICV_IAR1;
	case REG_KEY(12, 1): return ICV_EOIR1;
	case REG_KEY(12, 2): return ICV_HPPIR1;
	case REG_KEY(12, 3): return ICV_BPR1;
	case REG_KEY(12, 4): return ICV_CTLR;
	case REG_KEY(12, 5): return ICV_SRE;
	case REG_KEY(12, 6): return ICV_IGRPEN0;
	case REG_KEY(12, 7): return ICV_IGRPEN1;
	default: return ICV_NONE;
	}
}

static uint64_t read_ctlr(const struct vgic *g)
{
	uint64_t v = (uint64_t)(PRIORITY_BITS - 1) << ICV_CTLR_PRIBITS_SHIFT | ICV_CTLR_A3V;
	if (g->vmcr & ICH_VMCR_VCBPR)
		v |= ICV_CTLR_CBPR;
	if (g->vmcr & ICH_VMCR_VEOIM)
		v |= ICV_CTLR_EOIMODE;
	return v; /* IDbits 0 (16 bits), SEIS 0 */
}

static uint32_t highest_pending_intid(const struct vgic *g, unsigned group)
{
	int i = hppvi(g);
	if (i < 0 || lr_group(g->lrs[i]) != group)
		return INTID_SPURIOUS;
	return lr_vintid(g->lrs[i]);
}

static uint64_t read_reg(struct vgic *g, enum icv_reg r)
{
	switch (r) {
	case ICV_IAR0: return acknowledge(g, 0);
	case ICV_IAR1: return acknowledge(g, 1);
	case ICV_HPPIR0: return highest_pending_intid(g, 0);
	case ICV_HPPIR1: return highest_pending_intid(g, 1);
	case ICV_BPR0: return vbpr0(g);
	case ICV_BPR1: return vbpr1(g);
	case ICV_AP0R0: return g->ap0r;
	case ICV_AP1R0: return g->ap1r;
	case ICV_RPR: return running_priority(g);
	case ICV_CTLR: return read_ctlr(g);
	case ICV_SRE: return ICC_SRE_VALUE;
	case ICV_IGRPEN0: return group_enabled(g, 0);
	case ICV_IGRPEN1: return group_enabled(g, 1);
	case ICV_PMR: return vpmr(g);
	default: return 0; /* write-only: refused by the caller */
	}
}

/* BPR writes below the minimum set the minimum. */
static unsigned clamp_bpr(uint64_t value, unsigned min)
{
	unsigned v = (unsigned)value & 7;
	return v < min ? min : v;
}

static void write_reg(struct vgic *g, enum icv_reg r, uint64_t value)
{
	switch (r) {
	case ICV_EOIR0: end_of_interrupt(g, 0, value); break;
	case ICV_EOIR1: end_of_interrupt(g, 1, value); break;
	case ICV_DIR: deactivate_interrupt(g, value); break;
	case ICV_BPR0:
		vmcr_set_field(g, ICH_VMCR_VBPR0_SHIFT, 3, clamp_bpr(value, BPR0_MIN));
		break;
	case ICV_BPR1:
		/* With VCBPR set, BPR1 is BPR0's shadow: writes ignored. */
		if (!(g->vmcr & ICH_VMCR_VCBPR))
			vmcr_set_field(g, ICH_VMCR_VBPR1_SHIFT, 3, clamp_bpr(value, BPR1_MIN));
		break;
	case ICV_AP0R0: g->ap0r = (uint32_t)value; break;
	case ICV_AP1R0: g->ap1r = (uint32_t)value; break;
	case ICV_CTLR:
		vmcr_set_bit(g, ICH_VMCR_VCBPR, value & ICV_CTLR_CBPR);
		vmcr_set_bit(g, ICH_VMCR_VEOIM, value & ICV_CTLR_EOIMODE);
		break;
	case ICV_SRE: break; /* SRE, DFB and DIB are fixed by EL2 */
	case ICV_IGRPEN0: vmcr_set_bit(g, ICH_VMCR_VENG0, value & 1); break;
	case ICV_IGRPEN1: vmcr_set_bit(g, ICH_VMCR_VENG1, value & 1); break;
	case ICV_PMR:
		vmcr_set_field(g, ICH_VMCR_VPMR_SHIFT, 8, (unsigned)value & PRIORITY_MASK);
		break;
	default: break; /* read-only: refused by the caller */
	}
}

static bool read_only(enum icv_reg r)
{
	return r == ICV_IAR0 || r == ICV_IAR1 || r == ICV_HPPIR0 || r == ICV_HPPIR1 ||
	       r == ICV_RPR;
}

static bool write_only(enum icv_reg r)
{
	return r == ICV_EOIR0 || r == ICV_EOIR1 || r == ICV_DIR || r == ICV_SGI0R ||
	       r == ICV_SGI1R || r == ICV_ASGI1R;
}

enum vgic_result vgic_access(struct vgic *g, const struct sysreg_access *a, uint64_t *value)
{
	enum icv_reg r = icv_reg_of(a);
	if (r == ICV_NONE)
		return VGIC_NOT_GIC;
	if (r == ICV_APR_UNIMPLEMENTED || (a->read && write_only(r)) ||
	    (!a->read && read_only(r)))
		return VGIC_UNDEF;
	if (a->read) {
		*value = read_reg(g, r);
		return VGIC_DONE;
	}
	/* SGIs are generated by the host's emulated distributor. */
	if (r == ICV_SGI0R || r == ICV_SGI1R || r == ICV_ASGI1R)
		return VGIC_TRAP;
	/* ICH_HCR_EL2.TDIR traps ICV_DIR_EL1 writes to EL2. (TC, TALL0 and
	 * TALL1 are not in RMI_GICV3_HCR_ALLOWED: never set.) */
	if (r == ICV_DIR && (g->hcr & ICH_HCR_TDIR))
		return VGIC_TRAP;
	write_reg(g, r, *value);
	return VGIC_DONE;
}

void vgic_reset(struct vgic *g, unsigned nlrs)
{
	*g = (struct vgic){
		.hcr = ICH_HCR_EN,
		.nlrs = nlrs < RMI_GIC_MAX_LRS ? nlrs : RMI_GIC_MAX_LRS,
		.vmcr = ICH_VMCR_VFIQEN | (uint64_t)BPR0_MIN << ICH_VMCR_VBPR0_SHIFT |
			(uint64_t)BPR1_MIN << ICH_VMCR_VBPR1_SHIFT,
	};
}
