/* ESR_ELx.DFSC/IFSC, the fault status code of a data or instruction abort
 * (Arm ARM D24.2.40), one set for every EL2 user: the guest's stage-1 walk
 * (stage1.c), the syndromes EL2 rebuilds or injects (trap.c), and the RMM's
 * and the host's stage-2 exits. Kept apart so that stage1.h, below trap.h,
 * needs nothing above it. Levels are 0..3 (no FEAT_LPA2 level -1). */
#ifndef CCAKIT_CPU_FSC_H
#define CCAKIT_CPU_FSC_H

#define FSC_ADDRESS_SIZE(level) (0x00u + (unsigned)(level))
#define FSC_TRANSLATION(level) (0x04u + (unsigned)(level))
#define FSC_ACCESS_FLAG(level) (0x08u + (unsigned)(level))
#define FSC_PERMISSION(level) (0x0cu + (unsigned)(level))
#define FSC_SEA 0x10u       /* synchronous external abort, not on a walk */
#define FSC_ALIGNMENT 0x21u
#define FSC_GPF 0x28u       /* granule protection fault, not on a walk */

#endif
