/* SMC routing by function ID, per calling world, and the RMM-EL3 interface.
 * The granule transition service here is the only code that changes the
 * GPT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/rmm_el3.h"
#include "ccakit/abi/rmi.h"
#include "monitor/monitor.h"
#include "rmm/rmm.h"

/* RMM_GTSI_DELEGATE / UNDELEGATE: move one DRAM granule between the NS and
 * Realm PAS. Refuses anything else, so a faulty RMM cannot take Secure or Root
 * memory. */
static int64_t gtsi_transition(struct monitor *mon, uint64_t pa, enum pas from, enum pas to)
{
	struct platform *plat = mon->plat;

	if ((pa & GRANULE_MASK) || !plat_is_dram(plat, pa))
		return E_RMM_BAD_ADDR;
	if (plat_pas_of(plat, pa) != from)
		return E_RMM_BAD_PAS;
	plat->iso->assign(plat, pa, to);
	return E_RMM_OK;
}

static void smc_from_realm(struct monitor *mon, struct smc_regs *r)
{
	switch (smccc_fid(r->x[0])) {
	case RMM_ATTEST_GET_REALM_KEY:
		psp_get_realm_key(mon, r);
		return;
	case RMM_ATTEST_GET_PLAT_TOKEN:
		psp_get_plat_token(mon, r);
		return;
	case RMM_GTSI_DELEGATE:
		r->x[0] = (uint64_t)gtsi_transition(mon, r->x[1], PAS_NS, PAS_REALM);
		return;
	case RMM_GTSI_UNDELEGATE:
		r->x[0] = (uint64_t)gtsi_transition(mon, r->x[1], PAS_REALM, PAS_NS);
		return;
	case SMCCC_VERSION_FID:
		r->x[0] = SMCCC_VERSION_1_2;
		return;
	default:
		r->x[0] = SMC_UNKNOWN;
		return;
	}
}

static bool is_rmi_fid(uint32_t fid)
{
	unsigned n = fid & 0xffff;
	return (fid & 0xffff0000u) == 0xC4000000u && n >= RMI_FID_FIRST && n <= RMI_FID_LAST;
}

static void smc_from_ns(struct monitor *mon, unsigned pe, struct smc_regs *r)
{
	uint32_t fid = smccc_fid(r->x[0]);

	if (is_rmi_fid(fid)) {
		rmm_handle_rmi(mon->rmm, pe, r);
		return;
	}
	switch (fid) {
	case SMCCC_VERSION_FID:
		r->x[0] = SMCCC_VERSION_1_2;
		return;
	case SMCCC_ARCH_FEATURES_FID:
		/* SMCCC_VERSION and ARCH_FEATURES are the only Arm Architecture
		 * Calls implemented. */
		r->x[0] = (r->x[1] == SMCCC_VERSION_FID || r->x[1] == SMCCC_ARCH_FEATURES_FID)
				  ? 0
				  : SMC_UNKNOWN;
		return;
	default:
		r->x[0] = SMC_UNKNOWN;
		return;
	}
}

void monitor_smc(struct monitor *mon, enum world from, unsigned pe, struct smc_regs *regs)
{
	switch (from) {
	case WORLD_NS:
		smc_from_ns(mon, pe, regs);
		return;
	case WORLD_REALM:
		smc_from_realm(mon, regs);
		return;
	case WORLD_SECURE:
	case WORLD_ROOT:
		regs->x[0] = SMC_UNKNOWN;
		return;
	}
	regs->x[0] = SMC_UNKNOWN;
}

int monitor_boot(struct platform *plat, const struct monitor_config *cfg, struct monitor **out,
		 char *err, size_t errlen)
{
	struct monitor *mon = calloc(1, sizeof(*mon));
	if (!mon) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	mon->plat = plat;
	mon->root_size = PLAT_ROOT_GRANULES * GRANULE_SIZE;
	mon->root_base = plat->dram_base + plat->dram_size - mon->root_size;
	mon->secure_size = PLAT_SECURE_GRANULES * GRANULE_SIZE;
	mon->secure_base = mon->root_base - mon->secure_size;
	for (uint64_t pa = mon->secure_base; pa < mon->root_base; pa += GRANULE_SIZE)
		plat->iso->assign(plat, pa, PAS_SECURE);
	for (uint64_t pa = mon->root_base; pa < mon->root_base + mon->root_size; pa += GRANULE_SIZE)
		plat->iso->assign(plat, pa, PAS_ROOT);

	int rc = psp_init(&mon->psp, cfg, err, errlen);
	if (rc != 0) {
		psp_fini(&mon->psp);
		free(mon);
		return rc;
	}
	const struct rmm_boot_manifest manifest = {
		.version = RMM_BOOT_MANIFEST_VERSION,
		.token_format = cfg->token_cmw ? RMM_TOKEN_FORMAT_CMW : RMM_TOKEN_FORMAT_CCA,
	};
	rc = rmm_boot(plat, mon, &manifest, &mon->rmm, err, errlen);
	if (rc != 0) {
		psp_fini(&mon->psp);
		free(mon);
		return rc;
	}
	*out = mon;
	return 0;
}

void monitor_shutdown(struct monitor *mon)
{
	if (!mon)
		return;
	rmm_shutdown(mon->rmm);
	psp_fini(&mon->psp);
	free(mon);
}
