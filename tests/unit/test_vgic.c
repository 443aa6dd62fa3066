/* The emulated GICv3 virtual CPU interface of a REC (cpu/vgic.h), driven
 * through the ICC_* accesses a realm's EL1 makes, as the ICV_* registers of
 * the GICv3 architecture behave over the list registers. White-box. */
#include "harness.h"

#include "cpu/vgic.h"

/* An ICC_* register's encoding at EL1 (op0 3, op1 0). */
struct reg {
	unsigned crn, crm, op2;
};

static const struct reg IAR0 = { 12, 8, 0 }, EOIR0 = { 12, 8, 1 }, HPPIR0 = { 12, 8, 2 },
			BPR0 = { 12, 8, 3 }, AP0R0 = { 12, 8, 4 }, AP0R1 = { 12, 8, 5 },
			AP1R0 = { 12, 9, 0 }, AP1R3 = { 12, 9, 3 }, DIR = { 12, 11, 1 },
			RPR = { 12, 11, 3 }, SGI1R = { 12, 11, 5 }, ASGI1R = { 12, 11, 6 },
			SGI0R = { 12, 11, 7 }, IAR1 = { 12, 12, 0 }, EOIR1 = { 12, 12, 1 },
			HPPIR1 = { 12, 12, 2 }, BPR1 = { 12, 12, 3 }, CTLR = { 12, 12, 4 },
			SRE = { 12, 12, 5 }, IGRPEN0 = { 12, 12, 6 }, IGRPEN1 = { 12, 12, 7 },
			PMR = { 4, 6, 0 };

static enum vgic_result access(struct vgic *g, struct reg r, bool read, uint64_t *value)
{
	struct sysreg_access a = { .op0 = 3, .op1 = 0, .crn = r.crn, .crm = r.crm,
				   .op2 = r.op2, .rt = 0, .read = read };
	return vgic_access(g, &a, value);
}

static uint64_t rd(struct vgic *g, struct reg r)
{
	uint64_t v = 0xdeadbeef;
	assert_int_equal(access(g, r, true, &v), VGIC_DONE);
	return v;
}

static void wr(struct vgic *g, struct reg r, uint64_t v)
{
	assert_int_equal(access(g, r, false, &v), VGIC_DONE);
}

static uint64_t lr(uint32_t vintid, unsigned priority, unsigned group, unsigned state)
{
	return vintid | (uint64_t)priority << ICH_LR_PRIORITY_SHIFT |
	       (group ? ICH_LR_GROUP : 0) | (uint64_t)state << ICH_LR_STATE_SHIFT;
}

static unsigned state_of(const struct vgic *g, unsigned n)
{
	return (unsigned)(g->lrs[n] >> ICH_LR_STATE_SHIFT);
}

static unsigned eoicount(const struct vgic *g)
{
	return (unsigned)((g->hcr & ICH_HCR_EOICOUNT_MASK) >> ICH_HCR_EOICOUNT_SHIFT);
}

/* A fresh REC's interface with 4 LRs, as a guest driver leaves it: both
 * groups enabled, the priority mask fully open. */
static void ready(struct vgic *g)
{
	vgic_reset(g, 4);
	wr(g, IGRPEN0, 1);
	wr(g, IGRPEN1, 1);
	wr(g, PMR, 0xff);
}

static void fresh_rec_is_enabled_masked_and_has_minimal_binary_points(void **state)
{
	(void)state;
	struct vgic g;
	vgic_reset(&g, 40);
	assert_int_equal(g.nlrs, RMI_GIC_MAX_LRS);
	assert_int_equal(g.hcr, ICH_HCR_EN);
	assert_int_equal(rd(&g, PMR), 0);
	assert_int_equal(rd(&g, BPR0), 2);
	assert_int_equal(rd(&g, BPR1), 3);
	assert_int_equal(rd(&g, IGRPEN0), 0);
	assert_int_equal(rd(&g, IGRPEN1), 0);
	assert_int_equal(rd(&g, RPR), 0xff);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	assert_false(vgic_irq_pending(&g));
}

static void ack_then_eoi_round_trip_deactivates_the_lr(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(27, 0xa0, 1, ICH_LR_STATE_PENDING);
	assert_true(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, HPPIR1), 27);

	assert_int_equal(rd(&g, IAR1), 27);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_ACTIVE);
	assert_int_equal(g.ap1r, UINT32_C(1) << (0xa0 >> 3));
	assert_int_equal(g.ap0r, 0);
	assert_int_equal(rd(&g, RPR), 0xa0);
	assert_false(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, HPPIR1), INTID_SPURIOUS);

	wr(&g, EOIR1, 27);
	assert_int_equal(g.lrs[0], lr(27, 0xa0, 1, ICH_LR_STATE_INVALID));
	assert_int_equal(g.ap1r, 0);
	assert_int_equal(rd(&g, RPR), 0xff);
	assert_int_equal(eoicount(&g), 0);
}

