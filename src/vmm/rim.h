/* Normal world user space: the Realm Initial Measurement a realm will have,
 * predicted from its build plan without building it (`ccakit measure`).
 *
 * The VMM knows everything the RMM measures while it builds a realm (the
 * RmiRealmParams it passes, the RAM it gives RIPAS RAM, each DATA granule's
 * contents, REC 0's registers), so it can replay the measurement itself, as
 * veraison's cca-realm-measurements does for kvmtool and QEMU. It does so
 * from the spec's formulas (RMM 1.0-REL0, section 7 of spec/rmm-1.0.md),
 * not from the RMM's code: a test comparing this prediction with the RIM a
 * realm reads (RSI_MEASUREMENT_READ) then catches a bug in either.
 *
 *   struct vmm_measurement m;
 *   char err[VMM_RUN_ERR_MAX];
 *   if (vmm_measure(&opts, &m, err, sizeof err) == 0)
 *           print_hex(m.rim, m.rim_len);
 */
#ifndef CCAKIT_VMM_RIM_H
#define CCAKIT_VMM_RIM_H

#include <stddef.h>
#include <stdint.h>

#include "host/host.h"
#include "vmm/options.h"

#define VMM_MEASUREMENT_MAX 64 /* SHA-512 */

/* The RIM of a realm built from layout l by host_realm_build: REALM_CREATE,
 * then one descriptor per step of host_build_plan(l). l->realm must name
 * everything REALM_CREATE measures (s2sz, num_bps, num_wps: 0 would leave
 * them to the RMM, which this cannot ask). Returns 0 with the hash's size
 * in *len (32 or 64), or a negative errno with a sentence in err. */
int vmm_rim_compute(const struct host_realm_layout *l, uint8_t rim[VMM_MEASUREMENT_MAX],
		    size_t *len, char *err, size_t errlen);

/* What `ccakit measure` reports: the realm `ccakit run` would build from o. */
struct vmm_measurement {
	unsigned hash_algo;                  /* RMI_HASH_SHA_256 or _512 */
	uint8_t rim[VMM_MEASUREMENT_MAX];
	size_t rim_len;                      /* 32 or 64 */
	uint8_t rpv[VMM_RPV_SIZE];
};

/* Loads o->kernel, plans the realm as `ccakit run` does (vmm_plan_load) and
 * computes its RIM. Returns 0, or a negative errno with the sentence `ccakit
 * run` would give in err (a bad image, too little memory). */
int vmm_measure(const struct vmm_options *o, struct vmm_measurement *m, char *err,
		size_t errlen);

/* The reference values `ccakit token appraise --ref` reads, for a freshly
 * booted realm of m: its RIM, four zero REMs (nothing has extended them
 * yet), its RPV and the RAK hash algorithm; one JSON object, malloc'd and
 * NUL-terminated, or NULL when out of memory. */
char *vmm_measurement_refvals_json(const struct vmm_measurement *m);

#endif
