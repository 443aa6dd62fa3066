/* The CCA attestation token, RMM specification 1.0-REL0 section A7 (our notes:
 * spec/rmm-1.0.md section 8): CBOR tags, map labels, claim keys, profile
 * strings and sizes. The shared vocabulary of whoever encodes a token (the RMM
 * for the realm token, the monitor for the platform token) and whoever reads
 * one (src/verifier). Freestanding: stdint.h only, no functions. */
#ifndef CCAKIT_ABI_TOKEN_H
#define CCAKIT_ABI_TOKEN_H

#include <stdint.h>

/* The CCA token collection: #6.399({44234: bstr, 44241: bstr}), exactly two
 * entries, each bstr a tagged COSE_Sign1. */
#define CCA_TOKEN_TAG 399
#define CCA_PLATFORM_TOKEN_LABEL 44234
#define CCA_REALM_TOKEN_LABEL 44241

/* The same collection as a CMW collection (RMM 1.1-alp14+ and 2.0): tag 907,
 * and each value is the CMW record [content format, bstr]. */
#define CCA_CMW_COLLECTION_TAG 907
#define CCA_CMW_CONTENT_FORMAT_EAT_CWT 263 /* CoAP "application/eat+cwt" */

/* COSE (RFC 9052/9053): the envelope of both tokens. */
#define COSE_SIGN1_TAG 18
#define COSE_SIGN1_CONTEXT "Signature1"
#define COSE_HEADER_ALG 1
#define COSE_HEADER_CRIT 2
#define COSE_ALG_ES256 (-7)
#define COSE_ALG_ES384 (-35)
#define COSE_ALG_ES512 (-36)

/* COSE_Key (RFC 9053 section 7.1): the RAK in claim 44237 from 1.0-REL0 on. */
#define COSE_KEY_KTY 1
#define COSE_KEY_EC2_CRV (-1)
#define COSE_KEY_EC2_X (-2)
#define COSE_KEY_EC2_Y (-3)
#define COSE_KTY_EC2 2
#define COSE_CRV_P256 1
#define COSE_CRV_P384 2
#define COSE_CRV_P521 3

/* Claims common to both tokens. */
#define CCA_CLAIM_PROFILE 265
#define CCA_CLAIM_CHALLENGE 10

/* Realm token claims. */
#define CCA_REALM_CHALLENGE CCA_CLAIM_CHALLENGE
#define CCA_REALM_PROFILE CCA_CLAIM_PROFILE
#define CCA_REALM_PERSONALIZATION_VALUE 44235
#define CCA_REALM_HASH_ALGO_ID 44236 /* of the RIM and REMs */
#define CCA_REALM_PUBLIC_KEY 44237 /* the RAK */
#define CCA_REALM_INITIAL_MEASUREMENT 44238
#define CCA_REALM_EXTENSIBLE_MEASUREMENTS 44239
#define CCA_REALM_PUBLIC_KEY_HASH_ALGO_ID 44240 /* of the platform binding */
#define CCA_REALM_MEC_POLICY 44243 /* 1.1 and 2.0: text, later an int */
#define CCA_REALM_INSTANCE_ID 256 /* 2.0 */

/* Platform token claims (the CCA platform profile of the PSA token). */
#define CCA_PLATFORM_PROFILE CCA_CLAIM_PROFILE
#define CCA_PLATFORM_CHALLENGE CCA_CLAIM_CHALLENGE
#define CCA_PLATFORM_INSTANCE_ID 256 /* a UEID */
#define CCA_PLATFORM_LIFECYCLE 2395
#define CCA_PLATFORM_IMPLEMENTATION_ID 2396
#define CCA_PLATFORM_SW_COMPONENTS 2399
#define CCA_PLATFORM_VERIFICATION_SERVICE 2400
#define CCA_PLATFORM_CONFIG 2401
#define CCA_PLATFORM_HASH_ALGO_ID 2402

/* Keys of one software component map in claim 2399. */
#define CCA_SW_COMPONENT_TYPE 1
#define CCA_SW_COMPONENT_MEASUREMENT_VALUE 2
#define CCA_SW_COMPONENT_VERSION 4
#define CCA_SW_COMPONENT_SIGNER_ID 5
#define CCA_SW_COMPONENT_HASH_ALGO_ID 6

/* Profile strings (claim 265). A realm token without a profile is the
 * EAC-era form, whose RAK is a raw SEC1 point. */
#define CCA_REALM_PROFILE_1_0 "tag:arm.com,2023:realm#1.0.0"
#define CCA_REALM_PROFILE_2_0 "tag:arm.com,2024:realm#2.0.0"
#define CCA_PLATFORM_PROFILE_1_0 "tag:arm.com,2023:cca_platform#1.0.0"
#define CCA_PLATFORM_PROFILE_LEGACY "http://arm.com/CCA-SSD/1.0.0"

/* Hash algorithm identifiers (IANA Named Information Hash Algorithm names),
 * as claims 44236, 44240, 2402 and component key 6 spell them. */
#define CCA_HASH_ALGO_SHA_256 "sha-256"
#define CCA_HASH_ALGO_SHA_384 "sha-384"
#define CCA_HASH_ALGO_SHA_512 "sha-512"

/* Sizes in bytes. */
#define CCA_REALM_CHALLENGE_SIZE 64
#define CCA_REALM_PERSONALIZATION_VALUE_SIZE 64
#define CCA_REALM_REM_COUNT 4
#define CCA_RAK_COORD_SIZE 48 /* P-384 */
#define CCA_RAK_RAW_SIZE (1 + 2 * CCA_RAK_COORD_SIZE) /* 0x04 || x || y */
#define CCA_RAK_COSE_KEY_SIZE 107 /* {1:2, -1:2, -2:x, -3:y} as TF-RMM encodes it */
#define CCA_PLATFORM_IMPLEMENTATION_ID_SIZE 32
#define CCA_PLATFORM_INSTANCE_ID_SIZE 33
#define CCA_UEID_TYPE_RAND 0x01 /* first byte of the instance id */
#define CCA_MEASUREMENT_MAX_SIZE 64

/* Lifecycle (claim 2395): the state is bits 15:8, bits 7:0 are
 * implementation defined. */
#define CCA_LIFECYCLE_STATE(v) ((uint32_t)(v) & 0xff00u)
#define CCA_LIFECYCLE_UNKNOWN 0x0000
#define CCA_LIFECYCLE_ASSEMBLY_AND_TEST 0x1000
#define CCA_LIFECYCLE_PLATFORM_ROT_PROVISIONING 0x2000
#define CCA_LIFECYCLE_SECURED 0x3000
#define CCA_LIFECYCLE_NON_PLATFORM_ROT_DEBUG 0x4000
#define CCA_LIFECYCLE_RECOVERABLE_PLATFORM_ROT_DEBUG 0x5000
#define CCA_LIFECYCLE_DECOMMISSIONED 0x6000

#endif
