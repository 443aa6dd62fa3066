/* The guest device tree: built for several CPU counts and memory sizes, and
 * read back with libfdt alone (fdt_check_full, node lookups, property values,
 * and the structural rules dtc checks: unit addresses match reg, phandles
 * resolve, names use the allowed characters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/abi/rmi.h"
#include "vmm/fdt.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define RAM_BASE UINT64_C(0x40000000)

#define assert_contains(s, sub)                                                    \
	do {                                                                       \
		if (!strstr((s), (sub)))                                           \
			fail_msg("message '%s' does not contain '%s'", (s), (sub)); \
	} while (0)

static uint8_t fdt[VMM_FDT_MAX_SIZE] __attribute__((aligned(8)));

static struct vmm_fdt_config config(unsigned cpus, uint64_t mem)
{
	return (struct vmm_fdt_config){
		.mem_base = RAM_BASE,
		.mem_size = mem,
		.cpus = cpus,
		.bootargs = "console=ttyAMA0 earlycon",
	};
}

static void build(const struct vmm_fdt_config *cfg)
{
	char err[256] = "";
	size_t size = 0;
	int rc = vmm_fdt_build(cfg, fdt, sizeof fdt, &size, err, sizeof err);
	if (rc)
		fail_msg("vmm_fdt_build: %d %s", rc, err);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_int_equal(fdt_check_full(fdt, size), 0);
	assert_int_equal(size, fdt_totalsize(fdt));
	assert_true(size <= VMM_FDT_MAX_SIZE);
	assert_int_equal(fdt_num_mem_rsv(fdt), 0);
	assert_int_equal(fdt_boot_cpuid_phys(fdt), 0);
}

static int node(const char *path)
{
	int off = fdt_path_offset(fdt, path);
	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
	const void *p = fdt_getprop(fdt, node(path), name, len);
	if (!p)
		fail_msg("%s has no property %s", path, name);
	return p;
}

static void assert_prop_string(const char *path, const char *name, const char *want)
{
	int len;
	const char *s = prop(path, name, &len);
	assert_int_equal(len, strlen(want) + 1);
	assert_string_equal(s, want);
}

static uint32_t prop_u32(const char *path, const char *name)
{
	int len;
	const fdt32_t *p = prop(path, name, &len);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*p);
}

static void assert_prop_cells(const char *path, const char *name, const uint32_t *want, int n)
{
	int len;
	const fdt32_t *p = prop(path, name, &len);
	assert_int_equal(len, n * 4);
	for (int i = 0; i < n; i++)
		assert_int_equal(fdt32_to_cpu(p[i]), want[i]);
}

/* A string list, the strings given NUL-separated in a literal. */
#define assert_prop_strings(path, name, lit)                       \
	do {                                                       \
		int len_;                                          \
		const void *p_ = prop(path, name, &len_);          \
		assert_int_equal(len_, sizeof(lit));               \
		assert_memory_equal(p_, lit, sizeof(lit));         \
	} while (0)

static void assert_reg(const char *path, uint64_t base, uint64_t size)
{
	int len;
	const fdt64_t *p = prop(path, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_to_cpu(p[0]), base);
	assert_int_equal(fdt64_to_cpu(p[1]), size);
}

static bool has_prop(const char *path, const char *name)
{
	return fdt_getprop(fdt, node(path), name, NULL) != NULL;
}

static uint32_t cells_of(int parent, const char *name, uint32_t dflt)
{
	const fdt32_t *p = fdt_getprop(fdt, parent, name, NULL);
	return p ? fdt32_to_cpu(*p) : dflt;
}

/* The rules dtc's checks enforce on the structure: every node and property
 * name uses the devicetree spec's characters, a node with reg has a unit
 * address equal to its first address and one without has none, reg has a
 * whole number of (address, size) entries, and every phandle is unique. */
