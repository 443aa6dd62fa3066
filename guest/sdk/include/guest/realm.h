/* Being a realm: detection, the realm's configuration, the unprotected alias
 * through which devices and shared memory are reached, RIPAS changes, host
 * calls and the attestation token (guest/realm.c). All of it also works in a
 * normal VM, where it degrades to the obvious: nothing is protected, every
 * address is its own alias. */
#ifndef GUEST_REALM_H
#define GUEST_REALM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/rsi.h"

/* RSI_VERSION answered by anything but SMC_UNKNOWN: this is a realm. Asked
 * once by guest_start (realm_init); later calls return the cached answer. */
bool in_realm(void);

/* Fills the answers in_realm and realm_config give; returns false if this is
 * a realm whose RSI_REALM_CONFIG failed (the SDK cannot reach devices then). */
bool realm_init(void);

/* RSI_REALM_CONFIG's answer (zeros in a normal VM). */
const struct rsi_realm_config *realm_config(void);

/* The realm's IPA width (RsiRealmConfig.ipa_width); 0 in a normal VM. */
unsigned realm_ipa_width(void);

/* The bit that makes an IPA unprotected: 1 << (ipa_width - 1) in a realm,
 * 0 in a normal VM. */
uint64_t realm_unprotected_bit(void);

/* Where a device or a shared page at IPA addr is reached: in a realm, its
 * unprotected alias addr | (1 << (ipa_width - 1)) (this is how Linux realm
 * guests reach emulated devices); in a normal VM, addr itself. */
static inline uint64_t unprotected_alias(uint64_t addr)
{
	return addr | realm_unprotected_bit();
}

/* [base, top) to RIPAS ripas, calling RSI_IPA_STATE_SET until the host has
 * done all of it. Returns RSI_SUCCESS, the first failing RSI status, or
 * RSI_ERROR_STATE if the host rejected the change or made no progress; then
 * *done (may be NULL) says how far it got. */
uint64_t realm_ipa_state_set(uint64_t base, uint64_t top, enum rsi_ripas ripas, uint64_t flags,
			     uint64_t *done);

/* Makes [base, base + size) (granule-aligned) shared with the host: RIPAS
 * EMPTY, so the protected IPAs fault from now on and the memory is reached at
 * unprotected_alias(base), where the host maps (or emulates) it. Returns the
 * alias, or 0 if the change failed. In a normal VM: base, nothing to do. */
uint64_t realm_share(uint64_t base, uint64_t size);

/* Gives [base, base + size) back to the realm: RIPAS RAM. Its contents are
 * UNKNOWN afterwards (the host may have given new, zeroed granules).
 * Returns RSI_SUCCESS or as realm_ipa_state_set. */
uint64_t realm_unshare(uint64_t base, uint64_t size);

/* A host call with immediate imm: gprs[0..n-1] go in, and come back with
 * the host's answers. Per-CPU RsiHostCall buffers, so any CPU may call.
 * Returns the RSI status (SMC_UNKNOWN in a normal VM). */
uint64_t realm_host_call(uint16_t imm, uint64_t *gprs, unsigned n);

/* The whole attestation token for challenge into buf (granule-aligned, size
 * bytes): INIT, then CONTINUE granule by granule. Returns RSI_SUCCESS with
 * the token's length in *len; RSI_ERROR_INPUT if buf is not granule-aligned,
 * RSI_INCOMPLETE if it was too small (then *len = bytes written), or the
 * RMM's failing status. */
uint64_t realm_attestation_token(const uint8_t challenge[RSI_CHALLENGE_SIZE], void *buf,
				 size_t size, size_t *len);

#endif
