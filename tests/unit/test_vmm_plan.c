/* The realm-building plan: what a guest image and its device tree become,
 * and that the host builds exactly that. */
#include "harness.h"

#include <errno.h>
#include <string.h>

#include "host/host.h"
#include "vmm/plan.h"

static uint8_t text[0x1800], data[0x300];
static const uint8_t dtb[0x900] = { 0xd0, 0x0d, 0xfe, 0xed };

/* text [0x40000000, +0x1800) file, data at +0x1900 sharing text's second
 * page, bss up to +0x5000, and a far segment at +0x20000 with bss only. */
static struct vmm_elf_segment segs[] = {
	{ .gpa = 0x40000000, .data = text, .filesz = sizeof(text), .memsz = sizeof(text) },
	{ .gpa = 0x40001900, .data = data, .filesz = sizeof(data), .memsz = 0x5000 - 0x1900 },
	{ .gpa = 0x40020000, .data = NULL, .filesz = 0, .memsz = 0x1000 },
};

static struct vmm_elf_image image(void)
{
	memset(text, 0xaa, sizeof(text));
	memset(data, 0xbb, sizeof(data));
	return (struct vmm_elf_image){
		.entry = 0x40000000, .nsegs = 3, .segs = segs,
		.lowest = 0x40000000, .highest = 0x40020fff,
	};
}

static struct vmm_options options(void)
{
	struct vmm_options o;
	vmm_options_defaults(&o);
	o.mem_size = 4 * MIB;
	o.cpus = 2;
	o.hash_algo = RMI_HASH_SHA_512;
	memcpy(o.rpv, "personal", 8);
	return o;
}

/* The plan of image() under options(), which must succeed. */
static void plan_default(struct vmm_plan *p)
{
	struct vmm_options o = options();
	struct vmm_elf_image img = image();
	char err[256];
	if (vmm_plan_build(&o, &img, dtb, sizeof(dtb), p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void image_pages_become_merged_measured_runs_then_the_device_tree(void **state)
{
	(void)state;
	struct vmm_plan p;
	plan_default(&p);
	const struct host_realm_layout *l = &p.layout;
	/* text and data share a page: one run of two pages; the bss-only
	 * segment has no run; the device tree follows the image's last byte. */
	assert_int_equal(l->nimages, 2);
	assert_int_equal(l->images[0].ipa, 0x40000000);
	assert_int_equal(l->images[0].len, 0x2000);
	assert_true(l->images[0].measure);
	const uint8_t *run = l->images[0].data;
	assert_int_equal(run[0x17ff], 0xaa);
	assert_int_equal(run[0x1800], 0);   /* the gap between the segments */
	assert_int_equal(run[0x1900], 0xbb);
	assert_int_equal(run[0x1bff], 0xbb);
	assert_int_equal(run[0x1c00], 0);   /* data's bss is not file bytes */
	assert_int_equal(p.dtb_ipa, 0x40021000);
	assert_int_equal(l->images[1].ipa, 0x40021000);
	assert_int_equal(l->images[1].len, 0x1000);
	assert_memory_equal(l->images[1].data, dtb, sizeof(dtb));
	/* The realm and its RECs. */
	assert_int_equal(l->ram.ipa, VMM_RAM_BASE);
	assert_int_equal(l->ram.len, 4 * MIB);
	assert_int_equal(l->realm.s2sz, VMM_REALM_S2SZ);
	assert_int_equal(l->realm.hash_algo, RMI_HASH_SHA_512);
	assert_memory_equal(l->realm.rpv, "personal", 8);
	assert_int_equal(l->nrecs, 2);
	assert_int_equal(l->pc, 0x40000000);
	assert_int_equal(l->gprs[0], 0x40021000);
	vmm_plan_free(&p);
}

static void ram_too_small_for_the_device_tree_is_refused_with_the_size_needed(void **state)
{
	(void)state;
	struct vmm_options o = options();
	struct vmm_elf_image img = image();
	struct vmm_plan p;
	char err[256];
	img.highest = VMM_RAM_BASE + o.mem_size - 0x100; /* the image fills RAM */
	assert_int_equal(vmm_plan_build(&o, &img, dtb, sizeof(dtb), &p, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "too small"));
	assert_non_null(strstr(err, "-m"));
}

static void host_builds_the_plan_in_the_reference_order(void **state)
{
	(void)state;
	struct vmm_plan p;
	char err[256];
	plan_default(&p);

	struct host_config hc = { .machine = { .dram_size = 32 * MIB, .pe_count = 1 } };
	struct host *h;
	struct host_realm *r;
	assert_int_equal(host_create(&hc, &h, err, sizeof(err)), 0);
	if (host_realm_build(h, &p.layout, &r) != 0)
		fail_msg("%s", host_error(h));
	/* Image and device tree pages are ASSIGNED RAM, the bss page and the
	 * rest of RAM UNASSIGNED RAM. */
	const struct { uint64_t ipa; uint64_t state; } expect[] = {
		{ 0x40000000, RMI_ASSIGNED },   { 0x40001000, RMI_ASSIGNED },
		{ 0x40002000, RMI_UNASSIGNED }, { 0x40020000, RMI_UNASSIGNED },
		{ 0x40021000, RMI_ASSIGNED },   { 0x40022000, RMI_UNASSIGNED },
		{ 0x403ff000, RMI_UNASSIGNED },
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		uint64_t res[4];
		assert_int_equal(host_rmi(h, res, RMI_RTT_READ_ENTRY, 3, r->rd, expect[i].ipa,
					  UINT64_C(3)),
				 0);
		if (res[1] != expect[i].state || res[3] != RIPAS_RAM)
			fail_msg("IPA 0x%llx: state %llu ripas %llu",
				 (unsigned long long)expect[i].ipa, (unsigned long long)res[1],
				 (unsigned long long)res[3]);
	}
	assert_int_equal(r->nrecs, 2);
	assert_int_equal(host_realm_activate(h, r), 0);
	assert_int_equal(host_realm_destroy(h, r), 0);
	host_destroy(h);
	vmm_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(image_pages_become_merged_measured_runs_then_the_device_tree),
		cmocka_unit_test(ram_too_small_for_the_device_tree_is_refused_with_the_size_needed),
		cmocka_unit_test(host_builds_the_plan_in_the_reference_order),
	};
	return cmocka_run_group_tests_name("vmm_plan", tests, NULL, NULL);
}