static int check_structure(void)
{
	uint32_t phandles[16];
	int nph = 0, depth = 0, nodes = 0;
	for (int off = 0; off >= 0 && depth >= 0; off = fdt_next_node(fdt, off, &depth)) {
		const char *name = fdt_get_name(fdt, off, NULL);
		assert_non_null(name);
		nodes++;
		if (off == 0) {
			assert_string_equal(name, "");
		} else {
			size_t base = strcspn(name, "@");
			assert_true(base >= 1 && base <= 31);
			assert_int_equal(strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						      "0123456789,._+-@"),
					 strlen(name));
			int parent = fdt_parent_offset(fdt, off);
			uint32_t ac = cells_of(parent, "#address-cells", 2);
			uint32_t sc = cells_of(parent, "#size-cells", 1);
			int len;
			const fdt32_t *reg = fdt_getprop(fdt, off, "reg", &len);
			if (reg) {
				assert_non_null(strchr(name, '@'));
				assert_true(len > 0 && len % (int)((ac + sc) * 4) == 0);
				uint64_t addr = 0;
				for (uint32_t i = 0; i < ac; i++)
					addr = addr << 32 | fdt32_to_cpu(reg[i]);
				char unit[32];
				snprintf(unit, sizeof unit, "%" PRIx64, addr);
				assert_string_equal(strchr(name, '@') + 1, unit);
			} else {
				assert_null(strchr(name, '@'));
			}
		}
		int p;
		fdt_for_each_property_offset(p, fdt, off)
		{
			const char *pname;
			assert_non_null(fdt_getprop_by_offset(fdt, p, &pname, NULL));
			assert_int_equal(strspn(pname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
						       "VWXYZ0123456789,._+?#-"),
					 strlen(pname));
		}
		uint32_t ph = fdt_get_phandle(fdt, off);
		if (ph) {
			for (int i = 0; i < nph; i++)
				assert_int_not_equal(phandles[i], ph);
			assert_true(nph < 16);
			phandles[nph++] = ph;
		}
	}
	return nodes;
}

