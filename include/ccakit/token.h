/* ccakit token API: the relying party's side of CCA attestation.
 *
 * Decodes a CCA attestation token (RMM specification 1.0-REL0: the tag-399
 * collection of a platform token and a realm token, the tag-907 CMW form, or
 * a platform token alone), verifies its two COSE_Sign1 signatures and the
 * binding between them, and appraises its claims against reference values.
 * It reads tokens only through their bytes, as a verifier outside the
 * machine does, so it works on tokens from real CCA systems as well.
 *
 *   struct ccakit_token *t;
 *   struct ccakit_cpak *k;
 *   char err[256];
 *   if (ccakit_token_load("token.cbor", &t, err, sizeof err) ||
 *       ccakit_cpak_load("cpak.json", &k, err, sizeof err) ||
 *       ccakit_token_verify(t, k, NULL, NULL, err, sizeof err))
 *           puts(err);  // "binding: the platform challenge (claim 10) ... is not ..."
 *
 * Every function that can fail returns CCAKIT_TOKEN_OK (0) or one of enum
 * ccakit_token_status, and writes one line naming the claim or field at
 * fault to err (which may be NULL). Decoding checks every claim strictly
 * (types, sizes, consistency) and never crashes or leaks on malformed input.
 * Byte claims are pointers into memory the token owns: valid until
 * ccakit_token_free. Functions keep no global state and are thread-safe. */
#ifndef CCAKIT_TOKEN_H
#define CCAKIT_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ccakit/abi/token.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ccakit_token_status {
	CCAKIT_TOKEN_OK = 0,
	CCAKIT_TOKEN_ERR_CBOR,      /* not well-formed CBOR: truncated, trailing bytes, ... */
	CCAKIT_TOKEN_ERR_FORMAT,    /* CBOR, but not a CCA token: tags, maps, COSE_Sign1 */
	CCAKIT_TOKEN_ERR_CLAIM,     /* a claim is missing or has the wrong type or size */
	CCAKIT_TOKEN_ERR_PROFILE,   /* a profile this verifier does not implement */
	CCAKIT_TOKEN_ERR_KEY,       /* a key input is unusable (syntax, curve, not on it) */
	CCAKIT_TOKEN_ERR_NO_ANCHOR, /* no trust anchor is for this platform */
	CCAKIT_TOKEN_ERR_SIGNATURE, /* a signature does not verify */
	CCAKIT_TOKEN_ERR_BINDING,   /* platform challenge != hash of the RAK */
	CCAKIT_TOKEN_ERR_REFERENCE, /* the reference values are unusable */
	CCAKIT_TOKEN_ERR_MISMATCH,  /* appraisal: a claim differs from its reference */
	CCAKIT_TOKEN_ERR_IO,        /* a file could not be read */
	CCAKIT_TOKEN_ERR_NOMEM,
};

/* A short name for a status ("signature", "binding", ...). */
const char *ccakit_token_status_name(int status);

/* A byte string inside a token; ptr is NULL (and len 0) when absent. */
struct ccakit_bytes {
	const uint8_t *ptr;
	size_t len;
};

enum ccakit_token_format {
	CCAKIT_TOKEN_FORMAT_COLLECTION,    /* tag 399 {44234, 44241} */
	CCAKIT_TOKEN_FORMAT_CMW,           /* tag 907 {44234: [263, bstr], 44241: [263, bstr]} */
	CCAKIT_TOKEN_FORMAT_PLATFORM_ONLY, /* a platform COSE_Sign1 (tag 18) alone */
};

enum ccakit_hash_algo {
	CCAKIT_HASH_UNKNOWN = 0,
	CCAKIT_HASH_SHA_256,
	CCAKIT_HASH_SHA_384,
	CCAKIT_HASH_SHA_512,
};

enum ccakit_realm_profile {
	CCAKIT_REALM_PROFILE_NONE, /* no claim 265: the EAC-era form */
	CCAKIT_REALM_PROFILE_1_0,  /* CCA_REALM_PROFILE_1_0 */
	CCAKIT_REALM_PROFILE_2_0,  /* CCA_REALM_PROFILE_2_0: decoded; verified only on request */
};

