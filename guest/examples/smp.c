/* smp: starts every other CPU the device tree lists (PSCI CPU_ON); each says
 * "cpu N online" and turns itself off (PSCI CPU_OFF, when its function
 * returns). The boot CPU waits with AFFINITY_INFO until all are off, checks
 * that each reported in, and exits 0 (1 if a CPU failed to start or never
 * reported). */
#include "guest/sdk.h"

/* Written by each secondary before it turns off. */
static volatile uint64_t reported[GUEST_MAX_CPUS];

static void secondary(unsigned index, void *arg)
{
	(void)arg;
	printf("cpu %u online (mpidr 0x%lx)\n", index, (unsigned long)guest_platform()->mpidr[index]);
	reported[index] = 1;
}

int main(const void *fdt)
{
	const struct guest_platform *p = guest_platform();
	unsigned cpus = p->cpus, self = 0, ok = 0, failed = 0;
	bool on[GUEST_MAX_CPUS] = { false };
	(void)fdt;

	if (cpus == 0) {
		printf("smp: the device tree lists no CPUs: nothing to start\n");
		return GUEST_EXIT_SUCCESS;
	}
	if (cpus > GUEST_MAX_CPUS) {
		printf("smp: %u CPUs listed, the SDK has stacks for %u: starting those\n", cpus,
		       GUEST_MAX_CPUS);
		cpus = GUEST_MAX_CPUS;
	}
	/* This CPU is the one whose MPIDR matches; if none does, the first
	 * listed (the boot CPU, REC 0 in a realm). */
	for (unsigned i = 0; i < cpus; i++)
		if (p->mpidr[i] == cpu_mpidr())
			self = i;
	if (self != 0) {
		/* cpu_start's slot 0 is the boot CPU's stack, and slots are
		 * indexed like the device tree. */
		printf("smp: booted on cpu %u of the device tree, expected cpu 0\n", self);
		return GUEST_EXIT_FAILURE;
	}
	printf("cpu 0 online (mpidr 0x%lx), %u cpu(s) listed\n", (unsigned long)p->mpidr[0], cpus);

	for (unsigned i = 1; i < cpus; i++) {
		int rc = cpu_start(i, p->mpidr[i], secondary, NULL);
		if (rc != PSCI_SUCCESS) {
			printf("smp: CPU_ON of cpu %u (mpidr 0x%lx) failed: %d\n", i,
			       (unsigned long)p->mpidr[i], rc);
			failed++;
			continue;
		}
		on[i] = true;
	}

	/* Wait for each started CPU to be OFF again. Every AFFINITY_INFO is a
	 * PSCI exit to the host, which also gives the other CPUs their turn. */
	for (unsigned i = 1; i < cpus; i++) {
		int state;
		if (!on[i])
			continue;
		while ((state = psci_affinity_info(p->mpidr[i], 0)) != PSCI_AFFINITY_OFF) {
			if (state < 0) {
				printf("smp: AFFINITY_INFO of cpu %u failed: %d\n", i, state);
				failed++;
				break;
			}
		}
		if (state != PSCI_AFFINITY_OFF)
			continue;
		if (!reported[i]) {
			printf("smp: cpu %u went off without reporting in\n", i);
			failed++;
			continue;
		}
		ok++;
	}
	printf("smp: %u of %u secondary cpu(s) came online and went off\n", ok, cpus - 1);
	return failed ? GUEST_EXIT_FAILURE : GUEST_EXIT_SUCCESS;
}
