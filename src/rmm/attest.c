/* The realm token and RSI_ATTESTATION_TOKEN_INIT / _CONTINUE (spec notes,
 * sections 4 and 8).
 *
 * At the first INIT of the boot the RMM gets its Realm Attestation Key
 * (RAK) from EL3 and, with the hash of the RAK's COSE_Key, the platform
 * token bound to it (RMM_ATTEST_GET_REALM_KEY / _GET_PLAT_TOKEN); every
 * realm token of the boot reuses both, as TF-RMM does.
 *
 * A token operation belongs to its REC and lives in two of its aux
 * granules (the RMM has no heap): INIT snapshots the claims' inputs into
 * the first; CONTINUE builds the token in steps (claims, Sig_structure
 * hash, ECDSA signature, collection into the second aux granule), checking
 * between steps whether the REC must give the PE back to the host (a
 * physical interrupt or the end of its slice: then RSI_INCOMPLETE with
 * X1 = 0 and an IRQ exit; the next CONTINUE goes on where it stopped), and
 * then copies the token to the realm's buffer chunk by chunk. Each call
 * does at least one step, so a host that interrupts every call still sees
 * the token finished. INIT restarts; REC_DESTROY scrubs the aux granules. */
#include <openssl/crypto.h>
#include <string.h>

#include "ccakit/abi/rsi.h"
#include "lib/cose.h"
#include "monitor/monitor.h"
#include "rmm/rmm.h"

enum attest_phase {
	ATTEST_IDLE = 0,   /* no operation: CONTINUE gets RSI_ERROR_STATE */
	ATTEST_CLAIMS,     /* INIT done: the claims are to be encoded */
	ATTEST_HASH,       /* the Sig_structure is to be hashed */
	ATTEST_SIGN,       /* the hash is to be signed with the RAK */
	ATTEST_ASSEMBLE,   /* the collection is to be written */
	ATTEST_COPY,       /* the token is being copied to the realm */
};

#define REALM_CLAIMS_MAX 1024

/* A REC's token operation, in its first aux granule. */
struct rec_attest {
	uint32_t phase;     /* enum attest_phase */
	uint32_t hash_algo; /* the realm's, RMI_HASH_* */
	uint8_t challenge[CCA_REALM_CHALLENGE_SIZE];
	uint8_t rpv[CCA_REALM_PERSONALIZATION_VALUE_SIZE];
	uint8_t measurement[MEASUREMENT_SLOTS][MEASUREMENT_MAX];
	uint8_t tbs_hash[SHA384_SIZE];
	uint8_t signature[ES384_SIGNATURE_SIZE];
	uint32_t claims_len;
	uint32_t token_len;
	uint32_t copied;
	uint8_t claims[REALM_CLAIMS_MAX];
};
static_assert(sizeof(struct rec_attest) <= GRANULE_SIZE, "token state fits an aux granule");
static_assert(RMI_REC_AUX_COUNT_VALUE >= 2, "state and token need two aux granules");

/* The token itself, in the second aux granule. */
#define TOKEN_MAX GRANULE_SIZE

static struct rec_attest *rec_attest(struct rmm *rmm, const struct rec *rec)
{
	return plat_sys_ptr(rmm->plat, rec->aux[0]);
}

static uint8_t *rec_token(struct rmm *rmm, const struct rec *rec)
{
	return plat_sys_ptr(rmm->plat, rec->aux[1]);
}

/* ---- from EL3, once per boot ---- */

int attest_boot(struct rmm *rmm, const struct rmm_boot_manifest *manifest)
{
	pthread_mutex_init(&rmm->attest.lock, NULL);
	rmm->attest.token_format = manifest->token_format;
	return manifest->version == RMM_BOOT_MANIFEST_VERSION &&
			       manifest->token_format <= RMM_TOKEN_FORMAT_CMW
		       ? 0
		       : -1;
}

void attest_shutdown(struct rmm *rmm)
{
	p384_free(rmm->attest.rak);
	rmm->attest.rak = NULL;
	pthread_mutex_destroy(&rmm->attest.lock);
}

static int64_t el3_call(struct rmm *rmm, unsigned pe, uint32_t fid, void *buf, uint64_t size,
			uint64_t arg, uint64_t *x1)
{
	struct smc_regs r = { .x = { fid, (uint64_t)(uintptr_t)buf, size, arg } };
	monitor_smc(rmm->mon, WORLD_REALM, pe, &r);
	*x1 = r.x[1];
	return (int64_t)r.x[0];
}

