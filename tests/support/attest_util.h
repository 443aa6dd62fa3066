/* Attestation tokens fetched the way a realm fetches them: the agent
 * (agent.h) makes RSI_ATTESTATION_TOKEN_INIT and _CONTINUE calls into its
 * scratch page and copies the token out to the test, which verifies it
 * with the relying party's library (include/ccakit/token.h) and the
 * machine's CPAK public key. */
#ifndef CCAKIT_TEST_ATTEST_UTIL_H
#define CCAKIT_TEST_ATTEST_UTIL_H

#include "agent.h"
#include "ccakit/token.h"

#define TOKEN_BUF_MAX 4096

/* An agent realm with its own hash algorithm and RPV, active, on t. */
void tat_build(struct tagent *a, struct tmach *t, uint16_t vmid, unsigned hash_algo,
	       const uint8_t rpv[64]);

/* RSI_ATTESTATION_TOKEN_INIT with the 64-byte challenge ch from REC i;
 * returns X0, and X1 in *bound. */
uint64_t tat_init(struct tagent *a, unsigned i, const uint8_t ch[64], uint64_t *bound);
/* RSI_ATTESTATION_TOKEN_CONTINUE; returns X0, and X1 in *x1 (may be NULL). */
uint64_t tat_continue(struct tagent *a, unsigned i, uint64_t ipa, uint64_t offset, uint64_t size,
		      uint64_t *x1);

/* How a fetch went. */
struct tat_fetch {
	size_t len;            /* the token's bytes */
	uint64_t bound;        /* INIT's X1 */
	unsigned calls;        /* CONTINUE calls made */
	unsigned interrupted;  /* of them, RSI_INCOMPLETE with X1 = 0 */
};

/* A whole token: INIT with ch, then CONTINUE calls of `chunk` bytes each,
 * the first at `start` in the scratch page and each after the previous,
 * until RSI_SUCCESS; the bytes are copied out into buf. Asserts every
 * call's status. */
void tat_fetch(struct tagent *a, unsigned i, const uint8_t ch[64], uint64_t chunk, uint64_t start,
	       uint8_t *buf, struct tat_fetch *f);

/* The machine's CPAK public key, as a verifier gets it. */
struct ccakit_cpak *tat_cpak(struct tmach *t);
/* Decodes and verifies; fails the test with the verifier's reason. */
struct ccakit_token *tat_verified(const uint8_t *buf, size_t len, const struct ccakit_cpak *k);
/* ccakit_token_verify's status for buf (decode failures included). */
int tat_verify_status(const uint8_t *buf, size_t len, const struct ccakit_cpak *k);

/* A machine (32 MiB, two PEs; CMW tokens if cmw) with one agent realm
 * (tat_build) and its CPAK's public key; tat_teardown destroys what a
 * failed test left. */
struct tat_fx {
	struct tmach *t;
	struct tagent a;
	struct ccakit_cpak *k;
};
void tat_open(struct tat_fx *f, bool cmw, unsigned hash_algo, const uint8_t rpv[64]);
/* The same (SHA-256, no CMW) with RIPAS RAM and no DATA at ipa, a page
 * the host has not mapped. */
void tat_open_ram(struct tat_fx *f, uint64_t ipa);
void tat_close(struct tat_fx *f);
int tat_teardown(void **state);
/* tat_fetch by REC 0 of f's agent, then tat_verified. */
struct ccakit_token *tat_get(struct tat_fx *f, const uint8_t ch[64], uint64_t chunk,
			     uint64_t start, uint8_t *buf, struct tat_fetch *fetch);

/* A challenge whose bytes are all different: seed, seed + 1, ... */
void tat_challenge(uint8_t ch[64], uint8_t seed);
/* RSI_MEASUREMENT_READ of slot idx, as the realm reads it (64 bytes). */
void tat_measurement(struct tagent *a, unsigned i, unsigned idx, uint8_t out[64]);

#endif