enum ccakit_platform_profile {
	CCAKIT_PLATFORM_PROFILE_1_0,    /* CCA_PLATFORM_PROFILE_1_0 */
	CCAKIT_PLATFORM_PROFILE_LEGACY, /* CCA_PLATFORM_PROFILE_LEGACY */
};

/* One COSE_Sign1 as it arrived. */
struct ccakit_cose_sign1 {
	int64_t alg;                       /* COSE_ALG_ES256, _ES384 or _ES512 */
	struct ccakit_bytes protected_hdr; /* the protected header bstr's contents */
	struct ccakit_bytes payload;       /* the claims map, encoded */
	struct ccakit_bytes signature;     /* r || s */
};

struct ccakit_realm_claims {
	enum ccakit_realm_profile profile;
	const char *profile_name;                 /* claim 265, NULL when absent */
	struct ccakit_bytes challenge;            /* 10: 64 bytes */
	struct ccakit_bytes personalization_value; /* 44235: 64 bytes */
	const char *hash_algo_id;                 /* 44236, e.g. "sha-256" */
	enum ccakit_hash_algo hash_algo;
	struct ccakit_bytes public_key;           /* 44237 exactly as encoded: the RAK */
	bool public_key_is_cose_key;              /* COSE_Key (1.0) or raw SEC1 point (EAC) */
	uint8_t public_key_point[CCA_RAK_RAW_SIZE]; /* the RAK as 0x04 || x || y either way */
	const char *public_key_hash_algo_id;      /* 44240 */
	enum ccakit_hash_algo public_key_hash_algo;
	struct ccakit_bytes initial_measurement;  /* 44238: the RIM */
	struct ccakit_bytes extensible_measurements[CCA_REALM_REM_COUNT]; /* 44239 */
	struct ccakit_bytes instance_id;          /* 256 (2.0), absent before */
	bool has_mec_policy;                      /* 44243: an int or a text */
	int64_t mec_policy;
	const char *mec_policy_text;
	bool measurements_wider_than_hash;        /* the RIM is longer than 44236's digest */
	size_t unknown_claim_count;               /* claims no profile we know defines */
	int64_t unknown_claims[8];                /* the first of them */
};

struct ccakit_sw_component {
	const char *type;                /* 1, NULL when absent */
	struct ccakit_bytes measurement; /* 2 */
	const char *version;             /* 4, NULL when absent */
	struct ccakit_bytes signer_id;   /* 5 */
	const char *hash_algo_id;        /* 6, NULL when absent */
};

struct ccakit_platform_claims {
	enum ccakit_platform_profile profile;
	const char *profile_name;              /* 265 */
	struct ccakit_bytes challenge;         /* 10: 32, 48 or 64 bytes */
	struct ccakit_bytes implementation_id; /* 2396: 32 bytes */
	struct ccakit_bytes instance_id;       /* 256: 33 bytes, first 0x01 */
	struct ccakit_bytes config;            /* 2401 */
	uint64_t lifecycle;                    /* 2395 */
	const struct ccakit_sw_component *sw_components; /* 2399 */
	size_t sw_component_count;
	const char *verification_service;      /* 2400, NULL when absent */
	const char *hash_algo_id;              /* 2402 */
	size_t unknown_claim_count;
	int64_t unknown_claims[8];
};

struct ccakit_token {
	enum ccakit_token_format format;
	bool has_realm; /* false for a platform token alone */
	struct ccakit_cose_sign1 platform_sign1, realm_sign1;
	struct ccakit_platform_claims platform;
	struct ccakit_realm_claims realm;
	void *priv_; /* the memory the token owns */
};

/* Decodes a token from buf: raw CBOR, or the same as hex text (whitespace
 * between digits allowed). */
int ccakit_token_decode(const void *buf, size_t len, struct ccakit_token **out, char *err,
			size_t errlen);

/* ccakit_token_decode on the contents of a file. */
int ccakit_token_load(const char *path, struct ccakit_token **out, char *err, size_t errlen);

void ccakit_token_free(struct ccakit_token *t);

/* Every claim as one JSON object (byte strings in lower-case hex), malloc'd,
 * NUL-terminated; NULL when out of memory. */
char *ccakit_token_json(const struct ccakit_token *t);

/* The key that signs platform tokens (the CPAK), or a list of trust anchors
 * each naming the platform (implementation id, instance id) it is for. */
