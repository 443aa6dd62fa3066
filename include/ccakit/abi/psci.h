/* PSCI 1.1 (Arm DEN0022) function IDs and return codes. */
#ifndef CCAKIT_ABI_PSCI_H
#define CCAKIT_ABI_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "ccakit/abi/smccc.h"

#define PSCI_VERSION UINT32_C(0x84000000)
#define PSCI_CPU_SUSPEND_AARCH32 UINT32_C(0x84000001)
#define PSCI_CPU_SUSPEND UINT32_C(0xC4000001)
#define PSCI_CPU_OFF UINT32_C(0x84000002)
#define PSCI_CPU_ON_AARCH32 UINT32_C(0x84000003)
#define PSCI_CPU_ON UINT32_C(0xC4000003)
#define PSCI_AFFINITY_INFO_AARCH32 UINT32_C(0x84000004)
#define PSCI_AFFINITY_INFO UINT32_C(0xC4000004)
#define PSCI_SYSTEM_OFF UINT32_C(0x84000008)
#define PSCI_SYSTEM_RESET UINT32_C(0x84000009)
#define PSCI_FEATURES UINT32_C(0x8400000A)

#define PSCI_VERSION_1_1 UINT64_C(0x10001)

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_NOT_PRESENT (-7)
#define PSCI_DISABLED (-8)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1

/* A PSCI function ID (SMC32 0x84000000..1F or SMC64 0xC4000000..1F), read
 * as SMCCC says (bits 63:32 and the SVE hint ignored). */
static inline bool psci_is_call(uint64_t x0)
{
	return (smccc_fid(x0) & 0xbfffffe0u) == 0x84000000u;
}

#endif
