/* Talking to the VMM that runs the guest, for attestation (guest/host.c):
 * the challenge the user chose for the realm's token, and handing the token
 * back, over the host calls GUEST_HOST_CALL_CHALLENGE and
 * GUEST_HOST_CALL_TOKEN_PART (ccakit/guest.h). Host calls are RSI: in a
 * normal VM there is no one to ask, and these return GUEST_HOST_NO_REALM. */
#ifndef GUEST_HOST_H
#define GUEST_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "ccakit/guest.h"

#define GUEST_HOST_NO_REALM (-1)  /* not a realm: no host calls */
#define GUEST_HOST_CALL_FAILED (-2) /* RSI_HOST_CALL itself failed */

/* The 64-byte challenge into out. Returns 1 if the user gave it (`ccakit
 * run --challenge`), 0 if the VMM made it up, or GUEST_HOST_NO_REALM /
 * GUEST_HOST_CALL_FAILED (out then untouched). */
int guest_host_challenge(uint8_t out[GUEST_CHALLENGE_SIZE]);

/* One part of a token of `total` bytes: n bytes (at most
 * GUEST_TOKEN_PART_MAX) at offset. Returns the host's answer,
 * GUEST_TOKEN_PART_OK or a GUEST_TOKEN_PART_* error, or a negative
 * GUEST_HOST_* value. Parts must come in order (ccakit/guest.h). Sending
 * more than GUEST_TOKEN_PART_MAX bytes is the host's to refuse: only
 * GUEST_TOKEN_PART_MAX of them travel. */
int guest_host_token_part(uint64_t offset, uint64_t total, const void *part, uint64_t n);

/* The whole token, part after part. Returns GUEST_TOKEN_PART_OK, the first
 * error the host answered, or a negative GUEST_HOST_* value. */
int guest_host_give_token(const void *token, size_t len);

#endif