static void one_cpu_tree_describes_the_machine(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(1, 64 * MIB);
	build(&cfg);
	/* /, chosen, memory, cpus, cpu@0, psci, apb-pclk, pl011, timer */
	assert_int_equal(check_structure(), 9);

	assert_prop_string("/", "compatible", "linux,dummy-virt");
	assert_int_equal(prop_u32("/", "#address-cells"), 2);
	assert_int_equal(prop_u32("/", "#size-cells"), 2);
	assert_false(has_prop("/", "interrupt-parent")); /* no GIC was described */

	assert_prop_string("/memory@40000000", "device_type", "memory");
	assert_reg("/memory@40000000", RAM_BASE, 64 * MIB);

	assert_int_equal(prop_u32("/cpus", "#address-cells"), 1);
	assert_int_equal(prop_u32("/cpus", "#size-cells"), 0);
	assert_prop_string("/cpus/cpu@0", "device_type", "cpu");
	assert_prop_string("/cpus/cpu@0", "compatible", "arm,arm-v8");
	assert_prop_string("/cpus/cpu@0", "enable-method", "psci");
	assert_int_equal(prop_u32("/cpus/cpu@0", "reg"), 0);
	assert_int_equal(fdt_subnode_offset(fdt, node("/cpus"), "cpu@1"), -FDT_ERR_NOTFOUND);

	assert_prop_strings("/psci", "compatible", "arm,psci-1.0\0arm,psci-0.2");
	assert_prop_string("/psci", "method", "smc");

	assert_prop_string("/apb-pclk", "compatible", "fixed-clock");
	assert_int_equal(prop_u32("/apb-pclk", "#clock-cells"), 0);
	assert_int_equal(prop_u32("/apb-pclk", "clock-frequency"), 24000000);
	assert_prop_string("/apb-pclk", "clock-output-names", "clk24mhz");
	uint32_t clk = fdt_get_phandle(fdt, node("/apb-pclk"));
	assert_int_not_equal(clk, 0);

	assert_prop_strings("/pl011@9000000", "compatible", "arm,pl011\0arm,primecell");
	assert_reg("/pl011@9000000", 0x09000000, 0x1000);
	assert_prop_cells("/pl011@9000000", "clocks", (uint32_t[]){ clk, clk }, 2);
	assert_prop_strings("/pl011@9000000", "clock-names", "uartclk\0apb_pclk");
	assert_false(has_prop("/pl011@9000000", "interrupts"));
	/* The clock references resolve to the clock node. */
	assert_int_equal(fdt_node_offset_by_phandle(fdt, clk), node("/apb-pclk"));

	assert_prop_string("/timer", "compatible", "arm,armv8-timer");
	assert_prop_cells("/timer", "interrupts",
			  (uint32_t[]){ 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 }, 12);
	int len;
	prop("/timer", "always-on", &len);
	assert_int_equal(len, 0);

	assert_prop_string("/chosen", "stdout-path", "/pl011@9000000");
	assert_prop_string("/chosen", "bootargs", "console=ttyAMA0 earlycon");
	/* stdout-path names a real node. */
	assert_int_equal(fdt_path_offset(fdt, fdt_getprop(fdt, node("/chosen"), "stdout-path", NULL)),
			 node("/pl011@9000000"));

	/* Nothing that is not emulated. */
	assert_int_equal(fdt_path_offset(fdt, "/intc@8000000"), -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"), -FDT_ERR_NOTFOUND);
}

static void four_cpus_have_the_rec_mpidrs(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(4, 64 * MIB);
	build(&cfg);
	check_structure();
	int cpus = node("/cpus"), n = 0, sub;
	fdt_for_each_subnode(sub, fdt, cpus)
	{
		char path[64];
		snprintf(path, sizeof path, "/cpus/cpu@%x", n);
		assert_int_equal(sub, node(path));
		assert_int_equal(prop_u32(path, "reg"), rmi_rec_index_to_mpidr((uint64_t)n));
		assert_prop_string(path, "enable-method", "psci");
		n++;
	}
	assert_int_equal(n, 4);
}

static void cpus_past_sixteen_use_aff1(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(20, 64 * MIB);
	build(&cfg);
	check_structure();
	/* Aff0 holds 4 bits (the RMM's REC MPIDR encoding): index 16 is 0x100. */
	assert_int_equal(prop_u32("/cpus/cpu@f", "reg"), 0xf);
	assert_int_equal(prop_u32("/cpus/cpu@100", "reg"), 0x100);
	assert_int_equal(prop_u32("/cpus/cpu@103", "reg"), 0x103);
	assert_int_equal(fdt_path_offset(fdt, "/cpus/cpu@10"), -FDT_ERR_NOTFOUND);
	assert_int_equal(vmm_fdt_cpu_mpidr(16), 0x100);
}

static void most_cpus_fit_the_size_bound(void **state)
{
	(void)state;
	char args[VMM_FDT_MAX_BOOTARGS + 1];
	memset(args, 'x', VMM_FDT_MAX_BOOTARGS);
	args[VMM_FDT_MAX_BOOTARGS] = '\0';
	struct vmm_fdt_config cfg = config(VMM_FDT_MAX_CPUS, 4 * GIB);
	cfg.bootargs = args;
	build(&cfg);
	check_structure();
	assert_int_equal(prop_u32("/cpus/cpu@f0f", "reg"), rmi_rec_index_to_mpidr(255));
	assert_prop_string("/chosen", "bootargs", args);
	print_message("largest tree: %u bytes\n", fdt_totalsize(fdt));
}

static void memory_sizes_are_described_exactly(void **state)
{
	(void)state;
	static const uint64_t sizes[] = { 4 * MIB, 6 * MIB, 64 * MIB, 1 * GIB, 4 * GIB, 16 * GIB };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct vmm_fdt_config cfg = config(2, sizes[i]);
		build(&cfg);
		check_structure();
		assert_reg("/memory@40000000", RAM_BASE, sizes[i]);
	}
	struct vmm_fdt_config cfg = config(1, 8 * MIB);
	cfg.mem_base = 0x80000000;
	build(&cfg);
	assert_reg("/memory@80000000", 0x80000000, 8 * MIB);
}

