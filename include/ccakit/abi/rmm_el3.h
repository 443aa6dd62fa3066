/* The RMM-EL3 interface (RMM <-> root monitor), after TF-RMM's numbering.
 * Only the Realm world may call it; from any other world it is SMC_UNKNOWN. */
#ifndef CCAKIT_ABI_RMM_EL3_H
#define CCAKIT_ABI_RMM_EL3_H

#include <stdint.h>

#define RMM_EL3_FID(n) (UINT32_C(0xC4000000) | (n))

/* Granule transition service: X1 = PA; X0 = status. */
#define RMM_GTSI_DELEGATE RMM_EL3_FID(0x1B0)
#define RMM_GTSI_UNDELEGATE RMM_EL3_FID(0x1B1)
/* Attestation, as TF-A's RMMD serves it. Buffers are in RMM memory (in
 * ccakit: the address of the RMM's own buffer in its process).
 *   GET_REALM_KEY:  X1 = buffer, X2 = size, X3 = curve -> X0 = status,
 *                   X1 = size of the RAK's private scalar written there.
 *   GET_PLAT_TOKEN: X1 = buffer holding the challenge (hash of the RAK),
 *                   X2 = size, X3 = challenge size -> X0 = status, X1 = size
 *                   of the platform token (COSE_Sign1) written there. */
#define RMM_ATTEST_GET_REALM_KEY RMM_EL3_FID(0x1B2)
#define RMM_ATTEST_GET_PLAT_TOKEN RMM_EL3_FID(0x1B3)
#define RMM_ATTEST_KEY_CURVE_P384 0 /* TF-A's ATTEST_KEY_CURVE_ECC_SECP384R1 */

#define RMM_EL3_FID_FIRST 0x1B0
#define RMM_EL3_FID_LAST 0x1CF

/* Status codes of the RMM-EL3 interface. */
#define E_RMM_OK 0
#define E_RMM_UNK (-1)
#define E_RMM_BAD_ADDR (-2)
#define E_RMM_BAD_PAS (-3)
#define E_RMM_NOMEM (-4) /* the buffer is too small */
#define E_RMM_INVAL (-5)

/* What the monitor tells the RMM at boot (TF-A's boot manifest). */
struct rmm_boot_manifest {
	uint32_t version;
	uint32_t token_format; /* RMM_TOKEN_FORMAT_* */
};
#define RMM_BOOT_MANIFEST_VERSION 1
#define RMM_TOKEN_FORMAT_CCA 0 /* tag 399 collection (RMM 1.0) */
#define RMM_TOKEN_FORMAT_CMW 1 /* tag 907 CMW collection */

#endif