static void pending_and_active_lr_becomes_pending_on_eoi(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(33, 0x60, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 33);
	/* The host re-asserts the level interrupt while it is active. */
	g.lrs[0] = lr(33, 0x60, 1, ICH_LR_STATE_PENDING_ACTIVE);
	assert_false(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	wr(&g, EOIR1, 33);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 33);
}

static void iar_is_spurious_with_nothing_pending(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	assert_int_equal(rd(&g, IAR0), INTID_SPURIOUS);
	assert_int_equal(rd(&g, HPPIR1), INTID_SPURIOUS);
	/* An LR beyond the implemented ones is not looked at. */
	g.lrs[4] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	assert_int_equal(state_of(&g, 4), ICH_LR_STATE_PENDING);
	assert_int_equal(g.ap1r, 0);
}

static void iar_is_spurious_when_masked_by_pmr(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	wr(&g, PMR, 0x80);
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_PENDING);
	/* HPPIR is not masked: it names the interrupt all the same. */
	assert_int_equal(rd(&g, HPPIR1), 27);
	wr(&g, PMR, 0x88);
	assert_int_equal(rd(&g, IAR1), 27);
}

static void iar_is_spurious_when_the_group_is_disabled(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	wr(&g, IGRPEN1, 0);
	assert_int_equal(rd(&g, IGRPEN1), 0);
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	assert_int_equal(rd(&g, HPPIR1), INTID_SPURIOUS);
	assert_int_equal(rd(&g, IAR0), INTID_SPURIOUS);
	assert_false(vgic_irq_pending(&g));
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_PENDING);
	wr(&g, IGRPEN1, 1);
	assert_int_equal(rd(&g, IAR1), 27);
}

static void iar_takes_the_highest_priority_lr_first(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(40, 0xc0, 1, ICH_LR_STATE_PENDING);
	g.lrs[1] = lr(41, 0x40, 1, ICH_LR_STATE_PENDING);
	g.lrs[2] = lr(42, 0x80, 1, ICH_LR_STATE_PENDING);
	g.lrs[3] = lr(43, 0x40, 1, ICH_LR_STATE_PENDING);

	/* Equal priorities: the lower-numbered LR first. */
	assert_int_equal(rd(&g, IAR1), 41);
	/* 43 has the running priority: it cannot preempt 41. */
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	wr(&g, EOIR1, 41);
	assert_int_equal(rd(&g, IAR1), 43);
	wr(&g, EOIR1, 43);
	assert_int_equal(rd(&g, IAR1), 42);
	wr(&g, EOIR1, 42);
	assert_int_equal(rd(&g, IAR1), 40);
	wr(&g, EOIR1, 40);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(state_of(&g, i), ICH_LR_STATE_INVALID);
}

static void preemption_needs_a_higher_group_priority(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	/* BPR1 5: group priority [7:5]. */
	wr(&g, BPR1, 5);
	assert_int_equal(rd(&g, BPR1), 5);
	g.lrs[0] = lr(50, 0x58, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 50);
	assert_int_equal(rd(&g, RPR), 0x40);
	assert_int_equal(g.ap1r, UINT32_C(1) << (0x40 >> 3));

	/* Higher priority, same group priority (0x40): no preemption. */
	g.lrs[1] = lr(51, 0x48, 1, ICH_LR_STATE_PENDING);
	assert_false(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	/* Group priority 0x20: preempts, and becomes the running priority. */
	g.lrs[2] = lr(52, 0x38, 1, ICH_LR_STATE_PENDING);
	assert_true(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, IAR1), 52);
	assert_int_equal(rd(&g, RPR), 0x20);
	assert_int_equal(state_of(&g, 1), ICH_LR_STATE_PENDING);

	/* With the binary point at its minimum the same pair preempts. */
	ready(&g);
	g.lrs[0] = lr(50, 0x58, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 50);
	g.lrs[1] = lr(51, 0x48, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 51);
	assert_int_equal(rd(&g, RPR), 0x48);
}