static void empty_bootargs_when_none_given(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(1, 64 * MIB);
	cfg.bootargs = NULL;
	build(&cfg);
	assert_prop_string("/chosen", "bootargs", "");
}

static void gicv3_when_described_is_the_interrupt_parent(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(2, 64 * MIB);
	cfg.gicv3.present = true;
	cfg.gicv3.dist_base = 0x08000000;
	cfg.gicv3.dist_size = 0x10000;
	cfg.gicv3.redist_base = 0x080a0000;
	cfg.gicv3.redist_size = 0x40000;
	build(&cfg);
	assert_int_equal(check_structure(), 11);
	int gic = node("/intc@8000000");
	assert_prop_string("/intc@8000000", "compatible", "arm,gic-v3");
	assert_int_equal(prop_u32("/intc@8000000", "#interrupt-cells"), 3);
	assert_true(has_prop("/intc@8000000", "interrupt-controller"));
	int len;
	const fdt64_t *reg = prop("/intc@8000000", "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(fdt64_to_cpu(reg[0]), 0x08000000);
	assert_int_equal(fdt64_to_cpu(reg[1]), 0x10000);
	assert_int_equal(fdt64_to_cpu(reg[2]), 0x080a0000);
	assert_int_equal(fdt64_to_cpu(reg[3]), 0x40000);
	uint32_t ph = prop_u32("/", "interrupt-parent");
	assert_int_equal(fdt_node_offset_by_phandle(fdt, ph), gic);
	assert_prop_cells("/pl011@9000000", "interrupts", (uint32_t[]){ 0, 1, 4 }, 3);
}

static void gicv3_ranges_must_not_overlap(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(1, 64 * MIB);
	char err[256];
	cfg.gicv3.present = true;
	cfg.gicv3.dist_base = 0x08000000;
	cfg.gicv3.dist_size = 0x10000;
	cfg.gicv3.redist_base = 0x08008000;
	cfg.gicv3.redist_size = 0x20000;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	assert_contains(err, "GICv3 ranges overlap");
	cfg.gicv3.redist_base = 0x09000000; /* the UART */
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	cfg.gicv3.redist_size = 0;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	assert_contains(err, "invalid GICv3 ranges");
}

static void chosen_extra_properties_are_added(void **state)
{
	(void)state;
	static const uint8_t challenge[64] = { 1, 2, 3, [63] = 0xff };
	struct vmm_fdt_prop extra[] = {
		{ "ccakit,challenge", challenge, sizeof challenge },
		{ "ccakit,flag", NULL, 0 },
	};
	struct vmm_fdt_config cfg = config(1, 64 * MIB);
	cfg.chosen_extra = extra;
	cfg.chosen_extra_count = 2;
	build(&cfg);
	check_structure();
	int len;
	const void *p = prop("/chosen", "ccakit,challenge", &len);
	assert_int_equal(len, 64);
	assert_memory_equal(p, challenge, 64);
	prop("/chosen", "ccakit,flag", &len);
	assert_int_equal(len, 0);
}

static void chosen_extra_properties_are_checked(void **state)
{
	(void)state;
	char err[256];
	struct vmm_fdt_config cfg = config(1, 64 * MIB);
	struct vmm_fdt_prop p[2] = { { "bootargs", "x", 2 }, { "a", "", 1 } };
	cfg.chosen_extra = p;
	cfg.chosen_extra_count = 1;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	assert_contains(err, "'bootargs' is set by the VMM itself");
	p[0].name = "Bad Name";
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	assert_contains(err, "invalid name");
	p[0].name = "";
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	p[0].name = NULL;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	p[0].name = "a";
	cfg.chosen_extra_count = 2;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	assert_contains(err, "'a' given twice");
	p[1].name = "b";
	p[1].len = VMM_FDT_MAX_SIZE;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
	assert_contains(err, "too large");
	cfg.chosen_extra_count = VMM_FDT_MAX_CHOSEN_EXTRA + 1;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, NULL, err, sizeof err), -EINVAL);
}

