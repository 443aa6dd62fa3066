/* The GICv3 virtual CPU interface of one vCPU, emulated: PE hardware (the
 * ICH_* registers), which both EL2 worlds use, the RMM for a REC and the
 * host for a normal VM.
 *
 * unicorn's AArch64 CPU has no GIC CPU interface: every MRS/MSR of an ICC_*
 * register is an undefined-instruction exception. The EL2 software that
 * traps it calls vgic_access: an EL1 access to ICC_<reg> acts on ICV_<reg>,
 * backed by the list registers (for a REC, those the host hands in through
 * RmiRecRun.enter and gets back in RmiRecRun.exit).
 *
 * The interface implemented: 5 bits of priority and of preemption
 * (ICH_VTR_EL2.PRIbits = PREbits = 4, so only ICH_AP0R0/AP1R0 exist),
 * 16-bit INTIDs, A3V = 1, SEIS = 0, system-register access only (SRE = 1,
 * so group 0 is always signalled as vFIQ). */
#ifndef CCAKIT_CPU_VGIC_H
#define CCAKIT_CPU_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "ccakit/abi/rmi.h"
#include "cpu/decode.h"

/* ICH_HCR_EL2 fields. */
#define ICH_HCR_EN (UINT64_C(1) << 0)
#define ICH_HCR_UIE (UINT64_C(1) << 1)
#define ICH_HCR_LRENPIE (UINT64_C(1) << 2)
#define ICH_HCR_NPIE (UINT64_C(1) << 3)
#define ICH_HCR_VGRP0EIE (UINT64_C(1) << 4)
#define ICH_HCR_VGRP0DIE (UINT64_C(1) << 5)
#define ICH_HCR_VGRP1EIE (UINT64_C(1) << 6)
#define ICH_HCR_VGRP1DIE (UINT64_C(1) << 7)
#define ICH_HCR_TDIR (UINT64_C(1) << 14)
#define ICH_HCR_EOICOUNT_SHIFT 27
#define ICH_HCR_EOICOUNT_MASK (UINT64_C(0x1f) << ICH_HCR_EOICOUNT_SHIFT)

/* ICH_VMCR_EL2 fields. */
#define ICH_VMCR_VENG0 (UINT64_C(1) << 0)
#define ICH_VMCR_VENG1 (UINT64_C(1) << 1)
#define ICH_VMCR_VACKCTL (UINT64_C(1) << 2)
#define ICH_VMCR_VFIQEN (UINT64_C(1) << 3)
#define ICH_VMCR_VCBPR (UINT64_C(1) << 4)
#define ICH_VMCR_VEOIM (UINT64_C(1) << 9)
#define ICH_VMCR_VBPR1_SHIFT 18
#define ICH_VMCR_VBPR0_SHIFT 21
#define ICH_VMCR_VPMR_SHIFT 24

/* ICH_MISR_EL2 bits: the maintenance interrupt conditions. */
#define ICH_MISR_EOI (UINT64_C(1) << 0)
#define ICH_MISR_U (UINT64_C(1) << 1)
#define ICH_MISR_LRENP (UINT64_C(1) << 2)
#define ICH_MISR_NP (UINT64_C(1) << 3)
#define ICH_MISR_VGRP0E (UINT64_C(1) << 4)
#define ICH_MISR_VGRP0D (UINT64_C(1) << 5)
#define ICH_MISR_VGRP1E (UINT64_C(1) << 6)
#define ICH_MISR_VGRP1D (UINT64_C(1) << 7)

/* ICH_LR<n>_EL2.State. */
#define ICH_LR_STATE_INVALID 0u
#define ICH_LR_STATE_PENDING 1u
#define ICH_LR_STATE_ACTIVE 2u
#define ICH_LR_STATE_PENDING_ACTIVE 3u

#define INTID_SPURIOUS 1023u

struct vgic {
	uint64_t hcr;                  /* ICH_HCR_EL2: En, what the host set, EOIcount */
	uint64_t lrs[RMI_GIC_MAX_LRS]; /* ICH_LR<n>_EL2 */
	unsigned nlrs;                 /* implemented list registers */
	uint64_t vmcr;                 /* ICH_VMCR_EL2 */
	uint32_t ap0r, ap1r;           /* ICH_AP0R0_EL2, ICH_AP1R0_EL2 */
};

/* The state of a fresh REC: En set, no interrupts, everything masked
 * (VPMR 0, both groups disabled), binary points at their minimum. nlrs is
 * capped at RMI_GIC_MAX_LRS. */
void vgic_reset(struct vgic *g, unsigned nlrs);

enum vgic_result {
	VGIC_NOT_GIC, /* not a GIC CPU interface register */
	VGIC_DONE,    /* emulated */
	VGIC_TRAP,    /* to the host as an EC 0x18 system-register exit */
	VGIC_UNDEF,   /* UNDEFINED: the realm takes an undefined-instruction exception */
};

/* Emulates the EL1 access a; *value is Xt for a write and receives the
 * result of a read. */
enum vgic_result vgic_access(struct vgic *g, const struct sysreg_access *a, uint64_t *value);

/* Whether the interface signals a virtual IRQ (group 1) or FIQ (group 0):
 * what drives HCR_EL2.VI and HCR_EL2.VF. */
bool vgic_irq_pending(const struct vgic *g);
bool vgic_fiq_pending(const struct vgic *g);

/* ICH_MISR_EL2, for RmiRecExit.gicv3_misr. */
uint64_t vgic_misr(const struct vgic *g);

#endif