struct ccakit_cpak;

/* Reads a CPAK from text: a PEM public key (SubjectPublicKeyInfo; a PEM
 * private key is accepted and only its public half used), a JWK
 * ({"kty": "EC", "crv": "P-256"|"P-384"|"P-521", "x", "y"}), or a JSON list of
 * trust anchors [{"pkey": JWK, "implementation-id": hex, "instance-id": hex}].
 * Every key is checked to be a point on its curve. */
int ccakit_cpak_parse(const void *buf, size_t len, struct ccakit_cpak **out, char *err,
		      size_t errlen);
int ccakit_cpak_load(const char *path, struct ccakit_cpak **out, char *err, size_t errlen);
void ccakit_cpak_free(struct ccakit_cpak *k);

struct ccakit_verify_options {
	bool allow_realm_2_0; /* accept the RMM 2.0 realm profile */
};

struct ccakit_verify_result {
	int anchor;                 /* the trust anchor used (index), -1 for a single key */
	bool platform_signature_ok;
	bool realm_signature_ok;    /* false too when there is no realm token */
	bool binding_ok;
};

/* Verifies a decoded token: the platform signature with the CPAK (the trust
 * anchor whose implementation id and instance id are the token's), the realm
 * signature with the RAK of claim 44237, and the binding: the platform
 * challenge is the hash (named by claim 44240) of claim 44237's bytes. A 2.0
 * realm profile fails unless opt->allow_realm_2_0. opt and res may be NULL. */
int ccakit_token_verify(const struct ccakit_token *t, const struct ccakit_cpak *cpak,
			const struct ccakit_verify_options *opt, struct ccakit_verify_result *res,
			char *err, size_t errlen);

/* Reference values, in the JSON of Veraison's rust-ccatoken and Trustee:
 * {"platform": [{"implementation-id", "platform-configuration"?,
 *   "sw-components": [{"component-type"?, "measurement-value", "signer-id"?,
 *   "version"?}]}], "realm": [{"initial-measurement",
 *   "extensible-measurements": [4], "personalization-value"?,
 *   "rak-hash-algorithm"?}]}, byte strings in hex of either case. */
struct ccakit_refvals;

int ccakit_refvals_parse(const void *buf, size_t len, struct ccakit_refvals **out, char *err,
			 size_t errlen);
int ccakit_refvals_load(const char *path, struct ccakit_refvals **out, char *err, size_t errlen);
void ccakit_refvals_free(struct ccakit_refvals *rv);

/* One claim compared. */
struct ccakit_appraisal_item {
	char claim[48];   /* "realm RIM", "realm REM[2]", "platform sw component 3 (BL)" */
	bool matched;
	char detail[200]; /* what differed, empty when it matched */
};

struct ccakit_appraisal_part {
	bool appraised;   /* there were reference values for it */
	bool matched;     /* an entry matched entirely */
	int entry;        /* the entry that matched, or the closest one; -1 if none */
	size_t item_count;
	const struct ccakit_appraisal_item *items; /* the comparisons against that entry */
};

struct ccakit_appraisal {
	struct ccakit_appraisal_part platform, realm;
	void *priv_;
};

/* Compares the token's claims with the reference values. The platform part
 * matches when an entry has its implementation id, configuration (if the
 * entry names one) and exactly its software components; the realm part
 * when an entry has its RIM, four REMs, RPV and RAK hash algorithm (those it
 * names). Returns CCAKIT_TOKEN_OK when every part with reference values
 * matched, CCAKIT_TOKEN_ERR_MISMATCH with the first difference of the
 * closest entry in err otherwise; *out (when not NULL) holds the comparisons
 * either way, to be freed with ccakit_appraisal_free. Appraisal does not
 * verify: call ccakit_token_verify first. */
int ccakit_token_appraise(const struct ccakit_token *t, const struct ccakit_refvals *rv,
			  struct ccakit_appraisal **out, char *err, size_t errlen);
void ccakit_appraisal_free(struct ccakit_appraisal *a);

/* The appraisal as a JSON object, malloc'd; NULL when out of memory. */
char *ccakit_appraisal_json(const struct ccakit_appraisal *a);

#ifdef __cplusplus
}
#endif

#endif
