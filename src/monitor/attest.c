/* The platform security processor's attestation service, reached through
 * the RMM-EL3 interface (include/ccakit/abi/rmm_el3.h) as TF-A's RMMD
 * reaches RSE: the RMM asks once for its Realm Attestation Key (RAK) and
 * for the platform token bound to that key; the monitor signs the platform
 * token with the CPAK (cpak.c). Platform claims: spec notes section 8.3;
 * what each value means for ccakit is in docs/architecture.md. */
#include <string.h>

#include "ccakit/abi/rmm_el3.h"
#include "ccakit/machine.h"
#include "monitor/monitor.h"

/* The PSA lifecycle this platform reports: "recoverable PSA-RoT debug".
 * ccakit is not a secured platform: its CPAK sits in a file (or in this
 * process's memory) and the host can read every world's memory, so a
 * verifier must never mistake it for SECURED (0x3000). Debug rather than
 * "non-PSA-RoT debug" (0x4000) because the root of trust itself is open to
 * inspection here, not just the software above it. */
#define PLATFORM_LIFECYCLE CCA_LIFECYCLE_RECOVERABLE_PLATFORM_ROT_DEBUG

/* Claim 2400: where a relying party would verify this platform's tokens;
 * there is no such service for development keys, and the string says so. */
#define PLATFORM_VERIFICATION_SERVICE "none: ccakit development CPAK, verify with its public key"

/* Claim 2401: the machine, as 12 bytes: DRAM size in bytes (64-bit LE),
 * then the number of PEs (32-bit LE). */
#define PLATFORM_CONFIG_SIZE 12

/* The platform claims map with challenge `ch`. */
static bool platform_claims(struct monitor *mon, const cose_key *cpak, const uint8_t *ch,
			    size_t ch_len, struct cbor_out *o)
{
	uint8_t impl_id[32], instance_id[CCA_PLATFORM_INSTANCE_ID_SIZE], config[PLATFORM_CONFIG_SIZE];
	uint8_t x[CCA_RAK_COORD_SIZE], y[CCA_RAK_COORD_SIZE];
	uint8_t point[CCA_RAK_RAW_SIZE];

	/* Instance id: a UEID of type RAND, 0x01 || SHA-256(CPAK public key
	 * as an uncompressed SEC1 point), so it names this key, and so this
	 * platform instance. */
	if (!p384_public_xy(cpak, x, y))
		return false;
	point[0] = 0x04;
	memcpy(point + 1, x, sizeof(x));
	memcpy(point + 1 + sizeof(x), y, sizeof(y));
	instance_id[0] = CCA_UEID_TYPE_RAND;
	if (!cose_sha256(point, sizeof(point), instance_id + 1))
		return false;
	ccakit_implementation_id(impl_id);
	uint64_t dram = mon->plat->dram_size;
	uint32_t pes = mon->plat->pe_count;
	for (unsigned i = 0; i < 8; i++)
		config[i] = (uint8_t)(dram >> (8 * i));
	for (unsigned i = 0; i < 4; i++)
		config[8 + i] = (uint8_t)(pes >> (8 * i));

	const struct ccakit_firmware_component *fw;
	size_t nfw = ccakit_firmware_components(&fw);

	cbor_put_map(o, 9);
	cbor_put_uint(o, CCA_PLATFORM_PROFILE);
	cbor_put_tstr(o, CCA_PLATFORM_PROFILE_1_0);
	cbor_put_uint(o, CCA_PLATFORM_CHALLENGE);
	cbor_put_bstr(o, ch, ch_len);
	cbor_put_uint(o, CCA_PLATFORM_IMPLEMENTATION_ID);
	cbor_put_bstr(o, impl_id, sizeof(impl_id));
	cbor_put_uint(o, CCA_PLATFORM_INSTANCE_ID);
	cbor_put_bstr(o, instance_id, sizeof(instance_id));
	cbor_put_uint(o, CCA_PLATFORM_CONFIG);
	cbor_put_bstr(o, config, sizeof(config));
	cbor_put_uint(o, CCA_PLATFORM_LIFECYCLE);
	cbor_put_uint(o, PLATFORM_LIFECYCLE);
	cbor_put_uint(o, CCA_PLATFORM_SW_COMPONENTS);
	cbor_put_array(o, nfw);
	for (size_t i = 0; i < nfw; i++) {
		cbor_put_map(o, 5);
		cbor_put_uint(o, CCA_SW_COMPONENT_TYPE);
		cbor_put_tstr(o, fw[i].type);
		cbor_put_uint(o, CCA_SW_COMPONENT_MEASUREMENT_VALUE);
		cbor_put_bstr(o, fw[i].measurement, sizeof(fw[i].measurement));
		cbor_put_uint(o, CCA_SW_COMPONENT_VERSION);
		cbor_put_tstr(o, fw[i].version);
		cbor_put_uint(o, CCA_SW_COMPONENT_SIGNER_ID);
		cbor_put_bstr(o, fw[i].signer_id, sizeof(fw[i].signer_id));
		cbor_put_uint(o, CCA_SW_COMPONENT_HASH_ALGO_ID);
		cbor_put_tstr(o, CCA_HASH_ALGO_SHA_256);
	}
	cbor_put_uint(o, CCA_PLATFORM_VERIFICATION_SERVICE);
	cbor_put_tstr(o, PLATFORM_VERIFICATION_SERVICE);
	cbor_put_uint(o, CCA_PLATFORM_HASH_ALGO_ID);
	cbor_put_tstr(o, CCA_HASH_ALGO_SHA_256);
	return cbor_out_ok(o);
}

