/* Realm measurements: the RIM and its measurement descriptors, section 7 of
 * the spec notes. SHA-256 and SHA-512 through OpenSSL (SHA-NI where the host
 * has it), one reusable digest context per PE so no call allocates. */
#include <assert.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rmm/rmm.h"

static EVP_MD *md_sha256;
static EVP_MD *md_sha512;

enum measurement_desc_type {
	MEASURE_DESC_DATA = 0,
	MEASURE_DESC_REC = 1,
	MEASURE_DESC_RIPAS = 2,
};

#define MEASURE_DESC_SIZE 0x100

/* RmmMeasurementDescriptor{Data,Rec,Ripas}: a common header, then the
 * type-specific fields from offset 0x50, zero padded to 0x100 bytes. */
struct measurement_desc {
	uint8_t desc_type;
	uint8_t pad0[7];
	uint64_t len;
	uint8_t rim[MEASUREMENT_MAX];
	union {
		struct {
			uint64_t ipa;
			uint64_t flags;
			uint8_t content[MEASUREMENT_MAX];
		} data;
		struct {
			uint8_t content[MEASUREMENT_MAX];
		} rec;
		struct {
			uint64_t base;
			uint64_t top;
		} ripas;
	} u;
	uint8_t pad1[MEASURE_DESC_SIZE - 0x50 - 0x50];
};
static_assert(offsetof(struct measurement_desc, len) == 0x08, "descriptor len");
static_assert(offsetof(struct measurement_desc, rim) == 0x10, "descriptor rim");
static_assert(offsetof(struct measurement_desc, u.data.ipa) == 0x50, "Data ipa");
static_assert(offsetof(struct measurement_desc, u.data.flags) == 0x58, "Data flags");
static_assert(offsetof(struct measurement_desc, u.data.content) == 0x60, "Data content");
static_assert(offsetof(struct measurement_desc, u.rec.content) == 0x50, "Rec content");
static_assert(offsetof(struct measurement_desc, u.ripas.base) == 0x50, "Ripas base");
static_assert(offsetof(struct measurement_desc, u.ripas.top) == 0x58, "Ripas top");
static_assert(sizeof(struct measurement_desc) == MEASURE_DESC_SIZE, "descriptor size");

size_t measure_hash_size(unsigned hash_algo)
{
	return hash_algo == RMI_HASH_SHA_512 ? 64 : 32;
}

int measure_pe_init(struct rmm *rmm)
{
	if (!md_sha256)
		md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!md_sha512)
		md_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
	if (!md_sha256 || !md_sha512)
		return -1;
	for (unsigned i = 0; i < rmm->plat->pe_count; i++) {
		rmm->pes[i].hash = EVP_MD_CTX_new();
		if (!rmm->pes[i].hash)
			return -1;
	}
	return 0;
}

void measure_pe_fini(struct rmm *rmm)
{
	if (!rmm->pes)
		return;
	for (unsigned i = 0; i < rmm->plat->pe_count; i++) {
		EVP_MD_CTX_free(rmm->pes[i].hash);
		rmm->pes[i].hash = NULL;
	}
}

void measure_hash(struct rmm *rmm, unsigned pe, unsigned hash_algo, const void *data, size_t len,
		  uint8_t out[MEASUREMENT_MAX])
{
	EVP_MD_CTX *ctx = rmm->pes[pe].hash;
	const EVP_MD *md = hash_algo == RMI_HASH_SHA_512 ? md_sha512 : md_sha256;
	unsigned n = 0;

	memset(out, 0, MEASUREMENT_MAX);
	if (!EVP_DigestInit_ex2(ctx, md, NULL) || !EVP_DigestUpdate(ctx, data, len) ||
	    !EVP_DigestFinal_ex(ctx, out, &n))
		abort(); /* a digest of memory we own cannot fail */
}

