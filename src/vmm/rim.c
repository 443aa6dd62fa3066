/* The RIM a realm will have, from its build plan (rim.h). Written from the
 * measurement rules of RMM 1.0-REL0 (spec/rmm-1.0.md, section 7) and the ABI
 * structures of include/ccakit/abi/rmi.h; it shares no code with the RMM's
 * measurement (src/rmm/measure.c), on purpose: the two are compared. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "ccakit/abi/rmi.h"
#include "ccakit/machine.h"
#include "vmm/plan.h"
#include "vmm/rim.h"

/* The hash the RMM gives the RAK for the platform challenge (claim 44240):
 * SHA-256 (DESIGN.md, Attestation). */
#define RAK_HASH_ALGORITHM "sha-256"

/* Measurement descriptors (section 7, item 2): 0x100 bytes, zero padded;
 * the RIM becomes the hash of the descriptor. Integers little-endian, as
 * the RMM (an AArch64 program) lays them out. */
#define DESC_DATA 0
#define DESC_REC 1
#define DESC_RIPAS 2
#define DESC_SIZE 0x100

struct rim_desc {
	uint8_t desc_type;
	uint8_t pad0[7];
	uint64_t len;
	uint8_t rim[VMM_MEASUREMENT_MAX];
	union {
		struct {
			uint64_t ipa;
			uint64_t flags;
			uint8_t content[VMM_MEASUREMENT_MAX];
		} data;
		struct {
			uint8_t content[VMM_MEASUREMENT_MAX];
		} rec;
		struct {
			uint64_t base;
			uint64_t top;
		} ripas;
	};
	uint8_t pad1[DESC_SIZE - 0xa0];
};
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "descriptors are little-endian");
static_assert(offsetof(struct rim_desc, len) == 0x08, "descriptor len");
static_assert(offsetof(struct rim_desc, rim) == 0x10, "descriptor rim");
static_assert(offsetof(struct rim_desc, data.ipa) == 0x50, "Data descriptor ipa");
static_assert(offsetof(struct rim_desc, data.flags) == 0x58, "Data descriptor flags");
static_assert(offsetof(struct rim_desc, data.content) == 0x60, "Data descriptor content");
static_assert(offsetof(struct rim_desc, rec.content) == 0x50, "Rec descriptor content");
static_assert(offsetof(struct rim_desc, ripas.base) == 0x50, "Ripas descriptor base");
static_assert(offsetof(struct rim_desc, ripas.top) == 0x58, "Ripas descriptor top");
static_assert(sizeof(struct rim_desc) == DESC_SIZE, "descriptor size");

struct rim {
	const EVP_MD *md;
	size_t len;
	uint8_t value[VMM_MEASUREMENT_MAX]; /* zero padded past len */
};

/* H(buf); the rest of out zero, as slots are padded for SHA-256. */
static int hash(const struct rim *r, const void *buf, size_t n, uint8_t out[VMM_MEASUREMENT_MAX])
{
	memset(out, 0, VMM_MEASUREMENT_MAX);
	return EVP_Digest(buf, n, out, NULL, r->md, NULL) == 1 ? 0 : -EIO;
}

/* RIM = H(descriptor), the descriptor carrying the current RIM. */
static int extend(struct rim *r, struct rim_desc *d, uint8_t type)
{
	d->desc_type = type;
	d->len = DESC_SIZE;
	memcpy(d->rim, r->value, sizeof(d->rim));
	return hash(r, d, sizeof(*d), r->value);
}

/* Item 1: RIM = H(RmiRealmParams with only the measured fields). */
static int measure_realm_create(struct rim *r, const struct host_realm_config *c)
{
	struct rmi_realm_params *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	/* flags (LPA2, SVE, PMU), sve_vl and pmu_num_ctrs: none asked, 0.
	 * RPV, VMID and the RTT fields are not measured. */
	p->s2sz = (uint8_t)c->s2sz;
	p->num_bps = (uint8_t)c->num_bps;
	p->num_wps = (uint8_t)c->num_wps;
	p->hash_algo = (uint8_t)c->hash_algo;
	int rc = hash(r, p, sizeof(*p), r->value);
	free(p);
	return rc;
}

/* Item 5: one Ripas descriptor per RTT entry RTT_INIT_RIPAS processes. */
static int measure_init_ripas(struct rim *r, const struct host_build_step *s)
{
	uint64_t size = UINT64_C(1) << (GRANULE_SHIFT + 9 * (3 - s->level));
	for (uint64_t a = s->region.ipa; a < s->region.ipa + s->region.len; a += size) {
		struct rim_desc d = { .ripas = { .base = a, .top = a + size } };
		int rc = extend(r, &d, DESC_RIPAS);
		if (rc)
			return rc;
	}
	return 0;
}

/* Item 3: one Data descriptor per granule, its content hashed when it is
 * measured (zeros otherwise); the host pads the last granule with zeros. */
static int measure_data(struct rim *r, const struct host_image *im)
{
	uint8_t *page = malloc(GRANULE_SIZE);
	int rc = page ? 0 : -ENOMEM;
	for (size_t off = 0; rc == 0 && off < im->len; off += GRANULE_SIZE) {
		struct rim_desc d = { .data = { .ipa = im->ipa + off } };
		if (im->measure) {
			size_t n = im->len - off < GRANULE_SIZE ? im->len - off : GRANULE_SIZE;
			memcpy(page, (const uint8_t *)im->data + off, n);
			memset(page + n, 0, GRANULE_SIZE - n);
			d.data.flags = RMI_MEASURE_CONTENT;
			rc = hash(r, page, GRANULE_SIZE, d.data.content);
		} else {
			d.data.flags = RMI_NO_MEASURE_CONTENT;
		}
		if (rc == 0)
			rc = extend(r, &d, DESC_DATA);
	}
	free(page);
	return rc;
}

