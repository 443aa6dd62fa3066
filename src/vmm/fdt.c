/* The guest's device tree, written with libfdt's sequential-write API: nodes
 * and properties go out in order into the caller's buffer, and the result is
 * already compact (no fdt_pack needed). Bindings followed: the devicetree
 * specification (root, memory, cpus, chosen), and Linux's arm/cpus, arm/psci,
 * serial/pl011, clock/fixed-clock, timer/arm,arch_timer and
 * interrupt-controller/arm,gic-v3 bindings. */
#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/rmi.h"
#include "vmm/fdt.h"

#define PHANDLE_APB_PCLK 1
#define PHANDLE_GIC 2

/* Interrupt specifier of the GIC binding: type, number, flags. */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_LEVEL_HIGH 4

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int rc,
						      const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

uint64_t vmm_fdt_cpu_mpidr(unsigned index)
{
	return rmi_rec_index_to_mpidr(index);
}

/* [base, base + size) as a last address, false if empty or wrapping. */
static bool last_of(uint64_t base, uint64_t size, uint64_t *last)
{
	if (size == 0 || base + (size - 1) < base)
		return false;
	*last = base + (size - 1);
	return true;
}

static bool overlap(uint64_t a, uint64_t alast, uint64_t b, uint64_t blast)
{
	return a <= blast && b <= alast;
}

static int check_config(const struct vmm_fdt_config *cfg, char *err, size_t errlen)
{
	uint64_t mem_last, uart_last = VMM_FDT_UART_BASE + VMM_FDT_UART_SIZE - 1;
	if (cfg->cpus < 1 || cfg->cpus > VMM_FDT_MAX_CPUS)
		return fail(err, errlen, -EINVAL, "device tree: %u CPUs, expected 1 to %u", cfg->cpus,
			    VMM_FDT_MAX_CPUS);
	if (!last_of(cfg->mem_base, cfg->mem_size, &mem_last) || (cfg->mem_base & GRANULE_MASK) ||
	    (cfg->mem_size & GRANULE_MASK))
		return fail(err, errlen, -EINVAL,
			    "device tree: invalid memory range 0x%llx+0x%llx (must be non-empty and "
			    "4 KiB aligned)",
			    (unsigned long long)cfg->mem_base, (unsigned long long)cfg->mem_size);
	if (overlap(cfg->mem_base, mem_last, VMM_FDT_UART_BASE, uart_last))
		return fail(err, errlen, -EINVAL,
			    "device tree: memory 0x%llx-0x%llx overlaps the UART at 0x%llx",
			    (unsigned long long)cfg->mem_base, (unsigned long long)mem_last,
			    (unsigned long long)VMM_FDT_UART_BASE);
	if (cfg->gicv3.present) {
		uint64_t d_last, r_last;
		if (!last_of(cfg->gicv3.dist_base, cfg->gicv3.dist_size, &d_last) ||
		    !last_of(cfg->gicv3.redist_base, cfg->gicv3.redist_size, &r_last))
			return fail(err, errlen, -EINVAL, "device tree: invalid GICv3 ranges");
		if (overlap(cfg->gicv3.dist_base, d_last, cfg->gicv3.redist_base, r_last) ||
		    overlap(cfg->gicv3.dist_base, d_last, cfg->mem_base, mem_last) ||
		    overlap(cfg->gicv3.redist_base, r_last, cfg->mem_base, mem_last) ||
		    overlap(cfg->gicv3.dist_base, d_last, VMM_FDT_UART_BASE, uart_last) ||
		    overlap(cfg->gicv3.redist_base, r_last, VMM_FDT_UART_BASE, uart_last))
			return fail(err, errlen, -EINVAL,
				    "device tree: the GICv3 ranges overlap each other, memory or the "
				    "UART");
	}
	if (cfg->bootargs && strlen(cfg->bootargs) > VMM_FDT_MAX_BOOTARGS)
		return fail(err, errlen, -EINVAL, "device tree: bootargs longer than %u bytes",
			    VMM_FDT_MAX_BOOTARGS);
	if (cfg->chosen_extra_count > VMM_FDT_MAX_CHOSEN_EXTRA ||
	    (cfg->chosen_extra_count && !cfg->chosen_extra))
		return fail(err, errlen, -EINVAL, "device tree: more than %u extra /chosen properties",
			    VMM_FDT_MAX_CHOSEN_EXTRA);
	for (size_t i = 0; i < cfg->chosen_extra_count; i++) {
		const struct vmm_fdt_prop *p = &cfg->chosen_extra[i];
		if (!p->name || !*p->name || strlen(p->name) > 31 ||
		    strspn(p->name, "abcdefghijklmnopqrstuvwxyz0123456789,._+-") != strlen(p->name))
			return fail(err, errlen, -EINVAL,
				    "device tree: extra /chosen property %zu has an invalid name "
				    "(1-31 of a-z 0-9 , . _ + -)",
				    i);
		if (!strcmp(p->name, "bootargs") || !strcmp(p->name, "stdout-path"))
			return fail(err, errlen, -EINVAL,
				    "device tree: extra /chosen property '%s' is set by the VMM itself",
				    p->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->name, cfg->chosen_extra[j].name))
				return fail(err, errlen, -EINVAL,
					    "device tree: extra /chosen property '%s' given twice",
					    p->name);
		if (p->len > VMM_FDT_MAX_SIZE / 4 || (p->len && !p->value))
			return fail(err, errlen, -EINVAL,
				    "device tree: extra /chosen property '%s' is too large (%zu bytes)",
				    p->name, p->len);
	}
	return 0;
}

