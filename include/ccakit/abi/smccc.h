/* SMC Calling Convention (Arm DEN0028) facts used by every world. */
#ifndef CCAKIT_ABI_SMCCC_H
#define CCAKIT_ABI_SMCCC_H

#include <stdint.h>

/* X0..X17 carry arguments and results of an SMC (SMCCC 1.2+). */
#define SMCCC_NUM_REGS 18

struct smc_regs {
	uint64_t x[SMCCC_NUM_REGS];
};

#define SMCCC_FAST_CALL (UINT32_C(1) << 31)
#define SMCCC_SMC64 (UINT32_C(1) << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK UINT32_C(0x3f)
#define SMCCC_OWNER_ARCH 0
#define SMCCC_OWNER_STANDARD 4
/* SMCCC 1.3: bit 16 is the "no live SVE state" hint; callees strip it. */
#define SMCCC_SVE_HINT (UINT32_C(1) << 16)

/* Returned in X0 for a function ID nobody implements. */
#define SMC_UNKNOWN UINT64_C(0xffffffffffffffff)

#define SMCCC_VERSION_FID UINT32_C(0x80000000)
#define SMCCC_ARCH_FEATURES_FID UINT32_C(0x80000001)
#define SMCCC_VERSION_1_2 UINT64_C(0x10002)

static inline uint32_t smccc_fid(uint64_t x0)
{
	return (uint32_t)x0 & ~SMCCC_SVE_HINT;
}

static inline unsigned smccc_owner(uint32_t fid)
{
	return (fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK;
}

#endif
