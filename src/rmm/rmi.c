/* RMI dispatch (one table from function ID to handler, argument count and
 * result count), RMI_VERSION, RMI_FEATURES, and the RMM's boot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/rmi_commands.h"
#include "rmm/rmm.h"

typedef uint64_t (*rmi_handler_fn)(struct rmm *rmm, unsigned pe, const uint64_t *arg,
				   struct rmi_result *res);

struct rmi_dispatch {
	rmi_handler_fn handler;
	unsigned nargs;
	unsigned nres;
};

#define RMI_DISPATCH_ENTRY(NAME, name, A, R)                                                \
	[(RMI_##NAME & 0xffff) - RMI_FID_FIRST] = { rmi_##name, RMI_LIST_COUNT(A),            \
						    RMI_LIST_COUNT(R) },

static const struct rmi_dispatch rmi_table[RMI_FID_LAST - RMI_FID_FIRST + 1] = {
	RMI_COMMANDS(RMI_DISPATCH_ENTRY)
};

void rmm_handle_rmi(struct rmm *rmm, unsigned pe, struct smc_regs *regs)
{
	unsigned n = (unsigned)(smccc_fid(regs->x[0]) & 0xffff) - RMI_FID_FIRST;
	const struct rmi_dispatch *d = n < sizeof(rmi_table) / sizeof(rmi_table[0])
					       ? &rmi_table[n]
					       : NULL;
	struct rmi_result res = { { 0 } };

	if (!d || !d->handler) {
		regs->x[0] = SMC_UNKNOWN;
		return;
	}
	regs->x[0] = d->handler(rmm, pe, &regs->x[1], &res);
	for (unsigned i = 0; i < d->nres; i++)
		regs->x[1 + i] = res.x[i];
}

RMI_HANDLER(rmi_version)
{
	(void)rmm;
	(void)pe;
	/* Only 1.0 is implemented; X1 = X2 = 1.0 whatever was requested. */
	res->x[0] = RMI_ABI_VERSION;
	res->x[1] = RMI_ABI_VERSION;
	return rmi_return(arg[0] == RMI_ABI_VERSION ? RMI_SUCCESS : RMI_ERROR_INPUT, 0);
}

RMI_HANDLER(rmi_features)
{
	(void)pe;
	res->x[0] = arg[0] == 0 ? rmm->feat0 : 0;
	return rmi_return(RMI_SUCCESS, 0);
}

/* What this RMM supports, as RmiFeatureRegister0 reports it. */
#define RMM_MAX_S2SZ 48
#define RMM_NUM_BPS 5         /* 6 breakpoints, encoded count - 1 */
#define RMM_NUM_WPS 3         /* 4 watchpoints, encoded count - 1 */
#define RMM_GICV3_NUM_LRS 15  /* 16 list registers, encoded count - 1 */
#define RMM_MAX_RECS_ORDER 15 /* at most 2^15 RECs per realm */

static uint64_t feature_register0(void)
{
	return (uint64_t)RMM_MAX_S2SZ << RMI_FEAT0_S2SZ_SHIFT |
	       (uint64_t)RMM_NUM_BPS << RMI_FEAT0_NUM_BPS_SHIFT |
	       (uint64_t)RMM_NUM_WPS << RMI_FEAT0_NUM_WPS_SHIFT |
	       UINT64_C(1) << RMI_FEAT0_HASH_SHA_256_SHIFT |
	       UINT64_C(1) << RMI_FEAT0_HASH_SHA_512_SHIFT |
	       (uint64_t)RMM_GICV3_NUM_LRS << RMI_FEAT0_GICV3_NUM_LRS_SHIFT |
	       (uint64_t)RMM_MAX_RECS_ORDER << RMI_FEAT0_MAX_RECS_ORDER_SHIFT;
	/* LPA2, SVE and PMU are not offered: their fields stay zero. */
}

int rmm_boot(struct platform *plat, struct monitor *mon, const struct rmm_boot_manifest *manifest,
	     struct rmm **out, char *err, size_t errlen)
{
	struct rmm *rmm = calloc(1, sizeof(*rmm));
	if (!rmm) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rmm->plat = plat;
	rmm->mon = mon;
	rmm->granule_count = plat->granule_count;
	rmm->granules = calloc(rmm->granule_count, sizeof(*rmm->granules));
	rmm->vmid_count = 1u << plat->vmid_bits;
	rmm->vmid_bitmap = calloc(rmm->vmid_count / 64, sizeof(uint64_t));
	rmm->feat0 = feature_register0();
	rmm->slice_us = RMM_DEFAULT_SLICE_US;
	rmm->pes = calloc(plat->pe_count, sizeof(*rmm->pes));
	rmm->engines = calloc(rmm->granule_count, sizeof(*rmm->engines));
	rmm->ns_maps = calloc(rmm->granule_count, sizeof(*rmm->ns_maps));
	pthread_mutex_init(&rmm->realms_lock, NULL);
	if (rmm->pes)
		for (unsigned i = 0; i < plat->pe_count; i++)
			pthread_mutex_init(&rmm->pes[i].lock, NULL);
	if (!rmm->granules || !rmm->vmid_bitmap || !rmm->pes || !rmm->engines || !rmm->ns_maps ||
	    measure_pe_init(rmm) != 0 || attest_boot(rmm, manifest) != 0) {
		snprintf(err, errlen, "cannot set up the RMM (out of memory or no SHA-2 provider)");
		rmm_shutdown(rmm);
		return -1;
	}
	*out = rmm;
	return 0;
}

void rmm_shutdown(struct rmm *rmm)
{
	if (!rmm)
		return;
	attest_shutdown(rmm);
	if (rmm->pes) {
		measure_pe_fini(rmm);
		for (unsigned i = 0; i < rmm->plat->pe_count; i++)
			pthread_mutex_destroy(&rmm->pes[i].lock);
	}
	/* RECs the host never destroyed still have engines. */
	for (size_t i = 0; rmm->engines && i < rmm->granule_count; i++)
		vcpu_destroy(rmm->engines[i]);
	free(rmm->engines);
	free(rmm->ns_maps);
	pthread_mutex_destroy(&rmm->realms_lock);
	free(rmm->pes);
	free(rmm->granules);
	free(rmm->vmid_bitmap);
	free(rmm);
}