/* A reg/ranges pair of two-cell address and two-cell size. */
static int prop_reg(void *fdt, const char *name, const uint64_t *pairs, size_t n)
{
	fdt64_t cells[4];
	for (size_t i = 0; i < n && i < 4; i++)
		cells[i] = cpu_to_fdt64(pairs[i]);
	return fdt_property(fdt, name, cells, (int)(n * sizeof(fdt64_t)));
}

static int prop_cells(void *fdt, const char *name, const uint32_t *v, size_t n)
{
	fdt32_t cells[12];
	for (size_t i = 0; i < n && i < 12; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, cells, (int)(n * sizeof(fdt32_t)));
}

/* A string list property: the strings are given NUL-separated, with the
 * literal's own terminating NUL ending the last one. */
#define prop_strings(fdt, name, lit) fdt_property(fdt, name, lit, sizeof(lit))

#define TRY(expr)                 \
	do {                      \
		int rc_ = (expr); \
		if (rc_ < 0)      \
			return rc_; \
	} while (0)

static int write_cpus(void *fdt, unsigned cpus)
{
	/* One cell of MPIDR unless a CPU has Aff3 bits (cpus binding). */
	unsigned addr_cells = vmm_fdt_cpu_mpidr(cpus - 1) >> 32 ? 2 : 1;
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", addr_cells));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < cpus; i++) {
		uint64_t mpidr = vmm_fdt_cpu_mpidr(i);
		char name[32];
		snprintf(name, sizeof name, "cpu@%llx", (unsigned long long)mpidr);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		if (addr_cells == 2)
			TRY(fdt_property_u64(fdt, "reg", mpidr));
		else
			TRY(fdt_property_u32(fdt, "reg", (uint32_t)mpidr));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int write_tree(const struct vmm_fdt_config *cfg, void *fdt, int size)
{
	char name[48];
	bool gic = cfg->gicv3.present;

	TRY(fdt_create(fdt, size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	if (gic)
		TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	TRY(fdt_begin_node(fdt, "chosen"));
	snprintf(name, sizeof name, "/pl011@%llx", (unsigned long long)VMM_FDT_UART_BASE);
	TRY(fdt_property_string(fdt, "stdout-path", name));
	TRY(fdt_property_string(fdt, "bootargs", cfg->bootargs ? cfg->bootargs : ""));
	for (size_t i = 0; i < cfg->chosen_extra_count; i++) {
		const struct vmm_fdt_prop *p = &cfg->chosen_extra[i];
		TRY(fdt_property(fdt, p->name, p->value, (int)p->len));
	}
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof name, "memory@%llx", (unsigned long long)cfg->mem_base);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, "reg", (uint64_t[]){ cfg->mem_base, cfg->mem_size }, 2));
	TRY(fdt_end_node(fdt));

	TRY(write_cpus(fdt, cfg->cpus));

	/* PSCI 1.0 through SMC: a realm's PSCI calls go to the RMM by SMC. */
	TRY(fdt_begin_node(fdt, "psci"));
	TRY(prop_strings(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2"));
	TRY(fdt_property_string(fdt, "method", "smc"));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", VMM_FDT_UART_CLOCK_HZ));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_APB_PCLK));
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof name, "pl011@%llx", (unsigned long long)VMM_FDT_UART_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(prop_strings(fdt, "compatible", "arm,pl011\0arm,primecell"));
	TRY(prop_reg(fdt, "reg", (uint64_t[]){ VMM_FDT_UART_BASE, VMM_FDT_UART_SIZE }, 2));
	/* The UART's interrupt exists only with an interrupt controller. */
	if (gic)
		TRY(prop_cells(fdt, "interrupts",
			       (uint32_t[]){ GIC_SPI, VMM_FDT_UART_SPI, IRQ_LEVEL_HIGH }, 3));
	TRY(prop_cells(fdt, "clocks", (uint32_t[]){ PHANDLE_APB_PCLK, PHANDLE_APB_PCLK }, 2));
	TRY(prop_strings(fdt, "clock-names", "uartclk\0apb_pclk"));
	TRY(fdt_end_node(fdt));

	/* The generic timer's PPIs are fixed by the CPU's wiring (the numbers
	 * every Arm board uses), so they are described even when no interrupt
	 * controller is: that is a fact about the CPU, unlike the UART's SPI. */
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(prop_cells(fdt, "interrupts",
		       (uint32_t[]){ GIC_PPI, VMM_FDT_TIMER_PPI_SEC, IRQ_LEVEL_HIGH,
				     GIC_PPI, VMM_FDT_TIMER_PPI_NS, IRQ_LEVEL_HIGH,
				     GIC_PPI, VMM_FDT_TIMER_PPI_VIRT, IRQ_LEVEL_HIGH,
				     GIC_PPI, VMM_FDT_TIMER_PPI_HYP, IRQ_LEVEL_HIGH },
		       12));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	TRY(fdt_end_node(fdt));

	if (gic) {
		snprintf(name, sizeof name, "intc@%llx", (unsigned long long)cfg->gicv3.dist_base);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
		TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
		/* Room for ITS children, and what dtc expects of a provider. */
		TRY(fdt_property_u32(fdt, "#address-cells", 2));
		TRY(fdt_property_u32(fdt, "#size-cells", 2));
		TRY(fdt_property(fdt, "ranges", NULL, 0));
		TRY(prop_reg(fdt, "reg",
			     (uint64_t[]){ cfg->gicv3.dist_base, cfg->gicv3.dist_size,
					   cfg->gicv3.redist_base, cfg->gicv3.redist_size },
			     4));
		TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
		TRY(fdt_end_node(fdt));
	}

	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int vmm_fdt_build(const struct vmm_fdt_config *cfg, void *buf, size_t bufsize, size_t *size,
		  char *err, size_t errlen)
{
	if (size)
		*size = 0;
	if (!cfg || !buf)
		return fail(err, errlen, -EINVAL, "device tree: no config or buffer");
	int rc = check_config(cfg, err, errlen);
	if (rc)
		return rc;
	int cap = bufsize > VMM_FDT_MAX_SIZE ? VMM_FDT_MAX_SIZE : (int)bufsize;
	rc = write_tree(cfg, buf, cap);
	if (rc == -FDT_ERR_NOSPACE) {
		/* Say how much it needs: build it once more where it fits. */
		void *scratch = malloc(VMM_FDT_MAX_SIZE);
		long need = -1;
		if (scratch && write_tree(cfg, scratch, VMM_FDT_MAX_SIZE) == 0)
			need = (long)fdt_totalsize(scratch);
		free(scratch);
		if (need > 0)
			return fail(err, errlen, -ENOSPC,
				    "device tree: needs %ld bytes, the buffer has %zu", need, bufsize);
		return fail(err, errlen, -ENOSPC,
			    "device tree: does not fit in %zu bytes", bufsize);
	}
	if (rc < 0)
		return fail(err, errlen, -EIO, "device tree: libfdt: %s", fdt_strerror(rc));
	if (size)
		*size = fdt_totalsize(buf);
	return 0;
}