static void eoimode_1_drops_priority_on_eoir_and_deactivates_on_dir(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	wr(&g, CTLR, 2); /* EOImode */
	assert_true(g.vmcr & ICH_VMCR_VEOIM);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	g.lrs[1] = lr(28, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 27);

	wr(&g, EOIR1, 27);
	assert_int_equal(g.ap1r, 0);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_ACTIVE);
	/* The drop lets an interrupt of the same priority in. */
	assert_int_equal(rd(&g, IAR1), 28);

	wr(&g, DIR, 27);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_INVALID);
	assert_int_equal(state_of(&g, 1), ICH_LR_STATE_ACTIVE);
	assert_int_equal(g.ap1r, UINT32_C(1) << (0x80 >> 3));
	assert_int_equal(eoicount(&g), 0);

	/* With EOImode 0, DIR does nothing. */
	wr(&g, CTLR, 0);
	wr(&g, DIR, 28);
	assert_int_equal(state_of(&g, 1), ICH_LR_STATE_ACTIVE);
}

static void tdir_traps_dir_writes_to_the_host(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	wr(&g, CTLR, 2);
	g.hcr |= ICH_HCR_TDIR;
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 27);
	wr(&g, EOIR1, 27);
	uint64_t v = 27;
	assert_int_equal(access(&g, DIR, false, &v), VGIC_TRAP);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_ACTIVE);
}

static void eoi_of_an_intid_in_no_lr_counts_in_eoicount(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(rd(&g, IAR1), 27);
	wr(&g, EOIR1, 99);
	assert_int_equal(eoicount(&g), 1);
	assert_int_equal(g.ap1r, 0);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_ACTIVE);
	/* Nothing active left to drop: no deactivation, no count. */
	wr(&g, EOIR1, 27);
	assert_int_equal(eoicount(&g), 1);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_ACTIVE);

	/* EOImode 1: the EOIR only drops; the DIR counts. */
	g.lrs[0] = lr(30, 0x80, 1, ICH_LR_STATE_PENDING);
	wr(&g, CTLR, 2);
	assert_int_equal(rd(&g, IAR1), 30);
	wr(&g, EOIR1, 31);
	assert_int_equal(eoicount(&g), 1);
	wr(&g, DIR, 31);
	assert_int_equal(eoicount(&g), 2);
	/* The count wraps in its 5 bits. */
	g.hcr |= ICH_HCR_EOICOUNT_MASK;
	wr(&g, DIR, 31);
	assert_int_equal(eoicount(&g), 0);
	assert_int_equal(g.hcr, ICH_HCR_EN);
}

static void sgi_writes_trap_to_the_host(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	const struct reg sgi[] = { SGI0R, SGI1R, ASGI1R };
	for (size_t i = 0; i < ARRAY_SIZE(sgi); i++) {
		uint64_t v = UINT64_C(1) << 40 | 1; /* SGI 0 to all but self */
		assert_int_equal(access(&g, sgi[i], false, &v), VGIC_TRAP);
		assert_int_equal(access(&g, sgi[i], true, &v), VGIC_UNDEF);
	}
}

static void read_of_eoir_and_write_of_iar_are_undefined(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	uint64_t v = 27;
	assert_int_equal(access(&g, EOIR1, true, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, EOIR0, true, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, DIR, true, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, IAR1, false, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, IAR0, false, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, HPPIR1, false, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, RPR, false, &v), VGIC_UNDEF);
	/* Five preemption bits: only AP<m>R0 exist. */
	assert_int_equal(access(&g, AP0R1, true, &v), VGIC_UNDEF);
	assert_int_equal(access(&g, AP1R3, false, &v), VGIC_UNDEF);
	/* None of that touched the interrupt. */
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_PENDING);
}

static void other_registers_are_not_the_gic(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	uint64_t v = 0;
	struct sysreg_access ich_hcr = { .op0 = 3, .op1 = 4, .crn = 12, .crm = 11, .op2 = 0,
					 .read = true };
	struct sysreg_access unallocated = { .op0 = 3, .op1 = 0, .crn = 12, .crm = 11,
					     .op2 = 0, .read = true };
	struct sysreg_access cntvct = { .op0 = 3, .op1 = 3, .crn = 14, .crm = 0, .op2 = 2,
					.read = true };
	struct sysreg_access near_pmr = { .op0 = 3, .op1 = 0, .crn = 4, .crm = 6, .op2 = 1,
					  .read = true };
	assert_int_equal(vgic_access(&g, &ich_hcr, &v), VGIC_NOT_GIC);
	assert_int_equal(vgic_access(&g, &unallocated, &v), VGIC_NOT_GIC);
	assert_int_equal(vgic_access(&g, &cntvct, &v), VGIC_NOT_GIC);
	assert_int_equal(vgic_access(&g, &near_pmr, &v), VGIC_NOT_GIC);
}

