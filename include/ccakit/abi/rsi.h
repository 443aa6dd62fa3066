/* Realm Service Interface, RMM specification 1.0-REL0 (DEN0137): the calls a
 * realm makes to the RMM. Shared by the RMM (which answers them) and the guest
 * SDK (which makes them), so it stays freestanding: stddef.h and stdint.h only.
 * Every structure offset is checked against the spec by _Static_assert. */
#ifndef CCAKIT_ABI_RSI_H
#define CCAKIT_ABI_RSI_H

#include <stddef.h>
#include <stdint.h>

/* SMCCC fast SMC64 calls of the standard secure service owner. */
#define RSI_FID(n) (UINT32_C(0xC4000000) | (n))
#define RSI_FID_FIRST 0x190
#define RSI_FID_LAST 0x1BF

#define RSI_VERSION RSI_FID(0x190)
#define RSI_FEATURES RSI_FID(0x191)
#define RSI_MEASUREMENT_READ RSI_FID(0x192)
#define RSI_MEASUREMENT_EXTEND RSI_FID(0x193)
#define RSI_ATTESTATION_TOKEN_INIT RSI_FID(0x194)
#define RSI_ATTESTATION_TOKEN_CONTINUE RSI_FID(0x195)
#define RSI_REALM_CONFIG RSI_FID(0x196)
#define RSI_IPA_STATE_SET RSI_FID(0x197)
#define RSI_IPA_STATE_GET RSI_FID(0x198)
#define RSI_HOST_CALL RSI_FID(0x199)

/* RsiInterfaceVersion: major << 16 | minor. */
#define RSI_ABI_VERSION_MAJOR 1
#define RSI_ABI_VERSION_MINOR 0
#define RSI_ABI_VERSION ((uint64_t)RSI_ABI_VERSION_MAJOR << 16 | RSI_ABI_VERSION_MINOR)

/* RsiCommandReturnCode: the whole of X0, no index packing (unlike RMI). */
enum rsi_status {
	RSI_SUCCESS = 0,
	RSI_ERROR_INPUT = 1,
	RSI_ERROR_STATE = 2,
	RSI_INCOMPLETE = 3,
	RSI_ERROR_UNKNOWN = 4,
};

/* RsiResponse: the host's answer to RSI_IPA_STATE_SET, as X2 reports it. */
#define RSI_ACCEPT 0
#define RSI_REJECT 1

/* RsiRipasChangeFlags (RSI_IPA_STATE_SET X4). */
#define RSI_NO_CHANGE_DESTROYED 0
#define RSI_CHANGE_DESTROYED (UINT64_C(1) << 0)

/* RsiRipas (= RmiRipas; the realm's names, so a guest need not include rmi.h). */
enum rsi_ripas {
	RSI_RIPAS_EMPTY = 0,
	RSI_RIPAS_RAM = 1,
	RSI_RIPAS_DESTROYED = 2,
};

/* RsiHashAlgorithm (RsiRealmConfig.hash_algo). */
#define RSI_HASH_SHA_256 0
#define RSI_HASH_SHA_512 1

/* Measurement slots: 0 is the RIM, 1..4 the REMs. MEASUREMENT_READ returns
 * 64 bytes in X1..X8 (little-endian words); EXTEND takes up to 64 bytes in
 * X3..X10 and may not extend the RIM. */
#define RSI_MEASUREMENT_SLOTS 5
#define RSI_MEASUREMENT_RIM 0
#define RSI_MEASUREMENT_REM(n) (1 + (n)) /* REM0..REM3 */
#define RSI_MEASUREMENT_MAX_SIZE 64

/* ATTESTATION_TOKEN_INIT's challenge: X1..X8. */
#define RSI_CHALLENGE_SIZE 64

/* Every buffer an RSI command takes is in units of the 4 KiB granule. */
#define RSI_GRANULE_SIZE UINT64_C(4096)

/* RsiRealmConfig: written by RSI_REALM_CONFIG into a granule-aligned 4 KiB
 * buffer of the realm. */
struct rsi_realm_config {
	uint64_t ipa_width; /* = the realm's s2sz; unprotected IPAs have bit ipa_width-1 set */
	uint8_t hash_algo;  /* RsiHashAlgorithm */
	uint8_t pad0[0x200 - 0x9];
	uint8_t rpv[64];
	uint8_t pad1[0x1000 - 0x240];
};
_Static_assert(offsetof(struct rsi_realm_config, ipa_width) == 0x000, "RsiRealmConfig.ipa_width");
_Static_assert(offsetof(struct rsi_realm_config, hash_algo) == 0x008, "RsiRealmConfig.hash_algo");
_Static_assert(offsetof(struct rsi_realm_config, rpv) == 0x200, "RsiRealmConfig.rpv");
_Static_assert(sizeof(struct rsi_realm_config) == 0x1000, "RsiRealmConfig size");

#define RSI_HOST_CALL_GPRS 31
#define RSI_HOST_CALL_ALIGN 256

/* RsiHostCall: 256 bytes, 256-byte aligned (so it never crosses a granule);
 * RSI_HOST_CALL's X1 is its IPA. gprs go to the host in RmiRecExit.gprs and
 * come back from RmiRecEnter.gprs. */
struct rsi_host_call {
	_Alignas(RSI_HOST_CALL_ALIGN) uint16_t imm;
	uint8_t pad0[0x8 - 0x2];
	uint64_t gprs[RSI_HOST_CALL_GPRS];
};
_Static_assert(offsetof(struct rsi_host_call, imm) == 0x000, "RsiHostCall.imm");
_Static_assert(offsetof(struct rsi_host_call, gprs) == 0x008, "RsiHostCall.gprs");
_Static_assert(sizeof(struct rsi_host_call) == 0x100, "RsiHostCall size");
_Static_assert(_Alignof(struct rsi_host_call) == RSI_HOST_CALL_ALIGN, "RsiHostCall alignment");

#endif
