/* CPUs: which one this is, the machine the device tree describes, and starting
 * secondaries with PSCI CPU_ON. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

/* CPUs the SDK has stacks for (the device tree may list more; those cannot be
 * started). Secondary stacks are GUEST_SECONDARY_STACK_SIZE each, in .bss. */
#define GUEST_MAX_CPUS 16
#define GUEST_PRIMARY_STACK_SIZE 0x4000
#define GUEST_SECONDARY_STACK_SIZE 0x1000

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

/* What the device tree at x0 says of the machine (or defaults, when a node is
 * missing or the tree is not valid). */
struct guest_platform {
	bool fdt_valid;
	bool has_memory;
	uint64_t mem_base, mem_size;     /* first /memory node's first range */
	unsigned cpus;                   /* /cpus/cpu@* nodes found (0 if none) */
	uint64_t mpidr[GUEST_MAX_CPUS];  /* their reg (MPIDR), first GUEST_MAX_CPUS */
	uint64_t uart_base;              /* the "arm,pl011" node's reg, else GUEST_UART_BASE */
};

const struct guest_platform *guest_platform(void);

/* This CPU's index: 0 for the boot CPU, the CPU_ON context id (the index
 * given to cpu_start) for a secondary. Kept in TPIDR_EL1 by the entry code. */
static inline unsigned cpu_index(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(v));
	return (unsigned)v;
}

/* MPIDR_EL1's affinity fields (Aff3..Aff0), as device trees list CPUs. */
static inline uint64_t cpu_mpidr(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v & UINT64_C(0xff00ffffff);
}

/* Powers on the CPU with the given MPIDR through PSCI CPU_ON, to run
 * fn(index, arg) on the stack of slot index (1..GUEST_MAX_CPUS-1; index 0 is
 * the boot CPU's). When fn returns, the CPU calls PSCI CPU_OFF. Returns the
 * PSCI status (PSCI_INVALID_PARAMETERS for an index without a stack). */
typedef void (*cpu_entry_fn)(unsigned index, void *arg);
int cpu_start(unsigned index, uint64_t mpidr, cpu_entry_fn fn, void *arg);

/* Where CPU_ON starts a secondary (crt0.S): x0 = context id = index. */
void secondary_entry(void);

/* Parses the flattened device tree at fdt into *out (fdt.c). Returns false,
 * with defaults in *out, if fdt is not a valid tree. */
bool guest_fdt_parse(const void *fdt, struct guest_platform *out);

#endif
#endif