/* The RAK and the platform token, fetched at the first use. */
static bool attest_ready(struct rmm *rmm, unsigned pe)
{
	struct rmm_attest *a = &rmm->attest;
	uint8_t scalar[P384_SCALAR_SIZE];
	uint64_t n;

	pthread_mutex_lock(&a->lock);
	if (a->ready)
		goto out;
	if (!a->rak) {
		if (el3_call(rmm, pe, RMM_ATTEST_GET_REALM_KEY, scalar, sizeof(scalar),
			     RMM_ATTEST_KEY_CURVE_P384, &n) != E_RMM_OK ||
		    n != sizeof(scalar))
			goto out;
		a->rak = p384_from_scalar(scalar);
		OPENSSL_cleanse(scalar, sizeof(scalar));
		if (!a->rak)
			goto out;
	}
	/* Binding: the platform challenge is SHA-256 of claim 44237's bytes,
	 * the COSE_Key exactly as the realm token carries it. */
	struct cbor_out k = cbor_out_init(a->rak_cose_key, sizeof(a->rak_cose_key));
	if (!cose_key_encode(a->rak, &k) || k.len != sizeof(a->rak_cose_key) ||
	    !cose_sha256(a->rak_cose_key, k.len, a->plat_token))
		goto out;
	if (el3_call(rmm, pe, RMM_ATTEST_GET_PLAT_TOKEN, a->plat_token, sizeof(a->plat_token), 32,
		     &n) != E_RMM_OK ||
	    n == 0 || n > sizeof(a->plat_token))
		goto out;
	a->plat_token_len = n;
	a->ready = true;
out:
	pthread_mutex_unlock(&a->lock);
	return a->ready;
}

/* ---- encoding ---- */

static const char *hash_algo_id(uint32_t hash_algo)
{
	return hash_algo == RMI_HASH_SHA_512 ? CCA_HASH_ALGO_SHA_512 : CCA_HASH_ALGO_SHA_256;
}

/* The realm claims map, profile tag:arm.com,2023:realm#1.0.0. */
static void encode_claims(struct rmm *rmm, const struct rec_attest *st, struct cbor_out *o)
{
	size_t mlen = measure_hash_size(st->hash_algo);

	cbor_put_map(o, 8);
	cbor_put_uint(o, CCA_REALM_PROFILE);
	cbor_put_tstr(o, CCA_REALM_PROFILE_1_0);
	cbor_put_uint(o, CCA_REALM_CHALLENGE);
	cbor_put_bstr(o, st->challenge, sizeof(st->challenge));
	cbor_put_uint(o, CCA_REALM_PERSONALIZATION_VALUE);
	cbor_put_bstr(o, st->rpv, sizeof(st->rpv));
	cbor_put_uint(o, CCA_REALM_HASH_ALGO_ID);
	cbor_put_tstr(o, hash_algo_id(st->hash_algo));
	cbor_put_uint(o, CCA_REALM_PUBLIC_KEY);
	cbor_put_bstr(o, rmm->attest.rak_cose_key, sizeof(rmm->attest.rak_cose_key));
	cbor_put_uint(o, CCA_REALM_PUBLIC_KEY_HASH_ALGO_ID);
	cbor_put_tstr(o, CCA_HASH_ALGO_SHA_256);
	cbor_put_uint(o, CCA_REALM_INITIAL_MEASUREMENT);
	cbor_put_bstr(o, st->measurement[RIM_SLOT], mlen);
	cbor_put_uint(o, CCA_REALM_EXTENSIBLE_MEASUREMENTS);
	cbor_put_array(o, CCA_REALM_REM_COUNT);
	for (unsigned i = 1; i <= CCA_REALM_REM_COUNT; i++)
		cbor_put_bstr(o, st->measurement[i], mlen);
}

/* One token in the collection: bstr, or the CMW record [263, bstr]. */
static void put_member(struct rmm *rmm, struct cbor_out *o, uint64_t label, size_t len)
{
	cbor_put_uint(o, label);
	if (rmm->attest.token_format == RMM_TOKEN_FORMAT_CMW) {
		cbor_put_array(o, 2);
		cbor_put_uint(o, CCA_CMW_CONTENT_FORMAT_EAT_CWT);
	}
	cbor_put_bstr_head(o, len);
}

/* The collection around the platform token and the realm COSE_Sign1 of
 * claims[0..len) with sig. With an encoder of capacity 0 it measures. */
static void assemble(struct rmm *rmm, const uint8_t *claims, size_t len, const uint8_t *sig,
		     struct cbor_out *o)
{
	struct cbor_out measure = cbor_out_init(NULL, 0);
	cose_sign1_encode(&measure, claims, len, sig);

	cbor_put_tag(o, rmm->attest.token_format == RMM_TOKEN_FORMAT_CMW ? CCA_CMW_COLLECTION_TAG
									 : CCA_TOKEN_TAG);
	cbor_put_map(o, 2);
	put_member(rmm, o, CCA_PLATFORM_TOKEN_LABEL, rmm->attest.plat_token_len);
	cbor_put_raw(o, rmm->attest.plat_token, rmm->attest.plat_token_len);
	put_member(rmm, o, CCA_REALM_TOKEN_LABEL, measure.len);
	cose_sign1_encode(o, claims, len, sig);
}

/* ---- RSI ---- */