static void ctlr_sre_bpr_and_pmr_read_as_the_implemented_interface(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	/* PRIbits 4 (five bits), IDbits 0, SEIS 0, A3V 1. */
	assert_int_equal(rd(&g, CTLR), 4u << 8 | 1u << 15);
	wr(&g, CTLR, 0xffffffff);
	assert_int_equal(rd(&g, CTLR), 4u << 8 | 1u << 15 | 3u);
	wr(&g, CTLR, 0);

	assert_int_equal(rd(&g, SRE), 7);
	wr(&g, SRE, 0);
	assert_int_equal(rd(&g, SRE), 7);

	/* The unimplemented low priority bits read as zero. */
	wr(&g, PMR, 0xa7);
	assert_int_equal(rd(&g, PMR), 0xa0);
	assert_int_equal(g.vmcr >> ICH_VMCR_VPMR_SHIFT & 0xff, 0xa0);

	/* Binary points below the minimum read back as the minimum. */
	wr(&g, BPR0, 0);
	assert_int_equal(rd(&g, BPR0), 2);
	wr(&g, BPR1, 1);
	assert_int_equal(rd(&g, BPR1), 3);
	wr(&g, BPR0, 4);
	assert_int_equal(rd(&g, BPR0), 4);
	/* CBPR: BPR1 reads BPR0 + 1 and ignores writes. */
	wr(&g, CTLR, 1);
	assert_int_equal(rd(&g, BPR1), 5);
	wr(&g, BPR1, 7);
	assert_int_equal(rd(&g, BPR1), 5);
	wr(&g, CTLR, 0);
	assert_int_equal(rd(&g, BPR1), 3);

	wr(&g, AP0R0, 0x10);
	wr(&g, AP1R0, 0x300);
	assert_int_equal(rd(&g, AP0R0), 0x10);
	assert_int_equal(rd(&g, AP1R0), 0x300);
	assert_int_equal(rd(&g, RPR), 4u << 3);
}

static void irq_pending_follows_pmr_running_priority_and_en(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_true(vgic_irq_pending(&g));
	assert_false(vgic_fiq_pending(&g));

	wr(&g, PMR, 0x80);
	assert_false(vgic_irq_pending(&g));
	wr(&g, PMR, 0xff);
	assert_true(vgic_irq_pending(&g));

	/* An active priority of 0x80 (restored through AP1R0) masks it. */
	wr(&g, AP1R0, UINT32_C(1) << (0x80 >> 3));
	assert_false(vgic_irq_pending(&g));
	wr(&g, AP1R0, UINT32_C(1) << (0x88 >> 3));
	assert_true(vgic_irq_pending(&g));
	wr(&g, AP1R0, 0);

	g.hcr &= ~ICH_HCR_EN;
	assert_false(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);
	g.hcr |= ICH_HCR_EN;
	assert_true(vgic_irq_pending(&g));
}

static void misr_reports_each_maintenance_condition(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	/* EOI: a deactivated non-HW LR asking for it. */
	g.lrs[0] = lr(27, 0x80, 1, ICH_LR_STATE_PENDING) | ICH_LR_EOI;
	assert_int_equal(vgic_misr(&g), 0);
	assert_int_equal(rd(&g, IAR1), 27);
	wr(&g, EOIR1, 27);
	assert_int_equal(vgic_misr(&g), ICH_MISR_EOI);
	/* Bit 41 of an HW LR is pINTID, not EOI. */
	g.lrs[0] |= ICH_LR_HW;
	assert_int_equal(vgic_misr(&g), 0);
	g.lrs[0] = 0;

	/* U: at most one valid LR. */
	g.hcr |= ICH_HCR_UIE;
	g.lrs[1] = lr(28, 0x80, 1, ICH_LR_STATE_ACTIVE);
	assert_int_equal(vgic_misr(&g), ICH_MISR_U);
	g.lrs[2] = lr(29, 0x80, 1, ICH_LR_STATE_PENDING);
	assert_int_equal(vgic_misr(&g), 0);
	g.hcr &= ~ICH_HCR_UIE;

	/* NP: no LR pending. */
	g.hcr |= ICH_HCR_NPIE;
	assert_int_equal(vgic_misr(&g), 0);
	g.lrs[2] = 0;
	assert_int_equal(vgic_misr(&g), ICH_MISR_NP);
	g.hcr &= ~ICH_HCR_NPIE;

	/* LRENP: EOIcount non-zero. */
	g.hcr |= ICH_HCR_LRENPIE;
	assert_int_equal(vgic_misr(&g), 0);
	g.hcr |= UINT64_C(2) << ICH_HCR_EOICOUNT_SHIFT;
	assert_int_equal(vgic_misr(&g), ICH_MISR_LRENP);
	g.hcr = ICH_HCR_EN;

	/* The group enable states. */
	g.hcr |= ICH_HCR_VGRP0EIE | ICH_HCR_VGRP0DIE | ICH_HCR_VGRP1EIE | ICH_HCR_VGRP1DIE;
	wr(&g, IGRPEN1, 0);
	assert_int_equal(vgic_misr(&g), ICH_MISR_VGRP0E | ICH_MISR_VGRP1D);
	wr(&g, IGRPEN0, 0);
	wr(&g, IGRPEN1, 1);
	assert_int_equal(vgic_misr(&g), ICH_MISR_VGRP0D | ICH_MISR_VGRP1E);
	g.hcr &= ~(ICH_HCR_VGRP0DIE | ICH_HCR_VGRP1EIE);
	assert_int_equal(vgic_misr(&g), 0);

	/* Nothing at all while En is clear. */
	g.hcr = ICH_HCR_UIE | ICH_HCR_NPIE | ICH_HCR_VGRP1EIE;
	assert_int_equal(vgic_misr(&g), 0);
}

