/* Normal world user space (the VMM): the guest's device tree.
 *
 * Guests boot like arm64 Linux, with x0 = the address of a flattened device
 * tree. The tree describes the machine after QEMU's `virt` board and nothing
 * more than ccakit really provides (a realm must be able to trust what it is
 * told about its hardware, so nothing is listed that is not emulated):
 *
 *   /                    compatible "linux,dummy-virt", #address-cells = #size-cells = 2
 *   /memory@<base>       the guest's RAM
 *   /cpus/cpu@<mpidr>    one per vCPU, reg = MPIDR as the RMM gives RECs
 *                        (rmi_rec_index_to_mpidr), enable-method "psci"
 *   /psci                PSCI 1.0 over SMC (the RSI conduit in a realm)
 *   /apb-pclk            the 24 MHz fixed clock the UART is fed from
 *   /pl011@9000000       the console UART
 *   /timer               the Arm generic timer (PPIs 13, 14, 11, 10)
 *   /intc@...            only when a GICv3 is described in the config
 *   /chosen              stdout-path and bootargs
 *
 * The tree is written into a caller buffer; VMM_FDT_MAX_SIZE always suffices
 * for VMM_FDT_MAX_CPUS CPUs and a bootargs string of VMM_FDT_MAX_BOOTARGS. */
#ifndef CCAKIT_VMM_FDT_H
#define CCAKIT_VMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_FDT_MAX_SIZE (64 * 1024)
#define VMM_FDT_MAX_CPUS 256
#define VMM_FDT_MAX_BOOTARGS 2048
#define VMM_FDT_MAX_CHOSEN_EXTRA 8

#define VMM_FDT_UART_BASE UINT64_C(0x09000000)
#define VMM_FDT_UART_SIZE UINT64_C(0x1000)
#define VMM_FDT_UART_CLOCK_HZ 24000000u /* QEMU virt's apb-pclk */
#define VMM_FDT_UART_SPI 1              /* the UART's SPI on QEMU virt */

/* Generic timer PPIs (as INTIDs - 16), in the binding's order: secure EL1
 * physical, non-secure EL1 physical, EL1 virtual, EL2 physical. */
#define VMM_FDT_TIMER_PPI_SEC 13
#define VMM_FDT_TIMER_PPI_NS 14
#define VMM_FDT_TIMER_PPI_VIRT 11
#define VMM_FDT_TIMER_PPI_HYP 10

/* An extra /chosen property the VMM wants to hand the guest (for example an
 * attestation challenge). name must not clash with stdout-path or bootargs. */
struct vmm_fdt_prop {
	const char *name;
	const void *value;
	size_t len;
};

struct vmm_fdt_config {
	uint64_t mem_base, mem_size; /* the guest's RAM */
	unsigned cpus;               /* 1..VMM_FDT_MAX_CPUS */
	const char *bootargs;        /* NULL: empty */
	/* A GICv3, described only when one is emulated: adds /intc and makes
	 * it the interrupt parent (the UART then gets its SPI). */
	struct {
		bool present;
		uint64_t dist_base, dist_size;
		uint64_t redist_base, redist_size;
	} gicv3;
	const struct vmm_fdt_prop *chosen_extra;
	size_t chosen_extra_count; /* at most VMM_FDT_MAX_CHOSEN_EXTRA */
};

/* Writes the tree into buf (bufsize bytes; 8-byte alignment is what a guest
 * expects of the address it is given, the builder does not need it).
 * Returns 0 and the tree's size in *size, or a negative errno with a sentence
 * in err: -EINVAL for a bad config, -ENOSPC when the tree does not fit
 * (saying how much it needs). */
int vmm_fdt_build(const struct vmm_fdt_config *cfg, void *buf, size_t bufsize, size_t *size,
		  char *err, size_t errlen);

/* The MPIDR (and cpu node unit address) of vCPU index i. */
uint64_t vmm_fdt_cpu_mpidr(unsigned index);

#endif