/* Item 4: a Rec descriptor for a runnable REC only, its content the hash of
 * RmiRecParams with flags, pc and gprs (MPIDR and the aux list are not
 * measured). */
static int measure_rec(struct rim *r, const struct host_build_step *s)
{
	if (!s->runnable)
		return 0;
	struct rmi_rec_params *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	struct rim_desc d = { 0 };
	p->flags = RMI_REC_FLAG_RUNNABLE;
	p->pc = s->pc;
	memcpy(p->gprs, s->gprs, sizeof(s->gprs));
	int rc = hash(r, p, sizeof(*p), d.rec.content);
	free(p);
	return rc ? rc : extend(r, &d, DESC_REC);
}

int vmm_rim_compute(const struct host_realm_layout *l, uint8_t rim[VMM_MEASUREMENT_MAX],
		    size_t *len, char *err, size_t errlen)
{
	const struct host_realm_config *c = &l->realm;
	struct rim r = { 0 };
	switch (c->hash_algo) {
	case RMI_HASH_SHA_256: r.md = EVP_sha256(); break;
	case RMI_HASH_SHA_512: r.md = EVP_sha512(); break;
	default:
		snprintf(err, errlen, "hash algorithm %u is neither SHA-256 (0) nor SHA-512 (1)",
			 c->hash_algo);
		return -EINVAL;
	}
	r.len = (size_t)EVP_MD_get_size(r.md);
	if (c->s2sz == 0 || c->num_bps == 0 || c->num_wps == 0) {
		snprintf(err, errlen,
			 "the realm's IPA width, breakpoints and watchpoints must be named "
			 "(s2sz %u, num_bps %u, num_wps %u): the RMM would choose, and they are "
			 "measured",
			 c->s2sz, c->num_bps, c->num_wps);
		return -EINVAL;
	}

	struct host_build_plan plan;
	int rc = host_build_plan(l, &plan, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; rc == 0 && i < plan.nsteps; i++) {
		const struct host_build_step *s = &plan.steps[i];
		switch (s->op) {
		case HOST_BUILD_REALM_CREATE: rc = measure_realm_create(&r, c); break;
		case HOST_BUILD_INIT_RIPAS: rc = measure_init_ripas(&r, s); break;
		case HOST_BUILD_DATA: rc = measure_data(&r, s->image); break;
		case HOST_BUILD_DATA_UNKNOWN: break; /* item 3: not measured */
		case HOST_BUILD_REC_CREATE: rc = measure_rec(&r, s); break;
		}
	}
	host_build_plan_free(&plan);
	if (rc) {
		snprintf(err, errlen, "computing the RIM: %s",
			 rc == -ENOMEM ? "out of memory" : "the hash failed");
		return rc;
	}
	memcpy(rim, r.value, VMM_MEASUREMENT_MAX);
	*len = r.len;
	return 0;
}

int vmm_measure(const struct vmm_options *o, struct vmm_measurement *m, char *err,
		size_t errlen)
{
	struct vmm_elf_image img = { 0 };
	struct vmm_plan plan;
	memset(m, 0, sizeof(*m));
	int rc = vmm_plan_load(o, &img, &plan, err, errlen);
	if (rc == 0)
		rc = vmm_rim_compute(&plan.layout, m->rim, &m->rim_len, err, errlen);
	if (rc == 0) {
		m->hash_algo = o->hash_algo;
		memcpy(m->rpv, plan.layout.realm.rpv, sizeof(m->rpv));
	}
	vmm_plan_free(&plan);
	vmm_elf_unload(&img);
	return rc;
}

static json_t *hex(const uint8_t *b, size_t n)
{
	char s[2 * VMM_RPV_SIZE + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	s[2 * n] = '\0';
	return json_string(s);
}

char *vmm_measurement_refvals_json(const struct vmm_measurement *m)
{
	static const uint8_t zero[VMM_MEASUREMENT_MAX];
	/* A freshly booted realm's REMs are zero: only RSI_MEASUREMENT_EXTEND
	 * from inside the realm changes them. */
	json_t *rems = json_pack("[oooo]", hex(zero, m->rim_len), hex(zero, m->rim_len),
				 hex(zero, m->rim_len), hex(zero, m->rim_len));
	json_t *realm = json_pack("{s:o, s:o, s:o, s:s}", "initial-measurement",
				  hex(m->rim, m->rim_len), "extensible-measurements", rems,
				  "personalization-value", hex(m->rpv, sizeof(m->rpv)),
				  "rak-hash-algorithm", RAK_HASH_ALGORITHM);
	/* The platform: ccakit's implementation id and the firmware it boots,
	 * as this build measured it (claim 2399). The configuration is left
	 * out (any): it depends on the machine's DRAM and PEs, not the realm. */
	uint8_t impl[32];
	ccakit_implementation_id(impl);
	const struct ccakit_firmware_component *fw;
	size_t nfw = ccakit_firmware_components(&fw);
	json_t *sw = json_array();
	for (size_t i = 0; sw && i < nfw; i++)
		json_array_append_new(sw, json_pack("{s:s, s:o, s:o, s:s}", "component-type",
						    fw[i].type, "measurement-value",
						    hex(fw[i].measurement, sizeof(fw[i].measurement)),
						    "signer-id",
						    hex(fw[i].signer_id, sizeof(fw[i].signer_id)),
						    "version", fw[i].version));
	json_t *platform = json_pack("{s:o, s:o}", "implementation-id", hex(impl, sizeof(impl)),
				     "sw-components", sw);
	json_t *root = json_pack("{s:[o], s:[o]}", "platform", platform, "realm", realm);
	char *s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	return s;
}
