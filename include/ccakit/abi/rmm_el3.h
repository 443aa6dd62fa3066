/* The RMM-EL3 interface (RMM <-> root monitor), after TF-RMM's numbering.
 * Only the Realm world may call it; from any other world it is SMC_UNKNOWN. */
#ifndef CCAKIT_ABI_RMM_EL3_H
#define CCAKIT_ABI_RMM_EL3_H

#include <stdint.h>

#define RMM_EL3_FID(n) (UINT32_C(0xC4000000) | (n))

/* Granule transition service: X1 = PA; X0 = status. */
#define RMM_GTSI_DELEGATE RMM_EL3_FID(0x1B0)
#define RMM_GTSI_UNDELEGATE RMM_EL3_FID(0x1B1)
/* Attestation (issue: attestation end to end). */
#define RMM_ATTEST_GET_REALM_KEY RMM_EL3_FID(0x1B2)
#define RMM_ATTEST_GET_PLAT_TOKEN RMM_EL3_FID(0x1B3)

#define RMM_EL3_FID_FIRST 0x1B0
#define RMM_EL3_FID_LAST 0x1CF

/* Status codes of the RMM-EL3 interface. */
#define E_RMM_OK 0
#define E_RMM_UNK (-1)
#define E_RMM_BAD_ADDR (-2)
#define E_RMM_BAD_PAS (-3)

#endif