/* The RMM's buffers are in its own memory, which in ccakit is this
 * process's: X1 is their address there. The monitor trusts the RMM (TF-A
 * does too) but still refuses what cannot be a buffer. */
static void *rmm_buffer(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

/* RMM_ATTEST_GET_REALM_KEY: X1 = buffer, X2 = its size, X3 = curve (0:
 * P-384, the only one) -> X0 = status, X1 = key size. The RAK's private
 * scalar, big-endian; made at the first request of this boot, the same
 * key after that. */
void psp_get_realm_key(struct monitor *mon, struct smc_regs *r)
{
	uint8_t *buf = rmm_buffer(r->x[1]);
	uint64_t size = r->x[2], curve = r->x[3];
	struct psp *psp = &mon->psp;

	r->x[1] = 0;
	if (!buf) {
		r->x[0] = (uint64_t)E_RMM_BAD_ADDR;
		return;
	}
	if (curve != RMM_ATTEST_KEY_CURVE_P384 || size < P384_SCALAR_SIZE) {
		r->x[0] = (uint64_t)E_RMM_INVAL;
		return;
	}
	pthread_mutex_lock(&psp->lock);
	if (!psp->rak)
		psp->rak = p384_generate();
	bool ok = psp->rak && p384_scalar(psp->rak, buf);
	pthread_mutex_unlock(&psp->lock);
	r->x[0] = ok ? E_RMM_OK : (uint64_t)E_RMM_UNK;
	r->x[1] = ok ? P384_SCALAR_SIZE : 0;
}

/* RMM_ATTEST_GET_PLAT_TOKEN: X1 = buffer holding the challenge (the hash
 * of the RAK) on entry, X2 = its size, X3 = challenge size (32, 48 or 64)
 * -> X0 = status, X1 = token size; the token replaces the challenge. */
void psp_get_plat_token(struct monitor *mon, struct smc_regs *r)
{
	uint8_t *buf = rmm_buffer(r->x[1]);
	uint64_t size = r->x[2], ch_len = r->x[3];
	struct psp *psp = &mon->psp;
	uint8_t ch[64], claims[1024];

	r->x[1] = 0;
	if (!buf) {
		r->x[0] = (uint64_t)E_RMM_BAD_ADDR;
		return;
	}
	if ((ch_len != 32 && ch_len != 48 && ch_len != 64) || size < ch_len) {
		r->x[0] = (uint64_t)E_RMM_INVAL;
		return;
	}
	memcpy(ch, buf, ch_len);
	pthread_mutex_lock(&psp->lock);
	const cose_key *cpak = psp_cpak(psp);
	struct cbor_out c = cbor_out_init(claims, sizeof(claims));
	struct cbor_out o = cbor_out_init(buf, size);
	bool ok = cpak && platform_claims(mon, cpak, ch, ch_len, &c) &&
		  cose_sign1_es384(cpak, claims, c.len, &o);
	pthread_mutex_unlock(&psp->lock);
	if (!ok) {
		/* Too small a buffer, or no memory for the signature. */
		r->x[0] = (uint64_t)(o.len > size ? E_RMM_NOMEM : E_RMM_UNK);
		return;
	}
	r->x[0] = E_RMM_OK;
	r->x[1] = o.len;
}