static void group_0_is_acknowledged_through_iar0_and_signals_fiq(void **state)
{
	(void)state;
	struct vgic g;
	ready(&g);
	g.lrs[0] = lr(20, 0x80, 0, ICH_LR_STATE_PENDING);
	g.lrs[1] = lr(21, 0xc0, 1, ICH_LR_STATE_PENDING);
	assert_true(vgic_fiq_pending(&g));
	/* The highest-priority pending interrupt is group 0: no vIRQ. */
	assert_false(vgic_irq_pending(&g));
	assert_int_equal(rd(&g, HPPIR1), INTID_SPURIOUS);
	assert_int_equal(rd(&g, HPPIR0), 20);
	assert_int_equal(rd(&g, IAR1), INTID_SPURIOUS);

	assert_int_equal(rd(&g, IAR0), 20);
	assert_int_equal(g.ap0r, UINT32_C(1) << (0x80 >> 3));
	assert_int_equal(g.ap1r, 0);
	assert_false(vgic_fiq_pending(&g));
	/* 21 (0xc0) cannot preempt the running 0x80. */
	assert_false(vgic_irq_pending(&g));

	wr(&g, EOIR0, 20);
	assert_int_equal(state_of(&g, 0), ICH_LR_STATE_INVALID);
	assert_int_equal(g.ap0r, 0);
	assert_true(vgic_irq_pending(&g));

	/* Group 0 disabled: no vFIQ. */
	g.lrs[0] = lr(20, 0x80, 0, ICH_LR_STATE_PENDING);
	wr(&g, IGRPEN0, 0);
	assert_false(vgic_fiq_pending(&g));
	assert_int_equal(rd(&g, IAR0), INTID_SPURIOUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_rec_is_enabled_masked_and_has_minimal_binary_points),
		cmocka_unit_test(ack_then_eoi_round_trip_deactivates_the_lr),
		cmocka_unit_test(pending_and_active_lr_becomes_pending_on_eoi),
		cmocka_unit_test(iar_is_spurious_with_nothing_pending),
		cmocka_unit_test(iar_is_spurious_when_masked_by_pmr),
		cmocka_unit_test(iar_is_spurious_when_the_group_is_disabled),
		cmocka_unit_test(iar_takes_the_highest_priority_lr_first),
		cmocka_unit_test(preemption_needs_a_higher_group_priority),
		cmocka_unit_test(eoimode_1_drops_priority_on_eoir_and_deactivates_on_dir),
		cmocka_unit_test(tdir_traps_dir_writes_to_the_host),
		cmocka_unit_test(eoi_of_an_intid_in_no_lr_counts_in_eoicount),
		cmocka_unit_test(sgi_writes_trap_to_the_host),
		cmocka_unit_test(read_of_eoir_and_write_of_iar_are_undefined),
		cmocka_unit_test(other_registers_are_not_the_gic),
		cmocka_unit_test(ctlr_sre_bpr_and_pmr_read_as_the_implemented_interface),
		cmocka_unit_test(irq_pending_follows_pmr_running_priority_and_en),
		cmocka_unit_test(misr_reports_each_maintenance_condition),
		cmocka_unit_test(group_0_is_acknowledged_through_iar0_and_signals_fiq),
	};
	return cmocka_run_group_tests_name("vgic", tests, NULL, NULL);
}
