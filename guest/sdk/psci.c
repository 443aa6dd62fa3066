/* PSCI through SMC. PSCI returns are 32-bit signed values in X0. */
#include "guest/psci.h"
#include "guest/smc.h"

static int psci_status(uint64_t x0)
{
	return (int)(int32_t)x0;
}

uint32_t psci_version(void)
{
	return (uint32_t)smc_call4(PSCI_VERSION, 0, 0, 0, 0, NULL);
}

int psci_features(uint32_t fid)
{
	return psci_status(smc_call4(PSCI_FEATURES, fid, 0, 0, 0, NULL));
}

int psci_cpu_on(uint64_t target_mpidr, uint64_t entry_point, uint64_t context_id)
{
	return psci_status(
		smc_call4(PSCI_CPU_ON, target_mpidr, entry_point, context_id, 0, NULL));
}

int psci_cpu_off(void)
{
	return psci_status(smc_call4(PSCI_CPU_OFF, 0, 0, 0, 0, NULL));
}

int psci_cpu_suspend(uint32_t power_state, uint64_t entry_point, uint64_t context_id)
{
	return psci_status(
		smc_call4(PSCI_CPU_SUSPEND, power_state, entry_point, context_id, 0, NULL));
}

int psci_affinity_info(uint64_t target_affinity, uint32_t lowest_affinity_level)
{
	return psci_status(smc_call4(PSCI_AFFINITY_INFO, target_affinity, lowest_affinity_level, 0, 0, NULL));
}

void psci_system_off(uint64_t status)
{
	smc_call4(PSCI_SYSTEM_OFF, status, 0, 0, 0, NULL);
}

void psci_system_reset(void)
{
	smc_call4(PSCI_SYSTEM_RESET, 0, 0, 0, 0, NULL);
}