static void extend_rim(struct rmm *rmm, unsigned pe, struct rd *rd, struct measurement_desc *d)
{
	d->len = MEASURE_DESC_SIZE;
	memcpy(d->rim, rd->measurement[RIM_SLOT], MEASUREMENT_MAX);
	measure_hash(rmm, pe, rd->hash_algo, d, sizeof(*d), rd->measurement[RIM_SLOT]);
}

void measure_realm_create(struct rmm *rmm, unsigned pe, struct rd *rd,
			  const struct rmi_realm_params *params)
{
	/* RIM = H(a RmiRealmParams image holding only flags, s2sz, sve_vl,
	 * num_bps, num_wps, pmu_num_ctrs and hash_algo). Like TF-RMM, the five
	 * small fields are taken as 32-bit words: REALM_CREATE validated them
	 * at that width, so any bytes they carry were accepted as part of them. */
	static _Thread_local struct rmi_realm_params image;
	static const size_t word_fields[] = {
		offsetof(struct rmi_realm_params, s2sz),
		offsetof(struct rmi_realm_params, sve_vl),
		offsetof(struct rmi_realm_params, num_bps),
		offsetof(struct rmi_realm_params, num_wps),
		offsetof(struct rmi_realm_params, pmu_num_ctrs),
	};
	memset(&image, 0, sizeof(image));
	image.flags = params->flags;
	for (size_t i = 0; i < sizeof(word_fields) / sizeof(word_fields[0]); i++)
		memcpy((uint8_t *)&image + word_fields[i], (const uint8_t *)params + word_fields[i],
		       sizeof(uint32_t));
	image.hash_algo = params->hash_algo;
	measure_hash(rmm, pe, rd->hash_algo, &image, sizeof(image), rd->measurement[RIM_SLOT]);
}

void measure_data(struct rmm *rmm, unsigned pe, struct rd *rd, uint64_t ipa, uint64_t flags,
		  const void *content)
{
	struct measurement_desc d = { .desc_type = MEASURE_DESC_DATA };
	d.u.data.ipa = ipa;
	d.u.data.flags = flags;
	if (flags == RMI_MEASURE_CONTENT)
		measure_hash(rmm, pe, rd->hash_algo, content, GRANULE_SIZE, d.u.data.content);
	extend_rim(rmm, pe, rd, &d);
}

void measure_rec(struct rmm *rmm, unsigned pe, struct rd *rd, const struct rmi_rec_params *params)
{
	/* Content = H(a RmiRecParams image holding only flags, pc and gprs). */
	static _Thread_local struct rmi_rec_params image;
	struct measurement_desc d = { .desc_type = MEASURE_DESC_REC };
	memset(&image, 0, sizeof(image));
	image.flags = params->flags;
	image.pc = params->pc;
	memcpy(image.gprs, params->gprs, sizeof(image.gprs));
	measure_hash(rmm, pe, rd->hash_algo, &image, sizeof(image), d.u.rec.content);
	extend_rim(rmm, pe, rd, &d);
}

void measure_ripas(struct rmm *rmm, unsigned pe, struct rd *rd, uint64_t base, uint64_t top)
{
	struct measurement_desc d = { .desc_type = MEASURE_DESC_RIPAS };
	d.u.ripas.base = base;
	d.u.ripas.top = top;
	extend_rim(rmm, pe, rd, &d);
}

void measure_extend_rem(struct rmm *rmm, unsigned pe, struct rd *rd, unsigned index,
			const uint8_t *value, size_t size)
{
	/* As TF-RMM: the slot's current digest, then the value's first `size`
	 * bytes (the spec notes, section 7, item 6). */
	uint8_t buf[2 * MEASUREMENT_MAX];
	size_t len = measure_hash_size(rd->hash_algo);
	assert(index >= 1 && index < MEASUREMENT_SLOTS && size <= MEASUREMENT_MAX);
	memcpy(buf, rd->measurement[index], len);
	if (size)
		memcpy(buf + len, value, size);
	measure_hash(rmm, pe, rd->hash_algo, buf, len + size, rd->measurement[index]);
}