void rsi_token_init(struct rmm *rmm, unsigned pe, struct rec *rec, struct rd *rd, uint64_t *x)
{
	struct rec_attest *st = rec_attest(rmm, rec);

	/* Any operation in progress is abandoned. */
	memset(st, 0, sizeof(*st));
	if (!attest_ready(rmm, pe)) {
		/* EL3 gave no key or no platform token: an internal failure. */
		x[0] = RSI_ERROR_UNKNOWN;
		return;
	}
	/* The claims' inputs as they are now: a later MEASUREMENT_EXTEND
	 * belongs to the next token. The RECs of a realm take turns, so no
	 * other REC changes the measurements meanwhile. */
	for (unsigned i = 0; i < 8; i++)
		memcpy(st->challenge + 8 * i, &x[1 + i], 8);
	st->hash_algo = rd->hash_algo;
	memcpy(st->rpv, rd->rpv, sizeof(st->rpv));
	memcpy(st->measurement, rd->measurement, sizeof(st->measurement));

	/* X1: the size of the token this operation will produce (every
	 * field has a fixed size, the signature too). */
	struct cbor_out c = cbor_out_init(NULL, 0), t = cbor_out_init(NULL, 0);
	uint8_t no_sig[ES384_SIGNATURE_SIZE] = { 0 };
	encode_claims(rmm, st, &c);
	assemble(rmm, NULL, c.len, no_sig, &t);
	/* Our own encoding's sizes: fixed, so these are invariants. */
	assert(c.len <= REALM_CLAIMS_MAX && t.len <= TOKEN_MAX);
	st->phase = ATTEST_CLAIMS;
	x[0] = RSI_SUCCESS;
	x[1] = t.len;
}

/* One step of building the token; false on an internal failure. */
static bool token_step(struct rmm *rmm, struct rec *rec, struct rec_attest *st)
{
	switch (st->phase) {
	case ATTEST_CLAIMS: {
		struct cbor_out c = cbor_out_init(st->claims, sizeof(st->claims));
		encode_claims(rmm, st, &c);
		assert(cbor_out_ok(&c));
		st->claims_len = (uint32_t)c.len;
		break;
	}
	case ATTEST_HASH:
		if (!cose_sign1_tbs_hash(st->claims, st->claims_len, st->tbs_hash))
			return false;
		break;
	case ATTEST_SIGN:
		if (!cose_es384_sign_hash(rmm->attest.rak, st->tbs_hash, st->signature))
			return false;
		break;
	case ATTEST_ASSEMBLE: {
		struct cbor_out t = cbor_out_init(rec_token(rmm, rec), TOKEN_MAX);
		assemble(rmm, st->claims, st->claims_len, st->signature, &t);
		assert(cbor_out_ok(&t));
		st->token_len = (uint32_t)t.len;
		st->copied = 0;
		break;
	}
	default:
		assert(!"no step in this phase");
	}
	st->phase++;
	return true;
}

void rsi_token_continue(struct rmm *rmm, unsigned pe, struct rec *rec, struct rd *rd, uint64_t *x,
			struct rsi_outcome *out)
{
	uint64_t ipa = x[1], offset = x[2], size = x[3], pa, status;
	struct rec_attest *st = rec_attest(rmm, rec);

	/* addr_align, addr_bound, offset_bound, size_overflow, size_bound */
	if ((ipa & GRANULE_MASK) || !ipa_in_par(rd, ipa) || offset >= GRANULE_SIZE ||
	    offset + size < offset || offset + size > GRANULE_SIZE) {
		x[0] = RSI_ERROR_INPUT;
		return;
	}
	/* No operation: never initialised, or its token was all copied
	 * (TF-RMM's behaviour: the next token needs a new INIT). */
	if (st->phase == ATTEST_IDLE) {
		x[0] = RSI_ERROR_STATE;
		return;
	}
	while (st->phase != ATTEST_COPY) {
		if (!token_step(rmm, rec, st)) {
			memset(st, 0, sizeof(*st));
			x[0] = RSI_ERROR_UNKNOWN;
			return;
		}
		if (st->phase != ATTEST_COPY && rec_preempt_pending(rmm, pe)) {
			x[0] = RSI_INCOMPLETE;
			x[1] = 0;
			out->action = RSI_ACTION_IRQ;
			return;
		}
	}
	/* The buffer is looked up once the token exists (as TF-RMM does):
	 * an EMPTY or unmapped buffer costs the realm no signing again. */
	if (!realm_buffer(rmm, rd, ipa, out, &pa, &status)) {
		x[0] = status;
		return;
	}
	uint64_t n = st->token_len - st->copied;
	if (n > size)
		n = size;
	memcpy((uint8_t *)plat_sys_ptr(rmm->plat, pa) + offset, rec_token(rmm, rec) + st->copied, n);
	st->copied += (uint32_t)n;
	x[1] = n;
	if (st->copied < st->token_len) {
		x[0] = RSI_INCOMPLETE;
		return;
	}
	memset(st, 0, sizeof(*st));
	x[0] = RSI_SUCCESS;
}
