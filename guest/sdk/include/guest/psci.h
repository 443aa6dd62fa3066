/* PSCI 1.1 calls through SMC (guest/psci.c). In a realm the RMM answers them,
 * forwarding CPU_ON, AFFINITY_INFO, CPU_OFF, CPU_SUSPEND and SYSTEM_OFF/RESET
 * to the host as PSCI exits. Return values are PSCI's (PSCI_SUCCESS,
 * PSCI_INVALID_PARAMETERS, ...; ccakit/abi/psci.h). */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include <stdint.h>

#include "ccakit/abi/psci.h"

uint32_t psci_version(void); /* major << 16 | minor */
int psci_features(uint32_t fid);
int psci_cpu_on(uint64_t target_mpidr, uint64_t entry_point, uint64_t context_id);
int psci_cpu_off(void); /* returns only if the call failed */
int psci_cpu_suspend(uint32_t power_state, uint64_t entry_point, uint64_t context_id);
/* PSCI_AFFINITY_ON, PSCI_AFFINITY_OFF, 2 (ON_PENDING) or an error. */
int psci_affinity_info(uint64_t target_affinity, uint32_t lowest_affinity_level);
/* Neither returns on success. status goes in X1 as well (ccakit/guest.h):
 * PSCI ignores it, a host that looks at the call's registers sees it. */
void psci_system_off(uint64_t status);
void psci_system_reset(void);

#endif