static void bad_configs_are_refused(void **state)
{
	(void)state;
	char err[256];
	size_t size = 123;
	struct vmm_fdt_config cfg = config(0, 64 * MIB);
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	assert_contains(err, "0 CPUs, expected 1 to 256");
	assert_int_equal(size, 0);
	cfg = config(VMM_FDT_MAX_CPUS + 1, 64 * MIB);
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	cfg = config(1, 0);
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	assert_contains(err, "invalid memory range 0x40000000+0x0");
	cfg = config(1, 64 * MIB + 1);
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	cfg = config(1, 64 * MIB);
	cfg.mem_base = UINT64_MAX & ~GRANULE_MASK;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	cfg = config(1, 64 * MIB);
	cfg.mem_base = 0x08000000; /* runs over the UART */
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	assert_contains(err, "overlaps the UART at 0x9000000");
	char args[VMM_FDT_MAX_BOOTARGS + 2];
	memset(args, 'x', sizeof args - 1);
	args[sizeof args - 1] = '\0';
	cfg = config(1, 64 * MIB);
	cfg.bootargs = args;
	assert_int_equal(vmm_fdt_build(&cfg, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
	assert_contains(err, "bootargs longer than 2048 bytes");
	cfg = config(1, 64 * MIB);
	assert_int_equal(vmm_fdt_build(&cfg, NULL, sizeof fdt, &size, err, sizeof err), -EINVAL);
	assert_int_equal(vmm_fdt_build(NULL, fdt, sizeof fdt, &size, err, sizeof err), -EINVAL);
}

static void small_buffer_says_how_much_is_needed(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(4, 64 * MIB);
	build(&cfg);
	size_t need = fdt_totalsize(fdt);
	char err[256], want[96];
	size_t size = 1;
	static const size_t sizes[] = { 0, 8, 40, 200 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		assert_int_equal(vmm_fdt_build(&cfg, fdt, sizes[i], &size, err, sizeof err), -ENOSPC);
		snprintf(want, sizeof want, "needs %zu bytes, the buffer has %zu", need, sizes[i]);
		assert_contains(err, want);
		assert_int_equal(size, 0);
	}
	/* Exactly enough is enough. */
	assert_int_equal(vmm_fdt_build(&cfg, fdt, need, &size, err, sizeof err), 0);
	assert_int_equal(size, need);
	assert_int_equal(fdt_check_full(fdt, size), 0);
	assert_int_equal(vmm_fdt_build(&cfg, fdt, need - 1, &size, err, sizeof err), -ENOSPC);
}

static void build_is_deterministic(void **state)
{
	(void)state;
	struct vmm_fdt_config cfg = config(3, 128 * MIB);
	build(&cfg);
	size_t n = fdt_totalsize(fdt);
	uint8_t *copy = malloc(n);
	memcpy(copy, fdt, n);
	memset(fdt, 0xa5, sizeof fdt);
	build(&cfg);
	assert_int_equal(fdt_totalsize(fdt), n);
	assert_memory_equal(fdt, copy, n);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_cpu_tree_describes_the_machine),
		cmocka_unit_test(four_cpus_have_the_rec_mpidrs),
		cmocka_unit_test(cpus_past_sixteen_use_aff1),
		cmocka_unit_test(most_cpus_fit_the_size_bound),
		cmocka_unit_test(memory_sizes_are_described_exactly),
		cmocka_unit_test(empty_bootargs_when_none_given),
		cmocka_unit_test(gicv3_when_described_is_the_interrupt_parent),
		cmocka_unit_test(gicv3_ranges_must_not_overlap),
		cmocka_unit_test(chosen_extra_properties_are_added),
		cmocka_unit_test(chosen_extra_properties_are_checked),
		cmocka_unit_test(bad_configs_are_refused),
		cmocka_unit_test(small_buffer_says_how_much_is_needed),
		cmocka_unit_test(build_is_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
